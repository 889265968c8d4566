#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is bundled into dist/cli.js by `npm run build` (run on install by `prepare`).
const path = require('node:path');
const fs = require('node:fs');
const dist = path.join(__dirname, '..', 'dist');
const bundle = path.join(dist, 'cli.js');
if (!['cli.js', 'cli-wrap-pool.js', 'cli-wrap-worker.js'].every((f) => fs.existsSync(path.join(dist, f)))) {
  process.stderr.write('kms-import: the CLI is not built yet. Fix: run `npm install` (or `npm run build`) in ' + path.join(__dirname, '..') + '\n');
  process.exit(1);
}
const argv = process.argv.slice(2);
// A large `wrap` batch starts its worker threads first, so that they boot while the CLI bundle loads.
const wrapPool = argv[0] === 'wrap' ? require(path.join(dist, 'cli-wrap-pool.js')).WrapPool.forArgs(argv.slice(1)) : undefined;
require(bundle).main(argv, { wrapPool }).then(
  (code) => { process.exitCode = code; },
  (e) => { process.stderr.write('kms-import: ' + (e && e.message ? e.message : String(e)) + '\n'); process.exitCode = 1; },
);
