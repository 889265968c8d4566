// China Regions (cn-north-1): SM2 wrapping keys (SM2PKE) and SM2 KMS keys (SM2DSA, SM2PKE), checked
// against OpenSSL 3 as the independent implementation; SM3 against its standard vectors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, GetParametersForImportCommand, GetPublicKeyCommand, ImportKeyMaterialCommand, SignCommand, VerifyCommand } from '@aws-sdk/client-kms';
import { sm3, sm2Decrypt } from '../../src/sandbox/sm2';
import { startTestSandbox, type TestSandbox } from '../support/sandbox';
import { createExternalKey, getParams, materialFor, rejection, wrap } from '../support/sandboxImport';
import * as asn1 from '../../src/core/asn1';
import { encodeSm2Ciphertext, SM2_CURVE } from '../../src/core/sm2';

let t: TestSandbox;
let dir: string;
before(async () => {
  t = await startTestSandbox({ region: 'cn-north-1' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sbx-sm2-'));
});
after(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir });
const file = (n: string) => path.join(dir, n);

describe('SM3', () => {
  test('standard vectors (GB/T 32905 appendix A) and arbitrary lengths', () => {
    assert.equal(sm3(Buffer.from('abc')).toString('hex'), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    assert.equal(sm3(Buffer.from('abcd'.repeat(16))).toString('hex'), 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
    for (const len of [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000]) {
      const m = crypto.randomBytes(len);
      fs.writeFileSync(file('m.bin'), m);
      assert.equal(sm3(m).toString('hex'), openssl('dgst', '-sm3', '-binary', 'm.bin').toString('hex'), `length ${len}`);
    }
  });
});

describe('SM2 wrapping keys (WrappingKeySpec SM2, SM2PKE)', () => {
  async function opensslImport(spec: string, material: Buffer) {
    const keyId = await createExternalKey(t.kms, spec);
    const p = await getParams(t.kms, keyId, 'SM2PKE', 'SM2');
    fs.writeFileSync(file('WrappingPublicKey.bin'), p.publicKey);
    fs.writeFileSync(file('PlaintextKeyMaterial.bin'), material);
    openssl('pkeyutl', '-encrypt', '-pubin', '-inkey', 'WrappingPublicKey.bin', '-keyform', 'DER', '-in', 'PlaintextKeyMaterial.bin', '-out', 'EncryptedKeyMaterial.bin');
    await t.kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.token, EncryptedKeyMaterial: fs.readFileSync(file('EncryptedKeyMaterial.bin')), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
    assert.equal((await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'Enabled');
    return keyId;
  }

  test('the wrapping public key is an SM2 SubjectPublicKeyInfo; OpenSSL-wrapped SM4, HMAC, RSA and SM2 material imports', async () => {
    const keyId = await createExternalKey(t.kms, 'SYMMETRIC_DEFAULT');
    const p = await getParams(t.kms, keyId, 'SM2PKE', 'SM2');
    fs.writeFileSync(file('pub.der'), p.publicKey);
    assert.match(openssl('pkey', '-pubin', '-inform', 'DER', '-in', 'pub.der', '-text', '-noout').toString(), /SM2|ASN1 OID: SM2/);
    const sym = await opensslImport('SYMMETRIC_DEFAULT', crypto.randomBytes(16));
    const enc = await t.kms.send(new EncryptCommand({ KeyId: sym, Plaintext: Buffer.from('china') }));
    assert.equal(Buffer.from((await t.kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }))).Plaintext!).toString(), 'china');
    await opensslImport('HMAC_256', crypto.randomBytes(32));
    // RSA private keys in China Regions are wrapped with SM2PKE (no RSA_AES there); SM2PKE has no size limit.
    const rsa = await opensslImport('RSA_2048', materialFor('RSA_2048'));
    assert.ok((await t.kms.send(new GetPublicKeyCommand({ KeyId: rsa }))).PublicKey);
    await opensslImport('SM2', materialFor('SM2'));
  });

  test('SM2PKE needs the SM2 spec; a tampered SM2 ciphertext → InvalidCiphertextException', async () => {
    const keyId = await createExternalKey(t.kms, 'SYMMETRIC_DEFAULT');
    const e1 = await rejection(t.kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'SM2' })));
    assert.equal(e1.name, 'ValidationException');
    const e2 = await rejection(t.kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'SM2PKE', WrappingKeySpec: 'RSA_2048' })));
    assert.equal(e2.name, 'ValidationException');
    const p = await getParams(t.kms, keyId, 'SM2PKE', 'SM2');
    fs.writeFileSync(file('WrappingPublicKey.bin'), p.publicKey);
    fs.writeFileSync(file('PlaintextKeyMaterial.bin'), crypto.randomBytes(16));
    openssl('pkeyutl', '-encrypt', '-pubin', '-inkey', 'WrappingPublicKey.bin', '-keyform', 'DER', '-in', 'PlaintextKeyMaterial.bin', '-out', 'EncryptedKeyMaterial.bin');
    const enc = fs.readFileSync(file('EncryptedKeyMaterial.bin'));
    enc[enc.length - 1] ^= 1;
    const e3 = await rejection(t.kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.token, EncryptedKeyMaterial: enc, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })));
    assert.equal(e3.name, 'InvalidCiphertextException');
  });
});

