// ImportKeyMaterial is never replayed blindly. After an ambiguous failure the flow asks DescribeKey
// (and ListKeyRotations for symmetric keys that already have material) whether it landed:
//  - it landed (the request took effect, the answer was lost) → no second request, proof runs;
//  - it did not land (failure before the service acted) → one more request with the same token.
// Also: 50 concurrent imports into 50 keys, nothing crossed.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWrappingPublicKey } from '../../src/core/publicKey';
import { wrapKeyMaterial } from '../../src/core/wrap';
import { runImportFlow } from '../../src/flow/importFlow';
import type { KmsProvider } from '../../src/providers/types';
import { material, startRig, type Rig } from './flow-support';

let rig: Rig;
let provider: KmsProvider;
before(async () => {
  rig = await startRig();
  provider = rig.provider();
});
afterEach(() => {
  rig.sandbox.admin.setLatency(0);
  rig.sandbox.admin.clearFaults();
});
after(async () => rig.close());

const importCount = () => rig.sandbox.admin.requestCount('ImportKeyMaterial');

describe('ambiguous ImportKeyMaterial failures', () => {
  test('the answer is lost after the import took effect (request timeout < sandbox latency): DescribeKey confirms, no replay', async () => {
    const n0 = importCount();
    const r = await runImportFlow({
      provider,
      material: material('HMAC_384'),
      target: { create: { keySpec: 'HMAC_384', keyUsage: 'GENERATE_VERIFY_MAC' } },
      importTimeoutMs: 150,
      onStep: (e) => {
        // From the import on, every request waits 400 ms in the sandbox: the import's answer comes too late
        // for its 150 ms limit, but the sandbox still applies it.
        if (e.id === 'import' && e.status === 'running') rig.sandbox.admin.setLatency(400);
      },
    });
    assert.equal(r.ok, true, r.proof.detail);
    assert.equal(r.reconciled, true);
    assert.equal(r.importAttempts, 1);
    assert.equal(importCount() - n0, 1, 'ImportKeyMaterial sent once');
    assert.match(r.steps.find((s) => s.id === 'import' && s.status === 'done')?.detail ?? '', /confirmed by DescribeKey/);
  });

  for (const kind of ['reset', 'internal', 'hang'] as const) {
    test(`a "${kind}" before the service acted: DescribeKey says PendingImport, one more request, then proof`, async () => {
      const n0 = importCount();
      const r = await runImportFlow({
        provider,
        material: material('ECC_NIST_P256'),
        target: { create: { keySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY' } },
        importTimeoutMs: kind === 'hang' ? 300 : undefined,
        onStep: (e) => e.id === 'import' && e.status === 'running' && rig.sandbox.admin.injectFault({ operation: 'ImportKeyMaterial', rate: 1, kind, count: 1 }),
      });
      assert.equal(r.ok, true, r.proof.detail);
      assert.equal(r.reconciled, true);
      assert.equal(r.importAttempts, 2);
      assert.equal(importCount() - n0, 2);
    });
  }

  test('symmetric rotation material (key already Enabled): ListKeyRotations settles that the NEW material landed', async () => {
    const first = await runImportFlow({ provider, material: material('SYMMETRIC_DEFAULT'), target: { create: { keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' } } });
    const n0 = importCount();
    const r = await runImportFlow({
      provider,
      material: material('SYMMETRIC_DEFAULT'),
      target: { keyId: first.keyId },
      importType: 'NEW_KEY_MATERIAL',
      prove: false,
      importTimeoutMs: 150,
      onStep: (e) => e.id === 'import' && e.status === 'running' && rig.sandbox.admin.setLatency(400),
    });
    rig.sandbox.admin.setLatency(0);
    assert.equal(r.reconciled, true);
    assert.equal(r.importAttempts, 1);
    assert.equal(importCount() - n0, 1);
    assert.match(r.keyMaterialId ?? '', /^[a-f0-9]{64}$/);
    assert.notEqual(r.keyMaterialId, first.keyMaterialId);
    const mats = await provider.listKeyMaterials(first.keyId);
    assert.equal(mats.find((m) => m.keyMaterialId === r.keyMaterialId)?.keyMaterialState, 'PENDING_ROTATION');
  });

  test('when even DescribeKey cannot answer, the flow stops and says the outcome is unknown', async () => {
    const n0 = importCount();
    await assert.rejects(
      runImportFlow({
        provider,
        material: material('HMAC_256'),
        target: { create: { keySpec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC' } },
        reconcileTimeoutMs: 200,
        onStep: (e) => {
          if (e.id === 'import' && e.status === 'running') {
            rig.sandbox.admin.injectFault({ operation: 'ImportKeyMaterial', rate: 1, kind: 'internal', count: 1 });
            rig.sandbox.admin.injectFault({ operation: 'DescribeKey', rate: 1, kind: 'hang', count: 1 });
          }
        },
      }),
      (e: Error & { step?: string; extra?: { landed?: unknown } }) => {
        assert.equal(e.step, 'import');
        assert.equal(e.extra?.landed, 'unknown');
        assert.match(e.message, /could not be confirmed/);
        assert.match((e as Error & { fix: string }).fix, /PendingImport means nothing was imported/);
        return true;
      },
    );
    assert.equal(importCount() - n0, 1, 'not replayed while the outcome is unknown');
  });
});

describe('concurrency', () => {
  // These tests are about correctness under concurrency, not latency: 50 wrapping key pairs are made on demand
  // (the sandbox's pool holds a few), which on a loaded 2-core machine takes longer than the default 30 s limit.
  let slowOk: KmsProvider;
  before(() => {
    slowOk = rig.provider({ requestTimeoutMs: 180_000 });
  });
  test('50 concurrent imports into 50 keys all succeed and nothing is crossed', async () => {
    const provider = slowOk;
    const specs = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? 'HMAC_256' : 'ECC_NIST_P256') as 'HMAC_256' | 'ECC_NIST_P256');
    const results = await Promise.all(
      specs.map((spec) =>
        runImportFlow({
          provider,
          material: material(spec),
          target: { create: { keySpec: spec, keyUsage: spec === 'HMAC_256' ? 'GENERATE_VERIFY_MAC' : 'SIGN_VERIFY' } },
          wrappingKeySpec: 'RSA_2048',
        }),
      ),
    );
    // Each proof compares KMS's answer with the key's OWN material (HMAC of a random message, public key):
    // a crossed import fails it.
    assert.equal(results.filter((r) => r.ok && r.proof.holds).length, 50);
    assert.equal(new Set(results.map((r) => r.keyId)).size, 50);
    const fingerprints = results.flatMap((r) => (r.proof.method === 'public-key' ? [r.proof.kmsFingerprint] : []));
    assert.equal(new Set(fingerprints).size, 25);
  });

  test('a token is bound to its key: wrapping for key A and importing into key B is refused, A still imports', async () => {
    const provider = slowOk;
    const a = await provider.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' });
    const b = await provider.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' });
    const m = material('SYMMETRIC_DEFAULT');
    const pa = await provider.getParametersForImport(a.keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    const wrapped = wrapKeyMaterial(m.bytes, parseWrappingPublicKey(pa.publicKey), 'RSAES_OAEP_SHA_256');
    await assert.rejects(provider.importKeyMaterial({ keyId: b.keyId, encryptedKeyMaterial: wrapped, importToken: pa.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }), /another KMS key/);
    await provider.importKeyMaterial({ keyId: a.keyId, encryptedKeyMaterial: wrapped, importToken: pa.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
    assert.equal((await provider.describeKey(a.keyId)).keyState, 'Enabled');
    assert.equal((await provider.describeKey(b.keyId)).keyState, 'PendingImport');
    m.dispose();
  });
});
