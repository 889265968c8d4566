// hsm-wrap against a real SoftHSM2 token and the sandbox KMS: keys generated inside the HSM (extractable,
// sensitive) are wrapped there, imported as is, and proven without their plaintext; what SoftHSM cannot do
// is refused with its cause, with nothing written.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBundle, writeBundle } from '../../src/core/bundle';
import type { KmsImportError } from '../../src/core/errors';
import type { KeySpec, WrappingAlgorithm, WrappingKeySpec } from '../../src/core/specs';
import { CKA } from '../../src/hsm/constants';
import { hsmWrap } from '../../src/hsm/hsmWrap';
import { proveHsmKey } from '../../src/hsm/proof';
import type { KmsProvider } from '../../src/providers/types';
import { tempDir } from '../support/openssl';
import { makeAes, makeEcP256, makeGenericSecret, makeRsa, startSoftHsm, type SoftHsm } from '../support/softhsm';
import { startRig, type Rig } from '../sandbox/flow-support';

const tmp = tempDir('kms-import-hsm-');
let hsm: SoftHsm;
let rig: Rig;
let provider: KmsProvider;
before(async () => {
  hsm = startSoftHsm();
  rig = await startRig();
  provider = rig.provider();
});
after(async () => {
  await rig.close();
  hsm.cleanup();
  tmp.cleanup();
});

let n = 0;
async function bundleFor(keySpec: KeySpec, keyUsage: string, algorithm: WrappingAlgorithm, wrappingKeySpec: WrappingKeySpec = 'RSA_4096') {
  const key = await provider.createKey({ keySpec, keyUsage: keyUsage as never });
  const params = await provider.getParametersForImport(key.keyId, algorithm, wrappingKeySpec);
  const dir = tmp.path(`bundle-${++n}-${keySpec}`);
  await writeBundle(dir, { keyArn: key.arn, keyId: key.keyId, provider: 'aws', region: rig.sandbox.region, wrappingAlgorithm: algorithm, wrappingKeySpec, validTo: params.parametersValidTo, publicKey: params.publicKey, importToken: params.importToken });
  return { keyId: key.keyId, dir, out: join(dir, 'EncryptedKeyMaterial.bin') };
}
const target = (label: string) => ({ module: hsm.module, token: hsm.label, pin: Buffer.from(hsm.pin), keyLabel: label });

