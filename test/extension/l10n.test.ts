// Strings ready for l10n: the English bundle lists every vscode.l10n.t string of the host code, and
// user-facing host messages go through vscode.l10n.t (the log stays unlocalized on purpose).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

test('l10n/bundle.l10n.json is up to date with the source', () => {
  const r = spawnSync(process.execPath, ['l10n/extract.mjs', '--check'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const bundle = JSON.parse(readFileSync(join(root, 'l10n/bundle.l10n.json'), 'utf8'));
  assert.ok(Object.keys(bundle).length > 80);
  assert.ok('Import Key Material' in bundle);
});

test('window messages are localized', () => {
  for (const dir of ['src/extension', 'src/webviews']) {
    for (const f of readdirSync(join(root, dir), { recursive: true }).map(String).filter((x) => x.endsWith('.ts'))) {
      const text = readFileSync(join(root, dir, f), 'utf8');
      for (const m of text.matchAll(/show(Information|Warning|Error)Message\(\s*([^,)]+)/g)) {
        const arg = m[2].trim();
        assert.ok(/^vscode\.l10n\.t\(|^message$/.test(arg), `${dir}/${f}: ${m[0]} is not localized`);
      }
    }
  }
});
