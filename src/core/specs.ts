// Key specs, wrapping key specs and wrapping algorithms as data, each with where its facts come from.
// Sources: ../shared/docs/sources/000 (AWS "Step 2"), 001 (AWS "Step 3"), 002 (Huawei Cloud),
// 003 (AWS, 2048-bit PKCS#1 era), 004 (CloudHSM migration), kms-api.md (service model).

export type KeySpec =
  | 'SYMMETRIC_DEFAULT'
  | 'HMAC_224'
  | 'HMAC_256'
  | 'HMAC_384'
  | 'HMAC_512'
  | 'RSA_2048'
  | 'RSA_3072'
  | 'RSA_4096'
  | 'ECC_NIST_P256'
  | 'ECC_NIST_P384'
  | 'ECC_NIST_P521'
  | 'ECC_SECG_P256K1'
  | 'SM2'
  | 'ML_DSA_44'
  | 'ML_DSA_65'
  | 'ML_DSA_87'
  | 'ECC_NIST_EDWARDS25519'
  | 'ML_KEM_512'
  | 'ML_KEM_768'
  | 'ML_KEM_1024';

export type MaterialKind = 'symmetric' | 'hmac' | 'rsa' | 'ec' | 'other';
/** KMS key states, expiration models and import types (AWS's names; browser-safe, shared with the webviews' protocol). */
export type KeyState = 'Creating' | 'Enabled' | 'Disabled' | 'PendingDeletion' | 'PendingImport' | 'PendingReplicaDeletion' | 'Unavailable' | 'Updating';
export type ExpirationModel = 'KEY_MATERIAL_EXPIRES' | 'KEY_MATERIAL_DOES_NOT_EXPIRE';
export type ImportType = 'NEW_KEY_MATERIAL' | 'EXISTING_KEY_MATERIAL';

export type KeyUsage = 'ENCRYPT_DECRYPT' | 'SIGN_VERIFY' | 'GENERATE_VERIFY_MAC' | 'KEY_AGREEMENT' | 'KEY_ENCAPSULATION';
export type Importability = 'importable' | 'not-importable' | 'unconfirmed';

export interface KeySpecInfo {
  spec: KeySpec;
  kind: MaterialKind;
  /** Material length in bytes for symmetric/HMAC keys (symmetric: commercial regions). */
  materialBytes?: number;
  /** RSA modulus size. */
  modulusBits?: number;
  /** EC curve: our name and the OID that identifies it in PKCS#8/SEC1. */
  curve?: EcCurveName;
  curveOid?: string;
  usages: KeyUsage[];
  importability: Importability;
  chinaOnly?: boolean;
  source: string;
}

export type EcCurveName = 'P-256' | 'P-384' | 'P-521' | 'secp256k1' | 'SM2';

export const CURVES: Record<EcCurveName, { oid: string; spec: KeySpec; bytes: number }> = {
  'P-256': { oid: '1.2.840.10045.3.1.7', spec: 'ECC_NIST_P256', bytes: 32 },
  'P-384': { oid: '1.3.132.0.34', spec: 'ECC_NIST_P384', bytes: 48 },
  'P-521': { oid: '1.3.132.0.35', spec: 'ECC_NIST_P521', bytes: 66 },
  secp256k1: { oid: '1.3.132.0.10', spec: 'ECC_SECG_P256K1', bytes: 32 },
  SM2: { oid: '1.2.156.10197.1.301', spec: 'SM2', bytes: 32 },
};

const SRC_001_SYM = 'sources/001 "Symmetric encryption key (32 bytes)… In China Regions only, you must generate a 128-bit symmetric key (16-byte random string)."';
const SRC_001_HMAC = 'sources/001 "The length of your HMAC key must match the length defined by the key spec of the KMS key. For example, if the KMS key is HMAC_384, you must import a 384-bit (48-byte) key."';
const SRC_001_ASYM = 'sources/001 "To convert the private keys of asymmetric key pairs into DER-encoded format… openssl pkcs8 -topk8 -outform der -nocrypt"';

