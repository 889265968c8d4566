// EC public-key derivation in pure JS (@noble/curves), so secp256k1 and SM2 work where the runtime's
// crypto (BoringSSL in VS Code desktop) lacks those curves.
import { p256 } from '@noble/curves/p256';
import { p384 } from '@noble/curves/p384';
import { p521 } from '@noble/curves/p521';
import { secp256k1 } from '@noble/curves/secp256k1';
import { weierstrassPoints } from '@noble/curves/abstract/weierstrass';
import { Field } from '@noble/curves/abstract/modular';
import type { EcCurveName } from './specs';

// SM2 recommended curve parameters (GM/T 0003.5-2012).
const sm2Points = weierstrassPoints({
  a: BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC'),
  b: BigInt('0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93'),
  Fp: Field(BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF')),
  n: BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123'),
  Gx: BigInt('0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7'),
  Gy: BigInt('0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0'),
  h: BigInt(1),
});

const ORDERS: Record<EcCurveName, bigint> = {
  'P-256': p256.CURVE.n,
  'P-384': p384.CURVE.n,
  'P-521': p521.CURVE.n,
  secp256k1: secp256k1.CURVE.n,
  SM2: sm2Points.CURVE.n,
};

export function curveOrder(curve: EcCurveName): bigint {
  return ORDERS[curve];
}

/** The uncompressed public point (04 ‖ X ‖ Y) for private scalar `d`. Throws if d is out of range. */
export function ecPublicPoint(curve: EcCurveName, d: Buffer): Buffer {
  const scalar = BigInt('0x' + (d.length ? d.toString('hex') : '0'));
  const n = ORDERS[curve];
  if (scalar <= BigInt(0) || scalar >= n) throw new RangeError('private scalar out of range');
  let point: { toRawBytes(compressed?: boolean): Uint8Array };
  switch (curve) {
    case 'P-256':
      point = p256.ProjectivePoint.BASE.multiply(scalar);
      break;
    case 'P-384':
      point = p384.ProjectivePoint.BASE.multiply(scalar);
      break;
    case 'P-521':
      point = p521.ProjectivePoint.BASE.multiply(scalar);
      break;
    case 'secp256k1':
      point = secp256k1.ProjectivePoint.BASE.multiply(scalar);
      break;
    case 'SM2':
      point = sm2Points.ProjectivePoint.BASE.multiply(scalar);
      break;
  }
  return Buffer.from(point.toRawBytes(false));
}

/** Normalises a public point given in compressed or uncompressed form to uncompressed. */
export function decodePoint(curve: EcCurveName, bytes: Buffer): Buffer {
  const P =
    curve === 'P-256' ? p256.ProjectivePoint : curve === 'P-384' ? p384.ProjectivePoint : curve === 'P-521' ? p521.ProjectivePoint : curve === 'secp256k1' ? secp256k1.ProjectivePoint : sm2Points.ProjectivePoint;
  return Buffer.from(P.fromHex(bytes.toString('hex')).toRawBytes(false));
}
