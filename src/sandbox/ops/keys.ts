// The key-lifecycle operations: CreateKey (spec, usage and origin checked as AWS does), DescribeKey, ListKeys,
// UpdateKeyDescription, EnableKey/DisableKey, ScheduleKeyDeletion/CancelKeyDeletion (7–30 days; never a
// primary with live replicas), ReplicateKey (multi-Region primaries only, same partition), tags (no 'aws:'
// prefix, no duplicates, at most 50) and aliases (alias/ prefix, never alias/aws/, one per name and Region).
// Every state change is saved before the response is sent.
import * as crypto from 'node:crypto';
import { kmsError, validation } from '../errors';
import { isChinaRegion, partitionOf, specClass, usagesFor, type Req } from '../model';
import type { AliasRecord, KeyRecord } from '../store';
import { DAY, secs, type Handlers } from './core';

export type KeyOperation =
  | 'CreateKey'
  | 'DescribeKey'
  | 'ListKeys'
  | 'UpdateKeyDescription'
  | 'EnableKey'
  | 'DisableKey'
  | 'ScheduleKeyDeletion'
  | 'CancelKeyDeletion'
  | 'ReplicateKey'
  | 'TagResource'
  | 'UntagResource'
  | 'ListResourceTags'
  | 'CreateAlias'
  | 'DeleteAlias'
  | 'ListAliases';

