// Private keys from the structures they come in — PKCS#1 (RSA), SEC1 (EC), PKCS#8 (plain and encrypted),
// PKCS#12 and JWK — normalised to PKCS#8 DER plus the SubjectPublicKeyInfo of the public key, both built here
// from the ASN.1 (no OpenSSL needed, so secp256k1 and SM2 work). Only what KMS imports gets through: two-prime
// RSA of 2048/3072/4096 bits whose CRT components agree, EC keys on P-256/384/521, secp256k1 or SM2 with a valid
// scalar and a matching embedded public point. Anything else is refused with a KmsImportError (invalid-input)
// that names the structure and the fix, never with secret bytes. Intermediate secret buffers are zeroed.
import * as asn1 from './asn1';
import { decodePoint, ecPublicPoint } from './curves';
import { KmsImportError, invalidInput, type ErrorCode } from './errors';
import { CURVES, type EcCurveName } from './specs';
import { decryptPkcs8 } from './pbes2';
import { pkcs12PrivateKey } from './pkcs12';

function refuse(code: ErrorCode, what: string, fix: string): KmsImportError {
  return invalidInput(code, what, fix);
}

export const FIX_PKCS8 = 'Export the private key (not the public key or certificate), e.g. openssl pkcs8 -topk8 -outform der -nocrypt -in key.pem -out key.der';

// ---------------------------------------------------------------------------------------------
// RSA

function rsaFromPkcs1(der: Buffer): { pkcs8: Buffer; spki: Buffer; bits: number; primes: number } {
  let items: asn1.Node[];
  try {
    items = asn1.children(asn1.expect(asn1.parse(der), asn1.Tag.SEQUENCE, 'RSAPrivateKey'));
  } catch (e) {
    throw refuse('CORRUPT_KEY', `The RSA private key is corrupt (${(e as Error).message}).`, FIX_PKCS8);
  }
  if (items.length < 9 || items.slice(0, 9).some((n) => n.tag !== asn1.Tag.INTEGER)) {
    throw refuse('CORRUPT_KEY', 'The RSA private key is corrupt (RSAPrivateKey needs nine INTEGERs).', FIX_PKCS8);
  }
  const version = asn1.smallInt(items[0], 'version');
  let primes = 2;
  if (version === 1 || items.length > 9) {
    const other = items[9];
    primes = 2 + (other && other.tag === asn1.Tag.SEQUENCE ? asn1.children(other).length : 0);
  }
  const n = asn1.unsignedInt(items[1], 'modulus');
  const e = asn1.unsignedInt(items[2], 'publicExponent');
  const p = asn1.unsignedInt(items[4], 'prime1');
  const q = asn1.unsignedInt(items[5], 'prime2');
  let bits = n.length * 8;
  for (let b = 0x80; b > 0 && !(n[0] & b); b >>= 1) bits--;
  if (primes !== 2) {
    throw refuse('RSA_MULTI_PRIME', `This RSA private key has ${primes} primes; KMS takes only two-prime RSA keys.`, 'Use a standard two-prime RSA key (openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:4096).');
  }
  const toBig = (b: Buffer) => BigInt('0x' + b.toString('hex'));
  const [N, E, D, P, Q, DP, DQ, QI] = [n, e, items[3], p, q, items[6], items[7], items[8]].map((x) => toBig(Buffer.isBuffer(x) ? x : asn1.unsignedInt(x, 'RSA component')));
  const one = BigInt(1);
  // Every CRT component must agree, or KMS would sign with a key that is not the one we prove against.
  const consistent = P * Q === N && P > one && Q > one && (E * D) % (P - one) === one && (E * D) % (Q - one) === one && DP === D % (P - one) && DQ === D % (Q - one) && (QI * Q) % P === one;
  if (!consistent) {
    throw refuse('CORRUPT_KEY', 'The RSA private key is corrupt: its components do not agree (modulus, exponents and primes do not match).', FIX_PKCS8);
  }
  if (![2048, 3072, 4096].includes(bits)) {
    throw refuse('RSA_SIZE_UNSUPPORTED', `This is an RSA-${bits} private key; KMS imports RSA keys of 2048, 3072 or 4096 bits only.`, 'Use an RSA key of 2048, 3072 or 4096 bits (RSA_4096 preferred).');
  }
  const algId = asn1.seq(asn1.oid(asn1.OID.rsaEncryption), asn1.nullValue());
  const pkcs8 = asn1.seq(asn1.integer(0), algId, asn1.octets(der));
  const spki = asn1.seq(algId, asn1.bitString(asn1.seq(asn1.integer(n), asn1.integer(e))));
  return { pkcs8, spki, bits, primes };
}

