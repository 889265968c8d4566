// scripts/vscode-host.mjs ensure: idempotent once the tools are there, and a clear message (exit 1) when a piece is
// missing. (The tier's setup has just run `ensure`, so the tools are in the cache.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, CODE_SERVER_VERSION, cleanInstallEnv, removeStaleStaging } from '../../scripts/vscode-host.mjs';

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

test('nested installs get a clean environment: no npm_* variable of the outer npm run reaches them', () => {
  const saved = { ...process.env };
  try {
    Object.assign(process.env, { npm_config_user_agent: 'npm/11.0.0 node/v20.20.2 linux x64', npm_lifecycle_event: 'test', npm_config_nodedir: '/usr', NPM_CONFIG_PREFIX: '/x', INIT_CWD: '/y', KEEP_ME: '1' });
    const env = cleanInstallEnv({ npm_config_nodedir: '/tools/node' });
    assert.equal(env.npm_config_user_agent, undefined, 'code-server\'s postinstall reads the Node version from it');
    assert.equal(env.npm_lifecycle_event, undefined);
    assert.equal(env.NPM_CONFIG_PREFIX, undefined);
    assert.equal(env.INIT_CWD, undefined);
    assert.equal(env.npm_config_nodedir, '/tools/node', 'what the install sets itself is kept');
    assert.equal(env.KEEP_ME, '1');
    assert.equal(env.PATH, process.env.PATH);
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
});

test('an install that was killed leaves nothing the next run trips over: its staging folder is removed; a live one is kept', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kms-tools-'));
  try {
    const cache = join(dir, 'tools');
    const dead = join(dir, 'tools.staging-999999999'); // no such process
    const alive = join(dir, `tools.staging-${process.pid}`); // this process: an install under way
    const old = join(dir, 'tools.old-999999999');
    for (const d of [dead, alive, old]) mkdirSync(join(d, 'node_modules', 'code-server'), { recursive: true });
    removeStaleStaging(cache);
    assert.equal(existsSync(dead), false);
    assert.equal(existsSync(old), false);
    assert.equal(existsSync(alive), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
