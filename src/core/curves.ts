// EC public-key derivation in pure JS (@noble/curves), so secp256k1 and SM2 work where the runtime's
// crypto (BoringSSL in VS Code desktop) lacks those curves. The curve modules load on first use, so
// commands that never touch an EC key do not pay for them.
import type { EcCurveName } from './specs';

interface PointLike {
  multiply(s: bigint): PointLike;
  toRawBytes(compressed?: boolean): Uint8Array;
}
interface CurveLike {
  n: bigint;
  base: PointLike;
  fromHex(hex: string): PointLike;
}

const cache = new Map<EcCurveName, CurveLike>();

/* eslint-disable @typescript-eslint/no-require-imports */
function curve(name: EcCurveName): CurveLike {
  let c = cache.get(name);
  if (c) return c;
  let P: { BASE: PointLike; fromHex(h: string): PointLike };
  let n: bigint;
  switch (name) {
    case 'P-256': {
      const m = require('@noble/curves/p256') as typeof import('@noble/curves/p256');
      P = m.p256.ProjectivePoint;
      n = m.p256.CURVE.n;
      break;
    }
    case 'P-384': {
      const m = require('@noble/curves/p384') as typeof import('@noble/curves/p384');
      P = m.p384.ProjectivePoint;
      n = m.p384.CURVE.n;
      break;
    }
    case 'P-521': {
      const m = require('@noble/curves/p521') as typeof import('@noble/curves/p521');
      P = m.p521.ProjectivePoint;
      n = m.p521.CURVE.n;
      break;
    }
    case 'secp256k1': {
      const m = require('@noble/curves/secp256k1') as typeof import('@noble/curves/secp256k1');
      P = m.secp256k1.ProjectivePoint;
      n = m.secp256k1.CURVE.n;
      break;
    }
    case 'SM2': {
      const w = require('@noble/curves/abstract/weierstrass') as typeof import('@noble/curves/abstract/weierstrass');
      const { Field } = require('@noble/curves/abstract/modular') as typeof import('@noble/curves/abstract/modular');
      // SM2 recommended curve parameters (GM/T 0003.5-2012).
      const sm2 = w.weierstrassPoints({
        a: BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC'),
        b: BigInt('0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93'),
        Fp: Field(BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF')),
        n: BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123'),
        Gx: BigInt('0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7'),
        Gy: BigInt('0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0'),
        h: BigInt(1),
      });
      P = sm2.ProjectivePoint;
      n = sm2.CURVE.n;
      break;
    }
  }
  c = { n, base: P.BASE, fromHex: (h) => P.fromHex(h) };
  cache.set(name, c);
  return c;
}
/* eslint-enable @typescript-eslint/no-require-imports */

export function curveOrder(name: EcCurveName): bigint {
  return curve(name).n;
}

/** The uncompressed public point (04 ‖ X ‖ Y) for private scalar `d`. Throws if d is out of range. */
export function ecPublicPoint(name: EcCurveName, d: Buffer): Buffer {
  const c = curve(name);
  const scalar = BigInt('0x' + (d.length ? d.toString('hex') : '0'));
  if (scalar <= BigInt(0) || scalar >= c.n) throw new RangeError('private scalar out of range');
  return Buffer.from(c.base.multiply(scalar).toRawBytes(false));
}

/** Normalises a public point given in compressed or uncompressed form to uncompressed. */
export function decodePoint(name: EcCurveName, bytes: Buffer): Buffer {
  return Buffer.from(curve(name).fromHex(bytes.toString('hex')).toRawBytes(false));
}
