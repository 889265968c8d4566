// Fuzzing the material parser and the bundle readers (folder, zip, JSON, README) — issue 8. Random and mutated
// inputs from the seed corpus, bounded in count and time, each of which must end in a clean refusal (KmsImportError
// with a message and a fix) or a correct answer, within a time limit, without exhausting memory. Reproducible: the
// seed is printed and FUZZ_SEED overrides it (FUZZ_COUNT, FUZZ_TIME_MS, FUZZ_INPUT_MS override the bounds). Every
// input that fails is kept in test/fixtures/fuzz-found/, which fuzz-replay.test.ts replays on every run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { caseFromJson, saveFound } from '../support/fuzz';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const COUNT = Number(process.env.FUZZ_COUNT ?? 4000);
const TIME_MS = Number(process.env.FUZZ_TIME_MS ?? 20_000);
const INPUT_MS = Number(process.env.FUZZ_INPUT_MS ?? 10_000);
const SETUP_MS = 60_000;

test(`fuzzing the material parser and bundle readers (FUZZ_SEED=${SEED}, at most ${COUNT} inputs / ${TIME_MS} ms)`, { timeout: SETUP_MS + TIME_MS + INPUT_MS + 30_000 }, async () => {
  console.log(`fuzz: FUZZ_SEED=${SEED} FUZZ_COUNT=${COUNT} FUZZ_TIME_MS=${TIME_MS}`);
  // The worker loads TypeScript through tsx, and the simulated BoringSSL gaps when this tier runs under them.
  const gaps = process.env.KMS_IMPORT_SIMULATE_BORINGSSL ? `await import(${JSON.stringify(pathToFileURL(join(__dirname, '..', 'support', 'boringssl-gaps.mjs')).href)});` : '';
  const code = `require('tsx/cjs'); (async () => { ${gaps} require(${JSON.stringify(join(__dirname, '..', 'support', 'fuzzWorker.ts'))}); })();`;
  const worker = new Worker(code, { eval: true, workerData: { seed: SEED, count: COUNT, budgetMs: TIME_MS }, resourceLimits: { maxOldGenerationSizeMb: 512 } });
  const failures: string[] = [];
  let current: { i: number; json: string; since: number } | undefined;
  let setupUntil = Date.now() + SETUP_MS;
  let summary: { ran: number; answer: number; refusal: number; failed: number; elapsedMs: number; byTarget: Record<string, { answer: number; refusal: number; failed: number }> } | undefined;
  let slowest = { ms: 0, i: -1 };
  const keep = (json: string, why: string) => {
    const file = saveFound(caseFromJson(json), `seed ${SEED}: ${why}`);
    failures.push(`${why.split('\n')[0]} → kept as ${file}`);
  };
  await new Promise<void>((resolve) => {
    const watchdog = setInterval(() => {
      const now = Date.now();
      if (current && now - current.since > INPUT_MS) {
        keep(current.json, `no answer within ${INPUT_MS} ms (a hang)`);
        current = undefined;
        void worker.terminate();
      } else if (!current && !summary && setupUntil && now > setupUntil) {
        failures.push(`the seed corpus was not ready within ${SETUP_MS} ms`);
        void worker.terminate();
      }
    }, 250);
    worker.on('message', (m: { type: string; i: number; json: string; ms: number; verdict: { ok: boolean; why?: string }; message?: string } & Record<string, number>) => {
      if (m.type === 'ready') setupUntil = 0;
      else if (m.type === 'start') current = { i: m.i, json: m.json, since: Date.now() };
      else if (m.type === 'done') {
        if (!m.verdict.ok && current) keep(current.json, m.verdict.why!);
        if (m.ms > slowest.ms) slowest = { ms: m.ms, i: m.i };
        current = undefined;
      } else if (m.type === 'end') summary = m as never;
      else if (m.type === 'fatal') failures.push(`the fuzzer itself failed: ${m.message}`);
    });
    worker.on('error', (e) => {
      if (current) keep(current.json, `the worker died (${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}) — unbounded memory?`);
      else failures.push(`the worker died: ${e.message}`);
      current = undefined;
    });
    worker.on('exit', () => {
      clearInterval(watchdog);
      resolve();
    });
  });
  if (summary) {
    console.log(`fuzz: ${summary.ran} inputs in ${summary.elapsedMs} ms — ${summary.answer} answers, ${summary.refusal} clean refusals, ${summary.failed} failures; slowest input ${slowest.ms} ms (#${slowest.i})`);
    console.log(`fuzz: by target ${Object.entries(summary.byTarget).map(([t, n]) => `${t} ${n.answer}/${n.refusal}/${n.failed}`).join(', ')} (answers/refusals/failures)`);
  }
  assert.deepEqual(failures, [], `FUZZ_SEED=${SEED}: ${failures.length} failing input(s)`);
  assert.ok(summary && summary.ran > 0, 'the fuzzer ran');
});
