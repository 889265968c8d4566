// SM2 public-key encryption (SM2PKE: GM/T 0003.4-2012 / GB/T 32918.4-2016) on the recommended curve
// sm2p256v1 (GM/T 0003.5), with SM3 in the KDF and in C3 — the one SM2 implementation of this project
// (the CLI, the extension and the sandbox all use it). Pure TypeScript: BoringSSL (VS Code desktop) has
// neither SM2 nor SM3; the curve arithmetic is @noble/curves' audited weierstrassPoints() over the
// published parameters, SM3 is ./sm3.
//
// Ciphertext format. AWS's pages name SM2PKE ("defined by OSCCA in GM/T 0003.4-2012") but do not spell
// out the byte format of the encrypted key material. This module writes the GM/T 0009-2012 ASN.1 DER
//   SEQUENCE { C1x INTEGER, C1y INTEGER, C3 OCTET STRING (SM3, 32 bytes), C2 OCTET STRING }
// which is what `openssl pkeyutl -encrypt` writes with an SM2 public key and what Huawei Cloud KMS uses.
// sm2Decrypt (the sandbox's decrypt) accepts exactly that DER — strictly: no trailing bytes, C1 on the
// curve and not the point at infinity, C3 32 bytes, C2 not empty — and, for tools that write the raw
// GM/T 0003.4 form, the concatenation 04 ‖ C1x ‖ C1y ‖ C3 ‖ C2.
//
// Guarantees: a fresh random k (crypto.randomBytes, rejection-sampled into [1, n−1]) for every
// encryption, retried when the KDF output is all zero; the GM/T 0003.5 Annex C example reproduced byte
// for byte (test/core/sm2.test.ts). Scalar multiplications with a secret scalar (k when encrypting, the
// private key d when decrypting) use noble's `multiply`, never `multiplyUnsafe`: a fixed-window (wNAF)
// walk that does one point addition per window whether the window is zero or not (a decoy
// accumulator), with table positions that do not depend on the scalar for a point without
// precomputation (C1 is always fresh, so the private key only ever meets such a walk; the generator and
// a wrapping public key in use have window tables, as noble does for the generator). bigint arithmetic itself is not guaranteed constant-time by the
// JavaScript engine; that is the limit of "constant-time" in pure JavaScript. Decryption never says why
// it failed, compares C3 with timingSafeEqual, and zeroes the shared secret and the KDF output.
import * as crypto from 'node:crypto';
import { weierstrassPoints } from '@noble/curves/abstract/weierstrass';
import { Field } from '@noble/curves/abstract/modular';
import * as asn1 from './asn1';
import { Sm3, sm3 } from './sm3';

/** sm2p256v1 recommended parameters (GM/T 0003.5-2012, GB/T 32918.5-2017). */
export const SM2_CURVE = {
  p: BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF'),
  a: BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC'),
  b: BigInt('0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93'),
  n: BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123'),
  Gx: BigInt('0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7'),
  Gy: BigInt('0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0'),
};
const { p, a, b, n, Gx, Gy } = SM2_CURVE;
/** The curve's points (@noble/curves), cofactor 1. */
export const SM2_POINTS = weierstrassPoints({ a, b, Fp: Field(p), n, Gx, Gy, h: BigInt(1) });
const Point = SM2_POINTS.ProjectivePoint;
export type Sm2Point = InstanceType<typeof Point>;

const ZERO = BigInt(0);
export const toBig = (bytes: Uint8Array): bigint => (bytes.length ? BigInt('0x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex')) : ZERO);
export const to32 = (x: bigint): Buffer => Buffer.from(x.toString(16).padStart(64, '0'), 'hex');

/** A uniformly random scalar in [1, n−1] from crypto.randomBytes. */
export function randomScalar(): bigint {
  for (;;) {
    const k = toBig(crypto.randomBytes(32));
    if (k > ZERO && k < n) return k;
  }
}

/** The public point for an uncompressed (04 ‖ X ‖ Y) or compressed encoding; throws if it is not on the curve or is infinity. */
export function sm2Point(encoded: Uint8Array): Sm2Point {
  const P = Point.fromHex(Buffer.from(encoded).toString('hex'));
  P.assertValidity();
  return P;
}

/** The uncompressed public point of private scalar d (32 bytes). */
export function sm2PublicPoint(d: Uint8Array): Buffer {
  return Buffer.from(Point.BASE.multiply(toBig(d)).toRawBytes(false));
}

/** A fresh SM2 key pair: the private scalar (32 bytes) and the uncompressed public point. */
export function sm2KeyPair(): { d: Buffer; point: Buffer } {
  const d = to32(randomScalar());
  return { d, point: sm2PublicPoint(d) };
}

/**
 * KDF(Z, klen) of GM/T 0003.4 §5.4.3 with SM3 over Z = x2 ‖ y2 (64 bytes: one block, hashed once).
 * Returns whether the output is all zero (the caller must then retry or refuse).
 */
function kdfXor(x2: Buffer, y2: Buffer, input: Uint8Array, out: Uint8Array): boolean {
  const prefix = new Sm3().update(x2).update(y2);
  const ct = Buffer.alloc(4);
  const block = Buffer.alloc(32);
  let acc = 0;
  for (let off = 0, i = 1; off < input.length; off += 32, i++) {
    ct.writeUInt32BE(i);
    prefix.clone().update(ct).digest(block, 0);
    const end = Math.min(32, input.length - off);
    for (let j = 0; j < end; j++) {
      acc |= block[j];
      out[off + j] = input[off + j] ^ block[j];
    }
  }
  block.fill(0);
  prefix.digest(); // wipes the state that holds x2 ‖ y2
  return acc === 0;
}

