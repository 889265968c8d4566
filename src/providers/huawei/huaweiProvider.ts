// The KmsProvider for Huawei Cloud KMS (and the sandbox's Huawei API): plain fetch (Node 20's global),
// every request signed with the dependency-free AK/SK signer (./signer.ts), no SDK. Guarantees:
//  - throttling (HTTP 429, APIG.0308) is retried with jittered exponential backoff; 5xx and network
//    failures are retried for reads only — create-key, import-key-material and delete-imported-key-
//    material are never replayed once the request may have arrived (the caller describes the key to
//    learn the outcome, as the AWS flow does); 4xx never;
//  - a per-request time limit and cancellation through CallOptions.signal;
//  - logs of action, key id, outcome, request id, attempts and duration only — never a body.
// Huawei's concepts on the shared interface: key specs map AES_256↔SYMMETRIC_DEFAULT, EC_P256↔ECC_NIST_P256,
// EC_P384↔ECC_NIST_P384 (RSA_* and SM2 as named; KeyInfo.providerKeySpec keeps Huawei's name); key ids
// serve as ARNs; the wrapping key is always RSA_2048. Asymmetric material goes in Huawei's two-part form:
// ImportRequest.encryptedPrivateKey, or an RSA_AES_KEY_WRAP_SHA_256 blob (the RSA-wrapped temporary key,
// then the RFC 5649-wrapped PKCS#8) that is split at the 256-byte RSA block.
import * as crypto from 'node:crypto';
import type { KeySpec, KeyUsage, WrappingAlgorithm, WrappingKeySpec } from '../../core/specs';
import type { CallOptions, CreateKeyRequest, ImportParameters, ImportRequest, KeyInfo, KeyMaterialEntry, KeyState, KmsProvider, Page } from '../types';
import type { ErrorContext } from '../aws/errors';
import { HUAWEI_NO_REPLAY, HuaweiApiError, huaweiRefusal, isThrottled, networkFailure, toHuaweiProviderError } from './errors';
import { signHuaweiRequest, type HuaweiCredentials } from '../../core/huaweiSigner';

export interface HuaweiProviderOptions {
  region: string;
  projectId: string;
  credentials: HuaweiCredentials;
  /** Default https://kms.{region}.myhuaweicloud.com; the sandbox's http://127.0.0.1:PORT. */
  endpoint?: string;
  label?: string;
  retry?: { maxAttempts?: number; baseDelayMs?: number; throttlingBaseDelayMs?: number; maxDelayMs?: number };
  /** Time without an answer before a request fails (default 30 s). */
  requestTimeoutMs?: number;
  log?: (line: string) => void;
}

/** Options from Huawei's own environment names (HUAWEICLOUD_SDK_AK/SK/PROJECT_ID, …_SECURITY_TOKEN, HUAWEICLOUD_KMS_ENDPOINT). */
export function huaweiOptionsFromEnv(env: NodeJS.ProcessEnv, region: string): HuaweiProviderOptions | undefined {
  const ak = env.HUAWEICLOUD_SDK_AK;
  const sk = env.HUAWEICLOUD_SDK_SK;
  const projectId = env.HUAWEICLOUD_SDK_PROJECT_ID;
  if (!ak || !sk || !projectId) return undefined;
  return { region, projectId, credentials: { accessKey: ak, secretKey: sk, securityToken: env.HUAWEICLOUD_SDK_SECURITY_TOKEN || undefined }, endpoint: env.HUAWEICLOUD_KMS_ENDPOINT || undefined };
}

const TO_HW: Partial<Record<KeySpec, string>> = { SYMMETRIC_DEFAULT: 'AES_256', RSA_2048: 'RSA_2048', RSA_3072: 'RSA_3072', RSA_4096: 'RSA_4096', ECC_NIST_P256: 'EC_P256', ECC_NIST_P384: 'EC_P384', SM2: 'SM2' };
const FROM_HW: Record<string, KeySpec> = Object.fromEntries(Object.entries(TO_HW).map(([a, h]) => [h, a as KeySpec]));
const STATES: Record<string, KeyState> = { '1': 'Creating', '2': 'Enabled', '3': 'Disabled', '4': 'PendingDeletion', '5': 'PendingImport' };
const RSA_2048_BYTES = 256;

