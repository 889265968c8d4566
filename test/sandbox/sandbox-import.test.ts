// Import into the sandbox through the real @aws-sdk/client-kms: every importable key spec, the proof that
// the imported material is what the key uses, and every import error AWS documents.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { secp256k1 } from '@noble/curves/secp256k1';
import {
  CreateKeyCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  GenerateMacCommand,
  GetParametersForImportCommand,
  GetPublicKeyCommand,
  ImportKeyMaterialCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  VerifyCommand,
  VerifyMacCommand,
  EncryptCommand,
  DecryptCommand,
  type SigningAlgorithmSpec,
  type MacAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { startTestSandbox, type TestSandbox } from '../support/sandbox';
import { createExternalKey, getParams, importInto, materialFor, rejection, wrap } from '../support/sandboxImport';
import { parseMaterial } from '../../src/core/material';
import { spkiPoint } from '../../src/sandbox/keycrypto';

let t: TestSandbox;
before(async () => {
  t = await startTestSandbox();
});
after(async () => {
  await t.close();
});

const SIGN_ALGS: Record<string, SigningAlgorithmSpec[]> = {
  RSA_2048: ['RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512', 'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512'],
  ECC_NIST_P256: ['ECDSA_SHA_256'],
  ECC_NIST_P384: ['ECDSA_SHA_384'],
  ECC_NIST_P521: ['ECDSA_SHA_512'],
  ECC_SECG_P256K1: ['ECDSA_SHA_256'],
};
SIGN_ALGS.RSA_3072 = SIGN_ALGS.RSA_2048;
SIGN_ALGS.RSA_4096 = SIGN_ALGS.RSA_2048;

function localVerify(spec: string, spki: Buffer, alg: string, message: Buffer, sig: Buffer): boolean {
  const hash = `sha${alg.slice(-3)}`;
  if (spec === 'ECC_SECG_P256K1') return secp256k1.verify(sig, crypto.createHash('sha256').update(message).digest(), spkiPoint(spki), { lowS: false, format: 'der' });
  const key = crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' });
  if (alg.startsWith('RSASSA_PSS')) return crypto.verify(hash, message, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(-3)) / 8 }, sig);
  if (alg.startsWith('RSASSA_PKCS1')) return crypto.verify(hash, message, { key, padding: crypto.constants.RSA_PKCS1_PADDING }, sig);
  return crypto.verify(hash, message, { key, dsaEncoding: 'der' }, sig);
}

