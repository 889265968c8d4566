// The KmsProvider for AWS KMS (commercial and China Regions) and for the local sandbox, which speaks
// the same wire protocol. Uses the real @aws-sdk/client-kms with:
//  - one client per (profile/credentials, Region, endpoint), shared and reference-counted;
//  - an explicit retry strategy: throttling and 5xx/network failures are retried with jittered
//    exponential backoff, 4xx never; ImportKeyMaterial and RotateKeyOnDemand are never replayed
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
  KMSClient,
  ListAliasesCommand,
  ListKeyRotationsCommand,
  ListKeysCommand,
  RotateKeyOnDemandCommand,
  SignCommand,
  type KeyMetadata,
  type KeyUsageType,
  type MacAlgorithmSpec,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';
import type { ProviderId } from '../../core/rules';
import { isKeySpec, type KeySpec, type KeyUsage, type WrappingAlgorithm, type WrappingKeySpec } from '../../core/specs';
import type {
  CallOptions,
  CreateKeyRequest,
  ImportParameters,
  ImportRequest,
  KeyInfo,
  KeyMaterialEntry,
  KeyState,
  KmsProvider,
  Page,
} from '../types';
import { NO_REPLAY_OPERATIONS, toProviderError, type ErrorContext } from './errors';
import { providerIdForRegion } from './credentials';

export interface RetryOptions {
  /** Total attempts including the first (default 4). */
  maxAttempts?: number;
  /** Backoff base for 5xx and network failures (default 100 ms). */
  baseDelayMs?: number;
  /** Backoff base for throttling (default 500 ms). */
  throttlingBaseDelayMs?: number;
  /** Cap of one backoff delay (default 8 s). */
  maxDelayMs?: number;
}

export interface AwsProviderOptions {
  region: string;
  /** 'aws' or 'aws-cn'; derived from the Region when omitted (cn-* → aws-cn). */
  providerId?: Extract<ProviderId, 'aws' | 'aws-cn'>;
  /** Named profile (used for the client cache key and, when `credentials` is absent, resolved with fromIni). */
  profile?: string;
  /** A custom endpoint, e.g. the sandbox's http://127.0.0.1:PORT. */
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Shown to people; defaults to "Sandbox", "profile dev (eu-west-1)" or "AWS (eu-west-1)". */
  label?: string;
  retry?: RetryOptions;
  /** Time to establish a connection (default 5 s). */
  connectionTimeoutMs?: number;
  /** Time without an answer before a request fails (default 30 s). */
  requestTimeoutMs?: number;
  /** One line per call: operation, key id, outcome, request id, attempts, duration. Never bodies. */
  log?: (line: string) => void;
  /** Client cache to share (default: the module's). */
  clientFactory?: KmsClientFactory;
}

// ---------------------------------------------------------------------------------------------
// Retry strategy

const OP_TAG = '$kmsImportOperation';

interface Token extends StandardRetryToken {
  count: number;
  delay: number;
}
const makeToken = (count: number, delay: number): Token => ({
  count,
  delay,
  getRetryCount: () => count,
  getRetryDelay: () => delay,
  getRetryCost: () => undefined,
});

function notConnected(err: unknown, depth = 0): boolean {
  const e = err as { code?: string; cause?: unknown } | undefined;
  if (!e || typeof e !== 'object' || depth > 5) return false;
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return true;
  return notConnected(e.cause, depth + 1);
}

/**
 * Retries THROTTLING always; TRANSIENT/SERVER_ERROR (5xx, timeouts, resets) except for operations
 * that must not be replayed blindly; CLIENT_ERROR (4xx) never. Delays: exponential with full jitter
 * from crypto.randomInt, capped; a Retry-After hint is honoured up to the cap.
 */
