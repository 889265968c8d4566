// Listing benchmark: a sandbox with 5,000 keys (1,000 EXTERNAL, of which 200 PendingImport, spread
// through the list as in a real account) and 25 ms latency per request, listed through the real
// AWS provider:
//  (a) listKeysDetailed (the one listing: tree, pickers, form, CLI) — ListKeys pages + DescribeKey with bounded
//      concurrency (32, the default) + ListAliases once, results streamed;
//  (b) the same with throttling injected on DescribeKey (absorbed by the retry strategy);
//  (c) the sequential ListKeys + DescribeKey loop.
//  (a') the same with concurrency 64 (for comparison);
// Measured: time to the first screen of pending-import keys (the first 20), time to the full list,
// requests sent. Targets: (a) ≥ 10× faster than (c) for the full list, first screen < 1 s.
// The sandbox runs in its own process (bench/sandboxProcess.ts), driven through its test-control route.
import { listKeysDetailed, listKeysSequential } from '../src/flow/listing';
import { createAwsProvider } from '../src/providers/aws/awsProvider';
import { KmsClientFactory } from '../src/providers/aws/clientFactory';
import type { KeyInfo } from '../src/providers/types';
import { report } from './report';
import { startSandboxProcess } from './sandboxProcess';

const SCREEN = 20;
const LATENCY_MS = 25;
const CONCURRENCY = 32;

interface RemoteSandbox {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  admin(action: string, args?: Record<string, unknown>): Promise<Record<string, unknown>>;
  requestCount(operation?: string): Promise<number>;
  close(): Promise<void>;
}

async function startRemoteSandbox(): Promise<RemoteSandbox> {
  const sb = await startSandboxProcess({ port: 0, adminRoute: true, wrappingKeyPool: 0 });
  const admin = async (action: string, args: Record<string, unknown> = {}) => {
    const res = await fetch(`${sb.endpoint}/__sandbox/admin`, { method: 'POST', headers: { authorization: `Bearer ${sb.credentials.secretAccessKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ action, ...args }) });
    const body = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`admin ${action}: ${JSON.stringify(body)}`);
    return body;
  };
  return { ...sb, admin, requestCount: async (operation?: string) => Number((await admin('requestCount', { operation })).count) };
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const sandbox = await startRemoteSandbox();
  try {
    // 25 rounds of (160 AWS_KMS, 32 EXTERNAL Enabled, 8 EXTERNAL PendingImport) = 5,000 keys.
    for (let round = 0; round < 25; round++) {
      await sandbox.admin('seedKeys', { n: 160, options: { origin: 'AWS_KMS', state: 'Enabled' } });
      await sandbox.admin('seedKeys', { n: 32, options: { origin: 'EXTERNAL', state: 'Enabled' } });
      await sandbox.admin('seedKeys', { n: 8, options: { origin: 'EXTERNAL', state: 'PendingImport' } });
    }
    const provider = createAwsProvider({ region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.credentials, clientFactory: new KmsClientFactory(), retry: { maxAttempts: 6 } });
    // Warm up outside the measurement (credentials, endpoint resolution, 32 keep-alive sockets, JIT):
    // one full listing without latency.
    await listKeysDetailed(provider, { concurrency: 2 * CONCURRENCY });
    await sandbox.admin('setLatency', { ms: LATENCY_MS });

    type Run = { full: number; firstScreen: number; requests: number; describe: number; keys: number; pending: number; external: number };
    const measure = async (fn: (onKey: (k: KeyInfo) => void) => Promise<KeyInfo[]>): Promise<Run> => {
      const r0 = await sandbox.requestCount();
      const d0 = await sandbox.requestCount('DescribeKey');
      let pendingSeen = 0;
      let firstScreen = NaN;
      const t0 = performance.now();
      const keys = await fn((k) => {
        if (k.keyState === 'PendingImport' && ++pendingSeen === SCREEN) firstScreen = performance.now() - t0;
      });
      const full = performance.now() - t0;
      return { full, firstScreen, requests: (await sandbox.requestCount()) - r0, describe: (await sandbox.requestCount('DescribeKey')) - d0, keys: keys.length, pending: keys.filter((k) => k.keyState === 'PendingImport').length, external: keys.filter((k) => k.origin === 'EXTERNAL').length };
    };

    const bounded = await measure((onKey) => listKeysDetailed(provider, { concurrency: CONCURRENCY, onKeys: (batch) => batch.forEach(onKey) }).then((r) => r.keys));
    const wide = await measure((onKey) => listKeysDetailed(provider, { concurrency: 2 * CONCURRENCY, onKeys: (batch) => batch.forEach(onKey) }).then((r) => r.keys));
    await sandbox.admin('injectFault', { fault: { operation: 'DescribeKey', rate: 0.05, kind: 'throttling', count: 250 } });
    const throttled = await measure((onKey) => listKeysDetailed(provider, { concurrency: CONCURRENCY, onKeys: (batch) => batch.forEach(onKey) }).then((r) => r.keys));
    await sandbox.admin('clearFaults');
    const sequential = await measure((onKey) => listKeysSequential(provider, { onKey }));
    provider.dispose();

    for (const [name, r] of [['bounded', bounded], ['wide', wide], ['throttled', throttled], ['sequential', sequential]] as const) {
      if (r.keys !== 5000 || r.pending !== 200 || r.external !== 1000) throw new Error(`${name}: listed ${r.keys} keys (${r.pending} pending, ${r.external} external); expected 5000/200/1000`);
    }
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    report(
      'listing',
      [
        ['setup', '', `5,000 keys (1,000 EXTERNAL, 200 PendingImport), ${LATENCY_MS} ms latency per request, concurrency ${CONCURRENCY}, warm client`],
        ['(a) bounded: first screen', s(bounded.firstScreen), `first ${SCREEN} pending-import keys`],
        ['(a) bounded: full list', s(bounded.full), `${bounded.requests} requests (${bounded.describe} DescribeKey)`],
        [`(a') concurrency ${2 * CONCURRENCY}: first screen`, s(wide.firstScreen), ''],
        [`(a') concurrency ${2 * CONCURRENCY}: full list`, s(wide.full), `${wide.requests} requests`],
        ['(b) throttled: first screen', s(throttled.firstScreen), ''],
        ['(b) throttled: full list', s(throttled.full), `${throttled.requests} requests (${throttled.describe} DescribeKey, ${throttled.describe - 5000} retried after throttling); all 5,000 listed`],
        ['(c) sequential: first screen', s(sequential.firstScreen), ''],
        ['(c) sequential: full list', s(sequential.full), `${sequential.requests} requests`],
      ],
      [
        ['full list (c)/(a)', `${(sequential.full / bounded.full).toFixed(1)}×`, '≥ 10×'],
        ['first screen (c)/(a)', `${(sequential.firstScreen / bounded.firstScreen).toFixed(1)}×`, ''],
        ['first screen (a)', s(bounded.firstScreen), '< 1 s'],
        ['full list (b)/(a)', `${(throttled.full / bounded.full).toFixed(2)}×`, 'throttling absorbed'],
      ],
    );
  } finally {
    await sandbox.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
