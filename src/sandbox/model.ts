// The slice of the KMS service model the sandbox serves: enums (kms-api.md §2), request shapes with
// botocore's constraints (§1), and per-key-spec algorithm tables. The shapes are data (validate.ts walks
// them) and, through Decoded (shapes.ts), the request types Req<Op> the operation handlers receive; an
// operation is served exactly when it is a key of OPERATIONS. Depends on shapes.ts only (no circle).
import * as S from './shapes';
import { blob, bool, int, list, map, str, struct, ts } from './shapes';

export const ENUMS = {
  KeySpec: ['RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'SYMMETRIC_DEFAULT', 'HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512', 'SM2', 'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87', 'ECC_NIST_EDWARDS25519', 'ML_KEM_1024', 'ML_KEM_512', 'ML_KEM_768'],
  CustomerMasterKeySpec: ['RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'SYMMETRIC_DEFAULT', 'HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512', 'SM2'],
  KeyUsageType: ['SIGN_VERIFY', 'ENCRYPT_DECRYPT', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT', 'ENCAPSULATE_DECAPSULATE'],
  OriginType: ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'],
  AlgorithmSpec: ['RSAES_PKCS1_V1_5', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256', 'SM2PKE'],
  WrappingKeySpec: ['RSA_2048', 'RSA_3072', 'RSA_4096', 'SM2'],
  ExpirationModelType: ['KEY_MATERIAL_EXPIRES', 'KEY_MATERIAL_DOES_NOT_EXPIRE'],
  ImportType: ['NEW_KEY_MATERIAL', 'EXISTING_KEY_MATERIAL'],
  IncludeKeyMaterial: ['ALL_KEY_MATERIAL', 'ROTATIONS_ONLY'],
  SigningAlgorithmSpec: ['RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512', 'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512', 'ECDSA_SHA_256', 'ECDSA_SHA_384', 'ECDSA_SHA_512', 'SM2DSA', 'ML_DSA_SHAKE_256', 'ED25519_SHA_512', 'ED25519_PH_SHA_512'],
  MessageType: ['RAW', 'DIGEST', 'EXTERNAL_MU'],
  MacAlgorithmSpec: ['HMAC_SHA_224', 'HMAC_SHA_256', 'HMAC_SHA_384', 'HMAC_SHA_512'],
  EncryptionAlgorithmSpec: ['SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE'],
} as const;

const enm = <N extends keyof typeof ENUMS>(name: N) => S.enm(name, ENUMS[name]);

const KEY_ID = str(1, 2048);
const MARKER = str(1, 1024, '^[\\u0020-\\u00FF]*$');
const LIMIT = int(1, 1000);
const GRANTS = list(str(1, 8192), 0, 10);
const TAG = struct({ TagKey: str(1, 128), TagValue: str(0, 256) }, ['TagKey', 'TagValue']);
const MATERIAL_ID = str(64, 64, '^[a-f0-9]+$');
const MATERIAL_DESC = str(0, 256, '^[a-zA-Z0-9:/_\\s.-]+$');
const CONTEXT = map(str(), str());
const PLAINTEXT = blob(1, 4096, true);
const CIPHERTEXT = blob(1, 6144);
const DESCRIPTION = str(0, 8192);
const POLICY = str(1, 131072, '^[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+$');

export const OPERATIONS = {
  CreateKey: struct({
    Policy: POLICY, Description: DESCRIPTION, KeyUsage: enm('KeyUsageType'), CustomerMasterKeySpec: enm('CustomerMasterKeySpec'), KeySpec: enm('KeySpec'),
    Origin: enm('OriginType'), CustomKeyStoreId: str(1, 64), BypassPolicyLockoutSafetyCheck: bool, Tags: list(TAG), MultiRegion: bool, XksKeyId: str(1, 128, '^[a-zA-Z0-9-_.]+$'),
  }),
  DescribeKey: struct({ KeyId: KEY_ID, GrantTokens: GRANTS }, ['KeyId']),
  ListKeys: struct({ Limit: LIMIT, Marker: MARKER }),
  ListAliases: struct({ KeyId: KEY_ID, Limit: LIMIT, Marker: MARKER }),
  CreateAlias: struct({ AliasName: str(1, 256, '^[a-zA-Z0-9:/_-]+$'), TargetKeyId: KEY_ID }, ['AliasName', 'TargetKeyId']),
  DeleteAlias: struct({ AliasName: str(1, 256, '^[a-zA-Z0-9:/_-]+$') }, ['AliasName']),
  UpdateKeyDescription: struct({ KeyId: KEY_ID, Description: DESCRIPTION }, ['KeyId', 'Description']),
  ListResourceTags: struct({ KeyId: KEY_ID, Limit: LIMIT, Marker: MARKER }, ['KeyId']),
  TagResource: struct({ KeyId: KEY_ID, Tags: list(TAG) }, ['KeyId', 'Tags']),
  UntagResource: struct({ KeyId: KEY_ID, TagKeys: list(str(1, 128)) }, ['KeyId', 'TagKeys']),
  EnableKey: struct({ KeyId: KEY_ID }, ['KeyId']),
  DisableKey: struct({ KeyId: KEY_ID }, ['KeyId']),
  ScheduleKeyDeletion: struct({ KeyId: KEY_ID, PendingWindowInDays: int(1, 365) }, ['KeyId']),
  CancelKeyDeletion: struct({ KeyId: KEY_ID }, ['KeyId']),
  GetParametersForImport: struct({ KeyId: KEY_ID, WrappingAlgorithm: enm('AlgorithmSpec'), WrappingKeySpec: enm('WrappingKeySpec') }, ['KeyId', 'WrappingAlgorithm', 'WrappingKeySpec']),
  ImportKeyMaterial: struct({
    KeyId: KEY_ID, ImportToken: CIPHERTEXT, EncryptedKeyMaterial: CIPHERTEXT, ValidTo: ts, ExpirationModel: enm('ExpirationModelType'), ImportType: enm('ImportType'),
    KeyMaterialDescription: MATERIAL_DESC, KeyMaterialId: MATERIAL_ID,
  }, ['EncryptedKeyMaterial', 'ImportToken', 'KeyId']),
  DeleteImportedKeyMaterial: struct({ KeyId: KEY_ID, KeyMaterialId: MATERIAL_ID }, ['KeyId']),
  ListKeyRotations: struct({ KeyId: KEY_ID, IncludeKeyMaterial: enm('IncludeKeyMaterial'), Limit: LIMIT, Marker: MARKER }, ['KeyId']),
  RotateKeyOnDemand: struct({ KeyId: KEY_ID }, ['KeyId']),
  ReplicateKey: struct({ KeyId: KEY_ID, ReplicaRegion: str(1, 32, '^([a-z]+-){2,3}\\d+$'), Policy: POLICY, BypassPolicyLockoutSafetyCheck: bool, Description: DESCRIPTION, Tags: list(TAG) }, ['KeyId', 'ReplicaRegion']),
  GetPublicKey: struct({ KeyId: KEY_ID, GrantTokens: GRANTS }, ['KeyId']),
  Sign: struct({ KeyId: KEY_ID, Message: PLAINTEXT, MessageType: enm('MessageType'), GrantTokens: GRANTS, SigningAlgorithm: enm('SigningAlgorithmSpec'), DryRun: bool }, ['KeyId', 'Message', 'SigningAlgorithm']),
  Verify: struct({ KeyId: KEY_ID, Message: PLAINTEXT, MessageType: enm('MessageType'), Signature: CIPHERTEXT, SigningAlgorithm: enm('SigningAlgorithmSpec'), GrantTokens: GRANTS, DryRun: bool }, ['KeyId', 'Message', 'Signature', 'SigningAlgorithm']),
  Encrypt: struct({ KeyId: KEY_ID, Plaintext: PLAINTEXT, EncryptionContext: CONTEXT, GrantTokens: GRANTS, EncryptionAlgorithm: enm('EncryptionAlgorithmSpec'), DryRun: bool }, ['KeyId', 'Plaintext']),
  Decrypt: struct({ CiphertextBlob: CIPHERTEXT, EncryptionContext: CONTEXT, GrantTokens: GRANTS, KeyId: KEY_ID, EncryptionAlgorithm: enm('EncryptionAlgorithmSpec'), DryRun: bool }, ['CiphertextBlob']),
  GenerateMac: struct({ Message: PLAINTEXT, KeyId: KEY_ID, MacAlgorithm: enm('MacAlgorithmSpec'), GrantTokens: GRANTS, DryRun: bool }, ['KeyId', 'MacAlgorithm', 'Message']),
  VerifyMac: struct({ Message: PLAINTEXT, KeyId: KEY_ID, MacAlgorithm: enm('MacAlgorithmSpec'), Mac: CIPHERTEXT, GrantTokens: GRANTS, DryRun: bool }, ['KeyId', 'Mac', 'MacAlgorithm', 'Message']),
} satisfies Record<string, S.StructShape>;

/** The operations the sandbox serves. */
export type OperationName = keyof typeof OPERATIONS;
/** The request of operation Op as validated and decoded (e.g. Req<'Encrypt'>['Plaintext'] is a Buffer). */
export type Req<Op extends OperationName> = S.Decoded<(typeof OPERATIONS)[Op]>;

/** Whether `name` is an operation the sandbox serves (own keys only: never 'toString' or '__proto__'). */
export function isOperation(name: string): name is OperationName {
  return Object.prototype.hasOwnProperty.call(OPERATIONS, name);
}

export type SpecClass = 'symmetric' | 'hmac' | 'rsa' | 'ec' | 'sm2' | 'unsupported';

export function specClass(spec: string): SpecClass {
  if (spec === 'SYMMETRIC_DEFAULT') return 'symmetric';
  if (spec.startsWith('HMAC_')) return 'hmac';
  if (spec.startsWith('RSA_')) return 'rsa';
  if (spec === 'SM2') return 'sm2';
  if (spec.startsWith('ECC_NIST_P') || spec === 'ECC_SECG_P256K1') return 'ec';
  return 'unsupported';
}

export const USAGES: Record<SpecClass, string[]> = {
  symmetric: ['ENCRYPT_DECRYPT'],
  hmac: ['GENERATE_VERIFY_MAC'],
  rsa: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  ec: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
  sm2: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'KEY_AGREEMENT'],
  unsupported: [],
};

export function usagesFor(spec: string): string[] {
  if (spec === 'ECC_SECG_P256K1') return ['SIGN_VERIFY'];
  return USAGES[specClass(spec)];
}

export function signingAlgorithms(spec: string): string[] {
  switch (spec) {
    case 'RSA_2048':
    case 'RSA_3072':
    case 'RSA_4096':
      return ['RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512', 'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512'];
    case 'ECC_NIST_P256':
    case 'ECC_SECG_P256K1':
      return ['ECDSA_SHA_256'];
    case 'ECC_NIST_P384':
      return ['ECDSA_SHA_384'];
    case 'ECC_NIST_P521':
      return ['ECDSA_SHA_512'];
    case 'SM2':
      return ['SM2DSA'];
    default:
      return [];
  }
}

export function encryptionAlgorithms(spec: string): string[] {
  if (spec === 'SYMMETRIC_DEFAULT') return ['SYMMETRIC_DEFAULT'];
  if (spec.startsWith('RSA_')) return ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'];
  if (spec === 'SM2') return ['SM2PKE'];
  return [];
}

export function macAlgorithm(spec: string): string | undefined {
  return spec.startsWith('HMAC_') ? `HMAC_SHA_${spec.slice(5)}` : undefined;
}

export const HMAC_BYTES: Record<string, number> = { HMAC_224: 28, HMAC_256: 32, HMAC_384: 48, HMAC_512: 64 };

export function isChinaRegion(region: string): boolean {
  return region.startsWith('cn-');
}
export function partitionOf(region: string): string {
  return isChinaRegion(region) ? 'aws-cn' : 'aws';
}
