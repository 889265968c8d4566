// The proof after import: what KMS derives or computes must equal what we compute locally.
import * as crypto from 'node:crypto';
import { fingerprint } from './encoding';
import { invalidInput } from './errors';
import { KEY_SPECS, type KeySpec } from './specs';

export function comparePublicKeys(localSpki: Buffer, kmsSpki: Buffer): { match: boolean; localFingerprint: string; kmsFingerprint: string } {
  return {
    match: localSpki.length === kmsSpki.length && crypto.timingSafeEqual(localSpki, kmsSpki),
    localFingerprint: fingerprint(localSpki),
    kmsFingerprint: fingerprint(kmsSpki),
  };
}

const MAC: Partial<Record<KeySpec, { alg: string; hash: string }>> = {
  HMAC_224: { alg: 'HMAC_SHA_224', hash: 'sha224' },
  HMAC_256: { alg: 'HMAC_SHA_256', hash: 'sha256' },
  HMAC_384: { alg: 'HMAC_SHA_384', hash: 'sha384' },
  HMAC_512: { alg: 'HMAC_SHA_512', hash: 'sha512' },
};

export function macAlgorithmFor(keySpec: KeySpec): string {
  const m = MAC[keySpec];
  if (!m) throw invalidInput('NOT_HMAC', `${keySpec} is not an HMAC key spec.`, 'Use an HMAC_224/256/384/512 key.');
  return m.alg;
}

export function localHmac(keySpec: KeySpec, key: Buffer, message: Buffer): Buffer {
  const m = MAC[keySpec];
  if (!m) throw invalidInput('NOT_HMAC', `${keySpec} is not an HMAC key spec.`, 'Use an HMAC_224/256/384/512 key.');
  return crypto.createHmac(m.hash, key).update(message).digest();
}

export function macsEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** The signing algorithm to use for a signature proof with this key spec. */
export function proofSigningAlgorithm(keySpec: KeySpec): string | undefined {
  const info = KEY_SPECS[keySpec];
  if (info.kind === 'rsa') return 'RSASSA_PKCS1_V1_5_SHA_256';
  if (keySpec === 'SM2') return 'SM2DSA';
  if (info.kind === 'ec') return keySpec === 'ECC_NIST_P384' ? 'ECDSA_SHA_384' : keySpec === 'ECC_NIST_P521' ? 'ECDSA_SHA_512' : 'ECDSA_SHA_256';
  return undefined;
}
