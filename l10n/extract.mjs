// Writes l10n/bundle.l10n.json: every string the extension passes to vscode.l10n.t (the English
// source that translators start from; bundle.l10n.<lang>.json files sit next to it).
// Usage: node l10n/extract.mjs [--check]   (--check: exit 1 if the file is out of date)
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function extract() {
  const strings = new Set();
  for (const dir of ['src/extension', 'src/webviews']) {
    for (const f of readdirSync(join(root, dir), { recursive: true }).map(String).filter((x) => x.endsWith('.ts')).sort()) {
      const text = readFileSync(join(root, dir, f), 'utf8');
      for (const m of text.matchAll(/l10n\.t\(\s*'((?:[^'\\]|\\.)*)'/g)) strings.add(m[1].replace(/\\'/g, "'").replace(/\\\\/g, '\\'));
    }
  }
  return Object.fromEntries([...strings].sort().map((s) => [s, s]));
}

const file = join(root, 'l10n', 'bundle.l10n.json');
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = JSON.stringify(extract(), null, 2) + '\n';
  if (process.argv.includes('--check')) {
    const ok = existsSync(file) && readFileSync(file, 'utf8') === text;
    if (!ok) console.error('l10n/bundle.l10n.json is out of date: run node l10n/extract.mjs');
    process.exit(ok ? 0 : 1);
  }
  writeFileSync(file, text);
  console.log(`${Object.keys(JSON.parse(text)).length} strings → l10n/bundle.l10n.json`);
}
