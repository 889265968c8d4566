// Rotation of imported symmetric material: NEW material, RotateKeyOnDemand, proof with the new key
// material id; multi-Region: primary NEW, replicas EXISTING, then rotate — and the wrong order refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KMSClient, ReplicateKeyCommand } from '@aws-sdk/client-kms';
import { parseMaterial } from '../../src/core/material';
import { runImportFlow } from '../../src/flow/importFlow';
import { rotateImportedMaterial } from '../../src/flow/rotation';
import type { KmsProvider } from '../../src/providers/types';
import { isProviderError } from '../../src/providers/types';
import { material, startRig, type Rig } from './flow-support';

let rig: Rig;
let provider: KmsProvider;
before(async () => {
  rig = await startRig();
  provider = rig.provider();
});
after(async () => rig.close());

async function replicate(keyId: string, region: string): Promise<void> {
  const kms = new KMSClient({ endpoint: rig.sandbox.endpoint, region: rig.sandbox.region, credentials: rig.sandbox.credentials });
  try {
    await kms.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: region }));
  } finally {
    kms.destroy();
  }
}

describe('rotateImportedMaterial', () => {
  test('single-Region: NEW material, rotate, and Encrypt/Decrypt now use the new key material id', async () => {
    const first = await runImportFlow({ provider, material: material('SYMMETRIC_DEFAULT'), target: { create: { keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' } } });
    const steps: string[] = [];
    const r = await rotateImportedMaterial({ provider, keyId: first.keyId, material: material('SYMMETRIC_DEFAULT'), onStep: (e) => e.status !== 'running' && steps.push(`${e.target}:${e.id}:${e.status}`) });
    assert.equal(r.ok, true, r.proof.detail);
    assert.equal(r.rotated, true);
    assert.equal(r.primary.importType, 'NEW_KEY_MATERIAL');
    assert.match(r.keyMaterialId ?? '', /^[a-f0-9]{64}$/);
    assert.notEqual(r.keyMaterialId, first.keyMaterialId);
    assert.equal(r.proof.method, 'round-trip');
    assert.equal(r.proof.method === 'round-trip' && r.proof.keyMaterialId, r.keyMaterialId);
    assert.equal((await provider.describeKey(first.keyId)).currentKeyMaterialId, r.keyMaterialId);
    const states = new Map((await provider.listKeyMaterials(first.keyId)).map((m) => [m.keyMaterialId, m.keyMaterialState]));
    assert.equal(states.get(first.keyMaterialId!), 'NON_CURRENT');
    assert.equal(states.get(r.keyMaterialId!), 'CURRENT');
    assert.ok(steps.includes(`${provider.region}:import:done`));
  });

  test('refuses asymmetric and HMAC keys (they cannot take new material)', async () => {
    const hmac = await runImportFlow({ provider, material: material('HMAC_256'), target: { create: { keySpec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC' } } });
    const m = material('HMAC_256');
    await assert.rejects(rotateImportedMaterial({ provider, keyId: hmac.keyId, material: m }), (e: Error & { code?: string }) => e.code === 'ROTATION_SYMMETRIC_ONLY');
    assert.ok(m.bytes.every((x) => x === 0));
  });

  test('multi-Region: primary NEW, replica EXISTING, then rotate; the replica decrypts what the primary encrypts with the new material', async () => {
    const keep = material('SYMMETRIC_DEFAULT');
    const firstBytes = Buffer.from(keep.bytes);
    const primary = await runImportFlow({ provider, material: keep, target: { create: { keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', multiRegion: true } } });
    assert.match(primary.keyId, /^mrk-/);
    const replicaRegion = 'us-west-2';
    await replicate(primary.keyId, replicaRegion);
    const replicaProvider = rig.provider({ region: replicaRegion });
    // The replica starts without material: import the primary's (first) material into it.
    const rep = await runImportFlow({ provider: replicaProvider, material: parseMaterial(firstBytes), target: { keyId: primary.keyId } });
    firstBytes.fill(0);
    assert.equal(rep.ok, true, rep.proof.detail);

    // Forgetting the replica is refused before anything is uploaded.
    const n0 = rig.sandbox.admin.requestCount('ImportKeyMaterial');
    await assert.rejects(rotateImportedMaterial({ provider, keyId: primary.keyId, material: material('SYMMETRIC_DEFAULT') }), (e: Error & { code?: string }) => e.code === 'ROTATION_REPLICAS_MISSING' && e.message.includes(replicaRegion));
    assert.equal(rig.sandbox.admin.requestCount('ImportKeyMaterial'), n0);

    // Done by hand in the wrong order, KMS itself refuses the rotation; the mapped error says what to do.
    const early = await runImportFlow({ provider, material: material('SYMMETRIC_DEFAULT'), target: { keyId: primary.keyId }, importType: 'NEW_KEY_MATERIAL', prove: false });
    const refused = await provider.rotateKeyOnDemand(primary.keyId).then(() => undefined, (e) => e);
    assert.ok(isProviderError(refused));
    assert.equal(refused.info.name, 'KMSInvalidStateException');
    assert.match(refused.info.action, /into every replica .*then rotate again/);
    // Recover: delete the pending material, then rotate in the right order.
    await provider.deleteImportedKeyMaterial(primary.keyId, early.keyMaterialId);

    const fresh = await rotateImportedMaterial({ provider, keyId: primary.keyId, material: material('SYMMETRIC_DEFAULT'), replicas: [{ provider: replicaProvider, keyId: primary.keyId }] });
    assert.equal(fresh.ok, true, fresh.proof.detail);
    assert.equal(fresh.replicas.length, 1);
    assert.equal(fresh.replicas[0].importType, 'EXISTING_KEY_MATERIAL');
    assert.equal(fresh.replicas[0].keyMaterialId, fresh.keyMaterialId);
    const ct = await provider.encrypt(primary.keyId, Buffer.from('multi-Region'));
    const dec = await replicaProvider.decrypt(ct, primary.keyId);
    assert.equal(dec.plaintext.toString(), 'multi-Region');
    assert.equal(dec.keyMaterialId, fresh.keyMaterialId);
  });
});
