// Helpers for sandbox tests: test material per key spec (generated once per process) and a one-call
// import through the real SDK (GetParametersForImport → core wrap → ImportKeyMaterial).
import * as crypto from 'node:crypto';
import { CreateKeyCommand, GetParametersForImportCommand, ImportKeyMaterialCommand, type KMSClient, type KeySpec, type KeyUsageType, type AlgorithmSpec, type WrappingKeySpec, type ImportKeyMaterialCommandInput } from '@aws-sdk/client-kms';
import { wrapKeyMaterial } from '../../src/core/wrap';
import { parseWrappingPublicKey } from '../../src/core/publicKey';
import { ecPkcs8 } from '../../src/sandbox/keycrypto';

const cache = new Map<string, Buffer>();

/** Test material (raw bytes or PKCS#8 DER) for a key spec; the same bytes for the whole process unless `fresh`. */
export function materialFor(spec: string, fresh = false): Buffer {
  if (!fresh && cache.has(spec)) return cache.get(spec)!;
  let m: Buffer;
  if (spec === 'SYMMETRIC_DEFAULT') m = crypto.randomBytes(32);
  else if (spec === 'SYMMETRIC_CN') m = crypto.randomBytes(16);
  else if (spec.startsWith('HMAC_')) m = crypto.randomBytes({ HMAC_224: 28, HMAC_256: 32, HMAC_384: 48, HMAC_512: 64 }[spec]!);
  else if (spec.startsWith('RSA_')) m = crypto.generateKeyPairSync('rsa', { modulusLength: Number(spec.slice(4)) }).privateKey.export({ format: 'der', type: 'pkcs8' });
  else if (spec === 'ECC_SECG_P256K1' || spec === 'SM2') m = ecPkcs8(spec, crypto.randomBytes(32));
  else m = crypto.generateKeyPairSync('ec', { namedCurve: { ECC_NIST_P256: 'P-256', ECC_NIST_P384: 'P-384', ECC_NIST_P521: 'P-521' }[spec]! }).privateKey.export({ format: 'der', type: 'pkcs8' });
  if (!fresh) cache.set(spec, m);
  return m;
}

export const USAGE_FOR: Record<string, KeyUsageType> = {
  SYMMETRIC_DEFAULT: 'ENCRYPT_DECRYPT',
  HMAC_224: 'GENERATE_VERIFY_MAC',
  HMAC_256: 'GENERATE_VERIFY_MAC',
  HMAC_384: 'GENERATE_VERIFY_MAC',
  HMAC_512: 'GENERATE_VERIFY_MAC',
  RSA_2048: 'SIGN_VERIFY',
  RSA_3072: 'SIGN_VERIFY',
  RSA_4096: 'SIGN_VERIFY',
  ECC_NIST_P256: 'SIGN_VERIFY',
  ECC_NIST_P384: 'SIGN_VERIFY',
  ECC_NIST_P521: 'SIGN_VERIFY',
  ECC_SECG_P256K1: 'SIGN_VERIFY',
  SM2: 'SIGN_VERIFY',
};

export async function createExternalKey(kms: KMSClient, spec: string, extra: { multiRegion?: boolean; usage?: KeyUsageType } = {}): Promise<string> {
  const r = await kms.send(new CreateKeyCommand({ KeySpec: spec as KeySpec, KeyUsage: extra.usage ?? USAGE_FOR[spec], Origin: 'EXTERNAL', MultiRegion: extra.multiRegion }));
  return r.KeyMetadata!.KeyId!;
}

export interface ImportOptions {
  algorithm?: AlgorithmSpec;
  wrappingKeySpec?: WrappingKeySpec;
  input?: Partial<ImportKeyMaterialCommandInput>;
}

export async function getParams(kms: KMSClient, keyId: string, algorithm: AlgorithmSpec = 'RSAES_OAEP_SHA_256', wrappingKeySpec: WrappingKeySpec = 'RSA_2048') {
  const p = await kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: algorithm, WrappingKeySpec: wrappingKeySpec }));
  return { token: Buffer.from(p.ImportToken!), publicKey: Buffer.from(p.PublicKey!), validTo: p.ParametersValidTo!, keyId: p.KeyId! };
}

export function wrap(material: Buffer, publicKey: Buffer, algorithm: AlgorithmSpec): Buffer {
  return wrapKeyMaterial(material, parseWrappingPublicKey(publicKey), algorithm as never);
}

/** Downloads parameters, wraps `material` and imports it (ExpirationModel DOES_NOT_EXPIRE unless overridden). */
export async function importInto(kms: KMSClient, keyId: string, material: Buffer, o: ImportOptions = {}) {
  const algorithm = o.algorithm ?? (material.length > 200 ? 'RSA_AES_KEY_WRAP_SHA_256' : 'RSAES_OAEP_SHA_256');
  const p = await getParams(kms, keyId, algorithm, o.wrappingKeySpec ?? 'RSA_2048');
  return kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.token, EncryptedKeyMaterial: wrap(material, p.publicKey, algorithm), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', ...o.input }));
}

/** Awaits `p` and returns the error it rejects with (fails if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number; attempts?: number }; $fault?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
