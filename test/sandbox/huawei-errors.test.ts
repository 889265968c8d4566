// Every documented Huawei KMS refusal, produced for real by the sandbox and seen through the huawei
// provider as cause + action + next step; the wire shape of errors; AK/SK signature refusals (bad
// signature, stale date, wrong project id, unknown access key); throttling retried, imports never
// replayed after an ambiguous failure (the key is described to learn the outcome).
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { aesKeyWrapPad } from '../../src/core/kwp';
import { parseWrappingPublicKey } from '../../src/core/publicKey';
import { wrapKeyMaterial } from '../../src/core/wrap';
import type { HuaweiKmsProvider } from '../../src/providers/huawei/huaweiProvider';
import { material } from './flow-support';
import { failure, startHuaweiRig, wrapFor, type HuaweiRig } from './huawei-support';

let rig: HuaweiRig;
let hw: HuaweiKmsProvider;
before(async () => {
  rig = await startHuaweiRig();
  hw = rig.provider();
});
afterEach(() => {
  rig.sandbox.admin.clearFaults();
  rig.sandbox.admin.setClockOffset(0);
});
after(async () => rig.close());

const NEVER = 'KEY_MATERIAL_DOES_NOT_EXPIRE' as const;

async function pendingKey(spec: 'SYMMETRIC_DEFAULT' | 'RSA_2048' | 'ECC_NIST_P256' = 'SYMMETRIC_DEFAULT') {
  const k = await hw.createKey({ keySpec: spec, keyUsage: spec === 'SYMMETRIC_DEFAULT' ? 'ENCRYPT_DECRYPT' : 'SIGN_VERIFY' });
  const p = await hw.getParametersForImport(k.keyId, spec === 'SYMMETRIC_DEFAULT' ? 'RSAES_OAEP_SHA_256' : 'RSA_AES_KEY_WRAP_SHA_256', 'RSA_2048');
  return { k, p };
}

async function importedKey() {
  const { k, p } = await pendingKey();
  const m = material('SYMMETRIC_DEFAULT');
  await hw.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapFor(p, m.bytes), importToken: p.importToken, expirationModel: NEVER });
  return { k, m };
}

