// The sandbox's cryptography: wrapping-key pool, import tokens, material checks and ids, key generation, MAC
// and symmetric encryption; Sign, Verify and SM2PKE are in signing.ts and re-exported from here. node:crypto for
// what BoringSSL (VS Code desktop) also has; @noble/curves for the rest, so secp256k1 works in-process there too.
import * as crypto from 'node:crypto';
import { p256 } from '@noble/curves/p256';
import { p384 } from '@noble/curves/p384';
import { p521 } from '@noble/curves/p521';
import { secp256k1 } from '@noble/curves/secp256k1';
import * as asn1 from '../core/asn1';
import { ecPublicPoint } from '../core/curves';
import { parseMaterial } from '../core/material';
import { unwrapKeyMaterial } from '../core/wrap';
import type { WrappingAlgorithm } from '../core/specs';
import { KmsError, kmsError } from './errors';
import { HMAC_BYTES, specClass } from './model';
import { ecScalar } from './signing';
import { sm2Decrypt, sm2KeyPair } from './sm2';

// Sign, Verify and SM2PKE live in signing.ts; re-exported so that this stays the sandbox's one crypto module.
export { ecdsaVerify, ecScalar, hashInfo, sign, sm2PkeDecrypt, sm2PkeEncrypt, spkiPoint, verify } from './signing';

// ------------------------------------------------------------------------------------------
// Wrapping keys: a per-process pool of pre-generated RSA key pairs per size, refilled in the background
// (crypto.generateKeyPair runs on libuv's thread pool, off the event loop).

export interface WrappingKeyPair {
  privateDer: Buffer; // PKCS#8
  publicDer: Buffer; // SPKI
}

const pools = new Map<number, WrappingKeyPair[]>();
const filling = new Map<number, number>();
const waiters = new Map<number, Array<(k: WrappingKeyPair) => void>>();

function generateRsa(bits: number): Promise<WrappingKeyPair> {
  return new Promise((resolve, reject) => {
    crypto.generateKeyPair('rsa', { modulusLength: bits, publicExponent: 0x10001, privateKeyEncoding: { type: 'pkcs8', format: 'der' }, publicKeyEncoding: { type: 'spki', format: 'der' } }, (err, publicKey, privateKey) => {
      if (err) reject(err);
      else resolve({ privateDer: privateKey, publicDer: publicKey });
    });
  });
}

const targets = new Map<number, number>();

/** Keeps generating (at most 2 at a time per size) until the pool holds the largest target asked for plus one per waiter. */
function refill(bits: number, target: number): void {
  targets.set(bits, Math.max(targets.get(bits) ?? 0, target));
  const pool = pools.get(bits) ?? [];
  pools.set(bits, pool);
  const want = () => (targets.get(bits) ?? 0) + (waiters.get(bits)?.length ?? 0);
  while (pool.length + (filling.get(bits) ?? 0) < want() && (filling.get(bits) ?? 0) < 2) {
    filling.set(bits, (filling.get(bits) ?? 0) + 1);
    generateRsa(bits).then(
      (k) => {
        filling.set(bits, (filling.get(bits) ?? 1) - 1);
        const w = waiters.get(bits)?.shift();
        if (w) w(k);
        else pool.push(k);
        refill(bits, 0);
      },
      () => {
        filling.set(bits, (filling.get(bits) ?? 1) - 1);
      },
    );
  }
}

/** Starts filling the pool for `bits` up to `target` keys (no-op if already full). */
export function warmWrappingKeys(bits: number, target: number): void {
  if (target > 0) refill(bits, target);
}

export function wrappingPoolSize(bits: number): number {
  return pools.get(bits)?.length ?? 0;
}

/** Takes a fresh wrapping key pair (each is handed out once) and tops the pool up in the background. */
export function takeWrappingKey(bits: number, target: number): Promise<WrappingKeyPair> {
  const pool = pools.get(bits);
  const k = pool?.shift();
  if (k) {
    refill(bits, target);
    return Promise.resolve(k);
  }
  if (target <= 0 && (targets.get(bits) ?? 0) === 0) return generateRsa(bits);
  return new Promise((resolve) => {
    const w = waiters.get(bits) ?? [];
    w.push(resolve);
    waiters.set(bits, w);
    refill(bits, target);
  });
}

