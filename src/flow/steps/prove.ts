// Step "prove": what KMS does with the key must match what we compute from the material (or from the
// public key an HSM exports). See ../proof.ts for the comparisons; for provider id 'huawei' the proof is
// ../signatureProof.ts (the same comparisons, plus a Huawei signature verified locally for signing keys).
// No vscode, no SDK.
import type { KeyMaterial } from '../../core/material';
import { KEY_SPECS, type KeySpec } from '../../core/specs';
import type { CallOptions, KeyInfo, KmsProvider } from '../../providers/types';
import { proveImport } from '../proof';
import { proveOnHuawei } from '../signatureProof';
import type { ProofOutcome } from '../types';
import type { FlowRun } from '../run';

export function proofLabel(keySpec: KeySpec, providerId?: string, keyUsage?: string): string {
  const kind = KEY_SPECS[keySpec].kind;
  if (kind === 'hmac') return 'GenerateMac vs local HMAC';
  if (kind === 'symmetric') return 'Encrypt/Decrypt round trip';
  if (providerId === 'huawei' && keyUsage === 'SIGN_VERIFY') return 'GetPublicKey vs local public key, and a KMS signature verified locally';
  return 'GetPublicKey vs local public key';
}

/**
 * A proof computed elsewhere than from the material: e.g. against an HSM that keeps the key (src/hsm/proof.ts
 * hsmProver). It runs as this step, with its events, cancellation and error model.
 */
export interface CustomProof {
  label: string;
  prove(provider: KmsProvider, keyId: string, keySpec: KeySpec, opts?: CallOptions): Promise<ProofOutcome>;
}

export type ProofSource = Pick<KeyMaterial, 'bytes' | 'publicKeySpki'> | CustomProof;

export function isCustomProof(x: ProofSource | undefined): x is CustomProof {
  return !!x && typeof (x as CustomProof).prove === 'function';
}

/** Runs the proof (or records that it was not requested). A proof that does not hold ends the step as failed, without throwing. */
export async function proveStep(run: FlowRun, provider: KmsProvider, key: Pick<KeyInfo, 'keyId' | 'keySpec'> & Partial<Pick<KeyInfo, 'keyUsage'>>, material: ProofSource | undefined): Promise<ProofOutcome> {
  if (!material) {
    run.checkpoint('prove');
    const proof: ProofOutcome = { method: 'not-run', holds: false, detail: 'The proof was not requested here.' };
    run.emit('prove', 'skipped', proof.detail);
    return proof;
  }
  let proof: ProofOutcome | undefined;
  try {
    run.checkpoint('prove');
    run.emit('prove', 'running', isCustomProof(material) ? material.label : proofLabel(key.keySpec, provider.id, key.keyUsage));
    proof = isCustomProof(material)
      ? await material.prove(provider, key.keyId, key.keySpec, { signal: run.signal })
      : provider.id === 'huawei'
        ? await proveOnHuawei(provider, key, material, { signal: run.signal })
        : await proveImport(provider, key.keyId, key.keySpec, material, { signal: run.signal });
  } catch (e) {
    throw run.fail(e);
  }
  if (proof.method === 'round-trip' && proof.keyMaterialId) run.partial.keyMaterialId ??= proof.keyMaterialId;
  run.emit('prove', proof.holds ? 'done' : 'failed', proof.detail);
  return proof;
}
