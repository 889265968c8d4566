// The KmsProvider for AWS KMS (commercial and China Regions) and for the local sandbox, which speaks
// the same wire protocol. Uses the real @aws-sdk/client-kms, typed over its command input and output
// types (one table, KMS_COMMANDS, from operation name to Command class), with:
//  - one client per (profile/credentials, Region, endpoint), shared and reference-counted (clientFactory.ts);
//  - an explicit retry strategy (retry.ts): throttling and 5xx/network failures are retried with
//    jittered exponential backoff, 4xx never; ImportKeyMaterial and RotateKeyOnDemand are never replayed
//    after an ambiguous failure (the import flow reconciles with DescribeKey instead);
//  - connection and request timeouts; cancellation through CallOptions.signal;
//  - logs of operation, key id, request id, attempts and duration only — never a request or response body.
import * as crypto from 'node:crypto';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateMacCommand,
  GetParametersForImportCommand,
  GetPublicKeyCommand,
  ImportKeyMaterialCommand,
  ListAliasesCommand,
  ListKeyRotationsCommand,
  ListKeysCommand,
  RotateKeyOnDemandCommand,
  SignCommand,
  type CreateAliasCommandInput,
  type CreateAliasCommandOutput,
  type CreateKeyCommandInput,
  type CreateKeyCommandOutput,
  type DecryptCommandInput,
  type DecryptCommandOutput,
  type DeleteImportedKeyMaterialCommandInput,
  type DeleteImportedKeyMaterialCommandOutput,
  type DescribeKeyCommandInput,
  type DescribeKeyCommandOutput,
  type EncryptCommandInput,
  type EncryptCommandOutput,
  type GenerateMacCommandInput,
  type GenerateMacCommandOutput,
  type GetParametersForImportCommandInput,
  type GetParametersForImportCommandOutput,
  type GetPublicKeyCommandInput,
  type GetPublicKeyCommandOutput,
  type ImportKeyMaterialCommandInput,
  type ImportKeyMaterialCommandOutput,
  type KMSClient,
  type KMSClientResolvedConfig,
  type KeyMetadata,
  type KeyUsageType,
  type ListAliasesCommandInput,
  type ListAliasesCommandOutput,
  type ListKeyRotationsCommandInput,
  type ListKeyRotationsCommandOutput,
  type ListKeysCommandInput,
  type ListKeysCommandOutput,
  type MacAlgorithmSpec,
  type RotateKeyOnDemandCommandInput,
  type RotateKeyOnDemandCommandOutput,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type SignCommandInput,
  type SignCommandOutput,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import type { AwsCredentialIdentity, Command } from '@smithy/types';
import type { ProviderId } from '../../core/rules';
import type { WrappingAlgorithm, WrappingKeySpec } from '../../core/specs';
import type {
  CallOptions,
  CreateKeyRequest,
  ImportParameters,
  ImportRequest,
  KeyInfo,
  KeyMaterialEntry,
  KmsProvider,
  Page,
} from '../types';
import { toProviderError, type ErrorContext } from './errors';
import { providerIdForRegion } from './credentials';
import { createKmsClient, defaultClientFactory, KmsClientFactory, type KmsClientOptions } from './clientFactory';

export { KmsClientFactory, defaultClientFactory, createKmsClient, type KmsClientOptions } from './clientFactory';
export { KmsRetryStrategy, type RetryOptions } from './retry';

export interface AwsProviderOptions extends KmsClientOptions {
  /** 'aws' or 'aws-cn'; derived from the Region when omitted (cn-* → aws-cn). */
  providerId?: Extract<ProviderId, 'aws' | 'aws-cn'>;
  /** Shown to people; defaults to "Sandbox", "profile dev (eu-west-1)" or "AWS (eu-west-1)". */
  label?: string;
  /** One line per call: operation, key id, outcome, request id, attempts, duration. Never bodies. */
  log?: (line: string) => void;
  /** Client cache to share (default: the module's). */
  clientFactory?: KmsClientFactory;
}

