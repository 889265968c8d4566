// The rules of the seed documents (../shared/docs/sources/000–003) and kms-api.md §5, one test per rule,
// each citing the sentence it enforces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCompatibility, optionMatrix, recommend, type CheckInput } from '../../src/core/rules';
import { IMPORTABLE_KEY_SPECS, oaepMaxPayload } from '../../src/core/specs';

const codes = (i: CheckInput) => checkCompatibility(i).map((f) => `${f.severity}:${f.code}`);
const errors = (i: CheckInput) => checkCompatibility(i).filter((f) => f.severity === 'error').map((f) => f.code);

test('000/001: "The following combination is NOT supported: ECC_NIST_P521 key material, the RSA_2048 public wrapping key spec, and an RSAES_OAEP_SHA_* wrapping algorithm."', () => {
  for (const a of ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] as const) {
    assert.ok(errors({ provider: 'aws', keySpec: 'ECC_NIST_P521', wrappingKeySpec: 'RSA_2048', algorithm: a }).includes('P521_RSA2048_OAEP'));
  }
  // "Use a larger wrapping key or an RSA_AES_KEY_WRAP_SHA_* wrapping algorithm."
  assert.deepEqual(errors({ provider: 'aws', keySpec: 'ECC_NIST_P521', wrappingKeySpec: 'RSA_3072', algorithm: 'RSAES_OAEP_SHA_256' }), []);
  assert.deepEqual(errors({ provider: 'aws', keySpec: 'ECC_NIST_P521', wrappingKeySpec: 'RSA_2048', algorithm: 'RSA_AES_KEY_WRAP_SHA_256' }), []);
  const f = checkCompatibility({ provider: 'aws', keySpec: 'ECC_NIST_P521', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_OAEP_SHA_1' }).find((x) => x.code === 'P521_RSA2048_OAEP')!;
  assert.match(f.fix, /RSA_3072 or RSA_4096|RSA_AES_KEY_WRAP/);
  assert.match(f.source, /NOT supported/);
});

test('000: "An RSA_AES_KEY_WRAP_SHA_* wrapping algorithm is required for wrapping RSA private key material"', () => {
  for (const k of ['RSA_2048', 'RSA_3072', 'RSA_4096'] as const) {
    for (const a of ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] as const) {
      assert.ok(errors({ provider: 'aws', keySpec: k, wrappingKeySpec: 'RSA_4096', algorithm: a }).includes('RSA_NEEDS_RSA_AES'), `${k} ${a}`);
    }
    assert.deepEqual(errors({ provider: 'aws', keySpec: k, wrappingKeySpec: 'RSA_4096', algorithm: 'RSA_AES_KEY_WRAP_SHA_256' }), []);
  }
});

test('000: "…except in China Regions, where you must use the SM2PKE wrapping algorithm."', () => {
  assert.ok(errors({ provider: 'aws-cn', keySpec: 'RSA_2048', wrappingKeySpec: 'RSA_4096', algorithm: 'RSAES_OAEP_SHA_256' }).includes('RSA_NEEDS_SM2PKE_IN_CHINA'));
  assert.deepEqual(errors({ provider: 'aws-cn', keySpec: 'RSA_2048', wrappingKeySpec: 'SM2', algorithm: 'SM2PKE' }), []);
  // The tool wraps with SM2PKE now; what it writes (AWS's pages do not say) is stated as information.
  const fmt = checkCompatibility({ provider: 'aws-cn', keySpec: 'RSA_2048', wrappingKeySpec: 'SM2', algorithm: 'SM2PKE' }).find((x) => x.code === 'SM2PKE_FORMAT')!;
  assert.equal(fmt.severity, 'info');
  assert.match(fmt.message, /GM\/T 0009 DER/);
  assert.match(fmt.source, /GM\/T 0003\.4-2012/);
  assert.ok(!codes({ provider: 'aws-cn', keySpec: 'RSA_2048', wrappingKeySpec: 'SM2', algorithm: 'SM2PKE' }).some((c) => c.includes('LOCAL_WRAP_UNAVAILABLE')));
});

