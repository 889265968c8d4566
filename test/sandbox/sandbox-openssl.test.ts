// The OpenSSL flow of seed 001 (AWS "Importing key material step 3"): OpenSSL generates the material and
// wraps it with the downloaded wrapping public key; the SDK uploads. Then the proof: GetPublicKey equals
// OpenSSL's public key, GenerateMac equals `openssl dgst -mac HMAC`, Sign verifies with `openssl dgst -verify`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DescribeKeyCommand, GenerateMacCommand, GetPublicKeyCommand, ImportKeyMaterialCommand, SignCommand, type AlgorithmSpec, type WrappingKeySpec } from '@aws-sdk/client-kms';
import { startTestSandbox, type TestSandbox } from '../support/sandbox';
import { createExternalKey, getParams, rejection } from '../support/sandboxImport';

let t: TestSandbox;
let dir: string;
before(async () => {
  t = await startTestSandbox();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sbx-openssl-'));
});
after(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir });
const file = (name: string) => path.join(dir, name);

function generate(spec: string, out: string): void {
  if (spec === 'SYMMETRIC_DEFAULT') openssl('rand', '-out', out, '32');
  else if (spec.startsWith('HMAC_')) openssl('rand', '-out', out, String(Number(spec.slice(5)) / 8));
  else {
    const pem = spec.startsWith('RSA_')
      ? openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${spec.slice(4)}`)
      : openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${{ ECC_NIST_P256: 'P-256', ECC_NIST_P384: 'P-384', ECC_NIST_P521: 'P-521', ECC_SECG_P256K1: 'secp256k1' }[spec]}`);
    fs.writeFileSync(file('key.pem'), pem, { mode: 0o600 });
    openssl('pkcs8', '-topk8', '-outform', 'der', '-nocrypt', '-in', 'key.pem', '-out', out);
  }
}

function opensslWrap(algorithm: AlgorithmSpec, material: string, out: string, oaepDigestOmitted = false): void {
  const md = algorithm.endsWith('SHA_256') ? 'sha256' : 'sha1';
  const oaep = oaepDigestOmitted ? ['-pkeyopt', 'rsa_padding_mode:oaep'] : ['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', `rsa_oaep_md:${md}`, '-pkeyopt', `rsa_mgf1_md:${md}`];
  if (algorithm.startsWith('RSAES_OAEP')) {
    openssl('pkeyutl', '-encrypt', '-in', material, '-out', out, '-inkey', 'WrappingPublicKey.bin', '-keyform', 'DER', '-pubin', ...oaep);
    return;
  }
  openssl('rand', '-out', 'aeskey.bin', '32');
  const hex = fs.readFileSync(file('aeskey.bin')).toString('hex');
  openssl('enc', '-id-aes256-wrap-pad', '-K', hex, '-iv', 'A65959A6', '-in', material, '-out', 'keymaterialwrapped.bin');
  openssl('pkeyutl', '-encrypt', '-in', 'aeskey.bin', '-out', 'aeskeywrapped.bin', '-inkey', 'WrappingPublicKey.bin', '-keyform', 'DER', '-pubin', ...oaep);
  fs.writeFileSync(file(out), Buffer.concat([fs.readFileSync(file('aeskeywrapped.bin')), fs.readFileSync(file('keymaterialwrapped.bin'))]));
}

