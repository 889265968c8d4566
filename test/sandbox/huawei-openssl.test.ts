// Seed 002 (Huawei's "Importing Key Material") done with the real openssl CLI against the sandbox's
// Huawei API: the wrapping key from get-parameters-for-import saved as PublicKey.b64 and converted with
// `openssl enc -d -base64 -A`, 32 bytes from `openssl rand`, wrapped with the guide's commands for each
// algorithm (pkeyutl rsa_oaep_md:sha256 / :sha1, rsautl -pkcs), uploaded by the huawei provider and
// proven — the round trip, and the material's identity (deleted, then the same file imports again
// while another does not). Then the asymmetric two-part form with OpenSSL: a temporary AES-256 key
// wrapped with OAEP-SHA-256 and the PKCS#8 key under it with `openssl enc -id-aes256-wrap-pad`, for
// RSA_2048 and EC_P256, proven by the public key and an `openssl dgst -verify` of a KMS signature.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HuaweiKmsProvider } from '../../src/providers/huawei/huaweiProvider';
import { failure, startHuaweiRig, type HuaweiRig } from './huawei-support';

let rig: HuaweiRig;
let hw: HuaweiKmsProvider;
let dir: string;
before(async () => {
  rig = await startHuaweiRig();
  hw = rig.provider();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-openssl-'));
});
after(async () => {
  await rig.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
const file = (name: string) => path.join(dir, name);

/** get-parameters-for-import as the guide saves it: PublicKey.b64 → PublicKey.bin; ImportToken.b64. */
async function downloadParameters(keyId: string, wrappingAlgorithm: string): Promise<void> {
  const r = await rig.raw('get-parameters-for-import', { key_id: keyId, wrapping_algorithm: wrappingAlgorithm });
  assert.equal(r.status, 200);
  fs.writeFileSync(file('PublicKey.b64'), String(r.json.public_key));
  fs.writeFileSync(file('ImportToken.b64'), String(r.json.import_token));
  openssl('enc', '-d', '-base64', '-A', '-in', 'PublicKey.b64', '-out', 'PublicKey.bin');
}

const GUIDE: Record<string, string[]> = {
  RSAES_OAEP_SHA_256: ['pkeyutl', '-in', 'PlaintextKeyMaterial.bin', '-inkey', 'PublicKey.bin', '-out', 'EncryptedKeyMaterial.bin', '-keyform', 'der', '-pubin', '-encrypt', '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256'],
  RSAES_OAEP_SHA_1: ['pkeyutl', '-in', 'PlaintextKeyMaterial.bin', '-inkey', 'PublicKey.bin', '-out', 'EncryptedKeyMaterial.bin', '-keyform', 'der', '-pubin', '-encrypt', '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha1'],
  RSAES_PKCS1_V1_5: ['rsautl', '-encrypt', '-in', 'PlaintextKeyMaterial.bin', '-pkcs', '-inkey', 'PublicKey.bin', '-keyform', 'der', '-pubin', '-out', 'EncryptedKeyMaterial.bin'],
};

async function importFiles(keyId: string): Promise<void> {
  await hw.importKeyMaterial({ keyId, encryptedKeyMaterial: fs.readFileSync(file('EncryptedKeyMaterial.bin')), importToken: Buffer.from(fs.readFileSync(file('ImportToken.b64'), 'utf8'), 'base64'), expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
}

describe("seed 002's OpenSSL commands against the sandbox's Huawei API", () => {
  for (const alg of Object.keys(GUIDE)) {
    test(`${alg}: openssl rand 32 + the guide's ${GUIDE[alg][0]} command → imported and proven`, async () => {
      const k = await hw.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' });
      await downloadParameters(k.keyId, alg);
      openssl('rand', '-out', 'PlaintextKeyMaterial.bin', '32');
      openssl(...GUIDE[alg]);
      assert.equal(fs.statSync(file('EncryptedKeyMaterial.bin')).size, 256);
      await importFiles(k.keyId);
      assert.equal((await hw.describeKey(k.keyId)).keyState, 'Enabled');
      const ct = await hw.encrypt(k.keyId, Buffer.from('seed 002'));
      assert.equal((await hw.decrypt(ct, k.keyId)).plaintext.toString(), 'seed 002');
      // Identity: after deletion, a different 32 bytes are refused and the same file imports again.
      await hw.deleteImportedKeyMaterial(k.keyId);
      await downloadParameters(k.keyId, alg);
      openssl('rand', '-out', 'PlaintextKeyMaterial.bin', '32');
      openssl(...GUIDE[alg]);
      assert.equal((await failure(importFiles(k.keyId))).name, 'KMS.2606');
      fs.rmSync(file('PlaintextKeyMaterial.bin'));
    });
  }

  test('the same material wrapped twice by the guide imports into the key it came from (not just any 32 bytes)', async () => {
    const k = await hw.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' });
    await downloadParameters(k.keyId, 'RSAES_OAEP_SHA_256');
    openssl('rand', '-out', 'PlaintextKeyMaterial.bin', '32');
    openssl(...GUIDE.RSAES_OAEP_SHA_256);
    await importFiles(k.keyId);
    const ct = await hw.encrypt(k.keyId, Buffer.from('same'));
    await hw.deleteImportedKeyMaterial(k.keyId);
    await downloadParameters(k.keyId, 'RSAES_OAEP_SHA_1');
    openssl(...GUIDE.RSAES_OAEP_SHA_1);
    await importFiles(k.keyId);
    assert.equal((await hw.decrypt(ct, k.keyId)).plaintext.toString(), 'same');
  });

  for (const [spec, gen] of [
    ['RSA_2048', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'key.pem']],
    ['EC_P256', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'key.pem']],
  ] as const) {
    test(`${spec}: the two-part form with OpenSSL (OAEP-SHA-256 temporary key + id-aes256-wrap-pad PKCS#8) → public key equal, signature verified by openssl`, async () => {
      const k = await hw.createKey({ keySpec: spec === 'RSA_2048' ? 'RSA_2048' : 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY' });
      await downloadParameters(k.keyId, 'RSAES_OAEP_SHA_256');
      openssl(...gen);
      openssl('pkcs8', '-topk8', '-inform', 'pem', '-in', 'key.pem', '-outform', 'der', '-nocrypt', '-out', 'key.der');
      openssl('pkey', '-in', 'key.pem', '-pubout', '-outform', 'der', '-out', 'pub.der');
      openssl('pkey', '-in', 'key.pem', '-pubout', '-out', 'pub.pem');
      openssl('rand', '-out', 'TempAesKey.bin', '32');
      const hex = fs.readFileSync(file('TempAesKey.bin')).toString('hex');
      openssl('pkeyutl', '-encrypt', '-in', 'TempAesKey.bin', '-inkey', 'PublicKey.bin', '-keyform', 'der', '-pubin', '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-out', 'EncryptedKeyMaterial.bin');
      openssl('enc', '-id-aes256-wrap-pad', '-iv', 'A65959A6', '-K', hex, '-in', 'key.der', '-out', 'EncryptedPrivateKey.bin');
      await hw.importKeyMaterial({
        keyId: k.keyId,
        encryptedKeyMaterial: fs.readFileSync(file('EncryptedKeyMaterial.bin')),
        encryptedPrivateKey: fs.readFileSync(file('EncryptedPrivateKey.bin')),
        importToken: Buffer.from(fs.readFileSync(file('ImportToken.b64'), 'utf8'), 'base64'),
        expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      });
      assert.deepEqual(await hw.getPublicKey(k.keyId), fs.readFileSync(file('pub.der')));
      fs.writeFileSync(file('message.txt'), 'signed by the sandbox, verified by openssl');
      const sig = await hw.sign(k.keyId, fs.readFileSync(file('message.txt')), spec === 'RSA_2048' ? 'RSASSA_PKCS1_V1_5_SHA_256' : 'ECDSA_SHA_256');
      fs.writeFileSync(file('sig.bin'), sig);
      assert.match(openssl('dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'sig.bin', 'message.txt').toString(), /Verified OK/);
      for (const f of ['key.pem', 'key.der', 'TempAesKey.bin']) fs.rmSync(file(f));
    });
  }
});
