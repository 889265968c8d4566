// The KMS operations the sandbox serves, with AWS's state machine, import rules and errors
// (kms-api.md §1, §3, §5). Inputs arrive validated and decoded (validate.ts); outputs are plain JSON
// objects (blobs as base64 strings, timestamps as epoch seconds).
import * as crypto from 'node:crypto';
import type { WrappingAlgorithm } from '../core/specs';
import { KmsError, kmsError, validation } from './errors';
import { checkWrappingChoice } from './importRules';
import {
  checkMaterial,
  generateMaterial,
  hmac,
  macEquals,
  materialId,
  openToken,
  parseCiphertext,
  sandboxUnwrap,
  sealToken,
  sign,
  sm2PkeDecrypt,
  sm2PkeEncrypt,
  sm2WrappingKey,
  symmetricDecrypt,
  symmetricEncrypt,
  takeWrappingKey,
  verify,
} from './keycrypto';
import { encryptionAlgorithms, isChinaRegion, macAlgorithm, partitionOf, signingAlgorithms, specClass, usagesFor } from './model';
import type { AliasRecord, KeyRecord, MaterialRecord, Store } from './store';

type Params = Record<string, unknown>;
type Result = Record<string, unknown>;

const DAY = 24 * 60 * 60 * 1000;
const secs = (ms: number) => ms / 1000;
const b64 = (b: Buffer) => b.toString('base64');

export interface ServiceOptions {
  accountId: string;
  defaultRegion: string;
  now: () => number;
  poolTarget: number;
  log?: (line: string) => void;
}

export class KmsService {
  constructor(
    readonly store: Store,
    readonly opts: ServiceOptions,
  ) {}

  regionServed(region: string): boolean {
    return /^([a-z]+-){2,3}\d+$/.test(region) && partitionOf(region) === partitionOf(this.opts.defaultRegion);
  }

  now(): number {
    return this.opts.now();
  }

  arn(region: string, keyId: string): string {
    return `arn:${partitionOf(region)}:kms:${region}:${this.opts.accountId}:key/${keyId}`;
  }
  aliasArn(region: string, alias: string): string {
    return `arn:${partitionOf(region)}:kms:${region}:${this.opts.accountId}:${alias}`;
  }

  async call(op: string, p: Params, region: string): Promise<Result> {
    const fn = (this as unknown as Record<string, (p: Params, region: string) => Promise<Result> | Result>)[`op${op}`];
    if (typeof fn !== 'function') throw new KmsError('UnknownOperationException', `The KMS sandbox does not implement the operation ${op}.`);
    return fn.call(this, p, region);
  }

  // ---------------------------------------------------------------------------------------------
  // Lookup and lifecycle

  private get(region: string, keyId: string): KeyRecord | undefined {
    return this.store.keys.get(`${region}/${keyId}`);
  }

