// The one error model. Every failure the tool raises — the core's refusals, the flow's step errors
// (src/flow/types.ts ImportFlowError), the providers' mapped KMS errors — is a KmsImportError: a kind, a
// code from the closed set ERROR_CODES (below), a message, a fix, the next step the UI can offer (one vocabulary), a cause chain and whether it
// was a cancellation. src/flow/failure.ts maps it to what people see and to the CLI's exit code.
// Nothing here ever carries secret bytes.

// ---- The closed set of codes, as data. Every code the tool raises is listed here, grouped by where it is
// raised; KmsImportError's `code` (and every helper that takes one) is typed ErrorCode, so tsc refuses any
// other. Codes are stable: scripts read them from the CLI's --json output.

/** src/cli (argument checks and file handling of the commands). */
export const CLI_CODES = ['usage', 'ALGORITHM_MISMATCH', 'OUTPUT_IS_INPUT'] as const;

/** src/core/fsutil.ts (and the readers built on it): reading and writing files. */
export const FILE_CODES = ['READ_FAILED', 'WRITE_FAILED', 'OUTPUT_EXISTS', 'IS_DIRECTORY', 'NOT_A_REGULAR_FILE', 'FILE_TOO_LARGE'] as const;

/** src/core/material.ts, privateKey.ts, pkcs12.ts, pbes2.ts: reading key material (raw, PEM, DER, JWK, PKCS#12). */
export const MATERIAL_CODES = [
  'EMPTY_FILE', 'RAW_LENGTH', 'TEXT_NOT_KEY', 'JSON_INVALID', 'JWK_INVALID', 'JWKS_NOT_SUPPORTED',
  'PEM_LABEL_MISMATCH', 'PEM_LABEL_UNKNOWN', 'PEM_MANY_KEYS', 'PEM_TRUNCATED', 'CORRUPT_DER', 'CORRUPT_KEY', 'UNKNOWN_DER',
  'PUBLIC_KEY_NOT_MATERIAL', 'CERTIFICATE_NOT_MATERIAL', 'CSR_NOT_MATERIAL', 'BUNDLE_NOT_MATERIAL',
  'PASSPHRASE_REQUIRED', 'WRONG_PASSPHRASE', 'KDF_ITERATIONS', 'PKCS12_MANY_KEYS', 'PKCS12_NO_KEY',
  'KEY_TYPE_UNSUPPORTED', 'RSA_SIZE_UNSUPPORTED', 'CURVE_UNSUPPORTED', 'EC_EXPLICIT_PARAMS', 'EC_NO_CURVE', 'EC_PUBLIC_MISMATCH',
] as const;

/** src/core/publicKey.ts, wrap.ts, kwp.ts, verify.ts: wrapping keys, wrapping, unwrapping and proofs. */
export const WRAP_CODES = [
  'NOT_A_WRAPPING_KEY', 'WRAPPING_KEY_SIZE', 'WRAPPING_KEY_SPEC_MISMATCH', 'WRAPPING_KEY_NOT_RSA', 'WRAPPING_KEY_NOT_SM2',
  'EMPTY_MATERIAL', 'UNWRAP_FAILED', 'KWP_EMPTY', 'KWP_INTEGRITY', 'KWP_KEK_LENGTH', 'NOT_A_PUBLIC_KEY', 'NOT_HMAC',
] as const;

/** src/core/bundle.ts, manifest.ts, zip.ts: parameter bundles (folder or zip) and their manifest. */
export const BUNDLE_CODES = [
  'NOT_A_BUNDLE', 'BUNDLE_NOT_FOUND', 'BUNDLE_AMBIGUOUS', 'BUNDLE_INCOMPLETE', 'BUNDLE_UNREADABLE', 'BUNDLE_TOO_LARGE',
  'BUNDLE_JSON_INVALID', 'BUNDLE_MISMATCH', 'BUNDLE_FACTS_MISSING', 'BUNDLE_EXPIRED', 'MANIFEST_INVALID', 'ZIP_INVALID',
] as const;

