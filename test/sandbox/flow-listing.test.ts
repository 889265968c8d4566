// listKeysDetailed: every key exactly once with its details, pages followed, bounded concurrency,
// throttling absorbed, failures reported per key, cancellation; KeyListCache per account and Region.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyListCache, listKeysDetailed, listKeysSequential } from '../../src/flow/listing';
import type { CallOptions, KeyInfo, KmsProvider } from '../../src/providers/types';
import { startRig, type Rig } from './flow-support';

let rig: Rig;
let provider: KmsProvider;
let pendingIds: string[];
before(async () => {
  rig = await startRig();
  provider = rig.provider();
  await rig.sandbox.admin.seedKeys(120, { origin: 'AWS_KMS', state: 'Enabled' });
  pendingIds = await rig.sandbox.admin.seedKeys(30, { origin: 'EXTERNAL', state: 'PendingImport' });
  await rig.sandbox.admin.seedKeys(10, { origin: 'EXTERNAL', state: 'Enabled', validToDays: 30 });
});
afterEach(() => rig.sandbox.admin.clearFaults());
after(async () => rig.close());

/** Wraps a provider to observe how many DescribeKey calls are in flight at once. */
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

describe('listKeysDetailed', () => {
  test('returns every key once, in ListKeys order, equal to the sequential loop, with at most N DescribeKey in flight', async () => {
    const seq = await listKeysSequential(provider);
    const o = observed(provider);
    const batches: number[] = [];
    let lastProgress: { described: number; listed: number; done: boolean } | undefined;
    const keys = await listKeysDetailed(o.provider, { concurrency: 8, pageSize: 25, onKeys: (b, p) => (batches.push(b.length), (lastProgress = p)) });
    assert.equal(keys.length, 160);
    assert.deepEqual(keys.map((k) => k.keyId), seq.map((k) => k.keyId));
    assert.deepEqual(keys.map((k) => k.keyState), seq.map((k) => k.keyState));
    assert.ok(o.maxInFlight() <= 8, `in flight ${o.maxInFlight()}`);
    assert.ok(o.maxInFlight() > 1, 'ran concurrently');
    assert.equal(batches.reduce((a, b) => a + b, 0), 160);
    assert.deepEqual(lastProgress, { described: 160, listed: 160, done: true });
    const pending = keys.filter((k) => k.keyState === 'PendingImport').map((k) => k.keyId).sort();
    assert.deepEqual(pending, [...pendingIds].sort());
    const expiring = keys.filter((k) => k.expirationModel === 'KEY_MATERIAL_EXPIRES');
    assert.equal(expiring.length, 10);
    assert.ok(expiring.every((k) => k.validTo && k.validTo.getTime() > Date.now()));
  });

  test('throttling is absorbed by the retries', async () => {
    // Three throttled answers: fewer than the provider's four attempts, so whichever keys they hit, every key is
    // listed (a random 20% rate could throttle one key four times in a row and made this test flaky).
    rig.sandbox.admin.injectFault({ operation: 'DescribeKey', rate: 1, kind: 'throttling', count: 3 });
    const n0 = rig.sandbox.admin.requestCount('DescribeKey');
    const keys = await listKeysDetailed(provider, { concurrency: 16 });
    assert.equal(keys.length, 160);
    assert.equal(rig.sandbox.admin.requestCount('DescribeKey') - n0, 163, 'the three throttled requests were retried, once each');
  });

  test('a key that cannot be described is reported and left out; the rest is listed', async () => {
    const failed: string[] = [];
    const wrapped = Object.create(provider) as KmsProvider;
    wrapped.describeKey = async (keyId: string, opts?: CallOptions): Promise<KeyInfo> => (keyId === pendingIds[0] ? provider.describeKey('11111111-2222-3333-4444-555555555555', opts) : provider.describeKey(keyId, opts));
    const keys = await listKeysDetailed(wrapped, { onError: (id) => failed.push(id) });
    assert.deepEqual(failed, [pendingIds[0]]);
    assert.equal(keys.length, 159);
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
    assert.ok(started < 160, `stopped early (${started} started)`);
  });
});

describe('KeyListCache', () => {
  test('one list per account and Region until it is too old, invalidated, or refreshed', async () => {
    let now = 0;
    const cache = new KeyListCache(1000, () => now);
    let loads = 0;
    const load = async () => (loads++, listKeysDetailed(provider));
    const a = await cache.get('sandbox', 'us-east-1', load);
    await cache.get('sandbox', 'us-east-1', load);
    assert.equal(loads, 1);
    assert.equal(a.length, 160);
    await cache.get('sandbox', 'eu-west-1', async () => (loads++, []));
    assert.equal(loads, 2);
    now = 1500;
    await cache.get('sandbox', 'us-east-1', load);
    assert.equal(loads, 3);
    await cache.get('sandbox', 'us-east-1', load, { refresh: true });
    assert.equal(loads, 4);
    cache.invalidate('sandbox');
    await cache.get('sandbox', 'us-east-1', load);
    assert.equal(loads, 5);
    // A failed load is not cached.
    await assert.rejects(cache.get('other', 'us-east-1', async () => Promise.reject(new Error('boom')), { refresh: true }));
    await cache.get('other', 'us-east-1', async () => (loads++, []));
    assert.equal(loads, 6);
  });
});
