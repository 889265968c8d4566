// The extension's HSM worker (dist/hsm-worker.js, started by src/hsm/workerProtocol.ts runHsmWrapInWorker) against a
// real SoftHSM2 token: the wrap happens in another thread, its progress lines and result come back, the caller's PIN
// buffer is zeroed at once, and a refusal crosses the thread as the same KmsImportError (code, message, fix).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeBundle } from '../../src/core/bundle';
import { isKmsImportError } from '../../src/core/errors';
import { runHsmWrapInWorker } from '../../src/hsm/workerProtocol';
import { tempDir } from '../support/openssl';
import { ROOT } from '../support/cli';
import { makeGenericSecret, startSoftHsm, type SoftHsm } from '../support/softhsm';

const tmp = tempDir('kms-import-hsm-worker-');
const WORKER = join(ROOT, 'dist', 'hsm-worker.js');
let hsm: SoftHsm;
let bundle: string;
before(async () => {
  if (!existsSync(WORKER)) throw new Error('dist/hsm-worker.js is missing: run `node scripts/build.mjs`');
  hsm = startSoftHsm();
  makeGenericSecret(hsm, 32, { label: 'worker-hmac' });
  const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  bundle = tmp.path('bundle');
  await writeBundle(bundle, {
    keyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', provider: 'aws', region: 'us-east-1',
    wrappingAlgorithm: 'RSAES_OAEP_SHA_1', wrappingKeySpec: 'RSA_2048', validTo: new Date(Date.now() + 3600_000), publicKey: publicKey.export({ format: 'der', type: 'spki' }), importToken: crypto.randomBytes(64),
  });
});
after(() => {
  hsm.cleanup();
  tmp.cleanup();
});

test('the wrap runs in the worker: progress lines, the result with the HSM evidence, the file (0600); the PIN buffer is zeroed', async () => {
  const pin = Buffer.from(hsm.pin);
  const lines: string[] = [];
  const r = await runHsmWrapInWorker(WORKER, { module: hsm.module, token: hsm.label, keyLabel: 'worker-hmac', bundle }, pin, (l) => lines.push(l));
  assert.deepEqual([...pin], [0, 0, 0, 0]);
  assert.equal(r.keySpec, 'HMAC_256');
  assert.equal(r.bytes, 256);
  assert.equal(statSync(r.file).size, 256);
  assert.equal(statSync(r.file).mode & 0o777, 0o600);
  assert.equal(r.evidence?.keySpec, 'HMAC_256');
  assert.equal(r.evidence?.message?.length, 32);
  assert.equal(r.evidence?.hmac?.length, 32);
  assert.ok(lines.some((l) => /Self-test passed/.test(l)), lines.join('\n'));
});

test('a wrong PIN is refused in the worker and arrives as the KmsImportError with its fix', async () => {
  // Login state is per process: the test's own session (which made the keys) logs out first, or C_Login would
  // answer CKR_USER_ALREADY_LOGGED_IN whatever the PIN.
  hsm.hsm.logout(hsm.session);
  const e = await runHsmWrapInWorker(WORKER, { module: hsm.module, token: hsm.label, keyLabel: 'worker-hmac', bundle, out: tmp.path('never.bin') }, Buffer.from('0000')).then(() => assert.fail('expected a refusal'), (x) => x);
  assert.ok(isKmsImportError(e));
  assert.equal(e.code, 'HSM_PIN_INCORRECT');
  assert.match(e.fix, /PIN/);
  assert.equal(existsSync(tmp.path('never.bin')), false);
});

test('jobs run one at a time (C_Initialize/C_Finalize are per process): two wraps started together both succeed', async () => {
  const out = [tmp.path('a.bin'), tmp.path('b.bin')];
  const rs = await Promise.all(out.map((o) => runHsmWrapInWorker(WORKER, { module: hsm.module, token: hsm.label, keyLabel: 'worker-hmac', bundle, out: o }, Buffer.from(hsm.pin))));
  assert.deepEqual(rs.map((r) => r.file), out);
  for (const o of out) assert.equal(statSync(o).size, 256);
});

test('a worker without koffi beside it (a .vsix for another platform) refuses with HSM_FFI_MISSING, naming the platform', async () => {
  const lone = tmp.path('lone');
  mkdirSync(lone);
  copyFileSync(WORKER, join(lone, 'hsm-worker.js'));
  const e = await runHsmWrapInWorker(join(lone, 'hsm-worker.js'), { module: hsm.module, token: hsm.label, keyLabel: 'worker-hmac', bundle, out: tmp.path('none.bin') }, Buffer.from(hsm.pin)).then(() => assert.fail('expected a refusal'), (x) => x);
  assert.ok(isKmsImportError(e), String(e));
  assert.equal(e.code, 'HSM_FFI_MISSING');
  assert.ok(e.message.includes(`${process.platform}-${process.arch}`), e.message);
  assert.match(e.fix, /for this platform/);
});

test('a worker file that does not exist is a clear refusal, not a crash', async () => {
  const e = await runHsmWrapInWorker(tmp.path('missing-worker.js'), { module: hsm.module, token: hsm.label, keyLabel: 'worker-hmac', bundle }, Buffer.from('1234')).then(() => assert.fail('expected a refusal'), (x) => x);
  assert.ok(isKmsImportError(e));
  assert.match(e.code, /^HSM_WORKER/);
});