/** src/core/rules.ts: the compatibility rules' finding codes (errors are raised as 'incompatible'; warnings and notes are shown). */
export const RULE_CODES = [
  'ALGORITHM_NOT_OFFERED', 'CIPHERTEXT_TOO_LARGE', 'CURVE_MISMATCH', 'HMAC_LENGTH', 'KEY_SPEC_NOT_IMPORTABLE',
  'KEY_SPEC_NOT_SUPPORTED_BY_PROVIDER', 'MATERIAL_KIND_MISMATCH', 'OAEP_PAYLOAD_TOO_LARGE', 'P521_RSA2048_OAEP',
  'PKCS1_PAYLOAD_TOO_LARGE', 'PKCS1_V1_5_REFUSED', 'RSA_AES_NOT_IN_CHINA', 'RSA_MULTI_PRIME', 'RSA_NEEDS_RSA_AES',
  'RSA_NEEDS_SM2PKE_IN_CHINA', 'RSA_SIZE_MISMATCH', 'SM2DSA_CHINA_ONLY', 'SM2DSA_NEEDS_SM2_KEY', 'SM2PKE_CHINA_ONLY',
  'SM2PKE_NEEDS_SM2_KEY', 'SM2_KEY_CHINA_ONLY', 'SM2_KEY_NEEDS_SM2PKE', 'SM2_KEY_SIGNS_WITH_SM2DSA', 'SM2_WRAPPING_CHINA_ONLY',
  'SYMMETRIC_LENGTH', 'WRAPPING_KEY_SPEC_UNSUPPORTED', 'HUAWEI_PRIVATE_KEY_NEEDS_TWO_PART', 'HUAWEI_TWO_PART_PRIVATE_KEYS_ONLY',
  'PREFER_RSA_4096', 'SM2PKE_FORMAT', 'KEY_SPEC_IMPORT_UNCONFIRMED', 'KEY_SPEC_NEWER_DOCS_ONLY', 'PKCS1_LEGACY', 'SHA1_INSECURE',
  'SHA1_WEAK', 'SM2PKE_HMAC_UNDOCUMENTED',
] as const;

/** src/extension/model/formModel.ts: the import form's own request checks, shown as findings beside the rules' (VALID_TO_PAST is the flow's). */
export const FORM_CODES = [
  'KEY_REQUIRED', 'KEY_SPEC_REQUIRED', 'MATERIAL_REQUIRED', 'MATERIAL_UNREADABLE', 'VALID_TO_REQUIRED', 'VALID_TO_TOO_FAR',
  'IMPORT_TYPE_SYMMETRIC_ONLY', 'KEY_PENDING_DELETION', 'ALIAS_INVALID',
] as const;

/** src/flow (run.ts, steps/*, compositions.ts, rotation.ts): the import flow's own refusals and outcomes. */
export const FLOW_CODES = [
  'PARAMETERS_EXPIRED', 'VALID_TO_PAST', 'BUNDLE_OTHER_KEY', 'BUNDLE_NO_EXPIRY', 'BUNDLE_DIR_NOT_EMPTY', 'BUNDLE_NO_ALGORITHM',
  'KEY_NOT_EXTERNAL', 'KEY_STATE', 'WRAPPED_FILE_INVALID', 'ROTATION_ON_REPLICA', 'ROTATION_REPLICAS_MISSING',
  'ROTATION_SYMMETRIC_ONLY', 'NOT_OFFERED_BY_PROVIDER', 'CANCELLED', 'AMBIGUOUS', 'INTERNAL',
] as const;

/** src/hsm: PKCS#11 modules, tokens, keys, the HSM wrap and its worker; CloudHSM's steps. */
export const HSM_CODES = [
  'HSM_ERROR', 'HSM_FFI_MISSING', 'HSM_MODULE_NOT_FOUND', 'HSM_MODULE_LOAD_FAILED', 'HSM_TOKEN_NOT_FOUND', 'HSM_PIN_INCORRECT',
  'HSM_PIN_LOCKED', 'HSM_KEY_NOT_FOUND', 'HSM_KEY_AMBIGUOUS', 'HSM_NOT_A_KEY', 'HSM_KEY_TYPE_UNSUPPORTED', 'HSM_KEY_NOT_EXTRACTABLE',
  'HSM_KEY_SPEC_MISMATCH', 'HSM_KEY_SPEC_NONE', 'HSM_NO_MECHANISM', 'HSM_WRAPPING_KEY_NOT_RSA', 'HSM_WRAP_LENGTH', 'HSM_ZERO_PADDING',
  'HSM_SELF_TEST_FAILED', 'HSM_SELF_TEST_INCONCLUSIVE', 'HSM_WORKER', 'HSM_WORKER_START', 'BUNDLE_ALGORITHM_UNKNOWN', 'CLOUDHSM_ALGORITHM',
] as const;

