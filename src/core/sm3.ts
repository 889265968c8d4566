// SM3 (GB/T 32905-2016, GM/T 0004-2012), the hash of SM2PKE's KDF and C3 and of SM2DSA's Z_A, in pure
// TypeScript: BoringSSL (VS Code desktop) has no SM3, and node:crypto's is never used. Guarantees: the
// digest of the standard's examples ("abc" and "abcd"×16, test/core/sm3.test.ts) and `openssl dgst
// -sm3` for every length; incremental hashing whose state can be copied (the KDF hashes one shared
// 64-byte prefix once). It hashes whatever it is given and keeps no copy after digest().

const IV = new Uint32Array([0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e]);
/** T_j <<< j, precomputed (the standard's round constants rotated by the round number). */
const TJ = new Int32Array(64);
for (let j = 0; j < 64; j++) {
  const t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
  const n = j % 32;
  TJ[j] = n === 0 ? t : (t << n) | (t >>> (32 - n));
}

const W = new Int32Array(68);

/** One compression of the 64-byte block at `off` into `V` (eight 32-bit words). */
function compress(V: Int32Array, block: Uint8Array, off: number): void {
  for (let j = 0; j < 16; j++, off += 4) W[j] = (block[off] << 24) | (block[off + 1] << 16) | (block[off + 2] << 8) | block[off + 3];
  for (let j = 16; j < 68; j++) {
    const x = W[j - 16] ^ W[j - 9] ^ ((W[j - 3] << 15) | (W[j - 3] >>> 17));
    W[j] = x ^ ((x << 15) | (x >>> 17)) ^ ((x << 23) | (x >>> 9)) ^ ((W[j - 13] << 7) | (W[j - 13] >>> 25)) ^ W[j - 6];
  }
  let A = V[0], B = V[1], C = V[2], D = V[3], E = V[4], F = V[5], G = V[6], H = V[7];
  for (let j = 0; j < 64; j++) {
    const a12 = (A << 12) | (A >>> 20);
    const s = (a12 + E + TJ[j]) | 0;
    const SS1 = (s << 7) | (s >>> 25);
    const SS2 = SS1 ^ a12;
    const FF = j < 16 ? A ^ B ^ C : (A & B) | (A & C) | (B & C);
    const GG = j < 16 ? E ^ F ^ G : (E & F) | (~E & G);
    const TT1 = (FF + D + SS2 + (W[j] ^ W[j + 4])) | 0;
    const TT2 = (GG + H + SS1 + W[j]) | 0;
    D = C;
    C = (B << 9) | (B >>> 23);
    B = A;
    A = TT1;
    H = G;
    G = (F << 19) | (F >>> 13);
    F = E;
    E = TT2 ^ ((TT2 << 9) | (TT2 >>> 23)) ^ ((TT2 << 17) | (TT2 >>> 15));
  }
  V[0] ^= A; V[1] ^= B; V[2] ^= C; V[3] ^= D; V[4] ^= E; V[5] ^= F; V[6] ^= G; V[7] ^= H;
}

/** Incremental SM3. */
export class Sm3 {
  private readonly v = new Int32Array(IV);
  private readonly buf = new Uint8Array(64);
  private used = 0;
  private total = 0;

  update(data: Uint8Array): this {
    let i = 0;
    const len = data.length;
    this.total += len;
    if (this.used > 0) {
      const take = Math.min(64 - this.used, len);
      this.buf.set(data.subarray(0, take), this.used);
      this.used += take;
      i = take;
      if (this.used < 64) return this;
      compress(this.v, this.buf, 0);
      this.used = 0;
    }
    for (; i + 64 <= len; i += 64) compress(this.v, data, i);
    if (i < len) {
      this.buf.set(data.subarray(i), 0);
      this.used = len - i;
    }
    return this;
  }

  /** A copy of this state, so that a common prefix is hashed once. */
  clone(): Sm3 {
    const c = new Sm3();
    c.v.set(this.v);
    c.buf.set(this.buf);
    c.used = this.used;
    c.total = this.total;
    return c;
  }

  /** The 32-byte digest; the state is wiped afterwards (call clone() first to go on). */
  digest(out: Uint8Array = Buffer.alloc(32), outOff = 0): Uint8Array {
    const bits = this.total * 8;
    const b = this.buf;
    b[this.used++] = 0x80;
    if (this.used > 56) {
      b.fill(0, this.used);
      compress(this.v, b, 0);
      this.used = 0;
    }
    b.fill(0, this.used, 56);
    const hi = Math.floor(bits / 0x100000000);
    b[56] = hi >>> 24; b[57] = hi >>> 16; b[58] = hi >>> 8; b[59] = hi;
    b[60] = bits >>> 24; b[61] = bits >>> 16; b[62] = bits >>> 8; b[63] = bits;
    compress(this.v, b, 0);
    for (let i = 0; i < 8; i++) {
      const x = this.v[i];
      out[outOff + 4 * i] = x >>> 24;
      out[outOff + 4 * i + 1] = x >>> 16;
      out[outOff + 4 * i + 2] = x >>> 8;
      out[outOff + 4 * i + 3] = x;
    }
    this.v.fill(0);
    b.fill(0);
    W.fill(0);
    this.used = 0;
    this.total = 0;
    return out;
  }
}

/** SM3 of the concatenation of `parts`. */
export function sm3(...parts: Uint8Array[]): Buffer {
  const h = new Sm3();
  for (const p of parts) h.update(p);
  return h.digest() as Buffer;
}
