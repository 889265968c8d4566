// EC public-key derivation. Curves the runtime knows go through node:crypto's ECDH (native, fast);
// where it lacks them (BoringSSL in VS Code desktop has no secp256k1 or SM2) @noble/curves does it in pure JS.
// The noble modules load on first use (loadCurves), so commands that never touch those curves do not pay for them.
import * as crypto from 'node:crypto';
import type { EcCurveName } from './specs';

/** Group orders (SEC 2, FIPS 186-4, GM/T 0003.5): constants, so range checks load nothing. */
const ORDERS: Record<EcCurveName, bigint> = {
  'P-256': BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551'),
  'P-384': BigInt('0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973'),
  'P-521': BigInt('0x01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409'),
  secp256k1: BigInt('0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141'),
  SM2: BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123'),
};


interface PointLike {
  multiply(s: bigint): PointLike;
  toRawBytes(compressed?: boolean): Uint8Array;
}
interface CurveLike {
  base: PointLike;
  fromHex(hex: string): PointLike;
}

const cache = new Map<EcCurveName, CurveLike>();

type NobleCurve = { ProjectivePoint: { BASE: PointLike; fromHex(h: string): PointLike } };

/** The pure-JS curve module (./lazyCurves), loaded on first use: the extension's lazily loaded chunk dist/curves.js. */
export function loadCurves(): typeof import('./lazyCurves') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./lazyCurves') as typeof import('./lazyCurves');
}

const NOBLE: Record<EcCurveName, () => NobleCurve> = {
  'P-256': () => loadCurves().p256,
  'P-384': () => loadCurves().p384,
  'P-521': () => loadCurves().p521,
  secp256k1: () => loadCurves().secp256k1,
  // The one SM2 curve definition (GM/T 0003.5 recommended parameters): ./sm2.
  SM2: () => loadCurves().sm2.SM2_POINTS,
};

function curve(name: EcCurveName): CurveLike {
  let c = cache.get(name);
  if (!c) {
    const noble = NOBLE[name]();
    const P = noble.ProjectivePoint;
    c = { base: P.BASE, fromHex: (h) => P.fromHex(h) };
    cache.set(name, c);
  }
  return c;
}

export function curveOrder(name: EcCurveName): bigint {
  return ORDERS[name];
}

/** OpenSSL/BoringSSL names for the curves the runtime may know. */
const NATIVE_NAME: Partial<Record<EcCurveName, string>> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1', secp256k1: 'secp256k1' };

/** Runs `native` when the runtime has the curve (fast), else the pure-JS path (BoringSSL has no secp256k1). */
function nativeOr<T>(name: EcCurveName, native: (curveName: string) => T, js: () => T): T {
  const curveName = NATIVE_NAME[name];
  return curveName && runtimeHas(curveName) ? native(curveName) : js();
}

/** Whether the runtime's crypto knows the curve; asked once per curve and process. */
const known = new Map<string, boolean>();
function runtimeHas(curveName: string): boolean {
  let has = known.get(curveName);
  if (has === undefined) {
    try {
      crypto.createECDH(curveName);
      has = true;
    } catch {
      has = false; // the runtime lacks the curve
    }
    known.set(curveName, has);
  }
  return has;
}

/** The uncompressed public point (04 ‖ X ‖ Y) for private scalar `d`. Throws if d is out of range. */
export function ecPublicPoint(name: EcCurveName, d: Buffer): Buffer {
  const scalar = BigInt('0x' + (d.length ? d.toString('hex') : '0'));
  if (scalar <= BigInt(0) || scalar >= ORDERS[name]) throw new RangeError('private scalar out of range');
  return nativeOr(
    name,
    (curveName) => {
      const ecdh = crypto.createECDH(curveName);
      ecdh.setPrivateKey(d);
      return ecdh.getPublicKey();
    },
    () => Buffer.from(curve(name).base.multiply(scalar).toRawBytes(false)),
  );
}

/** Normalises a public point given in compressed or uncompressed form to uncompressed. Throws if it is not on the curve. */
export function decodePoint(name: EcCurveName, bytes: Buffer): Buffer {
  return nativeOr(
    name,
    (curveName) => crypto.ECDH.convertKey(bytes, curveName, undefined, undefined, 'uncompressed') as Buffer,
    () => Buffer.from(curve(name).fromHex(bytes.toString('hex')).toRawBytes(false)),
  );
}
