// The manifest and the code agree: every contributed command is registered and every registered
// command is contributed; menus name only contributed commands; context-only commands are hidden from
// the palette; every %placeholder% has a string in package.nls.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '../../src/extension/model/commandIds';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8'));

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(root, dir, f));
}

/** Command ids passed to registerCommand, resolved through the COMMANDS table. */
function registeredIds(): Set<string> {
  const ids = new Set<string>();
  const table = COMMANDS as Record<string, string>;
  for (const file of sources('src/extension')) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/registerCommand\(\s*(COMMANDS\.(\w+)|'([^']+)')/g)) {
      const id = m[2] ? table[m[2]] : m[3];
      assert.ok(id, `${file}: registerCommand(${m[1]}) names no known command`);
      ids.add(id);
    }
  }
  return ids;
}

const contributed = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));

test('every contributed command is registered', () => {
  const registered = registeredIds();
  const missing = [...contributed].filter((id) => !registered.has(id));
  assert.deepEqual(missing, [], `contributed but never registered: ${missing.join(', ')}`);
});

test('every registered command is contributed', () => {
  const extra = [...registeredIds()].filter((id) => !contributed.has(id));
  assert.deepEqual(extra, [], `registered but not in package.json: ${extra.join(', ')}`);
  assert.deepEqual([...new Set(Object.values(COMMANDS))].sort(), [...contributed].sort());
});

test('every command has the category and a codicon', () => {
  for (const c of pkg.contributes.commands) {
    assert.equal(c.category, '%category%', c.command);
    assert.match(c.icon, /^\$\([a-z-]+\)$/, c.command);
  }
  assert.equal(nls.category, 'KMS Import');
});

test('menus name only contributed commands; context-only commands are hidden from the palette', () => {
  for (const [menu, entries] of Object.entries(pkg.contributes.menus as Record<string, Array<{ command: string; when?: string }>>)) {
    for (const e of entries) assert.ok(contributed.has(e.command), `${menu}: ${e.command} is not contributed`);
  }
  const hidden = new Set(pkg.contributes.menus.commandPalette.filter((e: { when?: string }) => e.when === 'false').map((e: { command: string }) => e.command));
  for (const id of [COMMANDS.wrapFile, COMMANDS.refreshNode, COMMANDS.ssoLogin]) assert.ok(hidden.has(id), `${id} should be hidden from the palette`);
  for (const id of [COMMANDS.createKey, COMMANDS.importMaterial, COMMANDS.generateMaterial, COMMANDS.showSummary, COMMANDS.filterPending, COMMANDS.copyKeyArn]) assert.ok(!hidden.has(id), `${id} belongs in the palette`);
});

test('every %placeholder% in package.json has a string in package.nls.json', () => {
  const text = readFileSync(join(root, 'package.json'), 'utf8');
  const keys = [...text.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
  assert.ok(keys.length > 30);
  const missing = keys.filter((k) => typeof nls[k] !== 'string' || !nls[k].trim());
  assert.deepEqual(missing, []);
});

test('walkthrough media, icons and the web stub exist; trust and kind are declared', () => {
  for (const w of pkg.contributes.walkthroughs) for (const s of w.steps) assert.ok(existsSync(join(root, s.media.markdown)), s.media.markdown);
  assert.ok(existsSync(join(root, pkg.icon)));
  assert.ok(existsSync(join(root, pkg.browser)));
  assert.ok(existsSync(join(root, pkg.contributes.viewsContainers.activitybar[0].icon)));
  assert.deepEqual(pkg.extensionKind, ['workspace']);
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  for (const k of ['kmsImport.endpoints', 'kmsImport.profiles', 'kmsImport.bundleFolder', 'kmsImport.sandbox.stateDir']) {
    assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(k), k);
    assert.ok(pkg.contributes.configuration.properties[k], `${k} is a contributed setting`);
  }
  for (const [k, v] of Object.entries(pkg.contributes.configuration.properties as Record<string, { markdownDescription?: string }>)) assert.ok(v.markdownDescription, `${k} has a markdownDescription`);
});

test('activation stays lazy: only the panel serializers are activation events', () => {
  assert.deepEqual([...pkg.activationEvents].sort(), ['onWebviewPanel:kmsImport.importForm', 'onWebviewPanel:kmsImport.summary']);
  const ext = readFileSync(join(root, 'src/extension/extension.ts'), 'utf8');
  assert.doesNotMatch(ext, /@aws-sdk|providers\/aws/, 'extension.ts must not import the AWS SDK');
  for (const f of sources('src/extension')) {
    const text = readFileSync(f, 'utf8');
    assert.doesNotMatch(text, /^import [^\n]*['"]@aws-sdk\//m, `${f} imports the AWS SDK statically`);
    assert.doesNotMatch(text, /^import (?!type)[^\n]*['"][./]*providers\/aws\//m, `${f} imports the AWS provider statically`);
    assert.doesNotMatch(text, /Math\.random/, `${f} uses Math.random`);
  }
});

test('pure model files do not import vscode', () => {
  for (const f of sources('src/extension/model')) assert.doesNotMatch(readFileSync(f, 'utf8'), /from 'vscode'/, f);
  for (const f of ['src/protocol/form.ts', 'src/protocol/summary.ts']) assert.doesNotMatch(readFileSync(join(root, f), 'utf8'), /from 'vscode'/, f);
});
