// The summary panel's pure logic: the bundle's real stage (parameters fresh, wrapped, imported,
// proven, expired), the one thing to do next and the one primary button, from the key's state, the
// bundle and the proof recorded FOR THAT BUNDLE. Nothing here says "done" about a bundle whose
// wrapped file was never imported, and a proof recorded under another bundle is not shown as its own.
import type { BundleStage, SummaryAction, SummaryData } from '../../protocol/summary';

export type { BundleStage } from '../../protocol/summary';

/** What an import recorded (results store): the bundle it used and the proof. */
export interface RecordedImport {
  bundleDir?: string;
  proof: { holds: boolean };
}

/** The stage of the bundle shown: imported/proven only if the recorded import used this very bundle. */
export function bundleStage(bundle: Pick<NonNullable<SummaryData['bundle']>, 'dir' | 'parametersValidTo' | 'files'>, recorded: RecordedImport | undefined, used: boolean, now = new Date()): BundleStage {
  const mine = !!recorded && recorded.bundleDir === bundle.dir;
  if (mine) return recorded!.proof.holds ? 'proven' : 'proof-failed';
  if (used) return 'imported';
  const validTo = bundle.parametersValidTo ? Date.parse(bundle.parametersValidTo) : NaN;
  if (!Number.isNaN(validTo) && validTo <= now.getTime()) return 'expired';
  return bundle.files.some((f) => f.role === 'wrapped key material') ? 'wrapped' : 'fresh';
}

/** Parameters that were used for an import are no longer counted down or warned about. */
export const parametersUsed = (stage: BundleStage | undefined): boolean => stage === 'imported' || stage === 'proven' || stage === 'proof-failed';

type NextInput = Pick<SummaryData, 'key' | 'bundle' | 'proof' | 'keyError'> & { bundleStage?: BundleStage };

/** The one thing to do next, in words. */
export function nextStep(d: NextInput, now = new Date()): string {
  if (d.keyError) return 'Fix access to the key (see above), then refresh.';
  const k = d.key;
  const validTo = d.bundle?.parametersValidTo ? new Date(d.bundle.parametersValidTo) : undefined;
  const paramsExpired = !!validTo && validTo.getTime() <= now.getTime();
  const stage = d.bundleStage;
  if (k?.keyState === 'PendingImport') {
    if (!d.bundle) return 'Download a wrapping key and import token, then import the key material.';
    if (parametersUsed(stage)) return 'This bundle was already used and the key has no material now: download new parameters, then import again.';
    if (paramsExpired) return 'The parameters expired: download new parameters, then wrap and import again.';
    if (stage === 'wrapped') return 'Import the wrapped key material (Import Key Material) before the parameters expire.';
    return 'Import the key material (Import Key Material) before the parameters expire.';
  }
  if (k?.keyState === 'Enabled' && d.bundle && (stage === 'fresh' || stage === 'wrapped')) {
    return stage === 'wrapped'
      ? 'The wrapped file in this bundle has not been imported. The key has material from another import; import this file only to re-import or rotate.'
      : 'These parameters have not been used. The key has material from another import; use them only to re-import or rotate.';
  }
  if (k?.keyState === 'Enabled' && d.proof && !d.proof.holds) return 'The proof failed: check that the material file is the one you imported, then run Verify Imported Key.';
  if (k?.keyState === 'Enabled' && !d.proof) return 'Run Verify Imported Key to prove that KMS holds your material.';
  if (k?.keyState === 'Enabled') return k.expirationModel === 'KEY_MATERIAL_EXPIRES' ? 'Done. Re-import the same material before it expires to keep the key usable.' : 'Done: the key uses your material.';
  if (k?.keyState === 'Disabled') return 'Enable the key to use it.';
  if (k?.keyState === 'PendingDeletion') return 'The key is pending deletion: cancel the deletion to keep it.';
  return 'Refresh to see the key\'s state.';
}

/** The primary button: the action the next step names (none when there is nothing to do). */
export function primaryAction(d: NextInput, now = new Date()): SummaryAction | undefined {
  if (d.keyError || !d.key || d.key.origin !== 'EXTERNAL') return undefined;
  const k = d.key;
  const stage = d.bundleStage;
  if (k.keyState === 'PendingImport') {
    if (!d.bundle || parametersUsed(stage) || stage === 'expired') return 'downloadParameters';
    const validTo = d.bundle.parametersValidTo ? Date.parse(d.bundle.parametersValidTo) : NaN;
    return !Number.isNaN(validTo) && validTo <= now.getTime() ? 'downloadParameters' : 'importMaterial';
  }
  if (k.keyState === 'Enabled' && (!d.proof || !d.proof.holds)) return 'verify';
  return undefined;
}
