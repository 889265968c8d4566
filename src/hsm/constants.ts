// PKCS#11 v2.40 constants this tool uses (values from the OASIS pkcs11t.h), with names for messages.
// Pure data: no I/O, no binding.

export const CKR = {
  OK: 0x0,
  HOST_MEMORY: 0x2,
  GENERAL_ERROR: 0x5,
  FUNCTION_FAILED: 0x6,
  ARGUMENTS_BAD: 0x7,
  ATTRIBUTE_SENSITIVE: 0x11,
  ATTRIBUTE_TYPE_INVALID: 0x12,
  ATTRIBUTE_VALUE_INVALID: 0x13,
  DEVICE_ERROR: 0x30,
  FUNCTION_NOT_SUPPORTED: 0x54,
  KEY_HANDLE_INVALID: 0x60,
  KEY_SIZE_RANGE: 0x62,
  KEY_TYPE_INCONSISTENT: 0x63,
  KEY_FUNCTION_NOT_PERMITTED: 0x68,
  KEY_NOT_WRAPPABLE: 0x69,
  KEY_UNEXTRACTABLE: 0x6a,
  MECHANISM_INVALID: 0x70,
  MECHANISM_PARAM_INVALID: 0x71,
  PIN_INCORRECT: 0xa0,
  PIN_INVALID: 0xa1,
  PIN_LEN_RANGE: 0xa2,
  PIN_EXPIRED: 0xa3,
  PIN_LOCKED: 0xa4,
  TEMPLATE_INCOMPLETE: 0xd0,
  TEMPLATE_INCONSISTENT: 0xd1,
  TOKEN_NOT_PRESENT: 0xe0,
  TOKEN_NOT_RECOGNIZED: 0xe1,
  USER_ALREADY_LOGGED_IN: 0x100,
  USER_NOT_LOGGED_IN: 0x101,
  USER_PIN_NOT_INITIALIZED: 0x102,
  WRAPPING_KEY_SIZE_RANGE: 0x114,
  WRAPPING_KEY_TYPE_INCONSISTENT: 0x115,
  BUFFER_TOO_SMALL: 0x150,
  CRYPTOKI_NOT_INITIALIZED: 0x190,
  CRYPTOKI_ALREADY_INITIALIZED: 0x191,
} as const;

const CKR_NAMES = new Map<number, string>(Object.entries(CKR).map(([k, v]) => [v, `CKR_${k}`]));
export function ckrName(rv: number): string {
  return CKR_NAMES.get(rv) ?? `CKR 0x${rv.toString(16)}`;
}

export const CKA = {
  CLASS: 0x0,
  TOKEN: 0x1,
  PRIVATE: 0x2,
  LABEL: 0x3,
  VALUE: 0x11,
  KEY_TYPE: 0x100,
  ID: 0x102,
  SENSITIVE: 0x103,
  ENCRYPT: 0x104,
  DECRYPT: 0x105,
  WRAP: 0x106,
  UNWRAP: 0x107,
  SIGN: 0x108,
  VERIFY: 0x10a,
  MODULUS: 0x120,
  MODULUS_BITS: 0x121,
  PUBLIC_EXPONENT: 0x122,
  VALUE_LEN: 0x161,
  EXTRACTABLE: 0x162,
  EC_PARAMS: 0x180,
  EC_POINT: 0x181,
} as const;

export const CKO = { PUBLIC_KEY: 2, PRIVATE_KEY: 3, SECRET_KEY: 4 } as const;

export const CKK = {
  RSA: 0x0,
  EC: 0x3,
  GENERIC_SECRET: 0x10,
  AES: 0x1f,
  SHA_1_HMAC: 0x28,
  SHA256_HMAC: 0x2b,
  SHA384_HMAC: 0x2c,
  SHA512_HMAC: 0x2d,
  SHA224_HMAC: 0x2e,
} as const;

export const CKM = {
  RSA_PKCS_KEY_PAIR_GEN: 0x0,
  RSA_PKCS: 0x1,
  RSA_X_509: 0x3,
  DES_ECB: 0x121,
  DES_CBC: 0x122,
  DES_CBC_PAD: 0x125,
  DES3_ECB: 0x132,
  DES3_CBC: 0x133,
  DES3_CBC_PAD: 0x136,
  RSA_PKCS_OAEP: 0x9,
  SHA256_RSA_PKCS: 0x40,
  SHA_1: 0x220,
  SHA256: 0x250,
  SHA256_HMAC: 0x251,
  SHA224: 0x255,
  SHA224_HMAC: 0x256,
  SHA384: 0x260,
  SHA384_HMAC: 0x261,
  SHA512: 0x270,
  SHA512_HMAC: 0x271,
  GENERIC_SECRET_KEY_GEN: 0x350,
  EC_KEY_PAIR_GEN: 0x1040,
  ECDSA: 0x1041,
  RSA_AES_KEY_WRAP: 0x1054,
  AES_KEY_GEN: 0x1080,
  AES_ECB: 0x1081,
  AES_CBC: 0x1082,
  AES_CBC_PAD: 0x1085,
  AES_GCM: 0x1087,
  AES_KEY_WRAP: 0x2109,
  AES_KEY_WRAP_PAD: 0x210a,
  AES_KEY_WRAP_KWP: 0x210b,
} as const;

const CKM_NAMES = new Map<number, string>(Object.entries(CKM).map(([k, v]) => [v, `CKM_${k}`]));
export function ckmName(m: number): string {
  return CKM_NAMES.get(m) ?? `0x${m.toString(16)}`;
}

/** CKG_MGF1_* for the OAEP hash. */
export const CKG = { MGF1_SHA1: 1, MGF1_SHA256: 2, MGF1_SHA384: 3, MGF1_SHA512: 4, MGF1_SHA224: 5 } as const;
export const CKZ_DATA_SPECIFIED = 1;

/** CK_MECHANISM_INFO flags. */
export const CKF = {
  ENCRYPT: 0x100,
  DECRYPT: 0x200,
  SIGN: 0x800,
  GENERATE: 0x8000,
  GENERATE_KEY_PAIR: 0x10000,
  WRAP: 0x20000,
  UNWRAP: 0x40000,
} as const;
/** Session, slot and token flags. */
export const CKF_RW_SESSION = 0x2;
export const CKF_SERIAL_SESSION = 0x4;
export const CKF_TOKEN_PRESENT = 0x1;
export const CKU_USER = 1;