/** DER SEQUENCE { C1x, C1y, C3, C2 } (GM/T 0009-2012 §7.2). */
export function encodeSm2Ciphertext(x1: bigint, y1: bigint, c3: Buffer, c2: Buffer): Buffer {
  return asn1.seq(asn1.integer(to32(x1)), asn1.integer(to32(y1)), asn1.octets(c3), asn1.octets(c2));
}

/**
 * SM2PKE encryption of `message` to public point P. `nextK` exists for the standard's fixed-k example
 * only; in use, k comes from crypto.randomBytes and is fresh for every call and every retry.
 */
export function sm2EncryptTo(P: Sm2Point, message: Uint8Array, nextK: () => bigint = randomScalar): Buffer {
  if (message.length === 0) throw new RangeError('SM2PKE: nothing to encrypt');
  // h = 1: S = [h]P is P itself; it was checked not to be infinity and to be on the curve when parsed.
  for (let attempt = 0; attempt < 16; attempt++) {
    const k = nextK();
    const C1 = Point.BASE.multiply(k).toAffine();
    const S = P.multiply(k).toAffine();
    const x2 = to32(S.x);
    const y2 = to32(S.y);
    const c2 = Buffer.alloc(message.length);
    try {
      if (kdfXor(x2, y2, message, c2)) continue; // t all zero: choose another k (GM/T 0003.4 §6.1 A5)
      const c3 = new Sm3().update(x2).update(message).update(y2).digest() as Buffer;
      return encodeSm2Ciphertext(C1.x, C1.y, c3, c2);
    } finally {
      x2.fill(0);
      y2.fill(0);
    }
  }
  throw new Error('SM2PKE: the KDF output was all zero for 16 fresh k (this does not happen with a working random source)');
}

/**
 * Recently used public points with a 4-bit window table (520 points, built on first use): a wrapping
 * key is public, and with the table [k]P costs a sixth of the plain walk. Bounded to 8 keys.
 */
const tables = new Map<string, Sm2Point>();
export function sm2EncryptionPoint(encoded: Uint8Array): Sm2Point {
  const id = Buffer.from(encoded).toString('hex');
  let P = tables.get(id);
  if (!P) {
    P = sm2Point(encoded);
    P.precompute(4, true);
    if (tables.size >= 8) tables.delete(tables.keys().next().value!);
    tables.set(id, P);
  }
  return P;
}

/** SM2PKE encryption to an encoded public point (04 ‖ X ‖ Y). */
export function sm2Encrypt(point: Uint8Array, message: Uint8Array): Buffer {
  return sm2EncryptTo(sm2EncryptionPoint(point), message);
}

/** The parts of an SM2 ciphertext, or undefined when it is not one (DER, or raw 04 ‖ C1 ‖ C3 ‖ C2). */
export function parseSm2Ciphertext(ciphertext: Buffer): { x1: bigint; y1: bigint; c3: Buffer; c2: Buffer } | undefined {
  try {
    let x1: bigint, y1: bigint, c3: Buffer, c2: Buffer;
    if (ciphertext[0] === asn1.Tag.SEQUENCE) {
      const items = asn1.children(asn1.parse(ciphertext)); // parse refuses truncation and trailing bytes
      if (items.length !== 4) return undefined;
      const xb = asn1.unsignedInt(items[0], 'C1x');
      const yb = asn1.unsignedInt(items[1], 'C1y');
      if (xb.length > 32 || yb.length > 32) return undefined;
      x1 = toBig(xb);
      y1 = toBig(yb);
      c3 = asn1.expect(items[2], asn1.Tag.OCTET_STRING, 'C3').value;
      c2 = asn1.expect(items[3], asn1.Tag.OCTET_STRING, 'C2').value;
    } else if (ciphertext[0] === 0x04 && ciphertext.length > 1 + 64 + 32) {
      x1 = toBig(ciphertext.subarray(1, 33));
      y1 = toBig(ciphertext.subarray(33, 65));
      c3 = ciphertext.subarray(65, 97);
      c2 = ciphertext.subarray(97);
    } else return undefined;
    if (c3.length !== 32 || c2.length === 0 || x1 >= p || y1 >= p) return undefined;
    return { x1, y1, c3, c2 };
  } catch {
    return undefined;
  }
}

/**
 * SM2PKE decryption with private scalar d (32 bytes). Returns undefined for anything that does not
 * decrypt, and never says why: malformed DER, trailing bytes, C1 off the curve or at infinity, a wrong
 * C3, an all-zero KDF output.
 */
export function sm2Decrypt(d: Uint8Array, ciphertext: Buffer): Buffer | undefined {
  const parts = parseSm2Ciphertext(ciphertext);
  if (!parts) return undefined;
  let C1: Sm2Point;
  try {
    if (parts.x1 === ZERO && parts.y1 === ZERO) return undefined; // the encoding of the point at infinity
    C1 = Point.fromAffine({ x: parts.x1, y: parts.y1 });
    C1.assertValidity(); // on the curve, not infinity; h = 1, so [h]C1 ≠ O follows
  } catch {
    return undefined;
  }
  const dk = toBig(d);
  if (dk <= ZERO || dk >= n) return undefined;
  const S = C1.multiply(dk).toAffine(); // secret scalar: multiply, not multiplyUnsafe
  const x2 = to32(S.x);
  const y2 = to32(S.y);
  const M = Buffer.alloc(parts.c2.length);
  try {
    const zero = kdfXor(x2, y2, parts.c2, M);
    const u = new Sm3().update(x2).update(M).update(y2).digest() as Buffer;
    if (!crypto.timingSafeEqual(u, parts.c3) || zero) {
      M.fill(0);
      return undefined;
    }
    return M;
  } finally {
    x2.fill(0);
    y2.fill(0);
  }
}

export { sm3 };
