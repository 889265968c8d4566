// The one small interface every KMS provider implements (AWS, AWS China, the sandbox — which is AWS
// with a local endpoint — and Huawei Cloud). No vscode, no AWS SDK types leak through it.
import type { KeySpec, KeyUsage, WrappingAlgorithm, WrappingKeySpec } from '../core/specs';
import type { ProviderId } from '../core/rules';

import { KmsImportError, serviceErrorCode, type NextStep } from '../core/errors';
import type { ExpirationModel, ImportType, KeyState } from '../core/specs';

export type { ExpirationModel, ImportType, KeyState } from '../core/specs';

export interface KeyInfo {
  keyId: string;
  arn: string;
  aliases?: string[];
  description?: string;
  keySpec: KeySpec;
  /** The provider's own name for the spec when it differs (Huawei: AES_256, EC_P256…). */
  providerKeySpec?: string;
  keyUsage: KeyUsage;
  keyState: KeyState;
  origin: 'AWS_KMS' | 'EXTERNAL' | 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE';
  enabled: boolean;
  creationDate?: Date;
  deletionDate?: Date;
  expirationModel?: ExpirationModel;
  /** Material expiry (KEY_MATERIAL_EXPIRES only). */
  validTo?: Date;
  multiRegion?: boolean;
  multiRegionRole?: 'PRIMARY' | 'REPLICA';
  /** Multi-Region: the Regions of the primary's replicas (as DescribeKey reports them). */
  replicaRegions?: string[];
  primaryRegion?: string;
  currentKeyMaterialId?: string;
  signingAlgorithms?: string[];
  macAlgorithms?: string[];
  encryptionAlgorithms?: string[];
}

export interface ImportParameters {
  keyId: string; // ARN as returned
  publicKey: Buffer; // DER SPKI
  importToken: Buffer;
  parametersValidTo: Date;
  wrappingAlgorithm: WrappingAlgorithm;
  wrappingKeySpec: WrappingKeySpec;
}

export interface CreateKeyRequest {
  keySpec: KeySpec;
  keyUsage: KeyUsage;
  description?: string;
  multiRegion?: boolean;
  tags?: Array<{ key: string; value: string }>;
  alias?: string;
}

export interface ImportRequest {
  keyId: string;
  encryptedKeyMaterial: Buffer;
  /** Huawei's two-part asymmetric import: the PKCS#8 key wrapped (RFC 5649) under the temporary AES key that
   *  encryptedKeyMaterial carries RSA-wrapped. Absent: a longer RSA_AES_KEY_WRAP blob is split instead. */
  encryptedPrivateKey?: Buffer;
  importToken: Buffer;
  expirationModel: ExpirationModel;
  validTo?: Date;
  importType?: ImportType;
  keyMaterialDescription?: string;
  keyMaterialId?: string;
  /** Context for error messages only (never sent): how the material was wrapped, for which public key. */
  context?: { wrappingAlgorithm?: WrappingAlgorithm; wrappingKeySpec?: WrappingKeySpec; publicKeyFingerprint?: string; keySpec?: KeySpec; materialImportedBefore?: boolean };
}

export interface KeyMaterialEntry {
  keyMaterialId: string;
  keyMaterialState?: string;
  importState?: 'IMPORTED' | 'PENDING_IMPORT';
  description?: string;
  expirationModel?: ExpirationModel;
  validTo?: Date;
  rotationDate?: Date;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** Passed to every call: cancellation from the UI or the CLI. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Per-call time limit without an answer (overrides the provider's request timeout). */
  timeoutMs?: number;
}

export interface KmsProvider {
  readonly id: ProviderId;
  readonly region: string;
  /** A label for people: "Sandbox", "profile dev (eu-west-1)". */
  readonly label: string;

  listKeys(token?: string, limit?: number, opts?: CallOptions): Promise<Page<{ keyId: string; arn: string }>>;
  listAliases(opts?: CallOptions): Promise<Array<{ aliasName: string; targetKeyId?: string }>>;
  describeKey(keyId: string, opts?: CallOptions): Promise<KeyInfo>;
  createKey(req: CreateKeyRequest, opts?: CallOptions): Promise<KeyInfo>;
  getParametersForImport(keyId: string, algorithm: WrappingAlgorithm, wrappingKeySpec: WrappingKeySpec, opts?: CallOptions): Promise<ImportParameters>;
  importKeyMaterial(req: ImportRequest, opts?: CallOptions): Promise<{ keyId: string; keyMaterialId?: string }>;
  deleteImportedKeyMaterial(keyId: string, keyMaterialId?: string, opts?: CallOptions): Promise<{ keyMaterialId?: string }>;
  listKeyMaterials(keyId: string, opts?: CallOptions): Promise<KeyMaterialEntry[]>;
  rotateKeyOnDemand(keyId: string, opts?: CallOptions): Promise<void>;
  getPublicKey(keyId: string, opts?: CallOptions): Promise<Buffer>;
  generateMac(keyId: string, message: Buffer, macAlgorithm: string, opts?: CallOptions): Promise<Buffer>;
  encrypt(keyId: string, plaintext: Buffer, opts?: CallOptions): Promise<Buffer>;
  decrypt(ciphertext: Buffer, keyId?: string, opts?: CallOptions): Promise<{ plaintext: Buffer; keyMaterialId?: string }>;
  sign(keyId: string, message: Buffer, signingAlgorithm: string, opts?: CallOptions): Promise<Buffer>;
  dispose(): void;
}

/** A provider failure mapped to cause and action (the extension and the CLI show these). */
export interface ProviderErrorInfo {
  /** The service's error name, e.g. ExpiredImportTokenException. */
  name: string;
  message: string;
  /** What probably went wrong, in the user's terms. */
  cause: string;
  /** What to do next. */
  action: string;
  /** A machine-readable next step the UI can offer as a button. */
  nextStep?: NextStep;
  retryable: boolean;
  /** Whether the operation may have taken effect (e.g. network error during ImportKeyMaterial). */
  ambiguous?: boolean;
  requestId?: string;
}

/**
 * What providers throw: an Error carrying the mapped ProviderErrorInfo. Recognise it with
 * isProviderError (a marker property, not instanceof: the AWS provider lives in its own bundle).
 */
export interface ProviderError extends KmsImportError {
  readonly providerError: true;
  readonly info: ProviderErrorInfo;
}

export function isProviderError(e: unknown): e is ProviderError {
  return e instanceof Error && (e as Partial<ProviderError>).providerError === true && typeof (e as Partial<ProviderError>).info === 'object';
}

/** The one way a provider makes its error: a KmsImportError of kind 'kms' whose code is the KMS's error name (UNKNOWN_SERVICE_ERROR for a name not in ERROR_CODES; info.name keeps it), with the mapped info. */
export function makeProviderError(info: ProviderErrorInfo, cause?: unknown): ProviderError {
  const e = new KmsImportError('kms', serviceErrorCode(info.name), `${info.cause} ${info.action}`, info.action, { nextStep: info.nextStep, cause, cancelled: info.name === 'AbortError' }) as KmsImportError & { providerError: true; info: ProviderErrorInfo };
  e.name = info.name;
  Object.defineProperty(e, 'providerError', { value: true, enumerable: false });
  e.info = info;
  return e;
}