// ---------------------------------------------------------------------------------------------
// EC

function curveFromOid(oid: string): EcCurveName | undefined {
  return (Object.keys(CURVES) as EcCurveName[]).find((c) => CURVES[c].oid === oid);
}

const CURVE_NAMES: Record<string, string> = {
  '1.3.36.3.3.2.8.1.1.7': 'brainpoolP256r1',
  '1.3.36.3.3.2.8.1.1.11': 'brainpoolP384r1',
  '1.3.36.3.3.2.8.1.1.13': 'brainpoolP512r1',
  '1.3.132.0.33': 'secp224r1',
  '1.2.840.10045.3.1.1': 'prime192v1',
  '1.3.132.0.31': 'secp192k1',
};

function unsupportedCurve(oid: string): KmsImportError {
  const name = CURVE_NAMES[oid] ?? `OID ${oid}`;
  return refuse('CURVE_UNSUPPORTED', `This EC private key is on curve ${name}; KMS imports P-256, P-384, P-521, secp256k1 (and SM2 in China Regions) only.`, 'Use a key on a supported curve (ECC_NIST_P256/P384/P521 or ECC_SECG_P256K1).');
}

/** Parses ECPrivateKey (SEC1). `curveOid` comes from PKCS#8 AlgorithmIdentifier when present. */
function ecFromSec1(der: Buffer, curveOidFromAlg?: string): { pkcs8: Buffer; spki: Buffer; curve: EcCurveName } {
  let items: asn1.Node[];
  try {
    items = asn1.children(asn1.expect(asn1.parse(der), asn1.Tag.SEQUENCE, 'ECPrivateKey'));
  } catch (e) {
    throw refuse('CORRUPT_KEY', `The EC private key is corrupt (${(e as Error).message}).`, FIX_PKCS8);
  }
  if (items.length < 2 || items[0].tag !== asn1.Tag.INTEGER || items[1].tag !== asn1.Tag.OCTET_STRING) {
    throw refuse('CORRUPT_KEY', 'The EC private key is corrupt (ECPrivateKey needs a version and a private key).', FIX_PKCS8);
  }
  if (asn1.smallInt(items[0], 'version') !== 1) throw refuse('CORRUPT_KEY', 'The EC private key has an unknown version.', FIX_PKCS8);
  let curveOid = curveOidFromAlg;
  let embeddedPub: Buffer | undefined;
  for (const it of items.slice(2)) {
    if (it.tag === 0xa0) {
      const inner = asn1.children(it)[0];
      if (inner?.tag === asn1.Tag.SEQUENCE) throw refuse('EC_EXPLICIT_PARAMS', 'This EC key uses explicit curve parameters; KMS needs a named curve.', 'Re-export it with a named curve: openssl pkcs8 -topk8 -nocrypt -outform der (OpenSSL writes named curves by default).');
      const oid = asn1.oidOf(inner, 'namedCurve');
      if (curveOid && curveOid !== oid) throw refuse('CORRUPT_KEY', 'The EC private key names two different curves.', FIX_PKCS8);
      curveOid = oid;
    } else if (it.tag === 0xa1) {
      const bs = asn1.expect(asn1.children(it)[0], asn1.Tag.BIT_STRING, 'publicKey');
      embeddedPub = Buffer.from(bs.value.subarray(1));
    }
  }
  if (!curveOid) throw refuse('EC_NO_CURVE', 'This EC private key does not say which curve it is on.', 'Export it as PKCS#8 (openssl pkcs8 -topk8 -nocrypt -outform der), which records the curve.');
  const curve = curveFromOid(curveOid);
  if (!curve) throw unsupportedCurve(curveOid);
  const size = CURVES[curve].bytes;
  const dRaw = items[1].value;
  if (dRaw.length > size) throw refuse('CORRUPT_KEY', `The EC private key is corrupt: a ${curve} scalar is at most ${size} bytes, this one is ${dRaw.length}.`, FIX_PKCS8);
  const d = Buffer.alloc(size);
  dRaw.copy(d, size - dRaw.length);
  let pub: Buffer;
  try {
    pub = ecPublicPoint(curve, d);
  } catch {
    d.fill(0);
    throw refuse('CORRUPT_KEY', `The EC private key is corrupt: the private scalar is not valid for ${curve}.`, FIX_PKCS8);
  }
  if (embeddedPub) {
    // An uncompressed point (what OpenSSL and every KMS write) is compared as bytes: `pub` was computed from d, so
    // equal bytes are a valid point. Only a compressed one needs decoding first.
    let given: Buffer | undefined = embeddedPub;
    if (embeddedPub[0] !== 0x04) {
      try {
        given = decodePoint(curve, embeddedPub);
      } catch {
        given = undefined;
      }
    }
    if (!given || !given.equals(pub)) {
      d.fill(0);
      throw refuse('EC_PUBLIC_MISMATCH', 'The EC private key is corrupt: its embedded public key does not belong to its private key.', FIX_PKCS8);
    }
  }
  const algId = asn1.seq(asn1.oid(asn1.OID.ecPublicKey), asn1.oid(CURVES[curve].oid));
  const ecPrivateKey = asn1.seq(asn1.integer(1), asn1.octets(d), asn1.explicit(1, asn1.bitString(pub)));
  const pkcs8 = asn1.seq(asn1.integer(0), algId, asn1.octets(ecPrivateKey));
  ecPrivateKey.fill(0);
  d.fill(0);
  const spki = asn1.seq(algId, asn1.bitString(pub));
  return { pkcs8, spki, curve };
}