async function importAsIs(keyId: string, dir: string, file: string) {
  const b = await readBundle(dir);
  await provider.importKeyMaterial({ keyId, encryptedKeyMaterial: readFileSync(file), importToken: b.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
  assert.equal((await provider.describeKey(keyId)).keyState, 'Enabled');
}
async function refusal(p: Promise<unknown>): Promise<KmsImportError> {
  try {
    await p;
  } catch (e) {
    return e as KmsImportError;
  }
  assert.fail('expected a refusal');
}
/** No session object of ours is left (session objects are visible to every session of this process). */
function sessionObjectsLeft(): number {
  const h = hsm.hsm;
  return ['kms-import wrapping key (session)', 'kms-import session AES key', 'kms-import self-test key', 'kms-import OAEP probe'].reduce((a, label) => a + h.find(hsm.session, [h.bool(CKA.TOKEN, false), { type: CKA.LABEL, value: Buffer.from(label) }]).length, 0);
}

test('HMAC_256 generic secret made in the HSM: wrapped with RSAES_OAEP_SHA_1, imported as is, proven by HMAC equality', async () => {
  makeGenericSecret(hsm, 32, { label: 'hmac-256' });
  const b = await bundleFor('HMAC_256', 'GENERATE_VERIFY_MAC', 'RSAES_OAEP_SHA_1');
  const r = await hsmWrap({ ...target('hmac-256'), bundle: b.dir });
  assert.equal(r.file, b.out);
  assert.equal(r.keySpec, 'HMAC_256');
  assert.equal(r.plan.kind, 'oaep');
  assert.equal(r.bytes, 512);
  assert.equal(statSync(b.out).mode & 0o777, 0o600);
  assert.ok(r.sessionObjectsDestroyed >= 1);
  assert.equal(sessionObjectsLeft(), 0);
  await importAsIs(b.keyId, b.dir, b.out);
  const proof = await proveHsmKey(provider, b.keyId, 'HMAC_256', target('hmac-256'));
  assert.equal(proof.method, 'mac');
  assert.equal(proof.holds, true, proof.detail);
  // Another HSM key does not prove it.
  makeGenericSecret(hsm, 32, { label: 'hmac-other' });
  const other = await proveHsmKey(provider, b.keyId, 'HMAC_256', target('hmac-other'));
  assert.equal(other.holds, false);
  assert.match(other.detail, /differs/);
});

test('AES-256 secret key made in the HSM: wrapped with RSAES_OAEP_SHA_1, imported, and the proof says what it cannot prove', async () => {
  makeAes(hsm, 32, { label: 'aes-256' });
  const b = await bundleFor('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT', 'RSAES_OAEP_SHA_1', 'RSA_2048');
  const r = await hsmWrap({ ...target('aes-256'), bundle: b.dir });
  assert.equal(r.keySpec, 'SYMMETRIC_DEFAULT');
  assert.equal(r.bytes, 256);
  await importAsIs(b.keyId, b.dir, b.out);
  const proof = await proveHsmKey(provider, b.keyId, 'SYMMETRIC_DEFAULT', target('aes-256'));
  assert.equal(proof.method, 'round-trip');
  assert.equal(proof.holds, true);
  assert.match(proof.detail, /not proven: that the KMS key holds the same AES key as the HSM/);
});

test('RSA-2048 through RSA-AES composed in the HSM: proven where SoftHSM\'s output is valid, refused by the self-test with the padding cause where not', async (t) => {
  makeRsa(hsm, 2048, { label: 'rsa-2048' });
  const b = await bundleFor('RSA_2048', 'SIGN_VERIFY', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_2048');
  let r: Awaited<ReturnType<typeof hsmWrap>> | undefined;
  let e: KmsImportError | undefined;
  try {
    r = await hsmWrap({ ...target('rsa-2048'), bundle: b.dir });
  } catch (x) {
    e = x as KmsImportError;
  }
  t.diagnostic(`RSA-2048 outcome: ${r ? 'wrapped and proven' : `refused (${e?.code})`}`);
  if (r) {
    assert.equal(r.plan.kind, 'rsa-aes-composed');
    assert.equal(r.plan.kind === 'rsa-aes-composed' && r.plan.aesWrap, 0x210a);
    await importAsIs(b.keyId, b.dir, b.out);
    const proof = await proveHsmKey(provider, b.keyId, 'RSA_2048', target('rsa-2048'));
    assert.equal(proof.holds, true, proof.detail);
    assert.equal(proof.signature, 'verified');
  } else {
    assert.equal(e?.code, 'HSM_ZERO_PADDING', e?.message);
    assert.match(e!.message, /followed by \d zero bytes/);
    assert.match(e!.fix, /CKM_RSA_AES_KEY_WRAP/);
    assert.equal(existsSync(b.out), false);
  }
  assert.equal(sessionObjectsLeft(), 0);
});

test('EC P-256: SoftHSM\'s reasons — no RSA-OAEP of private keys, zero padding in RSA-AES — each refused, nothing written', async () => {
  makeEcP256(hsm, { label: 'ec-p256' });
  const oaep = await bundleFor('ECC_NIST_P256', 'SIGN_VERIFY', 'RSAES_OAEP_SHA_1', 'RSA_2048');
  const e1 = await refusal(hsmWrap({ ...target('ec-p256'), bundle: oaep.dir }));
  assert.equal(e1.code, 'HSM_NO_MECHANISM');
  assert.match(e1.message, /CKM_RSA_PKCS_OAEP of an EC private key returned CKR_KEY_NOT_WRAPPABLE/);
  assert.match(e1.fix, /RSA_AES_KEY_WRAP_SHA_1/);
  assert.doesNotMatch(e1.fix, /SHA_256/);
  assert.equal(existsSync(oaep.out), false);
  const rsaAes = await bundleFor('ECC_NIST_P256', 'SIGN_VERIFY', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_2048');
  const e2 = await refusal(hsmWrap({ ...target('ec-p256'), bundle: rsaAes.dir }));
  assert.equal(e2.code, 'HSM_ZERO_PADDING');
  assert.match(e2.message, /its 67-byte PKCS#8 followed by 5 zero bytes/);
  assert.equal(existsSync(rsaAes.out), false);
  assert.equal(sessionObjectsLeft(), 0);
});

test('RSAES_OAEP_SHA_256 on SoftHSM: refused with the parameters that would work', async () => {
  makeGenericSecret(hsm, 32, { label: 'hmac-sha256-params' });
  const b = await bundleFor('HMAC_256', 'GENERATE_VERIFY_MAC', 'RSAES_OAEP_SHA_256', 'RSA_2048');
  const e = await refusal(hsmWrap({ ...target('hmac-sha256-params'), bundle: b.dir }));
  assert.equal(e.code, 'HSM_NO_MECHANISM');
  assert.match(e.message, /does OAEP only with SHA-1/);
  assert.match(e.fix, /^Download parameters for RSAES_OAEP_SHA_1 /);
  assert.equal(existsSync(b.out), false);
});

test('a non-extractable key is refused: it cannot leave this HSM by wrapping', async () => {
  makeGenericSecret(hsm, 32, { label: 'hmac-stuck', extractable: false });
  const b = await bundleFor('HMAC_256', 'GENERATE_VERIFY_MAC', 'RSAES_OAEP_SHA_1', 'RSA_2048');
  const e = await refusal(hsmWrap({ ...target('hmac-stuck'), bundle: b.dir }));
  assert.equal(e.code, 'HSM_KEY_NOT_EXTRACTABLE');
  assert.match(e.message, /CKA_EXTRACTABLE false.*cannot leave this HSM by wrapping/);
  assert.equal(existsSync(b.out), false);
});

test('the KMS key spec must match the HSM key; an existing output is kept unless --force', async () => {
  makeGenericSecret(hsm, 32, { label: 'hmac-spec' });
  const b = await bundleFor('HMAC_256', 'GENERATE_VERIFY_MAC', 'RSAES_OAEP_SHA_1', 'RSA_2048');
  const e = await refusal(hsmWrap({ ...target('hmac-spec'), bundle: b.dir, keySpec: 'HMAC_384' }));
  assert.equal(e.code, 'HSM_KEY_SPEC_MISMATCH');
  assert.match(e.message, /HMAC_256.*HMAC_384/);
  writeFileSync(b.out, 'keep me');
  const e2 = await refusal(hsmWrap({ ...target('hmac-spec'), bundle: b.dir }));
  assert.equal(e2.code, 'OUTPUT_EXISTS');
  assert.equal(readFileSync(b.out, 'utf8'), 'keep me');
  const r = await hsmWrap({ ...target('hmac-spec'), bundle: b.dir, force: true });
  assert.equal(readFileSync(r.file).length, 256);
});

test('the PIN buffer is zeroed after use, on success and on refusal', async () => {
  makeGenericSecret(hsm, 32, { label: 'hmac-pin' });
  const b = await bundleFor('HMAC_256', 'GENERATE_VERIFY_MAC', 'RSAES_OAEP_SHA_1', 'RSA_2048');
  const t = target('hmac-pin');
  await hsmWrap({ ...t, bundle: b.dir });
  assert.ok(t.pin.every((x) => x === 0));
  // (A wrong PIN needs a process not yet logged in: test/hsm/hsm-cli.test.ts.)
  const missing = { ...target('no-such-key') };
  const e = await refusal(hsmWrap({ ...missing, bundle: b.dir, force: true }));
  assert.equal(e.code, 'HSM_KEY_NOT_FOUND');
  assert.ok(missing.pin.every((x) => x === 0));
  // Refused before the HSM is opened (the output exists): dropped too.
  const early = target('hmac-pin');
  assert.equal((await refusal(hsmWrap({ ...early, bundle: b.dir }))).code, 'OUTPUT_EXISTS');
  assert.ok(early.pin.every((x) => x === 0));
});
