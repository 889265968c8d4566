// Rotation of imported symmetric key material (ImportType, KeyMaterialId, KeyMaterialDescription,
// ListKeyRotations, RotateKeyOnDemand) and multi-Region primaries and replicas, through the real SDK.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import {
  CreateKeyCommand,
  DecryptCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  EncryptCommand,
  ListKeyRotationsCommand,
  ReplicateKeyCommand,
  RotateKeyOnDemandCommand,
  paginateListKeyRotations,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { startTestSandbox, type TestSandbox } from '../support/sandbox';
import { createExternalKey, importInto, rejection } from '../support/sandboxImport';

let t: TestSandbox;
before(async () => {
  t = await startTestSandbox();
});
after(async () => {
  await t.close();
});

const rotations = async (kms: KMSClient, keyId: string, all = true) =>
  (await kms.send(new ListKeyRotationsCommand({ KeyId: keyId, IncludeKeyMaterial: all ? 'ALL_KEY_MATERIAL' : 'ROTATIONS_ONLY' }))).Rotations!;
const state = async (kms: KMSClient, keyId: string) => (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
const encrypt = async (kms: KMSClient, keyId: string, text: string) => Buffer.from((await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(text) }))).CiphertextBlob!);
const decrypt = async (kms: KMSClient, blob: Buffer) => {
  const r = await kms.send(new DecryptCommand({ CiphertextBlob: blob }));
  return { text: Buffer.from(r.Plaintext!).toString(), materialId: r.KeyMaterialId };
};