// ---------------------------------------------------------------------------------------------
// Classification of DER

export type DerKind = 'pkcs8' | 'pkcs1' | 'sec1' | 'encrypted-pkcs8' | 'pkcs12' | 'spki' | 'pkcs1-public' | 'certificate' | 'unknown';

export function classifyDer(top: asn1.Node): DerKind {
  if (top.tag !== asn1.Tag.SEQUENCE) return 'unknown';
  const items = asn1.children(top);
  const tags = items.map((i) => i.tag);
  if (tags[0] === asn1.Tag.INTEGER && tags[1] === asn1.Tag.SEQUENCE && tags[2] === asn1.Tag.OCTET_STRING) return 'pkcs8';
  if (tags[0] === asn1.Tag.INTEGER && tags[1] === asn1.Tag.SEQUENCE && tags.length <= 3 && items[1] && asn1.children(items[1])[0]?.tag === asn1.Tag.OID) {
    // PFX: version 3, authSafe ContentInfo, macData
    return 'pkcs12';
  }
  if (tags.length >= 9 && tags.slice(0, 9).every((t) => t === asn1.Tag.INTEGER)) return 'pkcs1';
  if (tags[0] === asn1.Tag.INTEGER && tags[1] === asn1.Tag.OCTET_STRING) return 'sec1';
  if (tags.length === 2 && tags[0] === asn1.Tag.SEQUENCE && tags[1] === asn1.Tag.OCTET_STRING) return 'encrypted-pkcs8';
  if (tags.length === 2 && tags[0] === asn1.Tag.SEQUENCE && tags[1] === asn1.Tag.BIT_STRING) return 'spki';
  if (tags.length === 2 && tags[0] === asn1.Tag.INTEGER && tags[1] === asn1.Tag.INTEGER) return 'pkcs1-public';
  if (tags.length === 3 && tags[0] === asn1.Tag.SEQUENCE && tags[1] === asn1.Tag.SEQUENCE && tags[2] === asn1.Tag.BIT_STRING) return 'certificate';
  return 'unknown';
}

export interface Asym {
  kind: 'rsa' | 'ec';
  pkcs8: Buffer;
  spki: Buffer;
  bits?: number;
  primes?: number;
  curve?: EcCurveName;
}