test('000: SM2PKE rows "128-bit SM4 key (China Regions only)", "Asymmetric RSA private key", "Asymmetric elliptic curve (ECC) private key", "Asymmetric SM2 private key (China Regions only)"', () => {
  const cn = (keySpec: CheckInput['keySpec'], material?: CheckInput['material']) => errors({ provider: 'aws-cn', keySpec, wrappingKeySpec: 'SM2', algorithm: 'SM2PKE', material });
  for (const k of ['RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'SM2'] as const) assert.deepEqual(cn(k), [], k);
  assert.deepEqual(cn('SYMMETRIC_DEFAULT', { kind: 'symmetric', byteLength: 16 }), []);
  assert.ok(cn('SYMMETRIC_DEFAULT', { kind: 'symmetric', byteLength: 32 }).includes('SYMMETRIC_LENGTH'));
  assert.deepEqual(cn('RSA_4096', { kind: 'rsa', byteLength: 2374, modulusBits: 4096, keySpec: 'RSA_4096', primes: 2 }), []);
  // The SM2 wrapping key is documented "used to import asymmetric key material": HMAC with it is flagged.
  const h = checkCompatibility({ provider: 'aws-cn', keySpec: 'HMAC_256', wrappingKeySpec: 'SM2', algorithm: 'SM2PKE' }).find((x) => x.code === 'SM2PKE_HMAC_UNDOCUMENTED')!;
  assert.equal(h.severity, 'warning');
  assert.match(h.source, /used to import asymmetric key material/);
  // ImportKeyMaterial takes at most 6144 bytes: SM2PKE adds at most 115.
  assert.ok(cn(undefined, { kind: 'other', byteLength: 6144 - 114 }).includes('CIPHERTEXT_TOO_LARGE'));
  assert.ok(!cn(undefined, { kind: 'other', byteLength: 6144 - 115 }).includes('CIPHERTEXT_TOO_LARGE'));
  // In China Regions, RSA private keys must use SM2PKE; the OAEP algorithms remain for EC, SM2 and symmetric keys.
  for (const k of ['ECC_NIST_P256', 'SM2'] as const) assert.deepEqual(errors({ provider: 'aws-cn', keySpec: k, wrappingKeySpec: 'RSA_4096', algorithm: 'RSAES_OAEP_SHA_256' }), [], k);
  assert.deepEqual(recommend('aws-cn', 'RSA_4096'), { wrappingKeySpec: 'SM2', algorithm: 'SM2PKE' });
});

test('kms-api.md §5.6 "SM2 key spec: China Regions only": SM2DSA only there and only with SM2 keys', () => {
  assert.deepEqual(errors({ provider: 'aws-cn', keySpec: 'SM2', signingAlgorithm: 'SM2DSA' }), []);
  assert.ok(errors({ provider: 'aws', keySpec: 'ECC_NIST_P256', signingAlgorithm: 'SM2DSA' }).includes('SM2DSA_CHINA_ONLY'));
  assert.ok(errors({ provider: 'huawei', signingAlgorithm: 'SM2DSA' }).includes('SM2DSA_CHINA_ONLY'));
  assert.ok(errors({ provider: 'aws-cn', keySpec: 'ECC_NIST_P256', signingAlgorithm: 'SM2DSA' }).includes('SM2DSA_NEEDS_SM2_KEY'));
  assert.ok(errors({ provider: 'aws-cn', keySpec: 'SM2', signingAlgorithm: 'ECDSA_SHA_256' }).includes('SM2_KEY_SIGNS_WITH_SM2DSA'));
  assert.ok(errors({ provider: 'aws', keySpec: 'SM2', signingAlgorithm: 'SM2DSA' }).includes('SM2_KEY_CHINA_ONLY'));
  const f = checkCompatibility({ provider: 'aws', signingAlgorithm: 'SM2DSA' }).find((x) => x.code === 'SM2DSA_CHINA_ONLY')!;
  assert.match(f.source, /China Regions only/);
});

test('001: "The RSA_AES_KEY_WRAP_SHA_256 and RSA_AES_KEY_WRAP_SHA_1 wrapping algorithms are not supported in China Regions."', () => {
  for (const a of ['RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256'] as const) {
    assert.ok(errors({ provider: 'aws-cn', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_4096', algorithm: a }).includes('RSA_AES_NOT_IN_CHINA'));
    assert.deepEqual(errors({ provider: 'aws', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_4096', algorithm: a }), []);
  }
});

test('000: "SM2 wrapping key spec (China Regions only)" and "SM2PKE (China Regions only)"', () => {
  assert.ok(errors({ provider: 'aws', keySpec: 'ECC_NIST_P256', wrappingKeySpec: 'SM2', algorithm: 'SM2PKE' }).includes('SM2_WRAPPING_CHINA_ONLY'));
  assert.ok(errors({ provider: 'aws', keySpec: 'ECC_NIST_P256', wrappingKeySpec: 'SM2', algorithm: 'SM2PKE' }).includes('SM2PKE_CHINA_ONLY'));
  assert.ok(errors({ provider: 'huawei', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'SM2', algorithm: 'RSAES_OAEP_SHA_256' }).includes('SM2_WRAPPING_CHINA_ONLY'));
  // SM2 key spec itself (001: "SM2 private keys (China Regions only)")
  assert.ok(errors({ provider: 'aws', keySpec: 'SM2', wrappingKeySpec: 'RSA_4096', algorithm: 'RSA_AES_KEY_WRAP_SHA_256' }).includes('SM2_KEY_CHINA_ONLY'));
  // SM2 wrapping key works only with SM2PKE and vice versa.
  assert.ok(errors({ provider: 'aws-cn', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'SM2', algorithm: 'RSAES_OAEP_SHA_256' }).includes('SM2_KEY_NEEDS_SM2PKE'));
  assert.ok(errors({ provider: 'aws-cn', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_4096', algorithm: 'SM2PKE' }).includes('SM2PKE_NEEDS_SM2_KEY'));
});

test('000: "RSAES_PKCS1_V1_5 (Deprecated; as of October 10, 2023, AWS KMS does not support the RSAES_PKCS1_V1_5 wrapping algorithm)"', () => {
  for (const p of ['aws', 'aws-cn'] as const) assert.ok(errors({ provider: p, keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_PKCS1_V1_5' }).includes('PKCS1_V1_5_REFUSED'));
  const f = checkCompatibility({ provider: 'aws', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_PKCS1_V1_5' }).find((x) => x.code === 'PKCS1_V1_5_REFUSED')!;
  assert.match(f.message, /October 10, 2023/);
});

test('001: "The length of your HMAC key must match the length defined by the key spec … HMAC_384, you must import a 384-bit (48-byte) key."', () => {
  const m = (n: number) => ({ kind: 'hmac' as const, byteLength: n });
  assert.deepEqual(errors({ provider: 'aws', keySpec: 'HMAC_384', wrappingKeySpec: 'RSA_4096', algorithm: 'RSAES_OAEP_SHA_256', material: m(48) }), []);
  for (const n of [28, 32, 47, 49, 64]) assert.ok(errors({ provider: 'aws', keySpec: 'HMAC_384', wrappingKeySpec: 'RSA_4096', algorithm: 'RSAES_OAEP_SHA_256', material: m(n) }).includes('HMAC_LENGTH'), `${n}`);
  const f = checkCompatibility({ provider: 'aws', keySpec: 'HMAC_384', wrappingKeySpec: 'RSA_4096', algorithm: 'RSAES_OAEP_SHA_256', material: m(64) }).find((x) => x.code === 'HMAC_LENGTH')!;
  assert.match(f.message, /exactly 48 bytes of key material; this file has 64/);
  assert.match(f.fix, /HMAC_512/);
  for (const [spec, n] of [['HMAC_224', 28], ['HMAC_256', 32], ['HMAC_512', 64]] as const) {
    assert.deepEqual(errors({ provider: 'aws', keySpec: spec, wrappingKeySpec: 'RSA_4096', algorithm: 'RSAES_OAEP_SHA_256', material: m(n) }), []);
  }
});

test('001: symmetric "256-bit symmetric key (32-byte random string)… In China Regions only… 128-bit symmetric key (16-byte random string)"', () => {
  const m = (n: number) => ({ kind: 'symmetric' as const, byteLength: n });
  assert.deepEqual(errors({ provider: 'aws', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_4096', algorithm: 'RSAES_OAEP_SHA_256', material: m(32) }), []);
  assert.ok(errors({ provider: 'aws', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_4096', algorithm: 'RSAES_OAEP_SHA_256', material: m(16) }).includes('SYMMETRIC_LENGTH'));
  assert.deepEqual(errors({ provider: 'aws-cn', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_4096', algorithm: 'RSAES_OAEP_SHA_256', material: m(16) }), []);
  const cn = checkCompatibility({ provider: 'aws-cn', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_4096', algorithm: 'RSAES_OAEP_SHA_256', material: m(32) }).find((x) => x.code === 'SYMMETRIC_LENGTH')!;
  assert.match(cn.message, /16 bytes \(128-bit SM4 key\)/);
});

test('002 (Huawei): "You can only import 256-bit symmetric keys." and its three algorithms, SHA-1 flagged "no longer secure"', () => {
  assert.deepEqual(errors({ provider: 'huawei', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_OAEP_SHA_256', material: { kind: 'symmetric', byteLength: 32 } }), []);
  assert.ok(errors({ provider: 'huawei', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_OAEP_SHA_256', material: { kind: 'symmetric', byteLength: 16 } }).includes('SYMMETRIC_LENGTH'));
  assert.ok(codes({ provider: 'huawei', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_OAEP_SHA_1' }).includes('warning:SHA1_INSECURE'));
  assert.deepEqual(errors({ provider: 'huawei', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_PKCS1_V1_5' }), []);
  assert.ok(codes({ provider: 'huawei', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_PKCS1_V1_5' }).includes('warning:PKCS1_LEGACY'));
  // The wrapping key Huawei hands out is RSA_2048, and it is not told to prefer RSA_4096 it cannot have.
  assert.ok(errors({ provider: 'huawei', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_4096', algorithm: 'RSAES_OAEP_SHA_256' }).includes('WRAPPING_KEY_SPEC_UNSUPPORTED'));
  assert.ok(!codes({ provider: 'huawei', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_OAEP_SHA_256' }).includes('info:PREFER_RSA_4096'));
  // Private keys go in Huawei's two-part form (RSA_AES_KEY_WRAP_SHA_256 in this tool), symmetric keys never.
  assert.ok(errors({ provider: 'huawei', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_2048', algorithm: 'RSA_AES_KEY_WRAP_SHA_256' }).includes('HUAWEI_TWO_PART_PRIVATE_KEYS_ONLY'));
  assert.ok(errors({ provider: 'huawei', keySpec: 'ECC_NIST_P256', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_OAEP_SHA_256' }).includes('HUAWEI_PRIVATE_KEY_NEEDS_TWO_PART'));
  assert.ok(errors({ provider: 'huawei', keySpec: 'RSA_3072', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_PKCS1_V1_5' }).includes('HUAWEI_PRIVATE_KEY_NEEDS_TWO_PART'));
  assert.deepEqual(errors({ provider: 'huawei', keySpec: 'RSA_4096', wrappingKeySpec: 'RSA_2048', algorithm: 'RSA_AES_KEY_WRAP_SHA_256' }), []);
  assert.ok(errors({ provider: 'huawei', keySpec: 'RSA_2048', wrappingKeySpec: 'RSA_2048', algorithm: 'RSA_AES_KEY_WRAP_SHA_1' }).includes('ALGORITHM_NOT_OFFERED'));
  assert.deepEqual(recommend('huawei', 'SYMMETRIC_DEFAULT'), { wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_OAEP_SHA_256' });
  assert.deepEqual(recommend('huawei', 'ECC_NIST_P384'), { wrappingKeySpec: 'RSA_2048', algorithm: 'RSA_AES_KEY_WRAP_SHA_256' });
  // Newer Huawei docs allow RSA/EC private keys: a warning, not an error; curves Huawei has no key spec for are refused.
  assert.ok(codes({ provider: 'huawei', keySpec: 'ECC_NIST_P256', wrappingKeySpec: 'RSA_2048', algorithm: 'RSA_AES_KEY_WRAP_SHA_256' }).includes('warning:KEY_SPEC_NEWER_DOCS_ONLY'));
  assert.ok(errors({ provider: 'huawei', keySpec: 'ECC_NIST_P521', wrappingKeySpec: 'RSA_2048', algorithm: 'RSA_AES_KEY_WRAP_SHA_256' }).includes('KEY_SPEC_NOT_SUPPORTED_BY_PROVIDER'));
  assert.ok(errors({ provider: 'huawei', keySpec: 'HMAC_256', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_OAEP_SHA_256' }).includes('KEY_SPEC_NOT_SUPPORTED_BY_PROVIDER'));
});

test("huawei-kms.md: asymmetric material goes in Huawei's two-part form (RSA_AES_KEY_WRAP_SHA_256 under RSA_2048); the recommendation follows", () => {
  for (const k of ['RSA_2048', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384'] as const) {
    assert.deepEqual(errors({ provider: 'huawei', keySpec: k, wrappingKeySpec: 'RSA_2048', algorithm: 'RSA_AES_KEY_WRAP_SHA_256' }), [], k);
    for (const a of ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5'] as const) assert.ok(errors({ provider: 'huawei', keySpec: k, wrappingKeySpec: 'RSA_2048', algorithm: a }).includes('HUAWEI_PRIVATE_KEY_NEEDS_TWO_PART'), `${k} ${a}`);
    assert.ok(errors({ provider: 'huawei', keySpec: k, wrappingKeySpec: 'RSA_2048', algorithm: 'RSA_AES_KEY_WRAP_SHA_1' }).includes('ALGORITHM_NOT_OFFERED'), k);
    assert.deepEqual(recommend('huawei', k), { wrappingKeySpec: 'RSA_2048', algorithm: 'RSA_AES_KEY_WRAP_SHA_256' });
  }
  assert.deepEqual(recommend('huawei', 'SYMMETRIC_DEFAULT'), { wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_OAEP_SHA_256' });
  // Huawei has no P-521 or secp256k1 keys; its wrapping key is RSA_2048 (no "prefer RSA_4096" advice).
  for (const k of ['ECC_NIST_P521', 'ECC_SECG_P256K1'] as const) assert.ok(errors({ provider: 'huawei', keySpec: k, wrappingKeySpec: 'RSA_2048', algorithm: 'RSA_AES_KEY_WRAP_SHA_256' }).includes('KEY_SPEC_NOT_SUPPORTED_BY_PROVIDER'), k);
  assert.ok(!codes({ provider: 'huawei', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_OAEP_SHA_256' }).includes('info:PREFER_RSA_4096'));
});

test('003 (the 2048-bit, PKCS#1 era): its three choices in AWS preference order still check, OAEP_SHA_256 first', () => {
  // "These choices are listed in order of AWS preference": RSAES_OAEP_SHA_256, RSAES_OAEP_SHA_1, RSAES_PKCS1_V1_5
  assert.deepEqual(errors({ provider: 'aws', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_OAEP_SHA_256' }), []);
  assert.deepEqual(errors({ provider: 'aws', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_OAEP_SHA_1' }), []);
  assert.ok(codes({ provider: 'aws', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_OAEP_SHA_1' }).includes('warning:SHA1_WEAK'));
  // "The public key you receive from AWS KMS is a 2048-bit RSA public key": still valid, but RSA_4096 is preferred today.
  assert.ok(codes({ provider: 'aws', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_OAEP_SHA_256' }).includes('info:PREFER_RSA_4096'));
});

test('000: "RSA_4096 (preferred)" and 004: "We recommend that you use the SHA-256 hashing algorithm whenever possible."', () => {
  assert.ok(!codes({ provider: 'aws', keySpec: 'ECC_NIST_P256', wrappingKeySpec: 'RSA_4096', algorithm: 'RSAES_OAEP_SHA_256' }).some((c) => c.startsWith('info:PREFER') || c.includes('SHA1')));
  assert.deepEqual(recommend('aws', 'RSA_3072'), { wrappingKeySpec: 'RSA_4096', algorithm: 'RSA_AES_KEY_WRAP_SHA_256' });
  assert.deepEqual(recommend('aws', 'ECC_NIST_P256'), { wrappingKeySpec: 'RSA_4096', algorithm: 'RSAES_OAEP_SHA_256' });
  assert.deepEqual(recommend('aws-cn', 'SM2'), { wrappingKeySpec: 'SM2', algorithm: 'SM2PKE' });
  // The recommendation is always allowed for every importable spec.
  for (const spec of IMPORTABLE_KEY_SPECS) {
    for (const p of ['aws', 'aws-cn'] as const) {
      if (spec === 'SM2' && p === 'aws') continue;
      const r = recommend(p, spec);
      assert.deepEqual(errors({ provider: p, keySpec: spec, ...r }), [], `${p} ${spec}`);
    }
  }
});

test('RFC 8017 OAEP limit: payload ≤ modulus − 2·hLen − 2, checked with material', () => {
  assert.equal(oaepMaxPayload(2048, 32), 190);
  assert.equal(oaepMaxPayload(2048, 20), 214);
  assert.equal(oaepMaxPayload(4096, 32), 446);
  const m = (n: number) => ({ kind: 'ec' as const, byteLength: n, curve: 'P-384' as const });
  assert.deepEqual(errors({ provider: 'aws', keySpec: 'ECC_NIST_P384', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_OAEP_SHA_256', material: m(190) }), []);
  assert.ok(errors({ provider: 'aws', keySpec: 'ECC_NIST_P384', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_OAEP_SHA_256', material: m(191) }).includes('OAEP_PAYLOAD_TOO_LARGE'));
});

test('material must match the key spec: kind, RSA size, curve, two primes', () => {
  assert.ok(errors({ provider: 'aws', keySpec: 'RSA_3072', wrappingKeySpec: 'RSA_4096', algorithm: 'RSA_AES_KEY_WRAP_SHA_256', material: { kind: 'rsa', byteLength: 1200, modulusBits: 2048, keySpec: 'RSA_2048', primes: 2 } }).includes('RSA_SIZE_MISMATCH'));
  assert.ok(errors({ provider: 'aws', keySpec: 'ECC_NIST_P256', wrappingKeySpec: 'RSA_4096', algorithm: 'RSAES_OAEP_SHA_256', material: { kind: 'ec', byteLength: 138, curve: 'secp256k1', keySpec: 'ECC_SECG_P256K1' } }).includes('CURVE_MISMATCH'));
  assert.ok(errors({ provider: 'aws', keySpec: 'ECC_NIST_P256', wrappingKeySpec: 'RSA_4096', algorithm: 'RSAES_OAEP_SHA_256', material: { kind: 'symmetric', byteLength: 32 } }).includes('MATERIAL_KIND_MISMATCH'));
  assert.ok(errors({ provider: 'aws', keySpec: 'RSA_2048', wrappingKeySpec: 'RSA_4096', algorithm: 'RSA_AES_KEY_WRAP_SHA_256', material: { kind: 'rsa', byteLength: 1200, modulusBits: 2048, primes: 3 } }).includes('RSA_MULTI_PRIME'));
});

test('key specs known but not importable, or unconfirmed (kms-api.md §5.2, landscape.md)', () => {
  assert.ok(errors({ provider: 'aws', keySpec: 'ML_DSA_65' }).includes('KEY_SPEC_NOT_IMPORTABLE'));
  assert.ok(codes({ provider: 'aws', keySpec: 'ECC_NIST_EDWARDS25519' }).includes('warning:KEY_SPEC_IMPORT_UNCONFIRMED'));
  assert.ok(codes({ provider: 'aws', keySpec: 'ML_KEM_768' }).includes('warning:KEY_SPEC_IMPORT_UNCONFIRMED'));
});

test('every finding names a fix and a source; errors come first', () => {
  const fs = checkCompatibility({ provider: 'aws-cn', keySpec: 'ECC_NIST_P521', wrappingKeySpec: 'RSA_2048', algorithm: 'RSA_AES_KEY_WRAP_SHA_1' });
  assert.ok(fs.length >= 3);
  for (const f of fs) {
    assert.ok(f.fix.length > 10, f.code);
    assert.ok(f.source.length > 5, f.code);
  }
  const sev = fs.map((f) => f.severity);
  assert.deepEqual(sev, [...sev].sort((a, b) => ['error', 'warning', 'info'].indexOf(a) - ['error', 'warning', 'info'].indexOf(b)));
});

test('optionMatrix marks refused combinations with their reason (used by the import form)', () => {
  const rows = optionMatrix({ provider: 'aws', keySpec: 'RSA_2048' });
  const cell = (w: string, a: string) => rows.find((r) => r.wrappingKeySpec === w && r.algorithm === a)!;
  assert.equal(cell('RSA_4096', 'RSA_AES_KEY_WRAP_SHA_256').allowed, true);
  assert.equal(cell('RSA_4096', 'RSAES_OAEP_SHA_256').allowed, false);
  assert.match(cell('RSA_4096', 'RSAES_OAEP_SHA_256').reason!, /RSA_AES_KEY_WRAP/);
  assert.equal(cell('SM2', 'SM2PKE').allowed, false);
  const cn = optionMatrix({ provider: 'aws-cn', keySpec: 'RSA_2048' });
  const cnCell = (w: string, a: string) => cn.find((r) => r.wrappingKeySpec === w && r.algorithm === a)!;
  assert.equal(cnCell('SM2', 'SM2PKE').allowed, true);
  assert.equal(cnCell('RSA_4096', 'RSA_AES_KEY_WRAP_SHA_256').allowed, false);
  assert.equal(cnCell('SM2', 'RSAES_OAEP_SHA_256').allowed, false);
  assert.equal(cnCell('RSA_4096', 'SM2PKE').allowed, false);
});
