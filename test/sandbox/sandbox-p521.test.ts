// ECC_NIST_P521 key material with an RSA_2048 wrapping key and RSAES_OAEP_* is refused as AWS documents
// ("The following combination is NOT supported: ECC_NIST_P521 key material, the RSA_2048 public wrapping key
// spec, and an RSAES_OAEP_SHA_* wrapping algorithm."): GetParametersForImport refuses to issue such
// parameters, and ImportKeyMaterial refuses a token issued for them — although a P-521 PKCS#8 without its
// public key would fit in RSA_2048 OAEP, which the control import with RSA_3072 shows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DescribeKeyCommand, GetParametersForImportCommand, ImportKeyMaterialCommand } from '@aws-sdk/client-kms';
import * as asn1 from '../../src/core/asn1';
import { sealToken } from '../../src/sandbox/keycrypto';
import { startTestSandbox, type TestSandbox } from '../support/sandbox';
import { createExternalKey, getParams, rejection, wrap } from '../support/sandboxImport';

let t: TestSandbox;
before(async () => {
  t = await startTestSandbox();
});
after(async () => {
  await t.close();
});

/** A P-521 private key as PKCS#8 without the optional public key: about 100 bytes, small enough for RSA_2048 OAEP. */
function smallP521(): Buffer {
  const jwk = crypto.generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey.export({ format: 'jwk' });
  const d = Buffer.from(jwk.d!, 'base64url');
  return asn1.seq(asn1.integer(0), asn1.seq(asn1.oid(asn1.OID.ecPublicKey), asn1.oid(asn1.OID.secp521r1)), asn1.octets(asn1.seq(asn1.integer(1), asn1.octets(d))));
}

describe('ECC_NIST_P521 + RSA_2048 + RSAES_OAEP_* is not supported', () => {
  test('GetParametersForImport refuses it with the documented sentence and the fix; other choices are issued', async () => {
    const keyId = await createExternalKey(t.kms, 'ECC_NIST_P521');
    for (const alg of ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1'] as const) {
      const e = await rejection(t.kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: alg, WrappingKeySpec: 'RSA_2048' })));
      assert.equal(e.name, 'UnsupportedOperationException', alg);
      assert.match(e.message, /The following combination is NOT supported: ECC_NIST_P521 key material, the RSA_2048 public wrapping key spec, and an RSAES_OAEP_SHA_\* wrapping algorithm\./);
      assert.match(e.message, /Use WrappingKeySpec RSA_3072 or RSA_4096, or an RSA_AES_KEY_WRAP_SHA_\* wrapping algorithm\./);
    }
    assert.ok((await getParams(t.kms, keyId, 'RSA_AES_KEY_WRAP_SHA_256', 'RSA_2048')).token.length);
    assert.ok((await getParams(t.kms, keyId, 'RSAES_OAEP_SHA_256', 'RSA_3072')).token.length);
    const p384 = await createExternalKey(t.kms, 'ECC_NIST_P384');
    assert.ok((await getParams(t.kms, p384, 'RSAES_OAEP_SHA_256', 'RSA_2048')).token.length);
  });

  test('ImportKeyMaterial refuses a token issued for the combination; the same material imports with RSA_3072', async () => {
    const material = smallP521();
    assert.ok(material.length <= 256 - 2 * 32 - 2, `${material.length} bytes fit in RSA_2048 OAEP-SHA-256`);
    const keyId = await createExternalKey(t.kms, 'ECC_NIST_P521');
    const master = fs.readFileSync(path.join(t.sandbox.stateDir, 'master.key'));
    const tokenKey = Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), Buffer.from('kms-sandbox import token v1'), 32));
    const pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const now = Date.now();
    const token = sealToken(tokenKey, { keyId, region: t.sandbox.region, algorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048', issued: now, expires: now + 3600_000, wrappingPrivateKey: pair.privateKey.export({ format: 'der', type: 'pkcs8' }) });
    const wrapped = wrap(material, pair.publicKey.export({ format: 'der', type: 'spki' }), 'RSAES_OAEP_SHA_256');
    const e = await rejection(t.kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: token, EncryptedKeyMaterial: wrapped, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })));
    assert.equal(e.name, 'UnsupportedOperationException');
    assert.match(e.message, /ECC_NIST_P521 key material cannot be wrapped with an RSA_2048 wrapping key and RSAES_OAEP_SHA_256/);
    assert.equal((await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'PendingImport');

    const p = await getParams(t.kms, keyId, 'RSAES_OAEP_SHA_256', 'RSA_3072');
    await t.kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.token, EncryptedKeyMaterial: wrap(material, p.publicKey, 'RSAES_OAEP_SHA_256'), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
    assert.equal((await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'Enabled');
  });
});
