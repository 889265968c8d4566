// Builds dist/: the CLI bundle, the extension bundle (vscode external; the AWS SDK in its own lazily loaded chunk)
// and the webview bundles. Usage: node scripts/build.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, copyFileSync, readFileSync } from 'node:fs';
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
const builds = [
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, external: ['./cli-server.js', './cli-hsm.js'], plugins: [lazyForge] },
  // `kms-import hsm-wrap`: koffi (the PKCS#11 FFI, N-API with per-platform prebuilt binaries) stays a runtime
  // dependency, loaded only with this chunk. (The extension's HSM chunk, src/hsm/index.ts → dist/hsm.js, comes
  // with its commands and a per-platform .vsix that carries koffi.)
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
  // sandbox (sandbox.js) and node-forge (forge.js, only for PKCS#12 material).
  builds.push({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', './aws.js', './sandbox.js'], plugins: [lazyForge] });
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
