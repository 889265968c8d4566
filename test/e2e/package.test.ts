// The .vsix that `npm run package` builds carries only what the extension needs at run time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { readZip, VSCE_FLAGS } from '../../scripts/vscode-host.mjs';
import { buildVsix, repoRoot } from './support/vsix';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));

test('npm run package builds in production mode and packs with the same vsce flags the tests use', () => {
  const script: string = pkg.scripts?.package ?? '';
  assert.match(script, /node scripts\/build\.mjs --production && vsce package/);
  for (const flag of VSCE_FLAGS) assert.ok(script.includes(flag), `package script lacks ${flag}`);
});

test('the .vsix holds the run-time files and nothing else', async () => {
  const entries = [...readZip(readFileSync(await buildVsix())).keys()].sort();
  const files = entries.filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length));

  // What it must hold.
  const required = ['package.json', pkg.main.replace(/^\.\//, '')];
  assert.ok(files.some((f) => /^LICENSE(\.txt)?$/.test(f)), 'the LICENSE is in the .vsix');
  // The lazily loaded chunks the extension imports at run time (scripts/build.mjs).
  if (existsSync(join(repoRoot, 'src/providers/aws/bundle.ts'))) required.push('dist/aws.js');
  if (existsSync(join(repoRoot, 'src/sandbox/index.ts'))) required.push('dist/sandbox.js');
  if (existsSync(join(repoRoot, 'dist/forge.js'))) required.push('dist/forge.js');
  if (existsSync(join(repoRoot, 'src/core/lazyCurves.ts'))) required.push('dist/curves.js');
  if (existsSync(join(repoRoot, 'src/providers/huawei/huaweiProvider.ts'))) required.push('dist/huawei.js');
  for (const panel of ['form', 'summary']) {
    if (existsSync(join(repoRoot, `src/webview-ui/${panel}/main.ts`))) required.push(`dist/webview/${panel}.js`);
  }
  required.push('dist/webview/codicon.css', 'dist/webview/codicon.ttf');
  // The HSM worker and koffi for it: the loader and this platform's prebuilt binary (scripts/build.mjs copyKoffi).
  required.push('dist/hsm-worker.js', 'dist/koffi/index.cjs', 'dist/koffi/src/koffi/index.cjs', 'dist/koffi/src/koffi/src/static.cjs', `dist/@koromix/koffi-${process.platform}-${process.arch}/index.js`);
  assert.ok(files.some((f) => f.startsWith(`dist/@koromix/koffi-${process.platform}-${process.arch}/`) && f.endsWith('/koffi.node')), 'this platform\'s koffi.node is in the .vsix');
  assert.deepEqual(files.filter((f) => f.startsWith('dist/@koromix/')).map((f) => f.split('/')[2]).filter((v, i, a) => a.indexOf(v) === i), [`koffi-${process.platform}-${process.arch}`], 'only this platform\'s binary package');
  if (existsSync(join(repoRoot, 'package.nls.json'))) required.push('package.nls.json');
  if (existsSync(join(repoRoot, 'README.md'))) required.push('readme.md');
  if (existsSync(join(repoRoot, 'CHANGELOG.md'))) required.push('changelog.md');
  for (const f of required) assert.ok(files.some((x) => x.toLowerCase() === f.toLowerCase()), `${f} is missing from the .vsix; it holds: ${files.join(', ')}`);

  // What it must not hold: sources, dependencies, tests, source maps, tools, the CLI bundle, dev configs.
  const forbidden: Array<[RegExp, string]> = [
    [/^src\//, 'TypeScript sources'],
    [/(^|\/)node_modules\//, 'node_modules'],
    [/^test\//, 'tests'],
    [/^bench\//, 'benchmarks'],
    [/^scripts\//, 'build scripts'],
    [/^docs\//, 'docs (screenshots)'],
    [/\.map$/, 'source maps'],
    [/\.ts$/, 'TypeScript files'],
    [/(^|\/)\.tools\//, 'the tools folder'],
    [/^\.test-output\//, 'test output'],
    [/^\.vscode(-test\.mjs|\/)/, 'editor/test configs'],
    [/^\.git/, 'git files'],
    [/^tsconfig/, 'tsconfig'],
    [/\.vsix$/, 'other .vsix files'],
    [/^dist\/cli(-[a-z-]+)?\.js$/, 'the CLI bundles (not used by the extension)'],
    [/^package-lock\.json$/, 'the lockfile'],
  ];
  for (const f of files) {
    for (const [re, what] of forbidden) assert.doesNotMatch(f, re, `${f}: ${what} must not be in the .vsix`);
  }
  // Every file in it is one of the allowed run-time kinds.
  for (const f of files) {
    assert.match(f, /^(package\.json|package\.nls(\.[\w-]+)?\.json|readme\.md|changelog\.md|LICENSE(\.txt)?|dist\/.+|media\/.+|l10n\/.+)$/i, `${f} is not a run-time file`);
  }
  // The manifest vsce writes is there too.
  assert.ok(entries.includes('extension.vsixmanifest'));
  assert.ok(entries.includes('[Content_Types].xml'));
});

test('the packaged HSM worker loads koffi from the .vsix itself (no node_modules), in a worker thread', async () => {
  const zip = readZip(readFileSync(await buildVsix()));
  const dir = mkdtempSync(join(tmpdir(), 'kms-vsix-koffi-'));
  try {
    for (const [name, data] of zip) {
      if (!name.startsWith('extension/dist/')) continue;
      const out = join(dir, name.slice('extension/'.length));
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, data);
    }
    const loaded = await new Promise<string>((resolve, reject) => {
      const w = new Worker(`const k = require(${JSON.stringify(join(dir, 'dist/koffi/index.cjs'))}); require('node:worker_threads').parentPort.postMessage(k.sizeof('void *') + ' ' + Object.keys(require.cache).filter((f) => f.endsWith('koffi.node')).join(','));`, { eval: true });
      w.once('message', resolve);
      w.once('error', reject);
    });
    const [ptr, native] = loaded.split(' ');
    assert.equal(Number(ptr), 8);
    assert.ok(native.startsWith(join(dir, 'dist/@koromix/')), `koffi.node was loaded from ${native}, not from the unpacked .vsix`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the packaged package.json is the project manifest, with the entry points inside the package', async () => {
  const zip = readZip(readFileSync(await buildVsix()));
  const packed = JSON.parse(zip.get('extension/package.json')!.toString('utf8'));
  assert.equal(packed.name, pkg.name);
  assert.equal(packed.publisher, pkg.publisher);
  assert.equal(packed.version, pkg.version);
  assert.ok(zip.has(`extension/${packed.main.replace(/^\.\//, '')}`), `main ${packed.main} is not packed`);
  if (packed.browser) assert.ok(zip.has(`extension/${packed.browser.replace(/^\.\//, '')}`), `browser ${packed.browser} is not packed`);
});
