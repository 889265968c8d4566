// The threads of `kms-import wrap` over a large batch. Files are taken from one queue shared by this thread and
// worker threads (src/cli/wrapWorker.ts); each thread reads, checks, wraps and writes its files itself, so no key
// material crosses between threads, and results keep the input order whichever thread did the work.
// This module loads no part of the core: bin/kms-import.js starts the workers with it before the CLI bundle loads.
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { usageError } from '../core/errors';
import type { Finding, ProviderId } from '../core/rules';
import type { KeySpec, WrappingAlgorithm, WrappingKeySpec } from '../core/specs';
import { one, parseArgs, type FlagSpec, type Parsed } from './args';

/** The options of `kms-import wrap`. */
export const WRAP_FLAGS: Record<string, FlagSpec> = {
  json: {},
  material: { value: true, multiple: true },
  bundle: { value: true },
  'public-key': { value: true },
  algorithm: { value: true },
  'key-spec': { value: true },
  provider: { value: true },
  out: { value: true },
  'out-dir': { value: true },
  'passphrase-file': { value: true },
  jobs: { value: true },
  force: {},
};

/** Everything a thread needs to wrap any file of the batch. No secret in it but the passphrase, if one was given. */
export interface WrapJob {
  algorithm: WrappingAlgorithm;
  provider: ProviderId;
  keySpec?: KeySpec;
  passphrase?: string;
  /** The wrapping public key as SPKI DER, and its spec. */
  spki: Uint8Array;
  wrappingKeySpec: WrappingKeySpec | undefined;
  materials: string[];
  targets: string[];
  /** --force: an existing output may be replaced (otherwise one that appears meanwhile is refused, OUTPUT_EXISTS). */
  overwrite: boolean;
}

export interface WrapFileResult {
  material: string;
  out?: string;
  keySpec?: string;
  bytes?: number;
  error?: { code: string; message: string; fix: string };
  findings?: Finding[];
}

/** The typed protocol between `kms-import wrap` and its worker threads (the queue itself is shared memory). */
export type ToWrapWorker = { type: 'job'; job: WrapJob };
export type FromWrapWorker = { type: 'result'; index: number; result: WrapFileResult } | { type: 'fatal'; message: string; stack?: string };
export interface WrapWorkerData {
  queue: SharedArrayBuffer;
}

/** A queue position past any batch: closing the queue stores it, so every thread's next claim finds nothing. */
const CLOSED = 0x3fffffff;

/** Takes the next unclaimed file index from the queue shared by all threads; undefined when none is left. */
export function claim(queue: Int32Array, count: number): number | undefined {
  const i = Atomics.add(queue, 0, 1);
  return i >= 0 && i < count ? i : undefined;
}

/** Closes the queue: no thread takes another file (the one each is doing is finished). */
export function closeQueue(queue: Int32Array): void {
  Atomics.store(queue, 0, CLOSED);
}

/**
 * From this many files on, worker threads help. A worker needs 35–75 ms to start on the 2-core development VM, and
 * takes CPU from this thread meanwhile: measured there, 40 mixed files are faster on one thread, 56 and more on two.
 */
export const PARALLEL_FROM = 48;

/** `--jobs N`: threads in all, this one included. Undefined when not given. */
export function jobsOf(p: Parsed): number | undefined {
  const v = one(p, 'jobs');
  if (v === undefined) return undefined;
  if (!/^[1-9][0-9]?$/.test(v) || Number(v) > 64) throw usageError(`--jobs must be a number of threads from 1 to 64; got "${v}".`, 'Leave --jobs out to let kms-import choose, or give --jobs 1 for a single thread.');
  return Number(v);
}

/** Worker threads to start for `count` files: as --jobs says (less this thread), else none for small batches or one core, at most 3. */
export function workersFor(count: number, jobs: number | undefined): number {
  if (jobs !== undefined) return Math.max(0, Math.min(jobs, count) - 1);
  if (count < PARALLEL_FROM) return 0;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(0, Math.min(cores - 1, 3, Math.floor(count / PARALLEL_FROM)));
}