/** src/extension (output folders, accounts) and src/sandbox/store.ts (the local sandbox's state directory). */
export const HOST_CODES = [
  'BUNDLE_FOLDER_OUTSIDE', 'NO_FREE_NAME', 'SANDBOX_OTHER_PARTITION', 'SANDBOX_STATE_CORRUPT', 'SANDBOX_STATE_NOT_DIR', 'SANDBOX_STATE_OPEN',
  'SANDBOX_OTHER_REGION', 'HUAWEI_CREDENTIALS_MISSING', 'HUAWEI_ENV_GONE',
] as const;

/** src/providers/aws/errors.ts: the AWS KMS (and STS/SDK) error names it maps. */
export const AWS_ERROR_NAMES = [
  'InvalidCiphertextException', 'ExpiredImportTokenException', 'InvalidImportTokenException', 'IncorrectKeyMaterialException',
  'AccessDeniedException', 'AccessDenied', 'NotAuthorizedException', 'UnrecognizedClientException', 'InvalidClientTokenId',
  'InvalidSignatureException', 'SignatureDoesNotMatch', 'ExpiredTokenException', 'ExpiredToken', 'CredentialsProviderError',
  'IncompleteSignature', 'NotFoundException', 'KMSInvalidStateException', 'DisabledException', 'UnsupportedOperationException',
  'InvalidKeyUsageException', 'ValidationException', 'LimitExceededException', 'ConflictException', 'AlreadyExistsException',
  'InvalidAliasNameException', 'InvalidArnException', 'KMSInternalException', 'DependencyTimeoutException', 'KeyUnavailableException',
  'InternalFailure', 'ServiceUnavailable',
  // mapped by the generic branches (a refused parameter, a refused signature): what the sandbox (src/sandbox) also answers
  'CustomKeyStoreNotFoundException', 'DryRunOperationException', 'IncorrectKeyException', 'InvalidMarkerException',
  'KMSInvalidMacException', 'KMSInvalidSignatureException', 'MalformedPolicyDocumentException', 'TagException',
  'IncompleteSignatureException', 'MissingAuthenticationTokenException', 'SerializationException', 'UnknownOperationException',
  // throttling
  'ThrottlingException', 'Throttling', 'ThrottledException', 'RequestThrottledException', 'TooManyRequestsException',
  'RequestLimitExceeded', 'SlowDown', 'ProvisionedThroughputExceededException', 'BandwidthLimitExceeded',
  'PriorRequestNotComplete', 'EC2ThrottledException', 'TransactionInProgressException',
] as const;

/** src/providers/huawei/errors.ts: Huawei Cloud KMS's KMS.xxxx codes, the API gateway's APIG codes (authentication, throttling), and the provider's own refusals (huaweiRefusal). */
export const HUAWEI_ERROR_NAMES = [
  'KMS.0205', 'KMS.0207', 'KMS.0209', 'KMS.0210', 'KMS.0306', 'KMS.0307', 'KMS.0309', 'KMS.0310', 'KMS.1104', 'KMS.1301',
  'KMS.2601', 'KMS.2602', 'KMS.2603', 'KMS.2604', 'KMS.2605', 'KMS.2606', 'KMS.2608', 'KMS.2609', 'KMS.2701', 'KMS.2702',
  'KMS.0101', 'KMS.0201', 'KMS.0202', 'KMS.0203', 'KMS.0204', 'KMS.0308', // mapped by the generic "refused a parameter" branch
  'APIG.0301', 'APIG.0308', 'APIGW.0308',
  'UnsupportedKeySpec', 'UnsupportedOperation', 'UnsupportedWrappingKeySpec', 'UnsupportedWrappingAlgorithm', 'ValidationError',
] as const;

/** Both providers: a cancelled or timed-out call, and the network failures they recognise (errno / undici codes). */
export const CALL_ERROR_NAMES = [
  'AbortError', 'TimeoutError', 'RequestTimeout',
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
] as const;

/** The code of a provider error whose service name is not in the lists above; the name itself stays in ProviderErrorInfo.name. */
export const UNKNOWN_SERVICE_ERROR = 'KMS_ERROR';