type Json = Record<string, unknown>;

/** Huawei timestamps are documented in seconds; some answers carry milliseconds. */
function time(v: unknown): Date | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return new Date(n > 1e11 ? n : n * 1000);
}

export function keyInfoFromHuawei(d: Json): KeyInfo {
  const hwSpec = String(d.key_spec ?? 'AES_256');
  const state = STATES[String(d.key_state)] ?? 'Unavailable';
  const external = d.origin === 'external';
  const validTo = time(d.expiration_time);
  return {
    keyId: String(d.key_id ?? ''),
    arn: String(d.key_id ?? ''),
    aliases: d.key_alias ? [String(d.key_alias)] : undefined,
    description: d.key_description ? String(d.key_description) : undefined,
    keySpec: FROM_HW[hwSpec] ?? (hwSpec as KeySpec),
    providerKeySpec: hwSpec,
    keyUsage: String(d.key_usage ?? 'ENCRYPT_DECRYPT') as KeyUsage,
    keyState: state,
    origin: external ? 'EXTERNAL' : 'AWS_KMS',
    enabled: state === 'Enabled',
    creationDate: time(d.creation_date),
    deletionDate: time(d.scheduled_deletion_date),
    expirationModel: external && state !== 'PendingImport' ? (validTo ? 'KEY_MATERIAL_EXPIRES' : 'KEY_MATERIAL_DOES_NOT_EXPIRE') : undefined,
    validTo,
  };
}

/** Splits an import blob into Huawei's two parts: the RSA-2048 block and, after it, the wrapped private key. */
export function splitTwoPart(req: ImportRequest): { material: Buffer; privateKey?: Buffer } {
  if (req.encryptedPrivateKey) return { material: req.encryptedKeyMaterial, privateKey: req.encryptedPrivateKey };
  if (req.encryptedKeyMaterial.length > RSA_2048_BYTES) return { material: req.encryptedKeyMaterial.subarray(0, RSA_2048_BYTES), privateKey: req.encryptedKeyMaterial.subarray(RSA_2048_BYTES) };
  return { material: req.encryptedKeyMaterial };
}

function publicKeyDer(text: string): Buffer {
  const t = text.trim();
  if (t.startsWith('-----BEGIN')) return crypto.createPublicKey(t).export({ type: 'spki', format: 'der' });
  return Buffer.from(t, 'base64');
}

export class HuaweiKmsProvider implements KmsProvider {
  readonly id = 'huawei' as const;
  readonly region: string;
  readonly label: string;
  private readonly base: string;
  private disposed = false;
  private readonly controllers = new Set<AbortController>();

  constructor(private readonly o: HuaweiProviderOptions) {
    this.region = o.region;
    this.base = (o.endpoint ?? `https://kms.${o.region}.myhuaweicloud.com`).replace(/\/+$/, '');
    this.label = o.label ?? (o.endpoint ? `Huawei sandbox (${o.region})` : `Huawei Cloud (${o.region})`);
  }

