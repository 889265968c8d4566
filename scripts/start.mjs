// `npm start`: build, then open VS Code with the extension, its sandbox and a sample workspace.
//   - desktop VS Code (`code --extensionDevelopmentPath=<repo> <workspace>`) when `code` is on PATH;
//   - otherwise code-server (installed on first use by scripts/vscode-host.mjs ensure), whose URL is printed.
// Ctrl-C stops everything this script started.
//
//   node scripts/start.mjs [--check] [--server] [--workspace DIR]
//     --check   (or KMS_IMPORT_START_CHECK=1) start everything, verify the workbench answers and the extension
//               activates, print the URL and exit 0.
//     --server  use code-server even when `code` is on PATH.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { join, delimiter } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';

const here = new URL('.', import.meta.url);
const { root, toolPaths, ensureTools, installExtensionDir, startCodeServer, stopProcess, waitFor } = await import(new URL('vscode-host.mjs', here).href);

const argv = process.argv.slice(2);
const check = argv.includes('--check') || process.env.KMS_IMPORT_START_CHECK === '1';
const forceServer = argv.includes('--server') || process.env.KMS_IMPORT_START_SERVER === '1';
const wsArg = argv.indexOf('--workspace');
const log = (m) => console.log(`[start] ${m}`);
const fail = (m) => { console.error(`[start] ERROR: ${m}`); process.exit(1); };

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const extensionId = `${pkg.publisher}.${pkg.name}`;

// 1. Dependencies and build.
if (!existsSync(join(root, 'node_modules', 'esbuild'))) {
  log('installing dependencies (npm ci)');
  const r = spawnSync('npm', [existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) fail('npm could not install the dependencies (see above).');
}
if (process.env.KMS_IMPORT_START_NO_BUILD === '1') log('build skipped (KMS_IMPORT_START_NO_BUILD=1)');
else {
  log('building (node scripts/build.mjs)');
  const r = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) fail('the build failed (see above).');
}
if (!existsSync(join(root, pkg.main ?? 'dist/extension.js'))) fail(`${pkg.main} was not built: is src/extension/extension.ts there?`);

// 2. A sample workspace: test key material to import into the sandbox, and the sandbox switched on.
const workspace = wsArg >= 0 ? argv[wsArg + 1] : join(toolPaths().cache, '..', 'sample-workspace');
makeSampleWorkspace(workspace);
log(`sample workspace: ${workspace}`);

// 3. Desktop VS Code if there is one.
const code = check || forceServer ? undefined : which('code');
if (code) {
  log(`opening desktop VS Code: ${code} --extensionDevelopmentPath=${root} ${workspace}`);
  const r = spawnSync(code, ['--new-window', `--extensionDevelopmentPath=${root}`, workspace], { stdio: 'inherit' });
  if (r.status !== 0) fail(`\`code\` exited with ${r.status}; try \`npm start -- --server\` to use code-server instead.`);
  log('VS Code is open: the Sandbox account in the "KMS Key Import" view starts the local KMS on demand.');
  process.exit(0);
}

// 4. Otherwise code-server, installed on first use.
let tools;
try {
  tools = ensureTools();
} catch (e) {
  fail(`could not install code-server: ${e.message}`);
}
const scratch = mkdtempSync(join(tmpdir(), 'kms-import-start-'));
const extensionsDir = join(scratch, 'extensions');
const userDataDir = join(scratch, 'user-data');
mkdirSync(extensionsDir, { recursive: true });
installExtensionDir(extensionsDir);
log(`extension ${extensionId} ${pkg.version} installed into ${extensionsDir}`);

let server;
let browser;
const cleanup = async () => {
  if (browser) await browser.close().catch(() => {});
  if (server) await server.stop();
  rmSync(scratch, { recursive: true, force: true });
};
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    await cleanup();
    log('stopped.');
    process.exit(0);
  });
}

try {
  server = await startCodeServer({ workspace, extensionsDir, userDataDir, tools, port: process.env.KMS_IMPORT_PORT ? Number(process.env.KMS_IMPORT_PORT) : undefined });
} catch (e) {
  await cleanup();
  fail(`code-server did not start: ${e.message}`);
}
log(`code-server ${server.url} (pid ${server.pid})`);

