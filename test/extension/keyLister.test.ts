// Listing for the tree, over HTTP against the sandbox with the real AWS provider: every page, every
// key described once with bounded concurrency, aliases attached, batches before the end, throttling
// absorbed by the provider's retries, and the per-(account, region) cache.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyInfo, KmsProvider } from '../../src/providers/types';
import { KmsClientFactory, createAwsProvider } from '../../src/providers/aws/awsProvider';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { KeyCache, listKeysDetailed } from '../../src/extension/model/keyLister';
import { filterKeys, keyLabel } from '../../src/extension/model/treeModel';

let sandbox: Sandbox;
let factory: KmsClientFactory;
let provider: KmsProvider;
let pendingIds: string[];
let aliasedId: string;

before(async () => {
  sandbox = await startSandbox({ port: 0, wrappingKeyPool: 0 });
  factory = new KmsClientFactory();
  provider = createAwsProvider({ region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.credentials, clientFactory: factory, retry: { maxAttempts: 6, baseDelayMs: 2, throttlingBaseDelayMs: 2, maxDelayMs: 20 } });
  pendingIds = await sandbox.admin.seedKeys(20, { state: 'PendingImport', origin: 'EXTERNAL' });
  await sandbox.admin.seedKeys(30, { state: 'Enabled', origin: 'AWS_KMS' });
  await sandbox.admin.seedKeys(10, { state: 'Enabled', origin: 'EXTERNAL', validToDays: 12 });
  aliasedId = (await provider.createKey({ keySpec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC', alias: 'alias/tree-test' })).keyId;
});

after(async () => {
  provider.dispose();
  factory.disposeAll();
  await sandbox.close();
});

/** A provider without retries, on its own client (the factory caches clients per endpoint and credentials). */
function noRetryProvider(): { provider: KmsProvider; close(): void } {
  const f = new KmsClientFactory();
  const p = createAwsProvider({ region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.credentials, clientFactory: f, retry: { maxAttempts: 1 } });
  return { provider: p, close: () => (p.dispose(), f.disposeAll()) };
}

/** Counts calls in flight on the real provider (measurement, not a fake). */
function counting(p: KmsProvider): { provider: KmsProvider; maxInFlight: () => number } {
  let inFlight = 0;
  let max = 0;
  const wrapped = Object.create(p) as KmsProvider;
  wrapped.describeKey = async (id, opts) => {
    inFlight++;
    max = Math.max(max, inFlight);
    try {
      return await p.describeKey(id, opts);
    } finally {
      inFlight--;
    }
  };
  return { provider: wrapped, maxInFlight: () => max };
}

test('every page, every key once, concurrency bounded, aliases attached, batches before the end', async () => {
  const before = sandbox.admin.requestCount('DescribeKey');
  const c = counting(provider);
  const batches: number[] = [];
  const res = await listKeysDetailed(c.provider, { concurrency: 4, pageSize: 7, onKeys: (b) => batches.push(b.length) });
  assert.equal(res.keys.length, 61);
  assert.equal(new Set(res.keys.map((k) => k.keyId)).size, 61, 'no duplicates');
  assert.deepEqual(res.failures, []);
  assert.equal(res.requests.listKeys, Math.ceil(61 / 7));
  assert.equal(res.requests.describeKey, 61);
  assert.equal(sandbox.admin.requestCount('DescribeKey') - before, 61);
  assert.ok(c.maxInFlight() <= 4, `max in flight ${c.maxInFlight()}`);
  assert.ok(c.maxInFlight() >= 2, 'DescribeKey calls overlap');
  assert.ok(batches.length > 1, 'keys arrive in batches');
  assert.equal(batches.reduce((a, b) => a + b, 0), 61);
  const aliased = res.keys.find((k) => k.keyId === aliasedId)!;
  assert.equal(keyLabel(aliased), 'tree-test');
  assert.deepEqual(filterKeys(res.keys, 'pending').map((k) => k.keyId).sort(), [...pendingIds, aliasedId].sort(), 'the seeded pending keys and the new EXTERNAL key');
  const external = filterKeys(res.keys, 'external').filter((k) => k.keyState === 'Enabled' && k.validTo);
  assert.equal(external.length, 10);
});

test('injected throttling is absorbed: the full list, no failures', async () => {
  // Five throttled answers, fewer than the provider's six attempts: every key is listed whichever keys they hit
  // (a random 30% rate could throttle one key six times in a row, about one run in twenty).
  sandbox.admin.injectFault({ operation: 'DescribeKey', rate: 1, kind: 'throttling', count: 5 });
  const n0 = sandbox.admin.requestCount('DescribeKey');
  try {
    const res = await listKeysDetailed(provider, { concurrency: 8 });
    assert.equal(res.keys.length, 61);
    assert.deepEqual(res.failures, []);
    assert.equal(sandbox.admin.requestCount('DescribeKey') - n0, 66, 'the five throttled requests were retried');
  } finally {
    sandbox.admin.clearFaults();
  }
});

test('a key that cannot be described is reported, the others listed', async () => {
  sandbox.admin.injectFault({ operation: 'DescribeKey', rate: 1, kind: 'internal', count: 20 });
  try {
    const nr = noRetryProvider();
    const res = await listKeysDetailed(nr.provider, { concurrency: 1 }).finally(() => nr.close());
    assert.equal(res.keys.length + res.failures.length, 61);
    assert.equal(res.failures.length, 20);
    assert.ok(res.failures.every((f) => f.message.length > 0));
  } finally {
    sandbox.admin.clearFaults();
  }
});

test('a failing ListKeys fails the listing with the provider error', async () => {
  sandbox.admin.injectFault({ operation: 'ListKeys', rate: 1, kind: 'internal' });
  try {
    const nr = noRetryProvider();
    await assert.rejects(listKeysDetailed(nr.provider).finally(() => nr.close()), (e: Error & { info?: { name: string } }) => e.info?.name === 'KMSInternalException');
  } finally {
    sandbox.admin.clearFaults();
  }
});

test('cache: one listing per (account, region), progressive updates, upsert and invalidate', async () => {
  const cache = new KeyCache({ concurrency: () => 8 });
  let changes = 0;
  let loads = 0;
  const done = new Promise<void>((resolve) => {
    const l = cache.load('sandbox', 'us-east-1', async () => (loads++, provider), () => {
      changes++;
      if (l.done) resolve();
    });
  });
  assert.equal(cache.load('sandbox', 'us-east-1', async () => (loads++, provider), () => undefined), cache.get('sandbox', 'us-east-1'), 'a second load returns the same listing');
  await done;
  const l = cache.get('sandbox', 'us-east-1')!;
  assert.equal(loads, 1);
  assert.equal(l.keys.length, 61);
  assert.ok(changes >= 2, 'updates before the end and at the end');
  const k = l.keys.find((x) => x.keyId === aliasedId)!;
  cache.upsert('sandbox', 'us-east-1', { ...k, keyState: 'Disabled', aliases: undefined } as KeyInfo);
  const after = cache.get('sandbox', 'us-east-1')!.keys.find((x) => x.keyId === aliasedId)!;
  assert.equal(after.keyState, 'Disabled');
  assert.deepEqual(after.aliases, ['alias/tree-test'], 'aliases survive a single-key refresh');
  cache.invalidate('sandbox');
  assert.equal(cache.get('sandbox', 'us-east-1'), undefined);
  assert.equal(l.controller.signal.aborted, true);
});