describe('Huawei KMS error codes through the provider', () => {
  test('the wire shape: {"error": {"error_code", "error_msg"}}, HTTP 400/404', async () => {
    const r = await rig.raw('describe-key', { key_id: crypto.randomUUID() });
    assert.equal(r.status, 404);
    const e = r.json.error as Record<string, string>;
    assert.equal(e.error_code, 'KMS.0207');
    assert.match(e.error_msg, /does not exist/);
    const bad = await rig.raw('describe-key', {});
    assert.equal((bad.json.error as Record<string, string>).error_code, 'KMS.0204');
  });

  test('KMS.0207 key not found; KMS.0205 malformed key id', async () => {
    const nf = await failure(hw.describeKey(crypto.randomUUID()));
    assert.equal(nf.name, 'KMS.0207');
    assert.match(nf.action, /HUAWEICLOUD_SDK_PROJECT_ID/);
    const bad = await failure(hw.describeKey('not-a-key-id'));
    assert.equal(bad.name, 'KMS.0205');
  });

  test('KMS.0309 parameters for a key of origin kms', async () => {
    const r = await rig.raw('create-key', { key_alias: 'native-key', key_spec: 'AES_256', origin: 'kms' });
    const keyId = (r.json.key_info as Record<string, string>).key_id;
    const info = await failure(hw.getParametersForImport(keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048'));
    assert.equal(info.name, 'KMS.0309');
    assert.match(info.action, /origin external/);
  });

  test('KMS.0310 import into a key that already has material', async () => {
    const { k, m } = await importedKey();
    const info = await failure(hw.getParametersForImport(k.keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048'));
    assert.equal(info.name, 'KMS.0310');
    assert.equal(info.nextStep, 'describe-key');
    m.dispose();
  });

  test('KMS.2601 token expired (sandbox clock 25 h ahead)', async () => {
    const { k, p } = await pendingKey();
    const m = material('SYMMETRIC_DEFAULT');
    rig.sandbox.admin.setClockOffset(25 * 3600_000);
    const info = await failure(hw.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapFor(p, m.bytes), importToken: p.importToken, expirationModel: NEVER }));
    assert.equal(info.name, 'KMS.2601');
    assert.equal(info.nextStep, 'download-parameters');
    m.dispose();
  });

  test('KMS.2603 token of another key', async () => {
    const a = await pendingKey();
    const b = await pendingKey();
    const m = material('SYMMETRIC_DEFAULT');
    const info = await failure(hw.importKeyMaterial({ keyId: b.k.keyId, encryptedKeyMaterial: wrapFor(a.p, m.bytes), importToken: a.p.importToken, expirationModel: NEVER }));
    assert.equal(info.name, 'KMS.2603');
    m.dispose();
  });

  test('KMS.2604 symmetric material that is not 32 bytes', async () => {
    const { k, p } = await pendingKey();
    const info = await failure(hw.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapFor(p, crypto.randomBytes(16)), importToken: p.importToken, expirationModel: NEVER }));
    assert.equal(info.name, 'KMS.2604');
    assert.equal(info.nextStep, 'choose-material');
  });

  test('KMS.2605 altered token; material wrapped with another algorithm than the token\'s', async () => {
    const { k, p } = await pendingKey();
    const m = material('SYMMETRIC_DEFAULT');
    const altered = Buffer.from(p.importToken);
    altered[altered.length - 5] ^= 1;
    const t = await failure(hw.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapFor(p, m.bytes), importToken: altered, expirationModel: NEVER }));
    assert.equal(t.name, 'KMS.2605');
    const w = await failure(hw.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapFor(p, m.bytes, 'RSAES_OAEP_SHA_1'), importToken: p.importToken, expirationModel: NEVER, context: { wrappingAlgorithm: 'RSAES_OAEP_SHA_1' } }));
    assert.equal(w.name, 'KMS.2605');
    assert.match(w.cause, /RSAES_OAEP_SHA_1/);
    assert.equal(w.nextStep, 'download-parameters');
    assert.equal((await hw.describeKey(k.keyId)).keyState, 'PendingImport');
    m.dispose();
  });

  test('KMS.2606 re-import of different material after deletion', async () => {
    const { k, m } = await importedKey();
    await hw.deleteImportedKeyMaterial(k.keyId);
    const p = await hw.getParametersForImport(k.keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    const other = material('SYMMETRIC_DEFAULT');
    const info = await failure(hw.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapFor(p, other.bytes), importToken: p.importToken, expirationModel: NEVER }));
    assert.equal(info.name, 'KMS.2606');
    m.dispose();
    other.dispose();
  });

  test('KMS.2608 asymmetric key without encrypted_privatekey; KMS.2609 a private key of another spec', async () => {
    const { k, p } = await pendingKey('RSA_2048');
    const temp = crypto.randomBytes(32);
    const onlyKey = wrapKeyMaterial(temp, parseWrappingPublicKey(p.publicKey), 'RSAES_OAEP_SHA_256');
    const missing = await failure(hw.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: onlyKey, importToken: p.importToken, expirationModel: NEVER }));
    assert.equal(missing.name, 'KMS.2608');
    assert.match(missing.action, /RSA_AES_KEY_WRAP_SHA_256/);
    const ec = material('ECC_NIST_P256');
    const wrong = await failure(hw.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: onlyKey, encryptedPrivateKey: aesKeyWrapPad(temp, ec.bytes), importToken: p.importToken, expirationModel: NEVER }));
    assert.equal(wrong.name, 'KMS.2609');
    assert.match(wrong.cause, /P-256|does not match/);
    const garbage = await failure(hw.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: onlyKey, encryptedPrivateKey: crypto.randomBytes(200), importToken: p.importToken, expirationModel: NEVER }));
    assert.equal(garbage.name, 'KMS.2609');
    ec.dispose();
  });

  test('KMS.2602 material expiry in the past', async () => {
    const { k, p } = await pendingKey();
    const m = material('SYMMETRIC_DEFAULT');
    const info = await failure(hw.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapFor(p, m.bytes), importToken: p.importToken, expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: new Date(Date.now() - 3600_000) }));
    assert.equal(info.name, 'KMS.2602');
    m.dispose();
  });

  test('KMS.2701 delete material of a key pending import; KMS.2702 delete imported private key material', async () => {
    const { k } = await pendingKey();
    assert.equal((await failure(hw.deleteImportedKeyMaterial(k.keyId))).name, 'KMS.2701');
    const a = await pendingKey('ECC_NIST_P256');
    const m = material('ECC_NIST_P256');
    await hw.importKeyMaterial({ keyId: a.k.keyId, encryptedKeyMaterial: wrapFor(a.p, m.bytes), importToken: a.p.importToken, expirationModel: NEVER });
    const info = await failure(hw.deleteImportedKeyMaterial(a.k.keyId));
    assert.equal(info.name, 'KMS.2702');
    assert.match(info.action, /Schedule the deletion/);
    assert.equal((await hw.describeKey(a.k.keyId)).keyState, 'Enabled');
    m.dispose();
  });

  test('KMS.1104 alias taken; KMS.1301 encrypt with a key pending import; provider refusals before any request', async () => {
    await hw.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', alias: 'taken-alias' });
    assert.equal((await failure(hw.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', alias: 'taken-alias' }))).name, 'KMS.1104');
    const { k } = await pendingKey();
    assert.equal((await failure(hw.encrypt(k.keyId, Buffer.from('x')))).name, 'KMS.1301');
    const before = rig.sandbox.admin.requestCount();
    assert.equal((await failure(hw.createKey({ keySpec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC' }))).name, 'UnsupportedKeySpec');
    assert.equal((await failure(hw.getParametersForImport(k.keyId, 'RSAES_OAEP_SHA_256', 'RSA_4096'))).name, 'UnsupportedWrappingKeySpec');
    assert.equal((await failure(hw.getParametersForImport(k.keyId, 'SM2PKE', 'RSA_2048'))).name, 'UnsupportedWrappingAlgorithm');
    assert.equal(rig.sandbox.admin.requestCount(), before, 'refused without a request');
  });
});

describe('AK/SK signature refusals (API gateway, 401 APIG.0301)', () => {
  test('a wrong secret key', async () => {
    const r = await rig.raw('list-keys', {}, { secretKey: 'not-the-secret' });
    assert.equal(r.status, 401);
    assert.equal(r.json.error_code, 'APIG.0301');
    assert.match(String(r.json.error_msg), /signature/);
    const info = await failure(rig.provider({ credentials: { accessKey: rig.sandbox.huawei.accessKey, secretKey: 'wrong' } }).listKeys());
    assert.equal(info.name, 'APIG.0301');
    assert.equal(info.nextStep, 'check-permissions');
    assert.match(info.action, /HUAWEICLOUD_SDK_AK/);
  });

  test('an unknown access key', async () => {
    const r = await rig.raw('list-keys', {}, { accessKey: 'HWUNKNOWNACCESSKEY00' });
    assert.equal(r.status, 401);
    assert.match(String(r.json.error_msg), /access key/);
  });

  test('a stale X-Sdk-Date (20 minutes old) and one from the future', async () => {
    for (const skew of [-20, 20]) {
      const r = await rig.raw('list-keys', {}, { date: new Date(Date.now() + skew * 60_000) });
      assert.equal(r.status, 401);
      assert.match(String(r.json.error_msg), /15 minutes/);
    }
    const ok = await rig.raw('list-keys', {}, { date: new Date(Date.now() - 5 * 60_000) });
    assert.equal(ok.status, 200);
  });

  test('a wrong project id (path), and an X-Project-Id that differs from the path', async () => {
    const r = await rig.raw('list-keys', {}, { project: '0'.repeat(32) });
    assert.equal(r.status, 401);
    assert.match(String(r.json.error_msg), /project id/);
    const info = await failure(rig.provider({ projectId: 'f'.repeat(32) }).listKeys());
    assert.equal(info.name, 'APIG.0301');
    const x = await rig.raw('list-keys', {}, { headers: { 'X-Project-Id': 'e'.repeat(32) } });
    assert.equal(x.status, 401);
    assert.match(String(x.json.error_msg), /X-Project-Id/);
  });

  test("a request signed by the official SDK core's AKSKSigner is accepted (the sandbox verifies Huawei's own signatures)", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner') as { AKSKSigner: { sign(req: object, cred: object): Record<string, string> } };
    const h = rig.sandbox.huawei;
    const url = `${h.endpoint}/v1.0/${h.projectId}/kms/list-keys`;
    const data = { limit: '5', key_spec: 'ALL' };
    const headers = AKSKSigner.sign({ endpoint: url, method: 'POST', headers: { 'Content-Type': 'application/json;charset=UTF-8', 'X-Project-Id': h.projectId }, data }, { getAk: () => h.accessKey, getSk: () => h.secretKey });
    delete headers.host;
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(data) });
    assert.equal(res.status, 200, await res.clone().text());
    const j = (await res.json()) as { keys?: unknown; truncated?: string };
    assert.ok(Array.isArray(j.keys));
    assert.match(String(j.truncated), /^(true|false)$/);
  });

  test('temporary credentials: HUAWEICLOUD_SDK_SECURITY_TOKEN is sent signed; an unsigned X-Security-Token is refused', async () => {
    const { huaweiOptionsFromEnv, HuaweiKmsProvider } = await import('../../src/providers/huawei/huaweiProvider');
    const h = rig.sandbox.huawei;
    const o = huaweiOptionsFromEnv({ HUAWEICLOUD_SDK_AK: h.accessKey, HUAWEICLOUD_SDK_SK: h.secretKey, HUAWEICLOUD_SDK_PROJECT_ID: h.projectId, HUAWEICLOUD_SDK_SECURITY_TOKEN: 'temporary-token', HUAWEICLOUD_KMS_ENDPOINT: h.endpoint }, h.region);
    assert.equal(o?.credentials.securityToken, 'temporary-token');
    assert.equal(huaweiOptionsFromEnv({ HUAWEICLOUD_SDK_AK: h.accessKey }, h.region), undefined);
    const p = new HuaweiKmsProvider(o!);
    try {
      assert.ok(Array.isArray((await p.listKeys()).items));
    } finally {
      p.dispose();
    }
    const { signHuaweiRequest } = await import('../../src/core/huaweiSigner');
    const url = `${h.endpoint}/v1.0/${h.projectId}/kms/list-keys`;
    const headers = signHuaweiRequest({ method: 'POST', url, headers: { 'Content-Type': 'application/json' }, body: '{}' }, { accessKey: h.accessKey, secretKey: h.secretKey });
    delete headers.host;
    const res = await fetch(url, { method: 'POST', headers: { ...headers, 'X-Security-Token': 'unsigned' }, body: '{}' });
    assert.equal(res.status, 401);
    assert.match(await res.text(), /X-Security-Token is sent but not signed/);
  });

  test('a body changed after signing', async () => {
    const hwInfo = rig.sandbox.huawei;
    const url = `${hwInfo.endpoint}/v1.0/${hwInfo.projectId}/kms/list-keys`;
    const { signHuaweiRequest } = await import('../../src/core/huaweiSigner');
    const headers = signHuaweiRequest({ method: 'POST', url, headers: { 'Content-Type': 'application/json' }, body: '{"limit":"1"}' }, { accessKey: hwInfo.accessKey, secretKey: hwInfo.secretKey });
    delete headers.host;
    const res = await fetch(url, { method: 'POST', headers, body: '{"limit":"2"}' });
    assert.equal(res.status, 401);
    assert.match(await res.text(), /does not match/);
  });
});

describe('retries', () => {
  test('throttling (429 APIG.0308) is retried until it gets through', async () => {
    const { k } = await pendingKey();
    const before = rig.sandbox.admin.requestCount('describe-key');
    rig.sandbox.admin.injectFault({ operation: 'describe-key', rate: 1, kind: 'throttling', count: 2 });
    assert.equal((await hw.describeKey(k.keyId)).keyState, 'PendingImport');
    assert.equal(rig.sandbox.admin.requestCount('describe-key') - before, 3);
  });

  test('throttling that never ends: mapped as retryable, after the configured attempts', async () => {
    const { k } = await pendingKey();
    const before = rig.sandbox.admin.requestCount('describe-key');
    rig.sandbox.admin.injectFault({ operation: 'describe-key', rate: 1, kind: 'throttling' });
    const info = await failure(hw.describeKey(k.keyId));
    assert.equal(info.name, 'APIG.0308');
    assert.equal(info.nextStep, 'retry');
    assert.equal(info.retryable, true);
    assert.equal(rig.sandbox.admin.requestCount('describe-key') - before, 4);
  });

  test('an internal error on describe-key is retried; on import-key-material it is not replayed and is ambiguous', async () => {
    const { k, p } = await pendingKey();
    const d0 = rig.sandbox.admin.requestCount('describe-key');
    rig.sandbox.admin.injectFault({ operation: 'describe-key', rate: 1, kind: 'internal', count: 1 });
    await hw.describeKey(k.keyId);
    assert.equal(rig.sandbox.admin.requestCount('describe-key') - d0, 2);
    const m = material('SYMMETRIC_DEFAULT');
    const i0 = rig.sandbox.admin.requestCount('import-key-material');
    rig.sandbox.admin.injectFault({ operation: 'import-key-material', rate: 1, kind: 'internal', count: 1 });
    const info = await failure(hw.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapFor(p, m.bytes), importToken: p.importToken, expirationModel: NEVER }));
    assert.equal(rig.sandbox.admin.requestCount('import-key-material') - i0, 1, 'never replayed');
    assert.equal(info.ambiguous, true);
    assert.equal(info.nextStep, 'describe-key');
    // Settle it as the flow does: describe the key (here: the import did not land), then import once more.
    assert.equal((await hw.describeKey(k.keyId)).keyState, 'PendingImport');
    await hw.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapFor(p, m.bytes), importToken: p.importToken, expirationModel: NEVER });
    assert.equal((await hw.describeKey(k.keyId)).keyState, 'Enabled');
    m.dispose();
  });

  test('an import whose answer is lost after it landed: not replayed; describe-key then shows it landed', async () => {
    const { k, p } = await pendingKey();
    const m = material('SYMMETRIC_DEFAULT');
    const i0 = rig.sandbox.admin.requestCount('import-key-material');
    rig.sandbox.admin.setLatency(400);
    try {
      const impatient = rig.provider({ requestTimeoutMs: 150 });
      const info = await failure(impatient.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapFor(p, m.bytes), importToken: p.importToken, expirationModel: NEVER }));
      assert.equal(info.ambiguous, true);
      assert.equal(info.nextStep, 'describe-key');
      // The describe-key sent now is answered after the import was applied (same latency, later start).
      assert.equal((await hw.describeKey(k.keyId)).keyState, 'Enabled');
    } finally {
      rig.sandbox.admin.setLatency(0);
    }
    assert.equal(rig.sandbox.admin.requestCount('import-key-material') - i0, 1, 'sent once');
    m.dispose();
  });

  test('a connection reset during import-key-material: not replayed, ambiguous', async () => {
    const { k, p } = await pendingKey();
    const m = material('SYMMETRIC_DEFAULT');
    const i0 = rig.sandbox.admin.requestCount('import-key-material');
    rig.sandbox.admin.injectFault({ operation: 'import-key-material', rate: 1, kind: 'reset', count: 1 });
    const info = await failure(hw.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapFor(p, m.bytes), importToken: p.importToken, expirationModel: NEVER }));
    assert.equal(rig.sandbox.admin.requestCount('import-key-material') - i0, 1);
    assert.equal(info.ambiguous, true);
    assert.equal(info.retryable, true);
    m.dispose();
  });

  test('an endpoint that refuses connections: retried (nothing was sent), then "could not be reached", not ambiguous even for an import', async () => {
    const net = await import('node:net');
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as import('node:net').AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const p = rig.provider({ endpoint: `http://127.0.0.1:${port}` });
    const info = await failure(p.importKeyMaterial({ keyId: crypto.randomUUID(), encryptedKeyMaterial: crypto.randomBytes(256), importToken: crypto.randomBytes(300), expirationModel: NEVER }));
    assert.match(info.cause, /could not be reached \(ECONNREFUSED\)/);
    assert.equal(info.ambiguous, false);
    assert.equal(info.retryable, true);
  });

  test('no answer: the request time limit ends the call; cancellation ends it too', async () => {
    const { k } = await pendingKey();
    rig.sandbox.admin.injectFault({ operation: 'describe-key', rate: 1, kind: 'hang' });
    const slow = rig.provider({ requestTimeoutMs: 200, retry: { maxAttempts: 1 } });
    const info = await failure(slow.describeKey(k.keyId));
    assert.match(info.cause, /no answer in time/);
    const ac = new AbortController();
    const pending = failure(hw.describeKey(k.keyId, { signal: ac.signal }));
    ac.abort();
    const c = await pending;
    assert.match(c.cause, /cancelled/);
  });
});