if (check) {
  try {
    const res = await fetch(server.folderUrl);
    const html = await res.text();
    if (!res.ok || !html.includes('workbench')) throw new Error(`the workbench page answered ${res.status} without the workbench`);
    log('workbench answers');
    await checkInBrowser();
    console.log(`\nKMS Key Import is running in VS Code: ${server.folderUrl}`);
    log('check passed');
    await cleanup();
    process.exit(0);
  } catch (e) {
    console.error(server.output().slice(-3000));
    await cleanup();
    fail(`check failed: ${e.message}`);
  }
}

console.log(`\n  KMS Key Import is running in VS Code (code-server):\n\n    ${server.folderUrl}\n\n  Open it in a browser. The Sandbox account in the "KMS Key Import" view is a local KMS.\n  Press Ctrl-C to stop.\n`);
// Keep running until a signal arrives or code-server exits by itself.
await waitFor(() => server.exited(), { timeoutMs: 2 ** 31 - 1, intervalMs: 1000, what: 'code-server to exit' });
log(`code-server exited (${JSON.stringify(server.exited())})`);
rmSync(scratch, { recursive: true, force: true });
process.exit(1);

// ---------------------------------------------------------------------------------------------------

/** Opens the workbench in Chromium and waits until the extension's view container is in the activity bar. */
async function checkInBrowser() {
  if (!existsSync(tools.chromium)) { log(`no Chromium at ${tools.chromium}: skipped the activation check`); return; }
  const { chromium } = await import(pathToFileURL(join(root, 'node_modules', 'playwright-core', 'index.mjs')).href);
  browser = await chromium.launch({ executablePath: tools.chromium, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(server.folderUrl);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  log('workbench rendered in Chromium');
  const item = page.locator('.activitybar [aria-label^="KMS Key Import"]').first();
  await item.waitFor({ timeout: 90_000 });
  log('the "KMS Key Import" view container is in the activity bar');
  // Opening the view activates the extension (as a user's first click does).
  await item.click();
  await page.locator('.sidebar .monaco-list-row').filter({ hasText: 'Sandbox' }).first().waitFor({ timeout: 90_000 });
  log('the Keys view lists the Sandbox account');
  // The sample workspace turns on sandbox auto-start: the extension logs where its local KMS listens.
  const { listFiles } = await import(new URL('vscode-host.mjs', here).href);
  const line = await waitFor(() => {
    for (const f of listFiles(server.logsDir)) {
      if (!f.includes('KMS Key Import')) continue;
      const m = readFileSync(f, 'utf8').match(/Sandbox listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) return m[1];
    }
    return undefined;
  }, { timeoutMs: 90_000, what: 'the extension to start its sandbox' });
  log(`the extension's sandbox listens on ${line}`);
}

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return undefined;
}

function makeSampleWorkspace(dir) {
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  mkdirSync(join(dir, 'material'), { recursive: true });
  const write = (rel, data) => { const f = join(dir, rel); if (!existsSync(f)) writeFileSync(f, data, { mode: 0o600 }); };
  write('README.md', [
    '# KMS Key Import — sample workspace',
    '',
    'Test key material for the local **Sandbox** KMS (never use these files with a real account):',
    '',
    '- `material/aes256.bin` — 32 random bytes: a SYMMETRIC_DEFAULT key.',
    '- `material/rsa2048.pem` — an RSA 2048 private key (PKCS#8 PEM): an RSA_2048 SIGN_VERIFY key.',
    '- `material/hmac256.bin` — 32 random bytes: an HMAC_256 key.',
    '',
    'Open the **KMS Key Import** view in the activity bar, expand **Sandbox**, then run **KMS Import: Create Key for Import**.',
    'Or right-click a file under `material/` → **Wrap for KMS Import…**.',
    '',
  ].join('\n'));
  write('material/aes256.bin', randomBytes(32));
  write('material/hmac256.bin', randomBytes(32));
  write('material/rsa2048.pem', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const settingsFile = join(dir, '.vscode', 'settings.json');
  if (!existsSync(settingsFile)) {
    writeFileSync(settingsFile, JSON.stringify({ 'kmsImport.sandbox.autoStart': true }, null, 2) + '\n');
  }
}
