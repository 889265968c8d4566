// The service core every operation family shares: the state (store), the clock, ARNs, key lookup by
// id/ARN/alias with the time-driven changes applied first (material expiry at ValidTo, end of the deletion
// window), the state checks and KMS errors of AWS's state machine (kms-api.md §3, §5), DescribeKey's
// metadata, opaque pagination markers, and the table types the operation handlers are written against.
// Plaintext material leaves the store only through unsealMaterial (the caller zeroes it).
import * as crypto from 'node:crypto';
import { KmsError, kmsError } from '../errors';
import { checkMaterial, generateMaterial, materialId } from '../keycrypto';
import { encryptionAlgorithms, isChinaRegion, macAlgorithm, partitionOf, signingAlgorithms, specClass, type OperationName, type Req } from '../model';
import type { KeyRecord, MaterialRecord, Store } from '../store';

/** A response body: plain JSON (blobs as base64 strings, timestamps as epoch seconds). */
export type Result = Record<string, unknown>;

/** The handler of operation Op: its request arrives validated and decoded into Req<Op> (validate.ts). */
export type Handler<Op extends OperationName> = (s: ServiceCore, p: Req<Op>, region: string) => Result | Promise<Result>;
/** A table of handlers, one per operation (a family's subset, or all of them). */
export type Handlers<Ops extends OperationName = OperationName> = { [Op in Ops]: Handler<Op> };

export const DAY = 24 * 60 * 60 * 1000;
export const secs = (ms: number) => ms / 1000;
export const b64 = (b: Buffer) => b.toString('base64');

export interface ServiceOptions {
  accountId: string;
  defaultRegion: string;
  now: () => number;
  poolTarget: number;
  log?: (line: string) => void;
}

export class ServiceCore {
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

  get(region: string, keyId: string): KeyRecord | undefined {
    return this.store.keys.get(`${region}/${keyId}`);
  }

  /** Applies time-driven changes (material expiry at ValidTo, end of the deletion window). Returns false if the key is gone. */
  refresh(k: KeyRecord): boolean {
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
  saveInBackground(): void {
    this.store.save().catch((e: Error) => this.opts.log?.(`state write failed: ${e.message}`));
  }

  removeKey(k: KeyRecord): void {
    this.store.keys.delete(`${k.region}/${k.keyId}`);
    for (const [name, a] of this.store.aliases) if (a.region === k.region && a.targetKeyId === k.keyId) this.store.aliases.delete(name);
    if (k.multiRegionType === 'REPLICA' && k.primaryRegion) {
      const p = this.get(k.primaryRegion, k.keyId);
      if (p) p.replicaRegions = (p.replicaRegions ?? []).filter((r) => r !== k.region);
    }
  }

  /** PendingImport while any associated material is missing; back to Enabled/Disabled when all are there. */
  updateImportState(k: KeyRecord): void {
    if (k.origin !== 'EXTERNAL' || k.state === 'PendingDeletion') return;
    const associated = k.materials.filter((m) => m.state === 'CURRENT' || m.state === 'NON_CURRENT');
    const complete = associated.length > 0 && associated.every((m) => m.sealed);
    if (!complete) k.state = 'PendingImport';
    else if (k.state === 'PendingImport') k.state = k.enabledWanted ? 'Enabled' : 'Disabled';
  }

  /** Resolves a key id, key ARN, alias name or alias ARN in `region`. */
  resolve(id: string, region: string, allowAlias = true): KeyRecord {
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

  stateError(k: KeyRecord): KmsError {
    const what: Record<string, string> = { PendingImport: 'pending import', PendingDeletion: 'pending deletion', Disabled: 'disabled', Enabled: 'enabled', PendingReplicaDeletion: 'pending replica deletion', Creating: 'being created', Unavailable: 'unavailable', Updating: 'being updated' };
    return kmsError('KMSInvalidStateException', `${k.arn} is ${what[k.state] ?? k.state}.`);
  }

  notDeleting(k: KeyRecord): void {
    if (k.state === 'PendingDeletion') throw this.stateError(k);
  }

  /** For cryptographic operations: the key must be Enabled and have the right usage. */
  usable(k: KeyRecord, usage: string, opName: string): void {
    if (k.state === 'Disabled') throw kmsError('DisabledException', `${k.arn} is disabled.`);
    if (k.state !== 'Enabled') throw this.stateError(k);
    if (k.keyUsage !== usage) throw kmsError('InvalidKeyUsageException', `${opName} requires a key with KeyUsage ${usage}; ${k.arn} has KeyUsage ${k.keyUsage} (KeySpec ${k.keySpec}).`);
  }

  current(k: KeyRecord): MaterialRecord {
    const m = k.materials.find((x) => x.state === 'CURRENT');
    if (!m || !m.sealed) throw this.stateError(k);
    return m;
  }

  unsealMaterial(k: KeyRecord, m: MaterialRecord): Buffer {
    return this.store.unseal(m.sealed!, `${k.keyId}/${m.id}`);
  }

  dryRun(p: { DryRun?: boolean }): void {
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

  page<T>(items: T[], p: { Marker?: string; Limit?: number }, defaultLimit: number, maxLimit: number, scope: string): { items: T[]; NextMarker?: string; Truncated: boolean } {
    let start = 0;
    if (p.Marker !== undefined) {
      const m = /^([0-9]+):([0-9a-f]{16})$/.exec(Buffer.from(p.Marker, 'base64').toString('latin1'));
      if (!m || this.markerCheck(scope, m[1]) !== m[2]) throw kmsError('InvalidMarkerException', `The marker '${p.Marker}' is not valid: pass the NextMarker of the previous response unchanged.`);
      start = Number(m[1]);
    }
    const limit = Math.min(p.Limit ?? defaultLimit, maxLimit);
    const slice = items.slice(start, start + limit);
    const next = start + limit;
    if (next < items.length) return { items: slice, NextMarker: Buffer.from(`${next}:${this.markerCheck(scope, String(next))}`).toString('base64'), Truncated: true };
    return { items: slice, Truncated: false };
  }

  markerCheck(scope: string, offset: string): string {
    return crypto.createHmac('sha256', this.store.idKey).update(`marker:${scope}:${offset}`).digest('hex').slice(0, 16);
  }

  regionKeys(region: string): KeyRecord[] {
    return [...this.store.keys.values()].filter((k) => k.region === region && this.refresh(k));
  }


  /** Generates, checks and seals new material as the CURRENT material of `k` (CreateKey, rotation of AWS_KMS keys). */
  async addGeneratedMaterial(k: KeyRecord, region: string): Promise<void> {
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
}
