// The browser code is type-checked under its own tsconfig (DOM types, no Node types), so DOM types do
// not leak into host code and host types do not leak into the webview.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

test('src/webview-ui type-checks with lib dom and no Node types', () => {
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'src/webview-ui'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
