// `npm run bench`: builds, then runs every bench/*.bench.ts (or the ones named) and prints their tables.
// Results are also written to bench-results/<name>.json. Benchmarks are not tests: they measure.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);
mkdirSync(join(root, 'bench-results'), { recursive: true });
const b = spawnSync(process.execPath, ['scripts/build.mjs', '--production'], { cwd: root, stdio: 'inherit' });
if (b.status !== 0) process.exit(1);
const files = existsSync(join(root, 'bench')) ? readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.bench.ts')).sort() : [];
let failed = 0;
for (const f of files) {
  if (only.length && !only.some((o) => f.startsWith(o))) continue;
  console.log(`\n=== ${f}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join('bench', f)], { cwd: root, stdio: 'inherit', env: { ...process.env, BENCH_RESULTS: join(root, 'bench-results') } });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
