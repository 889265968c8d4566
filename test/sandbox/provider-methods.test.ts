// Every KmsProvider method of the AWS provider, over HTTP against the sandbox with the real client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { parseWrappingPublicKey } from '../../src/core/publicKey';
import { wrapKeyMaterial } from '../../src/core/wrap';
import { localHmac } from '../../src/core/verify';
import type { KmsProvider } from '../../src/providers/types';
import { material, startRig, type Rig } from './flow-support';

let rig: Rig;
let provider: KmsProvider;
before(async () => {
  rig = await startRig();
  provider = rig.provider();
});
after(async () => rig.close());

async function importInto(keyId: string, bytes: Buffer, opts: { algorithm?: 'RSAES_OAEP_SHA_256' | 'RSA_AES_KEY_WRAP_SHA_256' } = {}) {
  const alg = opts.algorithm ?? 'RSAES_OAEP_SHA_256';
  const params = await provider.getParametersForImport(keyId, alg, 'RSA_4096');
  const wrapped = wrapKeyMaterial(bytes, parseWrappingPublicKey(params.publicKey, 'RSA_4096'), alg);
  return provider.importKeyMaterial({ keyId, encryptedKeyMaterial: wrapped, importToken: params.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
}

describe('AwsKmsProvider against the sandbox', () => {
  test('id, region and label', () => {
    assert.equal(provider.id, 'aws');
    assert.equal(provider.region, rig.sandbox.region);
    assert.match(provider.label, /Sandbox/);
  });

  test('createKey makes an EXTERNAL key in PendingImport, with alias and tags; describeKey agrees', async () => {
    const alias = `alias/provider-test-${crypto.randomUUID().slice(0, 8)}`;
    const k = await provider.createKey({ keySpec: 'HMAC_384', keyUsage: 'GENERATE_VERIFY_MAC', description: 'provider test', alias, tags: [{ key: 'team', value: 'kms' }] });
    assert.equal(k.origin, 'EXTERNAL');
    assert.equal(k.keyState, 'PendingImport');
    assert.equal(k.keySpec, 'HMAC_384');
    assert.equal(k.keyUsage, 'GENERATE_VERIFY_MAC');
    assert.deepEqual(k.aliases, [alias]);
    assert.match(k.arn, /^arn:aws:kms:[a-z0-9-]+:\d{12}:key\//);
    const d = await provider.describeKey(k.keyId);
    assert.equal(d.arn, k.arn);
    assert.equal(d.description, 'provider test');
    assert.equal(d.enabled, false);
    const aliases = await provider.listAliases();
    assert.ok(aliases.some((a) => a.aliasName === alias && a.targetKeyId === k.keyId));
    // DescribeKey by alias resolves to the same key
    assert.equal((await provider.describeKey(alias)).keyId, k.keyId);
  });

  test('listKeys pages with the token until the end', async () => {
    const created = new Set<string>();
    for (let i = 0; i < 5; i++) created.add((await provider.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' })).keyId);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await provider.listKeys(token, 2);
      assert.ok(page.items.length <= 2);
      for (const k of page.items) {
        assert.ok(k.arn.endsWith(k.keyId));
        seen.push(k.keyId);
      }
      token = page.nextToken;
      pages++;
    } while (token);
    assert.ok(pages >= 3);
    assert.equal(new Set(seen).size, seen.length, 'no key twice');
    for (const id of created) assert.ok(seen.includes(id));
  });

  test('getParametersForImport returns an RSA SPKI of the asked size, a token and a 24 h expiry', async () => {
    const k = await provider.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' });
    for (const spec of ['RSA_2048', 'RSA_3072', 'RSA_4096'] as const) {
      const p = await provider.getParametersForImport(k.keyId, 'RSAES_OAEP_SHA_256', spec);
      assert.equal(parseWrappingPublicKey(p.publicKey).wrappingKeySpec, spec);
      assert.ok(p.importToken.length > 0);
      assert.equal(p.wrappingAlgorithm, 'RSAES_OAEP_SHA_256');
      const hours = (p.parametersValidTo.getTime() - Date.now()) / 3600_000;
      assert.ok(hours > 23.9 && hours <= 24.01, `valid ${hours} h`);
      assert.ok(p.keyId.endsWith(k.keyId));
    }
  });

  test('importKeyMaterial (symmetric) → Enabled with a key material id; encrypt/decrypt round trip; listKeyMaterials; deleteImportedKeyMaterial', async () => {
    const k = await provider.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' });
    const m = material('SYMMETRIC_DEFAULT');
    const out = await importInto(k.keyId, m.bytes);
    assert.match(out.keyMaterialId ?? '', /^[a-f0-9]{64}$/);
    const d = await provider.describeKey(k.keyId);
    assert.equal(d.keyState, 'Enabled');
    assert.equal(d.expirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    assert.equal(d.currentKeyMaterialId, out.keyMaterialId);

    const plaintext = Buffer.from('round trip through the sandbox');
    const ct = await provider.encrypt(k.keyId, plaintext);
    assert.notDeepEqual(ct, plaintext);
    const dec = await provider.decrypt(ct, k.keyId);
    assert.deepEqual(dec.plaintext, plaintext);
    assert.equal(dec.keyMaterialId, out.keyMaterialId);
    const dec2 = await provider.decrypt(ct); // KeyId optional for symmetric ciphertext
    assert.deepEqual(dec2.plaintext, plaintext);

    const mats = await provider.listKeyMaterials(k.keyId);
    assert.equal(mats.length, 1);
    assert.equal(mats[0].keyMaterialId, out.keyMaterialId);
    assert.equal(mats[0].keyMaterialState, 'CURRENT');
    assert.equal(mats[0].importState, 'IMPORTED');

    const del = await provider.deleteImportedKeyMaterial(k.keyId);
    assert.equal(del.keyMaterialId, out.keyMaterialId);
    assert.equal((await provider.describeKey(k.keyId)).keyState, 'PendingImport');
    m.dispose();
  });

  test('rotateKeyOnDemand makes newly imported material current', async () => {
    const k = await provider.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' });
    const first = material('SYMMETRIC_DEFAULT');
    const second = material('SYMMETRIC_DEFAULT');
    const a = await importInto(k.keyId, first.bytes);
    const params = await provider.getParametersForImport(k.keyId, 'RSAES_OAEP_SHA_256', 'RSA_4096');
    const b = await provider.importKeyMaterial({
      keyId: k.keyId,
      encryptedKeyMaterial: wrapKeyMaterial(second.bytes, parseWrappingPublicKey(params.publicKey), 'RSAES_OAEP_SHA_256'),
      importToken: params.importToken,
      expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      importType: 'NEW_KEY_MATERIAL',
    });
    assert.notEqual(a.keyMaterialId, b.keyMaterialId);
    const pending = (await provider.listKeyMaterials(k.keyId)).find((x) => x.keyMaterialId === b.keyMaterialId);
    assert.equal(pending?.keyMaterialState, 'PENDING_ROTATION');
    await provider.rotateKeyOnDemand(k.keyId);
    assert.equal((await provider.describeKey(k.keyId)).currentKeyMaterialId, b.keyMaterialId);
    const dec = await provider.decrypt(await provider.encrypt(k.keyId, Buffer.from('x')), k.keyId);
    assert.equal(dec.keyMaterialId, b.keyMaterialId);
    first.dispose();
    second.dispose();
  });

  test('generateMac equals the local HMAC of the imported material', async () => {
    const k = await provider.createKey({ keySpec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC' });
    const m = material('HMAC_256');
    await importInto(k.keyId, m.bytes);
    const msg = Buffer.from('message');
    assert.deepEqual(await provider.generateMac(k.keyId, msg, 'HMAC_SHA_256'), localHmac('HMAC_256', m.bytes, msg));
    m.dispose();
  });

  test('getPublicKey returns the imported key pair public key; sign verifies with it locally', async () => {
    const k = await provider.createKey({ keySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY' });
    const m = material('ECC_NIST_P256');
    await importInto(k.keyId, m.bytes);
    const spki = await provider.getPublicKey(k.keyId);
    assert.deepEqual(spki, m.publicKeySpki);
    const msg = Buffer.from('sign me');
    const sig = await provider.sign(k.keyId, msg, 'ECDSA_SHA_256');
    assert.ok(crypto.verify('sha256', msg, crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' }), sig));
    m.dispose();
  });

  test('RSA key imported with RSA_AES_KEY_WRAP_SHA_256: public key matches, RSASSA_PSS signature verifies', async () => {
    const k = await provider.createKey({ keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' });
    const m = material('RSA_2048');
    await importInto(k.keyId, m.bytes, { algorithm: 'RSA_AES_KEY_WRAP_SHA_256' });
    const spki = await provider.getPublicKey(k.keyId);
    assert.deepEqual(spki, m.publicKeySpki);
    const msg = Buffer.from('pss');
    const sig = await provider.sign(k.keyId, msg, 'RSASSA_PSS_SHA_256');
    assert.ok(crypto.verify('sha256', msg, { key: crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' }), padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig));
    m.dispose();
  });

  test('KEY_MATERIAL_EXPIRES with ValidTo is sent and reported back', async () => {
    const k = await provider.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' });
    const m = material('SYMMETRIC_DEFAULT');
    const params = await provider.getParametersForImport(k.keyId, 'RSAES_OAEP_SHA_1', 'RSA_2048');
    const validTo = new Date(Date.now() + 30 * 86400_000);
    validTo.setMilliseconds(0);
    await provider.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapKeyMaterial(m.bytes, parseWrappingPublicKey(params.publicKey), 'RSAES_OAEP_SHA_1'), importToken: params.importToken, expirationModel: 'KEY_MATERIAL_EXPIRES', validTo });
    const d = await provider.describeKey(k.keyId);
    assert.equal(d.expirationModel, 'KEY_MATERIAL_EXPIRES');
    assert.equal(d.validTo?.toISOString(), validTo.toISOString());
    m.dispose();
  });

  test('a cancelled call fails as AbortError without reaching the sandbox', async () => {
    const ac = new AbortController();
    ac.abort();
    const before = rig.sandbox.admin.requestCount('DescribeKey');
    await assert.rejects(provider.describeKey('alias/none', { signal: ac.signal }), (e: Error & { info?: { name: string } }) => e.info?.name === 'AbortError');
    assert.equal(rig.sandbox.admin.requestCount('DescribeKey'), before);
  });

  test('clients are shared per (profile, Region, endpoint) and destroyed with their last provider', () => {
    const size0 = rig.factory.size;
    const a = rig.provider({ region: 'eu-west-3' });
    const b = rig.provider({ region: 'eu-west-3' });
    assert.equal(rig.factory.size, size0 + 1);
    a.dispose();
    assert.equal(rig.factory.size, size0 + 1);
    b.dispose();
    assert.equal(rig.factory.size, size0);
  });

  test('a disposed provider refuses calls with a clear error', async () => {
    const p = rig.provider({ region: 'eu-north-1' });
    p.dispose();
    await assert.rejects(p.describeKey('x'), /disposed/);
  });
});
