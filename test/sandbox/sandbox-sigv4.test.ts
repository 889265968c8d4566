// SigV4 binds the operation and the body: a signature that leaves X-Amz-Target, X-Amz-Date, Content-Type
// or Host unsigned, or that signs UNSIGNED-PAYLOAD, is refused with IncompleteSignatureException naming
// what is missing; the real SDK and the AWS CLI's signing (content-type;host;x-amz-date;x-amz-target with
// the body's SHA-256) still pass.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { CreateKeyCommand, DescribeKeyCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { startTestSandbox, type TestSandbox } from '../support/sandbox';
import { signRequest, signingKey } from '../../src/sandbox/sigv4';

let t: TestSandbox;
before(async () => {
  t = await startTestSandbox({ wrappingKeyPool: 0 });
});
after(async () => {
  await t.close();
});

const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');

/** Signs only `signedNames` (lowercase), with `payloadHash` in the canonical request and as x-amz-content-sha256 if given. */
function signSome(headers: Record<string, string>, body: Buffer, signedNames: string[], payloadHash?: string): Record<string, string> {
  const host = new URL(t.sandbox.endpoint).host;
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const all: Record<string, string> = { ...headers, host, 'x-amz-date': amzDate, ...(payloadHash ? { 'x-amz-content-sha256': payloadHash } : {}) };
  const names = [...signedNames].sort();
  const canonical = ['POST', '/', '', names.map((h) => `${h}:${all[h]}\n`).join(''), names.join(';'), payloadHash ?? sha256(body)].join('\n');
  const scope = `${date}/${t.sandbox.region}/kms/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const sig = crypto.createHmac('sha256', signingKey(t.sandbox.credentials.secretAccessKey, date, t.sandbox.region, 'kms')).update(toSign).digest('hex');
  return { ...all, authorization: `AWS4-HMAC-SHA256 Credential=${t.sandbox.credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${sig}` };
}

async function post(headers: Record<string, string>, body: Buffer) {
  const { host: _h, ...send } = headers;
  const res = await fetch(t.sandbox.endpoint + '/', { method: 'POST', headers: send, body });
  return { status: res.status, json: (await res.json()) as { __type?: string; message?: string; KeyMetadata?: { KeyState: string } } };
}

describe('SigV4 binds the operation, the date, the content type and the body', () => {
  test('a DescribeKey signed over host;x-amz-date, re-sent as ScheduleKeyDeletion → IncompleteSignatureException; the key is untouched', async () => {
    const keyId = (await t.kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const body = Buffer.from(JSON.stringify({ KeyId: keyId }));
    const signed = signSome({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.DescribeKey' }, body, ['host', 'x-amz-date']);
    const replay = await post({ ...signed, 'x-amz-target': 'TrentService.ScheduleKeyDeletion' }, body);
    assert.equal(replay.status, 400);
    assert.equal(replay.json.__type, 'IncompleteSignatureException');
    assert.match(String(replay.json.message), /'X-Amz-Target', 'Content-Type' must be 'SignedHeaders'/);
    assert.equal((await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'Enabled');
  });

  test('each required header left out is named', async () => {
    const body = Buffer.from('{}');
    const base = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' };
    const full = ['content-type', 'host', 'x-amz-date', 'x-amz-target'];
    for (const [left, name] of [['x-amz-target', 'X-Amz-Target'], ['content-type', 'Content-Type'], ['x-amz-date', 'X-Amz-Date'], ['host', 'Host']] as const) {
      const r = await post(signSome(base, body, full.filter((h) => h !== left)), body);
      assert.equal(r.json.__type, 'IncompleteSignatureException', left);
      assert.match(String(r.json.message), new RegExp(`^'${name}' must be a 'SignedHeader'`), left);
    }
    assert.equal((await post(signSome(base, body, full), body)).status, 200);
  });

  test('UNSIGNED-PAYLOAD with a changed body → IncompleteSignatureException, nothing created', async () => {
    const base = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.CreateKey' };
    const names = ['content-type', 'host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-target'];
    const signed = signSome(base, Buffer.from('{}'), names, 'UNSIGNED-PAYLOAD');
    const keys = async () => (await t.kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys!.length;
    const before = await keys();
    const r = await post(signed, Buffer.from(JSON.stringify({ Description: 'swapped after signing' })));
    assert.equal(r.status, 400);
    assert.equal(r.json.__type, 'IncompleteSignatureException');
    assert.match(String(r.json.message), /x-amz-content-sha256 'UNSIGNED-PAYLOAD' is not accepted/);
    assert.equal(await keys(), before);
    const streaming = await post(signSome(base, Buffer.from('{}'), names, 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'), Buffer.from('{}'));
    assert.equal(streaming.json.__type, 'IncompleteSignatureException');
  });

  test('a signed body hash that does not match the body → InvalidSignatureException', async () => {
    const base = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' };
    const signed = signSome(base, Buffer.from('{}'), ['content-type', 'host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-target'], sha256('{}'));
    const r = await post(signed, Buffer.from('{"Limit":1}'));
    assert.equal(r.json.__type, 'InvalidSignatureException');
  });

  test('the SDK (which also signs x-amz-content-sha256) and the AWS CLI style (no such header, body hash in the canonical request) pass', async () => {
    assert.ok((await t.kms.send(new CreateKeyCommand({ Description: 'sdk' }))).KeyMetadata!.KeyId);
    const host = new URL(t.sandbox.endpoint).host;
    const body = Buffer.from('{"Description": "cli"}');
    const cli = signRequest(t.sandbox.credentials, t.sandbox.region, host, { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.CreateKey' }, body);
    assert.match(cli.authorization, /SignedHeaders=content-type;host;x-amz-date;x-amz-target,/);
    const r = await post(cli, body);
    assert.equal(r.status, 200, JSON.stringify(r.json));
  });
});