// ---------------------------------------------------------------------------------------------
// The operations this provider sends, typed by the SDK: name → (input, output) and name → Command class.
// The table is checked against the SDK's own command types, so a call's input and output cannot drift
// from the operation it names, and the name logged and mapped in errors is the command's.

interface KmsOperations {
  CreateAlias: [CreateAliasCommandInput, CreateAliasCommandOutput];
  CreateKey: [CreateKeyCommandInput, CreateKeyCommandOutput];
  Decrypt: [DecryptCommandInput, DecryptCommandOutput];
  DeleteImportedKeyMaterial: [DeleteImportedKeyMaterialCommandInput, DeleteImportedKeyMaterialCommandOutput];
  DescribeKey: [DescribeKeyCommandInput, DescribeKeyCommandOutput];
  Encrypt: [EncryptCommandInput, EncryptCommandOutput];
  GenerateMac: [GenerateMacCommandInput, GenerateMacCommandOutput];
  GetParametersForImport: [GetParametersForImportCommandInput, GetParametersForImportCommandOutput];
  GetPublicKey: [GetPublicKeyCommandInput, GetPublicKeyCommandOutput];
  ImportKeyMaterial: [ImportKeyMaterialCommandInput, ImportKeyMaterialCommandOutput];
  ListAliases: [ListAliasesCommandInput, ListAliasesCommandOutput];
  ListKeyRotations: [ListKeyRotationsCommandInput, ListKeyRotationsCommandOutput];
  ListKeys: [ListKeysCommandInput, ListKeysCommandOutput];
  RotateKeyOnDemand: [RotateKeyOnDemandCommandInput, RotateKeyOnDemandCommandOutput];
  Sign: [SignCommandInput, SignCommandOutput];
}
export type KmsOperation = keyof KmsOperations;
type InputOf<O extends KmsOperation> = KmsOperations[O][0];
type OutputOf<O extends KmsOperation> = KmsOperations[O][1];
type KmsCommand<O extends KmsOperation> = Command<ServiceInputTypes, InputOf<O>, ServiceOutputTypes, OutputOf<O>, KMSClientResolvedConfig>;

const KMS_COMMANDS: { readonly [O in KmsOperation]: new (input: InputOf<O>) => KmsCommand<O> } = {
  CreateAlias: CreateAliasCommand,
  CreateKey: CreateKeyCommand,
  Decrypt: DecryptCommand,
  DeleteImportedKeyMaterial: DeleteImportedKeyMaterialCommand,
  DescribeKey: DescribeKeyCommand,
  Encrypt: EncryptCommand,
  GenerateMac: GenerateMacCommand,
  GetParametersForImport: GetParametersForImportCommand,
  GetPublicKey: GetPublicKeyCommand,
  ImportKeyMaterial: ImportKeyMaterialCommand,
  ListAliases: ListAliasesCommand,
  ListKeyRotations: ListKeyRotationsCommand,
  ListKeys: ListKeysCommand,
  RotateKeyOnDemand: RotateKeyOnDemandCommand,
  Sign: SignCommand,
};

// ---------------------------------------------------------------------------------------------
// The provider

const buf = (u?: Uint8Array): Buffer => (u ? Buffer.from(u) : Buffer.alloc(0));

/** The request id and attempts of a failed call, when the SDK attached them (never the body). */
function metadataOf(e: unknown): { requestId?: string; attempts?: number } | undefined {
  if (!e || typeof e !== 'object' || !('$metadata' in e)) return undefined;
  const md = e.$metadata;
  if (!md || typeof md !== 'object') return undefined;
  const requestId = 'requestId' in md && typeof md.requestId === 'string' ? md.requestId : undefined;
  const attempts = 'attempts' in md && typeof md.attempts === 'number' ? md.attempts : undefined;
  return { requestId, attempts };
}

