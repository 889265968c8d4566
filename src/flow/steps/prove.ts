// Step "prove": what KMS does with the key must match what we compute from the material (or from the
// public key an HSM exports). See ../proof.ts for the comparisons. No vscode, no SDK.
import type { KeyMaterial } from '../../core/material';
import { KEY_SPECS, type KeySpec } from '../../core/specs';
import type { KeyInfo, KmsProvider } from '../../providers/types';
import { proveImport } from '../proof';
import type { ProofOutcome } from '../types';
import type { FlowRun } from '../run';

export function proofLabel(keySpec: KeySpec): string {
  const kind = KEY_SPECS[keySpec].kind;
  if (kind === 'hmac') return 'GenerateMac vs local HMAC';
  if (kind === 'symmetric') return 'Encrypt/Decrypt round trip';
  return 'GetPublicKey vs local public key';
}

/** Runs the proof (or records that it was not requested). A proof that does not hold ends the step as failed, without throwing. */
export async function proveStep(run: FlowRun, provider: KmsProvider, key: Pick<KeyInfo, 'keyId' | 'keySpec'>, material: Pick<KeyMaterial, 'bytes' | 'publicKeySpki'> | undefined): Promise<ProofOutcome> {
  if (!material) {
    run.checkpoint('prove');
    const proof: ProofOutcome = { method: 'not-run', holds: false, detail: 'The proof was not requested here.' };
    run.emit('prove', 'skipped', proof.detail);
    return proof;
  }
  let proof: ProofOutcome | undefined;
  try {
    run.checkpoint('prove');
    run.emit('prove', 'running', proofLabel(key.keySpec));
    proof = await proveImport(provider, key.keyId, key.keySpec, material, { signal: run.signal });
  } catch (e) {
    throw run.fail(e);
  }
  if (proof.method === 'round-trip' && proof.keyMaterialId) run.partial.keyMaterialId ??= proof.keyMaterialId;
  run.emit('prove', proof.holds ? 'done' : 'failed', proof.detail);
  return proof;
}
