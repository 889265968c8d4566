// AWS KMS (and sandbox) failures mapped to cause + action + next step, in the user's terms.
// Works on the error's shape (name, $fault, $metadata, code), so this file does not import the SDK.
// Never puts request or response bodies in a message: only the service's own message text, the
// operation, the key id and the request id.
import type { KeySpec, WrappingAlgorithm, WrappingKeySpec } from '../../core/specs';
import type { KmsErrorName } from '../../core/errors';
import { makeProviderError, type ProviderError, type ProviderErrorInfo } from '../types';

/** What the caller knew when the call failed; used to make messages specific. */
export interface ErrorContext {
  operation: string;
  keyId?: string;
  wrappingAlgorithm?: WrappingAlgorithm;
  wrappingKeySpec?: WrappingKeySpec;
  publicKeyFingerprint?: string;
  keySpec?: KeySpec;
  importType?: 'NEW_KEY_MATERIAL' | 'EXISTING_KEY_MATERIAL';
  keyMaterialId?: string;
  /** Whether key material was imported into the key before this import (undefined: not known). */
  materialImportedBefore?: boolean;
}

/** Operations that change state: a network failure or 5xx during them leaves the outcome unknown. */
export const MUTATING_OPERATIONS = new Set([
  'CreateKey',
  'ImportKeyMaterial',
  'DeleteImportedKeyMaterial',
  'RotateKeyOnDemand',
  'CreateAlias',
  'ScheduleKeyDeletion',
  'ReplicateKey',
]);

/**
 * Operations the client must never replay after an ambiguous failure (the flow reconciles instead).
 * CreateKey is replayed like the SDK does by default: a stale keep-alive socket reset is far more
 * common than a lost answer, and the worst case is an extra empty PendingImport key.
 */
export const NO_REPLAY_OPERATIONS = new Set(['ImportKeyMaterial', 'RotateKeyOnDemand']);

const THROTTLING_CODES = new Set<string>([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
  'TransactionInProgressException',
] satisfies KmsErrorName[]);

/** Network-level failures: connection never made (safe) versus made and then lost (ambiguous). */
const NOT_CONNECTED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const CONNECTION_LOST_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET']);

interface SdkLikeError {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  cause?: unknown;
}

function networkCode(e: SdkLikeError, depth = 0): string | undefined {
  if (!e || typeof e !== 'object' || depth > 5) return undefined;
  if (e.code && (NOT_CONNECTED_CODES.has(e.code) || CONNECTION_LOST_CODES.has(e.code))) return e.code;
  if (e.name === 'TimeoutError' || e.name === 'RequestTimeout') return 'TIMEOUT';
  if (/socket hang up/i.test(e.message ?? '')) return 'ECONNRESET';
  return e.cause ? networkCode(e.cause as SdkLikeError, depth + 1) : undefined;
}

export function isAbortError(e: unknown): boolean {
  const x = e as SdkLikeError | undefined;
  return !!x && typeof x === 'object' && (x.name === 'AbortError' || x.code === 'ABORT_ERR');
}

/** Which IAM permission an AccessDenied message names, else the one the operation needs. */
export function missingPermission(message: string, operation: string): string {
  const m = /\b(kms:[A-Za-z]+)\b/.exec(message);
  return m ? m[1] : `kms:${operation}`;
}

function shortKey(keyId?: string): string {
  return keyId ? ` (key ${keyId})` : '';
}

