// Test-control and request inputs that are not what they must be are refused before anything changes:
// a clock offset that is not a number, a negative seed count, a fault without a kind, a bearer secret
// without "Bearer ", and an ImportKeyMaterial ValidTo beyond any date (ValidationException, not a 500).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateKeyCommand, DescribeKeyCommand, ImportKeyMaterialCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { startTestSandbox, type TestSandbox } from '../support/sandbox';
import { createExternalKey, getParams, materialFor, rejection, wrap } from '../support/sandboxImport';
import { signRequest } from '../../src/sandbox/sigv4';

let t: TestSandbox;
before(async () => {
  t = await startTestSandbox({ adminRoute: true });
});
after(async () => {
  await t.close();
});

async function admin(body: unknown, auth = `Bearer ${t.sandbox.credentials.secretAccessKey}`) {
  const r = await fetch(`${t.sandbox.endpoint}/__sandbox/admin`, { method: 'POST', headers: { authorization: auth }, body: JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as { __type?: string; message?: string; keyIds?: string[]; count?: number } };
}
const keyCount = async () => (await t.kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys!.length;

describe('test controls refuse bad inputs (HTTP and in-process)', () => {
  test('setClockOffset with "abc" → 400 naming ms; the clock still works (CreationDate is a date)', async () => {
    for (const ms of ['abc', null, '5', 1e300, Number.MAX_VALUE]) {
      const r = await admin({ action: 'setClockOffset', ms });
      assert.equal(r.status, 400, String(ms));
      assert.equal(r.json.__type, 'ValidationException');
      assert.match(String(r.json.message), /^setClockOffset: ms must be (a number|between)/);
    }
    assert.throws(() => t.sandbox.admin.setClockOffset(Number.NaN), /setClockOffset: ms must be a number/);
    const md = (await t.kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    assert.ok(md.CreationDate instanceof Date && Math.abs(md.CreationDate.getTime() - Date.now()) < 60_000, String(md.CreationDate));
    assert.equal((await admin({ action: 'setClockOffset', ms: 0 })).status, 200);
    assert.equal((await admin({ action: 'setLatency', ms: 'slow' })).status, 400);
    assert.equal((await admin({ action: 'setLatency', ms: -1 })).status, 400);
  });

  test('seedKeys with n -5, 0, 2.5, "3" or bad options → 400; nothing seeded', async () => {
    const before = await keyCount();
    for (const [body, msg] of [
      [{ action: 'seedKeys', n: -5 }, /n must be a whole number from 1 to 10000 \(got -5\)/],
      [{ action: 'seedKeys', n: 0 }, /n must be/],
      [{ action: 'seedKeys', n: 2.5 }, /n must be/],
      [{ action: 'seedKeys', n: '3' }, /n must be/],
      [{ action: 'seedKeys', n: 1, options: { state: 'Gone' } }, /state must be one of Enabled, PendingImport, Disabled/],
      [{ action: 'seedKeys', n: 1, options: { keySpec: 'ML_DSA_44' } }, /keySpec must be one of/],
      [{ action: 'seedKeys', n: 1, options: { keySpec: 'HMAC_256', keyUsage: 'SIGN_VERIFY' } }, /keyUsage must be one of GENERATE_VERIFY_MAC/],
      [{ action: 'seedKeys', n: 1, options: { origin: 'EXTERNAL', validToDays: 'soon' } }, /validToDays must be a number/],
      [{ action: 'seedKeys', n: 1, options: { colour: 'red' } }, /unknown option 'colour'/],
      [{ action: 'seedKeys', n: 1, options: [] }, /options must be an object/],
    ] as const) {
      const r = await admin(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.json.__type, 'ValidationException');
      assert.match(String(r.json.message), msg);
    }
    await assert.rejects(t.sandbox.admin.seedKeys(-5, {}), /n must be a whole number/);
    assert.equal(await keyCount(), before);
  });

  test('injectFault with no kind, an unknown kind, a bad rate, operation or count → 400; no fault stored', async () => {
    for (const [fault, msg] of [
      [{ rate: 1 }, /kind must be one of throttling, internal, dependency-timeout, reset, hang \(got undefined\)/],
      [{ rate: 1, kind: 'explode' }, /kind must be one of/],
      [{ kind: 'internal' }, /rate must be between 0 and 1/],
      [{ kind: 'internal', rate: '1' }, /rate must be between 0 and 1/],
      [{ kind: 'internal', rate: 1, operation: 'ListKey' }, /operation must be the name of an operation/],
      [{ kind: 'internal', rate: 1, count: -1 }, /count must be a whole number of at least 1/],
      [undefined, /fault must be an object/],
    ] as const) {
      const r = await admin({ action: 'injectFault', fault });
      assert.equal(r.status, 400, JSON.stringify(fault));
      assert.match(String(r.json.message), msg);
    }
    assert.throws(() => t.sandbox.admin.injectFault({ rate: 1 } as never), /kind must be one of/);
    const c = t.clientFor(t.sandbox.region, { maxAttempts: 1 });
    assert.ok((await c.send(new ListKeysCommand({}))).Keys);
  });

  test('the secret without "Bearer " (or with another scheme) → 403', async () => {
    const s = t.sandbox.credentials.secretAccessKey;
    for (const auth of [s, `Basic ${s}`, `Bearer  ${s}`, `Bearer ${s} x`, `bearer${s}`]) {
      const r = await admin({ action: 'requestCount' }, auth);
      assert.equal(r.status, 403, auth.replace(s, '<secret>'));
      assert.equal(r.json.__type, 'AccessDeniedException');
    }
    assert.equal((await admin({ action: 'requestCount' })).status, 200);
  });

  test('a body that is JSON but not an object → 400, not a 500', async () => {
    for (const body of ['null', '[]', '7']) {
      const r = await fetch(`${t.sandbox.endpoint}/__sandbox/admin`, { method: 'POST', headers: { authorization: `Bearer ${t.sandbox.credentials.secretAccessKey}` }, body });
      assert.equal(r.status, 400, body);
      assert.equal(((await r.json()) as { __type: string }).__type, 'SerializationException');
    }
  });
});

describe('ImportKeyMaterial ValidTo beyond any date', () => {
  test('ValidTo 1e300 → ValidationException naming validTo (was a 500 KMSInternalException)', async () => {
    const keyId = await createExternalKey(t.kms, 'SYMMETRIC_DEFAULT');
    const p = await getParams(t.kms, keyId);
    const wrapped = wrap(materialFor('SYMMETRIC_DEFAULT'), p.publicKey, 'RSAES_OAEP_SHA_256');
    const host = new URL(t.sandbox.endpoint).host;
    for (const validTo of [1e300, -1e300, '1e300']) {
      const body = Buffer.from(JSON.stringify({ KeyId: keyId, ImportToken: p.token.toString('base64'), EncryptedKeyMaterial: wrapped.toString('base64'), ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: validTo }));
      const { host: _h, ...headers } = signRequest(t.sandbox.credentials, t.sandbox.region, host, { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ImportKeyMaterial' }, body);
      const r = await fetch(t.sandbox.endpoint + '/', { method: 'POST', headers, body });
      const json = (await r.json()) as { __type: string; message: string };
      assert.equal(r.status, 400, String(validTo));
      assert.equal(json.__type, 'ValidationException');
      assert.match(json.message, /at 'validTo' failed to satisfy constraint: Member must be a timestamp between/);
    }
    const sdk = await rejection(t.kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.token, EncryptedKeyMaterial: wrapped, ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: new Date(8.64e15) })));
    assert.equal(sdk.name, 'ValidationException');
    assert.equal((await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'PendingImport');
  });
});
