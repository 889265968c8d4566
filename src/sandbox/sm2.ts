// SM3 (GB/T 32905-2016) and SM2 public-key encryption and signatures (GB/T 32918 / GM/T 0003) in pure
// TypeScript over @noble/curves, because BoringSSL (VS Code desktop) has neither SM2 nor SM3.
// Used for China-Region wrapping keys (WrappingKeySpec SM2, SM2PKE) and SM2 KMS keys (SM2DSA, SM2PKE).
// Ciphertexts are the DER form GM/T 0009 defines (SEQUENCE { x, y, C3 hash, C2 }), which OpenSSL 3
// writes; the raw C1‖C3‖C2 concatenation is accepted on input too.
import * as crypto from 'node:crypto';
import { weierstrassPoints } from '@noble/curves/abstract/weierstrass';
import { Field } from '@noble/curves/abstract/modular';
import * as asn1 from '../core/asn1';

// ---------------------------------------------------------------------------------------------
// SM3

const IV = [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e];
const rotl = (x: number, n: number) => ((x << (n & 31)) | (x >>> (32 - (n & 31)))) >>> 0;
const P0 = (x: number) => (x ^ rotl(x, 9) ^ rotl(x, 17)) >>> 0;
const P1 = (x: number) => (x ^ rotl(x, 15) ^ rotl(x, 23)) >>> 0;

