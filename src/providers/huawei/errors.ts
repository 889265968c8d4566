// Huawei Cloud KMS failures mapped to cause + action + next step, in the user's terms, like the AWS
// mapping (../aws/errors.ts): KMS's own {"error": {"error_code": "KMS.XXXX", "error_msg"}} answers, the
// API gateway's flat {"error_code": "APIG.XXXX", …} (authentication, throttling), HTTP statuses and
// network failures. Messages carry only the service's own text, the action, the key id and the request
// id — never a request or response body.
import type { KmsErrorName } from '../../core/errors';
import { makeProviderError, type ProviderError, type ProviderErrorInfo } from '../types';
import { isAbortError, type ErrorContext } from '../aws/errors';

/** Actions that change state: a lost answer leaves their outcome unknown. */
export const HUAWEI_MUTATING = new Set(['create-key', 'import-key-material', 'delete-imported-key-material']);
/** Never replayed after the request may have reached the service (the caller reconciles with describe-key). */
export const HUAWEI_NO_REPLAY = new Set(['import-key-material', 'create-key', 'delete-imported-key-material']);

/** What the provider throws before mapping: an HTTP answer that was not 2xx. */
export class HuaweiApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = code;
  }
}

const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const LOST = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ERR_STREAM_PREMATURE_CLOSE']);

/** 'not-connected' (safe to retry anything), 'lost' (the request may have arrived), or undefined. */
export function networkFailure(e: unknown, depth = 0): { kind: 'not-connected' | 'lost'; code: string } | undefined {
  const x = e as { code?: string; name?: string; message?: string; cause?: unknown } | undefined;
  if (!x || typeof x !== 'object' || depth > 5) return undefined;
  if (x.code && NOT_CONNECTED.has(x.code)) return { kind: 'not-connected', code: x.code };
  if (x.code && LOST.has(x.code)) return { kind: 'lost', code: x.code };
  if (x.name === 'TimeoutError') return { kind: 'lost', code: 'TIMEOUT' };
  if (/other side closed|socket hang up/i.test(x.message ?? '')) return { kind: 'lost', code: 'ECONNRESET' };
  if (x.cause) return networkFailure(x.cause, depth + 1);
  return x instanceof TypeError && /fetch failed/i.test(x.message ?? '') ? { kind: 'lost', code: 'FETCH_FAILED' } : undefined;
}

export function isThrottled(e: HuaweiApiError): boolean {
  return e.status === 429 || e.code === 'APIG.0308' || e.code === 'APIGW.0308';
}

const key = (id?: string) => (id ? ` (key ${id})` : '');