describe('symmetric rotation of imported material', () => {
  test('NEW / EXISTING defaults, KeyMaterialId, states, RotateKeyOnDemand, decrypt with non-current material', async () => {
    const keyId = await createExternalKey(t.kms, 'SYMMETRIC_DEFAULT');
    const [m1, m2, m3] = [crypto.randomBytes(32), crypto.randomBytes(32), crypto.randomBytes(32)];
    const id1 = (await importInto(t.kms, keyId, m1, { input: { KeyMaterialDescription: 'first one' } })).KeyMaterialId!;
    assert.match(id1, /^[0-9a-f]{64}$/);
    assert.equal((await state(t.kms, keyId)).CurrentKeyMaterialId, id1);
    const c1 = await encrypt(t.kms, keyId, 'under material one');

    // Omitting ImportType after the first import means EXISTING: the same material reimports and keeps its id.
    assert.equal((await importInto(t.kms, keyId, m1)).KeyMaterialId, id1);
    const unknown = await rejection(importInto(t.kms, keyId, m2));
    assert.equal(unknown.name, 'IncorrectKeyMaterialException');
    assert.match(unknown.message, /not the same key material/);

    const id2 = (await importInto(t.kms, keyId, m2, { input: { ImportType: 'NEW_KEY_MATERIAL', KeyMaterialDescription: 'second one' } })).KeyMaterialId!;
    assert.notEqual(id2, id1);
    assert.deepEqual(
      (await rotations(t.kms, keyId)).map((r) => [r.KeyMaterialId, r.KeyMaterialState, r.ImportState, r.KeyMaterialDescription, r.ExpirationModel, r.RotationDate, r.RotationType]),
      [
        [id1, 'CURRENT', 'IMPORTED', 'first one', 'KEY_MATERIAL_DOES_NOT_EXPIRE', undefined, undefined],
        [id2, 'PENDING_ROTATION', 'IMPORTED', 'second one', 'KEY_MATERIAL_DOES_NOT_EXPIRE', undefined, undefined],
      ],
    );
    assert.deepEqual(await rotations(t.kms, keyId, false), []);

    const again = await rejection(importInto(t.kms, keyId, m1, { input: { ImportType: 'NEW_KEY_MATERIAL' } }));
    assert.equal(again.name, 'IncorrectKeyMaterialException');
    assert.match(again.message, /already associated/);
    const second = await rejection(importInto(t.kms, keyId, m3, { input: { ImportType: 'NEW_KEY_MATERIAL' } }));
    assert.equal(second.name, 'KMSInvalidStateException');
    const withId = await rejection(importInto(t.kms, keyId, m3, { input: { ImportType: 'NEW_KEY_MATERIAL', KeyMaterialId: id1 } }));
    assert.equal(withId.name, 'ValidationException');
    const mismatch = await rejection(importInto(t.kms, keyId, m1, { input: { ImportType: 'EXISTING_KEY_MATERIAL', KeyMaterialId: id2 } }));
    assert.equal(mismatch.name, 'IncorrectKeyMaterialException');
    assert.equal((await importInto(t.kms, keyId, m1, { input: { ImportType: 'EXISTING_KEY_MATERIAL', KeyMaterialId: id1 } })).KeyMaterialId, id1);

    assert.equal((await t.kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }))).KeyId, keyId);
    assert.equal((await state(t.kms, keyId)).CurrentKeyMaterialId, id2);
    const rotated = await rotations(t.kms, keyId, false);
    assert.deepEqual(rotated.map((r) => [r.KeyMaterialId, r.KeyMaterialState, r.RotationType]), [[id2, 'CURRENT', 'ON_DEMAND']]);
    assert.ok(Math.abs(rotated[0].RotationDate!.getTime() - Date.now()) < 60e3);
    assert.deepEqual((await rotations(t.kms, keyId)).map((r) => [r.KeyMaterialId, r.KeyMaterialState]), [[id1, 'NON_CURRENT'], [id2, 'CURRENT']]);

    const c2 = await encrypt(t.kms, keyId, 'under material two');
    assert.deepEqual(await decrypt(t.kms, c1), { text: 'under material one', materialId: id1 });
    assert.deepEqual(await decrypt(t.kms, c2), { text: 'under material two', materialId: id2 });
    const noPending = await rejection(t.kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId })));
    assert.equal(noPending.name, 'KMSInvalidStateException');
    assert.match(noPending.message, /NEW_KEY_MATERIAL/);

    // Deleting any associated material makes the key PendingImport until it is reimported.
    const del = await t.kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: keyId, KeyMaterialId: id1 }));
    assert.equal(del.KeyMaterialId, id1);
    assert.equal((await state(t.kms, keyId)).KeyState, 'PendingImport');
    assert.equal((await rejection(decrypt(t.kms, c2))).name, 'KMSInvalidStateException');
    assert.deepEqual((await rotations(t.kms, keyId)).map((r) => r.ImportState), ['PENDING_IMPORT', 'IMPORTED']);
    await importInto(t.kms, keyId, m1, { input: { KeyMaterialId: id1 } });
    assert.equal((await state(t.kms, keyId)).KeyState, 'Enabled');
    assert.equal((await decrypt(t.kms, c1)).text, 'under material one');

    // Pending material is not permanently associated: delete it and import other material in its place.
    const id3 = (await importInto(t.kms, keyId, m3, { input: { ImportType: 'NEW_KEY_MATERIAL' } })).KeyMaterialId!;
    await t.kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: keyId, KeyMaterialId: id3 }));
    assert.equal((await state(t.kms, keyId)).KeyState, 'Enabled');
    assert.deepEqual((await rotations(t.kms, keyId)).map((r) => r.KeyMaterialId), [id1, id2]);
  });

  test('KeyMaterialId is derived from key id and material', async () => {
    const m = crypto.randomBytes(32);
    const a = await createExternalKey(t.kms, 'SYMMETRIC_DEFAULT');
    const b = await createExternalKey(t.kms, 'SYMMETRIC_DEFAULT');
    const ia = (await importInto(t.kms, a, m)).KeyMaterialId;
    const ib = (await importInto(t.kms, b, m)).KeyMaterialId;
    assert.notEqual(ia, ib);
    await t.kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: a }));
    assert.equal((await importInto(t.kms, a, m)).KeyMaterialId, ia);
  });

  test('rotation is for symmetric keys only; at most 25 on-demand rotations (LimitExceededException)', async () => {
    const hmacKey = await createExternalKey(t.kms, 'HMAC_256');
    assert.equal((await rejection(t.kms.send(new RotateKeyOnDemandCommand({ KeyId: hmacKey })))).name, 'UnsupportedOperationException');
    assert.equal((await rejection(t.kms.send(new ListKeyRotationsCommand({ KeyId: hmacKey })))).name, 'UnsupportedOperationException');
    const k = (await t.kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    for (let i = 0; i < 25; i++) await t.kms.send(new RotateKeyOnDemandCommand({ KeyId: k }));
    const once = t.clientFor(t.sandbox.region, { maxAttempts: 1 });
    const e = await rejection(once.send(new RotateKeyOnDemandCommand({ KeyId: k })));
    assert.equal(e.name, 'LimitExceededException');
    const pages: number[] = [];
    for await (const p of paginateListKeyRotations({ client: t.kms, pageSize: 10 }, { KeyId: k })) pages.push(p.Rotations!.length);
    assert.deepEqual(pages, [10, 10, 5]);
  });
});