describe('every importable key spec imports, and the key then uses the imported material', () => {
  const cases: Array<{ spec: string; algorithm: 'RSAES_OAEP_SHA_1' | 'RSAES_OAEP_SHA_256' | 'RSA_AES_KEY_WRAP_SHA_1' | 'RSA_AES_KEY_WRAP_SHA_256'; wks: 'RSA_2048' | 'RSA_3072' | 'RSA_4096' }> = [
    { spec: 'SYMMETRIC_DEFAULT', algorithm: 'RSAES_OAEP_SHA_1', wks: 'RSA_2048' },
    { spec: 'HMAC_224', algorithm: 'RSAES_OAEP_SHA_256', wks: 'RSA_2048' },
    { spec: 'HMAC_256', algorithm: 'RSA_AES_KEY_WRAP_SHA_1', wks: 'RSA_2048' },
    { spec: 'HMAC_384', algorithm: 'RSAES_OAEP_SHA_1', wks: 'RSA_3072' },
    { spec: 'HMAC_512', algorithm: 'RSA_AES_KEY_WRAP_SHA_256', wks: 'RSA_2048' },
    { spec: 'RSA_2048', algorithm: 'RSA_AES_KEY_WRAP_SHA_256', wks: 'RSA_2048' },
    { spec: 'RSA_3072', algorithm: 'RSA_AES_KEY_WRAP_SHA_1', wks: 'RSA_2048' },
    { spec: 'RSA_4096', algorithm: 'RSA_AES_KEY_WRAP_SHA_256', wks: 'RSA_3072' },
    { spec: 'ECC_NIST_P256', algorithm: 'RSAES_OAEP_SHA_256', wks: 'RSA_2048' },
    { spec: 'ECC_NIST_P384', algorithm: 'RSAES_OAEP_SHA_1', wks: 'RSA_2048' },
    { spec: 'ECC_NIST_P521', algorithm: 'RSAES_OAEP_SHA_256', wks: 'RSA_3072' },
    { spec: 'ECC_SECG_P256K1', algorithm: 'RSA_AES_KEY_WRAP_SHA_256', wks: 'RSA_2048' },
  ];
  for (const c of cases) {
    test(`${c.spec} with ${c.algorithm} / ${c.wks}`, async () => {
      const material = materialFor(c.spec);
      const keyId = await createExternalKey(t.kms, c.spec);
      const before = await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }));
      assert.equal(before.KeyMetadata!.KeyState, 'PendingImport');
      assert.equal(before.KeyMetadata!.Enabled, false);
      assert.equal(before.KeyMetadata!.Origin, 'EXTERNAL');
      const r = await importInto(t.kms, keyId, material, { algorithm: c.algorithm, wrappingKeySpec: c.wks });
      assert.match(r.KeyId!, /^arn:aws:kms:us-east-1:111122223333:key\//);
      const md = (await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
      assert.equal(md.KeyState, 'Enabled');
      assert.equal(md.Enabled, true);
      assert.equal(md.ExpirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
      assert.equal(md.ValidTo, undefined);
      const msg = Buffer.from('the proof: this key holds the material we imported');

      if (c.spec === 'SYMMETRIC_DEFAULT') {
        assert.match(r.KeyMaterialId!, /^[0-9a-f]{64}$/);
        assert.equal(md.CurrentKeyMaterialId, r.KeyMaterialId);
        const enc = await t.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: msg, EncryptionContext: { purpose: 'test' } }));
        const dec = await t.kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { purpose: 'test' } }));
        assert.deepEqual(Buffer.from(dec.Plaintext!), msg);
        assert.equal(dec.KeyMaterialId, r.KeyMaterialId);
        const wrongCtx = await rejection(t.kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { purpose: 'other' } })));
        assert.equal(wrongCtx.name, 'InvalidCiphertextException');
      } else if (c.spec.startsWith('HMAC_')) {
        assert.equal(r.KeyMaterialId, undefined);
        const alg = `HMAC_SHA_${c.spec.slice(5)}` as MacAlgorithmSpec;
        const mac = await t.kms.send(new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: alg, Message: msg }));
        assert.deepEqual(Buffer.from(mac.Mac!), crypto.createHmac(`sha${c.spec.slice(5)}`, material).update(msg).digest());
        const ok = await t.kms.send(new VerifyMacCommand({ KeyId: keyId, MacAlgorithm: alg, Message: msg, Mac: mac.Mac }));
        assert.equal(ok.MacValid, true);
        const bad = Buffer.from(mac.Mac!);
        bad[0] ^= 1;
        assert.equal((await rejection(t.kms.send(new VerifyMacCommand({ KeyId: keyId, MacAlgorithm: alg, Message: msg, Mac: bad })))).name, 'KMSInvalidMacException');
        const wrongAlg = await rejection(t.kms.send(new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: alg === 'HMAC_SHA_256' ? 'HMAC_SHA_512' : 'HMAC_SHA_256', Message: msg })));
        assert.equal(wrongAlg.name, 'InvalidKeyUsageException');
      } else {
        const spki = parseMaterial(material).publicKeySpki!;
        const pub = await t.kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
        assert.deepEqual(Buffer.from(pub.PublicKey!), spki);
        assert.deepEqual(pub.SigningAlgorithms, SIGN_ALGS[c.spec]);
        for (const alg of SIGN_ALGS[c.spec]) {
          const s = await t.kms.send(new SignCommand({ KeyId: keyId, Message: msg, SigningAlgorithm: alg }));
          assert.ok(localVerify(c.spec, spki, alg, msg, Buffer.from(s.Signature!)), `${alg} signature verifies locally`);
          const v = await t.kms.send(new VerifyCommand({ KeyId: keyId, Message: msg, Signature: s.Signature, SigningAlgorithm: alg }));
          assert.equal(v.SignatureValid, true);
          // A pre-hashed message (MessageType DIGEST) gives a signature over the same message.
          const digest = crypto.createHash(`sha${alg.slice(-3)}`).update(msg).digest();
          const sd = await t.kms.send(new SignCommand({ KeyId: keyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: alg }));
          assert.ok(localVerify(c.spec, spki, alg, msg, Buffer.from(sd.Signature!)), `${alg} DIGEST signature verifies locally`);
          const tampered = Buffer.from(msg);
          tampered[0] ^= 1;
          const e = await rejection(t.kms.send(new VerifyCommand({ KeyId: keyId, Message: tampered, Signature: s.Signature, SigningAlgorithm: alg })));
          assert.equal(e.name, 'KMSInvalidSignatureException');
        }
      }
    });
  }
});

