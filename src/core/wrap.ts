// Wrapping key material for import (and the inverse, used by the sandbox and by tests).
// Only primitives BoringSSL also has: RSA OAEP with SHA-1/SHA-256 (MGF1 = same hash), PKCS#1 v1.5,
// AES-ECB (under our own RFC 5649 key wrap) and randomBytes; SM2PKE (China Regions) is ./sm2 in pure
// TypeScript and writes the GM/T 0009 DER SEQUENCE { C1x, C1y, C3, C2 } that `openssl pkeyutl -encrypt`
// writes (AWS's pages do not spell the format out; see ./sm2). Nothing is written for a refused input.
import * as crypto from 'node:crypto';
import { aesKeyUnwrapPad, aesKeyWrapPad } from './kwp';
import { incompatible, invalidInput } from './errors';
import { SM2PKE_MAX_PAYLOAD, WRAPPING_ALGORITHMS, oaepMaxPayload, pkcs1MaxPayload, type WrappingAlgorithm } from './specs';
import type { WrappingPublicKey } from './publicKey';
import { loadCurves } from './curves';

function rsaEncrypt(key: crypto.KeyObject, scheme: 'oaep' | 'pkcs1', hash: string | undefined, data: Buffer): Buffer {
  if (scheme === 'pkcs1') return crypto.publicEncrypt({ key, padding: crypto.constants.RSA_PKCS1_PADDING }, data);
  return crypto.publicEncrypt({ key, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, data);
}

/**
 * Wraps `material` (raw bytes or PKCS#8 DER) for ImportKeyMaterial.
 * RSA_AES_KEY_WRAP_SHA_*: RSA-OAEP(fresh 32-byte AES key) ‖ KWP(AES key, material); the AES key is zeroed.
 */
export function wrapKeyMaterial(material: Buffer, publicKey: WrappingPublicKey, algorithm: WrappingAlgorithm): Buffer {
  const alg = WRAPPING_ALGORITHMS[algorithm];
  if (alg.scheme === 'sm2pke') {
    if (publicKey.kind !== 'sm2' || !publicKey.point) {
      throw incompatible('WRAPPING_KEY_NOT_SM2', `SM2PKE needs an SM2 wrapping public key; this one is ${publicKey.wrappingKeySpec ?? publicKey.kind.toUpperCase()}.`, 'Download parameters with the SM2 wrapping key spec (China Regions), or choose an RSA wrapping algorithm.');
    }
    if (material.length === 0) throw invalidInput('EMPTY_MATERIAL', 'The key material is empty.', 'Choose the file that holds the key material.');
    const max = SM2PKE_MAX_PAYLOAD;
    if (material.length > max) {
      throw incompatible('CIPHERTEXT_TOO_LARGE', `The key material is ${material.length} bytes; wrapped with SM2PKE it would exceed the 6144 bytes ImportKeyMaterial takes (at most ${max} bytes of material).`, 'Check that the file holds one private key only.');
    }
    const { sm2Encrypt } = loadCurves().sm2; // loaded on first use
    return sm2Encrypt(publicKey.point, material);
  }
  if (publicKey.kind !== 'rsa') {
    throw incompatible('WRAPPING_KEY_NOT_RSA', `${algorithm} needs an RSA wrapping public key; this one is ${publicKey.kind.toUpperCase()}.`, 'Download parameters with an RSA wrapping key spec.');
  }
  if (material.length === 0) throw invalidInput('EMPTY_MATERIAL', 'The key material is empty.', 'Choose the file that holds the key material.');
  const bits = publicKey.bits;
  if (alg.scheme === 'oaep') {
    const max = oaepMaxPayload(bits, alg.hashBytes!);
    if (material.length > max) {
      throw incompatible('OAEP_PAYLOAD_TOO_LARGE', `The key material is ${material.length} bytes; ${algorithm} with an RSA-${bits} key carries at most ${max}.`, 'Use RSA_AES_KEY_WRAP_SHA_256, or a larger wrapping key.');
    }
    return rsaEncrypt(publicKey.keyObject, 'oaep', alg.hash, material);
  }
  if (alg.scheme === 'pkcs1') {
    const max = pkcs1MaxPayload(bits);
    if (material.length > max) throw incompatible('PKCS1_PAYLOAD_TOO_LARGE', `The key material is ${material.length} bytes; RSAES_PKCS1_V1_5 with an RSA-${bits} key carries at most ${max}.`, 'Use a larger wrapping key.');
    return rsaEncrypt(publicKey.keyObject, 'pkcs1', undefined, material);
  }
  const aesKey = crypto.randomBytes(32);
  try {
    const wrappedKey = rsaEncrypt(publicKey.keyObject, 'oaep', alg.hash, aesKey);
    const wrappedMaterial = aesKeyWrapPad(aesKey, material);
    return Buffer.concat([wrappedKey, wrappedMaterial]);
  } finally {
    aesKey.fill(0);
  }
}

/**
 * The inverse of wrapKeyMaterial with the wrapping private key (for SM2PKE: the 32-byte private scalar,
 * since BoringSSL cannot load SM2 keys). Throws `UNWRAP_FAILED` for anything that does not decrypt
 * (the sandbox maps it to InvalidCiphertextException).
 */
export function unwrapKeyMaterial(blob: Buffer, privateKey: crypto.KeyObject | Uint8Array, algorithm: WrappingAlgorithm): Buffer {
  const alg = WRAPPING_ALGORITHMS[algorithm];
  const fail = (why: string) => invalidInput('UNWRAP_FAILED', `The encrypted key material could not be decrypted with ${algorithm}: ${why}.`, 'Wrap the material with the wrapping public key and algorithm of the same parameter set.');
  if (alg.scheme === 'sm2pke') {
    if (!(privateKey instanceof Uint8Array) || privateKey.length !== 32) throw fail('SM2PKE needs the 32-byte SM2 private scalar');
    const { sm2Decrypt } = loadCurves().sm2;
    const plain = sm2Decrypt(privateKey, blob);
    if (!plain) throw fail('decryption error');
    return plain;
  }
  if (privateKey instanceof Uint8Array) throw fail('an RSA wrapping algorithm needs the RSA private key');
  const details = privateKey.asymmetricKeyDetails;
  const k = Math.ceil((details?.modulusLength ?? 0) / 8);
  try {
    if (alg.scheme === 'pkcs1') {
      if (blob.length !== k) throw fail(`expected ${k} bytes, got ${blob.length}`);
      return pkcs1Decrypt(privateKey, blob, fail);
    }
    if (alg.scheme === 'oaep') {
      if (blob.length !== k) throw fail(`expected ${k} bytes, got ${blob.length}`);
      return crypto.privateDecrypt({ key: privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg.hash }, blob);
    }
    if (blob.length < k + 16) throw fail(`expected at least ${k + 16} bytes, got ${blob.length}`);
    const aesKey = crypto.privateDecrypt({ key: privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg.hash }, blob.subarray(0, k));
    try {
      if (aesKey.length !== 32 && aesKey.length !== 24 && aesKey.length !== 16) throw fail('the RSA-wrapped AES key has the wrong length');
      return aesKeyUnwrapPad(aesKey, blob.subarray(k));
    } finally {
      aesKey.fill(0);
    }
  } catch (e) {
    if (e instanceof Error && 'code' in e && (e as { code: string }).code === 'UNWRAP_FAILED') throw e;
    throw fail('decryption error');
  }
}

/**
 * PKCS#1 v1.5 decryption done by hand on the raw RSA result: OpenSSL 3 refuses (or implicitly rejects)
 * RSA_PKCS1_PADDING for privateDecrypt since the Marvin fixes, so we take the raw block and check the padding.
 */
function pkcs1Decrypt(privateKey: crypto.KeyObject, blob: Buffer, fail: (why: string) => Error): Buffer {
  const em = crypto.privateDecrypt({ key: privateKey, padding: crypto.constants.RSA_NO_PADDING }, blob);
  try {
    // EM = 0x00 || 0x02 || PS (≥ 8 non-zero) || 0x00 || M
    if (em[0] !== 0 || em[1] !== 2) throw fail('bad padding');
    let sep = -1;
    for (let i = 2; i < em.length; i++) {
      if (em[i] === 0) {
        sep = i;
        break;
      }
    }
    if (sep < 10) throw fail('bad padding');
    return Buffer.from(em.subarray(sep + 1));
  } finally {
    em.fill(0);
  }
}
