// `kms-import wrap` over large batches: worker threads share the files with the main thread. Whatever thread did a
// file, the outputs, the results and their order are those of a single thread; a failing thread stops the batch.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeBundle } from '../../src/core/bundle';
import { generateMaterial } from '../../src/core/generate';
import { parseMaterial } from '../../src/core/material';
import type { KeySpec } from '../../src/core/specs';
import { unwrapKeyMaterial } from '../../src/core/wrap';
import { publicKeyOf, wrapFile } from '../../src/cli/wrapFiles';
import { WrapPool, type WrapJob } from '../../src/cli/wrapPool';
import { tempDir } from '../support/openssl';
import { runCli } from '../support/cli';

const tmp = tempDir();
after(() => tmp.cleanup());
let wrapKey: crypto.KeyObject;
let spki: Buffer;
let bundleDir: string;
const SPECS: KeySpec[] = ['SYMMETRIC_DEFAULT', 'HMAC_224', 'HMAC_512', 'RSA_2048', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1'];
/** 48 files: 42 good ones of every kind, 6 that must be refused, spread through the batch. */
const files: string[] = [];
const refusedAt = new Set([5, 13, 21, 29, 37, 45]);

before(async () => {
  const kp = crypto.generateKeyPairSync('rsa', { modulusLength: 3072 });
  wrapKey = kp.privateKey;
  spki = kp.publicKey.export({ type: 'spki', format: 'der' });
  bundleDir = tmp.path('bundle');
  await writeBundle(bundleDir, { keyArn: 'arn:aws:kms:eu-west-1:111122223333:key/batch', keyId: 'batch', provider: 'aws', region: 'eu-west-1', wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', wrappingKeySpec: 'RSA_3072', validTo: new Date(Date.now() + 5 * 3600_000), publicKey: spki, importToken: crypto.randomBytes(600) });
  mkdirSync(tmp.path('m'));
  for (let i = 0; i < 48; i++) {
    const bytes = refusedAt.has(i) ? Buffer.alloc(31, 0xa5) /* neither 32-byte symmetric nor any HMAC length */ : generateMaterial(SPECS[i % SPECS.length]);
    files.push(tmp.write(join('m', `k${String(i).padStart(2, '0')}.bin`), bytes));
  }
});

/** A result as the user sees it, with the output folder taken out so that two runs compare. */
const comparable = (r: { out?: string }, outDir: string) => ({ ...r, out: r.out?.replace(outDir, '<out>') });

describe('wrap over worker threads', () => {
  test('--jobs 3 and --jobs 1 give the same results in input order; every output decrypts to its material; refused files have none', () => {
    const runs = ['3', '1'].map((jobs) => {
      const out = tmp.path(`out-jobs${jobs}`);
      const r = runCli(['wrap', '--jobs', jobs, '--material', ...files, '--bundle', bundleDir, '--out-dir', out, '--json']);
      assert.equal(r.status, 3, r.stderr); // some files refused
      return { out, json: JSON.parse(r.stdout) };
    });
    const [parallel, single] = runs;
    assert.equal(parallel.json.wrapped, 42);
    assert.equal(parallel.json.refused, 6);
    assert.deepEqual(parallel.json.results.map((r: { out?: string }) => comparable(r, parallel.out)), single.json.results.map((r: { out?: string }) => comparable(r, single.out)));
    for (const [i, f] of files.entries()) {
      const r = parallel.json.results[i];
      assert.equal(r.material, f, 'results keep the input order');
      if (refusedAt.has(i)) {
        assert.equal(r.error.code, 'SYMMETRIC_LENGTH', f);
        assert.equal(existsSync(join(parallel.out, `EncryptedKeyMaterial_k${String(i).padStart(2, '0')}.bin`)), false);
        continue;
      }
      assert.equal(statSync(r.out).mode & 0o777, 0o600);
      assert.deepEqual(unwrapKeyMaterial(readFileSync(r.out), wrapKey, 'RSA_AES_KEY_WRAP_SHA_256'), parseMaterial(readFileSync(f)).bytes, f);
    }
    assert.equal(readdirSync(parallel.out).length, 42, 'no temporary file is left behind');
  });

  test('--jobs must be a number of threads: 0, "many" and 65 are usage errors that name the fix', () => {
    for (const v of ['0', 'many', '65']) {
      const r = runCli(['wrap', '--jobs', v, '--material', files[0], '--bundle', bundleDir, '--out-dir', tmp.path('never')]);
      assert.equal(r.status, 2, v);
      assert.match(r.stderr, /--jobs must be a number of threads from 1 to 64/);
      assert.match(r.stderr, /Fix: Leave --jobs out/);
      assert.equal(existsSync(tmp.path('never')), false);
    }
  });

  test('files with the same name from different folders get distinct outputs, none overwritten (case ignored, as on macOS and Windows)', () => {
    for (const d of ['same-a', 'same-b', 'same-c', 'same-d']) mkdirSync(tmp.path(d));
    const a = tmp.write('same-a/x.bin', crypto.randomBytes(32));
    const b = tmp.write('same-b/x.der', crypto.randomBytes(32));
    const c = tmp.write('same-c/x_1.bin', crypto.randomBytes(32));
    const d = tmp.write('same-d/X.bin', crypto.randomBytes(32));
    const out = tmp.path('out-same');
    const r = runCli(['wrap', '--material', a, b, c, d, '--bundle', bundleDir, '--out-dir', out, '--json']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const outs: string[] = JSON.parse(r.stdout).results.map((x: { out: string }) => x.out);
    assert.equal(new Set(outs.map((o) => o.toLowerCase())).size, 4);
    assert.deepEqual(outs.map((o) => o.slice(out.length + 1)), ['EncryptedKeyMaterial_x.bin', 'EncryptedKeyMaterial_x_1.bin', 'EncryptedKeyMaterial_x_1_2.bin', 'EncryptedKeyMaterial_X_3.bin']);
    for (const [i, f] of [a, b, c, d].entries()) assert.deepEqual(unwrapKeyMaterial(readFileSync(outs[i]), wrapKey, 'RSA_AES_KEY_WRAP_SHA_256'), readFileSync(f));
  });
});

describe('WrapPool', () => {
  const jobFor = (names: string[], outDir: string, targets = names.map((_, i) => join(outDir, `o${i}.bin`))): WrapJob => ({
    algorithm: 'RSA_AES_KEY_WRAP_SHA_256',
    provider: 'aws',
    spki,
    wrappingKeySpec: 'RSA_3072',
    materials: names,
    targets,
    overwrite: false,
  });
  /** This thread's share: wait (polling the shared queue, with a deadline) until the worker has taken `claimed` files in all. */
  const afterWorkerTook = (pool: WrapPool, claimed: number, then: () => ReturnType<typeof wrapFile>) => {
    const deadline = Date.now() + 20_000;
    const tick = new Int32Array(new SharedArrayBuffer(4));
    while (pool.claimed < claimed && Date.now() < deadline) Atomics.wait(tick, 0, 0, 2);
    assert.ok(pool.claimed >= claimed, 'the worker thread did not take its files');
    return then();
  };

  test('a worker thread does the files this thread leaves: all outputs written, results in order', async () => {
    const names = files.filter((_, i) => !refusedAt.has(i)).slice(0, 12);
    const outDir = tmp.path('pool-ok');
    mkdirSync(outDir);
    const job = jobFor(names, outDir);
    const pool = new WrapPool(1);
    const publicKey = publicKeyOf(job);
    let mine = 0;
    const results = await pool.run(job, (i) => afterWorkerTook(pool, names.length, () => (mine++, wrapFile(job, publicKey, i))));
    assert.equal(mine, 1, 'this thread did one file, the worker the other eleven');
    assert.deepEqual(results.map((r) => r.material), names);
    for (const [i, r] of results.entries()) {
      assert.equal(r.out, job.targets[i]);
      assert.deepEqual(unwrapKeyMaterial(readFileSync(r.out!), wrapKey, 'RSA_AES_KEY_WRAP_SHA_256'), parseMaterial(readFileSync(names[i])).bytes);
    }
  });

  test('an output that appeared after the command checked (no --force) is not replaced by any thread: OUTPUT_EXISTS for it, the others written', async () => {
    const names = files.filter((_, i) => !refusedAt.has(i)).slice(0, 8);
    const outDir = tmp.path('pool-exists');
    mkdirSync(outDir);
    const job = jobFor(names, outDir);
    for (const i of [0, 5]) writeFileSync(job.targets[i], `someone else's file ${i}`);
    const pool = new WrapPool(1);
    const publicKey = publicKeyOf(job);
    const results = await pool.run(job, (i) => afterWorkerTook(pool, names.length, () => wrapFile(job, publicKey, i)));
    for (const [i, r] of results.entries()) {
      if (i === 0 || i === 5) {
        assert.equal(r.error?.code, 'OUTPUT_EXISTS', `file ${i}`);
        assert.equal(readFileSync(job.targets[i], 'utf8'), `someone else's file ${i}`);
      } else {
        assert.deepEqual(unwrapKeyMaterial(readFileSync(r.out!), wrapKey, 'RSA_AES_KEY_WRAP_SHA_256'), parseMaterial(readFileSync(names[i])).bytes);
      }
    }
    assert.equal(readdirSync(outDir).length, names.length, 'no temporary file left');
  });

  test('a worker thread that fails stops the batch with its error: this thread takes no further file', async () => {
    const names = files.filter((_, i) => !refusedAt.has(i)).slice(0, 6);
    const outDir = tmp.path('pool-fail');
    mkdirSync(outDir);
    // A job without output paths is a bug in the caller: the worker throws on the first file it takes.
    const job = jobFor(names, outDir, []);
    const pool = new WrapPool(1);
    let mine = 0;
    await assert.rejects(
      // Waits until the queue is used up: only the failing worker's closing of the queue can do that here.
      pool.run(job, () => afterWorkerTook(pool, names.length, () => (mine++, { material: 'this thread' }))),
      /"path" argument must be of type string/,
    );
    assert.equal(mine, 1, 'the failed worker closed the queue: this thread stopped after its first file');
  });
});

test('a file the worker cannot read is refused like on one thread (READ_FAILED), the others wrapped', () => {
  const out = tmp.path('out-missing');
  const missing = tmp.path('m/not-there.bin');
  const batch = [...files.filter((_, i) => !refusedAt.has(i)).slice(0, 39), missing];
  const r = runCli(['wrap', '--jobs', '2', '--material', ...batch, '--bundle', bundleDir, '--out-dir', out, '--json']);
  assert.equal(r.status, 3);
  const j = JSON.parse(r.stdout);
  assert.equal(j.wrapped, 39);
  assert.equal(j.results[39].error.code, 'READ_FAILED');
  assert.match(j.results[39].error.message, /No such file/);
});

test('an --out-dir that cannot be made (a file is in the way): one clear error with the fix, exit 1, nothing written', () => {
  const blocker = tmp.write('a-file', 'not a folder');
  const r = runCli(['wrap', '--material', ...files.slice(0, 3), '--bundle', bundleDir, '--out-dir', join(blocker, 'wrapped')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /Could not create the folder .*a-file\/wrapped: ENOTDIR\./);
  assert.match(r.stderr, /Fix: A file is in the way of that path: choose another --out-dir\./);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(readFileSync(blocker, 'utf8'), 'not a folder');
});