function toKeyInfo(m: KeyMetadata | undefined, fallbackId: string): KeyInfo {
  const spec = m?.KeySpec ?? m?.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
  return {
    keyId: m?.KeyId ?? fallbackId,
    arn: m?.Arn ?? fallbackId,
    description: m?.Description || undefined,
    keySpec: spec,
    keyUsage: m?.KeyUsage === 'ENCAPSULATE_DECAPSULATE' ? 'KEY_ENCAPSULATION' : m?.KeyUsage ?? 'ENCRYPT_DECRYPT',
    keyState: m?.KeyState ?? 'Enabled',
    origin: m?.Origin ?? 'AWS_KMS',
    enabled: m?.Enabled ?? false,
    creationDate: m?.CreationDate,
    deletionDate: m?.DeletionDate,
    expirationModel: m?.ExpirationModel,
    validTo: m?.ValidTo,
    multiRegion: m?.MultiRegion,
    multiRegionRole: m?.MultiRegionConfiguration?.MultiRegionKeyType,
    replicaRegions: m?.MultiRegionConfiguration?.ReplicaKeys?.map((r) => r.Region ?? '').filter(Boolean),
    primaryRegion: m?.MultiRegionConfiguration?.PrimaryKey?.Region,
    currentKeyMaterialId: m?.CurrentKeyMaterialId,
    signingAlgorithms: m?.SigningAlgorithms,
    macAlgorithms: m?.MacAlgorithms,
    encryptionAlgorithms: m?.EncryptionAlgorithms,
  };
}

export class AwsKmsProvider implements KmsProvider {
  readonly id: ProviderId;
  readonly region: string;
  readonly label: string;
  private readonly client: KMSClient;
  private readonly cacheKey: string;
  private readonly factory: KmsClientFactory;
  private readonly log?: (line: string) => void;
  private disposed = false;

  constructor(opts: AwsProviderOptions) {
    this.region = opts.region;
    this.id = opts.providerId ?? providerIdForRegion(opts.region);
    this.label = opts.label ?? (opts.endpoint ? `Sandbox (${opts.region})` : opts.profile ? `profile ${opts.profile} (${opts.region})` : `AWS (${opts.region})`);
    this.log = opts.log;
    this.factory = opts.clientFactory ?? defaultClientFactory;
    const staticCreds = opts.credentials && typeof opts.credentials === 'object' ? (opts.credentials as AwsCredentialIdentity) : undefined;
    // Static credentials are part of the key (two sandboxes, two key pairs); the secret itself is hashed, never kept in the key.
    const credentialsId = staticCreds ? crypto.createHash('sha256').update(`${staticCreds.accessKeyId}\0${staticCreds.secretAccessKey}`).digest('hex').slice(0, 16) : typeof opts.credentials === 'function' ? `fn:${crypto.randomUUID()}` : undefined;
    this.cacheKey = KmsClientFactory.keyOf({ profile: opts.profile, region: opts.region, endpoint: opts.endpoint, credentialsId });
    this.client = this.factory.acquire(this.cacheKey, () => createKmsClient(opts));
  }

  /** Sends one operation: its input and output are the SDK's types for it; errors come back mapped (errors.ts). */
  private async send<O extends KmsOperation>(operation: O, input: InputOf<O>, ctx: Omit<ErrorContext, 'operation'>, opts?: CallOptions): Promise<OutputOf<O>> {
    if (this.disposed) throw toProviderError(Object.assign(new Error('The provider was disposed.'), { name: 'ProviderDisposed' }), { operation, ...ctx });
    if (opts?.signal?.aborted) throw toProviderError(Object.assign(new Error('Cancelled.'), { name: 'AbortError' }), { operation, ...ctx });
    const started = Date.now();
    const command: KmsCommand<O> = new KMS_COMMANDS[operation](input);
    try {
      const out = await this.client.send(command, { abortSignal: opts?.signal, requestTimeout: opts?.timeoutMs });
      this.log?.(`kms ${operation}${ctx.keyId ? ` key=${ctx.keyId}` : ''} ok requestId=${out.$metadata.requestId ?? '-'} attempts=${out.$metadata.attempts ?? 1} ${Date.now() - started}ms`);
      return out;
    } catch (e) {
      const err = toProviderError(e, { operation, ...ctx });
      const md = metadataOf(e);
      this.log?.(`kms ${operation}${ctx.keyId ? ` key=${ctx.keyId}` : ''} failed ${err.info.name} requestId=${md?.requestId ?? '-'} attempts=${md?.attempts ?? 1} ${Date.now() - started}ms`);
      throw err;
    }
  }

