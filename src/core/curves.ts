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
type NobleCurve = { ProjectivePoint: { BASE: PointLike; fromHex(h: string): PointLike }; CURVE: { n: bigint } };
const NOBLE: Record<Exclude<EcCurveName, 'SM2'>, () => NobleCurve> = {
  'P-256': () => require('@noble/curves/p256').p256,
  'P-384': () => require('@noble/curves/p384').p384,
  'P-521': () => require('@noble/curves/p521').p521,
  secp256k1: () => require('@noble/curves/secp256k1').secp256k1,
};

function sm2(): NobleCurve {
  const w = require('@noble/curves/abstract/weierstrass') as typeof import('@noble/curves/abstract/weierstrass');
  const { Field } = require('@noble/curves/abstract/modular') as typeof import('@noble/curves/abstract/modular');
  // SM2 recommended curve parameters (GM/T 0003.5-2012).
  return w.weierstrassPoints({
    a: BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC'),
    b: BigInt('0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93'),
    Fp: Field(BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF')),
    n: BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123'),
    Gx: BigInt('0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7'),
    Gy: BigInt('0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0'),
    h: BigInt(1),
  });
}

function curve(name: EcCurveName): CurveLike {
  let c = cache.get(name);
  if (!c) {
    const noble = name === 'SM2' ? sm2() : NOBLE[name]();
    const P = noble.ProjectivePoint;
    c = { n: noble.CURVE.n, base: P.BASE, fromHex: (h) => P.fromHex(h) };
    cache.set(name, c);
  }
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