/** Waits until the pool for `bits` holds `n` keys (benchmarks and tests use it to warm up). */
export async function waitForPool(bits: number, n: number): Promise<void> {
  warmWrappingKeys(bits, n);
  while (wrappingPoolSize(bits) < n) await new Promise((r) => setTimeout(r, 25));
}

// ------------------------------------------------------------------------------------------
// Import tokens: sealed (AES-256-GCM under a key derived from the state directory's master key), so a
// token is tamper-evident and carries what it binds: key, region, algorithm, wrapping key and expiry.
// The wrapping private key travels sealed inside the token; tokens therefore survive restarts.

export interface TokenContents {
  keyId: string;
  region: string;
  algorithm: WrappingAlgorithm;
  wrappingKeySpec: string;
  issued: number;
  expires: number;
  wrappingPrivateKey: Buffer; // PKCS#8 DER
}

const TOKEN_MAGIC = Buffer.from('SBXT\x01', 'latin1');

export function sealToken(key: Buffer, t: TokenContents): Buffer {
  const header = Buffer.from(JSON.stringify({ k: t.keyId, r: t.region, a: t.algorithm, s: t.wrappingKeySpec, i: t.issued, e: t.expires }));
  const len = Buffer.alloc(2);
  len.writeUInt16BE(header.length);
  const plain = Buffer.concat([len, header, t.wrappingPrivateKey]);
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(TOKEN_MAGIC);
  const ct = Buffer.concat([c.update(plain), c.final()]);
  plain.fill(0);
  return Buffer.concat([TOKEN_MAGIC, iv, c.getAuthTag(), ct]);
}

/** Returns the contents, or undefined if the token is not one of ours or was altered. */
export function openToken(key: Buffer, token: Buffer): TokenContents | undefined {
  if (token.length < TOKEN_MAGIC.length + 28 + 2 || !token.subarray(0, TOKEN_MAGIC.length).equals(TOKEN_MAGIC)) return undefined;
  try {
    const o = TOKEN_MAGIC.length;
    const d = crypto.createDecipheriv('aes-256-gcm', key, token.subarray(o, o + 12));
    d.setAAD(TOKEN_MAGIC);
    d.setAuthTag(token.subarray(o + 12, o + 28));
    const plain = Buffer.concat([d.update(token.subarray(o + 28)), d.final()]);
    const hl = plain.readUInt16BE(0);
    const h = JSON.parse(plain.subarray(2, 2 + hl).toString('utf8')) as { k: string; r: string; a: WrappingAlgorithm; s: string; i: number; e: number };
    return { keyId: h.k, region: h.r, algorithm: h.a, wrappingKeySpec: h.s, issued: h.i, expires: h.e, wrappingPrivateKey: Buffer.from(plain.subarray(2 + hl)) };
  } catch {
    return undefined;
  }
}

/** The sandbox's unwrap: the core's unwrapKeyMaterial; any failure becomes InvalidCiphertextException. */
export function sandboxUnwrap(blob: Buffer, wrappingPrivateKeyDer: Buffer, algorithm: WrappingAlgorithm): Buffer {
  const refuse = () => kmsError('InvalidCiphertextException', `The encrypted key material could not be decrypted with ${algorithm} and the wrapping key of this import token. Wrap the material with the public key and the wrapping algorithm returned by the same GetParametersForImport call.`);
  if (algorithm === 'SM2PKE') {
    let d: Buffer;
    try {
      d = ecScalar(wrappingPrivateKeyDer);
    } catch {
      throw kmsError('KMSInternalException', 'The wrapping key of this import token could not be loaded.');
    }
    const plain = sm2Decrypt(d, blob);
    if (!plain) throw refuse();
    return plain;
  }
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey({ key: wrappingPrivateKeyDer, format: 'der', type: 'pkcs8' });
  } catch {
    throw kmsError('KMSInternalException', 'The wrapping key of this import token could not be loaded.');
  }
  try {
    return unwrapKeyMaterial(blob, key, algorithm);
  } catch {
    throw refuse();
  }
}

/** A fresh SM2 wrapping key pair (cheap: no pool needed). */
export function sm2WrappingKey(): WrappingKeyPair {
  const { d, point } = sm2KeyPair();
  const pair = { privateDer: ecPkcs8('SM2', d), publicDer: ecSpki('SM2', point) };
  d.fill(0);
  return pair;
}

