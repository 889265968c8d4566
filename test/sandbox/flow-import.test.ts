// The whole import flow over HTTP against the sandbox: every importable key spec, parameter bundles,
// refusals before upload, expiring material, the typed result and the events.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readBundle, readBundleSync } from '../../src/core/bundle';
import { IMPORTABLE_KEY_SPECS, KEY_SPECS } from '../../src/core/specs';
import { runImportFlow } from '../../src/flow/importFlow';
import { isImportFlowError, type ImportFlowError, type StepEvent } from '../../src/flow/types';
import type { KmsProvider } from '../../src/providers/types';
import { material, startRig, type Rig } from './flow-support';

let rig: Rig;
let provider: KmsProvider;
let tmp: string;
before(async () => {
  rig = await startRig();
  provider = rig.provider();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'flow-import-'));
});
after(async () => {
  await rig.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

async function flowError(p: Promise<unknown>): Promise<ImportFlowError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isImportFlowError(e), `expected ImportFlowError, got ${String(e)}`);
    return e;
  }
  assert.fail('the flow succeeded');
}

const EXPECTED_PROOF: Record<string, string> = { symmetric: 'round-trip', hmac: 'mac', rsa: 'public-key', ec: 'public-key' };
const AWS_SPECS = IMPORTABLE_KEY_SPECS.filter((s) => !KEY_SPECS[s].chinaOnly);