export const KEY_SPECS: Record<KeySpec, KeySpecInfo> = {
  SYMMETRIC_DEFAULT: { spec: 'SYMMETRIC_DEFAULT', kind: 'symmetric', materialBytes: 32, usages: ['ENCRYPT_DECRYPT'], importability: 'importable', source: SRC_001_SYM },
  HMAC_224: { spec: 'HMAC_224', kind: 'hmac', materialBytes: 28, usages: ['GENERATE_VERIFY_MAC'], importability: 'importable', source: SRC_001_HMAC },
  HMAC_256: { spec: 'HMAC_256', kind: 'hmac', materialBytes: 32, usages: ['GENERATE_VERIFY_MAC'], importability: 'importable', source: SRC_001_HMAC },
  HMAC_384: { spec: 'HMAC_384', kind: 'hmac', materialBytes: 48, usages: ['GENERATE_VERIFY_MAC'], importability: 'importable', source: SRC_001_HMAC },
  HMAC_512: { spec: 'HMAC_512', kind: 'hmac', materialBytes: 64, usages: ['GENERATE_VERIFY_MAC'], importability: 'importable', source: SRC_001_HMAC },
  RSA_2048: { spec: 'RSA_2048', kind: 'rsa', modulusBits: 2048, usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], importability: 'importable', source: SRC_001_ASYM },
  RSA_3072: { spec: 'RSA_3072', kind: 'rsa', modulusBits: 3072, usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], importability: 'importable', source: SRC_001_ASYM },
  RSA_4096: { spec: 'RSA_4096', kind: 'rsa', modulusBits: 4096, usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], importability: 'importable', source: SRC_001_ASYM },
  ECC_NIST_P256: { spec: 'ECC_NIST_P256', kind: 'ec', curve: 'P-256', curveOid: CURVES['P-256'].oid, usages: ['SIGN_VERIFY', 'KEY_AGREEMENT'], importability: 'importable', source: SRC_001_ASYM },
  ECC_NIST_P384: { spec: 'ECC_NIST_P384', kind: 'ec', curve: 'P-384', curveOid: CURVES['P-384'].oid, usages: ['SIGN_VERIFY', 'KEY_AGREEMENT'], importability: 'importable', source: SRC_001_ASYM },
  ECC_NIST_P521: { spec: 'ECC_NIST_P521', kind: 'ec', curve: 'P-521', curveOid: CURVES['P-521'].oid, usages: ['SIGN_VERIFY', 'KEY_AGREEMENT'], importability: 'importable', source: SRC_001_ASYM },
  ECC_SECG_P256K1: { spec: 'ECC_SECG_P256K1', kind: 'ec', curve: 'secp256k1', curveOid: CURVES.secp256k1.oid, usages: ['SIGN_VERIFY'], importability: 'importable', source: SRC_001_ASYM },
  SM2: { spec: 'SM2', kind: 'ec', curve: 'SM2', curveOid: CURVES.SM2.oid, usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'KEY_AGREEMENT'], importability: 'importable', chinaOnly: true, source: 'sources/001 "SM2 private keys (China Regions only)"; kms-api.md §5.6 "SM2 key spec: China Regions only"' },
  ML_DSA_44: { spec: 'ML_DSA_44', kind: 'other', usages: ['SIGN_VERIFY'], importability: 'not-importable', source: 'landscape.md "ML-DSA import is not supported"' },
  ML_DSA_65: { spec: 'ML_DSA_65', kind: 'other', usages: ['SIGN_VERIFY'], importability: 'not-importable', source: 'landscape.md "ML-DSA import is not supported"' },
  ML_DSA_87: { spec: 'ML_DSA_87', kind: 'other', usages: ['SIGN_VERIFY'], importability: 'not-importable', source: 'landscape.md "ML-DSA import is not supported"' },
  ECC_NIST_EDWARDS25519: { spec: 'ECC_NIST_EDWARDS25519', kind: 'other', usages: ['SIGN_VERIFY'], importability: 'unconfirmed', source: 'landscape.md "Ed25519 (ECC_NIST_EDWARDS25519) importability is unconfirmed"' },
  ML_KEM_512: { spec: 'ML_KEM_512', kind: 'other', usages: ['KEY_ENCAPSULATION'], importability: 'unconfirmed', source: 'kms-api.md §5.2 "ML-DSA / ML-KEM / Ed25519 importability… Treat them as unknown."' },
  ML_KEM_768: { spec: 'ML_KEM_768', kind: 'other', usages: ['KEY_ENCAPSULATION'], importability: 'unconfirmed', source: 'kms-api.md §5.2' },
  ML_KEM_1024: { spec: 'ML_KEM_1024', kind: 'other', usages: ['KEY_ENCAPSULATION'], importability: 'unconfirmed', source: 'kms-api.md §5.2' },
};

export const ALL_KEY_SPECS = Object.keys(KEY_SPECS) as KeySpec[];
export const IMPORTABLE_KEY_SPECS = ALL_KEY_SPECS.filter((s) => KEY_SPECS[s].importability === 'importable');

export type WrappingKeySpec = 'RSA_2048' | 'RSA_3072' | 'RSA_4096' | 'SM2';
export const WRAPPING_KEY_SPECS: Record<WrappingKeySpec, { bits: number; kind: 'rsa' | 'sm2'; source: string }> = {
  RSA_4096: { bits: 4096, kind: 'rsa', source: 'sources/000 "RSA_4096 (preferred)"' },
  RSA_3072: { bits: 3072, kind: 'rsa', source: 'sources/000 "RSA_3072"' },
  RSA_2048: { bits: 2048, kind: 'rsa', source: 'sources/000 "RSA_2048"; sources/003 "a 2048-bit RSA public key"' },
  SM2: { bits: 256, kind: 'sm2', source: 'sources/000 "SM2 wrapping key spec (China Regions only)"' },
};
export const ALL_WRAPPING_KEY_SPECS = Object.keys(WRAPPING_KEY_SPECS) as WrappingKeySpec[];