export function fromPkcs8(der: Buffer): Asym {
  let items: asn1.Node[];
  try {
    items = asn1.children(asn1.parse(der));
  } catch (e) {
    throw refuse('CORRUPT_KEY', `The PKCS#8 private key is corrupt (${(e as Error).message}).`, FIX_PKCS8);
  }
  const alg = asn1.children(asn1.expect(items[1], asn1.Tag.SEQUENCE, 'AlgorithmIdentifier'));
  const oid = asn1.oidOf(alg[0], 'algorithm');
  const inner = asn1.expect(items[2], asn1.Tag.OCTET_STRING, 'privateKey').value;
  if (oid === asn1.OID.rsaEncryption) {
    const r = rsaFromPkcs1(inner);
    return { kind: 'rsa', pkcs8: r.pkcs8, spki: r.spki, bits: r.bits, primes: r.primes };
  }
  if (oid === asn1.OID.ecPublicKey || oid === asn1.OID.sm2Algorithm) {
    let curveOid: string | undefined = oid === asn1.OID.sm2Algorithm ? asn1.OID.sm2Algorithm : undefined;
    if (alg[1]?.tag === asn1.Tag.OID) curveOid = asn1.decodeOid(alg[1].value);
    else if (alg[1]?.tag === asn1.Tag.SEQUENCE) throw refuse('EC_EXPLICIT_PARAMS', 'This EC key uses explicit curve parameters; KMS needs a named curve.', 'Re-export it with a named curve (OpenSSL does so by default).');
    const r = ecFromSec1(inner, curveOid);
    return { kind: 'ec', pkcs8: r.pkcs8, spki: r.spki, curve: r.curve };
  }
  const names: Record<string, string> = {
    [asn1.OID.ed25519]: 'an Ed25519 private key (ECC_NIST_EDWARDS25519 import is not confirmed by AWS)',
    [asn1.OID.x25519]: 'an X25519 private key',
    [asn1.OID.dsa]: 'a DSA private key',
    [asn1.OID.rsassaPss]: 'an RSASSA-PSS-restricted RSA key (KMS takes rsaEncryption keys)',
    '1.3.101.113': 'an Ed448 private key',
    '1.3.101.111': 'an X448 private key',
  };
  throw refuse('KEY_TYPE_UNSUPPORTED', `This is ${names[oid] ?? `a private key of an unsupported type (OID ${oid})`}; KMS imports RSA and EC (P-256/384/521, secp256k1, SM2) private keys.`, oid === asn1.OID.rsassaPss ? 'Convert it to a plain RSA key: openssl pkey -in key.pem -traditional, then openssl pkcs8 -topk8 -nocrypt -outform der.' : 'Use an RSA or EC private key, or raw bytes for symmetric/HMAC keys.');
}

export function fromDerKind(kind: DerKind, der: Buffer, opts: { passphrase?: string }, pemLabel?: string): Asym {
  switch (kind) {
    case 'pkcs8':
      return fromPkcs8(der);
    case 'pkcs1': {
      const r = rsaFromPkcs1(der);
      return { kind: 'rsa', pkcs8: r.pkcs8, spki: r.spki, bits: r.bits, primes: r.primes };
    }
    case 'sec1': {
      const r = ecFromSec1(der);
      return { kind: 'ec', pkcs8: r.pkcs8, spki: r.spki, curve: r.curve };
    }
    case 'encrypted-pkcs8': {
      if (opts.passphrase === undefined) throw refuse('PASSPHRASE_REQUIRED', 'This private key is encrypted (PKCS#8 with a passphrase).', 'Give its passphrase (CLI: --passphrase-file FILE or KMS_IMPORT_PASSPHRASE).');
      const plain = decryptPkcs8(der, opts.passphrase);
      try {
        if (classifyDerSafe(plain) !== 'pkcs8') throw wrongPassphrase();
        return fromPkcs8(plain);
      } finally {
        plain.fill(0);
      }
    }
    case 'pkcs12':
      return fromPkcs12(der, opts);
    case 'spki':
    case 'pkcs1-public':
      throw refuse('PUBLIC_KEY_NOT_MATERIAL', 'This is a public key; KMS imports the private key (it derives the public key itself).', FIX_PKCS8);
    case 'certificate':
      throw refuse('CERTIFICATE_NOT_MATERIAL', 'This is an X.509 certificate, which holds only a public key; KMS imports the private key.', 'Use the private key that belongs to the certificate (from the HSM, the .p12/.pfx or the key file).');
    default:
      throw refuse('UNKNOWN_DER', `This DER structure${pemLabel ? ` (PEM "${pemLabel}")` : ''} is not a private key format this tool knows.`, 'Use PKCS#8, PKCS#1 (RSA), SEC1 (EC), PKCS#12, a private JWK, or raw key bytes.');
  }
}

export function classifyDerSafe(b: Buffer): DerKind {
  try {
    return classifyDer(asn1.parse(b));
  } catch {
    return 'unknown';
  }
}

export const wrongPassphrase = () => refuse('WRONG_PASSPHRASE', 'The passphrase is wrong: the private key did not decrypt.', 'Give the passphrase the key was exported with.');

// ---------------------------------------------------------------------------------------------
// PKCS#12 (src/core/pkcs12.ts: node-forge, loaded on first use, with the iteration counts checked first)

