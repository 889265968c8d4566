// Extension benchmark: bundle sizes (production build, into a temporary folder) and activation time measured
// in a real extension host (code-server; the extension logs its own activation time, read from its log file).
//   node --import tsx bench/extension.bench.ts [--runs N]
// Targets: dist/extension.js without the AWS SDK < 300 KB; activation < 30 ms.
import { mkdtempSync, mkdirSync, rmSync, statSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { root, ensureTools, installExtensionDir, startCodeServer, waitFor, listFiles } from '../scripts/vscode-host.mjs';

const KB = 1024;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;

interface Row { metric: string; value: string; target: string; ok: string }
const rows: Row[] = [];
const row = (metric: string, value: string, target = '', ok?: boolean) => rows.push({ metric, value, target, ok: ok === undefined ? '' : ok ? 'yes' : 'NO' });

async function bundleSizes(out: string): Promise<void> {
  const common = { bundle: true, platform: 'node' as const, format: 'cjs' as const, target: 'node18', minify: true, sourcemap: false, logLevel: 'error' as const, absWorkingDir: root };
  await build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: join(out, 'extension.js'), external: ['vscode', './aws.js'] });
  const ext = statSync(join(out, 'extension.js')).size;
  row('dist/extension.js (minified, AWS SDK excluded)', `${(ext / KB).toFixed(1)} KB (gzip ${(gzipSync(readFileSync(join(out, 'extension.js'))).length / KB).toFixed(1)} KB)`, '< 300 KB', ext < 300 * KB);
  if (existsSync(join(root, 'src/providers/aws/bundle.ts'))) {
    await build({ ...common, entryPoints: ['src/providers/aws/bundle.ts'], outfile: join(out, 'aws.js') });
    const aws = statSync(join(out, 'aws.js')).size;
    row('dist/aws.js (AWS SDK chunk, loaded on first use)', `${(aws / KB).toFixed(1)} KB`);
  }
  for (const panel of ['form', 'summary']) {
    const entry = `src/webview-ui/${panel}/main.ts`;
    if (!existsSync(join(root, entry))) continue;
    await build({ ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: [entry], outfile: join(out, `${panel}.js`) });
    row(`dist/webview/${panel}.js`, `${(statSync(join(out, `${panel}.js`)).size / KB).toFixed(1)} KB`);
  }
}

/** Activation time as the extension reports it (log line "activated in N ms"), over RUNS window loads. */
async function activation(scratch: string): Promise<void> {
  const tools = ensureTools();
  if (!existsSync(join(root, 'dist/extension.js'))) throw new Error('dist/extension.js is missing: run node scripts/build.mjs --production first');
  const extensionsDir = join(scratch, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  installExtensionDir(extensionsDir);
  const workspace = join(scratch, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'README.md'), 'activation benchmark\n');
  const server = await startCodeServer({ workspace, extensionsDir, userDataDir: join(scratch, 'user-data'), tools });
  const browser = await chromium.launch({ executablePath: tools.chromium, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const times: number[] = [];
  const toTree: number[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    for (let i = 0; i < RUNS; i++) {
      const before = new Set(activationLines(server.logsDir));
      if (i === 0) await page.goto(server.folderUrl); else await page.reload();
      await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
      const item = page.locator('.activitybar [aria-label^="KMS Key Import"]').first();
      await item.waitFor({ timeout: 120_000 });
      const t0 = Date.now();
      const title = page.locator('.sidebar .composite.title');
      if (!(await title.innerText().catch(() => '')).toUpperCase().includes('KMS KEY IMPORT')) await item.click();
      await page.locator('.sidebar .monaco-list-row').filter({ hasText: 'Sandbox' }).first().waitFor({ timeout: 60_000 });
      toTree.push(Date.now() - t0);
      const line = await waitFor(() => activationLines(server.logsDir).find((l) => !before.has(l)), { timeoutMs: 60_000, what: 'the activation log line' });
      times.push(Number(line.match(ACTIVATED)![1]));
    }
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  row(`activation in the extension host (median of ${times.length}; runs: ${times.map((t) => t.toFixed(1)).join(', ')} ms)`, `${med(times).toFixed(1)} ms`, '< 30 ms', med(times) < 30);
  row(`activity-bar click → Sandbox row visible (median; includes activation)`, `${med(toTree)} ms`);
}

const ACTIVATED = /activated in ([\d.]+)\s*ms/i;

function activationLines(logsDir: string): string[] {
  const lines: string[] = [];
  for (const f of listFiles(logsDir)) {
    if (!f.includes('KMS Key Import')) continue;
    // Each window load writes a new log folder; line text + file keeps them apart.
    for (const l of readFileSync(f, 'utf8').split('\n')) if (ACTIVATED.test(l)) lines.push(`${f}\t${l}`);
  }
  return lines;
}

const scratch = mkdtempSync(join(tmpdir(), 'kms-bench-ext-'));
try {
  await bundleSizes(join(scratch, 'dist'));
  try {
    await activation(scratch);
  } catch (e) {
    row('activation in the extension host', `not measured: ${(e as Error).message.split('\n')[0]}`, '< 30 ms', false);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const w = [0, 1, 2, 3].map((i) => Math.max(...[['metric', 'value', 'target', 'ok'][i].length, ...rows.map((r) => Object.values(r)[i].length)]));
const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(w[i])).join(' | ')} |`;
console.log('\nExtension: bundle sizes and activation\n');
console.log(line(['metric', 'value', 'target', 'ok']));
console.log(`|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`);
for (const r of rows) console.log(line([r.metric, r.value, r.target, r.ok]));
