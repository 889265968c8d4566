// The sandbox's asymmetric operations: Sign and Verify (RSASSA-PKCS1-v1_5 and PSS over node:crypto, raw and
// pre-hashed messages; ECDSA on every curve through @noble/curves, so secp256k1 works under BoringSSL too;
// SM2DSA) and SM2PKE. A malformed signature verifies as false, never as an exception; a digest of the wrong
// length or an algorithm the key spec does not have is refused with the KMS error AWS KMS returns.
import * as crypto from 'node:crypto';
import { p256 } from '@noble/curves/p256';
import { p384 } from '@noble/curves/p384';
import { p521 } from '@noble/curves/p521';
import { secp256k1 } from '@noble/curves/secp256k1';
import * as asn1 from '../core/asn1';
import { kmsError } from './errors';
import { specClass } from './model';
import { sm2Decrypt, sm2Digest, sm2Encrypt, sm2PublicPoint, sm2Sign, sm2Verify } from './sm2';

const HASH: Record<string, { name: string; len: number }> = {
  SHA_256: { name: 'sha256', len: 32 },
  SHA_384: { name: 'sha384', len: 48 },
  SHA_512: { name: 'sha512', len: 64 },
};
const DIGEST_INFO: Record<string, string> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

function hashOf(alg: string) {
  const h = HASH[alg.slice(-7)];
  if (!h) throw kmsError('InvalidKeyUsageException', `Unsupported signing algorithm ${alg}.`);
  return h;
}

/** The private scalar of an EC PKCS#8 key. */
export function ecScalar(pkcs8: Buffer): Buffer {
  const items = asn1.children(asn1.parse(pkcs8));
  const sec1 = asn1.children(asn1.parse(asn1.expect(items[2], asn1.Tag.OCTET_STRING, 'privateKey').value));
  return asn1.expect(sec1[1], asn1.Tag.OCTET_STRING, 'privateKey').value;
}

/** The public point (uncompressed) of an EC SPKI. */
export function spkiPoint(spki: Buffer): Buffer {
  const items = asn1.children(asn1.parse(spki));
  return asn1.expect(items[1], asn1.Tag.BIT_STRING, 'subjectPublicKey').value.subarray(1);
}

function nobleFor(keySpec: string) {
  switch (keySpec) {
    case 'ECC_NIST_P256':
      return p256;
    case 'ECC_NIST_P384':
      return p384;
    case 'ECC_NIST_P521':
      return p521;
    case 'ECC_SECG_P256K1':
      return secp256k1;
    default:
      return undefined;
  }
}

function messageDigest(message: Buffer, messageType: string, h: { name: string; len: number }): Buffer {
  if (messageType === 'DIGEST') {
    if (message.length !== h.len) throw kmsError('ValidationException', `Digest is invalid length for algorithm ${h.name.toUpperCase().replace('SHA', 'SHA-')}: with MessageType DIGEST the message must be the ${h.len}-byte hash.`);
    return message;
  }
  return crypto.createHash(h.name).update(message).digest();
}

function mgf1(seed: Buffer, len: number, hash: string): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; Buffer.concat(out).length < len; i++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(i);
    out.push(crypto.createHash(hash).update(seed).update(c).digest());
  }
  return Buffer.concat(out).subarray(0, len);
}

function pssEncode(mHash: Buffer, emBits: number, h: { name: string; len: number }): Buffer {
  const emLen = Math.ceil(emBits / 8);
  const salt = crypto.randomBytes(h.len);
  const H = crypto.createHash(h.name).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  const db = Buffer.concat([Buffer.alloc(emLen - 2 * h.len - 2), Buffer.from([1]), salt]);
  const mask = mgf1(H, db.length, h.name);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  return Buffer.concat([db, H, Buffer.from([0xbc])]);
}

function pssVerify(mHash: Buffer, em: Buffer, emBits: number, h: { name: string; len: number }): boolean {
  const emLen = Math.ceil(emBits / 8);
  if (em.length > emLen) {
    if (em[0] !== 0) return false;
    em = em.subarray(em.length - emLen);
  }
  if (emLen < 2 * h.len + 2 || em[emLen - 1] !== 0xbc) return false;
  const db = Buffer.from(em.subarray(0, emLen - h.len - 1));
  const H = em.subarray(emLen - h.len - 1, emLen - 1);
  if (db[0] & ~(0xff >> (8 * emLen - emBits)) & 0xff) return false;
  const mask = mgf1(H, db.length, h.name);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  const psLen = emLen - 2 * h.len - 2;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 1) return false;
  const salt = db.subarray(db.length - h.len);
  const H2 = crypto.createHash(h.name).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  return crypto.timingSafeEqual(H, H2);
}