/** Maps any error from a KMS call to ProviderErrorInfo. */
export function mapAwsError(err: unknown, ctx: ErrorContext): ProviderErrorInfo {
  const e = (err && typeof err === 'object' ? err : { message: String(err) }) as SdkLikeError;
  const name = e.name && e.name !== 'Error' ? e.name : e.code ?? 'Error';
  const message = (e.message ?? '').slice(0, 500);
  const status = e.$metadata?.httpStatusCode;
  const requestId = e.$metadata?.requestId;
  const op = ctx.operation;
  const mutating = MUTATING_OPERATIONS.has(op);
  const base = { name, message, requestId };
  const info = (x: Omit<ProviderErrorInfo, 'name' | 'message' | 'requestId'>): ProviderErrorInfo => ({ ...base, ...x });

  if (isAbortError(e)) {
    return info({
      cause: `${op} was cancelled${shortKey(ctx.keyId)}.`,
      action: mutating ? 'Describe the key to see whether the change took effect before the cancel.' : 'Run it again when you are ready.',
      nextStep: mutating ? 'describe-key' : 'none',
      retryable: true,
      ambiguous: mutating,
    });
  }

  switch (name) {
    case 'InvalidCiphertextException': {
      if (op !== 'ImportKeyMaterial') {
        return info({ cause: 'KMS could not decrypt the ciphertext: it is corrupt, or was made under another key or encryption context.', action: 'Use the ciphertext exactly as Encrypt returned it, with the same key.', nextStep: 'none', retryable: false });
      }
      const alg = ctx.wrappingAlgorithm ?? 'the chosen wrapping algorithm';
      const pk = ctx.publicKeyFingerprint ? ` for wrapping public key ${ctx.publicKeyFingerprint}${ctx.wrappingKeySpec ? ` (${ctx.wrappingKeySpec})` : ''}` : ctx.wrappingKeySpec ? ` with a ${ctx.wrappingKeySpec} wrapping key` : '';
      const other = otherAlgorithmHint(ctx.wrappingAlgorithm);
      return info({
        cause: `KMS could not decrypt the wrapped key material${shortKey(ctx.keyId)}. It was wrapped with ${alg}${pk}. Likely mismatch: the import token was issued for a different wrapping algorithm${other ? ` (e.g. ${other} instead of ${alg})` : ''}, or the material was wrapped with the public key of another parameter bundle than the token's, or the wrapped file was altered.`,
        action: 'Wrap the material again with the public key and the algorithm of the SAME parameter bundle as the import token. If you are not sure which bundle that is, download new parameters.',
        nextStep: 'download-parameters',
        retryable: false,
      });
    }
    case 'ExpiredImportTokenException':
      return info({
        cause: `The import token has expired${shortKey(ctx.keyId)}: parameters are valid for 24 hours.`,
        action: 'Download new import parameters (public key and token), wrap the material again with the new public key, then import.',
        nextStep: 'download-parameters',
        retryable: false,
      });
    case 'InvalidImportTokenException':
      return info({
        cause: `The import token is not valid for this key${shortKey(ctx.keyId)}: it belongs to another KMS key, or it is corrupt.`,
        action: 'Use the import token from the parameter bundle downloaded for this key, or download new parameters for it.',
        nextStep: 'download-parameters',
        retryable: false,
      });
    case 'IncorrectKeyMaterialException':
      return info({ ...incorrectMaterial(ctx, message), nextStep: 'choose-material', retryable: false });
    case 'AccessDeniedException':
    case 'AccessDenied':
    case 'NotAuthorizedException': {
      const perm = missingPermission(message, op);
      return info({
        cause: `Access denied: the credentials lack ${perm}${shortKey(ctx.keyId)} (in the IAM policy or the key policy).`,
        action: `Grant ${perm} on this key to the identity you use, or pick an account/profile that has it.`,
        nextStep: 'check-permissions',
        retryable: false,
      });
    }
    case 'UnrecognizedClientException':
    case 'InvalidClientTokenId':
    case 'InvalidSignatureException':
    case 'SignatureDoesNotMatch':
    case 'ExpiredTokenException':
    case 'ExpiredToken':
    case 'CredentialsProviderError':
    case 'IncompleteSignature':
      return info({
        cause: name === 'CredentialsProviderError' ? `No usable credentials: ${message}` : `The credentials were refused (${name}): they are wrong, expired, or for another partition.`,
        action: 'Refresh the credentials (for SSO: aws sso login --profile NAME), or choose another account/profile.',
        nextStep: 'check-permissions',
        retryable: false,
      });
    case 'NotFoundException':
      return info({ cause: `The KMS key was not found${shortKey(ctx.keyId)} in this account and Region.`, action: 'Check the key id/ARN, the account and the Region.', nextStep: 'none', retryable: false });
    case 'KMSInvalidStateException':
      if (/pending rotation|not yet imported into every replica|PENDING_(MULTI_REGION_IMPORT_AND_)?ROTATION/i.test(message)) {
        return info({
          cause: `New key material is pending on this key${shortKey(ctx.keyId)}. ${message}`.trim(),
          action: op === 'RotateKeyOnDemand'
            ? 'Import the same new material into every replica (ImportType EXISTING_KEY_MATERIAL), then rotate again.'
            : 'Finish that rotation first (import it into the replicas, then RotateKeyOnDemand), or delete the pending material (DeleteImportedKeyMaterial with its key material id) and import again.',
          nextStep: 'describe-key',
          retryable: false,
        });
      }
      return info({
        cause: `The key's state does not allow ${op}${shortKey(ctx.keyId)}. ${message}`.trim(),
        action: op === 'ImportKeyMaterial' || op === 'GetParametersForImport' ? 'Describe the key: import needs state PendingImport (or Enabled for a re-import); a key pending deletion must be restored first.' : 'Describe the key to see its state, then enable it or wait for it to become usable.',
        nextStep: 'describe-key',
        retryable: false,
      });
    case 'DisabledException':
      return info({ cause: `The key is disabled${shortKey(ctx.keyId)}.`, action: 'Enable the key, then try again.', nextStep: 'describe-key', retryable: false });
    case 'UnsupportedOperationException': {
      const originProblem = (op === 'GetParametersForImport' || op === 'ImportKeyMaterial' || op === 'DeleteImportedKeyMaterial') && (!message || /origin|EXTERNAL/i.test(message));
      return info({
        cause: originProblem ? `The key does not take imported material${shortKey(ctx.keyId)}: only keys created with Origin EXTERNAL do. ${message}`.trim() : `KMS does not support this ${op} request${shortKey(ctx.keyId)}: ${message || 'a parameter or the key is not valid for it'}`,
        action: originProblem ? 'Create a key with key material origin External (Origin EXTERNAL) and import into that one.' : ctx.wrappingAlgorithm ? `Choose another wrapping algorithm or wrapping key spec than ${ctx.wrappingAlgorithm}${ctx.wrappingKeySpec ? ` / ${ctx.wrappingKeySpec}` : ''}.` : 'Check the key spec, usage and parameters against the operation.',
        nextStep: 'none',
        retryable: false,
      });
    }
    case 'InvalidKeyUsageException':
      return info({ cause: `The key's usage or spec does not fit ${op}${shortKey(ctx.keyId)}. ${message}`.trim(), action: 'Use a key whose KeyUsage matches the operation.', nextStep: 'none', retryable: false });
    case 'ValidationException':
      return info({ cause: `KMS refused a parameter of ${op}: ${message}`, action: 'Check the values named in the message.', nextStep: 'none', retryable: false });
    case 'LimitExceededException':
      if (op === 'RotateKeyOnDemand') {
        return info({ cause: 'The key has reached the limit of on-demand rotations (25 per key).', action: 'Create a new key for further rotations.', nextStep: 'none', retryable: false });
      }
      return info({ cause: `A KMS quota or request rate was exceeded during ${op}.`, action: 'Wait a little and try again; KMS throttles bursts.', nextStep: 'retry', retryable: true, ambiguous: false });
    case 'ConflictException':
      return info({ cause: 'An automatic rotation of this key is in progress or about to start.', action: 'Wait 20 minutes and try again.', nextStep: 'retry', retryable: true, ambiguous: false });
  }

  if (THROTTLING_CODES.has(name) || status === 429) {
    return info({
      cause: `KMS throttled ${op} (request rate exceeded) and the retries did not get through.`,
      action: 'Wait a few seconds and try again; throttled requests never take effect.',
      nextStep: 'retry',
      retryable: true,
      ambiguous: false,
    });
  }

  const net = networkCode(e);
  if (net) {
    const lost = net !== 'ECONNREFUSED' && !NOT_CONNECTED_CODES.has(net);
    const ambiguous = lost && mutating;
    return info({
      cause: lost
        ? `The connection was lost during ${op} (${net === 'TIMEOUT' ? 'no answer in time' : net})${ambiguous ? '; KMS may or may not have applied it' : ''}.`
        : `KMS could not be reached (${net}).`,
      action: ambiguous ? 'Describe the key to learn whether it took effect before trying again.' : 'Check the network, proxy and endpoint, then try again.',
      nextStep: ambiguous ? 'describe-key' : 'retry',
      retryable: true,
      ambiguous,
    });
  }

  if ((status !== undefined && status >= 500) || e.$fault === 'server' || ['KMSInternalException', 'DependencyTimeoutException', 'KeyUnavailableException', 'InternalFailure', 'ServiceUnavailable'].includes(name)) {
    return info({
      cause: `KMS had an internal failure during ${op} (${name}${status ? `, HTTP ${status}` : ''})${mutating ? '; it may or may not have applied the change' : ''}.`,
      action: mutating ? 'Describe the key to learn whether it took effect before trying again.' : 'Try again in a moment.',
      nextStep: mutating ? 'describe-key' : 'retry',
      retryable: true,
      ambiguous: mutating,
    });
  }

  return info({ cause: `${op} failed: ${message || name}`, action: 'Check the inputs and try again.', nextStep: 'none', retryable: false });
}

