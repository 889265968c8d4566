// The one listing (src/flow/listing.ts) over HTTP against the sandbox with the real AWS provider:
// every page, every key exactly once with its details, in ListKeys order and equal to the sequential
// loop; bounded DescribeKey concurrency; aliases attached; batches before the end; throttling absorbed
// by the provider's retries; a key that cannot be described reported, the rest listed; a failing
// ListKeys fails the listing with the provider error; cancellation. The one cache (KeyListCache):
// one listing per (account, Region), progressive updates, age limit, refresh, a failed listing not
// served again, upsert/remove, invalidate aborting what is in flight.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyListCache, listKeysDetailed, listKeysSequential, type KeyListing } from '../../src/flow/listing';
import { KmsClientFactory } from '../../src/providers/aws/clientFactory';
import { isProviderError, type CallOptions, type KeyInfo, type KmsProvider } from '../../src/providers/types';
import { filterKeys, keyLabel } from '../../src/extension/model/treeModel';
import { startRig, type Rig } from './flow-support';

const TOTAL = 161;
let rig: Rig;
let provider: KmsProvider;
let pendingIds: string[];
let aliasedId: string;
before(async () => {
  rig = await startRig();
  provider = rig.provider();
  await rig.sandbox.admin.seedKeys(120, { origin: 'AWS_KMS', state: 'Enabled' });
  pendingIds = await rig.sandbox.admin.seedKeys(30, { origin: 'EXTERNAL', state: 'PendingImport' });
  await rig.sandbox.admin.seedKeys(10, { origin: 'EXTERNAL', state: 'Enabled', validToDays: 30 });
  aliasedId = (await provider.createKey({ keySpec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC', alias: 'alias/tree-test' })).keyId;
});
afterEach(() => rig.sandbox.admin.clearFaults());
after(async () => rig.close());

/** A provider without retries, on its own client (clients are shared per endpoint and credentials). */
function noRetryProvider(): { provider: KmsProvider; close(): void } {
  const factory = new KmsClientFactory();
  const p = rig.provider({ clientFactory: factory, retry: { maxAttempts: 1 } });
  return { provider: p, close: () => (p.dispose(), factory.disposeAll()) };
}

/** Wraps a provider to observe how many DescribeKey calls are in flight at once (every call still goes to it). */
function observed(p: KmsProvider): { provider: KmsProvider; maxInFlight: () => number } {
  let inFlight = 0;
  let max = 0;
  const wrapped = Object.create(p) as KmsProvider;
  wrapped.describeKey = async (keyId: string, opts?: CallOptions) => {
    inFlight++;
    max = Math.max(max, inFlight);
    try {
      return await p.describeKey(keyId, opts);
    } finally {
      inFlight--;
    }
  };
  return { provider: wrapped, maxInFlight: () => max };
}

const settled = (l: KeyListing) => l.result.then(() => l, () => l);

describe('listKeysDetailed', () => {
  test('every page, every key once, in ListKeys order, equal to the sequential loop, at most N DescribeKey in flight, aliases attached, batches before the end', async () => {
    const seq = await listKeysSequential(provider);
    const o = observed(provider);
    const n0 = rig.sandbox.admin.requestCount('DescribeKey');
    const batches: number[] = [];
    let lastProgress: unknown;
    const res = await listKeysDetailed(o.provider, { concurrency: 8, pageSize: 25, onKeys: (b, p) => (batches.push(b.length), (lastProgress = p)) });
    assert.equal(res.keys.length, TOTAL);
    assert.equal(new Set(res.keys.map((k) => k.keyId)).size, TOTAL, 'no duplicates');
    assert.deepEqual(res.keys.map((k) => k.keyId), seq.map((k) => k.keyId));
    assert.deepEqual(res.keys.map((k) => k.keyState), seq.map((k) => k.keyState));
    assert.deepEqual(res.failures, []);
    assert.deepEqual(res.requests, { listKeys: Math.ceil(TOTAL / 25), describeKey: TOTAL, listAliases: 1 });
    assert.equal(rig.sandbox.admin.requestCount('DescribeKey') - n0, TOTAL, 'one DescribeKey per key');
    assert.ok(o.maxInFlight() <= 8, `in flight ${o.maxInFlight()}`);
    assert.ok(o.maxInFlight() > 1, 'ran concurrently');
    assert.ok(batches.length > 1, 'keys arrive in batches');
    assert.equal(batches.reduce((a, b) => a + b, 0), TOTAL);
    assert.deepEqual(lastProgress, { described: TOTAL, listed: TOTAL, failed: 0, done: true });
    const aliased = res.keys.find((k) => k.keyId === aliasedId)!;
    assert.deepEqual(aliased.aliases, ['alias/tree-test']);
    assert.equal(keyLabel(aliased), 'tree-test');
    assert.deepEqual(filterKeys(res.keys, 'pending').map((k) => k.keyId).sort(), [...pendingIds, aliasedId].sort(), 'the seeded pending keys and the new EXTERNAL key');
    const expiring = filterKeys(res.keys, 'external').filter((k) => k.keyState === 'Enabled' && k.expirationModel === 'KEY_MATERIAL_EXPIRES');
    assert.equal(expiring.length, 10);
    assert.ok(expiring.every((k) => k.validTo && k.validTo.getTime() > Date.now()));
  });

  test('throttling is absorbed by the retries: the full list, no failures', async () => {
    // Three throttled answers: fewer than the provider's four attempts, so whichever keys they hit, every key is
    // listed (a random rate could throttle one key four times in a row and made this test flaky).
    rig.sandbox.admin.injectFault({ operation: 'DescribeKey', rate: 1, kind: 'throttling', count: 3 });
    const n0 = rig.sandbox.admin.requestCount('DescribeKey');
    const res = await listKeysDetailed(provider, { concurrency: 16 });
    assert.equal(res.keys.length, TOTAL);
    assert.deepEqual(res.failures, []);
    assert.equal(rig.sandbox.admin.requestCount('DescribeKey') - n0, TOTAL + 3, 'the three throttled requests were retried, once each');
  });

  test('keys that cannot be described are reported with their error and left out; the rest is listed', async () => {
    rig.sandbox.admin.injectFault({ operation: 'DescribeKey', rate: 1, kind: 'internal', count: 20 });
    const nr = noRetryProvider();
    const res = await listKeysDetailed(nr.provider, { concurrency: 1 }).finally(() => nr.close());
    assert.equal(res.failures.length, 20);
    assert.equal(res.keys.length, TOTAL - 20);
    assert.equal(new Set([...res.keys.map((k) => k.keyId), ...res.failures.map((f) => f.keyId)]).size, TOTAL, 'each key either listed or reported');
    assert.ok(res.failures.every((f) => f.message.length > 0 && isProviderError(f.error) && f.error.info.name === 'KMSInternalException'));
  });

  test('a key the caller may not describe is reported by id; the others listed', async () => {
    const wrapped = Object.create(provider) as KmsProvider;
    wrapped.describeKey = async (keyId: string, opts?: CallOptions): Promise<KeyInfo> => (keyId === pendingIds[0] ? provider.describeKey('11111111-2222-3333-4444-555555555555', opts) : provider.describeKey(keyId, opts));
    const res = await listKeysDetailed(wrapped);
    assert.deepEqual(res.failures.map((f) => f.keyId), [pendingIds[0]]);
    assert.equal(res.keys.length, TOTAL - 1);
  });

  test('a failing ListKeys fails the listing with the provider error', async () => {
    rig.sandbox.admin.injectFault({ operation: 'ListKeys', rate: 1, kind: 'internal' });
    const nr = noRetryProvider();
    await assert.rejects(listKeysDetailed(nr.provider).finally(() => nr.close()), (e: Error & { info?: { name: string } }) => e.info?.name === 'KMSInternalException');
  });

  test('cancellation stops the listing with an AbortError and starts no call after the cancel', async () => {
    const ac = new AbortController();
    let n = 0;
    let started = 0;
    let startedAfterCancel = 0;
    const wrapped = Object.create(provider) as KmsProvider;
    wrapped.describeKey = async (keyId: string, opts?: CallOptions) => {
      started++;
      if (ac.signal.aborted) startedAfterCancel++;
      return provider.describeKey(keyId, opts);
    };
    wrapped.listKeys = async (token, limit, opts) => {
      if (ac.signal.aborted) startedAfterCancel++;
      return provider.listKeys(token, limit, opts);
    };
    await assert.rejects(
      listKeysDetailed(wrapped, {
        concurrency: 4,
        pageSize: 20,
        signal: ac.signal,
        onKeys: () => {
          if (++n === 1) ac.abort();
        },
      }),
      (e: Error & { info?: { name: string } }) => e.name === 'AbortError' || e.info?.name === 'AbortError',
    );
    assert.equal(startedAfterCancel, 0);
    assert.ok(started < TOTAL, `stopped early (${started} started)`);
  });
});

describe('KeyListCache', () => {
  test('one listing per (account, Region), progressive updates, upsert keeps aliases, remove, invalidate aborts', async () => {
    const changes: string[] = [];
    const cache = new KeyListCache({ concurrency: () => 8, onChange: (a, r) => changes.push(`${a}/${r}`) });
    let loads = 0;
    const l = cache.load('sandbox', 'us-east-1', async () => (loads++, provider));
    assert.equal(cache.load('sandbox', 'us-east-1', async () => (loads++, provider)), l, 'a second load returns the same listing');
    assert.equal(cache.get('sandbox', 'us-east-1'), l);
    const keys = await l.result;
    assert.equal(loads, 1);
    assert.equal(l.done, true);
    assert.equal(keys.length, TOTAL);
    assert.equal(l.keys, keys);
    assert.ok(changes.length >= 2 && changes.every((c) => c === 'sandbox/us-east-1'), 'updates before the end and at the end');
    const k = l.keys.find((x) => x.keyId === aliasedId)!;
    cache.upsert('sandbox', 'us-east-1', { ...k, keyState: 'Disabled', aliases: undefined });
    const patched = cache.get('sandbox', 'us-east-1')!.keys.find((x) => x.keyId === aliasedId)!;
    assert.equal(patched.keyState, 'Disabled');
    assert.deepEqual(patched.aliases, ['alias/tree-test'], 'aliases survive a single-key refresh');
    cache.remove('sandbox', 'us-east-1', aliasedId);
    assert.equal(cache.get('sandbox', 'us-east-1')!.keys.length, TOTAL - 1);
    assert.equal(cache.allKeys().length, TOTAL - 1);
    // Invalidating a listing in flight aborts it.
    const inFlight = cache.load('sandbox', 'eu-west-1', async () => provider);
    cache.invalidate('sandbox');
    assert.equal(cache.get('sandbox', 'us-east-1'), undefined);
    assert.equal(cache.get('sandbox', 'eu-west-1'), undefined);
    assert.equal(inFlight.controller.signal.aborted, true);
    await settled(inFlight);
    assert.ok(inFlight.error, 'the aborted listing ended with an error');
  });

  test('a finished listing is served until it is too old, refreshed, or invalidated; a failed one is shown but never served', async () => {
    let now = 0;
    const cache = new KeyListCache({ maxAgeMs: 1000, now: () => now });
    let loads = 0;
    const counted = async () => (loads++, provider);
    const load = () => cache.load('sandbox', 'us-east-1', counted);
    assert.equal((await load().result).length, TOTAL);
    await load().result;
    assert.equal(loads, 1);
    await cache.load('sandbox', 'eu-west-1', counted).result;
    assert.equal(loads, 2, 'one listing per Region');
    now = 1500;
    await load().result;
    assert.equal(loads, 3, 'too old: listed again');
    await cache.load('sandbox', 'us-east-1', counted, { refresh: true }).result;
    assert.equal(loads, 4, 'refresh lists again');
    cache.invalidate('sandbox', 'us-east-1');
    assert.ok(cache.get('sandbox', 'eu-west-1'), 'invalidating one Region keeps the others');
    await load().result;
    assert.equal(loads, 5);
    // A failed listing: its error is kept for display, but the next load lists again.
    const failed = cache.load('other', 'us-east-1', async () => Promise.reject(new Error('no credentials')));
    await assert.rejects(failed.result, /no credentials/);
    assert.equal(cache.get('other', 'us-east-1'), failed);
    assert.match(String(failed.error), /no credentials/);
    const again = cache.load('other', 'us-east-1', counted);
    assert.notEqual(again, failed);
    assert.equal((await again.result).length, TOTAL);
    assert.equal(loads, 6);
  });
});
