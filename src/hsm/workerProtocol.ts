// The messages between the extension and its HSM worker (src/hsm/worker.ts → dist/hsm-worker.js), and the
// runner that starts one worker per job. Types and node:worker_threads only: no koffi, no vscode, so the
// extension's main bundle imports this and the HSM code stays in the worker's chunk.
import { Worker } from 'node:worker_threads';
import { KmsImportError, type ErrorCode, type ErrorKind } from '../core/errors';
import type { HsmWrapOptions, HsmWrapResult } from './hsmWrap';

export interface HsmWorkerJob {
  /** hsmWrap's options without the PIN and the callbacks. */
  wrap: Omit<HsmWrapOptions, 'pin' | 'log' | 'evidence'>;
  /** The PIN's bytes, transferred (the sender's copy is detached). */
  pin: ArrayBuffer;
}

export type HsmWorkerMessage =
  | { type: 'log'; line: string }
  | { type: 'done'; result: HsmWrapResult }
  | { type: 'error'; error: { kind: ErrorKind; code: ErrorCode; message: string; fix: string } };

/**
 * Runs hsmWrap in a new worker thread started from `workerFile` (dist/hsm-worker.js), after any job still
 * running. The PIN is copied into an ArrayBuffer of its own that is transferred to the worker, and `pin` is
 * zeroed here at once.
 * Resolves with the result; rejects with the job's KmsImportError, or one that says the worker died.
 */
export function runHsmWrapInWorker(workerFile: string, wrap: HsmWorkerJob['wrap'], pin: Buffer, log: (line: string) => void = () => undefined): Promise<HsmWrapResult> {
  const own = new ArrayBuffer(pin.length);
  new Uint8Array(own).set(pin);
  pin.fill(0);
  const job = queue.then(() => runOne(workerFile, wrap, own, log));
  queue = job.then(() => undefined, () => undefined);
  return job;
}

/**
 * One job at a time: C_Initialize/C_Finalize and the login state are per process, so a worker that finalizes
 * the library (or logs out) must not do it under another worker's session.
 */
let queue: Promise<void> = Promise.resolve();

function runOne(workerFile: string, wrap: HsmWorkerJob['wrap'], own: ArrayBuffer, log: (line: string) => void): Promise<HsmWrapResult> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let worker: Worker;
    try {
      worker = new Worker(workerFile, { workerData: { wrap, pin: own } satisfies HsmWorkerJob, transferList: [own] });
    } catch (e) {
      new Uint8Array(own).fill(0);
      reject(new KmsImportError('internal', 'HSM_WORKER_START', `The HSM worker (${workerFile}) could not start: ${(e as Error).message}.`, 'Reinstall or rebuild the extension (npm run build), then try again.'));
      return;
    }
    worker.on('message', (m: HsmWorkerMessage) => {
      if (m.type === 'log') return log(m.line);
      settled = true;
      if (m.type === 'done') resolve(m.result);
      else reject(new KmsImportError(m.error.kind, m.error.code, m.error.message, m.error.fix));
    });
    worker.on('error', (e) => {
      if (settled) return;
      settled = true;
      reject(new KmsImportError('internal', 'HSM_WORKER', `The HSM worker failed: ${e.message.split('\n')[0]}.`, 'The PKCS#11 library or koffi could not run in this VS Code: check the library path and this platform\'s build of the extension.'));
    });
    worker.on('exit', (code) => {
      if (settled) return;
      settled = true;
      reject(new KmsImportError('internal', 'HSM_WORKER', `The HSM worker stopped (exit code ${code}) before it answered.`, 'Check the PKCS#11 library (it may have crashed the thread), then try again.'));
    });
  });
}