describe('multi-Region keys with imported material', () => {
  test('replica gets the same material as EXISTING; new material goes into the primary, then every replica, then rotates', async () => {
    const east = t.kms;
    const west = t.clientFor('us-west-2');
    const keyId = await createExternalKey(east, 'SYMMETRIC_DEFAULT', { multiRegion: true });
    const [m1, m2] = [crypto.randomBytes(32), crypto.randomBytes(32)];
    const id1 = (await importInto(east, keyId, m1)).KeyMaterialId!;
    const rep = await east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'us-west-2', Description: 'west replica' }));
    assert.equal(rep.ReplicaKeyMetadata!.KeyState, 'PendingImport');
    assert.equal(rep.ReplicaKeyMetadata!.Arn, `arn:aws:kms:us-west-2:111122223333:key/${keyId}`);
    assert.equal(rep.ReplicaKeyMetadata!.MultiRegionConfiguration!.MultiRegionKeyType, 'REPLICA');
    assert.deepEqual((await state(east, keyId)).MultiRegionConfiguration!.ReplicaKeys, [{ Arn: rep.ReplicaKeyMetadata!.Arn, Region: 'us-west-2' }]);
    assert.equal((await rejection(east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'us-west-2' })))).name, 'AlreadyExistsException');
    assert.deepEqual((await rotations(west, keyId)).map((r) => [r.KeyMaterialId, r.ImportState]), [[id1, 'PENDING_IMPORT']]);

    assert.equal((await rejection(importInto(west, keyId, m1, { input: { ImportType: 'NEW_KEY_MATERIAL' } }))).name, 'UnsupportedOperationException');
    assert.equal((await rejection(importInto(west, keyId, m2))).name, 'IncorrectKeyMaterialException');
    assert.equal((await importInto(west, keyId, m1)).KeyMaterialId, id1);
    assert.equal((await state(west, keyId)).KeyState, 'Enabled');
    const fromEast = await encrypt(east, keyId, 'encrypted in us-east-1');
    assert.equal((await decrypt(west, fromEast)).text, 'encrypted in us-east-1');

    const id2 = (await importInto(east, keyId, m2, { input: { ImportType: 'NEW_KEY_MATERIAL' } })).KeyMaterialId!;
    assert.equal((await rotations(east, keyId)).find((r) => r.KeyMaterialId === id2)!.KeyMaterialState, 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION');
    const early = await rejection(east.send(new RotateKeyOnDemandCommand({ KeyId: keyId })));
    assert.equal(early.name, 'KMSInvalidStateException');
    assert.match(early.message, /replica/);
    await importInto(west, keyId, m2, { input: { ImportType: 'EXISTING_KEY_MATERIAL' } });
    assert.equal((await rotations(east, keyId)).find((r) => r.KeyMaterialId === id2)!.KeyMaterialState, 'PENDING_ROTATION');
    assert.equal((await rejection(west.send(new RotateKeyOnDemandCommand({ KeyId: keyId })))).name, 'UnsupportedOperationException');
    await east.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    assert.equal((await state(east, keyId)).CurrentKeyMaterialId, id2);
    assert.equal((await state(west, keyId)).CurrentKeyMaterialId, id2);
    const fromWest = await encrypt(west, keyId, 'encrypted in us-west-2');
    assert.deepEqual(await decrypt(east, fromWest), { text: 'encrypted in us-west-2', materialId: id2 });
    assert.deepEqual(await decrypt(west, fromEast), { text: 'encrypted in us-east-1', materialId: id1 });
  });
});