function otherAlgorithmHint(alg?: WrappingAlgorithm): string | undefined {
  switch (alg) {
    case 'RSAES_OAEP_SHA_256':
      return 'RSAES_OAEP_SHA_1';
    case 'RSAES_OAEP_SHA_1':
      return 'RSAES_OAEP_SHA_256';
    case 'RSA_AES_KEY_WRAP_SHA_256':
      return 'RSA_AES_KEY_WRAP_SHA_1 or RSAES_OAEP_SHA_256';
    case 'RSA_AES_KEY_WRAP_SHA_1':
      return 'RSA_AES_KEY_WRAP_SHA_256';
    default:
      return undefined;
  }
}

/**
 * IncorrectKeyMaterialException covers both "not the material imported before" and "invalid material"
 * (kms-api.md §3.3). The KMS's own message is always shown; the tool says the material differs from
 * earlier material only when material was imported into the key before.
 */
function incorrectMaterial(ctx: ErrorContext, message: string): { cause: string; action: string } {
  const k = shortKey(ctx.keyId);
  const said = message ? ` KMS says: ${/[.!?]$/.test(message) ? message : message + '.'}` : '';
  const asymmetricOrHmac = !!ctx.keySpec && ctx.keySpec !== 'SYMMETRIC_DEFAULT';
  if (ctx.importType === 'NEW_KEY_MATERIAL' && /already associated/i.test(message)) {
    return { cause: `The material was sent as NEW_KEY_MATERIAL, but this key${k} already has exactly this material.${said}`, action: 'Import it as EXISTING_KEY_MATERIAL (a re-import), or choose new material for a rotation.' };
  }
  if (ctx.keyMaterialId) {
    return { cause: `The material does not match key material id ${ctx.keyMaterialId}${k}: it is different bytes.${said}`, action: 'Choose the material file that has this key material id, or leave the id out.' };
  }
  if (ctx.materialImportedBefore === true) {
    return asymmetricOrHmac
      ? {
          cause: `This ${ctx.keySpec} key${k} already has key material, and the material you imported is different from it (different bytes, so a different key). Asymmetric and HMAC keys take only their original material.${said}`,
          action: 'Import the same key material that was imported into this key before (asymmetric and HMAC keys can never change material), or import into a new key.',
        }
      : {
          cause: `The material differs from the key material previously imported into this key${k} (or, for a re-import, it is not associated with the key).${said}`,
          action: 'Choose the material file that matches the key (the same one imported before), or import as NEW_KEY_MATERIAL if this is a rotation.',
        };
  }
  const spec = ctx.keySpec ? ` for this ${ctx.keySpec} key` : '';
  return {
    cause: `KMS refused the key material${spec}${k}${ctx.materialImportedBefore === false ? ' (nothing was imported into this key before)' : ''}.${said || ' It is invalid or does not fit the key.'}`,
    action: ctx.materialImportedBefore === false
      ? `Check the material file: it must be the complete key material${ctx.keySpec ? ` of a ${ctx.keySpec} key` : ''} (exact length for symmetric and HMAC keys; a DER PKCS#8 private key for asymmetric keys). Then wrap and import it again.`
      : 'Check that the material file is complete and fits the key spec, and, if material was imported into this key before, that it is the same material.',
  };
}

/** Builds the Error a provider throws. The message is cause + action: safe to show as is. */
export function toProviderError(err: unknown, ctx: ErrorContext): ProviderError {
  const info = mapAwsError(err, ctx);
  return makeProviderError(info, err);
}
