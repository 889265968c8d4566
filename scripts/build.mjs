// Builds dist/: the CLI bundle, the extension bundle (vscode external; the AWS SDK in its own lazily loaded chunk)
// and the webview bundles. Usage: node scripts/build.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, copyFileSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const common = {
  define: { 'process.env.KMS_IMPORT_VERSION': JSON.stringify(version) },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

// node-forge (only for PKCS#12 material) is its own lazily loaded chunk, dist/forge.js.
const lazyForge = { name: 'lazy-forge', setup(build) { build.onResolve({ filter: /^node-forge$/ }, () => ({ path: './forge.js', external: true })); } };
// The pure-JS curves (SM2, secp256k1 and noble's NIST curves: core/lazyCurves.ts) are the extension's chunk dist/curves.js.
const lazyCurves = { name: 'lazy-curves', setup(build) { build.onResolve({ filter: /^\.\/lazyCurves$/ }, () => ({ path: './curves.js', external: true })); } };
// The extension's HSM worker loads koffi from dist/koffi (copied below), not from node_modules (absent in a .vsix).
const koffiFromDist = { name: 'koffi-from-dist', setup(build) { build.onResolve({ filter: /^koffi$/ }, () => ({ path: './koffi/index.cjs', external: true })); } };
const builds = [
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, external: ['./cli-server.js', './cli-hsm.js'], plugins: [lazyForge] },
  // `kms-import hsm-wrap` / `verify --hsm-module`: koffi (the PKCS#11 FFI, N-API with per-platform prebuilt
  // binaries) stays a runtime dependency of the CLI, loaded only with this chunk. The extension's HSM chunk is
  // dist/hsm-worker.js (below), which loads the copy of koffi in dist/koffi (copyKoffi).
  { ...common, entryPoints: ['src/cli/hsmCommand.ts'], outfile: 'dist/cli-hsm.js', external: ['koffi'], plugins: [lazyForge] },
  // `kms-import wrap` over a large batch: the launcher starts the worker threads (cli-wrap-pool.js, no core in it)
  // before it loads cli.js; each worker runs cli-wrap-worker.js.
  { ...common, entryPoints: ['src/cli/wrapPool.ts'], outfile: 'dist/cli-wrap-pool.js' },
  { ...common, entryPoints: ['src/cli/wrapWorker.ts'], outfile: 'dist/cli-wrap-worker.js', plugins: [lazyForge] },
  { ...common, entryPoints: ['node-forge'], outfile: 'dist/forge.js' },
];
if (existsSync(join(root, 'src/cli/server.ts'))) {
  builds.push({ ...common, entryPoints: ['src/cli/server.ts'], outfile: 'dist/cli-server.js', external: ['./cli-hsm.js'] });
}
if (existsSync(join(root, 'src/extension/extension.ts'))) {
  // Lazily loaded chunks stay out of dist/extension.js (< 300 KB): the AWS SDK (aws.js), the in-process
  // sandbox (sandbox.js), node-forge (forge.js, only for PKCS#12 material), the Huawei provider (huawei.js)
  // and the pure-JS curves (curves.js: SM2, secp256k1, noble's NIST curves).
  builds.push({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', './aws.js', './sandbox.js', './huawei.js', './curves.js'], plugins: [lazyForge, lazyCurves] });
  builds.push({ ...common, entryPoints: ['src/core/lazyCurves.ts'], outfile: 'dist/curves.js' });
  if (existsSync(join(root, 'src/providers/huawei/huaweiProvider.ts'))) builds.push({ ...common, entryPoints: ['src/providers/huawei/huaweiProvider.ts'], outfile: 'dist/huawei.js' });
  // The HSM worker (Wrap in HSM): its own chunk, loaded in a worker thread only when that command runs.
  builds.push({ ...common, entryPoints: ['src/hsm/worker.ts'], outfile: 'dist/hsm-worker.js', plugins: [lazyForge, koffiFromDist] });
  if (existsSync(join(root, 'src/sandbox/index.ts'))) builds.push({ ...common, entryPoints: ['src/sandbox/index.ts'], outfile: 'dist/sandbox.js' });
}
if (existsSync(join(root, 'src/providers/aws/bundle.ts'))) {
  builds.push({ ...common, entryPoints: ['src/providers/aws/bundle.ts'], outfile: 'dist/aws.js' });
}
for (const panel of ['form', 'summary']) {
  const entry = `src/webview-ui/${panel}/main.ts`;
  if (existsSync(join(root, entry))) {
    builds.push({ ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: [entry], outfile: `dist/webview/${panel}.js` });
  }
}

mkdirSync(join(root, 'dist'), { recursive: true });
const codicons = join(root, 'node_modules/@vscode/codicons/dist');
if (existsSync(codicons)) {
  mkdirSync(join(root, 'dist/webview'), { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(join(codicons, f), join(root, 'dist/webview', f));
}

// koffi for the packaged extension: its loader (index.cjs → src/koffi/index.cjs) and this platform's prebuilt
// binary package, laid out as the loader looks for it (dist/koffi/src/koffi/../../../@koromix/koffi-<os>-<arch>,
// i.e. dist/@koromix/…). Only the platform of this build is carried: a .vsix is per platform (vsce --target),
// and KMS_IMPORT_KOFFI_PLATFORM=<os>-<arch> picks another when its package is installed in node_modules.
function copyKoffi() {
  const src = join(root, 'node_modules/koffi');
  const platform = process.env.KMS_IMPORT_KOFFI_PLATFORM || `${process.platform}-${process.arch}`;
  const native = join(root, 'node_modules/@koromix', `koffi-${platform}`);
  rmSync(join(root, 'dist/koffi'), { recursive: true, force: true });
  rmSync(join(root, 'dist/@koromix'), { recursive: true, force: true });
  if (!existsSync(src) || !existsSync(native)) {
    console.warn(`build: koffi or @koromix/koffi-${platform} is not installed; the extension's HSM commands will say so when used.`);
    return;
  }
  const copy = (from, to) => {
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
  };
  for (const f of ['index.cjs', 'package.json', 'LICENSE.txt', 'src/koffi/index.cjs', 'src/koffi/src/static.cjs']) copy(join(src, f), join(root, 'dist/koffi', f));
  const out = join(root, 'dist/@koromix', `koffi-${platform}`);
  for (const f of ['index.js', 'package.json']) copy(join(native, f), join(out, f));
  copy(join(src, 'LICENSE.txt'), join(out, 'LICENSE.txt'));
  for (const d of readdirSync(native, { withFileTypes: true })) {
    if (d.isDirectory() && existsSync(join(native, d.name, 'koffi.node'))) copy(join(native, d.name, 'koffi.node'), join(out, d.name, 'koffi.node'));
  }
}
if (existsSync(join(root, 'src/extension/extension.ts'))) copyKoffi();

if (watch) {
  for (const b of builds) {
    const ctx = await esbuild.context({ ...b, plugins: [{ name: 'watch-log', setup(build) {
      build.onStart(() => console.log('[watch] build started'));
      build.onEnd(() => console.log('[watch] build finished'));
    } }] });
    await ctx.watch();
  }
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