  async listKeys(token?: string, limit?: number, opts?: CallOptions): Promise<Page<{ keyId: string; arn: string }>> {
    const out = await this.send('ListKeys', { Marker: token, Limit: limit }, {}, opts);
    return { items: (out.Keys ?? []).map((k) => ({ keyId: k.KeyId ?? '', arn: k.KeyArn ?? k.KeyId ?? '' })), nextToken: out.NextMarker || undefined };
  }

  async listAliases(opts?: CallOptions): Promise<Array<{ aliasName: string; targetKeyId?: string }>> {
    const all: Array<{ aliasName: string; targetKeyId?: string }> = [];
    let marker: string | undefined;
    do {
      const out = await this.send('ListAliases', { Marker: marker, Limit: 100 }, {}, opts);
      for (const a of out.Aliases ?? []) if (a.AliasName) all.push({ aliasName: a.AliasName, targetKeyId: a.TargetKeyId });
      marker = out.NextMarker || undefined;
    } while (marker);
    return all;
  }

  async describeKey(keyId: string, opts?: CallOptions): Promise<KeyInfo> {
    const out = await this.send('DescribeKey', { KeyId: keyId }, { keyId }, opts);
    return toKeyInfo(out.KeyMetadata, keyId);
  }

  async createKey(req: CreateKeyRequest, opts?: CallOptions): Promise<KeyInfo> {
    const keyUsage: KeyUsageType = req.keyUsage === 'KEY_ENCAPSULATION' ? 'ENCAPSULATE_DECAPSULATE' : req.keyUsage;
    const out = await this.send(
      'CreateKey',
      {
        KeySpec: req.keySpec,
        KeyUsage: keyUsage,
        Origin: 'EXTERNAL',
        Description: req.description,
        MultiRegion: req.multiRegion,
        Tags: req.tags?.map((t) => ({ TagKey: t.key, TagValue: t.value })),
      },
      { keySpec: req.keySpec },
      opts,
    );
    const info = toKeyInfo(out.KeyMetadata, '');
    if (req.alias) {
      const aliasName = req.alias.startsWith('alias/') ? req.alias : `alias/${req.alias}`;
      await this.send('CreateAlias', { AliasName: aliasName, TargetKeyId: info.keyId }, { keyId: info.keyId }, opts);
      info.aliases = [aliasName];
    }
    return info;
  }

  async getParametersForImport(keyId: string, algorithm: WrappingAlgorithm, wrappingKeySpec: WrappingKeySpec, opts?: CallOptions): Promise<ImportParameters> {
    const out = await this.send('GetParametersForImport', { KeyId: keyId, WrappingAlgorithm: algorithm, WrappingKeySpec: wrappingKeySpec }, { keyId, wrappingAlgorithm: algorithm, wrappingKeySpec }, opts);
    return {
      keyId: out.KeyId ?? keyId,
      publicKey: buf(out.PublicKey),
      importToken: buf(out.ImportToken),
      parametersValidTo: out.ParametersValidTo ?? new Date(Date.now() + 24 * 3600 * 1000),
      wrappingAlgorithm: algorithm,
      wrappingKeySpec,
    };
  }