export class KmsRetryStrategy implements RetryStrategyV2 {
  readonly maxAttempts: number;
  private readonly base: number;
  private readonly throttleBase: number;
  private readonly cap: number;
  constructor(opts: RetryOptions = {}) {
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 4);
    this.base = opts.baseDelayMs ?? 100;
    this.throttleBase = opts.throttlingBaseDelayMs ?? 500;
    this.cap = opts.maxDelayMs ?? 8000;
  }
  async acquireInitialRetryToken(): Promise<Token> {
    return makeToken(0, 0);
  }
  async refreshRetryTokenForRetry(tokenToRenew: Token, errorInfo: RetryErrorInfo): Promise<Token> {
    const count = tokenToRenew.getRetryCount();
    const err = errorInfo.error as (Error & { [OP_TAG]?: string }) | undefined;
    const op = err?.[OP_TAG];
    if (count + 1 >= this.maxAttempts) throw new Error('retry attempts exhausted');
    let base: number;
    if (errorInfo.errorType === 'THROTTLING') {
      if (op === 'RotateKeyOnDemand' && err?.name === 'LimitExceededException') throw new Error('not retryable');
      base = this.throttleBase;
    } else if (errorInfo.errorType === 'TRANSIENT' || errorInfo.errorType === 'SERVER_ERROR') {
      if (op && NO_REPLAY_OPERATIONS.has(op) && !notConnected(err)) throw new Error('not replayed: the outcome is ambiguous');
      base = this.base;
    } else {
      throw new Error('not retryable');
    }
    const ceiling = Math.min(this.cap, base * 2 ** count);
    let delay = Math.max(1, crypto.randomInt(Math.floor(ceiling / 2), Math.max(Math.floor(ceiling / 2) + 1, ceiling + 1)));
    if (errorInfo.retryAfterHint instanceof Date) delay = Math.min(this.cap, Math.max(delay, errorInfo.retryAfterHint.getTime() - Date.now()));
    return makeToken(count + 1, delay);
  }
  recordSuccess(): void {
    /* no shared capacity: every call gets its own attempts */
  }
}

// ---------------------------------------------------------------------------------------------
// Client factory

interface ClientEntry {
  client: KMSClient;
  refs: number;
}

/** Caches KMS clients per (profile, Region, endpoint); a client is destroyed when its last user releases it. */
export class KmsClientFactory {
  private readonly entries = new Map<string, ClientEntry>();

  static keyOf(o: { profile?: string; region: string; endpoint?: string; credentialsId?: string }): string {
    return JSON.stringify([o.profile ?? '', o.credentialsId ?? '', o.region, o.endpoint ?? '']);
  }

  acquire(key: string, create: () => KMSClient): KMSClient {
    let e = this.entries.get(key);
    if (!e) {
      e = { client: create(), refs: 0 };
      this.entries.set(key, e);
    }
    e.refs++;
    return e.client;
  }

  release(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    if (--e.refs <= 0) {
      this.entries.delete(key);
      e.client.destroy();
    }
  }

  /** Number of live clients (for tests and diagnostics). */
  get size(): number {
    return this.entries.size;
  }

  /** Destroys every client (extension deactivation). */
  disposeAll(): void {
    for (const e of this.entries.values()) e.client.destroy();
    this.entries.clear();
  }
}

export const defaultClientFactory = new KmsClientFactory();

// ---------------------------------------------------------------------------------------------
// The provider

const buf = (u?: Uint8Array): Buffer => (u ? Buffer.from(u) : Buffer.alloc(0));

