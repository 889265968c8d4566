// Operating the sandbox: persistence across restarts (keys, tokens, material, credentials, file modes),
// test controls (fault injection observed by the SDK's retries, latency, HTTP admin route), concurrency.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateAliasCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, GenerateMacCommand, ImportKeyMaterialCommand, ListKeysCommand, KMSClient } from '@aws-sdk/client-kms';
import { startTestSandbox } from '../support/sandbox';
import { startSandbox } from '../../src/sandbox/index';
import { createExternalKey, getParams, importInto, rejection, wrap } from '../support/sandboxImport';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sbx-test-'));

describe('persistence', () => {
  test('a restart keeps keys, aliases, tokens and material; files are 0600 and material is sealed at rest', async () => {
    const dir = tmp();
    try {
      const hmacKey = crypto.randomBytes(32);
      const first = await startTestSandbox({ stateDir: dir });
      const creds = first.sandbox.credentials;
      const macKey = await createExternalKey(first.kms, 'HMAC_256');
      await importInto(first.kms, macKey, hmacKey);
      const mac1 = Buffer.from((await first.kms.send(new GenerateMacCommand({ KeyId: macKey, MacAlgorithm: 'HMAC_SHA_256', Message: Buffer.from('m') }))).Mac!);
      const sym = (await first.kms.send(new CreateKeyCommand({ Description: 'kept' }))).KeyMetadata!.KeyId!;
      await first.kms.send(new CreateAliasCommand({ AliasName: 'alias/kept', TargetKeyId: sym }));
      const blob = (await first.kms.send(new EncryptCommand({ KeyId: 'alias/kept', Plaintext: Buffer.from('survives') }))).CiphertextBlob!;
      const later = await createExternalKey(first.kms, 'SYMMETRIC_DEFAULT');
      const params = await getParams(first.kms, later);
      await first.close();

      for (const f of ['state.json', 'master.key', 'credentials.json']) assert.equal(fs.statSync(path.join(dir, f)).mode & 0o777, 0o600, f);
      const stateText = fs.readFileSync(path.join(dir, 'state.json'), 'utf8');
      for (const enc of ['hex', 'base64'] as const) assert.ok(!stateText.includes(hmacKey.toString(enc)), `material not stored in ${enc}`);
      assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);

      const second = await startTestSandbox({ stateDir: dir });
      try {
        assert.deepEqual(second.sandbox.credentials, creds);
        assert.equal((await second.kms.send(new DescribeKeyCommand({ KeyId: 'alias/kept' }))).KeyMetadata!.Description, 'kept');
        assert.deepEqual(Buffer.from((await second.kms.send(new GenerateMacCommand({ KeyId: macKey, MacAlgorithm: 'HMAC_SHA_256', Message: Buffer.from('m') }))).Mac!), mac1);
        assert.equal(Buffer.from((await second.kms.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext!).toString(), 'survives');
        // The token issued before the restart still imports.
        await second.kms.send(new ImportKeyMaterialCommand({ KeyId: later, ImportToken: params.token, EncryptedKeyMaterial: wrap(crypto.randomBytes(32), params.publicKey, 'RSAES_OAEP_SHA_256'), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
        assert.equal((await second.kms.send(new DescribeKeyCommand({ KeyId: later }))).KeyMetadata!.KeyState, 'Enabled');
        assert.equal((await second.kms.send(new ListKeysCommand({}))).Keys!.length, 3);
      } finally {
        await second.close();
      }

      // Another state directory has other credentials; this one's are unknown there.
      const other = await startTestSandbox({ stateDir: tmp() });
      try {
        assert.notEqual(other.sandbox.credentials.accessKeyId, creds.accessKeyId);
        const c = new KMSClient({ endpoint: other.sandbox.endpoint, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
        assert.equal((await rejection(c.send(new ListKeysCommand({})))).name, 'UnrecognizedClientException');
        c.destroy();
      } finally {
        await other.close();
        fs.rmSync(other.sandbox.stateDir, { recursive: true, force: true });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a corrupt state file → a clear error naming the file and the fix, nothing overwritten', async () => {
    const dir = tmp();
    try {
      fs.writeFileSync(path.join(dir, 'state.json'), '{"version":1,"keys":[');
      await assert.rejects(startSandbox({ stateDir: dir }), (e: Error & { code?: string; fix?: string }) => {
        assert.equal(e.code, 'SANDBOX_STATE_CORRUPT');
        assert.match(e.message, /state\.json is corrupt/);
        assert.match(e.fix ?? '', /another --state directory/);
        return true;
      });
      assert.equal(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'), '{"version":1,"keys":[');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a temporary state directory is removed on close', async () => {
    const t = await startTestSandbox();
    const dir = t.sandbox.stateDir;
    assert.ok(fs.existsSync(path.join(dir, 'state.json')) || fs.existsSync(path.join(dir, 'master.key')));
    await t.close();
    assert.equal(fs.existsSync(dir), false);
  });
});

describe('fault injection, as the SDK sees it', () => {
  test('throttling and 5xx are retried; 4xx is not; a reset connection is retried', async () => {
    const t = await startTestSandbox();
    try {
      const keyId = (await t.kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
      const count = () => t.sandbox.admin.requestCount('DescribeKey');

      t.sandbox.admin.injectFault({ operation: 'DescribeKey', rate: 1, kind: 'throttling', count: 2 });
      let before = count();
      const r1 = await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }));
      assert.equal(r1.$metadata.attempts, 3);
      assert.equal(count() - before, 3);

      for (const kind of ['internal', 'dependency-timeout', 'reset'] as const) {
        t.sandbox.admin.injectFault({ operation: 'DescribeKey', rate: 1, kind, count: 1 });
        before = count();
        const r = await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }));
        assert.equal(r.$metadata.attempts, 2, kind);
        assert.equal(count() - before, 2, kind);
      }

      t.sandbox.admin.injectFault({ operation: 'DescribeKey', rate: 1, kind: 'internal' });
      before = count();
      const e = await rejection(t.kms.send(new DescribeKeyCommand({ KeyId: keyId })));
      assert.equal(e.name, 'KMSInternalException');
      assert.equal(e.$metadata!.httpStatusCode, 500);
      assert.equal(e.$fault, 'server');
      assert.equal(count() - before, 3);
      t.sandbox.admin.clearFaults();

      t.sandbox.admin.injectFault({ operation: 'DescribeKey', rate: 1, kind: 'dependency-timeout', count: 3 });
      const e503 = await rejection(t.kms.send(new DescribeKeyCommand({ KeyId: keyId })));
      assert.equal(e503.name, 'DependencyTimeoutException');
      assert.equal(e503.$metadata!.httpStatusCode, 503);

      before = count();
      const nf = await rejection(t.kms.send(new DescribeKeyCommand({ KeyId: crypto.randomUUID() })));
      assert.equal(nf.name, 'NotFoundException');
      assert.equal(nf.$metadata!.attempts, 1);
      assert.equal(count() - before, 1);

      // Faults are per operation: others are untouched; rate 0 never fires.
      t.sandbox.admin.injectFault({ operation: 'Encrypt', rate: 1, kind: 'internal' });
      t.sandbox.admin.injectFault({ rate: 0, kind: 'throttling' });
      assert.equal((await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).$metadata.attempts, 1);
      t.sandbox.admin.clearFaults();
      assert.equal((await t.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }))).$metadata.attempts, 1);
    } finally {
      await t.close();
    }
  });

  test('a response that never comes: the client gives up (abort); close() still returns', async () => {
    const events = new EventEmitter();
    const t = await startTestSandbox({ log: (line) => events.emit('log', line) });
    const c = t.clientFor(t.sandbox.region, { maxAttempts: 1 });
    try {
      t.sandbox.admin.injectFault({ operation: 'ListKeys', rate: 1, kind: 'hang', count: 1 });
      const abort = new AbortController();
      const hung = new Promise<void>((resolve) => events.on('log', (l: string) => l.includes('fault: no response') && resolve()));
      const call = rejection(c.send(new ListKeysCommand({}), { abortSignal: abort.signal }));
      await hung;
      abort.abort();
      const e = await call;
      assert.equal(e.name, 'AbortError');
      assert.equal(t.sandbox.admin.requestCount('ListKeys'), 1);
      assert.ok((await c.send(new ListKeysCommand({}))).Keys);
      // A request left hanging does not keep close() from returning.
      t.sandbox.admin.injectFault({ operation: 'ListKeys', rate: 1, kind: 'hang', count: 1 });
      const hung2 = new Promise<void>((resolve) => events.on('log', (l: string) => l.includes('fault: no response') && resolve()));
      const left = rejection(c.send(new ListKeysCommand({})));
      await hung2;
      await t.close();
      assert.ok(await left);
    } finally {
      c.destroy();
      await t.close();
    }
  });

  test('latency per request delays responses', async () => {
    const t = await startTestSandbox();
    try {
      t.sandbox.admin.setLatency(150);
      const start = process.hrtime.bigint();
      await t.kms.send(new ListKeysCommand({}));
      assert.ok(Number(process.hrtime.bigint() - start) / 1e6 >= 145);
    } finally {
      await t.close();
    }
  });

  test('the HTTP admin route: off by default, bearer-protected when on', async () => {
    const off = await startTestSandbox();
    try {
      const r = await fetch(`${off.sandbox.endpoint}/__sandbox/admin`, { method: 'POST', headers: { authorization: `Bearer ${off.sandbox.credentials.secretAccessKey}` }, body: '{"action":"requestCount"}' });
      assert.equal(r.status, 404);
      await r.text();
    } finally {
      await off.close();
    }
    const on = await startTestSandbox({ adminRoute: true });
    try {
      const call = (body: unknown, secret = on.sandbox.credentials.secretAccessKey) => fetch(`${on.sandbox.endpoint}/__sandbox/admin`, { method: 'POST', headers: { authorization: `Bearer ${secret}` }, body: JSON.stringify(body) });
      const denied = await call({ action: 'requestCount' }, 'wrong');
      assert.equal(denied.status, 403);
      await denied.text();
      const seeded = (await (await call({ action: 'seedKeys', n: 3, options: { state: 'PendingImport' } })).json()) as { keyIds: string[] };
      assert.equal(seeded.keyIds.length, 3);
      for (const id of seeded.keyIds) assert.equal((await on.kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata!.KeyState, 'PendingImport');
      const disabled = (await (await call({ action: 'seedKeys', n: 2, options: { state: 'Disabled', keySpec: 'HMAC_256' } })).json()) as { keyIds: string[] };
      assert.equal((await on.kms.send(new DescribeKeyCommand({ KeyId: disabled.keyIds[0] }))).KeyMetadata!.KeyState, 'Disabled');
      const ext = await on.sandbox.admin.seedKeys(1, { origin: 'EXTERNAL', state: 'Enabled', validToDays: 5 });
      const md = (await on.kms.send(new DescribeKeyCommand({ KeyId: ext[0] }))).KeyMetadata!;
      assert.equal(md.ExpirationModel, 'KEY_MATERIAL_EXPIRES');
      assert.ok(Math.abs(md.ValidTo!.getTime() - (Date.now() + 5 * 86400e3)) < 60e3);
      assert.equal((await (await call({ action: 'injectFault', fault: { operation: 'ListKeys', rate: 1, kind: 'internal', count: 1 } })).json()) !== null, true);
      const c = on.clientFor(on.sandbox.region, { maxAttempts: 1 });
      assert.equal((await rejection(c.send(new ListKeysCommand({})))).name, 'KMSInternalException');
      const n = (await (await call({ action: 'requestCount', operation: 'ListKeys' })).json()) as { count: number };
      assert.equal(n.count, 1);
      const bad = await call({ action: 'nope' });
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { message: string }).message, /Unknown admin action 'nope'/);
    } finally {
      await on.close();
    }
  });
});

describe('concurrency', () => {
  test('50 concurrent imports into 50 keys all succeed with nothing crossed', async () => {
    const t = await startTestSandbox({ wrappingKeyPool: 4 });
    try {
      const keys = await Promise.all(Array.from({ length: 50 }, () => createExternalKey(t.kms, 'HMAC_256')));
      const materials = keys.map(() => crypto.randomBytes(32));
      const results = await Promise.all(keys.map((k, i) => importInto(t.kms, k, materials[i])));
      assert.equal(results.length, 50);
      const msg = Buffer.from('which key are you?');
      const macs = await Promise.all(keys.map((k) => t.kms.send(new GenerateMacCommand({ KeyId: k, MacAlgorithm: 'HMAC_SHA_256', Message: msg }))));
      macs.forEach((m, i) => assert.deepEqual(Buffer.from(m.Mac!), crypto.createHmac('sha256', materials[i]).update(msg).digest(), `key ${i}`));
      const states = await Promise.all(keys.map((k) => t.kms.send(new DescribeKeyCommand({ KeyId: k }))));
      assert.ok(states.every((s) => s.KeyMetadata!.KeyState === 'Enabled'));
    } finally {
      await t.close();
    }
  });
});