/** A worker running dist/cli-wrap-worker.js; from source (tests through tsx) the TypeScript entry, loaded through tsx's require hook. */
function startWorker(workerData: WrapWorkerData): Worker {
  if (!__filename.endsWith('.ts')) return new Worker(path.join(__dirname, 'cli-wrap-worker.js'), { workerData });
  const entry = path.join(__dirname, 'wrapWorker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true, workerData });
}

/**
 * The threads of one `wrap` call. Workers start in the constructor and boot while the caller loads the CLI and reads
 * the parameters; `run` gives them the job and works through the queue on this thread too.
 */
export class WrapPool {
  private readonly queue = new Int32Array(new SharedArrayBuffer(4));
  private readonly workers: Worker[] = [];
  /** One per worker, settled when it has stopped (on its own or terminated). */
  private readonly stopped: Array<Promise<void>> = [];
  /** The first failure of any worker, from the moment it starts (one that fails while booting included). */
  private failure: Error | undefined;
  private onFailure: (e: Error) => void = () => undefined;

  constructor(workers: number) {
    for (let w = 0; w < workers; w++) {
      const worker = startWorker({ queue: this.queue.buffer as SharedArrayBuffer });
      worker.unref();
      worker.on('error', (e) => this.fail(e));
      this.stopped.push(new Promise((resolve) => worker.once('exit', () => resolve())));
      this.workers.push(worker);
    }
  }

  private fail(e: Error): void {
    closeQueue(this.queue);
    this.failure ??= e;
    this.onFailure(this.failure);
  }

  /** For `kms-import wrap ARGS`: the pool its batch will use, or undefined when the arguments are wrong (the command reports that). */
  static forArgs(argv: string[]): WrapPool | undefined {
    try {
      const p = parseArgs(argv, WRAP_FLAGS, 'wrap');
      return new WrapPool(workersFor(p.flags.get('material')?.length ?? 0, jobsOf(p)));
    } catch {
      return undefined;
    }
  }

  /** How many files the threads have taken from the queue so far (for progress; tests use it to pace this thread). */
  get claimed(): number {
    return Atomics.load(this.queue, 0);
  }

  /** Wraps every file of the job, `wrapHere(i)` doing this thread's share; resolves with one result per file, in order. */
  async run(job: WrapJob, wrapHere: (i: number) => WrapFileResult): Promise<WrapFileResult[]> {
    const count = job.materials.length;
    const results: WrapFileResult[] = new Array(count);
    let remaining = count;
    let finish: () => void = () => undefined;
    let fail: (e: Error) => void = () => undefined;
    const settled = new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    settled.catch(() => undefined); // awaited below only while files are out with workers
    this.onFailure = fail;
    if (this.failure) fail(this.failure);
    for (const worker of this.workers) {
      worker.on('message', (m: FromWrapWorker) => {
        if (m.type === 'fatal') return this.fail(Object.assign(new Error(m.message), m.stack ? { stack: m.stack } : {}));
        results[m.index] = m.result;
        if (--remaining === 0) finish();
      });
      worker.on('exit', (code) => {
        if (remaining > 0 && code !== 0) this.fail(new Error(`a wrapping thread stopped (exit code ${code}) before its files were done`));
      });
      worker.postMessage({ type: 'job', job } satisfies ToWrapWorker);
    }
    try {
      // A worker that fails closes the queue itself, so this thread stops at its next claim.
      for (let i = claim(this.queue, count); i !== undefined; i = claim(this.queue, count)) {
        results[i] = wrapHere(i);
        remaining--;
      }
      if (this.failure) throw this.failure;
      if (remaining > 0) await settled;
      return results;
    } finally {
      await this.close();
    }
  }

  /**
   * Stops the workers, those that never got a file included. Safe to call more than once. After a failure, workers
   * first finish the file they are on (the queue is closed, so they stop after it): no output is left half-done.
   */
  async close(): Promise<void> {
    closeQueue(this.queue);
    if (this.failure && this.workers.length) {
      for (const w of this.workers) w.ref(); // the process waits for them
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(this.stopped), new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
      clearTimeout(timer);
    }
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }
}
