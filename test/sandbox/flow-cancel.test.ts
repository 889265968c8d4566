// Cancellation at every point of the flow leaves nothing half-done: no partial bundle folder, no
// request sent after the cancel, a key either without material (PendingImport) or with it (and then
// the error says so, confirmed by DescribeKey), and the material zeroed.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readBundle } from '../../src/core/bundle';
import { runImportFlow } from '../../src/flow/importFlow';
import { isImportFlowError, type ImportFlowError, type StepId } from '../../src/flow/types';
import type { KmsProvider } from '../../src/providers/types';
import { material, startRig, type Rig } from './flow-support';

let rig: Rig;
let provider: KmsProvider;
let tmp: string;
before(async () => {
  rig = await startRig();
  provider = rig.provider();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'flow-cancel-'));
});
afterEach(() => {
  rig.sandbox.admin.setLatency(0);
  rig.sandbox.admin.clearFaults();
});
after(async () => {
  await rig.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

async function cancelledError(p: Promise<unknown>): Promise<ImportFlowError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isImportFlowError(e), `expected ImportFlowError, got ${String(e)}`);
    assert.equal(e.cancelled, true, e.message);
    return e;
  }
  assert.fail('the flow was not cancelled');
}

const counts = () => Object.fromEntries(['CreateKey', 'GetParametersForImport', 'ImportKeyMaterial', 'GenerateMac'].map((op) => [op, rig.sandbox.admin.requestCount(op)]));

async function tmpEntries(): Promise<string[]> {
  return (await fs.readdir(tmp)).filter((n) => n.endsWith('.partial'));
}

describe('cancel when a step starts', () => {
  const cases: Array<{ at: StepId; sent: Record<string, number>; bundle: boolean; landed: boolean }> = [
    { at: 'create-key', sent: { CreateKey: 0, GetParametersForImport: 0, ImportKeyMaterial: 0, GenerateMac: 0 }, bundle: false, landed: false },
    { at: 'download-parameters', sent: { CreateKey: 1, GetParametersForImport: 0, ImportKeyMaterial: 0, GenerateMac: 0 }, bundle: false, landed: false },
    { at: 'check', sent: { CreateKey: 1, GetParametersForImport: 1, ImportKeyMaterial: 0, GenerateMac: 0 }, bundle: true, landed: false },
    { at: 'wrap', sent: { CreateKey: 1, GetParametersForImport: 1, ImportKeyMaterial: 0, GenerateMac: 0 }, bundle: true, landed: false },
    { at: 'import', sent: { CreateKey: 1, GetParametersForImport: 1, ImportKeyMaterial: 0, GenerateMac: 0 }, bundle: true, landed: false },
    { at: 'prove', sent: { CreateKey: 1, GetParametersForImport: 1, ImportKeyMaterial: 1, GenerateMac: 0 }, bundle: true, landed: true },
  ];
  for (const c of cases) {
    test(`at "${c.at}"`, async () => {
      const ac = new AbortController();
      const m = material('HMAC_256');
      const dir = path.join(tmp, `at-${c.at}`);
      const before = counts();
      let keyId: string | undefined;
      const e = await cancelledError(
        runImportFlow({
          provider,
          material: m,
          target: { create: { keySpec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC' } },
          bundleDir: dir,
          signal: ac.signal,
          onStep: (ev) => {
            if (ev.id === 'create-key' && ev.status === 'done') keyId = ev.detail?.match(/key\/([0-9a-f-]+)/)?.[1];
            if (ev.id === c.at && ev.status === 'running') ac.abort();
          },
        }),
      );
      const after = counts();
      const sent = Object.fromEntries(Object.keys(before).map((k) => [k, after[k] - before[k]]));
      assert.deepEqual(sent, c.sent, 'requests sent');
      assert.equal(e.extra.landed === true, c.landed);
      assert.equal(e.extra.partial?.steps?.at(-1)?.status, 'cancelled');
      // The bundle folder is complete or absent; never a partial one.
      if (c.bundle) assert.equal((await readBundle(dir)).keyId, keyId);
      else await assert.rejects(fs.stat(dir), { code: 'ENOENT' });
      assert.deepEqual(await tmpEntries(), []);
      // The key, if created, is exactly where the error says it is.
      if (keyId) assert.equal((await provider.describeKey(keyId)).keyState, c.landed ? 'Enabled' : 'PendingImport');
      assert.ok(m.bytes.every((x) => x === 0), 'material zeroed');
    });
  }
});

describe('cancel while ImportKeyMaterial is in flight', () => {
  test('the request reached KMS and took effect after the cancel: the error says it landed (DescribeKey)', async () => {
    const key = await provider.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' });
    const ac = new AbortController();
    const n0 = rig.sandbox.admin.requestCount('ImportKeyMaterial');
    let arrived: Promise<void> | undefined;
    const e = await cancelledError(
      runImportFlow({
        provider,
        material: material('SYMMETRIC_DEFAULT'),
        target: { keyId: key.keyId },
        signal: ac.signal,
        onStep: (ev) => {
          if (ev.id === 'import' && ev.status === 'running') {
            // Every request now waits 400 ms in the sandbox before it is processed. Cancel as soon as the
            // import request has arrived (a condition on the sandbox's request counter, not a sleep).
            rig.sandbox.admin.setLatency(400);
            arrived = (async () => {
              while (rig.sandbox.admin.requestCount('ImportKeyMaterial') === n0) await new Promise((r) => setImmediate(r));
              ac.abort();
            })();
          }
        },
      }),
    );
    await arrived;
    assert.equal(e.step, 'import');
    assert.equal(e.extra.landed, true);
    assert.match(e.message, /already imported the key material \(confirmed with DescribeKey\)/);
    assert.equal(rig.sandbox.admin.requestCount('ImportKeyMaterial') - n0, 1, 'not replayed');
    rig.sandbox.admin.setLatency(0);
    assert.equal((await provider.describeKey(key.keyId)).keyState, 'Enabled');
  });

  test('cancelled before the request was sent: nothing landed, the key stays PendingImport', async () => {
    const key = await provider.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' });
    const ac = new AbortController();
    const n0 = rig.sandbox.admin.requestCount('ImportKeyMaterial');
    const e = await cancelledError(runImportFlow({ provider, material: material('SYMMETRIC_DEFAULT'), target: { keyId: key.keyId }, signal: ac.signal, onStep: (ev) => ev.id === 'import' && ev.status === 'running' && ac.abort() }));
    assert.equal(e.extra.landed, false);
    assert.equal(rig.sandbox.admin.requestCount('ImportKeyMaterial'), n0);
    assert.equal((await provider.describeKey(key.keyId)).keyState, 'PendingImport');
  });
});