describe('runImportFlow: every importable key spec', () => {
  for (const spec of AWS_SPECS) {
    test(`${spec}: create → parameters bundle → check → wrap → import → prove`, async () => {
      const m = material(spec);
      const secretHex = m.bytes.toString('hex');
      const events: StepEvent[] = [];
      const bundleDir = path.join(tmp, `all-${spec}`);
      const r = await runImportFlow({ provider, material: m, target: { create: { keySpec: spec, keyUsage: KEY_SPECS[spec].usages[0] } }, bundleDir, onStep: (e) => events.push(e) });

      assert.equal(r.ok, true, r.proof.detail);
      assert.equal(r.proof.holds, true);
      assert.equal(r.proof.method, EXPECTED_PROOF[KEY_SPECS[spec].kind]);
      assert.equal(r.keySpec, spec);
      assert.equal(r.createdKey, true);
      assert.equal(r.keyState, 'Enabled');
      assert.equal(r.expirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
      assert.equal(r.importAttempts, 1);
      assert.equal(r.reconciled, false);
      // Key material ids belong to symmetric keys (kms-api.md §5.4); others may have none.
      if (KEY_SPECS[spec].kind === 'symmetric') assert.match(r.keyMaterialId ?? '', /^[a-f0-9]{64}$/);
      else if (r.keyMaterialId !== undefined) assert.match(r.keyMaterialId, /^[a-f0-9]{64}$/);
      assert.equal(r.wrappingAlgorithm, KEY_SPECS[spec].kind === 'rsa' ? 'RSA_AES_KEY_WRAP_SHA_256' : 'RSAES_OAEP_SHA_256');
      assert.equal(r.wrappingKeySpec, 'RSA_4096');
      if (r.proof.method === 'round-trip') assert.equal(r.proof.keyMaterialId, r.keyMaterialId);

      // The key in KMS agrees.
      const d = await provider.describeKey(r.keyId);
      assert.equal(d.keyState, 'Enabled');
      assert.equal(d.currentKeyMaterialId, r.keyMaterialId);

      // The bundle folder is complete and reads back as the same parameters.
      assert.equal(r.bundleDir, bundleDir);
      assert.deepEqual((await fs.readdir(bundleDir)).sort(), ['ImportToken.bin', 'README.txt', 'WrappingPublicKey.bin', 'kms-import.json']);
      const b = await readBundle(bundleDir);
      assert.equal(b.keyArn, r.keyArn);
      assert.equal(b.wrappingAlgorithm, r.wrappingAlgorithm);
      assert.equal(b.validTo?.toISOString(), r.parametersValidTo?.toISOString());
      assert.equal((await fs.stat(path.join(bundleDir, 'ImportToken.bin'))).mode & 0o777, 0o600);

      // Events: every step ran once to done (create-key … prove), in order, and none carries the secret.
      const finished = events.filter((e) => e.status !== 'running').map((e) => `${e.id}:${e.status}`);
      assert.deepEqual(finished, ['create-key:done', 'download-parameters:done', 'check:done', 'wrap:done', 'import:done', 'prove:done']);
      assert.deepEqual(r.steps, events);
      for (const e of events) assert.ok(!(e.detail ?? '').toLowerCase().includes(secretHex.slice(0, 16)));
      // The material was zeroed.
      assert.ok(m.bytes.every((x) => x === 0));
    });
  }
});

describe('runImportFlow: choices and refusals', () => {
  test('China Region: SM4 and HMAC with RSAES_OAEP_SHA_256; RSA, ECC and SM2 private keys with SM2PKE by default, proven; RSA_AES refused before anything is created', async () => {
    const cn = await startRig({ region: 'cn-north-1' });
    try {
      const p = cn.provider();
      assert.equal(p.id, 'aws-cn');
      const r = await runImportFlow({ provider: p, material: material('SYMMETRIC_DEFAULT', { china: true }), target: { create: { keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' } }, bundleDir: path.join(tmp, 'cn-sm4') });
      assert.equal(r.ok, true);
      assert.equal(r.wrappingAlgorithm, 'RSAES_OAEP_SHA_256');
      assert.equal(r.proof.method, 'round-trip');
      assert.match(r.keyArn, /^arn:aws-cn:kms:cn-north-1:/);
      // Every importable private-key spec: the flow chooses SM2 + SM2PKE by itself and proves by GetPublicKey.
      for (const spec of ['SM2', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1'] as const) {
        const res = await runImportFlow({ provider: p, material: material(spec, { china: true }), target: { create: { keySpec: spec, keyUsage: 'SIGN_VERIFY' } }, bundleDir: path.join(tmp, `cn-${spec}`) });
        assert.equal(res.ok, true, `${spec}: ${res.proof.detail}`);
        assert.equal(res.wrappingAlgorithm, 'SM2PKE', spec);
        assert.equal(res.wrappingKeySpec, 'SM2', spec);
        assert.equal(res.proof.method, 'public-key', spec);
        assert.equal(readBundleSync(path.join(tmp, `cn-${spec}`)).wrappingKeySpec, 'SM2', `${spec}: the bundle holds the SM2 wrapping key`);
      }
      // HMAC keys there: wrapped with RSAES_OAEP_SHA_256 under RSA_4096 by default, proven by GenerateMac.
      for (const spec of ['HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512'] as const) {
        const res = await runImportFlow({ provider: p, material: material(spec, { china: true }), target: { create: { keySpec: spec, keyUsage: 'GENERATE_VERIFY_MAC' } } });
        assert.equal(res.ok, true, `${spec}: ${res.proof.detail}`);
        assert.equal(res.wrappingAlgorithm, 'RSAES_OAEP_SHA_256', spec);
        assert.equal(res.proof.method, 'mac', spec);
      }
      // RSA_AES is not offered in China Regions: refused with the rule's fix before a key is created or anything uploaded.
      const n0 = cn.sandbox.admin.requestCount('CreateKey');
      const i0 = cn.sandbox.admin.requestCount('ImportKeyMaterial');
      const e = await flowError(runImportFlow({ provider: p, material: material('RSA_2048', { china: true }), target: { create: { keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' } }, wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', wrappingKeySpec: 'RSA_4096' }));
      assert.equal(e.step, 'check');
      assert.match(e.fix, /SM2PKE/);
      assert.equal(cn.sandbox.admin.requestCount('CreateKey'), n0);
      assert.equal(cn.sandbox.admin.requestCount('ImportKeyMaterial'), i0);
    } finally {
      await cn.close();
    }
  });

  test('an existing key, parameters reused from a bundle folder, KEY_MATERIAL_EXPIRES with ValidTo', async () => {
    const key = await provider.createKey({ keySpec: 'ECC_NIST_P384', keyUsage: 'SIGN_VERIFY' });
    // First run stops after the parameters were downloaded (cancelled before the check).
    const ac = new AbortController();
    const dir = path.join(tmp, 'reuse');
    const e = await flowError(runImportFlow({ provider, material: material('ECC_NIST_P384'), target: { keyId: key.keyId }, bundleDir: dir, signal: ac.signal, onStep: (ev) => ev.id === 'download-parameters' && ev.status === 'done' && ac.abort() }));
    assert.equal(e.cancelled, true);
    const bundle = await readBundle(dir);
    const n0 = rig.sandbox.admin.requestCount('GetParametersForImport');
    const validTo = new Date(Date.now() + 7 * 86400_000);
    validTo.setMilliseconds(0);
    const r = await runImportFlow({ provider, material: material('ECC_NIST_P384'), target: { keyId: key.arn }, parameters: bundle, expiration: { model: 'KEY_MATERIAL_EXPIRES', validTo } });
    assert.equal(r.ok, true);
    assert.equal(r.createdKey, false);
    assert.equal(rig.sandbox.admin.requestCount('GetParametersForImport'), n0, 'no new download');
    assert.equal(r.steps.find((s) => s.id === 'download-parameters')?.status, 'skipped');
    const d = await provider.describeKey(key.keyId);
    assert.equal(d.expirationModel, 'KEY_MATERIAL_EXPIRES');
    assert.equal(d.validTo?.toISOString(), validTo.toISOString());
  });

  test('expired parameters are refused BEFORE anything is uploaded', async () => {
    const key = await provider.createKey({ keySpec: 'HMAC_512', keyUsage: 'GENERATE_VERIFY_MAC' });
    const dir = path.join(tmp, 'expired');
    const ac = new AbortController();
    await flowError(runImportFlow({ provider, material: material('HMAC_512'), target: { keyId: key.keyId }, bundleDir: dir, signal: ac.signal, onStep: (ev) => ev.id === 'download-parameters' && ev.status === 'done' && ac.abort() }));
    const bundle = await readBundle(dir);
    const n0 = rig.sandbox.admin.requestCount('ImportKeyMaterial');
    const later = new Date(bundle.validTo!.getTime() + 60_000);
    const e = await flowError(runImportFlow({ provider, material: material('HMAC_512'), target: { keyId: key.keyId }, parameters: bundle, now: () => later }));
    assert.equal(e.code, 'PARAMETERS_EXPIRED');
    assert.equal(e.step, 'import');
    assert.equal(e.extra.landed, false);
    assert.match(e.message, /expired .* ago.*Nothing was uploaded/);
    assert.match(e.fix, /Download new parameters/);
    assert.equal(rig.sandbox.admin.requestCount('ImportKeyMaterial'), n0);
    // … and parameters with only a minute left too.
    const almost = new Date(bundle.validTo!.getTime() - 60_000);
    const e2 = await flowError(runImportFlow({ provider, material: material('HMAC_512'), target: { keyId: key.keyId }, parameters: bundle, now: () => almost }));
    assert.equal(e2.code, 'PARAMETERS_EXPIRED');
    assert.match(e2.message, /expire too soon/);
    assert.equal(rig.sandbox.admin.requestCount('ImportKeyMaterial'), n0);
    assert.equal((await provider.describeKey(key.keyId)).keyState, 'PendingImport');
  });

  test('the sandbox refuses an expired token the flow could not know about: mapped, with download-parameters next', async () => {
    const ac = new AbortController();
    const events: StepEvent[] = [];
    const e = await flowError(
      runImportFlow({
        provider,
        material: material('SYMMETRIC_DEFAULT'),
        target: { create: { keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' } },
        signal: ac.signal,
        onStep: (ev) => {
          events.push(ev);
          if (ev.id === 'wrap' && ev.status === 'done') rig.sandbox.admin.setClockOffset(25 * 3600_000);
        },
      }),
    ).finally(() => rig.sandbox.admin.setClockOffset(0));
    assert.equal(e.step, 'import');
    assert.equal(e.code, 'ExpiredImportTokenException');
    assert.equal(e.extra.provider?.nextStep, 'download-parameters');
    assert.equal(e.extra.landed, false);
    assert.deepEqual(events.at(-1)?.id, 'import');
    assert.deepEqual(events.at(-1)?.status, 'failed');
  });

  test('an incompatible choice is refused before a key is created', async () => {
    const n0 = rig.sandbox.admin.requestCount('CreateKey');
    const e = await flowError(runImportFlow({ provider, material: material('RSA_2048'), target: { create: { keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' } }, wrappingAlgorithm: 'RSAES_OAEP_SHA_256' }));
    assert.equal(e.step, 'check');
    assert.equal(e.code, 'RSA_NEEDS_RSA_AES');
    assert.match(e.fix, /RSA_AES_KEY_WRAP_SHA_256/);
    const e2 = await flowError(runImportFlow({ provider, material: material('HMAC_256'), target: { create: { keySpec: 'HMAC_384', keyUsage: 'GENERATE_VERIFY_MAC' } } }));
    assert.equal(e2.code, 'HMAC_LENGTH');
    assert.equal(rig.sandbox.admin.requestCount('CreateKey'), n0);
  });

  test('material that does not match an existing key is refused at the check, nothing uploaded', async () => {
    const key = await provider.createKey({ keySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY' });
    const n0 = rig.sandbox.admin.requestCount('ImportKeyMaterial');
    const e = await flowError(runImportFlow({ provider, material: material('ECC_SECG_P256K1'), target: { keyId: key.keyId } }));
    assert.equal(e.step, 'check');
    assert.equal(e.code, 'CURVE_MISMATCH');
    assert.equal(rig.sandbox.admin.requestCount('ImportKeyMaterial'), n0);
  });

  test('a key that does not take imported material, and a bundle folder that is not empty, are refused', async () => {
    const [generated] = await rig.sandbox.admin.seedKeys(1, { origin: 'AWS_KMS', state: 'Enabled' });
    const e = await flowError(runImportFlow({ provider, material: material('SYMMETRIC_DEFAULT'), target: { keyId: generated } }));
    assert.equal(e.code, 'KEY_NOT_EXTERNAL');
    assert.equal(e.step, 'create-key');

    const busy = path.join(tmp, 'busy');
    await fs.mkdir(busy);
    await fs.writeFile(path.join(busy, 'other.txt'), 'x');
    const key = await provider.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' });
    const e2 = await flowError(runImportFlow({ provider, material: material('SYMMETRIC_DEFAULT'), target: { keyId: key.keyId }, bundleDir: busy }));
    assert.equal(e2.code, 'BUNDLE_DIR_NOT_EMPTY');
    assert.deepEqual(await fs.readdir(busy), ['other.txt']);
    // Creating a key into a folder that is not empty is refused before CreateKey: no key is left pending import.
    const n0 = rig.sandbox.admin.requestCount('CreateKey');
    const e3 = await flowError(runImportFlow({ provider, material: material('SYMMETRIC_DEFAULT'), target: { create: { keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' } }, bundleDir: busy }));
    assert.equal(e3.code, 'BUNDLE_DIR_NOT_EMPTY');
    assert.equal(rig.sandbox.admin.requestCount('CreateKey'), n0);
    assert.deepEqual(await fs.readdir(busy), ['other.txt']);
  });

  test('keepMaterial leaves the bytes to the caller', async () => {
    const m = material('HMAC_224');
    const copy = Buffer.from(m.bytes);
    const r = await runImportFlow({ provider, material: m, target: { create: { keySpec: 'HMAC_224', keyUsage: 'GENERATE_VERIFY_MAC' } }, keepMaterial: true });
    assert.equal(r.ok, true);
    assert.deepEqual(m.bytes, copy);
    m.dispose();
  });

  test('a re-import of the same material into an Enabled HMAC key succeeds; different material is IncorrectKeyMaterial with what differs', async () => {
    const m = material('HMAC_256');
    const keep = Buffer.from(m.bytes);
    const r = await runImportFlow({ provider, material: m, target: { create: { keySpec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC' } } });
    const { parseMaterial } = await import('../../src/core/material');
    const again = await runImportFlow({ provider, material: parseMaterial(keep), target: { keyId: r.keyId } });
    assert.equal(again.ok, true);
    keep.fill(0);
    const e = await flowError(runImportFlow({ provider, material: material('HMAC_256'), target: { keyId: r.keyId } }));
    assert.equal(e.code, 'IncorrectKeyMaterialException');
    assert.match(e.message, /different/);
    assert.equal(e.extra.provider?.nextStep, 'choose-material');
  });
});
