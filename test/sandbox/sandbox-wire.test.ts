// The wire protocol, authentication, validation, pagination and key management of the sandbox, with the
// real @aws-sdk/client-kms and with raw signed HTTP where the bytes on the wire matter.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GenerateMacCommand,
  GetPublicKeyCommand,
  ImportKeyMaterialCommand,
  KMSClient,
  ListAliasesCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateKeyDescriptionCommand,
  VerifyCommand,
  paginateListAliases,
  paginateListKeys,
  paginateListResourceTags,
  ListKeysCommand,
} from '@aws-sdk/client-kms';
import { startTestSandbox, type TestSandbox } from '../support/sandbox';
import { rejection } from '../support/sandboxImport';
import { signRequest } from '../../src/sandbox/sigv4';

let t: TestSandbox;
before(async () => {
  t = await startTestSandbox();
});
after(async () => {
  await t.close();
});

async function raw(op: string, body: unknown, o: { secret?: string; accessKeyId?: string; sign?: boolean; region?: string } = {}) {
  const data = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const host = new URL(t.sandbox.endpoint).host;
  const base = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `TrentService.${op}` };
  const headers =
    o.sign === false
      ? base
      : signRequest({ accessKeyId: o.accessKeyId ?? t.sandbox.credentials.accessKeyId, secretAccessKey: o.secret ?? t.sandbox.credentials.secretAccessKey }, o.region ?? t.sandbox.region, host, base, data);
  const { host: _h, ...send } = headers as Record<string, string>;
  const res = await fetch(t.sandbox.endpoint + '/', { method: 'POST', headers: send, body: data });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