export const KEY_OPERATIONS = {
  async CreateKey(s, p, region) {
    const { spec, usage, origin } = keySpecAndUsage(p, region);
    const tags = p.Tags ?? [];
    validateTags(tags, 0);
    validatePolicy(p.Policy);
    const keyId = newKeyId(p.MultiRegion === true);
    const k: KeyRecord = {
      keyId,
      region,
      arn: s.arn(region, keyId),
      accountId: s.opts.accountId,
      creationDate: s.now(),
      description: p.Description ?? '',
      keySpec: spec,
      keyUsage: usage,
      origin,
      state: origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled',
      enabledWanted: true,
      multiRegion: p.MultiRegion === true,
      multiRegionType: p.MultiRegion === true ? 'PRIMARY' : undefined,
      replicaRegions: p.MultiRegion === true ? [] : undefined,
      tags: tags.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue })),
      policy: p.Policy,
      materials: [],
      rotationsOnDemand: 0,
      everImported: false,
    };
    if (origin === 'AWS_KMS') await s.addGeneratedMaterial(k, region);
    s.store.keys.set(`${region}/${keyId}`, k);
    await s.store.save();
    return { KeyMetadata: s.metadata(k) };
  },

  DescribeKey(s, p, region) {
    return { KeyMetadata: s.metadata(s.resolve(p.KeyId, region)) };
  },

  ListKeys(s, p, region) {
    const pg = s.page(s.regionKeys(region), p, 100, 1000, `keys:${region}`);
    return { Keys: pg.items.map((k) => ({ KeyId: k.keyId, KeyArn: k.arn })), Truncated: pg.Truncated, ...(pg.NextMarker ? { NextMarker: pg.NextMarker } : {}) };
  },

  async UpdateKeyDescription(s, p, region) {
    const k = s.resolve(p.KeyId, region, false);
    s.notDeleting(k);
    k.description = p.Description;
    await s.store.save();
    return {};
  },

  async EnableKey(s, p, region) {
    const k = s.resolve(p.KeyId, region, false);
    if (k.state === 'PendingImport' || k.state === 'PendingDeletion') throw s.stateError(k);
    k.state = 'Enabled';
    k.enabledWanted = true;
    await s.store.save();
    return {};
  },

  async DisableKey(s, p, region) {
    const k = s.resolve(p.KeyId, region, false);
    if (k.state === 'PendingImport' || k.state === 'PendingDeletion') throw s.stateError(k);
    k.state = 'Disabled';
    k.enabledWanted = false;
    await s.store.save();
    return {};
  },

  async ScheduleKeyDeletion(s, p, region) {
    const k = s.resolve(p.KeyId, region, false);
    if (k.state === 'PendingDeletion') throw s.stateError(k);
    const days = p.PendingWindowInDays ?? 30;
    if (days < 7 || days > 30) throw validation(`PendingWindowInDays must be between 7 and 30 (inclusive); got ${days}.`);
    if (k.multiRegionType === 'PRIMARY' && (k.replicaRegions ?? []).some((r) => s.get(r, k.keyId))) {
      throw kmsError('UnsupportedOperationException', `${k.arn} is a multi-Region primary key with replicas (${k.replicaRegions!.join(', ')}); schedule deletion of the replicas first.`);
    }
    k.state = 'PendingDeletion';
    k.deletionDate = s.now() + days * DAY;
    k.pendingWindowInDays = days;
    await s.store.save();
    return { KeyId: k.arn, DeletionDate: secs(k.deletionDate), KeyState: k.state, PendingWindowInDays: days };
  },

  async CancelKeyDeletion(s, p, region) {
    const k = s.resolve(p.KeyId, region, false);
    if (k.state !== 'PendingDeletion') throw s.stateError(k);
    delete k.deletionDate;
    delete k.pendingWindowInDays;
    k.state = 'Disabled';
    k.enabledWanted = false;
    s.updateImportState(k);
    await s.store.save();
    return { KeyId: k.arn };
  },

  async ReplicateKey(s, p, region) {
    const k = s.resolve(p.KeyId, region, false);
    if (k.multiRegionType !== 'PRIMARY') throw kmsError('UnsupportedOperationException', `${k.arn} is not a multi-Region primary key; only multi-Region primary keys can be replicated.`);
    s.notDeleting(k);
    const target = p.ReplicaRegion;
    if (target === region) throw validation(`ReplicaRegion ${target} is the primary key's own Region.`);
    if (!s.regionServed(target)) throw validation(`ReplicaRegion ${target} is not in the same partition as ${region}.`);
    if (s.get(target, k.keyId)) throw kmsError('AlreadyExistsException', `A replica of ${k.arn} already exists in ${target}.`);
    const tags = p.Tags ?? [];
    validateTags(tags, 0);
    validatePolicy(p.Policy);
    const rep: KeyRecord = {
      ...k,
      region: target,
      arn: s.arn(target, k.keyId),
      creationDate: s.now(),
      description: p.Description ?? k.description,
      state: k.origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled',
      enabledWanted: true,
      multiRegionType: 'REPLICA',
      primaryRegion: region,
      replicaRegions: undefined,
      tags: tags.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue })),
      policy: p.Policy,
      materials:
        k.origin === 'EXTERNAL'
          ? k.materials.filter((m) => m.state === 'CURRENT' || m.state === 'NON_CURRENT').map((m) => ({ id: m.id, state: m.state, description: m.description, rotationDate: m.rotationDate, rotationType: m.rotationType }))
          : k.materials.map((m) => ({ ...m })),
      rotationsOnDemand: 0,
      everImported: false,
      deletionDate: undefined,
      pendingWindowInDays: undefined,
    };
    if (k.origin === 'EXTERNAL' && rep.materials.length === 0) rep.publicKey = undefined;
    s.store.keys.set(`${target}/${k.keyId}`, rep);
    k.replicaRegions = [...(k.replicaRegions ?? []), target];
    for (const m of k.materials) if (m.state === 'PENDING_ROTATION') m.state = 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION';
    await s.store.save();
    return { ReplicaKeyMetadata: s.metadata(rep), ReplicaPolicy: rep.policy ?? defaultPolicy(s.opts.accountId, partitionOf(target)), ReplicaTags: rep.tags };
  },

  async TagResource(s, p, region) {
    const k = s.resolve(p.KeyId, region, false);
    s.notDeleting(k);
    const tags = p.Tags;
    const fresh = tags.filter((t) => !k.tags.some((x) => x.TagKey === t.TagKey)).length;
    validateTags(tags, k.tags.length + fresh - tags.length);
    for (const t of tags) {
      const e = k.tags.find((x) => x.TagKey === t.TagKey);
      if (e) e.TagValue = t.TagValue;
      else k.tags.push({ TagKey: t.TagKey, TagValue: t.TagValue });
    }
    await s.store.save();
    return {};
  },

  async UntagResource(s, p, region) {
    const k = s.resolve(p.KeyId, region, false);
    s.notDeleting(k);
    const keys = p.TagKeys;
    for (const key of keys) if (key.toLowerCase().startsWith('aws:')) throw kmsError('TagException', `Tag key '${key}' uses the reserved prefix 'aws:'.`);
    k.tags = k.tags.filter((t) => !keys.includes(t.TagKey));
    await s.store.save();
    return {};
  },

  ListResourceTags(s, p, region) {
    const k = s.resolve(p.KeyId, region, false);
    const pg = s.page(k.tags, p, 50, 50, `tags:${k.arn}`);
    return { Tags: pg.items, Truncated: pg.Truncated, ...(pg.NextMarker ? { NextMarker: pg.NextMarker } : {}) };
  },

  async CreateAlias(s, p, region) {
    const name = p.AliasName;
    checkAliasName(name);
    const target = p.TargetKeyId;
    if (target.startsWith('alias/') || /:alias\//.test(target)) throw validation('TargetKeyId must be a key ID or key ARN, not an alias.');
    const k = s.resolve(target, region, false);
    s.notDeleting(k);
    if (s.store.aliases.has(`${region}/${name}`)) throw kmsError('AlreadyExistsException', `An alias with the name ${s.aliasArn(region, name)} already exists`);
    const now = s.now();
    const a: AliasRecord = { aliasName: name, region, targetKeyId: k.keyId, creationDate: now, lastUpdatedDate: now };
    s.store.aliases.set(`${region}/${name}`, a);
    await s.store.save();
    return {};
  },

  async DeleteAlias(s, p, region) {
    const name = p.AliasName;
    checkAliasName(name);
    if (!s.store.aliases.delete(`${region}/${name}`)) throw kmsError('NotFoundException', `Alias ${s.aliasArn(region, name)} is not found.`);
    await s.store.save();
    return {};
  },

  ListAliases(s, p, region) {
    let aliases = [...s.store.aliases.values()].filter((a) => a.region === region);
    for (const a of aliases) {
      const k = s.get(region, a.targetKeyId);
      if (k) s.refresh(k);
    }
    aliases = [...s.store.aliases.values()].filter((a) => a.region === region);
    let scope = `aliases:${region}`;
    if (p.KeyId !== undefined) {
      const k = s.resolve(p.KeyId, region, false);
      aliases = aliases.filter((a) => a.targetKeyId === k.keyId);
      scope += `:${k.keyId}`;
    }
    const pg = s.page(aliases, p, 50, 100, scope);
    return {
      Aliases: pg.items.map((a) => ({ AliasName: a.aliasName, AliasArn: s.aliasArn(region, a.aliasName), TargetKeyId: a.targetKeyId, CreationDate: secs(a.creationDate), LastUpdatedDate: secs(a.lastUpdatedDate) })),
      Truncated: pg.Truncated,
      ...(pg.NextMarker ? { NextMarker: pg.NextMarker } : {}),
    };
  },
} satisfies Handlers<KeyOperation>;

