// The huawei provider over HTTP against the sandbox's Huawei KMS API, every operation: create (origin
// external), describe, list (pages, all specs), parameters, symmetric import and its round-trip proof,
// the asymmetric two-part import (RSA_2048, EC_P256; split blob and explicit part) proven by public-key
// equality and a locally verified signature, deletion of imported material, re-import of the same
// material, material expiry, persistence across a restart, and AWS/Huawei namespaces kept apart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ListKeysCommand, KMSClient } from '@aws-sdk/client-kms';
import { aesKeyWrapPad } from '../../src/core/kwp';
import { parseWrappingPublicKey } from '../../src/core/publicKey';
import { wrapKeyMaterial } from '../../src/core/wrap';
import { proveHuaweiImport } from '../../src/flow/signatureProof';
import type { HuaweiKmsProvider } from '../../src/providers/huawei/huaweiProvider';
import { material } from './flow-support';
import { ASYMMETRIC, startHuaweiRig, wrapFor, type HuaweiRig } from './huawei-support';

let rig: HuaweiRig;
let hw: HuaweiKmsProvider;
before(async () => {
  rig = await startHuaweiRig();
  hw = rig.provider();
});
after(async () => rig.close());

describe('huawei provider over HTTP', () => {
  test('create-key (origin external) → describe-key: pending import, AES_256, external, alias kept', async () => {
    const k = await hw.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', description: 'test key', alias: 'byok-one' });
    assert.match(k.keyId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const d = await hw.describeKey(k.keyId);
    assert.equal(d.keyState, 'PendingImport');
    assert.equal(d.origin, 'EXTERNAL');
    assert.equal(d.keySpec, 'SYMMETRIC_DEFAULT');
    assert.equal(d.providerKeySpec, 'AES_256');
    assert.deepEqual(d.aliases, ['byok-one']);
    assert.equal(d.description, 'test key');
    assert.ok(d.creationDate && Math.abs(d.creationDate.getTime() - Date.now()) < 60_000);
    const raw = await rig.raw('describe-key', { key_id: k.keyId });
    assert.equal((raw.json.key_info as Record<string, unknown>).key_state, '5');
    assert.equal((raw.json.key_info as Record<string, unknown>).origin, 'external');
  });

  test('symmetric import (RSAES_OAEP_SHA_256, never expires) → enabled, round trip proven', async () => {
    const k = await hw.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' });
    const p = await hw.getParametersForImport(k.keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    assert.equal(parseWrappingPublicKey(p.publicKey).wrappingKeySpec, 'RSA_2048');
    assert.ok(Math.abs(p.parametersValidTo.getTime() - (Date.now() + 24 * 3600_000)) < 60_000, 'parameters valid 24 h');
    const m = material('SYMMETRIC_DEFAULT');
    await hw.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapFor(p, m.bytes), importToken: p.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
    const d = await hw.describeKey(k.keyId);
    assert.equal(d.keyState, 'Enabled');
    assert.equal(d.expirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    assert.equal(d.validTo, undefined);
    const proof = await proveHuaweiImport(hw, k.keyId, 'SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT', m);
    assert.equal(proof.proof.method, 'round-trip');
    assert.equal(proof.holds, true);
    const ct = await hw.encrypt(k.keyId, Buffer.from([0, 1, 2, 255]));
    assert.deepEqual((await hw.decrypt(ct, k.keyId)).plaintext, Buffer.from([0, 1, 2, 255]));
    m.dispose();
  });

  for (const alg of ['RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5'] as const) {
    test(`symmetric import wrapped with ${alg} (seed 002's other algorithms)`, async () => {
      const k = await hw.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' });
      const p = await hw.getParametersForImport(k.keyId, alg, 'RSA_2048');
      const m = material('SYMMETRIC_DEFAULT');
      await hw.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapFor(p, m.bytes), importToken: p.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
      assert.equal((await proveHuaweiImport(hw, k.keyId, 'SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT', m)).holds, true);
      m.dispose();
    });
  }

  for (const spec of ASYMMETRIC) {
    test(`${spec}: two-part import (RSA_AES_KEY_WRAP_SHA_256 blob split at the RSA block) → public key equal, signature verified locally`, async () => {
      const k = await hw.createKey({ keySpec: spec, keyUsage: 'SIGN_VERIFY' });
      assert.equal(k.providerKeySpec, spec === 'RSA_2048' ? 'RSA_2048' : 'EC_P256');
      const p = await hw.getParametersForImport(k.keyId, 'RSA_AES_KEY_WRAP_SHA_256', 'RSA_2048');
      const m = material(spec);
      await hw.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapFor(p, m.bytes), importToken: p.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
      assert.equal((await hw.describeKey(k.keyId)).keyState, 'Enabled');
      const proof = await proveHuaweiImport(hw, k.keyId, spec, 'SIGN_VERIFY', m);
      assert.equal(proof.proof.method, 'public-key');
      assert.equal(proof.proof.holds, true);
      assert.equal(proof.signature?.holds, true);
      assert.deepEqual(await hw.getPublicKey(k.keyId), m.publicKeySpki);
      m.dispose();
    });

    test(`${spec}: two-part import with the parts given separately (encryptedPrivateKey), as Huawei's guide builds them`, async () => {
      const k = await hw.createKey({ keySpec: spec, keyUsage: 'SIGN_VERIFY' });
      const p = await hw.getParametersForImport(k.keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
      const m = material(spec);
      const temp = crypto.randomBytes(32);
      const encryptedKeyMaterial = wrapKeyMaterial(temp, parseWrappingPublicKey(p.publicKey), 'RSAES_OAEP_SHA_256');
      const encryptedPrivateKey = aesKeyWrapPad(temp, m.bytes);
      await hw.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial, encryptedPrivateKey, importToken: p.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
      const proof = await proveHuaweiImport(hw, k.keyId, spec, 'SIGN_VERIFY', m);
      assert.equal(proof.holds, true);
      temp.fill(0);
      m.dispose();
    });
  }

  test('material with an expiry: expiration_time in seconds, described back; after it the key is pending import again', async () => {
    const k = await hw.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' });
    const p = await hw.getParametersForImport(k.keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    const m = material('SYMMETRIC_DEFAULT');
    const validTo = new Date(Math.floor(Date.now() / 1000) * 1000 + 3 * 3600_000);
    await hw.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapFor(p, m.bytes), importToken: p.importToken, expirationModel: 'KEY_MATERIAL_EXPIRES', validTo });
    const d = await hw.describeKey(k.keyId);
    assert.equal(d.expirationModel, 'KEY_MATERIAL_EXPIRES');
    assert.equal(d.validTo?.getTime(), validTo.getTime());
    assert.deepEqual((await hw.listKeyMaterials(k.keyId))[0], { keyMaterialId: 'current', importState: 'IMPORTED', expirationModel: 'KEY_MATERIAL_EXPIRES', validTo });
    rig.sandbox.admin.setClockOffset(4 * 3600_000);
    try {
      assert.equal((await hw.describeKey(k.keyId)).keyState, 'PendingImport');
    } finally {
      rig.sandbox.admin.setClockOffset(0);
    }
    m.dispose();
  });

  test('delete-imported-key-material → pending import; the same material imports again and decrypts old ciphertext', async () => {
    const k = await hw.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' });
    const m = material('SYMMETRIC_DEFAULT');
    let p = await hw.getParametersForImport(k.keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    await hw.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapFor(p, m.bytes), importToken: p.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
    const ct = await hw.encrypt(k.keyId, Buffer.from('kept'));
    await hw.deleteImportedKeyMaterial(k.keyId);
    assert.equal((await hw.describeKey(k.keyId)).keyState, 'PendingImport');
    assert.equal((await hw.listKeyMaterials(k.keyId))[0].importState, 'PENDING_IMPORT');
    p = await hw.getParametersForImport(k.keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    await hw.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapFor(p, m.bytes), importToken: p.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
    assert.equal((await hw.decrypt(ct, k.keyId)).plaintext.toString(), 'kept');
    m.dispose();
  });

  test('list-keys: every spec with key_spec ALL, paged by limit/next_marker; the raw default lists AES_256 only', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) ids.add((await hw.createKey({ keySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY' })).keyId);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await hw.listKeys(token, 2);
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((i) => i.keyId));
      token = page.nextToken;
      pages++;
    } while (token);
    assert.ok(pages >= 2);
    for (const id of ids) assert.ok(seen.includes(id), `listed ${id}`);
    assert.equal(new Set(seen).size, seen.length, 'no key twice');
    const raw = await rig.raw('list-keys', {});
    const specs = new Set((raw.json.key_details as Array<Record<string, string>>).map((d) => d.key_spec));
    assert.deepEqual([...specs], ['AES_256']);
    const details = await hw.listKeyDetails();
    assert.ok(details.filter((d) => ids.has(d.keyId)).every((d) => d.providerKeySpec === 'EC_P256' && d.keyState === 'PendingImport'));
    const aliases = await hw.listAliases();
    assert.ok(aliases.some((a) => a.aliasName === 'byok-one'));
  });

  test('Huawei keys live in their own namespace: AWS ListKeys never shows them', async () => {
    const k = await hw.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' });
    const aws = new KMSClient({ endpoint: rig.sandbox.endpoint, region: rig.sandbox.region, credentials: rig.sandbox.credentials });
    try {
      const out = await aws.send(new ListKeysCommand({ Limit: 1000 }));
      assert.ok(!(out.Keys ?? []).some((x) => x.KeyId === k.keyId));
    } finally {
      aws.destroy();
    }
  });
});

describe('persistence', () => {
  test('keys, material and credentials survive a restart of the same state directory', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-persist-'));
    try {
      const a = await startHuaweiRig({ stateDir: dir });
      const pa = a.provider();
      const k = await pa.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' });
      const p = await pa.getParametersForImport(k.keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
      const m = material('SYMMETRIC_DEFAULT');
      await pa.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapFor(p, m.bytes), importToken: p.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
      const ct = await pa.encrypt(k.keyId, Buffer.from('across restarts'));
      const creds = { ...a.sandbox.huawei };
      await a.close();
      const b = await startHuaweiRig({ stateDir: dir });
      try {
        assert.equal(b.sandbox.huawei.accessKey, creds.accessKey);
        assert.equal(b.sandbox.huawei.projectId, creds.projectId);
        const pb = b.provider();
        assert.equal((await pb.describeKey(k.keyId)).keyState, 'Enabled');
        assert.equal((await pb.decrypt(ct, k.keyId)).plaintext.toString(), 'across restarts');
      } finally {
        await b.close();
      }
      m.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sandbox credentials for the Huawei side', () => {
  test('derived per state directory, always in Huawei\'s shapes: AK 20 upper-case alphanumerics, SK 40 alphanumerics, project id 32 hex', async () => {
    const { huaweiCredentialsFor } = await import('../../src/sandbox/huawei/api');
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const fake = { credentials: { accessKeyId: 'AKIA', secretAccessKey: crypto.randomBytes(30).toString('base64') } } as unknown as Parameters<typeof huaweiCredentialsFor>[0];
      const c = huaweiCredentialsFor(fake);
      assert.match(c.accessKey, /^[A-Z0-9]{20}$/);
      assert.match(c.secretKey, /^[A-Za-z0-9]{40}$/);
      assert.match(c.projectId, /^[0-9a-f]{32}$/);
      assert.deepEqual(huaweiCredentialsFor(fake), c, 'the same for the same state directory');
      seen.add(c.secretKey);
    }
    assert.equal(seen.size, 500);
  });
});
