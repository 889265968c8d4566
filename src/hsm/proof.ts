// The proof of an HSM-wrapped import, without the plaintext ever leaving the HSM:
//  asymmetric → the public key read from the HSM (CKA_MODULUS/CKA_PUBLIC_EXPONENT, CKA_EC_PARAMS/CKA_EC_POINT,
//               as SPKI) equals GetPublicKey, and a KMS signature over a random message verifies under it here;
//  HMAC       → the HSM's C_Sign (CKM_SHA*_HMAC) over a random message equals KMS's GenerateMac;
//  AES        → only that KMS encrypts and decrypts with the imported material: KMS ciphertexts are KMS's
//               own format, and the HSM key's value cannot be read, so equality with the HSM key is NOT proven.
// proveHsmKey opens the key (the same refusals as hsm-wrap) and closes the session whatever happens.
// The HSM's part (collectHsmEvidence: public key, HMAC of a random message) is separate from KMS's part
// (proveWithHsmEvidence), so the HSM session can be closed — or live in a worker thread — while KMS answers.
import * as crypto from 'node:crypto';
import { KEY_SPECS, type KeySpec } from '../core/specs';
import type { KmsProvider } from '../providers/types';
import { proveWithHsmEvidence, type HsmEvidence, type HsmProofOutcome } from './evidence';
import { CKM } from './constants';

export { hsmProver, proveWithHsmEvidence, type HsmEvidence, type HsmProofOutcome } from './evidence';
import { hsmFailure, openHsmKey, type HsmKeySession, type HsmTarget } from './session';

const HSM_HMAC: Partial<Record<KeySpec, number>> = { HMAC_224: CKM.SHA224_HMAC, HMAC_256: CKM.SHA256_HMAC, HMAC_384: CKM.SHA384_HMAC, HMAC_512: CKM.SHA512_HMAC };

/** The HSM key's public key (SPKI DER), read from its attributes. */
export function hsmPublicKeySpki(s: HsmKeySession): Buffer | undefined {
  return s.facts.publicKeySpki;
}

/** The HSM's own HMAC of `message` with the key (C_Sign, CKM_SHA*_HMAC). */
export function hsmHmac(s: HsmKeySession, keySpec: KeySpec, message: Buffer): Buffer {
  const mechanism = HSM_HMAC[keySpec];
  if (mechanism === undefined) throw new Error(`${keySpec} is not an HMAC key spec`);
  try {
    return s.hsm.sign(s.session, { mechanism }, s.key, message);
  } catch (e) {
    throw hsmFailure(e, 'computing the HMAC for the proof');
  }
}

export function collectHsmEvidence(s: HsmKeySession): HsmEvidence {
  const keySpec = s.facts.keySpec;
  const ev: HsmEvidence = { keySpec, description: s.facts.description, publicKeySpki: s.facts.publicKeySpki };
  if (keySpec && KEY_SPECS[keySpec].kind === 'hmac') {
    ev.message = crypto.randomBytes(32);
    ev.hmac = hsmHmac(s, keySpec, Buffer.from(ev.message));
  }
  return ev;
}

export async function proveWithHsmSession(provider: KmsProvider, keyId: string, keySpec: KeySpec, s: HsmKeySession): Promise<HsmProofOutcome> {
  return proveWithHsmEvidence(provider, keyId, keySpec, collectHsmEvidence(s));
}

/** Opens the HSM key, gathers its evidence and closes the session (whatever happens). */
export function readHsmEvidence(target: HsmTarget): HsmEvidence {
  const s = openHsmKey(target);
  try {
    return collectHsmEvidence(s);
  } catch (e) {
    throw hsmFailure(e, 'reading the key for the proof');
  } finally {
    s.close();
  }
}

/** Opens the HSM key, proves the KMS key against it; the session is closed before KMS is asked. */
export async function proveHsmKey(provider: KmsProvider, keyId: string, keySpec: KeySpec, target: HsmTarget): Promise<HsmProofOutcome> {
  return proveWithHsmEvidence(provider, keyId, keySpec, readHsmEvidence(target));
}
