// Prints a benchmark's measurements and ratios as a table and saves them as JSON.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function report(name: string, rows: string[][], ratios: string[][] = []): void {
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length), 4));
  console.log(`\n${name}`);
  for (const r of rows) console.log(`  ${r[0].padEnd(w[0])}  ${(r[1] ?? '').padStart(w[1])}  ${r[2] ?? ''}`);
  if (ratios.length) {
    console.log('  ratio                     measured  target');
    for (const r of ratios) console.log(`  ${r[0].padEnd(24)}  ${r[1].padStart(8)}  ${r[2]}`);
  }
  const dir = process.env.BENCH_RESULTS;
  if (dir) writeFileSync(join(dir, `${name}.json`), JSON.stringify({ name, at: new Date().toISOString(), node: process.version, rows, ratios }, null, 2));
}
