// The summary panel's pure logic: the bundle's real stage (parameters fresh, wrapped, imported,
// proven, expired), the one thing to do next and the one primary button, from the key's state, the
// bundle and the proof recorded FOR THAT BUNDLE. Nothing here says "done" about a bundle whose
// wrapped file was never imported, and a proof recorded under another bundle is not shown as its own.
// For Huawei Cloud KMS the words are Huawei's (key ID, expiration_time, encrypt-data/decrypt-data,
// get-publickey) and the proof is shown as its parts.
import type { BundleStage, ProofCheck, SummaryAction, SummaryData, SummaryFile, SummaryTerms } from '../../protocol/summary';
import { SIGNATURE_DOES_NOT_VERIFY, SIGNATURE_VERIFIES } from '../../flow/signatureProof';

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

type NextInput = Pick<SummaryData, 'key' | 'bundle' | 'proof' | 'keyError'> & { bundleStage?: BundleStage; provider?: string };

const PROVIDER_LABELS: Record<string, string> = { aws: 'AWS KMS (commercial Regions)', 'aws-cn': 'AWS KMS (China Regions)', huawei: 'Huawei Cloud KMS' };

export function summaryTerms(provider: string): SummaryTerms {
  if (provider === 'huawei') return { providerLabel: PROVIDER_LABELS.huawei, showArn: false, copyId: 'Copy key ID', materialExpiry: 'expiration_time', parametersExpiry: 'Token and wrapping key expire' };
  return { providerLabel: PROVIDER_LABELS[provider] ?? provider, showArn: true, copyId: 'Copy ARN', materialExpiry: 'ValidTo', parametersExpiry: 'Valid to' };
}

/** What each bundle file is: by the names the bundle reader found (any layout: ours, AWS's or Huawei's console), else by name. */
export function fileRole(name: string, found: { publicKey: string; importToken: string; readme?: string; manifest?: string }): SummaryFile['role'] {
  if (name === found.publicKey) return 'wrapping public key';
  if (name === found.importToken) return 'import token';
  if (name === found.readme) return 'README';
  if (name === found.manifest) return 'manifest';
  if (/^Encrypted(KeyMaterial|PrivateKey)(-\d+)?\.bin$/i.test(name)) return 'wrapped key material';
  return ({ 'WrappingPublicKey.bin': 'wrapping public key', 'ImportToken.bin': 'import token', 'README.txt': 'README', 'kms-import.json': 'manifest' } as Record<string, SummaryFile['role']>)[name] ?? 'other';
}

// The signature part of a Huawei proof, as src/flow/signatureProof.ts words it.

/**
 * A Huawei proof in its parts: symmetric keys, the encrypt-data/decrypt-data round trip; private keys, get-publickey
 * equal to the local public key and, for signing keys, a signature by Huawei KMS verified locally (not recorded: unknown).
 */
export function proofChecks(provider: string, key: { keySpec: string; keyUsage: string } | undefined, proof: { method: string; holds: boolean; detail: string }): ProofCheck[] | undefined {
  if (provider !== 'huawei') return undefined;
  const words = (t: string) => t.replace(/\bGetPublicKey\b/g, 'get-publickey').replace(/\bEncrypt\/Decrypt\b/g, 'encrypt-data / decrypt-data');
  if (proof.method === 'round-trip') return [{ id: 'round-trip', label: 'encrypt-data / decrypt-data round trip', holds: proof.holds, detail: words(proof.detail) }];
  if (proof.method !== 'public-key') return undefined;
  const publicHolds = /equals the local public key/.test(proof.detail) ? true : /differs from the local public key/.test(proof.detail) ? false : proof.holds;
  const checks: ProofCheck[] = [{ id: 'public-key', label: 'get-publickey equals the local public key', holds: publicHolds, detail: words(proof.detail.split(/;\s*/)[0]) }];
  if (key?.keyUsage === 'SIGN_VERIFY') {
    const holds = SIGNATURE_VERIFIES.test(proof.detail) ? true : SIGNATURE_DOES_NOT_VERIFY.test(proof.detail) ? false : undefined;
    checks.push({ id: 'signature', label: 'A signature by Huawei KMS verifies with the local public key', holds, detail: holds === undefined ? 'Not part of the recorded proof: run Verify Imported Key with your material.' : proof.detail });
  }
  return checks;
}

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
  if (k?.keyState === 'Enabled' && d.bundle && (stage === 'fresh' || stage === 'wrapped') && d.provider === 'huawei') {
    // Huawei has no rotation: material comes back only once it is deleted (symmetric keys) or expired.
    return stage === 'wrapped'
      ? 'The wrapped file in this bundle has not been imported. The key has material from another import; Huawei Cloud KMS takes material again only after the imported material is deleted or expires.'
      : 'These parameters have not been used. The key has material from another import; Huawei Cloud KMS takes material again only after the imported material is deleted or expires.';
  }
  if (k?.keyState === 'Enabled' && d.bundle && (stage === 'fresh' || stage === 'wrapped')) {
    return stage === 'wrapped'
      ? 'The wrapped file in this bundle has not been imported. The key has material from another import; import this file only to re-import or rotate.'
      : 'These parameters have not been used. The key has material from another import; use them only to re-import or rotate.';
  }
  if (k?.keyState === 'Enabled' && d.proof && !d.proof.holds) return 'The proof failed: check that the material file is the one you imported, then run Verify Imported Key.';
  if (k?.keyState === 'Enabled' && !d.proof) return 'Run Verify Imported Key to prove that KMS holds your material.';
  if (k?.keyState === 'Enabled' && d.provider === 'huawei' && k.expirationModel === 'KEY_MATERIAL_EXPIRES') {
    return 'Done. At its expiration_time Huawei Cloud KMS deletes the material and the key is pending import again: import the same material then.';
  }
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
