// The test command (`npm test`): type-check, build, then every tier with Node's test runner.
// Prints one closing line: "N passed, N failed" (", N skipped" when any were skipped).
//   node scripts/test.mjs [tier…]     tiers: typecheck, lint, core, core-boringssl, cli, sandbox, sandbox-boringssl, extension, hsm, e2e
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// A fresh clone: install the project's own dependencies first (nothing is installed by hand).
if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.log('== installing dependencies (npm ci)');
  const i = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (i.status !== 0) { console.log('npm ci failed'); console.log('0 passed, 1 failed'); process.exit(1); }
}
// Each run reports into its own folder, so runs side by side never read each other's reports.
const out = join(root, '.test-output', `run-${process.pid}`);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const only = process.argv.slice(2);
const files = (dir) =>
  existsSync(join(root, dir))
    ? readdirSync(join(root, dir), { recursive: true }).filter((f) => String(f).endsWith('.test.ts')).map((f) => join(dir, String(f))).sort()
    : [];

const tiers = [
  { name: 'core', files: files('test/core') },
  // The same core tests with BoringSSL's gaps (VS Code desktop) simulated: no *-wrap ciphers, no secp256k1/SM2 in the runtime.
  { name: 'core-boringssl', files: files('test/core'), preload: ['--import', './test/support/boringssl-gaps.mjs'], env: { KMS_IMPORT_SIMULATE_BORINGSSL: '1' } },
  { name: 'cli', files: files('test/cli') },
  { name: 'sandbox', files: files('test/sandbox') },
  // The sandbox also runs inside VS Code desktop (in-process): its import, SM2 and rotation paths, the import flow and the Huawei API's imports under BoringSSL's gaps.
  { name: 'sandbox-boringssl', files: ['sandbox-import', 'sandbox-sm2', 'sandbox-rotation', 'flow-import', 'huawei-provider'].map((f) => `test/sandbox/${f}.test.ts`).filter((f) => existsSync(join(root, f))), preload: ['--import', './test/support/boringssl-gaps.mjs'], env: { KMS_IMPORT_SIMULATE_BORINGSSL: '1' } },
  { name: 'extension', files: files('test/extension') },
  // A real SoftHSM2 token (installed by scripts/hsm-tools.mjs ensure when missing) and the sandbox.
  { name: 'hsm', files: files('test/hsm'), setup: 'scripts/hsm-tools.mjs' },
  { name: 'e2e', files: files('test/e2e'), setup: 'scripts/vscode-host.mjs' },
];

let passed = 0, failed = 0, skipped = 0;
const run = (cmd, args, env = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });

if (!only.length || only.includes('typecheck')) {
  console.log('\n== typecheck (tsc --noEmit, strict: host code and webview code)');
  for (const project of ['.', 'src/webview-ui']) {
    if (!existsSync(join(root, project, 'tsconfig.json'))) continue;
    const r = run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', project]);
    if (r.status === 0) passed++; else { failed++; console.log(`typecheck of ${project} FAILED`); }
  }
}
if (!only.length || only.includes('lint')) {
  // ESLint (eslint.config.mjs): one test per linted folder (each folder of src/, test, bench), failed when a file
  // in it has a problem: an import across a boundary, a file over 500 lines, a typescript-eslint finding.
  console.log('\n== lint (eslint: import boundaries, file length, typescript-eslint recommended)');
  const report = join(out, 'lint.json');
  const r = run(process.execPath, [join(root, 'node_modules/eslint/bin/eslint.js'), '--cache', '--cache-strategy', 'content',
    '--cache-location', join(root, 'node_modules/.cache/eslint/'), '--format', 'json', '--output-file', report, '.']);
  const results = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : [];
  if ((r.status !== 0 && r.status !== 1) || !results.length) { failed++; console.log('lint FAILED: eslint did not run'); }
  else {
    const byFolder = new Map();
    for (const f of results) {
      const rel = f.filePath.slice(root.length + 1).split(/[\\/]/);
      const folder = rel[0] === 'src' && rel.length > 2 ? `src/${rel[1]}` : rel.length > 1 ? rel[0] : '.';
      const problems = byFolder.get(folder) ?? [];
      for (const m of f.messages) problems.push(`${rel.join('/')}:${m.line ?? 0}:${m.column ?? 0} ${m.message} (${m.ruleId ?? 'parse'})`);
      byFolder.set(folder, problems);
    }
    for (const [folder, problems] of [...byFolder].sort()) {
      if (problems.length) { failed++; console.log(`✖ ${folder}: ${problems.length} problem(s)`); for (const line of problems) console.log(`    ${line}`); }
      else { passed++; console.log(`✔ ${folder}`); }
    }
  }
}
console.log('\n== build');
const b = run(process.execPath, ['scripts/build.mjs']);
if (b.status !== 0) { failed++; console.log('build FAILED'); }

for (const tier of tiers) {
  if (only.length && !only.includes(tier.name)) continue;
  if (!tier.files.length) continue;
  if (tier.setup && existsSync(join(root, tier.setup))) {
    console.log(`\n== ${tier.name}: setup`);
    const s = run(process.execPath, [tier.setup, 'ensure']);
    if (s.status !== 0) { failed++; console.log(`${tier.name} setup FAILED: its tests were not run`); continue; }
  }
  console.log(`\n== ${tier.name} (${tier.files.length} files)`);
  const tap = join(out, `${tier.name}.tap`);
  run(process.execPath, [
    '--import', 'tsx', ...(tier.preload ?? []),
    '--test', '--test-concurrency=2',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...tier.files,
  ], tier.env);
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const num = (k) => Number((text.match(new RegExp(`^# ${k} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  if (!text) { failed++; console.log(`${tier.name}: the runner produced no report`); continue; }
  const p = num('pass'), f = num('fail') + num('cancelled'), s = num('skipped') + num('todo');
  console.log(`-- ${tier.name}: ${p} passed, ${f} failed${s ? `, ${s} skipped` : ''}`);
  passed += p; failed += f; skipped += s;
}

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
