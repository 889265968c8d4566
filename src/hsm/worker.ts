// dist/hsm-worker.js: one HSM job in a worker thread, so that the synchronous PKCS#11 calls (C_Login, C_WrapKey,
// a network HSM's round trips) never block the VS Code extension host's main thread. It loads koffi and the HSM's
// library; the extension's main bundle never does. Protocol (src/hsm/workerProtocol.ts): workerData holds the job
// with the PIN as a transferred ArrayBuffer (zeroed here after C_Login, never logged); the worker posts 'log'
// lines, then exactly one 'done' (the result, nothing secret) or 'error' (a KmsImportError's fields), and exits.
import { parentPort, workerData } from 'node:worker_threads';
import { isKmsImportError } from '../core/errors';
import { hsmWrap } from './hsmWrap';
import type { HsmWorkerJob, HsmWorkerMessage } from './workerProtocol';

const port = parentPort;
const post = (m: HsmWorkerMessage) => port?.postMessage(m);

async function main(job: HsmWorkerJob): Promise<void> {
  const pin = Buffer.from(job.pin);
  try {
    const r = await hsmWrap({ ...job.wrap, pin, evidence: true, log: (line) => post({ type: 'log', line }) });
    post({ type: 'done', result: r });
  } catch (e) {
    post(isKmsImportError(e)
      ? { type: 'error', error: { kind: e.kind, code: e.code, message: e.message, fix: e.fix } }
      : { type: 'error', error: { kind: 'internal', code: 'HSM_WORKER', message: `The HSM job failed: ${e instanceof Error ? e.message : String(e)}`, fix: 'Check the PKCS#11 library and the token, then try again.' } });
  } finally {
    pin.fill(0);
    new Uint8Array(job.pin).fill(0);
  }
}

void main(workerData as HsmWorkerJob);
