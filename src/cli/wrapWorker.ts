// A worker thread of `kms-import wrap` (src/cli/wrapPool.ts): takes files from the shared queue until none is left.
// It reads each material file itself, so no key material crosses between threads; only results go back.
import { parentPort, workerData } from 'node:worker_threads';
import { publicKeyOf, wrapFile } from './wrapFiles';
import { claim, closeQueue, type FromWrapWorker, type ToWrapWorker, type WrapWorkerData } from './wrapPool';

const queue = new Int32Array((workerData as WrapWorkerData).queue);
const port = parentPort!;

port.once('message', ({ job }: ToWrapWorker) => {
  try {
    const publicKey = publicKeyOf(job);
    for (let i = claim(queue, job.materials.length); i !== undefined; i = claim(queue, job.materials.length)) {
      port.postMessage({ type: 'result', index: i, result: wrapFile(job, publicKey, i) } satisfies FromWrapWorker);
    }
  } catch (e) {
    closeQueue(queue); // the other threads stop at their next file
    port.postMessage({ type: 'fatal', message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined } satisfies FromWrapWorker);
  }
  port.close();
});
