// The proof after import: what KMS does with the key must match what we compute from the material.
//  asymmetric → GetPublicKey equals the public key derived locally (SPKI, byte for byte);
//  HMAC       → GenerateMac over a random message equals the locally computed HMAC;
//  symmetric  → Encrypt then Decrypt returns the random plaintext; the KeyMaterialId is recorded.
import * as crypto from 'node:crypto';
import type { KeyMaterial } from '../core/material';
import { KEY_SPECS, type KeySpec } from '../core/specs';
import { comparePublicKeys, localHmac, macAlgorithmFor, macsEqual } from '../core/verify';
import type { CallOptions, KmsProvider } from '../providers/types';
import type { ProofOutcome } from './types';

export async function proveImport(provider: KmsProvider, keyId: string, keySpec: KeySpec, material: Pick<KeyMaterial, 'bytes' | 'publicKeySpki'>, opts?: CallOptions): Promise<ProofOutcome> {
  const kind = KEY_SPECS[keySpec].kind;
  if (kind === 'rsa' || kind === 'ec') {
    if (!material.publicKeySpki) return { method: 'not-run', holds: false, detail: 'The public key of the material is unknown, so there is nothing to compare.' };
    const kms = await provider.getPublicKey(keyId, opts);
    const c = comparePublicKeys(material.publicKeySpki, kms);
    return {
      method: 'public-key',
      holds: c.match,
      localFingerprint: c.localFingerprint,
      kmsFingerprint: c.kmsFingerprint,
      detail: c.match ? `GetPublicKey equals the local public key (${c.localFingerprint})` : `GetPublicKey ${c.kmsFingerprint} differs from the local public key ${c.localFingerprint}`,
    };
  }
  if (kind === 'hmac') {
    const macAlgorithm = macAlgorithmFor(keySpec);
    const message = crypto.randomBytes(32);
    const local = localHmac(keySpec, material.bytes, message);
    try {
      const kms = await provider.generateMac(keyId, message, macAlgorithm, opts);
      const holds = macsEqual(local, kms);
      return { method: 'mac', holds, macAlgorithm, detail: holds ? `GenerateMac (${macAlgorithm}) equals the local HMAC of a random message` : `GenerateMac (${macAlgorithm}) differs from the local HMAC: the key holds other material` };
    } finally {
      local.fill(0);
    }
  }
  if (kind === 'symmetric') {
    const plaintext = crypto.randomBytes(32);
    try {
      const ciphertext = await provider.encrypt(keyId, plaintext, opts);
      const out = await provider.decrypt(ciphertext, keyId, opts);
      const holds = out.plaintext.length === plaintext.length && crypto.timingSafeEqual(out.plaintext, plaintext);
      out.plaintext.fill(0);
      return {
        method: 'round-trip',
        holds,
        keyMaterialId: out.keyMaterialId,
        detail: holds ? `Encrypt/Decrypt round trip holds${out.keyMaterialId ? `; key material id ${out.keyMaterialId}` : ''}` : 'Decrypt did not return the plaintext that was encrypted',
      };
    } finally {
      plaintext.fill(0);
    }
  }
  return { method: 'not-run', holds: false, detail: `No proof is defined for ${keySpec}.` };
}