export function sign(keySpec: string, pkcs8: Buffer, algorithm: string, message: Buffer, messageType: string): Buffer {
  const cls = specClass(keySpec);
  if (cls === 'rsa') {
    const h = hashOf(algorithm);
    const key = crypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    const pss = algorithm.startsWith('RSASSA_PSS');
    if (messageType === 'RAW') {
      return crypto.sign(h.name, message, { key, padding: pss ? crypto.constants.RSA_PKCS1_PSS_PADDING : crypto.constants.RSA_PKCS1_PADDING, saltLength: h.len });
    }
    const digest = messageDigest(message, messageType, h);
    if (!pss) return crypto.privateEncrypt({ key, padding: crypto.constants.RSA_PKCS1_PADDING }, Buffer.concat([Buffer.from(DIGEST_INFO[h.name], 'hex'), digest]));
    const bits = key.asymmetricKeyDetails!.modulusLength!;
    return crypto.privateEncrypt({ key, padding: crypto.constants.RSA_NO_PADDING }, padTo(pssEncode(digest, bits - 1, h), Math.ceil(bits / 8)));
  }
  if (cls === 'sm2' && algorithm === 'SM2DSA') {
    const d = ecScalar(pkcs8);
    if (messageType === 'DIGEST' && message.length !== 32) throw kmsError('ValidationException', 'Digest is invalid length for algorithm SM2DSA: with MessageType DIGEST the message must be the 32-byte SM3 hash of Z_A ‖ M.');
    return sm2Sign(d, sm2Digest(sm2PublicPoint(d), message, messageType));
  }
  const curve = nobleFor(keySpec);
  if (curve) {
    const h = hashOf(algorithm);
    const digest = messageDigest(message, messageType, h);
    const d = ecScalar(pkcs8);
    return Buffer.from(curve.sign(digest, d, { lowS: false }).toDERRawBytes());
  }
  throw kmsError('UnsupportedOperationException', `The KMS sandbox does not implement ${algorithm} signing for ${keySpec} keys.`);
}

function padTo(b: Buffer, len: number): Buffer {
  return b.length >= len ? b : Buffer.concat([Buffer.alloc(len - b.length), b]);
}

export function verify(keySpec: string, spki: Buffer, algorithm: string, message: Buffer, messageType: string, signature: Buffer): boolean {
  const cls = specClass(keySpec);
  if (cls === 'rsa') {
    const h = hashOf(algorithm);
    const key = crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const pss = algorithm.startsWith('RSASSA_PSS');
    if (messageType === 'RAW') {
      try {
        return crypto.verify(h.name, message, { key, padding: pss ? crypto.constants.RSA_PKCS1_PSS_PADDING : crypto.constants.RSA_PKCS1_PADDING, saltLength: h.len }, signature);
      } catch {
        return false;
      }
    }
    const digest = messageDigest(message, messageType, h);
    const bits = key.asymmetricKeyDetails!.modulusLength!;
    if (signature.length !== Math.ceil(bits / 8)) return false;
    try {
      if (!pss) {
        const em = crypto.publicDecrypt({ key, padding: crypto.constants.RSA_PKCS1_PADDING }, signature);
        const want = Buffer.concat([Buffer.from(DIGEST_INFO[h.name], 'hex'), digest]);
        return em.length === want.length && crypto.timingSafeEqual(em, want);
      }
      const em = crypto.publicDecrypt({ key, padding: crypto.constants.RSA_NO_PADDING }, signature);
      return pssVerify(digest, em, bits - 1, h);
    } catch {
      return false;
    }
  }
  if (cls === 'sm2' && algorithm === 'SM2DSA') {
    if (messageType === 'DIGEST' && message.length !== 32) throw kmsError('ValidationException', 'Digest is invalid length for algorithm SM2DSA: with MessageType DIGEST the message must be the 32-byte SM3 hash of Z_A ‖ M.');
    const point = spkiPoint(spki);
    return sm2Verify(point, sm2Digest(point, message, messageType), signature);
  }
  const curve = nobleFor(keySpec);
  if (curve) {
    return ecdsaVerify(keySpec, spkiPoint(spki), hashOf(algorithm), message, messageType, signature);
  }
  throw kmsError('UnsupportedOperationException', `The KMS sandbox does not implement ${algorithm} verification for ${keySpec} keys.`);
}

/** ECDSA verification of a DER signature against an uncompressed public point (used by Verify and the Wycheproof tests). */
export function ecdsaVerify(keySpec: string, point: Buffer, h: { name: string; len: number }, message: Buffer, messageType: string, signature: Buffer): boolean {
  const curve = nobleFor(keySpec)!;
  const digest = messageDigest(message, messageType, h);
  try {
    return curve.verify(signature, digest, point, { lowS: false, format: 'der' });
  } catch {
    return false;
  }
}

export function sm2PkeEncrypt(spki: Buffer, plaintext: Buffer): Buffer {
  return sm2Encrypt(spkiPoint(spki), plaintext);
}

export function sm2PkeDecrypt(pkcs8: Buffer, ciphertext: Buffer): Buffer | undefined {
  return sm2Decrypt(ecScalar(pkcs8), ciphertext);
}

export function hashInfo(algorithm: string): { name: string; len: number } {
  return hashOf(algorithm);
}