  private async once(action: string, text: string, opts?: CallOptions): Promise<{ body: Json; requestId?: string }> {
    const url = `${this.base}/v1.0/${encodeURIComponent(this.o.projectId)}/kms/${action}`;
    const headers = signHuaweiRequest({ method: 'POST', url, headers: { 'Content-Type': 'application/json;charset=UTF-8', 'X-Project-Id': this.o.projectId }, body: text }, this.o.credentials);
    delete headers.host; // fetch sets Host itself, to the same value that was signed
    const ac = new AbortController();
    this.controllers.add(ac);
    const onAbort = () => ac.abort(opts?.signal?.reason);
    opts?.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => ac.abort(Object.assign(new Error(`No answer within ${opts?.timeoutMs ?? this.o.requestTimeoutMs ?? 30000} ms.`), { name: 'TimeoutError' })), opts?.timeoutMs ?? this.o.requestTimeoutMs ?? 30000);
    try {
      const res = await fetch(url, { method: 'POST', headers, body: text, signal: ac.signal });
      const raw = await res.text();
      const requestId = res.headers.get('x-request-id') ?? undefined;
      let body: Json = {};
      try {
        body = raw ? (JSON.parse(raw) as Json) : {};
      } catch {
        if (res.ok) throw new HuaweiApiError('InvalidResponse', `The answer to ${action} is not JSON.`, res.status, requestId);
      }
      if (!res.ok) {
        const e = (body.error && typeof body.error === 'object' ? body.error : body) as Json;
        throw new HuaweiApiError(String(e.error_code ?? `HTTP.${res.status}`), String(e.error_msg ?? (raw.slice(0, 200) || res.statusText)), res.status, requestId ?? (body.request_id as string | undefined));
      }
      return { body, requestId };
    } catch (e) {
      if (ac.signal.aborted && !(e instanceof HuaweiApiError)) throw opts?.signal?.aborted ? Object.assign(new Error('Cancelled.'), { name: 'AbortError' }) : ac.signal.reason;
      throw e;
    } finally {
      clearTimeout(timer);
      opts?.signal?.removeEventListener('abort', onAbort);
      this.controllers.delete(ac);
    }
  }

  private delay(attempt: number, base: number, signal?: AbortSignal): Promise<void> {
    const cap = this.o.retry?.maxDelayMs ?? 8000;
    const ceiling = Math.min(cap, base * 2 ** attempt);
    const ms = crypto.randomInt(Math.floor(ceiling / 2), Math.floor(ceiling) + 1);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', stop);
        resolve();
      }, ms);
      const stop = () => {
        clearTimeout(t);
        reject(Object.assign(new Error('Cancelled.'), { name: 'AbortError' }));
      };
      signal?.addEventListener('abort', stop, { once: true });
    });
  }

  /** One call with retries; every failure leaves as a ProviderError (cause, action, next step). */
  private async call(action: string, body: Json, ctx: Omit<ErrorContext, 'operation'>, opts?: CallOptions): Promise<Json> {
    const fail = (e: unknown) => toHuaweiProviderError(e, { operation: action, ...ctx });
    if (this.disposed) throw fail(Object.assign(new Error('The provider was disposed.'), { name: 'ProviderDisposed' }));
    if (opts?.signal?.aborted) throw fail(Object.assign(new Error('Cancelled.'), { name: 'AbortError' }));
    const text = JSON.stringify(body);
    const max = Math.max(1, this.o.retry?.maxAttempts ?? 4);
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const out = await this.once(action, text, opts);
        this.o.log?.(`huawei ${action}${ctx.keyId ? ` key=${ctx.keyId}` : ''} ok requestId=${out.requestId ?? '-'} attempts=${attempt} ${Date.now() - started}ms`);
        return out.body;
      } catch (e) {
        let base: number | undefined;
        if (e instanceof HuaweiApiError) {
          if (isThrottled(e)) base = this.o.retry?.throttlingBaseDelayMs ?? 500;
          else if (e.status >= 500 && !HUAWEI_NO_REPLAY.has(action)) base = this.o.retry?.baseDelayMs ?? 100;
        } else {
          const net = networkFailure(e);
          if (net && (net.kind === 'not-connected' || !HUAWEI_NO_REPLAY.has(action)) && !(e as Error)?.name?.includes('Abort')) base = this.o.retry?.baseDelayMs ?? 100;
        }
        if (base === undefined || attempt >= max || opts?.signal?.aborted) {
          const err = fail(e);
          this.o.log?.(`huawei ${action}${ctx.keyId ? ` key=${ctx.keyId}` : ''} failed ${err.info.name} requestId=${err.info.requestId ?? '-'} attempts=${attempt} ${Date.now() - started}ms`);
          throw err;
        }
        try {
          await this.delay(attempt - 1, base, opts?.signal);
        } catch (c) {
          throw fail(c);
        }
      }
    }
  }

  async listKeys(token?: string, limit?: number, opts?: CallOptions): Promise<Page<{ keyId: string; arn: string }>> {
    const out = await this.call('list-keys', { limit: String(Math.min(2000, Math.max(1, limit ?? 1000))), marker: token, key_spec: 'ALL' }, {}, opts);
    const ids = (out.keys as string[] | undefined) ?? ((out.key_details as Json[] | undefined) ?? []).map((d) => String(d.key_id));
    return { items: ids.map((id) => ({ keyId: id, arn: id })), nextToken: String(out.truncated) === 'true' && out.next_marker ? String(out.next_marker) : undefined };
  }

  /** Every key with its details, page by page (Huawei's list-keys carries the details with the ids). */
  async listKeyDetails(opts?: CallOptions): Promise<KeyInfo[]> {
    const all: KeyInfo[] = [];
    let marker: string | undefined;
    do {
      const out = await this.call('list-keys', { limit: '1000', marker, key_spec: 'ALL' }, {}, opts);
      for (const d of (out.key_details as Json[] | undefined) ?? []) all.push(keyInfoFromHuawei(d));
      marker = String(out.truncated) === 'true' && out.next_marker ? String(out.next_marker) : undefined;
    } while (marker);
    return all;
  }

  async listAliases(opts?: CallOptions): Promise<Array<{ aliasName: string; targetKeyId?: string }>> {
    return (await this.listKeyDetails(opts)).filter((k) => k.aliases?.length).map((k) => ({ aliasName: k.aliases![0], targetKeyId: k.keyId }));
  }

  async describeKey(keyId: string, opts?: CallOptions): Promise<KeyInfo> {
    const out = await this.call('describe-key', { key_id: keyId }, { keyId }, opts);
    return keyInfoFromHuawei((out.key_info as Json | undefined) ?? { key_id: keyId });
  }

  async createKey(req: CreateKeyRequest, opts?: CallOptions): Promise<KeyInfo> {
    const spec = TO_HW[req.keySpec];
    if (!spec) throw huaweiRefusal('UnsupportedKeySpec', `Huawei Cloud KMS has no ${req.keySpec} keys that take imported material.`, 'Choose AES_256 (SYMMETRIC_DEFAULT), RSA_2048/3072/4096, EC_P256/EC_P384 or SM2.');
    if (req.multiRegion) throw huaweiRefusal('UnsupportedOperation', 'Huawei Cloud KMS has no multi-Region keys in this API.', 'Create a single-region key.');
    const alias = req.alias ?? `kms-import-${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${crypto.randomBytes(3).toString('hex')}`;
    const out = await this.call('create-key', { key_alias: alias, key_spec: spec, key_usage: req.keyUsage, key_description: req.description, origin: 'external' }, { keySpec: req.keySpec }, opts);
    const keyId = String((out.key_info as Json | undefined)?.key_id ?? '');
    return this.describeKey(keyId, opts);
  }

  async getParametersForImport(keyId: string, algorithm: WrappingAlgorithm, wrappingKeySpec: WrappingKeySpec, opts?: CallOptions): Promise<ImportParameters> {
    if (wrappingKeySpec !== 'RSA_2048') throw huaweiRefusal('UnsupportedWrappingKeySpec', `Huawei Cloud KMS wraps with an RSA_2048 key only, not ${wrappingKeySpec}.`, 'Choose the wrapping key spec RSA_2048.');
    const wire: Partial<Record<WrappingAlgorithm, string>> = { RSAES_OAEP_SHA_256: 'RSAES_OAEP_SHA_256', RSAES_OAEP_SHA_1: 'RSAES_OAEP_SHA_1', RSAES_PKCS1_V1_5: 'RSAES_PKCS1_V1_5', RSA_AES_KEY_WRAP_SHA_256: 'RSAES_OAEP_SHA_256' };
    const hw = wire[algorithm];
    if (!hw) throw huaweiRefusal('UnsupportedWrappingAlgorithm', `Huawei Cloud KMS does not take ${algorithm}.`, 'Choose RSAES_OAEP_SHA_256 for symmetric material, RSA_AES_KEY_WRAP_SHA_256 (the two-part form) for private keys.');
    const out = await this.call('get-parameters-for-import', { key_id: keyId, wrapping_algorithm: hw }, { keyId, wrappingAlgorithm: algorithm, wrappingKeySpec }, opts);
    return {
      keyId: String(out.key_id ?? keyId),
      publicKey: Buffer.from(String(out.public_key ?? ''), 'base64'),
      importToken: Buffer.from(String(out.import_token ?? ''), 'base64'),
      parametersValidTo: time(out.expiration_time) ?? new Date(Date.now() + 24 * 3600_000),
      wrappingAlgorithm: algorithm,
      wrappingKeySpec,
    };
  }

  async importKeyMaterial(req: ImportRequest, opts?: CallOptions): Promise<{ keyId: string; keyMaterialId?: string }> {
    const parts = splitTwoPart(req);
    const body: Json = { key_id: req.keyId, import_token: req.importToken.toString('base64'), encrypted_key_material: parts.material.toString('base64') };
    if (parts.privateKey) body.encrypted_privatekey = parts.privateKey.toString('base64');
    if (req.expirationModel === 'KEY_MATERIAL_EXPIRES') {
      if (!req.validTo) throw huaweiRefusal('ValidationError', 'Material that expires needs an expiry time.', 'Give validTo, or choose KEY_MATERIAL_DOES_NOT_EXPIRE.');
      body.expiration_time = Math.floor(req.validTo.getTime() / 1000);
    }
    await this.call('import-key-material', body, { keyId: req.keyId, ...req.context }, opts);
    return { keyId: req.keyId };
  }

  async deleteImportedKeyMaterial(keyId: string, _keyMaterialId?: string, opts?: CallOptions): Promise<{ keyMaterialId?: string }> {
    await this.call('delete-imported-key-material', { key_id: keyId }, { keyId }, opts);
    return {};
  }

  /** Huawei keeps one material per key: the entry describe-key implies. */
  async listKeyMaterials(keyId: string, opts?: CallOptions): Promise<KeyMaterialEntry[]> {
    const k = await this.describeKey(keyId, opts);
    if (k.origin !== 'EXTERNAL') return [];
    return [{ keyMaterialId: 'current', importState: k.keyState === 'PendingImport' ? 'PENDING_IMPORT' : 'IMPORTED', expirationModel: k.expirationModel, validTo: k.validTo }];
  }

  async rotateKeyOnDemand(): Promise<void> {
    throw huaweiRefusal('UnsupportedOperation', 'Huawei Cloud KMS does not rotate imported key material.', 'Create a new key for new material.');
  }

  async getPublicKey(keyId: string, opts?: CallOptions): Promise<Buffer> {
    const out = await this.call('get-publickey', { key_id: keyId }, { keyId }, opts);
    return publicKeyDer(String(out.public_key ?? ''));
  }

  async generateMac(): Promise<Buffer> {
    throw huaweiRefusal('UnsupportedOperation', 'Huawei Cloud KMS does not import HMAC keys, so there is no MAC to prove.', 'Use a symmetric or asymmetric key.');
  }

  async encrypt(keyId: string, plaintext: Buffer, opts?: CallOptions): Promise<Buffer> {
    // plain_text is text: binary plaintext travels as its Base64 (decrypt-data gives the same text back).
    const out = await this.call('encrypt-data', { key_id: keyId, plain_text: plaintext.toString('base64') }, { keyId }, opts);
    return Buffer.from(String(out.cipher_text ?? ''), 'base64');
  }

  async decrypt(ciphertext: Buffer, keyId?: string, opts?: CallOptions): Promise<{ plaintext: Buffer; keyMaterialId?: string }> {
    const out = await this.call('decrypt-data', { key_id: keyId, cipher_text: ciphertext.toString('base64') }, { keyId }, opts);
    const plaintext = Buffer.from(String(out.plain_text ?? ''), 'base64');
    out.plain_text = undefined;
    return { plaintext };
  }

  async sign(keyId: string, message: Buffer, signingAlgorithm: string, opts?: CallOptions): Promise<Buffer> {
    const out = await this.call('sign', { key_id: keyId, message: message.toString('base64'), signing_algorithm: signingAlgorithm, message_type: 'RAW' }, { keyId }, opts);
    return Buffer.from(String(out.signature ?? ''), 'base64');
  }

  dispose(): void {
    this.disposed = true;
    for (const c of this.controllers) c.abort(Object.assign(new Error('Cancelled.'), { name: 'AbortError' }));
  }
}

export function createHuaweiProvider(o: HuaweiProviderOptions): HuaweiKmsProvider {
  return new HuaweiKmsProvider(o);
}
