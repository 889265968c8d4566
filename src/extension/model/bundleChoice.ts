// Which parameter bundles a material file can be wrapped for (the explorer's "Wrap for KMS Import…"),
// without vscode: the file is looked at first, then every bundle is judged with the flow's own check
// (checkBeforeWrap) against the bundle's key spec, its expiry and whether an import already used it.
// Usable bundles come first, those whose key has the file's key spec before those whose key is unknown;
// the others are kept with the reason, so the picker can show why they are not offered.
// keysForMaterial: the keys its "Download new parameters" offers — only those whose key spec fits the file.
import { isKmsImportError } from '../../core/errors';
import { checkCompatibility, hasErrors, type MaterialFacts, type ProviderId } from '../../core/rules';
import type { KeyInfo } from '../../providers/types';
import { sortKeys } from './treeModel';
import type { KeySpec, WrappingAlgorithm, WrappingKeySpec } from '../../core/specs';
import { checkBeforeWrap } from '../../flow/steps/wrap';

export interface BundleCandidate {
  dir: string;
  provider?: ProviderId;
  keyId?: string;
  /** The bundle's key spec when the key is known (tree cache); undefined when not. */
  keySpec?: KeySpec;
  wrappingKeySpec?: WrappingKeySpec;
  wrappingAlgorithm?: WrappingAlgorithm;
  validTo?: Date;
}

export interface JudgedBundle extends BundleCandidate {
  usable: boolean;
  /** Why not (for a bundle that is not usable). */
  reason?: string;
  /** The key's spec is known and equals the file's. */
  exactMatch: boolean;
}

export function judgeBundles(candidates: BundleCandidate[], material: MaterialFacts, used: ReadonlySet<string>, now = new Date()): JudgedBundle[] {
  const out = candidates.map((c): JudgedBundle => {
    const exactMatch = !!c.keySpec && c.keySpec === material.keySpec;
    if (used.has(c.dir)) return { ...c, usable: false, exactMatch, reason: 'Already used for an import: download new parameters to import again.' };
    if (c.validTo && c.validTo.getTime() <= now.getTime()) return { ...c, usable: false, exactMatch, reason: `Expired ${c.validTo.toISOString()}.` };
    if (!c.wrappingAlgorithm) return { ...c, usable: false, exactMatch, reason: 'The bundle does not say which wrapping algorithm it is for.' };
    try {
      checkBeforeWrap({ provider: c.provider ?? 'aws', keySpec: c.keySpec, material, wrappingKeySpec: c.wrappingKeySpec, algorithm: c.wrappingAlgorithm });
      return { ...c, usable: true, exactMatch };
    } catch (e) {
      return { ...c, usable: false, exactMatch, reason: isKmsImportError(e) ? e.message : (e as Error).message };
    }
  });
  const rank = (b: JudgedBundle) => (b.usable ? (b.exactMatch ? 0 : 1) : 2);
  return out.sort((a, b) => rank(a) - rank(b) || (b.validTo?.getTime() ?? 0) - (a.validTo?.getTime() ?? 0));
}

/** States in which a key cannot take new parameters (GetParametersForImport refuses them). */
const NO_PARAMETERS: ReadonlySet<string> = new Set(['PendingDeletion', 'PendingReplicaDeletion', 'Unavailable', 'Creating']);

/**
 * The keys new parameters can be downloaded for to import this file: EXTERNAL keys whose key spec the
 * material fits (the core's rules, as the form applies them: RSA_2048 keys for an RSA-2048 PEM;
 * SYMMETRIC_DEFAULT or HMAC_256 keys for 32 raw bytes), pending-import ones first, then by label.
 * Keys of another spec are left out, not offered to be refused later.
 */
export function keysForMaterial(keys: KeyInfo[], material: MaterialFacts, provider: ProviderId): KeyInfo[] {
  const fit = keys.filter((k) => k.origin === 'EXTERNAL' && !NO_PARAMETERS.has(k.keyState) && !hasErrors(checkCompatibility({ provider, keySpec: k.keySpec, material })));
  return sortKeys(fit);
}