export function sm3(...parts: Uint8Array[]): Buffer {
  const msg = Buffer.concat(parts);
  const bitLen = BigInt(msg.length) * BigInt(8);
  const padLen = (msg.length + 9 + 63) & ~63;
  const m = Buffer.alloc(padLen);
  msg.copy(m);
  m[msg.length] = 0x80;
  m.writeBigUInt64BE(bitLen, padLen - 8);
  const V = [...IV];
  const W = new Array<number>(68);
  const W1 = new Array<number>(64);
  for (let off = 0; off < padLen; off += 64) {
    for (let j = 0; j < 16; j++) W[j] = m.readUInt32BE(off + 4 * j);
    for (let j = 16; j < 68; j++) W[j] = (P1(W[j - 16] ^ W[j - 9] ^ rotl(W[j - 3], 15)) ^ rotl(W[j - 13], 7) ^ W[j - 6]) >>> 0;
    for (let j = 0; j < 64; j++) W1[j] = (W[j] ^ W[j + 4]) >>> 0;
    let [A, B, C, D, E, F, G, H] = V;
    for (let j = 0; j < 64; j++) {
      const T = j < 16 ? 0x79cc4519 : 0x7a879d8a;
      const SS1 = rotl((rotl(A, 12) + E + rotl(T, j % 32)) >>> 0, 7);
      const SS2 = (SS1 ^ rotl(A, 12)) >>> 0;
      const FF = j < 16 ? A ^ B ^ C : (A & B) | (A & C) | (B & C);
      const GG = j < 16 ? E ^ F ^ G : (E & F) | (~E & G);
      const TT1 = ((FF >>> 0) + D + SS2 + W1[j]) >>> 0;
      const TT2 = ((GG >>> 0) + H + SS1 + W[j]) >>> 0;
      D = C;
      C = rotl(B, 9);
      B = A;
      A = TT1;
      H = G;
      G = rotl(F, 19);
      F = E;
      E = P0(TT2);
    }
    const next = [A, B, C, D, E, F, G, H];
    for (let i = 0; i < 8; i++) V[i] = (V[i] ^ next[i]) >>> 0;
  }
  const out = Buffer.alloc(32);
  V.forEach((v, i) => out.writeUInt32BE(v, 4 * i));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The SM2 curve

const p = BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF');
const a = BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC');
const b = BigInt('0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93');
const n = BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123');
const Gx = BigInt('0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7');
const Gy = BigInt('0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0');
const { ProjectivePoint: Point } = weierstrassPoints({ a, b, Fp: Field(p), n, Gx, Gy, h: BigInt(1) });

const ZERO = BigInt(0);
const ONE = BigInt(1);
const toBig = (b: Uint8Array) => (b.length ? BigInt('0x' + Buffer.from(b).toString('hex')) : ZERO);
const to32 = (x: bigint) => Buffer.from(x.toString(16).padStart(64, '0'), 'hex');
const mod = (x: bigint, m: bigint) => ((x % m) + m) % m;
function inv(x: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [mod(x, m), m, ONE, ZERO];
  while (r1 !== ZERO) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}
function randomScalar(): bigint {
  for (;;) {
    const k = toBig(crypto.randomBytes(32));
    if (k > ZERO && k < n) return k;
  }
}

export function sm2PublicPoint(d: Uint8Array): Buffer {
  return Buffer.from(Point.BASE.multiply(toBig(d)).toRawBytes(false));
}

/** A fresh SM2 key pair: the private scalar (32 bytes) and the uncompressed public point. */
export function sm2KeyPair(): { d: Buffer; point: Buffer } {
  const d = to32(randomScalar());
  return { d, point: sm2PublicPoint(d) };
}

function kdf(z: Buffer, len: number): Buffer {
  const out: Buffer[] = [];
  for (let ct = 1; out.length * 32 < len; ct++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(ct);
    out.push(sm3(z, c));
  }
  return Buffer.concat(out).subarray(0, len);
}

export function sm2Encrypt(point: Uint8Array, message: Buffer): Buffer {
  const P = Point.fromHex(Buffer.from(point).toString('hex'));
  for (;;) {
    const k = randomScalar();
    const C1 = Point.BASE.multiply(k).toAffine();
    const S = P.multiply(k).toAffine();
    const x2 = to32(S.x);
    const y2 = to32(S.y);
    const t = kdf(Buffer.concat([x2, y2]), message.length);
    if (t.every((v) => v === 0)) continue;
    const C2 = Buffer.from(message.map((v, i) => v ^ t[i]));
    const C3 = sm3(x2, message, y2);
    return asn1.seq(asn1.integer(to32(C1.x)), asn1.integer(to32(C1.y)), asn1.octets(C3), asn1.octets(C2));
  }
}

/** SM2 decryption; returns undefined for anything that does not decrypt (never says why). */
export function sm2Decrypt(d: Uint8Array, ciphertext: Buffer): Buffer | undefined {
  let x1: bigint, y1: bigint, C3: Buffer, C2: Buffer;
  try {
    if (ciphertext[0] === 0x30) {
      const top = asn1.readTlv(ciphertext);
      if (top.end !== ciphertext.length) return undefined;
      const items = asn1.children(top);
      if (items.length !== 4) return undefined;
      x1 = toBig(asn1.unsignedInt(items[0], 'x'));
      y1 = toBig(asn1.unsignedInt(items[1], 'y'));
      C3 = asn1.expect(items[2], asn1.Tag.OCTET_STRING, 'C3').value;
      C2 = asn1.expect(items[3], asn1.Tag.OCTET_STRING, 'C2').value;
    } else if (ciphertext[0] === 0x04 && ciphertext.length > 65 + 32) {
      x1 = toBig(ciphertext.subarray(1, 33));
      y1 = toBig(ciphertext.subarray(33, 65));
      C3 = ciphertext.subarray(65, 97);
      C2 = ciphertext.subarray(97);
    } else return undefined;
    if (C3.length !== 32 || C2.length === 0) return undefined;
    const C1 = Point.fromAffine({ x: x1, y: y1 });
    C1.assertValidity();
    const S = C1.multiply(toBig(d)).toAffine();
    const x2 = to32(S.x);
    const y2 = to32(S.y);
    const t = kdf(Buffer.concat([x2, y2]), C2.length);
    if (t.every((v) => v === 0)) return undefined;
    const M = Buffer.from(C2.map((v, i) => v ^ t[i]));
    const u = sm3(x2, M, y2);
    if (!crypto.timingSafeEqual(u, C3)) {
      M.fill(0);
      return undefined;
    }
    return M;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// SM2DSA with the default distinguishing identifier "1234567812345678" (as AWS KMS and OpenSSL use).

export const SM2_DEFAULT_ID = Buffer.from('1234567812345678');

export function sm2Za(point: Uint8Array, id: Buffer = SM2_DEFAULT_ID): Buffer {
  const entl = Buffer.alloc(2);
  entl.writeUInt16BE(id.length * 8);
  return sm3(entl, id, to32(a), to32(b), to32(Gx), to32(Gy), Buffer.from(point).subarray(1, 33), Buffer.from(point).subarray(33, 65));
}

/** e = SM3(Z_A ‖ M) for a raw message; a DIGEST message is e itself. */
export function sm2Digest(point: Uint8Array, message: Buffer, messageType: string): Buffer {
  return messageType === 'DIGEST' ? message : sm3(sm2Za(point), message);
}

export function sm2Sign(d: Uint8Array, e: Buffer): Buffer {
  const dk = toBig(d);
  const E = toBig(e);
  for (;;) {
    const k = randomScalar();
    const x1 = Point.BASE.multiply(k).toAffine().x;
    const r = mod(E + x1, n);
    if (r === ZERO || r + k === n) continue;
    const s = mod(inv(ONE + dk, n) * (k - r * dk), n);
    if (s === ZERO) continue;
    return asn1.seq(asn1.integer(to32(r)), asn1.integer(to32(s)));
  }
}

export function sm2Verify(point: Uint8Array, e: Buffer, signature: Buffer): boolean {
  try {
    const top = asn1.parse(signature);
    if (top.tag !== asn1.Tag.SEQUENCE) return false;
    const items = asn1.children(top);
    if (items.length !== 2 || !asn1.seq(asn1.integer(asn1.unsignedInt(items[0], 'r')), asn1.integer(asn1.unsignedInt(items[1], 's'))).equals(signature)) return false;
    const r = toBig(asn1.unsignedInt(items[0], 'r'));
    const s = toBig(asn1.unsignedInt(items[1], 's'));
    if (r <= ZERO || r >= n || s <= ZERO || s >= n) return false;
    const t = mod(r + s, n);
    if (t === ZERO) return false;
    const P = Point.fromHex(Buffer.from(point).toString('hex'));
    const x1 = Point.BASE.multiply(s).add(P.multiply(t)).toAffine().x;
    return mod(toBig(e) + x1, n) === r;
  } catch {
    return false;
  }
}