describe('import errors, as AWS reports them', () => {
  test('an expired import token → ExpiredImportTokenException (clock offset past ParametersValidTo)', async () => {
    const keyId = await createExternalKey(t.kms, 'SYMMETRIC_DEFAULT');
    const p = await getParams(t.kms, keyId);
    const issued = Date.now();
    assert.ok(Math.abs(p.validTo.getTime() - (issued + 24 * 3600e3)) < 60e3, 'ParametersValidTo is 24 h after issue');
    t.sandbox.admin.setClockOffset(24 * 3600e3 + 1000);
    try {
      const e = await rejection(t.kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.token, EncryptedKeyMaterial: wrap(materialFor('SYMMETRIC_DEFAULT'), p.publicKey, 'RSAES_OAEP_SHA_256'), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })));
      assert.equal(e.name, 'ExpiredImportTokenException');
      assert.equal(e.$metadata!.httpStatusCode, 400);
      assert.match(e.message, /GetParametersForImport/);
    } finally {
      t.sandbox.admin.setClockOffset(0);
    }
  });

  test('a token of another key → InvalidImportTokenException', async () => {
    const a = await createExternalKey(t.kms, 'SYMMETRIC_DEFAULT');
    const b = await createExternalKey(t.kms, 'SYMMETRIC_DEFAULT');
    const p = await getParams(t.kms, a);
    const e = await rejection(t.kms.send(new ImportKeyMaterialCommand({ KeyId: b, ImportToken: p.token, EncryptedKeyMaterial: wrap(materialFor('SYMMETRIC_DEFAULT'), p.publicKey, 'RSAES_OAEP_SHA_256'), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })));
    assert.equal(e.name, 'InvalidImportTokenException');
    assert.match(e.message, new RegExp(a));
  });

  test('an altered or foreign token → InvalidImportTokenException', async () => {
    const keyId = await createExternalKey(t.kms, 'SYMMETRIC_DEFAULT');
    const p = await getParams(t.kms, keyId);
    const enc = wrap(materialFor('SYMMETRIC_DEFAULT'), p.publicKey, 'RSAES_OAEP_SHA_256');
    for (const token of [Buffer.concat([p.token.subarray(0, 40), Buffer.from([p.token[40] ^ 1]), p.token.subarray(41)]), p.token.subarray(0, p.token.length - 1), crypto.randomBytes(700)]) {
      const e = await rejection(t.kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: token, EncryptedKeyMaterial: enc, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })));
      assert.equal(e.name, 'InvalidImportTokenException');
    }
    // The unaltered token still works.
    await t.kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.token, EncryptedKeyMaterial: enc, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
  });

  test('material wrapped with another algorithm or another public key → InvalidCiphertextException', async () => {
    const keyId = await createExternalKey(t.kms, 'SYMMETRIC_DEFAULT');
    const p = await getParams(t.kms, keyId, 'RSAES_OAEP_SHA_256');
    const other = await getParams(t.kms, keyId, 'RSAES_OAEP_SHA_256');
    const m = materialFor('SYMMETRIC_DEFAULT');
    for (const enc of [wrap(m, p.publicKey, 'RSAES_OAEP_SHA_1'), wrap(m, other.publicKey, 'RSAES_OAEP_SHA_256'), wrap(m, p.publicKey, 'RSA_AES_KEY_WRAP_SHA_256')]) {
      const e = await rejection(t.kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.token, EncryptedKeyMaterial: enc, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })));
      assert.equal(e.name, 'InvalidCiphertextException');
      assert.equal(e.$metadata!.httpStatusCode, 400);
    }
    const state = (await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState;
    assert.equal(state, 'PendingImport');
  });

  test('material that does not fit the key spec → IncorrectKeyMaterialException naming the problem', async () => {
    const threePrime = execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-pkeyopt', 'rsa_keygen_primes:3', '-outform', 'DER']);
    const cases: Array<{ spec: string; material: Buffer; why: RegExp }> = [
      { spec: 'SYMMETRIC_DEFAULT', material: crypto.randomBytes(31), why: /31 bytes.*exactly 32/ },
      { spec: 'SYMMETRIC_DEFAULT', material: crypto.randomBytes(16), why: /16 bytes/ },
      { spec: 'HMAC_384', material: crypto.randomBytes(32), why: /exactly 48/ },
      { spec: 'ECC_NIST_P256', material: materialFor('ECC_NIST_P384'), why: /P-384.*ECC_NIST_P256/ },
      { spec: 'ECC_NIST_P256', material: materialFor('ECC_SECG_P256K1'), why: /secp256k1/ },
      { spec: 'RSA_2048', material: materialFor('RSA_3072'), why: /3072-bit.*RSA_2048/ },
      { spec: 'RSA_2048', material: threePrime, why: /3 primes/ },
      { spec: 'ECC_NIST_P256', material: Buffer.from(crypto.createPrivateKey({ key: materialFor('ECC_NIST_P256'), format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' })), why: /DER-encoded PKCS#8/ },
      { spec: 'ECC_NIST_P256', material: crypto.createPrivateKey({ key: materialFor('ECC_NIST_P256'), format: 'der', type: 'pkcs8' }).export({ format: 'der', type: 'sec1' }), why: /PKCS#8/ },
    ];
    for (const c of cases) {
      const keyId = await createExternalKey(t.kms, c.spec);
      const e = await rejection(importInto(t.kms, keyId, c.material, { algorithm: 'RSA_AES_KEY_WRAP_SHA_256' }));
      assert.equal(e.name, 'IncorrectKeyMaterialException', `${c.spec}: ${e.message}`);
      assert.match(e.message, c.why);
    }
  });

  test('different material into an asymmetric or HMAC key that had material → IncorrectKeyMaterialException; the same material restores it', async () => {
    for (const spec of ['HMAC_256', 'ECC_NIST_P256']) {
      const keyId = await createExternalKey(t.kms, spec);
      await importInto(t.kms, keyId, materialFor(spec));
      await t.kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: keyId }));
      assert.equal((await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'PendingImport');
      const e = await rejection(importInto(t.kms, keyId, materialFor(spec, true)));
      assert.equal(e.name, 'IncorrectKeyMaterialException');
      await importInto(t.kms, keyId, materialFor(spec));
      assert.equal((await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'Enabled');
      const again = await rejection(importInto(t.kms, keyId, materialFor(spec), { input: { ImportType: 'NEW_KEY_MATERIAL' } }));
      assert.equal(again.name, 'IncorrectKeyMaterialException');
    }
  });

  test('a key that is not EXTERNAL → UnsupportedOperationException', async () => {
    const k = await t.kms.send(new CreateKeyCommand({}));
    const keyId = k.KeyMetadata!.KeyId!;
    assert.equal(k.KeyMetadata!.Origin, 'AWS_KMS');
    assert.equal(k.KeyMetadata!.KeyState, 'Enabled');
    const e1 = await rejection(t.kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' })));
    assert.equal(e1.name, 'UnsupportedOperationException');
    assert.match(e1.message, /Origin of the KMS key must be EXTERNAL/);
    const e2 = await rejection(t.kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: keyId })));
    assert.equal(e2.name, 'UnsupportedOperationException');
    const ext = await createExternalKey(t.kms, 'SYMMETRIC_DEFAULT');
    const p = await getParams(t.kms, ext);
    const e3 = await rejection(t.kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.token, EncryptedKeyMaterial: wrap(materialFor('SYMMETRIC_DEFAULT'), p.publicKey, 'RSAES_OAEP_SHA_256'), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })));
    assert.equal(e3.name, 'UnsupportedOperationException');
  });

  test('a key in the wrong state → KMSInvalidStateException (409)', async () => {
    const keyId = await createExternalKey(t.kms, 'HMAC_256');
    await importInto(t.kms, keyId, materialFor('HMAC_256'));
    await t.kms.send(new DisableKeyCommand({ KeyId: keyId }));
    const e1 = await rejection(importInto(t.kms, keyId, materialFor('HMAC_256')));
    assert.equal(e1.name, 'KMSInvalidStateException');
    assert.equal(e1.$metadata!.httpStatusCode, 409);
    assert.match(e1.message, /is disabled/);
    const e2 = await rejection(t.kms.send(new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message: Buffer.from('x') })));
    assert.equal(e2.name, 'DisabledException');
    await t.kms.send(new EnableKeyCommand({ KeyId: keyId }));
    await t.kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    const e3 = await rejection(t.kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' })));
    assert.equal(e3.name, 'KMSInvalidStateException');
    assert.match(e3.message, /pending deletion/);
    const pending = await createExternalKey(t.kms, 'HMAC_256');
    const e4 = await rejection(t.kms.send(new GenerateMacCommand({ KeyId: pending, MacAlgorithm: 'HMAC_SHA_256', Message: Buffer.from('x') })));
    assert.equal(e4.name, 'KMSInvalidStateException');
    assert.match(e4.message, /pending import/);
    const e5 = await rejection(t.kms.send(new EnableKeyCommand({ KeyId: pending })));
    assert.equal(e5.name, 'KMSInvalidStateException');
  });

  test('ExpirationModel and ValidTo rules', async () => {
    const keyId = await createExternalKey(t.kms, 'SYMMETRIC_DEFAULT');
    const m = materialFor('SYMMETRIC_DEFAULT', true);
    const now = Date.now();
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{}, /ValidTo is required when ExpirationModel is KEY_MATERIAL_EXPIRES \(the default\)/],
      [{ ExpirationModel: 'KEY_MATERIAL_EXPIRES' }, /ValidTo is required/],
      [{ ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: new Date(now - 60e3) }, /must be in the future/],
      [{ ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: new Date(now + 366 * 86400e3) }, /at most 365 days/],
      [{ ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', ValidTo: new Date(now + 86400e3) }, /must not be set/],
    ];
    for (const [input, why] of bad) {
      const p = await getParams(t.kms, keyId);
      const e = await rejection(t.kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.token, EncryptedKeyMaterial: wrap(m, p.publicKey, 'RSAES_OAEP_SHA_256'), ...input, ExpirationModel: input.ExpirationModel as never })));
      assert.equal(e.name, 'ValidationException');
      assert.match(e.message, why);
    }
    // ValidTo omitted ExpirationModel → default KEY_MATERIAL_EXPIRES, accepted with a ValidTo.
    const validTo = new Date(Math.floor(now / 1000) * 1000 + 10 * 86400e3);
    const p = await getParams(t.kms, keyId);
    await t.kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.token, EncryptedKeyMaterial: wrap(m, p.publicKey, 'RSAES_OAEP_SHA_256'), ValidTo: validTo }));
    const md = (await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    assert.equal(md.ExpirationModel, 'KEY_MATERIAL_EXPIRES');
    assert.equal(md.ValidTo!.getTime(), validTo.getTime());
  });

  test('material expires at ValidTo (clock offset) → PendingImport; reimporting the same material restores Enabled', async () => {
    const keyId = await createExternalKey(t.kms, 'HMAC_384');
    const m = materialFor('HMAC_384');
    await importInto(t.kms, keyId, m, { input: { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: new Date(Date.now() + 2 * 86400e3) } });
    const mac = async () => Buffer.from((await t.kms.send(new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_384', Message: Buffer.from('m') }))).Mac!);
    const before = await mac();
    t.sandbox.admin.setClockOffset(2 * 86400e3 + 1000);
    try {
      const md = (await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
      assert.equal(md.KeyState, 'PendingImport');
      assert.equal(md.Enabled, false);
      const e = await rejection(mac());
      assert.equal(e.name, 'KMSInvalidStateException');
      await importInto(t.kms, keyId, m, { input: { ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' } });
      const after = (await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
      assert.equal(after.KeyState, 'Enabled');
      assert.equal(after.ExpirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
      assert.deepEqual(await mac(), before);
    } finally {
      t.sandbox.admin.setClockOffset(0);
    }
  });

  test('wrapping options AWS refuses', async () => {
    const keyId = await createExternalKey(t.kms, 'SYMMETRIC_DEFAULT');
    const e1 = await rejection(t.kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'RSAES_PKCS1_V1_5', WrappingKeySpec: 'RSA_2048' })));
    assert.equal(e1.name, 'UnsupportedOperationException');
    assert.match(e1.message, /October 10, 2023/);
    const e2 = await rejection(t.kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'SM2PKE', WrappingKeySpec: 'SM2' })));
    assert.equal(e2.name, 'UnsupportedOperationException');
    assert.match(e2.message, /China Regions/);
    const e3 = await rejection(t.kms.send(new CreateKeyCommand({ KeySpec: 'SM2', KeyUsage: 'SIGN_VERIFY', Origin: 'EXTERNAL' })));
    assert.equal(e3.name, 'UnsupportedOperationException');
    const e4 = await rejection(t.kms.send(new CreateKeyCommand({ KeySpec: 'ML_DSA_65', KeyUsage: 'SIGN_VERIFY', Origin: 'EXTERNAL' })));
    assert.equal(e4.name, 'UnsupportedOperationException');
  });
});

describe('China Region rules (cn-north-1)', () => {
  test('SYMMETRIC_DEFAULT takes 16-byte (SM4) material, RSA_AES is refused, RSAES_OAEP works', async () => {
    const cn = t.clientFor('cn-north-1');
    const cnOnly = await startTestSandbox({ region: 'cn-north-1' });
    try {
      const kms = cnOnly.kms;
      const keyId = await createExternalKey(kms, 'SYMMETRIC_DEFAULT');
      const arn = (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.Arn!;
      assert.match(arn, /^arn:aws-cn:kms:cn-north-1:/);
      const e1 = await rejection(kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', WrappingKeySpec: 'RSA_2048' })));
      assert.equal(e1.name, 'UnsupportedOperationException');
      assert.match(e1.message, /not supported in the China Regions/);
      const e2 = await rejection(importInto(kms, keyId, crypto.randomBytes(32)));
      assert.equal(e2.name, 'IncorrectKeyMaterialException');
      assert.match(e2.message, /exactly 16 bytes/);
      const m = crypto.randomBytes(16);
      await importInto(kms, keyId, m);
      const enc = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('hello') }));
      assert.equal(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }))).Plaintext!).toString(), 'hello');
      const sm2 = await kms.send(new CreateKeyCommand({ KeySpec: 'SM2', KeyUsage: 'SIGN_VERIFY', Origin: 'EXTERNAL' }));
      await importInto(kms, sm2.KeyMetadata!.KeyId!, materialFor('SM2'));
      const pub = await kms.send(new GetPublicKeyCommand({ KeyId: sm2.KeyMetadata!.KeyId! }));
      assert.deepEqual(Buffer.from(pub.PublicKey!), parseMaterial(materialFor('SM2')).publicKeySpki);
    } finally {
      await cnOnly.close();
    }
    // A commercial-partition sandbox does not serve China Regions.
    const e = await rejection(cn.send(new DescribeKeyCommand({ KeyId: 'alias/x' })));
    assert.equal(e.name, 'InvalidSignatureException');
    assert.match(e.message, /valid region/);
  });
});
