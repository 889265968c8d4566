// The proof after an import into Huawei KMS (whose provider has no GenerateMac) — the prove step's choice for
// provider id 'huawei' (steps/prove.ts, through proveOnHuawei): the flow's proof (symmetric: encrypt-data/decrypt-data round trip;
// asymmetric: get-publickey equals the public key derived locally, byte for byte) and, for signing keys,
// a signature made by Huawei KMS over a random message and verified here with the local public key
// (RSASSA-PKCS1-v1_5 SHA-256 or ECDSA SHA-256). SM2 signatures are not verified locally (no SM2 in the
// runtime by rule): that part reports not-run. Nothing secret is returned.
import * as crypto from 'node:crypto';
import { KEY_SPECS, type KeySpec } from '../core/specs';
import { proveImport } from './proof';
import type { ProofOutcome, SignatureCheck } from './types';
import type { CallOptions, KmsProvider } from '../providers/types';

/** How the signature part of a proof reads (the Import Summary finds it by SIGNATURE_VERIFIES / SIGNATURE_DOES_NOT_VERIFY). */
export function signatureDetail(algorithm: string, holds: boolean): string {
  return `Huawei KMS's ${algorithm} signature of a random message ${holds ? 'verifies' : 'does not verify'} with the local public key`;
}
export const SIGNATURE_VERIFIES = /signature of a random message verifies with the local public key/;
export const SIGNATURE_DOES_NOT_VERIFY = /signature of a random message does not verify with the local public key/;

export interface HuaweiProof {
  proof: ProofOutcome;
  signature?: SignatureCheck;
  holds: boolean;
}

export async function proveHuaweiImport(provider: KmsProvider, keyId: string, keySpec: KeySpec, keyUsage: string, material: { bytes: Buffer; publicKeySpki?: Buffer }, opts?: CallOptions): Promise<HuaweiProof> {
  const proof = await proveImport(provider, keyId, keySpec, material, opts);
  const kind = KEY_SPECS[keySpec].kind;
  if ((kind !== 'rsa' && kind !== 'ec') || keyUsage !== 'SIGN_VERIFY' || !material.publicKeySpki) return { proof, holds: proof.holds };
  if (keySpec === 'SM2') return { proof, holds: proof.holds, signature: { algorithm: 'SM2DSA_SM3', holds: false, detail: 'SM2 signatures are not verified locally.' } };
  const algorithm = kind === 'rsa' ? 'RSASSA_PKCS1_V1_5_SHA_256' : 'ECDSA_SHA_256';
  const message = crypto.randomBytes(32);
  const sig = await provider.sign(keyId, message, algorithm, opts);
  const pub = crypto.createPublicKey({ key: material.publicKeySpki, format: 'der', type: 'spki' });
  const holds = crypto.verify('sha256', message, kind === 'rsa' ? { key: pub, padding: crypto.constants.RSA_PKCS1_PADDING } : { key: pub, dsaEncoding: 'der' }, sig);
  return {
    proof,
    holds: proof.holds && holds,
    signature: { algorithm, holds, detail: signatureDetail(algorithm, holds) },
  };
}

/**
 * proveHuaweiImport as one ProofOutcome: the public-key comparison carries the signature check, and holds only
 * when both do (an SM2 signature, not verifiable here, is reported without deciding the outcome).
 */
export async function proveOnHuawei(provider: KmsProvider, key: { keyId: string; keySpec: KeySpec; keyUsage?: string }, material: { bytes: Buffer; publicKeySpki?: Buffer }, opts?: CallOptions): Promise<ProofOutcome> {
  const r = await proveHuaweiImport(provider, key.keyId, key.keySpec, key.keyUsage ?? 'ENCRYPT_DECRYPT', material, opts);
  if (r.proof.method !== 'public-key' || !r.signature) return r.proof;
  return { ...r.proof, holds: r.holds, kmsSignature: r.signature, detail: `${r.proof.detail}; ${r.signature.detail}` };
}
