// Strings ready for l10n: l10n/bundle.l10n.json (the English source translators start from) lists
// every vscode.l10n.t string of the host code, and user-facing host messages go through vscode.l10n.t
// (the log stays unlocalized on purpose). Update the bundle with:
//   KMS_IMPORT_UPDATE_L10N=1 node --import tsx --test test/extension/l10n.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const bundleFile = join(root, 'l10n', 'bundle.l10n.json');

function sources(): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  for (const dir of ['src/extension']) {
    for (const f of readdirSync(join(root, dir), { recursive: true }).map(String).filter((x) => x.endsWith('.ts')).sort()) {
      out.push({ file: `${dir}/${f}`, text: readFileSync(join(root, dir, f), 'utf8') });
    }
  }
  return out;
}

function extract(): Record<string, string> {
  const strings = new Set<string>();
  for (const { text } of sources()) {
    for (const m of text.matchAll(/l10n\.t\(\s*'((?:[^'\\]|\\.)*)'/g)) strings.add(m[1].replace(/\\'/g, "'").replace(/\\\\/g, '\\'));
  }
  return Object.fromEntries([...strings].sort().map((s) => [s, s]));
}

test('l10n/bundle.l10n.json is up to date with the source', () => {
  const expected = JSON.stringify(extract(), null, 2) + '\n';
  if (process.env.KMS_IMPORT_UPDATE_L10N === '1') writeFileSync(bundleFile, expected);
  assert.equal(readFileSync(bundleFile, 'utf8'), expected, 'run: KMS_IMPORT_UPDATE_L10N=1 node --import tsx --test test/extension/l10n.test.ts');
  const bundle = JSON.parse(expected);
  assert.ok(Object.keys(bundle).length > 80);
  assert.ok('Import Key Material' in bundle);
});

test('window messages are localized', () => {
  for (const { file, text } of sources()) {
    for (const m of text.matchAll(/show(Information|Warning|Error)Message\(\s*([^,)]+)/g)) {
      const arg = m[2].trim();
      assert.ok(/^vscode\.l10n\.t\(|^message$/.test(arg), `${file}: ${m[0]} is not localized`);
    }
  }
});
