// The summary panel's pure logic: what to do next, from the key's state, the bundle and the proof.
import type { SummaryData } from '../../protocol/summary';

/** The one thing to do next, in words. */
export function nextStep(d: Pick<SummaryData, 'key' | 'bundle' | 'proof' | 'keyError'>, now = new Date()): string {
  if (d.keyError) return 'Fix access to the key (see above), then refresh.';
  const k = d.key;
  const validTo = d.bundle?.parametersValidTo ? new Date(d.bundle.parametersValidTo) : undefined;
  const paramsExpired = !!validTo && validTo.getTime() <= now.getTime();
  if (k?.keyState === 'PendingImport') {
    if (!d.bundle) return 'Download a wrapping key and import token, then import the key material.';
    if (paramsExpired) return 'The parameters expired: download new parameters, then wrap and import again.';
    return 'Import the key material (Import Key Material) before the parameters expire.';
  }
  if (k?.keyState === 'Enabled' && d.proof && !d.proof.holds) return 'The proof failed: check that the material file is the one you imported, then run Verify Imported Key.';
  if (k?.keyState === 'Enabled' && !d.proof) return 'Run Verify Imported Key to prove that KMS holds your material.';
  if (k?.keyState === 'Enabled') return k.expirationModel === 'KEY_MATERIAL_EXPIRES' ? 'Done. Re-import the same material before it expires to keep the key usable.' : 'Done: the key uses your material.';
  if (k?.keyState === 'Disabled') return 'Enable the key to use it.';
  if (k?.keyState === 'PendingDeletion') return 'The key is pending deletion: cancel the deletion to keep it.';
  return 'Refresh to see the key\'s state.';
}