  async importKeyMaterial(req: ImportRequest, opts?: CallOptions): Promise<{ keyId: string; keyMaterialId?: string }> {
    const out = await this.send(
      'ImportKeyMaterial',
      {
        KeyId: req.keyId,
        ImportToken: req.importToken,
        EncryptedKeyMaterial: req.encryptedKeyMaterial,
        // Always explicit: the service default is KEY_MATERIAL_EXPIRES, which then needs ValidTo.
        ExpirationModel: req.expirationModel,
        ValidTo: req.expirationModel === 'KEY_MATERIAL_EXPIRES' ? req.validTo : undefined,
        ImportType: req.importType,
        KeyMaterialDescription: req.keyMaterialDescription,
        KeyMaterialId: req.keyMaterialId,
      },
      { keyId: req.keyId, importType: req.importType, keyMaterialId: req.keyMaterialId, ...req.context },
      opts,
    );
    return { keyId: out.KeyId ?? req.keyId, keyMaterialId: out.KeyMaterialId };
  }

  async deleteImportedKeyMaterial(keyId: string, keyMaterialId?: string, opts?: CallOptions): Promise<{ keyMaterialId?: string }> {
    const out = await this.send('DeleteImportedKeyMaterial', { KeyId: keyId, KeyMaterialId: keyMaterialId }, { keyId }, opts);
    return { keyMaterialId: out.KeyMaterialId || undefined };
  }

  async listKeyMaterials(keyId: string, opts?: CallOptions): Promise<KeyMaterialEntry[]> {
    const all: KeyMaterialEntry[] = [];
    let marker: string | undefined;
    do {
      const out = await this.send('ListKeyRotations', { KeyId: keyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL', Marker: marker, Limit: 1000 }, { keyId }, opts);
      for (const r of out.Rotations ?? []) {
        if (typeof r.KeyMaterialId !== 'string') continue;
        all.push({
          keyMaterialId: r.KeyMaterialId,
          keyMaterialState: r.KeyMaterialState,
          importState: r.ImportState,
          description: r.KeyMaterialDescription,
          expirationModel: r.ExpirationModel,
          validTo: r.ValidTo,
          rotationDate: r.RotationDate,
        });
      }
      marker = out.NextMarker || undefined;
    } while (marker);
    return all;
  }

  async rotateKeyOnDemand(keyId: string, opts?: CallOptions): Promise<void> {
    await this.send('RotateKeyOnDemand', { KeyId: keyId }, { keyId }, opts);
  }

  async getPublicKey(keyId: string, opts?: CallOptions): Promise<Buffer> {
    const out = await this.send('GetPublicKey', { KeyId: keyId }, { keyId }, opts);
    return buf(out.PublicKey);
  }

  async generateMac(keyId: string, message: Buffer, macAlgorithm: string, opts?: CallOptions): Promise<Buffer> {
    const out = await this.send('GenerateMac', { KeyId: keyId, Message: message, MacAlgorithm: macAlgorithm as MacAlgorithmSpec }, { keyId }, opts);
    return buf(out.Mac);
  }

  async encrypt(keyId: string, plaintext: Buffer, opts?: CallOptions): Promise<Buffer> {
    const out = await this.send('Encrypt', { KeyId: keyId, Plaintext: plaintext }, { keyId }, opts);
    return buf(out.CiphertextBlob);
  }

  async decrypt(ciphertext: Buffer, keyId?: string, opts?: CallOptions): Promise<{ plaintext: Buffer; keyMaterialId?: string }> {
    const out = await this.send('Decrypt', { CiphertextBlob: ciphertext, KeyId: keyId }, { keyId }, opts);
    const plaintext = buf(out.Plaintext);
    out.Plaintext?.fill(0);
    return { plaintext, keyMaterialId: out.KeyMaterialId };
  }

  async sign(keyId: string, message: Buffer, signingAlgorithm: string, opts?: CallOptions): Promise<Buffer> {
    const out = await this.send('Sign', { KeyId: keyId, Message: message, MessageType: 'RAW', SigningAlgorithm: signingAlgorithm as SigningAlgorithmSpec }, { keyId }, opts);
    return buf(out.Signature);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.factory.release(this.cacheKey);
  }
}

export function createAwsProvider(opts: AwsProviderOptions): AwsKmsProvider {
  return new AwsKmsProvider(opts);
}