function toKeyInfo(m: KeyMetadata | undefined, fallbackId: string): KeyInfo {
  const spec = m?.KeySpec ?? m?.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
  return {
    keyId: m?.KeyId ?? fallbackId,
    arn: m?.Arn ?? fallbackId,
    description: m?.Description || undefined,
    keySpec: (isKeySpec(spec) ? spec : spec) as KeySpec,
    keyUsage: (m?.KeyUsage === 'ENCAPSULATE_DECAPSULATE' ? 'KEY_ENCAPSULATION' : m?.KeyUsage ?? 'ENCRYPT_DECRYPT') as KeyUsage,
    keyState: (m?.KeyState ?? 'Enabled') as KeyState,
    origin: (m?.Origin ?? 'AWS_KMS') as KeyInfo['origin'],
    enabled: m?.Enabled ?? false,
    creationDate: m?.CreationDate,
    deletionDate: m?.DeletionDate,
    expirationModel: m?.ExpirationModel as KeyInfo['expirationModel'],
    validTo: m?.ValidTo,
    multiRegion: m?.MultiRegion,
    multiRegionRole: m?.MultiRegionConfiguration?.MultiRegionKeyType as KeyInfo['multiRegionRole'],
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

  private async send<T>(operation: string, command: unknown, ctx: Omit<ErrorContext, 'operation'>, opts?: CallOptions): Promise<T> {
    if (this.disposed) throw toProviderError(Object.assign(new Error('The provider was disposed.'), { name: 'ProviderDisposed' }), { operation, ...ctx });
    if (opts?.signal?.aborted) throw toProviderError(Object.assign(new Error('Cancelled.'), { name: 'AbortError' }), { operation, ...ctx });
    const started = Date.now();
    try {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const out = (await this.client.send(command as any, { abortSignal: opts?.signal, requestTimeout: opts?.timeoutMs })) as T & { $metadata?: { requestId?: string; attempts?: number } };
      this.log?.(`kms ${operation}${ctx.keyId ? ` key=${ctx.keyId}` : ''} ok requestId=${out.$metadata?.requestId ?? '-'} attempts=${out.$metadata?.attempts ?? 1} ${Date.now() - started}ms`);
      return out;
    } catch (e) {
      const err = toProviderError(e, { operation, ...ctx });
      const md = (e as { $metadata?: { requestId?: string; attempts?: number } }).$metadata;
      this.log?.(`kms ${operation}${ctx.keyId ? ` key=${ctx.keyId}` : ''} failed ${err.info.name} requestId=${md?.requestId ?? '-'} attempts=${md?.attempts ?? 1} ${Date.now() - started}ms`);
      throw err;
    }
  }

  async listKeys(token?: string, limit?: number, opts?: CallOptions): Promise<Page<{ keyId: string; arn: string }>> {
    const out = await this.send<{ Keys?: Array<{ KeyId?: string; KeyArn?: string }>; NextMarker?: string }>('ListKeys', new ListKeysCommand({ Marker: token, Limit: limit }), {}, opts);
    return { items: (out.Keys ?? []).map((k) => ({ keyId: k.KeyId ?? '', arn: k.KeyArn ?? k.KeyId ?? '' })), nextToken: out.NextMarker || undefined };
  }

  async listAliases(opts?: CallOptions): Promise<Array<{ aliasName: string; targetKeyId?: string }>> {
    const all: Array<{ aliasName: string; targetKeyId?: string }> = [];
    let marker: string | undefined;
    do {
      const out = await this.send<{ Aliases?: Array<{ AliasName?: string; TargetKeyId?: string }>; NextMarker?: string }>('ListAliases', new ListAliasesCommand({ Marker: marker, Limit: 100 }), {}, opts);
      for (const a of out.Aliases ?? []) if (a.AliasName) all.push({ aliasName: a.AliasName, targetKeyId: a.TargetKeyId });
      marker = out.NextMarker || undefined;
    } while (marker);
    return all;
  }

  async describeKey(keyId: string, opts?: CallOptions): Promise<KeyInfo> {
    const out = await this.send<{ KeyMetadata?: KeyMetadata }>('DescribeKey', new DescribeKeyCommand({ KeyId: keyId }), { keyId }, opts);
    return toKeyInfo(out.KeyMetadata, keyId);
  }

  async createKey(req: CreateKeyRequest, opts?: CallOptions): Promise<KeyInfo> {
    const out = await this.send<{ KeyMetadata?: KeyMetadata }>(
      'CreateKey',
      new CreateKeyCommand({
        KeySpec: req.keySpec,
        KeyUsage: (req.keyUsage === 'KEY_ENCAPSULATION' ? 'ENCAPSULATE_DECAPSULATE' : req.keyUsage) as KeyUsageType,
        Origin: 'EXTERNAL',
        Description: req.description,
        MultiRegion: req.multiRegion,
        Tags: req.tags?.map((t) => ({ TagKey: t.key, TagValue: t.value })),
      }),
      { keySpec: req.keySpec },
      opts,
    );
    const info = toKeyInfo(out.KeyMetadata, '');
    if (req.alias) {
      const aliasName = req.alias.startsWith('alias/') ? req.alias : `alias/${req.alias}`;
      await this.send('CreateAlias', new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: info.keyId }), { keyId: info.keyId }, opts);
      info.aliases = [aliasName];
    }
    return info;
  }

  async getParametersForImport(keyId: string, algorithm: WrappingAlgorithm, wrappingKeySpec: WrappingKeySpec, opts?: CallOptions): Promise<ImportParameters> {
    const out = await this.send<{ KeyId?: string; ImportToken?: Uint8Array; PublicKey?: Uint8Array; ParametersValidTo?: Date }>(
      'GetParametersForImport',
      new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: algorithm, WrappingKeySpec: wrappingKeySpec }),
      { keyId, wrappingAlgorithm: algorithm, wrappingKeySpec },
      opts,
    );
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
    const out = await this.send<{ KeyId?: string; KeyMaterialId?: string }>(
      'ImportKeyMaterial',
      new ImportKeyMaterialCommand({
        KeyId: req.keyId,
        ImportToken: req.importToken,
        EncryptedKeyMaterial: req.encryptedKeyMaterial,
        // Always explicit: the service default is KEY_MATERIAL_EXPIRES, which then needs ValidTo.
        ExpirationModel: req.expirationModel,
        ValidTo: req.expirationModel === 'KEY_MATERIAL_EXPIRES' ? req.validTo : undefined,
        ImportType: req.importType,
        KeyMaterialDescription: req.keyMaterialDescription,
        KeyMaterialId: req.keyMaterialId,
      }),
      { keyId: req.keyId, importType: req.importType, keyMaterialId: req.keyMaterialId, ...req.context },
      opts,
    );
    return { keyId: out.KeyId ?? req.keyId, keyMaterialId: out.KeyMaterialId };
  }

  async deleteImportedKeyMaterial(keyId: string, keyMaterialId?: string, opts?: CallOptions): Promise<{ keyMaterialId?: string }> {
    const out = await this.send<{ KeyMaterialId?: string }>('DeleteImportedKeyMaterial', new DeleteImportedKeyMaterialCommand({ KeyId: keyId, KeyMaterialId: keyMaterialId }), { keyId }, opts);
    return { keyMaterialId: out.KeyMaterialId || undefined };
  }

  async listKeyMaterials(keyId: string, opts?: CallOptions): Promise<KeyMaterialEntry[]> {
    const all: KeyMaterialEntry[] = [];
    let marker: string | undefined;
    do {
      const out = await this.send<{ Rotations?: Array<Record<string, unknown>>; NextMarker?: string }>(
        'ListKeyRotations',
        new ListKeyRotationsCommand({ KeyId: keyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL', Marker: marker, Limit: 1000 }),
        { keyId },
        opts,
      );
      for (const r of out.Rotations ?? []) {
        if (typeof r.KeyMaterialId !== 'string') continue;
        all.push({
          keyMaterialId: r.KeyMaterialId,
          keyMaterialState: r.KeyMaterialState as string | undefined,
          importState: r.ImportState as KeyMaterialEntry['importState'],
          description: r.KeyMaterialDescription as string | undefined,
          expirationModel: r.ExpirationModel as KeyMaterialEntry['expirationModel'],
          validTo: r.ValidTo as Date | undefined,
          rotationDate: r.RotationDate as Date | undefined,
        });
      }
      marker = out.NextMarker || undefined;
    } while (marker);
    return all;
  }

  async rotateKeyOnDemand(keyId: string, opts?: CallOptions): Promise<void> {
    await this.send('RotateKeyOnDemand', new RotateKeyOnDemandCommand({ KeyId: keyId }), { keyId }, opts);
  }

  async getPublicKey(keyId: string, opts?: CallOptions): Promise<Buffer> {
    const out = await this.send<{ PublicKey?: Uint8Array }>('GetPublicKey', new GetPublicKeyCommand({ KeyId: keyId }), { keyId }, opts);
    return buf(out.PublicKey);
  }

  async generateMac(keyId: string, message: Buffer, macAlgorithm: string, opts?: CallOptions): Promise<Buffer> {
    const out = await this.send<{ Mac?: Uint8Array }>('GenerateMac', new GenerateMacCommand({ KeyId: keyId, Message: message, MacAlgorithm: macAlgorithm as MacAlgorithmSpec }), { keyId }, opts);
    return buf(out.Mac);
  }

  async encrypt(keyId: string, plaintext: Buffer, opts?: CallOptions): Promise<Buffer> {
    const out = await this.send<{ CiphertextBlob?: Uint8Array }>('Encrypt', new EncryptCommand({ KeyId: keyId, Plaintext: plaintext }), { keyId }, opts);
    return buf(out.CiphertextBlob);
  }

  async decrypt(ciphertext: Buffer, keyId?: string, opts?: CallOptions): Promise<{ plaintext: Buffer; keyMaterialId?: string }> {
    const out = await this.send<{ Plaintext?: Uint8Array; KeyMaterialId?: string }>('Decrypt', new DecryptCommand({ CiphertextBlob: ciphertext, KeyId: keyId }), { keyId }, opts);
    const plaintext = buf(out.Plaintext);
    out.Plaintext?.fill(0);
    return { plaintext, keyMaterialId: out.KeyMaterialId };
  }

  async sign(keyId: string, message: Buffer, signingAlgorithm: string, opts?: CallOptions): Promise<Buffer> {
    const out = await this.send<{ Signature?: Uint8Array }>('Sign', new SignCommand({ KeyId: keyId, Message: message, MessageType: 'RAW', SigningAlgorithm: signingAlgorithm as SigningAlgorithmSpec }), { keyId }, opts);
    return buf(out.Signature);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.factory.release(this.cacheKey);
  }
}

/** Builds a KMSClient with the explicit retry strategy, timeouts and the operation tag used by it. */
export function createKmsClient(opts: AwsProviderOptions): KMSClient {
  const retryStrategy = new KmsRetryStrategy(opts.retry);
  const client = new KMSClient({
    region: opts.region,
    endpoint: opts.endpoint,
    profile: opts.profile,
    credentials: opts.credentials,
    maxAttempts: retryStrategy.maxAttempts,
    retryStrategy,
    requestHandler: { connectionTimeout: opts.connectionTimeoutMs ?? 5000, requestTimeout: opts.requestTimeoutMs ?? 30000, throwOnRequestTimeout: true },
  });
  // Tags every error with its operation, inside the retry loop, so the strategy can refuse to replay
  // non-idempotent operations after an ambiguous failure.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (e) {
        if (e && typeof e === 'object') {
          try {
            Object.defineProperty(e, OP_TAG, { value: context.commandName?.replace(/Command$/, ''), configurable: true });
          } catch {
            /* frozen error: the strategy treats it as replayable only if throttled */
          }
        }
        throw e;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'kmsImportOperationTag' },
  );
  return client;
}

export function createAwsProvider(opts: AwsProviderOptions): AwsKmsProvider {
  return new AwsKmsProvider(opts);
}
