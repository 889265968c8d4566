// scripts/vscode-host.mjs ensure: idempotent once the tools are there, and a clear message (exit 1) when a piece is
// missing. (The tier's setup has just run `ensure`, so the tools are in the cache.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root, CODE_SERVER_VERSION } from '../../scripts/vscode-host.mjs';

const ensure = (env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(root, 'scripts/vscode-host.mjs'), 'ensure', '--no-apt'], { encoding: 'utf8', env: { ...process.env, ...env } });

test('ensure finds everything in the cache and installs nothing the second time', () => {
  const r = ensure();
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /node 24\.\d+\.\d+ present/);
  assert.match(r.stdout, new RegExp(`code-server ${CODE_SERVER_VERSION.replace(/\./g, '\\.')} present`));
  assert.match(r.stdout, /chromium present/);
  assert.doesNotMatch(r.stdout, /npm install|installing/);
});

test('ensure names what is missing and how to get it, with exit code 1 and no stack trace', () => {
  const r = ensure({ KMS_IMPORT_CHROMIUM: '/nonexistent/chromium' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /ERROR: Chromium not found at \/nonexistent\/chromium: apt-get install -y chromium/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});