export function ecSpki(keySpec: string, point: Buffer): Buffer {
  return asn1.seq(asn1.seq(asn1.oid(asn1.OID.ecPublicKey), asn1.oid(CURVE_OID[keySpec])), asn1.bitString(point));
}

// ------------------------------------------------------------------------------------------
// Material: does it fit the key spec? Its identity (bytes, or public key for asymmetric keys) and id.

export interface CheckedMaterial {
  /** What "the same material" means: raw bytes, or the SPKI of an asymmetric key. */
  identity: Buffer;
  /** What the key uses: raw bytes or PKCS#8 DER. */
  bytes: Buffer;
  publicKeySpki?: Buffer;
}

const incorrect = (msg: string) => new KmsError('IncorrectKeyMaterialException', msg);

export function checkMaterial(keySpec: string, china: boolean, material: Buffer): CheckedMaterial {
  const cls = specClass(keySpec);
  if (cls === 'symmetric') {
    const want = china ? 16 : 32;
    if (material.length !== want) throw incorrect(`The key material is ${material.length} bytes; a SYMMETRIC_DEFAULT key takes exactly ${want} bytes (${china ? '128-bit SM4 in China Regions' : '256-bit AES'}).`);
    return { identity: material, bytes: material };
  }
  if (cls === 'hmac') {
    const want = HMAC_BYTES[keySpec];
    if (material.length !== want) throw incorrect(`The key material is ${material.length} bytes; an ${keySpec} key takes exactly ${want} bytes.`);
    return { identity: material, bytes: material };
  }
  let m;
  try {
    m = parseMaterial(material);
  } catch (e) {
    throw incorrect(`The key material is not a valid private key for ${keySpec}: ${(e as Error).message} KMS takes a DER-encoded PKCS#8 PrivateKeyInfo.`);
  }
  if (m.format !== 'pkcs8-der') {
    m.dispose();
    throw incorrect(`The key material is ${m.description}; KMS takes the private key as binary DER-encoded PKCS#8 (PrivateKeyInfo).`);
  }
  if (m.keySpec !== keySpec) {
    const what = m.kind === 'rsa' ? `an RSA ${m.modulusBits}-bit key` : m.kind === 'ec' ? `an EC ${m.curve} key` : m.description;
    m.dispose();
    throw incorrect(`The key material is ${what}, which does not match the key spec ${keySpec} of this KMS key.`);
  }
  if (m.kind === 'rsa' && m.primes !== undefined && m.primes !== 2) {
    m.dispose();
    throw incorrect(`The RSA key has ${m.primes} primes; KMS imports two-prime RSA keys only.`);
  }
  return { identity: m.publicKeySpki!, bytes: m.bytes, publicKeySpki: m.publicKeySpki };
}

export function materialId(idKey: Buffer, keyId: string, identity: Buffer): string {
  return crypto.createHmac('sha256', idKey).update(keyId).update(Buffer.from([0])).update(identity).digest('hex');
}

// ------------------------------------------------------------------------------------------
// Key generation for Origin AWS_KMS keys (and seeding).

const CURVE_OID: Record<string, string> = {
  ECC_NIST_P256: asn1.OID.prime256v1,
  ECC_NIST_P384: asn1.OID.secp384r1,
  ECC_NIST_P521: asn1.OID.secp521r1,
  ECC_SECG_P256K1: asn1.OID.secp256k1,
  SM2: asn1.OID.sm2Algorithm,
};
const NOBLE_CURVE = { ECC_NIST_P256: 'P-256', ECC_NIST_P384: 'P-384', ECC_NIST_P521: 'P-521', ECC_SECG_P256K1: 'secp256k1', SM2: 'SM2' } as const;
const SCALAR_BYTES: Record<string, number> = { ECC_NIST_P256: 32, ECC_NIST_P384: 48, ECC_NIST_P521: 66, ECC_SECG_P256K1: 32, SM2: 32 };

export function ecPkcs8(keySpec: string, d: Buffer): Buffer {
  const pub = ecPublicPoint(NOBLE_CURVE[keySpec as keyof typeof NOBLE_CURVE], d);
  const sec1 = asn1.seq(asn1.integer(1), asn1.octets(d), asn1.tlv(0xa1, asn1.bitString(pub)));
  return asn1.seq(asn1.integer(0), asn1.seq(asn1.oid(asn1.OID.ecPublicKey), asn1.oid(CURVE_OID[keySpec])), asn1.octets(sec1));
}

