// SM2 for the sandbox. Encryption and decryption (SM2PKE: GetParametersForImport's SM2 wrapping keys,
// Encrypt/Decrypt with SM2 KMS keys) and SM3 are the core's (src/core/sm2.ts, src/core/sm3.ts) — one SM2
// implementation for the tool and the sandbox; the sandbox's decrypt is the core's sm2Decrypt, which
// multiplies by the private key without key-dependent table positions and refuses malformed
// ciphertexts without saying why. This file adds SM2DSA signatures (GB/T 32918.2 / GM/T 0003.2) with
// the default distinguishing identifier, over the same curve (@noble/curves), since BoringSSL (VS Code
// desktop) has no SM2.
import * as asn1 from '../core/asn1';
import { SM2_CURVE, SM2_POINTS, randomScalar, sm2Decrypt, sm2Encrypt, sm2KeyPair, sm2PublicPoint, sm3, to32, toBig } from '../core/sm2';

export { sm2Decrypt, sm2Encrypt, sm2KeyPair, sm2PublicPoint, sm3 };

const { a, b, n, Gx, Gy } = SM2_CURVE;
const Point = SM2_POINTS.ProjectivePoint;
const ZERO = BigInt(0);
const ONE = BigInt(1);
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