async function opensslImport(spec: string, algorithm: AlgorithmSpec, wks: WrappingKeySpec): Promise<string> {
  const keyId = await createExternalKey(t.kms, spec);
  generate(spec, 'PlaintextKeyMaterial.bin');
  const p = await getParams(t.kms, keyId, algorithm, wks);
  fs.writeFileSync(file('WrappingPublicKey.bin'), p.publicKey);
  fs.writeFileSync(file('ImportToken.bin'), p.token);
  opensslWrap(algorithm, 'PlaintextKeyMaterial.bin', 'EncryptedKeyMaterial.bin');
  await t.kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: fs.readFileSync(file('ImportToken.bin')), EncryptedKeyMaterial: fs.readFileSync(file('EncryptedKeyMaterial.bin')), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
  assert.equal((await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'Enabled');
  return keyId;
}

describe('seed 001: OpenSSL generates and wraps, the SDK uploads, the proof holds', () => {
  test('HMAC_384 (RSAES_OAEP_SHA_256, RSA_4096): GenerateMac equals openssl dgst -mac HMAC', async () => {
    const keyId = await opensslImport('HMAC_384', 'RSAES_OAEP_SHA_256', 'RSA_4096');
    fs.writeFileSync(file('message.txt'), 'prove it');
    const hexkey = fs.readFileSync(file('PlaintextKeyMaterial.bin')).toString('hex');
    const want = openssl('dgst', '-sha384', '-mac', 'HMAC', '-macopt', `hexkey:${hexkey}`, '-binary', 'message.txt');
    const got = await t.kms.send(new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_384', Message: Buffer.from('prove it') }));
    assert.deepEqual(Buffer.from(got.Mac!), want);
  });

  for (const c of [
    { spec: 'RSA_3072', algorithm: 'RSA_AES_KEY_WRAP_SHA_256', wks: 'RSA_2048', signing: ['RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PSS_SHA_384'] },
    { spec: 'ECC_NIST_P256', algorithm: 'RSAES_OAEP_SHA_1', wks: 'RSA_2048', signing: ['ECDSA_SHA_256'] },
    { spec: 'ECC_NIST_P521', algorithm: 'RSA_AES_KEY_WRAP_SHA_1', wks: 'RSA_3072', signing: ['ECDSA_SHA_512'] },
    { spec: 'ECC_SECG_P256K1', algorithm: 'RSAES_OAEP_SHA_256', wks: 'RSA_2048', signing: ['ECDSA_SHA_256'] },
  ] as const) {
    test(`${c.spec} (${c.algorithm}, ${c.wks}): GetPublicKey equals OpenSSL's; signatures verify with openssl dgst -verify`, async () => {
      const keyId = await opensslImport(c.spec, c.algorithm, c.wks);
      const want = openssl('pkey', '-inform', 'DER', '-in', 'PlaintextKeyMaterial.bin', '-pubout', '-outform', 'DER');
      const pub = await t.kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
      assert.deepEqual(Buffer.from(pub.PublicKey!), want);
      fs.writeFileSync(file('pub.der'), pub.PublicKey!);
      fs.writeFileSync(file('message.txt'), 'signed by the imported key');
      for (const alg of c.signing) {
        const s = await t.kms.send(new SignCommand({ KeyId: keyId, Message: fs.readFileSync(file('message.txt')), SigningAlgorithm: alg }));
        fs.writeFileSync(file('sig.bin'), s.Signature!);
        const bits = alg.slice(-3);
        const pss = alg.startsWith('RSASSA_PSS') ? ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', `rsa_pss_saltlen:${Number(bits) / 8}`] : [];
        const out = openssl('dgst', `-sha${bits}`, '-verify', 'pub.der', '-keyform', 'DER', ...pss, '-signature', 'sig.bin', 'message.txt').toString();
        assert.match(out, /Verified OK/, alg);
      }
    });
  }

  test('SYMMETRIC_DEFAULT with RSA_AES_KEY_WRAP_SHA_1: OpenSSL 3 id-aes256-wrap-pad output imports', async () => {
    await opensslImport('SYMMETRIC_DEFAULT', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_3072');
  });

  test('the classic mistake: RSAES_OAEP_SHA_256 parameters but OpenSSL left at its SHA-1 default → InvalidCiphertextException', async () => {
    const keyId = await createExternalKey(t.kms, 'SYMMETRIC_DEFAULT');
    generate('SYMMETRIC_DEFAULT', 'PlaintextKeyMaterial.bin');
    const p = await getParams(t.kms, keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    fs.writeFileSync(file('WrappingPublicKey.bin'), p.publicKey);
    opensslWrap('RSAES_OAEP_SHA_256', 'PlaintextKeyMaterial.bin', 'EncryptedKeyMaterial.bin', true);
    const e = await rejection(t.kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.token, EncryptedKeyMaterial: fs.readFileSync(file('EncryptedKeyMaterial.bin')), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })));
    assert.equal(e.name, 'InvalidCiphertextException');
    assert.match(e.message, /RSAES_OAEP_SHA_256/);
  });
});
