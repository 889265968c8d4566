// The KMS side of the HSM proof: KMS's answers compared with evidence the HSM gave earlier (src/hsm/proof.ts
// collectHsmEvidence, possibly in a worker thread): its public key (asymmetric: GetPublicKey equal, and a KMS
// signature of a random message verifies under it), its HMAC of a random message (GenerateMac equal). AES keys:
// only the Encrypt/Decrypt round trip, and the result says what that does not prove.
// No koffi, no HSM, no vscode: the extension's main bundle uses this while the HSM stays in the worker.
import * as crypto from 'node:crypto';
import { comparePublicKeys, macAlgorithmFor, macsEqual, proofSigningAlgorithm } from '../core/verify';
import { KEY_SPECS, type KeySpec } from '../core/specs';
import type { CallOptions, KmsProvider } from '../providers/types';
import type { CustomProof } from '../flow/steps/prove';
import type { ProofOutcome } from '../flow/types';

const VERIFY: Record<string, { hash: string; dsa?: boolean }> = {
  RSASSA_PKCS1_V1_5_SHA_256: { hash: 'sha256' },
  ECDSA_SHA_256: { hash: 'sha256', dsa: true },
  ECDSA_SHA_384: { hash: 'sha384', dsa: true },
  ECDSA_SHA_512: { hash: 'sha512', dsa: true },
};

/**
 * What the HSM says about its key, gathered in one session so that it can be compared with KMS later (after the
 * import, in another thread, without the HSM): its public key, and its HMAC of a random message chosen here.
 * Nothing in it is secret. Structured-cloneable (a worker thread may send it).
 */
export interface HsmEvidence {
  /** The KMS key spec the HSM key matches. */
  keySpec?: KeySpec;
  description: string;
  publicKeySpki?: Uint8Array;
  message?: Uint8Array;
  hmac?: Uint8Array;
}

export type HsmProofOutcome = ProofOutcome & { signature?: 'verified' | 'failed' | 'not-run'; limits?: string };

/** Compares KMS's answers for `keyId` with evidence the HSM gave (collectHsmEvidence). */
export async function proveWithHsmEvidence(provider: KmsProvider, keyId: string, keySpec: KeySpec, ev: HsmEvidence, opts?: CallOptions): Promise<HsmProofOutcome> {
  if (ev.keySpec !== keySpec) return { method: 'not-run', holds: false, detail: `The HSM key is a ${ev.description}${ev.keySpec ? ` (${ev.keySpec})` : ''}, but the KMS key is ${keySpec}: it cannot hold this key.` };
  const kind = KEY_SPECS[keySpec].kind;
  if (kind === 'rsa' || kind === 'ec') {
    const spki = ev.publicKeySpki ? Buffer.from(ev.publicKeySpki) : undefined;
    if (!spki) return { method: 'not-run', holds: false, detail: 'The HSM did not show the public key of this key (no CKA_MODULUS/CKA_EC_POINT, no public key object with the same CKA_ID).' };
    const kms = await provider.getPublicKey(keyId, opts);
    const c = comparePublicKeys(spki, kms);
    let signature: 'verified' | 'failed' | 'not-run' = 'not-run';
    const algorithm = proofSigningAlgorithm(keySpec);
    const v = algorithm ? VERIFY[algorithm] : undefined;
    if (c.match && algorithm && v) {
      const message = crypto.randomBytes(32);
      const sig = await provider.sign(keyId, message, algorithm, opts);
      const key = crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' });
      signature = crypto.verify(v.hash, message, v.dsa ? { key, dsaEncoding: 'der' } : key, sig) ? 'verified' : 'failed';
    }
    const holds = c.match && signature !== 'failed';
    return {
      method: 'public-key', holds, localFingerprint: c.localFingerprint, kmsFingerprint: c.kmsFingerprint, signature,
      detail: c.match
        ? `GetPublicKey equals the public key read from the HSM (${c.localFingerprint})${signature === 'verified' ? `; a KMS ${algorithm} signature of a random message verifies under it` : signature === 'failed' ? `, but a KMS ${algorithm} signature did not verify under it` : ''}`
        : `GetPublicKey ${c.kmsFingerprint} differs from the HSM key's public key ${c.localFingerprint}`,
    };
  }
  if (kind === 'hmac') {
    if (!ev.message || !ev.hmac) return { method: 'not-run', holds: false, detail: 'The HSM gave no HMAC to compare with.' };
    const macAlgorithm = macAlgorithmFor(keySpec);
    const kms = await provider.generateMac(keyId, Buffer.from(ev.message), macAlgorithm, opts);
    const holds = macsEqual(Buffer.from(ev.hmac), kms);
    return { method: 'mac', holds, macAlgorithm, detail: holds ? `KMS's GenerateMac (${macAlgorithm}) equals the HSM's HMAC of a random message` : `KMS's GenerateMac (${macAlgorithm}) differs from the HSM's HMAC: the KMS key holds other material` };
  }
  if (kind === 'symmetric') {
    const plaintext = crypto.randomBytes(32);
    const ciphertext = await provider.encrypt(keyId, plaintext, opts);
    const out = await provider.decrypt(ciphertext, keyId, opts);
    const holds = out.plaintext.length === plaintext.length && crypto.timingSafeEqual(out.plaintext, plaintext);
    out.plaintext.fill(0);
    const limits = 'What is not proven: that the KMS key holds the same AES key as the HSM. KMS ciphertexts are in KMS\'s own format (not AES-GCM under the raw key) and the HSM key\'s value cannot be read, so no comparison without the plaintext exists; the import itself (KMS checked the unwrapped 32 bytes under its import token) and this round trip are what there is.';
    return { method: 'round-trip', holds, keyMaterialId: out.keyMaterialId, limits, detail: `${holds ? 'KMS encrypts and decrypts with the imported material' : 'Decrypt did not return the plaintext that was encrypted'}. ${limits}` };
  }
  return { method: 'not-run', holds: false, detail: `No proof is defined for ${keySpec}.` };
}

/** The flow's proof step with HSM evidence: run by runProof / runWrappedImport (src/flow/compositions.ts). */
export function hsmProver(ev: HsmEvidence): CustomProof {
  return { label: `KMS vs the HSM key (${ev.description})`, prove: (provider, keyId, keySpec, opts) => proveWithHsmEvidence(provider, keyId, keySpec, ev, opts) };
}