export const ERROR_CODES = [
  ...CLI_CODES, ...FILE_CODES, ...MATERIAL_CODES, ...WRAP_CODES, ...BUNDLE_CODES, ...RULE_CODES, ...FORM_CODES, ...FLOW_CODES, ...HSM_CODES, ...HOST_CODES,
  ...AWS_ERROR_NAMES, ...HUAWEI_ERROR_NAMES, ...CALL_ERROR_NAMES, UNKNOWN_SERVICE_ERROR,
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
export type RuleCode = (typeof RULE_CODES)[number];
/** What a Finding carries: a rule's code, or a form check's (or VALID_TO_PAST, which both the form and the flow use). */
export type FindingCode = RuleCode | (typeof FORM_CODES)[number] | 'VALID_TO_PAST';
export type KmsErrorName = (typeof AWS_ERROR_NAMES)[number] | (typeof HUAWEI_ERROR_NAMES)[number] | (typeof CALL_ERROR_NAMES)[number];

const KNOWN_SERVICE_NAMES: ReadonlySet<string> = new Set<string>([...AWS_ERROR_NAMES, ...HUAWEI_ERROR_NAMES, ...CALL_ERROR_NAMES]);

/** The code for a KMS's error name: the name itself when it is a known one, else UNKNOWN_SERVICE_ERROR. */
export function serviceErrorCode(name: string): ErrorCode {
  return KNOWN_SERVICE_NAMES.has(name) ? (name as KmsErrorName) : UNKNOWN_SERVICE_ERROR;
}

const ALL_CODES: ReadonlySet<string> = new Set<string>(ERROR_CODES);

/** Whether a string (e.g. from another bundle's or a worker's message) is one of the codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && ALL_CODES.has(code);
}

export type ErrorKind =
  | 'invalid-input' // the user's file or value is not what is needed (CLI exit 3)
  | 'incompatible' // the combination is refused by the provider's rules (CLI exit 3)
  | 'usage' // a command was called wrongly (CLI exit 2)
  | 'io' // a file could not be read or written (CLI exit 1)
  | 'kms' // the KMS refused or failed a call (exit 3 when it refused the input, else 1)
  | 'cancelled' // the user (or the caller's signal) cancelled (CLI exit 1)
  | 'internal'; // anything else (CLI exit 1)

/** What the user can do next, as a button or a command (the one vocabulary of the extension, the CLI and the providers). */
export type NextStep = 'download-parameters' | 'choose-material' | 'check-permissions' | 'describe-key' | 'retry' | 'none';

export interface ErrorDetails {
  nextStep?: NextStep;
  /** The error this one explains (kept as the standard `cause`). */
  cause?: unknown;
  cancelled?: boolean;
}

export class KmsImportError extends Error {
  /** Recognised by this marker, not instanceof: the CLI's and the extension's lazily loaded chunks each bundle their own copy of this class. */
  readonly kmsImportError = true;
  readonly nextStep: NextStep;
  readonly cancelled: boolean;
  constructor(
    readonly kind: ErrorKind,
    readonly code: ErrorCode,
    message: string,
    readonly fix: string,
    details: ErrorDetails = {},
  ) {
    super(message, details.cause !== undefined ? { cause: details.cause } : undefined);
    this.name = 'KmsImportError';
    this.nextStep = details.nextStep ?? 'none';
    this.cancelled = details.cancelled ?? kind === 'cancelled';
  }

  /** One line for a person: what, then the fix. */
  describe(): string {
    return this.fix ? `${this.message}\nFix: ${this.fix}` : this.message;
  }
}

export const invalidInput = (code: ErrorCode, message: string, fix: string): KmsImportError =>
  new KmsImportError('invalid-input', code, message, fix);

export const incompatible = (code: ErrorCode, message: string, fix: string): KmsImportError =>
  new KmsImportError('incompatible', code, message, fix);

export const usageError = (message: string, fix: string): KmsImportError => new KmsImportError('usage', 'usage', message, fix);

/** Also true for a KmsImportError from another bundle (the CLI's lazily loaded chunks carry their own copy of this class). */
export function isKmsImportError(e: unknown): e is KmsImportError {
  if (e instanceof KmsImportError) return true;
  const x = e as Partial<KmsImportError> | null;
  return e instanceof Error && (x!.kmsImportError === true || x!.name === 'KmsImportError') && typeof x!.kind === 'string' && typeof x!.code === 'string' && typeof x!.fix === 'string';
}
