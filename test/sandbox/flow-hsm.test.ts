// Migration from CloudHSM / a PKCS#11 HSM (sources/004): the key is wrapped inside the HSM and never
// leaves it in plaintext. OpenSSL stands in for the HSM's `key wrap rsa-oaep` / `key wrap rsa-aes`; the
// wrapped file is imported as is, and the import is proven with the public key the HSM exports.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeBundle, readBundle } from '../../src/core/bundle';
import { readPublicKeyForProof } from '../../src/core/verify';
import { proveImport } from '../../src/flow/proof';
import type { KmsProvider } from '../../src/providers/types';
import { openssl, tempDir } from '../support/openssl';
import { startRig, type Rig } from './flow-support';

const tmp = tempDir();
let rig: Rig;
let provider: KmsProvider;
before(async () => {
  rig = await startRig();
  provider = rig.provider();
});
after(async () => {
  await rig.close();
  tmp.cleanup();
});

for (const c of [
  { keySpec: 'ECC_NIST_P256', usage: 'SIGN_VERIFY', gen: ['-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], algorithm: 'RSAES_OAEP_SHA_256' },
  { keySpec: 'RSA_3072', usage: 'SIGN_VERIFY', gen: ['-algorithm', 'rsa', '-pkeyopt', 'rsa_keygen_bits:3072'], algorithm: 'RSA_AES_KEY_WRAP_SHA_256' },
] as const) {
  test(`${c.keySpec}: wrapped outside (${c.algorithm}), imported as is, proven with the exported public key`, async () => {
    // The "HSM": a private key that this tool never reads.
    const hsmKey = tmp.write(`hsm-${c.keySpec}.pem`, openssl(['genpkey', ...c.gen]));
    const exportedPublic = tmp.write(`hsm-${c.keySpec}.pub.pem`, openssl(['pkey', '-in', hsmKey, '-pubout']));
    const key = await provider.createKey({ keySpec: c.keySpec, keyUsage: c.usage });
    const params = await provider.getParametersForImport(key.keyId, c.algorithm, 'RSA_4096');
    const dir = tmp.path(`bundle-${c.keySpec}`);
    await writeBundle(dir, { keyArn: key.arn, keyId: key.keyId, provider: 'aws', region: rig.sandbox.region, wrappingAlgorithm: c.algorithm, wrappingKeySpec: 'RSA_4096', validTo: params.parametersValidTo, publicKey: params.publicKey, importToken: params.importToken });
    const bundle = await readBundle(dir);
    // The HSM wraps (sources/004: key wrap rsa-oaep --hash-function SHA-256 --mgf SHA-256, or rsa-aes for RSA keys).
    const pkcs8 = openssl(['pkcs8', '-topk8', '-nocrypt', '-outform', 'der', '-in', hsmKey]);
    const pubFile = tmp.write(`wrapping-${c.keySpec}.der`, bundle.publicKey);
    const oaep = ['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256'];
    let wrapped: Buffer;
    if (c.algorithm === 'RSAES_OAEP_SHA_256') {
      wrapped = openssl(['pkeyutl', '-encrypt', '-inkey', pubFile, '-keyform', 'DER', '-pubin', ...oaep], pkcs8);
    } else {
      const aes = openssl(['rand', '32']);
      const kmw = openssl(['enc', '-id-aes256-wrap-pad', '-K', aes.toString('hex'), '-iv', 'A65959A6'], pkcs8);
      wrapped = Buffer.concat([openssl(['pkeyutl', '-encrypt', '-inkey', pubFile, '-keyform', 'DER', '-pubin', ...oaep], aes), kmw]);
    }
    await provider.importKeyMaterial({ keyId: key.keyId, encryptedKeyMaterial: wrapped, importToken: bundle.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
    assert.equal((await provider.describeKey(key.keyId)).keyState, 'Enabled');
    // The proof, with only the public key the HSM exported.
    const proof = await proveImport(provider, key.keyId, c.keySpec, { bytes: Buffer.alloc(0), publicKeySpki: readPublicKeyForProof(readFileSync(exportedPublic)) });
    assert.equal(proof.method, 'public-key');
    assert.equal(proof.holds, true, proof.detail);
    // Another key's public key does not prove it.
    const other = openssl(['pkey', '-pubout'], openssl(['genpkey', ...c.gen]));
    const wrong = await proveImport(provider, key.keyId, c.keySpec, { bytes: Buffer.alloc(0), publicKeySpki: readPublicKeyForProof(other) });
    assert.equal(wrong.holds, false);
    assert.match(wrong.detail, /differs/);
  });
}