  /** Applies time-driven changes (material expiry at ValidTo, end of the deletion window). Returns false if the key is gone. */
  private refresh(k: KeyRecord): boolean {
    const now = this.now();
    let changed = false;
    if (k.state === 'PendingDeletion' && k.deletionDate !== undefined && now >= k.deletionDate) {
      this.removeKey(k);
      this.saveInBackground();
      return false;
    }
    for (const m of [...k.materials]) {
      if (m.sealed && m.expirationModel === 'KEY_MATERIAL_EXPIRES' && m.validTo !== undefined && now >= m.validTo) {
        delete m.sealed;
        changed = true;
        if (m.state === 'PENDING_ROTATION' || m.state === 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION') k.materials.splice(k.materials.indexOf(m), 1);
      }
    }
    if (changed) {
      this.updateImportState(k);
      this.saveInBackground();
    }
    return true;
  }

  /** Persists changes made while reading (expiry, end of deletion window) without failing the read. */
  private saveInBackground(): void {
    this.store.save().catch((e: Error) => this.opts.log?.(`state write failed: ${e.message}`));
  }

  private removeKey(k: KeyRecord): void {
    this.store.keys.delete(`${k.region}/${k.keyId}`);
    for (const [name, a] of this.store.aliases) if (a.region === k.region && a.targetKeyId === k.keyId) this.store.aliases.delete(name);
    if (k.multiRegionType === 'REPLICA' && k.primaryRegion) {
      const p = this.get(k.primaryRegion, k.keyId);
      if (p) p.replicaRegions = (p.replicaRegions ?? []).filter((r) => r !== k.region);
    }
  }

  /** PendingImport while any associated material is missing; back to Enabled/Disabled when all are there. */
  private updateImportState(k: KeyRecord): void {
    if (k.origin !== 'EXTERNAL' || k.state === 'PendingDeletion') return;
    const associated = k.materials.filter((m) => m.state === 'CURRENT' || m.state === 'NON_CURRENT');
    const complete = associated.length > 0 && associated.every((m) => m.sealed);
    if (!complete) k.state = 'PendingImport';
    else if (k.state === 'PendingImport') k.state = k.enabledWanted ? 'Enabled' : 'Disabled';
  }

  /** Resolves a key id, key ARN, alias name or alias ARN in `region`. */
  private resolve(id: string, region: string, allowAlias = true): KeyRecord {
    let keyId: string | undefined;
    let alias: string | undefined;
    if (id.startsWith('arn:')) {
      const m = /^arn:(aws|aws-cn|aws-us-gov):kms:([a-z0-9-]+):(\d{12}):(key\/.+|alias\/.+)$/.exec(id);
      if (!m) throw kmsError('InvalidArnException', `The ARN '${id}' is not a valid KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<key-id>).`);
      if (m[2] !== region || m[3] !== this.opts.accountId) throw kmsError('NotFoundException', `Key '${id}' does not exist (this request is for region ${region}, account ${this.opts.accountId}).`);
      if (m[4].startsWith('key/')) keyId = m[4].slice(4);
      else alias = m[4];
    } else if (id.startsWith('alias/')) alias = id;
    else keyId = id;
    if (alias !== undefined) {
      if (!allowAlias) throw kmsError('NotFoundException', `Alias ${alias} cannot be used with this operation: specify the key ID or key ARN.`);
      const a = this.store.aliases.get(`${region}/${alias}`);
      if (!a) throw kmsError('NotFoundException', `Alias ${this.aliasArn(region, alias)} is not found.`);
      keyId = a.targetKeyId;
    }
    if (!/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/.test(keyId!)) throw kmsError('NotFoundException', `Invalid keyId '${keyId}'`);
    const k = this.get(region, keyId!);
    if (!k || !this.refresh(k)) throw kmsError('NotFoundException', `Key '${this.arn(region, keyId!)}' does not exist`);
    return k;
  }

  private stateError(k: KeyRecord): KmsError {
    const what: Record<string, string> = { PendingImport: 'pending import', PendingDeletion: 'pending deletion', Disabled: 'disabled', Enabled: 'enabled', PendingReplicaDeletion: 'pending replica deletion', Creating: 'being created', Unavailable: 'unavailable', Updating: 'being updated' };
    return kmsError('KMSInvalidStateException', `${k.arn} is ${what[k.state] ?? k.state}.`);
  }

  private notDeleting(k: KeyRecord): void {
    if (k.state === 'PendingDeletion') throw this.stateError(k);
  }

  /** For cryptographic operations: the key must be Enabled and have the right usage. */
  private usable(k: KeyRecord, usage: string, opName: string): void {
    if (k.state === 'Disabled') throw kmsError('DisabledException', `${k.arn} is disabled.`);
    if (k.state !== 'Enabled') throw this.stateError(k);
    if (k.keyUsage !== usage) throw kmsError('InvalidKeyUsageException', `${opName} requires a key with KeyUsage ${usage}; ${k.arn} has KeyUsage ${k.keyUsage} (KeySpec ${k.keySpec}).`);
  }

  private current(k: KeyRecord): MaterialRecord {
    const m = k.materials.find((x) => x.state === 'CURRENT');
    if (!m || !m.sealed) throw this.stateError(k);
    return m;
  }

  private unsealMaterial(k: KeyRecord, m: MaterialRecord): Buffer {
    return this.store.unseal(m.sealed!, `${k.keyId}/${m.id}`);
  }

  private dryRun(p: Params): void {
    if (p.DryRun === true) throw kmsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');
  }

  metadata(k: KeyRecord): Result {
    const md: Result = {
      AWSAccountId: k.accountId,
      KeyId: k.keyId,
      Arn: k.arn,
      CreationDate: secs(k.creationDate),
      Enabled: k.state === 'Enabled',
      Description: k.description,
      KeyUsage: k.keyUsage,
      KeyState: k.state,
      Origin: k.origin,
      KeyManager: 'CUSTOMER',
      CustomerMasterKeySpec: k.keySpec,
      KeySpec: k.keySpec,
      MultiRegion: k.multiRegion,
    };
    if (k.state === 'PendingDeletion' && k.deletionDate !== undefined) md.DeletionDate = secs(k.deletionDate);
    if (k.origin === 'EXTERNAL' && k.everImported) {
      const associated = k.materials.filter((m) => m.state === 'CURRENT' || m.state === 'NON_CURRENT');
      const expiring = associated.filter((m) => m.sealed && m.expirationModel === 'KEY_MATERIAL_EXPIRES' && m.validTo !== undefined);
      const latest = [...associated].sort((a, b) => (b.importedAt ?? 0) - (a.importedAt ?? 0))[0];
      md.ExpirationModel = expiring.length ? 'KEY_MATERIAL_EXPIRES' : latest?.expirationModel ?? 'KEY_MATERIAL_DOES_NOT_EXPIRE';
      if (expiring.length) md.ValidTo = secs(Math.min(...expiring.map((m) => m.validTo!)));
    }
    if (k.keyUsage === 'ENCRYPT_DECRYPT') md.EncryptionAlgorithms = encryptionAlgorithms(k.keySpec);
    if (k.keyUsage === 'SIGN_VERIFY') md.SigningAlgorithms = signingAlgorithms(k.keySpec);
    if (k.keyUsage === 'GENERATE_VERIFY_MAC') md.MacAlgorithms = [macAlgorithm(k.keySpec)];
    if (k.keyUsage === 'KEY_AGREEMENT') md.KeyAgreementAlgorithms = ['ECDH'];
    if (k.multiRegion) {
      const primaryRegion = k.multiRegionType === 'PRIMARY' ? k.region : k.primaryRegion!;
      const primary = this.get(primaryRegion, k.keyId);
      md.MultiRegionConfiguration = {
        MultiRegionKeyType: k.multiRegionType,
        PrimaryKey: { Arn: this.arn(primaryRegion, k.keyId), Region: primaryRegion },
        ReplicaKeys: (primary?.replicaRegions ?? []).map((r) => ({ Arn: this.arn(r, k.keyId), Region: r })),
      };
    }
    if (specClass(k.keySpec) === 'symmetric') {
      const cur = k.materials.find((m) => m.state === 'CURRENT');
      if (cur) md.CurrentKeyMaterialId = cur.id;
    }
    return md;
  }

  // ---------------------------------------------------------------------------------------------
  // Pagination: opaque markers "<offset>" sealed in base64 with a check value, so garbage is rejected.

  private page<T>(items: T[], p: Params, defaultLimit: number, maxLimit: number, scope: string): { items: T[]; NextMarker?: string; Truncated: boolean } {
    let start = 0;
    if (p.Marker !== undefined) {
      const m = /^([0-9]+):([0-9a-f]{16})$/.exec(Buffer.from(String(p.Marker), 'base64').toString('latin1'));
      if (!m || this.markerCheck(scope, m[1]) !== m[2]) throw kmsError('InvalidMarkerException', `The marker '${String(p.Marker)}' is not valid: pass the NextMarker of the previous response unchanged.`);
      start = Number(m[1]);
    }
    const limit = Math.min((p.Limit as number | undefined) ?? defaultLimit, maxLimit);
    const slice = items.slice(start, start + limit);
    const next = start + limit;
    if (next < items.length) return { items: slice, NextMarker: Buffer.from(`${next}:${this.markerCheck(scope, String(next))}`).toString('base64'), Truncated: true };
    return { items: slice, Truncated: false };
  }

  private markerCheck(scope: string, offset: string): string {
    return crypto.createHmac('sha256', this.store.idKey).update(`marker:${scope}:${offset}`).digest('hex').slice(0, 16);
  }

  private regionKeys(region: string): KeyRecord[] {
    return [...this.store.keys.values()].filter((k) => k.region === region && this.refresh(k));
  }

  // ---------------------------------------------------------------------------------------------
  // Keys

  private validateTags(tags: Array<{ TagKey: string; TagValue: string }> | undefined, existing: number): void {
    if (!tags) return;
    const seen = new Set<string>();
    for (const t of tags) {
      if (t.TagKey.toLowerCase().startsWith('aws:')) throw kmsError('TagException', `Tag key '${t.TagKey}' uses the reserved prefix 'aws:'.`);
      if (seen.has(t.TagKey)) throw kmsError('TagException', `Duplicate tag key '${t.TagKey}' in the request.`);
      seen.add(t.TagKey);
    }
    if (existing + tags.length > 50) throw kmsError('LimitExceededException', 'A KMS key can have at most 50 tags.');
  }

  private validatePolicy(policy: unknown): void {
    if (policy === undefined) return;
    try {
      const doc = JSON.parse(String(policy));
      if (typeof doc !== 'object' || doc === null || !('Statement' in doc)) throw new Error('no Statement');
    } catch {
      throw kmsError('MalformedPolicyDocumentException', 'The key policy is not a JSON policy document with a Statement.');
    }
  }

  private newKeyId(multiRegion: boolean): string {
    return multiRegion ? 'mrk-' + crypto.randomBytes(16).toString('hex') : crypto.randomUUID();
  }

  /** Validates CreateKey parameters and returns the spec and usage. */
  private keySpecAndUsage(p: Params, region: string): { spec: string; usage: string; origin: 'AWS_KMS' | 'EXTERNAL' } {
    if (p.KeySpec !== undefined && p.CustomerMasterKeySpec !== undefined) throw validation('You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec parameter is deprecated. Use KeySpec parameter.');
    const spec = String(p.KeySpec ?? p.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT');
    const origin = String(p.Origin ?? 'AWS_KMS');
    if (origin === 'AWS_CLOUDHSM' || origin === 'EXTERNAL_KEY_STORE' || p.CustomKeyStoreId !== undefined) throw kmsError('CustomKeyStoreNotFoundException', 'The KMS sandbox has no custom key stores: use Origin AWS_KMS or EXTERNAL.');
    if (p.XksKeyId !== undefined) throw kmsError('UnsupportedOperationException', 'XksKeyId is valid only with Origin EXTERNAL_KEY_STORE.');
    const cls = specClass(spec);
    if (cls === 'unsupported') {
      if (origin === 'EXTERNAL') throw kmsError('UnsupportedOperationException', `KMS keys with KeySpec ${spec} do not support imported key material (Origin EXTERNAL).`);
      throw kmsError('UnsupportedOperationException', `The KMS sandbox does not implement ${spec} keys.`);
    }
    if (spec === 'SM2' && !isChinaRegion(region)) throw kmsError('UnsupportedOperationException', `KeySpec SM2 is available only in the China Regions (cn-north-1, cn-northwest-1), not in ${region}.`);
    let usage = p.KeyUsage as string | undefined;
    if (usage === undefined) {
      if (cls !== 'symmetric') throw validation('You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.');
      usage = 'ENCRYPT_DECRYPT';
    }
    if (!usagesFor(spec).includes(usage)) throw validation(`KeyUsage ${usage} is not compatible with KeySpec ${spec}. Valid KeyUsage values for ${spec}: ${usagesFor(spec).join(', ')}.`);
    return { spec, usage, origin: origin as 'AWS_KMS' | 'EXTERNAL' };
  }

  async opCreateKey(p: Params, region: string): Promise<Result> {
    const { spec, usage, origin } = this.keySpecAndUsage(p, region);
    const tags = (p.Tags as KeyRecord['tags'] | undefined) ?? [];
    this.validateTags(tags, 0);
    this.validatePolicy(p.Policy);
    const keyId = this.newKeyId(p.MultiRegion === true);
    const k: KeyRecord = {
      keyId,
      region,
      arn: this.arn(region, keyId),
      accountId: this.opts.accountId,
      creationDate: this.now(),
      description: String(p.Description ?? ''),
      keySpec: spec,
      keyUsage: usage,
      origin,
      state: origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled',
      enabledWanted: true,
      multiRegion: p.MultiRegion === true,
      multiRegionType: p.MultiRegion === true ? 'PRIMARY' : undefined,
      replicaRegions: p.MultiRegion === true ? [] : undefined,
      tags: tags.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue })),
      policy: p.Policy as string | undefined,
      materials: [],
      rotationsOnDemand: 0,
      everImported: false,
    };
    if (origin === 'AWS_KMS') await this.addGeneratedMaterial(k, region);
    this.store.keys.set(`${region}/${keyId}`, k);
    await this.store.save();
    return { KeyMetadata: this.metadata(k) };
  }

  private async addGeneratedMaterial(k: KeyRecord, region: string): Promise<void> {
    const bytes = await generateMaterial(k.keySpec, isChinaRegion(region));
    try {
      const c = checkMaterial(k.keySpec, isChinaRegion(region), bytes);
      const id = materialId(this.store.idKey, k.keyId, c.identity);
      if (c.publicKeySpki) k.publicKey = b64(c.publicKeySpki);
      k.materials.push({ id, sealed: this.store.seal(c.bytes, `${k.keyId}/${id}`), state: 'CURRENT', importedAt: this.now() });
    } finally {
      bytes.fill(0);
    }
  }

  /** Seeding (admin): creates keys directly; asymmetric seeded keys of one call share one generated key pair. */
  async seed(n: number, o: { state?: 'Enabled' | 'PendingImport' | 'Disabled'; origin?: 'AWS_KMS' | 'EXTERNAL'; keySpec?: string; keyUsage?: string; validToDays?: number; region?: string }): Promise<string[]> {
    const region = o.region ?? this.opts.defaultRegion;
    const spec = o.keySpec ?? 'SYMMETRIC_DEFAULT';
    const usage = o.keyUsage ?? usagesFor(spec)[0];
    const state = o.state ?? 'Enabled';
    const origin = o.origin ?? (state === 'PendingImport' ? 'EXTERNAL' : 'AWS_KMS');
    if (state === 'PendingImport' && origin !== 'EXTERNAL') throw new Error('seedKeys: PendingImport needs origin EXTERNAL');
    const cls = specClass(spec);
    const shared = cls === 'rsa' || cls === 'ec' || cls === 'sm2' ? await generateMaterial(spec, isChinaRegion(region)) : undefined;
    const ids: string[] = [];
    const now = this.now();
    for (let i = 0; i < n; i++) {
      const keyId = crypto.randomUUID();
      const k: KeyRecord = {
        keyId, region, arn: this.arn(region, keyId), accountId: this.opts.accountId, creationDate: now, description: `seeded ${i + 1}/${n}`, keySpec: spec, keyUsage: usage, origin, state, enabledWanted: state !== 'Disabled', multiRegion: false, tags: [], materials: [], rotationsOnDemand: 0, everImported: false,
      };
      if (state !== 'PendingImport') {
        const bytes = shared ?? (await generateMaterial(spec, isChinaRegion(region)));
        const c = checkMaterial(spec, isChinaRegion(region), bytes);
        const id = materialId(this.store.idKey, keyId, c.identity);
        if (c.publicKeySpki) k.publicKey = b64(c.publicKeySpki);
        const m: MaterialRecord = { id, sealed: this.store.seal(c.bytes, `${keyId}/${id}`), state: 'CURRENT', importedAt: now };
        if (origin === 'EXTERNAL') {
          k.everImported = true;
          m.expirationModel = o.validToDays !== undefined ? 'KEY_MATERIAL_EXPIRES' : 'KEY_MATERIAL_DOES_NOT_EXPIRE';
          if (o.validToDays !== undefined) m.validTo = now + o.validToDays * DAY;
        }
        k.materials.push(m);
        if (!shared) bytes.fill(0);
      }
      this.store.keys.set(`${region}/${keyId}`, k);
      ids.push(keyId);
    }
    shared?.fill(0);
    await this.store.save();
    return ids;
  }

  opDescribeKey(p: Params, region: string): Result {
    return { KeyMetadata: this.metadata(this.resolve(String(p.KeyId), region)) };
  }

  opListKeys(p: Params, region: string): Result {
    const pg = this.page(this.regionKeys(region), p, 100, 1000, `keys:${region}`);
    return { Keys: pg.items.map((k) => ({ KeyId: k.keyId, KeyArn: k.arn })), Truncated: pg.Truncated, ...(pg.NextMarker ? { NextMarker: pg.NextMarker } : {}) };
  }

  async opUpdateKeyDescription(p: Params, region: string): Promise<Result> {
    const k = this.resolve(String(p.KeyId), region, false);
    this.notDeleting(k);
    k.description = String(p.Description);
    await this.store.save();
    return {};
  }

  async opEnableKey(p: Params, region: string): Promise<Result> {
    const k = this.resolve(String(p.KeyId), region, false);
    if (k.state === 'PendingImport' || k.state === 'PendingDeletion') throw this.stateError(k);
    k.state = 'Enabled';
    k.enabledWanted = true;
    await this.store.save();
    return {};
  }

  async opDisableKey(p: Params, region: string): Promise<Result> {
    const k = this.resolve(String(p.KeyId), region, false);
    if (k.state === 'PendingImport' || k.state === 'PendingDeletion') throw this.stateError(k);
    k.state = 'Disabled';
    k.enabledWanted = false;
    await this.store.save();
    return {};
  }

  async opScheduleKeyDeletion(p: Params, region: string): Promise<Result> {
    const k = this.resolve(String(p.KeyId), region, false);
    if (k.state === 'PendingDeletion') throw this.stateError(k);
    const days = (p.PendingWindowInDays as number | undefined) ?? 30;
    if (days < 7 || days > 30) throw validation(`PendingWindowInDays must be between 7 and 30 (inclusive); got ${days}.`);
    if (k.multiRegionType === 'PRIMARY' && (k.replicaRegions ?? []).some((r) => this.get(r, k.keyId))) {
      throw kmsError('UnsupportedOperationException', `${k.arn} is a multi-Region primary key with replicas (${k.replicaRegions!.join(', ')}); schedule deletion of the replicas first.`);
    }
    k.state = 'PendingDeletion';
    k.deletionDate = this.now() + days * DAY;
    k.pendingWindowInDays = days;
    await this.store.save();
    return { KeyId: k.arn, DeletionDate: secs(k.deletionDate), KeyState: k.state, PendingWindowInDays: days };
  }

  async opCancelKeyDeletion(p: Params, region: string): Promise<Result> {
    const k = this.resolve(String(p.KeyId), region, false);
    if (k.state !== 'PendingDeletion') throw this.stateError(k);
    delete k.deletionDate;
    delete k.pendingWindowInDays;
    k.state = 'Disabled';
    k.enabledWanted = false;
    this.updateImportState(k);
    await this.store.save();
    return { KeyId: k.arn };
  }

  // Tags -----------------------------------------------------------------------------------------

  async opTagResource(p: Params, region: string): Promise<Result> {
    const k = this.resolve(String(p.KeyId), region, false);
    this.notDeleting(k);
    const tags = p.Tags as KeyRecord['tags'];
    const fresh = tags.filter((t) => !k.tags.some((x) => x.TagKey === t.TagKey)).length;
    this.validateTags(tags, k.tags.length + fresh - tags.length);
    for (const t of tags) {
      const e = k.tags.find((x) => x.TagKey === t.TagKey);
      if (e) e.TagValue = t.TagValue;
      else k.tags.push({ TagKey: t.TagKey, TagValue: t.TagValue });
    }
    await this.store.save();
    return {};
  }

  async opUntagResource(p: Params, region: string): Promise<Result> {
    const k = this.resolve(String(p.KeyId), region, false);
    this.notDeleting(k);
    const keys = p.TagKeys as string[];
    for (const key of keys) if (key.toLowerCase().startsWith('aws:')) throw kmsError('TagException', `Tag key '${key}' uses the reserved prefix 'aws:'.`);
    k.tags = k.tags.filter((t) => !keys.includes(t.TagKey));
    await this.store.save();
    return {};
  }

  opListResourceTags(p: Params, region: string): Result {
    const k = this.resolve(String(p.KeyId), region, false);
    const pg = this.page(k.tags, p, 50, 50, `tags:${k.arn}`);
    return { Tags: pg.items, Truncated: pg.Truncated, ...(pg.NextMarker ? { NextMarker: pg.NextMarker } : {}) };
  }

  // Aliases --------------------------------------------------------------------------------------

  private checkAliasName(name: string): void {
    if (!name.startsWith('alias/') || name.length === 'alias/'.length) throw validation(`Alias must start with the prefix "alias/" followed by a name: '${name}'.`);
    if (name.startsWith('alias/aws/')) throw kmsError('InvalidAliasNameException', `The alias name '${name}' begins with the reserved prefix alias/aws/.`);
  }

  async opCreateAlias(p: Params, region: string): Promise<Result> {
    const name = String(p.AliasName);
    this.checkAliasName(name);
    const target = String(p.TargetKeyId);
    if (target.startsWith('alias/') || /:alias\//.test(target)) throw validation('TargetKeyId must be a key ID or key ARN, not an alias.');
    const k = this.resolve(target, region, false);
    this.notDeleting(k);
    if (this.store.aliases.has(`${region}/${name}`)) throw kmsError('AlreadyExistsException', `An alias with the name ${this.aliasArn(region, name)} already exists`);
    const now = this.now();
    const a: AliasRecord = { aliasName: name, region, targetKeyId: k.keyId, creationDate: now, lastUpdatedDate: now };
    this.store.aliases.set(`${region}/${name}`, a);
    await this.store.save();
    return {};
  }

  async opDeleteAlias(p: Params, region: string): Promise<Result> {
    const name = String(p.AliasName);
    this.checkAliasName(name);
    if (!this.store.aliases.delete(`${region}/${name}`)) throw kmsError('NotFoundException', `Alias ${this.aliasArn(region, name)} is not found.`);
    await this.store.save();
    return {};
  }

  opListAliases(p: Params, region: string): Result {
    let aliases = [...this.store.aliases.values()].filter((a) => a.region === region);
    for (const a of aliases) {
      const k = this.get(region, a.targetKeyId);
      if (k) this.refresh(k);
    }
    aliases = [...this.store.aliases.values()].filter((a) => a.region === region);
    let scope = `aliases:${region}`;
    if (p.KeyId !== undefined) {
      const k = this.resolve(String(p.KeyId), region, false);
      aliases = aliases.filter((a) => a.targetKeyId === k.keyId);
      scope += `:${k.keyId}`;
    }
    const pg = this.page(aliases, p, 50, 100, scope);
    return {
      Aliases: pg.items.map((a) => ({ AliasName: a.aliasName, AliasArn: this.aliasArn(region, a.aliasName), TargetKeyId: a.targetKeyId, CreationDate: secs(a.creationDate), LastUpdatedDate: secs(a.lastUpdatedDate) })),
      Truncated: pg.Truncated,
      ...(pg.NextMarker ? { NextMarker: pg.NextMarker } : {}),
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Import

  private external(k: KeyRecord): void {
    if (k.origin !== 'EXTERNAL') throw kmsError('UnsupportedOperationException', `${k.arn} origin is ${k.origin} which is not valid for this operation: the Origin of the KMS key must be EXTERNAL.`);
  }

  async opGetParametersForImport(p: Params, region: string): Promise<Result> {
    const k = this.resolve(String(p.KeyId), region, false);
    this.external(k);
    if (k.state !== 'PendingImport' && k.state !== 'Enabled' && k.state !== 'Disabled') throw this.stateError(k);
    const algorithm = String(p.WrappingAlgorithm) as WrappingAlgorithm;
    const spec = String(p.WrappingKeySpec);
    checkWrappingChoice(k.keySpec, algorithm, spec, region); // e.g. ECC_NIST_P521 + RSA_2048 + RSAES_OAEP_*: refused here
    const pair = spec === 'SM2' ? sm2WrappingKey() : await takeWrappingKey(Number(spec.slice(4)), this.opts.poolTarget);
    const issued = this.now();
    const expires = issued + DAY;
    const token = sealToken(this.store.tokenKey, { keyId: k.keyId, region, algorithm, wrappingKeySpec: spec, issued, expires, wrappingPrivateKey: pair.privateDer });
    pair.privateDer.fill(0);
    return { KeyId: k.arn, ImportToken: b64(token), PublicKey: b64(pair.publicDer), ParametersValidTo: secs(expires) };
  }

  async opImportKeyMaterial(p: Params, region: string): Promise<Result> {
    const k = this.resolve(String(p.KeyId), region, false);
    this.external(k);
    if (k.state !== 'PendingImport' && k.state !== 'Enabled') throw this.stateError(k);
    const now = this.now();
    const symmetric = specClass(k.keySpec) === 'symmetric';

    // Expiration model and ValidTo (ExpirationModel defaults to KEY_MATERIAL_EXPIRES).
    const model = (p.ExpirationModel as MaterialRecord['expirationModel']) ?? 'KEY_MATERIAL_EXPIRES';
    const validTo = p.ValidTo as number | undefined;
    if (model === 'KEY_MATERIAL_EXPIRES') {
      if (validTo === undefined) throw validation('ValidTo is required when ExpirationModel is KEY_MATERIAL_EXPIRES (the default). Set ValidTo (a future date at most 365 days ahead) or set ExpirationModel to KEY_MATERIAL_DOES_NOT_EXPIRE.');
      if (validTo <= now) throw validation(`ValidTo (${new Date(validTo).toISOString()}) must be in the future.`);
      if (validTo > now + 365 * DAY) throw validation(`ValidTo (${new Date(validTo).toISOString()}) must be at most 365 days from now.`);
    } else if (validTo !== undefined) {
      throw validation('ValidTo must not be set when ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE.');
    }
    if (!symmetric) {
      for (const m of ['KeyMaterialId', 'KeyMaterialDescription'] as const) {
        if (p[m] !== undefined) throw validation(`${m} is only usable with symmetric encryption keys; ${k.arn} is ${k.keySpec}.`);
      }
    }
    let importType = p.ImportType as 'NEW_KEY_MATERIAL' | 'EXISTING_KEY_MATERIAL' | undefined;
    if (importType === 'NEW_KEY_MATERIAL' && p.KeyMaterialId !== undefined) throw validation('You cannot specify a KeyMaterialId with ImportType NEW_KEY_MATERIAL.');
    if (importType === undefined) importType = k.everImported || k.multiRegionType === 'REPLICA' ? 'EXISTING_KEY_MATERIAL' : 'NEW_KEY_MATERIAL';

    // The token: ours, unaltered, for this key, not expired.
    const token = openToken(this.store.tokenKey, p.ImportToken as Buffer);
    if (!token) throw kmsError('InvalidImportTokenException', 'The import token is invalid: it was altered, truncated, or not issued by this KMS (sandbox state directory). Use the ImportToken from GetParametersForImport unchanged.');
    if (token.keyId !== k.keyId || token.region !== region) {
      token.wrappingPrivateKey.fill(0);
      throw kmsError('InvalidImportTokenException', `The import token is associated with a different KMS key (${this.arn(token.region, token.keyId)}), not ${k.arn}. Use the token from GetParametersForImport for this key.`);
    }
    if (now >= token.expires) {
      token.wrappingPrivateKey.fill(0);
      throw kmsError('ExpiredImportTokenException', `The import token expired at ${new Date(token.expires).toISOString()}. Use GetParametersForImport to get a new import token and public key, wrap the key material with the new public key, and try again.`);
    }
    try {
      checkWrappingChoice(k.keySpec, token.algorithm, token.wrappingKeySpec, region); // a token issued before the rule
    } catch (e) {
      token.wrappingPrivateKey.fill(0);
      throw e;
    }
    let plain: Buffer;
    try {
      plain = sandboxUnwrap(p.EncryptedKeyMaterial as Buffer, token.wrappingPrivateKey, token.algorithm);
    } finally {
      token.wrappingPrivateKey.fill(0);
    }
    try {
      const checked = checkMaterial(k.keySpec, isChinaRegion(region), plain);
      const id = materialId(this.store.idKey, k.keyId, checked.identity);
      const sealed = this.store.seal(checked.bytes, `${k.keyId}/${id}`);
      if (checked.bytes !== plain) checked.bytes.fill(0);
      const fields = { sealed, expirationModel: model, validTo: model === 'KEY_MATERIAL_EXPIRES' ? validTo : undefined, importedAt: now };
      const existing = k.materials.find((m) => m.id === id);

      if (!symmetric) {
        if (k.materials.length && k.materials[0].id !== id) throw kmsError('IncorrectKeyMaterialException', `The key material is not the same key material that was previously imported into ${k.arn}. Asymmetric and HMAC keys take one key material for life: reimport the original key material.`);
        if (importType === 'NEW_KEY_MATERIAL' && existing) throw kmsError('IncorrectKeyMaterialException', `ImportType NEW_KEY_MATERIAL was requested, but this key material is already associated with ${k.arn}. Use EXISTING_KEY_MATERIAL to reimport it.`);
        if (importType === 'EXISTING_KEY_MATERIAL' && !existing) throw kmsError('IncorrectKeyMaterialException', `ImportType EXISTING_KEY_MATERIAL was requested, but no key material was imported into ${k.arn} before. Use NEW_KEY_MATERIAL (or omit ImportType) for the first import.`);
        if (existing) Object.assign(existing, fields);
        else {
          k.materials.push({ id, state: 'CURRENT', ...fields });
          k.publicKey = checked.publicKeySpki ? b64(checked.publicKeySpki) : undefined;
        }
      } else if (importType === 'NEW_KEY_MATERIAL') {
        if (k.multiRegionType === 'REPLICA') throw kmsError('UnsupportedOperationException', `${k.arn} is a multi-Region replica key: import new key material into the primary key (${this.arn(k.primaryRegion!, k.keyId)}), then import the same material into each replica with ImportType EXISTING_KEY_MATERIAL.`);
        if (existing) throw kmsError('IncorrectKeyMaterialException', `ImportType NEW_KEY_MATERIAL was requested, but this key material is already associated with ${k.arn} (KeyMaterialId ${id}). Use EXISTING_KEY_MATERIAL to reimport it.`);
        const pending = k.materials.find((m) => m.state === 'PENDING_ROTATION' || m.state === 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION');
        if (pending) throw kmsError('KMSInvalidStateException', `${k.arn} already has new key material pending rotation (KeyMaterialId ${pending.id}). Rotate it in with RotateKeyOnDemand, or delete it with DeleteImportedKeyMaterial, before importing other new key material.`);
        const first = k.materials.length === 0;
        const replicasLacking = (k.replicaRegions ?? []).some((r) => this.get(r, k.keyId));
        const state = first ? 'CURRENT' : replicasLacking ? 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION' : 'PENDING_ROTATION';
        k.materials.push({ id, state, description: p.KeyMaterialDescription as string | undefined, ...fields });
      } else {
        if (p.KeyMaterialId !== undefined && p.KeyMaterialId !== id) throw kmsError('IncorrectKeyMaterialException', `The key material does not match KeyMaterialId ${String(p.KeyMaterialId)}: its id for ${k.arn} is ${id}.`);
        if (existing) {
          Object.assign(existing, fields);
          if (p.KeyMaterialDescription !== undefined) existing.description = String(p.KeyMaterialDescription);
        } else if (k.multiRegionType === 'REPLICA') {
          const primary = this.get(k.primaryRegion!, k.keyId);
          const pm = primary?.materials.find((m) => m.id === id);
          if (!primary || !pm) throw kmsError('IncorrectKeyMaterialException', `The key material is not key material of the multi-Region primary key ${this.arn(k.primaryRegion!, k.keyId)}. Import the primary key's material into its replicas.`);
          const state = pm.state === 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION' ? 'PENDING_ROTATION' : pm.state;
          k.materials.push({ id, state, description: (p.KeyMaterialDescription as string | undefined) ?? pm.description, rotationDate: pm.rotationDate, rotationType: pm.rotationType, ...fields });
          if (pm.state === 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION') {
            const all = (primary.replicaRegions ?? []).every((r) => !this.get(r, k.keyId) || this.get(r, k.keyId)!.materials.some((m) => m.id === id));
            if (all) pm.state = 'PENDING_ROTATION';
          }
        } else {
          throw kmsError('IncorrectKeyMaterialException', `The key material is not the same key material that was previously imported into ${k.arn}${p.KeyMaterialId ? '' : ' (no associated key material has this id: ' + id + ')'}. Reimport existing key material, or use ImportType NEW_KEY_MATERIAL for new material.`);
        }
      }
      k.everImported = true;
      this.updateImportState(k);
      await this.store.save();
      return symmetric ? { KeyId: k.arn, KeyMaterialId: id } : { KeyId: k.arn };
    } finally {
      plain.fill(0);
    }
  }

  async opDeleteImportedKeyMaterial(p: Params, region: string): Promise<Result> {
    const k = this.resolve(String(p.KeyId), region, false);
    this.external(k);
    const symmetric = specClass(k.keySpec) === 'symmetric';
    if (p.KeyMaterialId !== undefined && !symmetric) throw validation(`KeyMaterialId is only usable with symmetric encryption keys; ${k.arn} is ${k.keySpec}.`);
    let m: MaterialRecord | undefined;
    if (p.KeyMaterialId !== undefined) {
      m = k.materials.find((x) => x.id === p.KeyMaterialId);
      if (!m) throw kmsError('NotFoundException', `Key material ${String(p.KeyMaterialId)} is not associated with ${k.arn}.`);
    } else m = k.materials.find((x) => x.state === 'CURRENT');
    if (!m) return { KeyId: k.arn, KeyMaterialId: '' };
    if (m.state === 'PENDING_ROTATION' || m.state === 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION') {
      k.materials.splice(k.materials.indexOf(m), 1);
      if (k.multiRegionType === 'PRIMARY') {
        for (const r of k.replicaRegions ?? []) {
          const rep = this.get(r, k.keyId);
          if (rep) rep.materials = rep.materials.filter((x) => x.id !== m!.id);
        }
      }
    } else {
      delete m.sealed;
      if (k.state !== 'PendingDeletion') k.state = 'PendingImport';
    }
    await this.store.save();
    return { KeyId: k.arn, KeyMaterialId: symmetric ? m.id : '' };
  }

  opListKeyRotations(p: Params, region: string): Result {
    const k = this.resolve(String(p.KeyId), region, false);
    if (specClass(k.keySpec) !== 'symmetric') throw kmsError('UnsupportedOperationException', `${k.arn} is ${k.keySpec}: key rotations exist only for symmetric encryption KMS keys.`);
    const all = p.IncludeKeyMaterial === 'ALL_KEY_MATERIAL';
    const list = k.materials.filter((m) => all || m.rotationDate !== undefined);
    const pg = this.page(list, p, 100, 1000, `rotations:${k.arn}:${all}`);
    const ext = k.origin === 'EXTERNAL';
    return {
      Rotations: pg.items.map((m) => ({
        KeyId: k.keyId,
        KeyMaterialId: m.id,
        ...(ext && m.description !== undefined ? { KeyMaterialDescription: m.description } : {}),
        ...(ext ? { ImportState: m.sealed ? 'IMPORTED' : 'PENDING_IMPORT' } : {}),
        KeyMaterialState: m.state,
        ...(ext && m.expirationModel ? { ExpirationModel: m.expirationModel } : {}),
        ...(ext && m.expirationModel === 'KEY_MATERIAL_EXPIRES' && m.validTo !== undefined ? { ValidTo: secs(m.validTo) } : {}),
        ...(m.rotationDate !== undefined ? { RotationDate: secs(m.rotationDate), RotationType: m.rotationType } : {}),
      })),
      Truncated: pg.Truncated,
      ...(pg.NextMarker ? { NextMarker: pg.NextMarker } : {}),
    };
  }

  async opRotateKeyOnDemand(p: Params, region: string): Promise<Result> {
    const k = this.resolve(String(p.KeyId), region, false);
    if (specClass(k.keySpec) !== 'symmetric') throw kmsError('UnsupportedOperationException', `On-demand key rotation is supported only on symmetric encryption KMS keys; ${k.arn} is ${k.keySpec}.`);
    if (k.multiRegionType === 'REPLICA') throw kmsError('UnsupportedOperationException', `${k.arn} is a multi-Region replica key: rotate the primary key (${this.arn(k.primaryRegion!, k.keyId)}).`);
    if (k.state === 'Disabled') throw kmsError('DisabledException', `${k.arn} is disabled.`);
    if (k.state !== 'Enabled') throw this.stateError(k);
    if (k.rotationsOnDemand >= 25) throw kmsError('LimitExceededException', `${k.arn} has reached the maximum of 25 on-demand rotations.`);
    let next: MaterialRecord | undefined;
    if (k.origin === 'EXTERNAL') {
      next = k.materials.find((m) => m.state === 'PENDING_ROTATION');
      if (!next) {
        const mr = k.materials.find((m) => m.state === 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION');
        if (mr) throw kmsError('KMSInvalidStateException', `The new key material ${mr.id} of ${k.arn} is not yet imported into every replica key; import it into each replica with ImportType EXISTING_KEY_MATERIAL, then rotate.`);
        throw kmsError('KMSInvalidStateException', `${k.arn} has no key material in PENDING_ROTATION state. Import new key material with ImportType NEW_KEY_MATERIAL first, then rotate.`);
      }
      if (!next.sealed) throw this.stateError(k);
    } else {
      const before = k.materials.length;
      await this.addGeneratedMaterial(k, region);
      next = k.materials[before];
    }
    const now = this.now();
    const apply = (key: KeyRecord) => {
      for (const m of key.materials) if (m.state === 'CURRENT') m.state = 'NON_CURRENT';
      const n = key.materials.find((m) => m.id === next!.id);
      if (n) Object.assign(n, { state: 'CURRENT', rotationDate: now, rotationType: 'ON_DEMAND' });
    };
    apply(k);
    for (const r of k.replicaRegions ?? []) {
      const rep = this.get(r, k.keyId);
      if (!rep) continue;
      if (k.origin === 'AWS_KMS') rep.materials.push({ ...next, state: 'PENDING_ROTATION' });
      apply(rep);
    }
    k.rotationsOnDemand++;
    await this.store.save();
    return { KeyId: k.keyId };
  }

  async opReplicateKey(p: Params, region: string): Promise<Result> {
    const k = this.resolve(String(p.KeyId), region, false);
    if (k.multiRegionType !== 'PRIMARY') throw kmsError('UnsupportedOperationException', `${k.arn} is not a multi-Region primary key; only multi-Region primary keys can be replicated.`);
    this.notDeleting(k);
    const target = String(p.ReplicaRegion);
    if (target === region) throw validation(`ReplicaRegion ${target} is the primary key's own Region.`);
    if (!this.regionServed(target)) throw validation(`ReplicaRegion ${target} is not in the same partition as ${region}.`);
    if (this.get(target, k.keyId)) throw kmsError('AlreadyExistsException', `A replica of ${k.arn} already exists in ${target}.`);
    const tags = (p.Tags as KeyRecord['tags'] | undefined) ?? [];
    this.validateTags(tags, 0);
    this.validatePolicy(p.Policy);
    const rep: KeyRecord = {
      ...k,
      region: target,
      arn: this.arn(target, k.keyId),
      creationDate: this.now(),
      description: String(p.Description ?? k.description),
      state: k.origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled',
      enabledWanted: true,
      multiRegionType: 'REPLICA',
      primaryRegion: region,
      replicaRegions: undefined,
      tags: tags.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue })),
      policy: p.Policy as string | undefined,
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
    this.store.keys.set(`${target}/${k.keyId}`, rep);
    k.replicaRegions = [...(k.replicaRegions ?? []), target];
    for (const m of k.materials) if (m.state === 'PENDING_ROTATION') m.state = 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION';
    await this.store.save();
    return { ReplicaKeyMetadata: this.metadata(rep), ReplicaPolicy: rep.policy ?? defaultPolicy(this.opts.accountId, partitionOf(target)), ReplicaTags: rep.tags };
  }

  // ---------------------------------------------------------------------------------------------
  // Cryptographic operations: they use the imported (or generated) material.

  opGetPublicKey(p: Params, region: string): Result {
    const k = this.resolve(String(p.KeyId), region);
    const cls = specClass(k.keySpec);
    if (cls === 'symmetric' || cls === 'hmac') throw kmsError('UnsupportedOperationException', `${k.arn} is ${k.keySpec}: GetPublicKey is valid only for asymmetric KMS keys.`);
    if (k.state === 'Disabled') throw kmsError('DisabledException', `${k.arn} is disabled.`);
    if (k.state !== 'Enabled') throw this.stateError(k);
    const r: Result = { KeyId: k.arn, PublicKey: k.publicKey, CustomerMasterKeySpec: k.keySpec, KeySpec: k.keySpec, KeyUsage: k.keyUsage };
    if (k.keyUsage === 'SIGN_VERIFY') r.SigningAlgorithms = signingAlgorithms(k.keySpec);
    if (k.keyUsage === 'ENCRYPT_DECRYPT') r.EncryptionAlgorithms = encryptionAlgorithms(k.keySpec);
    if (k.keyUsage === 'KEY_AGREEMENT') r.KeyAgreementAlgorithms = ['ECDH'];
    return r;
  }

  private signingChecks(p: Params, k: KeyRecord, op: string): { alg: string; type: string } {
    this.usable(k, 'SIGN_VERIFY', op);
    const alg = String(p.SigningAlgorithm);
    if (!signingAlgorithms(k.keySpec).includes(alg)) throw kmsError('InvalidKeyUsageException', `Algorithm ${alg} is incompatible with key spec ${k.keySpec}. Valid algorithms: ${signingAlgorithms(k.keySpec).join(', ')}.`);
    const type = String(p.MessageType ?? 'RAW');
    if (type === 'EXTERNAL_MU') throw validation('MessageType EXTERNAL_MU is valid only with ML-DSA keys.');
    this.dryRun(p);
    return { alg, type };
  }

  opSign(p: Params, region: string): Result {
    const k = this.resolve(String(p.KeyId), region);
    const { alg, type } = this.signingChecks(p, k, 'Sign');
    const key = this.unsealMaterial(k, this.current(k));
    try {
      return { KeyId: k.arn, Signature: b64(sign(k.keySpec, key, alg, p.Message as Buffer, type)), SigningAlgorithm: alg };
    } finally {
      key.fill(0);
    }
  }

  opVerify(p: Params, region: string): Result {
    const k = this.resolve(String(p.KeyId), region);
    const { alg, type } = this.signingChecks(p, k, 'Verify');
    const ok = verify(k.keySpec, Buffer.from(k.publicKey!, 'base64'), alg, p.Message as Buffer, type, p.Signature as Buffer);
    if (!ok) throw kmsError('KMSInvalidSignatureException', 'Signature verification failed: the signature does not match the message, the KMS key and the signing algorithm.');
    return { KeyId: k.arn, SignatureValid: true, SigningAlgorithm: alg };
  }

  private macChecks(p: Params, k: KeyRecord, op: string): string {
    this.usable(k, 'GENERATE_VERIFY_MAC', op);
    const alg = String(p.MacAlgorithm);
    if (alg !== macAlgorithm(k.keySpec)) throw kmsError('InvalidKeyUsageException', `MAC algorithm ${alg} is incompatible with key spec ${k.keySpec}; use ${macAlgorithm(k.keySpec)}.`);
    this.dryRun(p);
    return alg;
  }

  opGenerateMac(p: Params, region: string): Result {
    const k = this.resolve(String(p.KeyId), region);
    const alg = this.macChecks(p, k, 'GenerateMac');
    const key = this.unsealMaterial(k, this.current(k));
    try {
      return { Mac: b64(hmac(alg, key, p.Message as Buffer)), MacAlgorithm: alg, KeyId: k.arn };
    } finally {
      key.fill(0);
    }
  }

  opVerifyMac(p: Params, region: string): Result {
    const k = this.resolve(String(p.KeyId), region);
    const alg = this.macChecks(p, k, 'VerifyMac');
    const key = this.unsealMaterial(k, this.current(k));
    try {
      if (!macEquals(hmac(alg, key, p.Message as Buffer), p.Mac as Buffer)) throw kmsError('KMSInvalidMacException', 'MAC verification failed: the MAC does not match the message, the KMS key and the MAC algorithm.');
      return { KeyId: k.arn, MacValid: true, MacAlgorithm: alg };
    } finally {
      key.fill(0);
    }
  }

  opEncrypt(p: Params, region: string): Result {
    const k = this.resolve(String(p.KeyId), region);
    this.usable(k, 'ENCRYPT_DECRYPT', 'Encrypt');
    const alg = String(p.EncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT');
    if (!encryptionAlgorithms(k.keySpec).includes(alg)) throw kmsError('InvalidKeyUsageException', `Encryption algorithm ${alg} is incompatible with key spec ${k.keySpec}. Valid algorithms: ${encryptionAlgorithms(k.keySpec).join(', ')}.`);
    const plaintext = p.Plaintext as Buffer;
    if (alg === 'SYMMETRIC_DEFAULT') {
      this.dryRun(p);
      const m = this.current(k);
      const key = this.unsealMaterial(k, m);
      try {
        return { CiphertextBlob: b64(symmetricEncrypt(k.keyId, m.id, key, plaintext, p.EncryptionContext as Record<string, string> | undefined)), KeyId: k.arn, EncryptionAlgorithm: alg };
      } finally {
        key.fill(0);
      }
    }
    if (p.EncryptionContext !== undefined) throw validation('EncryptionContext is not supported with asymmetric KMS keys.');
    if (alg === 'SM2PKE') {
      this.dryRun(p);
      return { CiphertextBlob: b64(sm2PkeEncrypt(Buffer.from(k.publicKey!, 'base64'), plaintext)), KeyId: k.arn, EncryptionAlgorithm: alg };
    }
    const hash = alg === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256';
    const pub = crypto.createPublicKey({ key: Buffer.from(k.publicKey!, 'base64'), format: 'der', type: 'spki' });
    const max = Math.ceil(pub.asymmetricKeyDetails!.modulusLength! / 8) - 2 * (hash === 'sha1' ? 20 : 32) - 2;
    if (plaintext.length > max) throw validation(`Plaintext is ${plaintext.length} bytes; ${alg} with ${k.keySpec} encrypts at most ${max} bytes.`);
    this.dryRun(p);
    return { CiphertextBlob: b64(crypto.publicEncrypt({ key: pub, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, plaintext)), KeyId: k.arn, EncryptionAlgorithm: alg };
  }

  opDecrypt(p: Params, region: string): Result {
    const blob = p.CiphertextBlob as Buffer;
    const alg = String(p.EncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT');
    const given = p.KeyId !== undefined ? this.resolve(String(p.KeyId), region) : undefined;
    if (alg !== 'SYMMETRIC_DEFAULT') {
      if (!given) throw validation('KeyId is required to decrypt with an asymmetric KMS key.');
      this.usable(given, 'ENCRYPT_DECRYPT', 'Decrypt');
      if (!encryptionAlgorithms(given.keySpec).includes(alg)) throw kmsError('InvalidKeyUsageException', `Encryption algorithm ${alg} is incompatible with key spec ${given.keySpec}.`);
      this.dryRun(p);
      const key = this.unsealMaterial(given, this.current(given));
      if (alg === 'SM2PKE') {
        try {
          const plain = sm2PkeDecrypt(key, blob);
          if (!plain) throw kmsError('InvalidCiphertextException', 'The ciphertext could not be decrypted with this KMS key and SM2PKE.');
          return { KeyId: given.arn, Plaintext: b64(plain), EncryptionAlgorithm: alg };
        } finally {
          key.fill(0);
        }
      }
      try {
        const priv = crypto.createPrivateKey({ key, format: 'der', type: 'pkcs8' });
        const plain = crypto.privateDecrypt({ key: priv, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256' }, blob);
        return { KeyId: given.arn, Plaintext: b64(plain), EncryptionAlgorithm: alg };
      } catch {
        throw kmsError('InvalidCiphertextException', 'The ciphertext could not be decrypted with this KMS key and encryption algorithm.');
      } finally {
        key.fill(0);
      }
    }
    const hdr = parseCiphertext(blob);
    if (!hdr) throw kmsError('InvalidCiphertextException', 'The ciphertext is not a KMS (sandbox) ciphertext blob, or it is corrupted.');
    const k = this.get(region, hdr.keyId);
    if (!k || !this.refresh(k)) throw kmsError('NotFoundException', `Key '${this.arn(region, hdr.keyId)}' does not exist`);
    if (given && given.keyId !== k.keyId) throw kmsError('IncorrectKeyException', `The ciphertext was encrypted under ${k.arn}, not under ${given.arn}.`);
    this.usable(k, 'ENCRYPT_DECRYPT', 'Decrypt');
    const m = k.materials.find((x) => x.id === hdr.materialId);
    if (!m) throw kmsError('InvalidCiphertextException', 'The ciphertext refers to key material that is not associated with this KMS key.');
    if (!m.sealed) throw this.stateError(k);
    this.dryRun(p);
    const key = this.unsealMaterial(k, m);
    try {
      const plain = symmetricDecrypt(blob, key, p.EncryptionContext as Record<string, string> | undefined);
      if (!plain) throw kmsError('InvalidCiphertextException', 'The ciphertext or its encryption context is corrupted, missing, or otherwise invalid.');
      return { KeyId: k.arn, Plaintext: b64(plain), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT', KeyMaterialId: m.id };
    } finally {
      key.fill(0);
    }
  }
}

function defaultPolicy(account: string, partition: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }],
  });
}