function fromPkcs12(der: Buffer, opts: { passphrase?: string }): Asym {
  if (opts.passphrase === undefined) throw refuse('PASSPHRASE_REQUIRED', 'This is a PKCS#12 (.p12/.pfx) file, which is protected by a password.', 'Give its password (CLI: --passphrase-file FILE or KMS_IMPORT_PASSPHRASE).');
  const pkcs8Der = pkcs12PrivateKey(der, opts.passphrase);
  try {
    return fromPkcs8(pkcs8Der);
  } finally {
    pkcs8Der.fill(0);
  }
}

// ---------------------------------------------------------------------------------------------
// JWK

function b64u(v: unknown, name: string): Buffer {
  if (typeof v !== 'string' || !/^[A-Za-z0-9_-]*={0,2}$/.test(v)) throw refuse('JWK_INVALID', `The JWK member "${name}" is missing or not base64url.`, 'Use a complete private JWK.');
  return Buffer.from(v, 'base64url');
}

export function fromJwk(jwk: Record<string, unknown>): { asym?: Asym; raw?: Buffer } {
  const kty = jwk.kty;
  if (kty === 'oct') {
    const k = b64u(jwk.k, 'k');
    if (k.length === 0) throw refuse('JWK_INVALID', 'The JWK member "k" is empty: the key has no bytes.', 'Use the complete JWK, with the key bytes in "k" (base64url).');
    return { raw: k };
  }
  if (kty === 'RSA') {
    if (jwk.d === undefined) throw refuse('PUBLIC_KEY_NOT_MATERIAL', 'This JWK is an RSA public key (it has no "d"); KMS imports the private key.', 'Use the private JWK.');
    if (Array.isArray(jwk.oth) && jwk.oth.length > 0) throw refuse('RSA_MULTI_PRIME', `This RSA JWK has ${2 + jwk.oth.length} primes; KMS takes only two-prime RSA keys.`, 'Use a standard two-prime RSA key.');
    const names = ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'];
    const parts = names.map((k) => b64u(jwk[k], k));
    const pkcs1 = asn1.seq(asn1.integer(0), ...parts.map((p) => asn1.integer(p)));
    try {
      const r = rsaFromPkcs1(pkcs1);
      return { asym: { kind: 'rsa', pkcs8: r.pkcs8, spki: r.spki, bits: r.bits, primes: r.primes } };
    } finally {
      pkcs1.fill(0);
      parts.forEach((p) => p.fill(0));
    }
  }
  if (kty === 'EC') {
    const crvMap: Record<string, EcCurveName> = { 'P-256': 'P-256', 'P-384': 'P-384', 'P-521': 'P-521', secp256k1: 'secp256k1', SM2: 'SM2' };
    const curve = crvMap[String(jwk.crv)];
    if (!curve) throw refuse('CURVE_UNSUPPORTED', `This JWK is on curve ${String(jwk.crv)}; KMS imports P-256, P-384, P-521, secp256k1 (and SM2 in China Regions).`, 'Use a key on a supported curve.');
    if (jwk.d === undefined) throw refuse('PUBLIC_KEY_NOT_MATERIAL', 'This JWK is an EC public key (it has no "d"); KMS imports the private key.', 'Use the private JWK.');
    const d = b64u(jwk.d, 'd');
    const x = b64u(jwk.x, 'x');
    const y = b64u(jwk.y, 'y');
    const sec1 = asn1.seq(asn1.integer(1), asn1.octets(d), asn1.explicit(0, asn1.oid(CURVES[curve].oid)), asn1.explicit(1, asn1.bitString(Buffer.concat([Buffer.from([4]), x, y]))));
    try {
      const r = ecFromSec1(sec1);
      return { asym: { kind: 'ec', pkcs8: r.pkcs8, spki: r.spki, curve: r.curve } };
    } finally {
      sec1.fill(0);
      d.fill(0);
    }
  }
  if (kty === 'OKP') throw refuse('KEY_TYPE_UNSUPPORTED', `This JWK is an ${String(jwk.crv)} (OKP) key; KMS imports RSA and EC private keys.`, 'Use an RSA or EC private key.');
  throw refuse('JWK_INVALID', kty === undefined ? 'This JSON object is not a JWK (it has no "kty" member).' : `This JSON is not a JWK this tool knows (kty ${JSON.stringify(kty)}).`, 'Use a private JWK with kty RSA, EC or oct.');
}