describe('SM2 KMS keys', () => {
  test('SM2DSA signatures verify with OpenSSL (ID 1234567812345678) and OpenSSL signatures verify in KMS', async () => {
    const keyId = await createExternalKey(t.kms, 'SM2');
    const p = await getParams(t.kms, keyId, 'SM2PKE', 'SM2');
    fs.writeFileSync(file('WrappingPublicKey.bin'), p.publicKey);
    fs.writeFileSync(file('sm2.der'), materialFor('SM2'));
    openssl('pkeyutl', '-encrypt', '-pubin', '-inkey', 'WrappingPublicKey.bin', '-keyform', 'DER', '-in', 'sm2.der', '-out', 'enc.bin');
    await t.kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.token, EncryptedKeyMaterial: fs.readFileSync(file('enc.bin')), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
    const pub = await t.kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
    assert.deepEqual(pub.SigningAlgorithms, ['SM2DSA']);
    fs.writeFileSync(file('pub.der'), pub.PublicKey!);
    assert.deepEqual(Buffer.from(pub.PublicKey!), openssl('pkey', '-inform', 'DER', '-in', 'sm2.der', '-pubout', '-outform', 'DER'));
    const msg = Buffer.from('signed with an imported SM2 key');
    fs.writeFileSync(file('msg.txt'), msg);
    const s = await t.kms.send(new SignCommand({ KeyId: keyId, Message: msg, SigningAlgorithm: 'SM2DSA' }));
    fs.writeFileSync(file('sig.bin'), s.Signature!);
    assert.match(openssl('dgst', '-sm3', '-verify', 'pub.der', '-keyform', 'DER', '-sigopt', 'distid:1234567812345678', '-signature', 'sig.bin', 'msg.txt').toString(), /Verified OK/);
    openssl('dgst', '-sm3', '-sign', 'sm2.der', '-keyform', 'DER', '-sigopt', 'distid:1234567812345678', '-out', 'ossl.sig', 'msg.txt');
    const v = await t.kms.send(new VerifyCommand({ KeyId: keyId, Message: msg, Signature: fs.readFileSync(file('ossl.sig')), SigningAlgorithm: 'SM2DSA' }));
    assert.equal(v.SignatureValid, true);
    const bad = await rejection(t.kms.send(new VerifyCommand({ KeyId: keyId, Message: Buffer.from('other'), Signature: s.Signature, SigningAlgorithm: 'SM2DSA' })));
    assert.equal(bad.name, 'KMSInvalidSignatureException');
  });

  test('SM2PKE Encrypt/Decrypt interoperates with OpenSSL both ways', async () => {
    const created = await t.kms.send(new CreateKeyCommand({ KeySpec: 'SM2', KeyUsage: 'ENCRYPT_DECRYPT', Origin: 'EXTERNAL' }));
    const keyId = created.KeyMetadata!.KeyId!;
    assert.deepEqual(created.KeyMetadata!.EncryptionAlgorithms, ['SM2PKE']);
    const material = materialFor('SM2');
    const p = await getParams(t.kms, keyId, 'SM2PKE', 'SM2');
    fs.writeFileSync(file('WrappingPublicKey.bin'), p.publicKey);
    fs.writeFileSync(file('sm2key.der'), material);
    openssl('pkeyutl', '-encrypt', '-pubin', '-inkey', 'WrappingPublicKey.bin', '-keyform', 'DER', '-in', 'sm2key.der', '-out', 'enc.bin');
    await t.kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.token, EncryptedKeyMaterial: fs.readFileSync(file('enc.bin')), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
    const pub = Buffer.from((await t.kms.send(new GetPublicKeyCommand({ KeyId: keyId }))).PublicKey!);
    fs.writeFileSync(file('encpub.der'), pub);
    fs.writeFileSync(file('plain.txt'), 'to KMS');
    openssl('pkeyutl', '-encrypt', '-pubin', '-inkey', 'encpub.der', '-keyform', 'DER', '-in', 'plain.txt', '-out', 'ct.bin');
    const dec = await t.kms.send(new DecryptCommand({ KeyId: keyId, CiphertextBlob: fs.readFileSync(file('ct.bin')), EncryptionAlgorithm: 'SM2PKE' }));
    assert.equal(Buffer.from(dec.Plaintext!).toString(), 'to KMS');
    const enc = await t.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('from KMS'), EncryptionAlgorithm: 'SM2PKE' }));
    fs.writeFileSync(file('kms-ct.bin'), enc.CiphertextBlob!);
    assert.equal(openssl('pkeyutl', '-decrypt', '-inkey', 'sm2key.der', '-keyform', 'DER', '-in', 'kms-ct.bin').toString(), 'from KMS');
    const tampered = Buffer.from(enc.CiphertextBlob!);
    tampered[tampered.length - 1] ^= 1;
    const e = await rejection(t.kms.send(new DecryptCommand({ KeyId: keyId, CiphertextBlob: tampered, EncryptionAlgorithm: 'SM2PKE' })));
    assert.equal(e.name, 'InvalidCiphertextException');
    assert.equal(sm2Decrypt(Buffer.alloc(32, 1), Buffer.from(enc.CiphertextBlob!)), undefined);
  });
});