describe('security: loopback only, random port by default, SigV4 with the sandbox credentials', () => {
  test('listens on 127.0.0.1 on a random port', async () => {
    const other = await startTestSandbox();
    try {
      for (const e of [t.sandbox.endpoint, other.sandbox.endpoint]) assert.match(e, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(t.sandbox.endpoint, other.sandbox.endpoint);
      assert.notEqual(other.sandbox.credentials.accessKeyId, t.sandbox.credentials.accessKeyId);
    } finally {
      await other.close();
    }
  });
});

describe('authentication: only SigV4 with the sandbox credentials', () => {
  test('no Authorization header → MissingAuthenticationTokenException', async () => {
    const r = await raw('ListKeys', {}, { sign: false });
    assert.equal(r.status, 400);
    assert.equal(r.json.__type, 'MissingAuthenticationTokenException');
    assert.match(String(r.json.message), /credentials it printed/);
  });
  test('unknown access key → UnrecognizedClientException', async () => {
    const r = await raw('ListKeys', {}, { accessKeyId: 'AKIAEXAMPLEEXAMPLE00' });
    assert.equal(r.json.__type, 'UnrecognizedClientException');
    assert.match(String(r.json.message), /does not know the access key 'AKIAEXAMPLEEXAMPLE00'/);
  });
  test('wrong secret → InvalidSignatureException that says so clearly (also through the SDK)', async () => {
    const r = await raw('ListKeys', {}, { secret: 'not-the-secret' });
    assert.equal(r.status, 400);
    assert.equal(r.json.__type, 'InvalidSignatureException');
    assert.match(String(r.json.message), /signature we calculated does not match/);
    assert.match(String(r.json.message), /secret access key is wrong/);
    const bad = new KMSClient({ endpoint: t.sandbox.endpoint, region: t.sandbox.region, credentials: { accessKeyId: t.sandbox.credentials.accessKeyId, secretAccessKey: 'wrong' }, maxAttempts: 1 });
    try {
      const e = await rejection(bad.send(new ListKeysCommand({})));
      assert.equal(e.name, 'InvalidSignatureException');
    } finally {
      bad.destroy();
    }
  });
  test('a body altered after signing → InvalidSignatureException', async () => {
    const host = new URL(t.sandbox.endpoint).host;
    const base = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' };
    const { host: _h, ...headers } = signRequest(t.sandbox.credentials, t.sandbox.region, host, base, Buffer.from('{}'));
    const res = await fetch(t.sandbox.endpoint + '/', { method: 'POST', headers, body: '{"Limit":1}' });
    assert.equal(((await res.json()) as { __type: string }).__type, 'InvalidSignatureException');
  });
  test('a signature scoped to another partition → InvalidSignatureException', async () => {
    const r = await raw('ListKeys', {}, { region: 'cn-north-1' });
    assert.equal(r.json.__type, 'InvalidSignatureException');
    assert.match(String(r.json.message), /valid region, not 'cn-north-1'/);
  });
});

describe('wire format (awsJson1_1)', () => {
  test('success: JSON body, epoch-second timestamps, x-amzn-requestid', async () => {
    const r = await raw('CreateKey', { Description: 'wire' });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/x-amz-json-1.1');
    assert.match(r.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/);
    const md = r.json.KeyMetadata as Record<string, unknown>;
    assert.equal(typeof md.CreationDate, 'number');
    assert.ok(Math.abs((md.CreationDate as number) * 1000 - Date.now()) < 60e3);
    assert.equal(md.KeyState, 'Enabled');
    assert.equal(md.Description, 'wire');
  });
  test('errors: {"__type","message"} with the modeled status', async () => {
    const nf = await raw('DescribeKey', { KeyId: crypto.randomUUID() });
    assert.equal(nf.status, 404);
    assert.deepEqual(Object.keys(nf.json).sort(), ['__type', 'message']);
    assert.equal(nf.json.__type, 'NotFoundException');
    assert.match(String(nf.json.message), /^Key 'arn:aws:kms:us-east-1:111122223333:key\/.*' does not exist$/);
    const unknown = await raw('GenerateRandom', {});
    assert.equal(unknown.json.__type, 'UnknownOperationException');
    const notJson = await raw('ListKeys', '{"Limit":');
    assert.equal(notJson.json.__type, 'SerializationException');
    const wrongType = await raw('ListKeys', { Limit: 'ten' });
    assert.equal(wrongType.json.__type, 'SerializationException');
    const badB64 = await raw('Encrypt', { KeyId: 'alias/x', Plaintext: 'not base64!' });
    assert.equal(badB64.json.__type, 'SerializationException');
  });
  test('validation: required members, lengths, enums and patterns → ValidationException in AWS style (the SDK validates nothing)', async () => {
    const e = await rejection(t.kms.send(new ImportKeyMaterialCommand({ KeyId: '', ImportToken: Buffer.from('abc'), ExpirationModel: 'BOGUS' as never, EncryptedKeyMaterial: undefined as never })));
    assert.equal(e.name, 'ValidationException');
    assert.equal(e.$metadata!.httpStatusCode, 400);
    assert.match(e.message, /^3 validation errors detected: /);
    assert.match(e.message, /Value null at 'encryptedKeyMaterial' failed to satisfy constraint: Member must not be null/);
    assert.match(e.message, /Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1/);
    assert.match(e.message, /Value 'BOGUS' at 'expirationModel' failed to satisfy constraint: Member must satisfy enum value set: \[KEY_MATERIAL_EXPIRES, KEY_MATERIAL_DOES_NOT_EXPIRE\]/);
    const p = await rejection(t.kms.send(new CreateAliasCommand({ AliasName: 'alias/has space', TargetKeyId: 'x' })));
    assert.match(p.message, /^1 validation error detected: Value 'alias\/has space' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: \^\[a-zA-Z0-9:\/_-\]\+\$/);
    const l = await rejection(t.kms.send(new ListKeysCommand({ Limit: 0 })));
    assert.match(l.message, /Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1/);
    const id = await rejection(t.kms.send(new ImportKeyMaterialCommand({ KeyId: crypto.randomUUID(), ImportToken: Buffer.from('a'), EncryptedKeyMaterial: Buffer.from('b'), KeyMaterialId: 'ABC' })));
    assert.match(id.message, /at 'keyMaterialId' failed to satisfy constraint: Member must have length greater than or equal to 64/);
    const tag = await rejection(t.kms.send(new CreateKeyCommand({ Tags: [{ TagKey: '', TagValue: 'v' }] })));
    assert.match(tag.message, /at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length greater than or equal to 1/);
  });
});

describe('CreateKey rules', () => {
  test('KeyUsage per key spec, defaults, MultiRegion ids, deprecated CustomerMasterKeySpec', async () => {
    const sym = (await t.kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    assert.equal(sym.KeySpec, 'SYMMETRIC_DEFAULT');
    assert.equal(sym.KeyUsage, 'ENCRYPT_DECRYPT');
    assert.deepEqual(sym.EncryptionAlgorithms, ['SYMMETRIC_DEFAULT']);
    assert.match(sym.CurrentKeyMaterialId!, /^[0-9a-f]{64}$/);
    assert.equal(sym.ExpirationModel, undefined);
    const e1 = await rejection(t.kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256' })));
    assert.equal(e1.name, 'ValidationException');
    assert.match(e1.message, /You must specify a KeyUsage value/);
    const e2 = await rejection(t.kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'GENERATE_VERIFY_MAC' })));
    assert.match(e2.message, /KeyUsage GENERATE_VERIFY_MAC is not compatible with KeySpec RSA_2048/);
    const e3 = await rejection(t.kms.send(new CreateKeyCommand({ KeySpec: 'ECC_SECG_P256K1', KeyUsage: 'KEY_AGREEMENT' })));
    assert.equal(e3.name, 'ValidationException');
    const e4 = await rejection(t.kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', CustomerMasterKeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' })));
    assert.match(e4.message, /cannot specify KeySpec and CustomerMasterKeySpec/);
    const mrk = (await t.kms.send(new CreateKeyCommand({ MultiRegion: true, Origin: 'EXTERNAL' }))).KeyMetadata!;
    assert.match(mrk.KeyId!, /^mrk-[0-9a-f]{32}$/);
    assert.equal(mrk.MultiRegionConfiguration!.MultiRegionKeyType, 'PRIMARY');
    const legacy = (await t.kms.send(new CreateKeyCommand({ CustomerMasterKeySpec: 'HMAC_512', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata!;
    assert.deepEqual(legacy.MacAlgorithms, ['HMAC_SHA_512']);
    const pol = await rejection(t.kms.send(new CreateKeyCommand({ Policy: 'not json' })));
    assert.equal(pol.name, 'MalformedPolicyDocumentException');
  });

  test('AWS_KMS keys get generated material: RSA sign/verify and OAEP encrypt, HMAC, DryRun', async () => {
    const rsa = (await t.kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' }))).KeyMetadata!;
    const pub = await t.kms.send(new GetPublicKeyCommand({ KeyId: rsa.KeyId }));
    assert.deepEqual(pub.EncryptionAlgorithms, ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']);
    const local = crypto.publicEncrypt({ key: crypto.createPublicKey({ key: Buffer.from(pub.PublicKey!), format: 'der', type: 'spki' }), oaepHash: 'sha256' }, Buffer.from('secret'));
    const dec = await t.kms.send(new DecryptCommand({ KeyId: rsa.KeyId, CiphertextBlob: local, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }));
    assert.equal(Buffer.from(dec.Plaintext!).toString(), 'secret');
    const e1 = await rejection(t.kms.send(new EncryptCommand({ KeyId: rsa.KeyId, Plaintext: Buffer.from('x') })));
    assert.equal(e1.name, 'InvalidKeyUsageException');
    const ec = (await t.kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!;
    const s = await t.kms.send(new SignCommand({ KeyId: ec.KeyId, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256' }));
    assert.equal((await t.kms.send(new VerifyCommand({ KeyId: ec.KeyId, Message: Buffer.from('m'), Signature: s.Signature, SigningAlgorithm: 'ECDSA_SHA_256' }))).SignatureValid, true);
    const e2 = await rejection(t.kms.send(new SignCommand({ KeyId: ec.KeyId, Message: Buffer.from('m'), SigningAlgorithm: 'RSASSA_PSS_SHA_256' })));
    assert.equal(e2.name, 'InvalidKeyUsageException');
    const e3 = await rejection(t.kms.send(new SignCommand({ KeyId: ec.KeyId, Message: Buffer.from('short'), MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' })));
    assert.equal(e3.name, 'ValidationException');
    const dry = await rejection(t.kms.send(new SignCommand({ KeyId: ec.KeyId, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256', DryRun: true })));
    assert.equal(dry.name, 'DryRunOperationException');
    assert.equal(dry.$metadata!.httpStatusCode, 412);
    const hm = (await t.kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_224', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata!;
    assert.equal((await t.kms.send(new GenerateMacCommand({ KeyId: hm.KeyId, MacAlgorithm: 'HMAC_SHA_224', Message: Buffer.from('m') }))).Mac!.length, 28);
    const e4 = await rejection(t.kms.send(new GetPublicKeyCommand({ KeyId: hm.KeyId })));
    assert.equal(e4.name, 'UnsupportedOperationException');
    const symA = (await t.kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const symB = (await t.kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const blob = (await t.kms.send(new EncryptCommand({ KeyId: symA.KeyId, Plaintext: Buffer.from('for A') }))).CiphertextBlob!;
    const wrongKey = await rejection(t.kms.send(new DecryptCommand({ KeyId: symB.KeyId, CiphertextBlob: blob })));
    assert.equal(wrongKey.name, 'IncorrectKeyException');
    assert.equal(Buffer.from((await t.kms.send(new DecryptCommand({ KeyId: symA.Arn, CiphertextBlob: blob }))).Plaintext!).toString(), 'for A');
    const garbage = await rejection(t.kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from('not a ciphertext blob at all, not at all') })));
    assert.equal(garbage.name, 'InvalidCiphertextException');
    const tooBig = await rejection(t.kms.send(new EncryptCommand({ KeyId: rsa.KeyId, Plaintext: Buffer.alloc(300), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })));
    assert.equal(tooBig.name, 'ValidationException');
    assert.match(tooBig.message, /at most 190 bytes/);
  });
});

describe('key management', () => {
  test('aliases: create, resolve by name and ARN, duplicates, reserved names, delete', async () => {
    const k = (await t.kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const name = `alias/wire-${crypto.randomBytes(4).toString('hex')}`;
    await t.kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: k.Arn }));
    assert.equal((await t.kms.send(new DescribeKeyCommand({ KeyId: name }))).KeyMetadata!.KeyId, k.KeyId);
    const aliasArn = `arn:aws:kms:us-east-1:111122223333:${name}`;
    assert.equal((await t.kms.send(new DescribeKeyCommand({ KeyId: aliasArn }))).KeyMetadata!.KeyId, k.KeyId);
    const enc = await t.kms.send(new EncryptCommand({ KeyId: name, Plaintext: Buffer.from('via alias') }));
    assert.equal(enc.KeyId, k.Arn);
    const dup = await rejection(t.kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: k.KeyId })));
    assert.equal(dup.name, 'AlreadyExistsException');
    assert.equal(dup.$metadata!.httpStatusCode, 409);
    assert.equal((await rejection(t.kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/mine', TargetKeyId: k.KeyId })))).name, 'InvalidAliasNameException');
    assert.equal((await rejection(t.kms.send(new CreateAliasCommand({ AliasName: 'noprefix', TargetKeyId: k.KeyId })))).name, 'ValidationException');
    const listed = await t.kms.send(new ListAliasesCommand({ KeyId: k.KeyId }));
    assert.deepEqual(listed.Aliases!.map((a) => [a.AliasName, a.AliasArn, a.TargetKeyId]), [[name, aliasArn, k.KeyId]]);
    assert.ok(listed.Aliases![0].CreationDate instanceof Date);
    await t.kms.send(new DeleteAliasCommand({ AliasName: name }));
    const gone = await rejection(t.kms.send(new DescribeKeyCommand({ KeyId: name })));
    assert.equal(gone.name, 'NotFoundException');
    assert.match(gone.message, /is not found/);
    assert.equal((await rejection(t.kms.send(new DeleteAliasCommand({ AliasName: name })))).name, 'NotFoundException');
    assert.equal((await rejection(t.kms.send(new DescribeKeyCommand({ KeyId: 'arn:aws:kms:bogus' })))).name, 'InvalidArnException');
  });

  test('tags and descriptions', async () => {
    const k = (await t.kms.send(new CreateKeyCommand({ Tags: [{ TagKey: 'team', TagValue: 'a' }] }))).KeyMetadata!;
    await t.kms.send(new TagResourceCommand({ KeyId: k.KeyId, Tags: [{ TagKey: 'team', TagValue: 'b' }, { TagKey: 'env', TagValue: '' }] }));
    assert.deepEqual((await t.kms.send(new ListResourceTagsCommand({ KeyId: k.KeyId }))).Tags, [{ TagKey: 'team', TagValue: 'b' }, { TagKey: 'env', TagValue: '' }]);
    await t.kms.send(new UntagResourceCommand({ KeyId: k.KeyId, TagKeys: ['team'] }));
    assert.deepEqual((await t.kms.send(new ListResourceTagsCommand({ KeyId: k.KeyId }))).Tags, [{ TagKey: 'env', TagValue: '' }]);
    assert.equal((await rejection(t.kms.send(new TagResourceCommand({ KeyId: k.KeyId, Tags: [{ TagKey: 'aws:x', TagValue: 'y' }] })))).name, 'TagException');
    await t.kms.send(new UpdateKeyDescriptionCommand({ KeyId: k.KeyId, Description: 'new words' }));
    assert.equal((await t.kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!.Description, 'new words');
  });

  test('enable, disable, schedule and cancel deletion; deletion completes after the window', async () => {
    const k = (await t.kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await t.kms.send(new DisableKeyCommand({ KeyId: k.KeyId }));
    assert.equal((await rejection(t.kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('x') })))).name, 'DisabledException');
    await t.kms.send(new EnableKeyCommand({ KeyId: k.KeyId }));
    assert.equal((await rejection(t.kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 6 })))).name, 'ValidationException');
    const s = await t.kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
    assert.equal(s.KeyState, 'PendingDeletion');
    assert.equal(s.KeyId, k.Arn);
    assert.ok(Math.abs(s.DeletionDate!.getTime() - (Date.now() + 7 * 86400e3)) < 60e3);
    const md = (await t.kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!;
    assert.equal(md.KeyState, 'PendingDeletion');
    assert.deepEqual(md.DeletionDate, s.DeletionDate);
    assert.equal((await rejection(t.kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId })))).name, 'KMSInvalidStateException');
    await t.kms.send(new CancelKeyDeletionCommand({ KeyId: k.KeyId }));
    assert.equal((await t.kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!.KeyState, 'Disabled');
    await t.kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
    t.sandbox.admin.setClockOffset(7 * 86400e3 + 1000);
    try {
      assert.equal((await rejection(t.kms.send(new DescribeKeyCommand({ KeyId: k.KeyId })))).name, 'NotFoundException');
    } finally {
      t.sandbox.admin.setClockOffset(0);
    }
  });
});

describe('pagination exactly as the SDK paginators expect', () => {
  test('ListKeys: Limit/Marker/NextMarker, Truncated, no NextMarker on the last page', async () => {
    const own = await startTestSandbox();
    try {
      const ids = await own.sandbox.admin.seedKeys(25, { state: 'Enabled' });
      const pages = [];
      for await (const page of paginateListKeys({ client: own.kms, pageSize: 10 }, {})) pages.push(page);
      assert.deepEqual(pages.map((p) => p.Keys!.length), [10, 10, 5]);
      assert.deepEqual(pages.map((p) => p.Truncated), [true, true, false]);
      assert.equal(pages[2].NextMarker, undefined);
      assert.deepEqual(pages.flatMap((p) => p.Keys!.map((k) => k.KeyId)), ids);
      const all = await own.kms.send(new ListKeysCommand({}));
      assert.equal(all.Keys!.length, 25);
      assert.equal(all.NextMarker, undefined);
      assert.equal(all.Truncated, false);
      const bad = await rejection(own.kms.send(new ListKeysCommand({ Marker: 'garbage' })));
      assert.equal(bad.name, 'InvalidMarkerException');
      assert.equal(own.sandbox.admin.requestCount('ListKeys'), 5);
    } finally {
      await own.close();
    }
  });
  test('ListAliases and ListResourceTags paginators', async () => {
    const k = (await t.kms.send(new CreateKeyCommand({ Tags: Array.from({ length: 7 }, (_, i) => ({ TagKey: `k${i}`, TagValue: `v${i}` })) }))).KeyMetadata!;
    const names = Array.from({ length: 5 }, (_, i) => `alias/page-${k.KeyId!.slice(0, 8)}-${i}`);
    for (const n of names) await t.kms.send(new CreateAliasCommand({ AliasName: n, TargetKeyId: k.KeyId }));
    const got: string[] = [];
    let pages = 0;
    for await (const p of paginateListAliases({ client: t.kms, pageSize: 2 }, { KeyId: k.KeyId })) {
      pages++;
      got.push(...p.Aliases!.map((a) => a.AliasName!));
    }
    assert.deepEqual(got, names);
    assert.equal(pages, 3);
    const tags: string[] = [];
    for await (const p of paginateListResourceTags({ client: t.kms, pageSize: 3 }, { KeyId: k.KeyId })) tags.push(...p.Tags!.map((x) => x.TagKey!));
    assert.deepEqual(tags, ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6']);
  });
});
