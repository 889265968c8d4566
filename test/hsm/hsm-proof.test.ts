// The HSM-side proof of asymmetric keys (src/hsm/proof.ts) against a real SoftHSM2 token and the sandbox:
// SoftHSM cannot wrap its private keys for KMS (see hsm-wrap.test.ts), so the same key is put into the token
// and imported into KMS the local way; the proof reads only the HSM's public key and KMS's answers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { parseMaterial } from '../../src/core/material';
import { parseWrappingPublicKey } from '../../src/core/publicKey';
import type { KeySpec, WrappingAlgorithm } from '../../src/core/specs';
import { wrapKeyMaterial } from '../../src/core/wrap';
import { proveHsmKey } from '../../src/hsm/proof';
import type { KmsProvider } from '../../src/providers/types';
import { putPrivateKey, startSoftHsm, type SoftHsm } from '../support/softhsm';
import { startRig, type Rig } from '../sandbox/flow-support';

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
});

async function importedKey(keySpec: KeySpec, key: crypto.KeyObject, algorithm: WrappingAlgorithm): Promise<string> {
  const k = await provider.createKey({ keySpec, keyUsage: 'SIGN_VERIFY' });
  const params = await provider.getParametersForImport(k.keyId, algorithm, 'RSA_2048');
  const m = parseMaterial(key.export({ format: 'der', type: 'pkcs8' }));
  const wrapped = wrapKeyMaterial(m.bytes, parseWrappingPublicKey(params.publicKey), algorithm);
  m.bytes.fill(0);
  await provider.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapped, importToken: params.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
  return k.keyId;
}
const target = (label: string) => ({ module: hsm.module, token: hsm.label, pin: Buffer.from(hsm.pin), keyLabel: label });

for (const c of [
  { keySpec: 'RSA_2048' as const, gen: () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }), algorithm: 'RSA_AES_KEY_WRAP_SHA_256' as const, sig: 'RSASSA_PKCS1_V1_5_SHA_256' },
  { keySpec: 'ECC_NIST_P256' as const, gen: () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }), algorithm: 'RSAES_OAEP_SHA_256' as const, sig: 'ECDSA_SHA_256' },
]) {
  test(`${c.keySpec}: the HSM's public key equals GetPublicKey and a KMS ${c.sig} signature verifies under it; another HSM key does not prove it`, async () => {
    const pair = c.gen();
    putPrivateKey(hsm, pair.privateKey, { label: `proof-${c.keySpec}` });
    putPrivateKey(hsm, c.gen().privateKey, { label: `other-${c.keySpec}` });
    const keyId = await importedKey(c.keySpec, pair.privateKey, c.algorithm);
    const proof = await proveHsmKey(provider, keyId, c.keySpec, target(`proof-${c.keySpec}`));
    assert.equal(proof.method, 'public-key');
    assert.equal(proof.holds, true, proof.detail);
    assert.equal(proof.signature, 'verified');
    assert.match(proof.detail, new RegExp(`GetPublicKey equals the public key read from the HSM.*a KMS ${c.sig} signature of a random message verifies under it`));
    const other = await proveHsmKey(provider, keyId, c.keySpec, target(`other-${c.keySpec}`));
    assert.equal(other.holds, false);
    assert.equal(other.signature, 'not-run');
    assert.match(other.detail, /differs from the HSM key's public key/);
  });
}