describe('the core\'s SM2PKE wrap, imported into the sandbox', () => {
  test('RSA_4096, SM2 and 128-bit SM4 material wrapped by the core imports, and the key proves it', async () => {
    for (const spec of ['RSA_4096', 'SM2', 'SYMMETRIC_DEFAULT']) {
      const keyId = await createExternalKey(t.kms, spec);
      const material = spec === 'SYMMETRIC_DEFAULT' ? crypto.randomBytes(16) : materialFor(spec);
      const p = await getParams(t.kms, keyId, 'SM2PKE', 'SM2');
      await t.kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.token, EncryptedKeyMaterial: wrap(material, p.publicKey, 'SM2PKE'), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
      assert.equal((await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'Enabled', spec);
      if (spec !== 'SYMMETRIC_DEFAULT') {
        fs.writeFileSync(file(`${spec}.der`), material);
        assert.deepEqual(Buffer.from((await t.kms.send(new GetPublicKeyCommand({ KeyId: keyId }))).PublicKey!), openssl('pkey', '-inform', 'DER', '-in', `${spec}.der`, '-pubout', '-outform', 'DER'), spec);
      }
    }
  });

  test('bad SM2 ciphertexts → InvalidCiphertextException, each, and the sandbox carries on', async () => {
    const keyId = await createExternalKey(t.kms, 'SYMMETRIC_DEFAULT');
    const p = await getParams(t.kms, keyId, 'SM2PKE', 'SM2');
    const material = crypto.randomBytes(16);
    const good = wrap(material, p.publicKey, 'SM2PKE');
    const items = asn1.children(asn1.parse(good));
    const big = (n: asn1.Node) => BigInt('0x' + asn1.unsignedInt(n, 'int').toString('hex'));
    const [x, y, c3, c2] = [big(items[0]), big(items[1]), Buffer.from(items[2].value), Buffer.from(items[3].value)];
    const flipped = Buffer.from(c3);
    flipped[0] ^= 0x40;
    const bad: Array<[string, Buffer]> = [
      ['C3 altered', encodeSm2Ciphertext(x, y, flipped, c2)],
      ['C1 not on the curve', encodeSm2Ciphertext(x, (y + BigInt(1)) % SM2_CURVE.p, c3, c2)],
      ['C1 the point at infinity', encodeSm2Ciphertext(BigInt(0), BigInt(0), c3, c2)],
      ['truncated DER', good.subarray(0, good.length - 5)],
      ['trailing bytes', Buffer.concat([good, Buffer.from([0, 0])])],
    ];
    for (const [what, blob] of bad) {
      const e = await rejection(t.kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.token, EncryptedKeyMaterial: blob, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })));
      assert.equal(e.name, 'InvalidCiphertextException', what);
      assert.equal(e.$metadata?.httpStatusCode, 400, what);
    }
    // No crash, no half state: the untouched ciphertext still imports with the same token.
    await t.kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.token, EncryptedKeyMaterial: good, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
    assert.equal((await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'Enabled');
  });
});