export async function generateMaterial(keySpec: string, china: boolean): Promise<Buffer> {
  const cls = specClass(keySpec);
  if (cls === 'symmetric') return crypto.randomBytes(china ? 16 : 32);
  if (cls === 'hmac') return crypto.randomBytes(HMAC_BYTES[keySpec]);
  if (cls === 'rsa') return (await generateRsa(Number(keySpec.slice(4)))).privateDer;
  if (cls === 'ec' || cls === 'sm2') {
    const n = { ECC_NIST_P256: p256.CURVE.n, ECC_NIST_P384: p384.CURVE.n, ECC_NIST_P521: p521.CURVE.n, ECC_SECG_P256K1: secp256k1.CURVE.n }[keySpec as 'ECC_NIST_P256'];
    const order = n ?? BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123');
    const len = SCALAR_BYTES[keySpec];
    for (;;) {
      const d = crypto.randomBytes(len);
      if (keySpec === 'ECC_NIST_P521') d[0] &= 0x01;
      const v = BigInt('0x' + d.toString('hex'));
      if (v > BigInt(0) && v < order) return ecPkcs8(keySpec, d);
    }
  }
  throw kmsError('UnsupportedOperationException', `The KMS sandbox cannot create ${keySpec} keys.`);
}

// ------------------------------------------------------------------------------------------
// MAC

export function hmac(macAlgorithm: string, key: Buffer, message: Buffer): Buffer {
  const bits = macAlgorithm.slice('HMAC_SHA_'.length);
  return crypto.createHmac(`sha${bits}`, key).update(message).digest();
}

export function macEquals(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

// ------------------------------------------------------------------------------------------
// Symmetric encryption: the sandbox's own ciphertext format.
//   "SBXC" 0x01 | keyIdLen (1) | keyId (ASCII) | materialId (32 bytes) | iv (12) | tag (16) | ciphertext
// AES-GCM (AES-256; AES-128 for 16-byte China keys, standing in for SM4) with AAD = header ‖ canonical
// encryption context. Decrypt finds the key and the material from the header.

const CT_MAGIC = Buffer.from('SBXC\x01', 'latin1');

function contextAad(ctx: Record<string, string> | undefined): Buffer {
  if (!ctx) return Buffer.alloc(0);
  const keys = Object.keys(ctx).sort();
  return Buffer.from(JSON.stringify(keys.map((k) => [k, ctx[k]])));
}

export function symmetricEncrypt(keyId: string, matId: string, key: Buffer, plaintext: Buffer, ctx?: Record<string, string>): Buffer {
  const id = Buffer.from(keyId, 'latin1');
  const header = Buffer.concat([CT_MAGIC, Buffer.from([id.length]), id, Buffer.from(matId, 'hex')]);
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv(key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, iv);
  c.setAAD(Buffer.concat([header, contextAad(ctx)]));
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([header, iv, c.getAuthTag(), ct]);
}

export function parseCiphertext(blob: Buffer): { keyId: string; materialId: string } | undefined {
  if (blob.length < CT_MAGIC.length + 1 + 32 + 28 || !blob.subarray(0, CT_MAGIC.length).equals(CT_MAGIC)) return undefined;
  const n = blob[CT_MAGIC.length];
  const o = CT_MAGIC.length + 1;
  if (blob.length < o + n + 32 + 28) return undefined;
  return { keyId: blob.subarray(o, o + n).toString('latin1'), materialId: blob.subarray(o + n, o + n + 32).toString('hex') };
}

export function symmetricDecrypt(blob: Buffer, key: Buffer, ctx?: Record<string, string>): Buffer | undefined {
  const n = blob[CT_MAGIC.length];
  const hl = CT_MAGIC.length + 1 + n + 32;
  try {
    const d = crypto.createDecipheriv(key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, blob.subarray(hl, hl + 12));
    d.setAAD(Buffer.concat([blob.subarray(0, hl), contextAad(ctx)]));
    d.setAuthTag(blob.subarray(hl + 12, hl + 28));
    return Buffer.concat([d.update(blob.subarray(hl + 28)), d.final()]);
  } catch {
    return undefined;
  }
}