function validateTags(tags: ReadonlyArray<{ readonly TagKey: string; readonly TagValue: string }> | undefined, existing: number): void {
  if (!tags) return;
  const seen = new Set<string>();
  for (const t of tags) {
    if (t.TagKey.toLowerCase().startsWith('aws:')) throw kmsError('TagException', `Tag key '${t.TagKey}' uses the reserved prefix 'aws:'.`);
    if (seen.has(t.TagKey)) throw kmsError('TagException', `Duplicate tag key '${t.TagKey}' in the request.`);
    seen.add(t.TagKey);
  }
  if (existing + tags.length > 50) throw kmsError('LimitExceededException', 'A KMS key can have at most 50 tags.');
}

function validatePolicy(policy: string | undefined): void {
  if (policy === undefined) return;
  try {
    const doc = JSON.parse(policy);
    if (typeof doc !== 'object' || doc === null || !('Statement' in doc)) throw new Error('no Statement');
  } catch {
    throw kmsError('MalformedPolicyDocumentException', 'The key policy is not a JSON policy document with a Statement.');
  }
}

function newKeyId(multiRegion: boolean): string {
  return multiRegion ? 'mrk-' + crypto.randomBytes(16).toString('hex') : crypto.randomUUID();
}

/** Validates CreateKey parameters and returns the spec and usage. */
function keySpecAndUsage(p: Req<'CreateKey'>, region: string): { spec: string; usage: string; origin: 'AWS_KMS' | 'EXTERNAL' } {
  if (p.KeySpec !== undefined && p.CustomerMasterKeySpec !== undefined) throw validation('You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec parameter is deprecated. Use KeySpec parameter.');
  const spec: string = p.KeySpec ?? p.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
  const origin = p.Origin ?? 'AWS_KMS';
  if (origin === 'AWS_CLOUDHSM' || origin === 'EXTERNAL_KEY_STORE' || p.CustomKeyStoreId !== undefined) throw kmsError('CustomKeyStoreNotFoundException', 'The KMS sandbox has no custom key stores: use Origin AWS_KMS or EXTERNAL.');
  if (p.XksKeyId !== undefined) throw kmsError('UnsupportedOperationException', 'XksKeyId is valid only with Origin EXTERNAL_KEY_STORE.');
  const cls = specClass(spec);
  if (cls === 'unsupported') {
    if (origin === 'EXTERNAL') throw kmsError('UnsupportedOperationException', `KMS keys with KeySpec ${spec} do not support imported key material (Origin EXTERNAL).`);
    throw kmsError('UnsupportedOperationException', `The KMS sandbox does not implement ${spec} keys.`);
  }
  if (spec === 'SM2' && !isChinaRegion(region)) throw kmsError('UnsupportedOperationException', `KeySpec SM2 is available only in the China Regions (cn-north-1, cn-northwest-1), not in ${region}.`);
  let usage: string | undefined = p.KeyUsage;
  if (usage === undefined) {
    if (cls !== 'symmetric') throw validation('You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.');
    usage = 'ENCRYPT_DECRYPT';
  }
  if (!usagesFor(spec).includes(usage)) throw validation(`KeyUsage ${usage} is not compatible with KeySpec ${spec}. Valid KeyUsage values for ${spec}: ${usagesFor(spec).join(', ')}.`);
  return { spec, usage, origin };
}

function checkAliasName(name: string): void {
  if (!name.startsWith('alias/') || name.length === 'alias/'.length) throw validation(`Alias must start with the prefix "alias/" followed by a name: '${name}'.`);
  if (name.startsWith('alias/aws/')) throw kmsError('InvalidAliasNameException', `The alias name '${name}' begins with the reserved prefix alias/aws/.`);
}

function defaultPolicy(account: string, partition: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }],
  });
}