export function mapHuaweiError(err: unknown, ctx: ErrorContext): ProviderErrorInfo {
  const op = ctx.operation;
  const mutating = HUAWEI_MUTATING.has(op);
  const api = err instanceof HuaweiApiError ? err : undefined;
  const name = api?.code ?? ((err as Error)?.name && (err as Error).name !== 'Error' ? (err as Error).name : 'Error');
  const message = String((err as Error)?.message ?? err).slice(0, 500);
  const info = (x: Omit<ProviderErrorInfo, 'name' | 'message' | 'requestId'>): ProviderErrorInfo => ({ name, message, requestId: api?.requestId, ...x });
  const k = key(ctx.keyId);

  if (isAbortError(err)) {
    return info({ cause: `${op} was cancelled${k}.`, action: mutating ? 'Describe the key to see whether the change took effect before the cancel.' : 'Run it again when you are ready.', nextStep: mutating ? 'describe-key' : 'none', retryable: true, ambiguous: mutating });
  }
  if (api) {
    switch (api.code) {
      case 'KMS.2601':
        return info({ cause: `The import token has expired or is no longer valid${k}: parameters are valid for 24 hours.`, action: 'Get new parameters for import (wrapping key and token), wrap the material again with the new public key, then import.', nextStep: 'download-parameters', retryable: false });
      case 'KMS.2603':
        return info({ cause: `The import token belongs to another key than${k || ' this key'}.`, action: 'Use the token downloaded for this key, or get new parameters for import for it.', nextStep: 'download-parameters', retryable: false });
      case 'KMS.2605': {
        const alg = ctx.wrappingAlgorithm ?? 'the chosen wrapping algorithm';
        const pk = ctx.publicKeyFingerprint ? ` for wrapping public key ${ctx.publicKeyFingerprint}` : '';
        return info({ cause: `Huawei KMS could not verify the token or decrypt the wrapped material${k}. It was wrapped with ${alg}${pk}. Likely mismatch: the token was issued for another wrapping algorithm, the material was wrapped with the public key of another download than the token's, or a file was altered.`, action: 'Wrap the material again with the public key and the algorithm of the SAME get-parameters-for-import answer as the token; if unsure, get new parameters.', nextStep: 'download-parameters', retryable: false });
      }
      case 'KMS.2604':
        return info({ cause: `Huawei KMS takes exactly 32 bytes (AES-256) of symmetric key material${k}; the unwrapped material has another length.`, action: 'Choose a 32-byte material file (raw bytes), e.g. openssl rand -out PlaintextKeyMaterial.bin 32.', nextStep: 'choose-material', retryable: false });
      case 'KMS.2606':
        return info({ cause: `This key${k} had material before, and this is different material: a key whose material was deleted takes back only the same material.`, action: 'Import the material that was imported into this key before, or create a new key for this material.', nextStep: 'choose-material', retryable: false });
      case 'KMS.2608':
        return info({ cause: `The private key part is missing${k}: an asymmetric key needs encrypted_privatekey (the PKCS#8 key wrapped with RFC 5649 under a temporary AES-256 key) besides the RSA-wrapped temporary key.`, action: 'Wrap the private key with RSA_AES_KEY_WRAP_SHA_256 (the two-part form) and import again.', nextStep: 'choose-material', retryable: false });
      case 'KMS.2609':
        return info({ cause: `Huawei KMS refused the private key${k}: ${message}`, action: "Choose the PKCS#8 private key that matches the key's spec and wrap it again with RSA_AES_KEY_WRAP_SHA_256.", nextStep: 'choose-material', retryable: false });
      case 'KMS.2602':
        return info({ cause: `The material's expiry time must be later than now${k}.`, action: 'Choose an expiry in the future, or no expiry.', nextStep: 'none', retryable: false });
      case 'KMS.2701':
        return info({ cause: `Key material can be deleted only while the key is Enabled or Disabled${k}.`, action: 'Describe the key: a key pending import has no material to delete.', nextStep: 'describe-key', retryable: false });
      case 'KMS.2702':
        return info({ cause: `Imported private key material cannot be deleted on Huawei Cloud KMS${k}.`, action: 'Schedule the deletion of the key instead.', nextStep: 'none', retryable: false });
      case 'KMS.0309':
        return info({ cause: `The key does not take imported material${k}: only keys created with origin external do.`, action: 'Create a key with origin external (key material from outside) and import into that one.', nextStep: 'none', retryable: false });
      case 'KMS.0310':
        return info({ cause: `The key is not pending import${k}: ${message}`, action: 'Describe the key: material goes only into a key pending import (state 5); delete the imported material first to import it again.', nextStep: 'describe-key', retryable: false });
      case 'KMS.0207':
        return info({ cause: `The key was not found${k} in this project and region.`, action: 'Check the key id, HUAWEICLOUD_SDK_PROJECT_ID and the region.', nextStep: 'none', retryable: false });
      case 'KMS.0205':
        return info({ cause: `The key id is not valid${k}: Huawei key ids are 36 characters (8-4-4-4-12).`, action: 'Use the key_id as describe-key or list-keys returns it.', nextStep: 'none', retryable: false });
      case 'KMS.0209':
      case 'KMS.0210':
      case 'KMS.1301':
        return info({ cause: `The key's state does not allow ${op}${k}: ${message}`, action: 'Describe the key; enable it (or cancel its deletion, or import its material) first.', nextStep: 'describe-key', retryable: false });
      case 'KMS.1104':
        return info({ cause: `The key alias is already in use: ${message}`, action: 'Choose another alias.', nextStep: 'none', retryable: false });
      case 'KMS.0306':
      case 'KMS.0307':
        return info({ cause: `Access denied${k}: the IAM user lacks the KMS permission for ${op}.`, action: 'Grant the user the KMS Administrator role (or kms:cmk:* for this action) in IAM, or use other credentials.', nextStep: 'check-permissions', retryable: false });
    }
    if (isThrottled(api)) {
      return info({ cause: `Huawei Cloud throttled ${op} (request rate exceeded) and the retries did not get through.`, action: 'Wait a few seconds and try again; throttled requests never take effect.', nextStep: 'retry', retryable: true, ambiguous: false });
    }
    if (api.code.startsWith('APIG.') || api.status === 401 || api.status === 403) {
      return info({ cause: `The credentials were refused (${api.code}): ${message}`, action: 'Check HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_PROJECT_ID for this region, and this machine\'s clock.', nextStep: 'check-permissions', retryable: false });
    }
    if (api.status >= 500) {
      return info({ cause: `Huawei KMS had an internal failure during ${op} (${api.code}, HTTP ${api.status})${mutating ? '; it may or may not have applied the change' : ''}.`, action: mutating ? 'Describe the key to learn whether it took effect before trying again.' : 'Try again in a moment.', nextStep: mutating ? 'describe-key' : 'retry', retryable: true, ambiguous: mutating });
    }
    return info({ cause: `Huawei KMS refused a parameter of ${op} (${api.code}): ${message}`, action: 'Check the values named in the message.', nextStep: 'none', retryable: false });
  }
  const net = networkFailure(err);
  if (net) {
    const ambiguous = net.kind === 'lost' && mutating;
    return info({
      cause: net.kind === 'lost' ? `The connection was lost during ${op} (${net.code === 'TIMEOUT' ? 'no answer in time' : net.code})${ambiguous ? '; Huawei KMS may or may not have applied it' : ''}.` : `Huawei KMS could not be reached (${net.code}).`,
      action: ambiguous ? 'Describe the key to learn whether it took effect before trying again.' : 'Check the network, proxy and endpoint, then try again.',
      nextStep: ambiguous ? 'describe-key' : 'retry',
      retryable: true,
      ambiguous,
    });
  }
  return info({ cause: `${op} failed: ${message}`, action: 'Check the inputs and try again.', nextStep: 'none', retryable: false });
}

export function toHuaweiProviderError(err: unknown, ctx: ErrorContext): ProviderError {
  return makeProviderError(mapHuaweiError(err, ctx), err);
}

/** A refusal made by the provider itself, before any request (e.g. a key spec Huawei does not have). */
export function huaweiRefusal(name: KmsErrorName, cause: string, action: string): ProviderError {
  return makeProviderError({ name, message: cause, cause, action, nextStep: 'none', retryable: false });
}