export type WrappingAlgorithm =
  | 'RSAES_OAEP_SHA_1'
  | 'RSAES_OAEP_SHA_256'
  | 'RSA_AES_KEY_WRAP_SHA_1'
  | 'RSA_AES_KEY_WRAP_SHA_256'
  | 'RSAES_PKCS1_V1_5'
  | 'SM2PKE';

export interface WrappingAlgorithmInfo {
  algorithm: WrappingAlgorithm;
  scheme: 'oaep' | 'rsa-aes' | 'pkcs1' | 'sm2pke';
  hash?: 'sha1' | 'sha256';
  hashBytes?: number;
  source: string;
}

export const WRAPPING_ALGORITHMS: Record<WrappingAlgorithm, WrappingAlgorithmInfo> = {
  RSA_AES_KEY_WRAP_SHA_256: { algorithm: 'RSA_AES_KEY_WRAP_SHA_256', scheme: 'rsa-aes', hash: 'sha256', hashBytes: 32, source: 'sources/000 "RSA_AES_KEY_WRAP_SHA_256 – A two-step hybrid wrapping algorithm…"' },
  RSA_AES_KEY_WRAP_SHA_1: { algorithm: 'RSA_AES_KEY_WRAP_SHA_1', scheme: 'rsa-aes', hash: 'sha1', hashBytes: 20, source: 'sources/000 "RSA_AES_KEY_WRAP_SHA_1 – A two-step hybrid wrapping algorithm…"' },
  RSAES_OAEP_SHA_256: { algorithm: 'RSAES_OAEP_SHA_256', scheme: 'oaep', hash: 'sha256', hashBytes: 32, source: 'sources/000 "RSAES_OAEP_SHA_256 – The RSA encryption algorithm with OAEP with the SHA-256 hash function."' },
  RSAES_OAEP_SHA_1: { algorithm: 'RSAES_OAEP_SHA_1', scheme: 'oaep', hash: 'sha1', hashBytes: 20, source: 'sources/000 "RSAES_OAEP_SHA_1 – The RSA encryption algorithm with OAEP with the SHA-1 hash function."' },
  RSAES_PKCS1_V1_5: { algorithm: 'RSAES_PKCS1_V1_5', scheme: 'pkcs1', source: 'sources/000 "(Deprecated; as of October 10, 2023, AWS KMS does not support the RSAES_PKCS1_V1_5 wrapping algorithm)"; sources/002 Huawei "RSAES_PKCS1_V1_5"' },
  SM2PKE: { algorithm: 'SM2PKE', scheme: 'sm2pke', source: 'sources/000 "SM2PKE (China Regions only) – An elliptic curve based encryption algorithm defined by OSCCA in GM/T 0003.4-2012."' },
};
export const ALL_WRAPPING_ALGORITHMS = Object.keys(WRAPPING_ALGORITHMS) as WrappingAlgorithm[];

export function isKeySpec(s: string): s is KeySpec {
  return Object.prototype.hasOwnProperty.call(KEY_SPECS, s);
}
export function isWrappingKeySpec(s: string): s is WrappingKeySpec {
  return Object.prototype.hasOwnProperty.call(WRAPPING_KEY_SPECS, s);
}
export function isWrappingAlgorithm(s: string): s is WrappingAlgorithm {
  return Object.prototype.hasOwnProperty.call(WRAPPING_ALGORITHMS, s);
}

/** OAEP can carry at most modulus − 2·hLen − 2 bytes (RFC 8017 §7.1.1; landscape.md on gcloud's check). */
export function oaepMaxPayload(modulusBits: number, hashBytes: number): number {
  return Math.ceil(modulusBits / 8) - 2 * hashBytes - 2;
}
/**
 * SM2PKE output is the DER SEQUENCE { C1x, C1y, C3, C2 }: the material's length plus at most 115 bytes
 * (SEQUENCE header 4, two INTEGERs 35 each, C3 34, C2 header up to 4 + 3 spare). ImportKeyMaterial takes
 * at most 6144 bytes (kms-api.md §1), so SM2PKE carries at most 6144 − 115 bytes of material.
 */
export const SM2PKE_OVERHEAD = 115;
export const SM2PKE_MAX_PAYLOAD = 6144 - SM2PKE_OVERHEAD;
/** PKCS#1 v1.5 can carry at most modulus − 11 bytes (RFC 8017 §7.2.1). */
export function pkcs1MaxPayload(modulusBits: number): number {
  return Math.ceil(modulusBits / 8) - 11;
}
