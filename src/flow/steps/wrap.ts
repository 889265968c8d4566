// Step "check" and step "wrap": the KMS's rules applied to this material, this key spec and these
// parameters before anything is uploaded, then the material wrapped locally with the wrapping public
// key. Also the choice of wrapping when the user made none, and the silent pre-check that refuses a
// forbidden combination before a key is created. No vscode, no SDK.
import { incompatible } from '../../core/errors';
import type { KeyMaterial } from '../../core/material';
import { parseWrappingPublicKey, type WrappingPublicKey } from '../../core/publicKey';
import { checkCompatibility, recommend, type Finding, type MaterialFacts, type ProviderId } from '../../core/rules';
import { KEY_SPECS, type KeySpec, type WrappingAlgorithm, type WrappingKeySpec } from '../../core/specs';
import { wrapKeyMaterial } from '../../core/wrap';
import type { FlowRun } from '../run';
import type { WrappingChoice } from './parameters';

export const materialFacts = (m: Pick<KeyMaterial, 'kind' | 'byteLength' | 'keySpec' | 'modulusBits' | 'curve' | 'primes'>): MaterialFacts => ({ kind: m.kind, byteLength: m.byteLength, keySpec: m.keySpec, modulusBits: m.modulusBits, curve: m.curve, primes: m.primes });

/** The wrapping to use: what the caller asked for, else the recommendation for this key spec and material. */
export function chooseWrapping(provider: ProviderId, keySpec: KeySpec, requested: Partial<WrappingChoice> = {}): WrappingChoice {
  const rec = recommend(provider, keySpec);
  return { wrappingAlgorithm: requested.wrappingAlgorithm ?? rec.algorithm, wrappingKeySpec: requested.wrappingKeySpec ?? rec.wrappingKeySpec };
}

/** Before a key is created: refuse (as step "check") a combination the rules forbid, so no key is left behind. */
export function precheckBeforeCreate(run: FlowRun, provider: ProviderId, keySpec: KeySpec, material: MaterialFacts, requested: Partial<WrappingChoice>): void {
  const c = chooseWrapping(provider, keySpec, requested);
  const err = checkCompatibility({ provider, keySpec, wrappingKeySpec: c.wrappingKeySpec, algorithm: c.wrappingAlgorithm, material }).find((f) => f.severity === 'error');
  if (err) run.refuse('check', err.code, err.message, err.fix);
}

/**
 * Before parameters are downloaded (or a file wrapped elsewhere is uploaded): the rules for this key spec under this
 * wrapping choice, without the material. Returns the findings (warnings to show, e.g. Huawei's SHA-1 notice); for
 * Huawei Cloud KMS an error is refused here as step "check" (e.g. an EC key with RSAES_OAEP_SHA_256 alone, which
 * Huawei would refuse only at import: KMS.2608). Other providers keep KMS's own answer.
 */
export function checkChoiceForKey(run: FlowRun, provider: ProviderId, keySpec: KeySpec, choice: WrappingChoice): Finding[] {
  const findings = checkCompatibility({ provider, keySpec, wrappingKeySpec: choice.wrappingKeySpec, algorithm: choice.wrappingAlgorithm });
  const err = findings.find((f) => f.severity === 'error');
  if (err && provider === 'huawei') run.refuse('check', err.code, `${err.message} Nothing was ${run.partial.bundleDir ? 'uploaded' : 'downloaded'}.`, err.fix);
  return findings.filter((f) => f.severity !== 'error');
}

/**
 * The check before any wrap, wherever it runs (this flow, `kms-import wrap`, the explorer's wrap): the KMS's
 * rules for this material under this wrapping key and algorithm. Returns the warnings and notes; throws the
 * first error as a KmsImportError (kind 'incompatible') that carries all findings. Synchronous and pure.
 */
export function checkBeforeWrap(input: { provider: ProviderId; keySpec?: KeySpec; material: MaterialFacts; wrappingKeySpec?: WrappingKeySpec; algorithm: WrappingAlgorithm }): Finding[] {
  const findings = checkCompatibility({ provider: input.provider, keySpec: input.keySpec, wrappingKeySpec: input.wrappingKeySpec, algorithm: input.algorithm, material: input.material });
  const firstError = findings.find((f) => f.severity === 'error');
  if (firstError) throw Object.assign(incompatible(firstError.code, firstError.message, firstError.fix), { findings });
  return findings;
}

export interface CheckResult {
  wrappingKey: WrappingPublicKey;
  findings: Finding[];
}

/** Step "check": the wrapping public key parsed and agreeing with its spec; the rules for this material. */
export async function checkCompatibilityStep(run: FlowRun, input: { provider: ProviderId; keySpec: KeySpec; material: MaterialFacts; choice: WrappingChoice; publicKey: Buffer }): Promise<CheckResult> {
  const { choice } = input;
  return run.step('check', `${input.keySpec} material, ${choice.wrappingKeySpec} wrapping key, ${choice.wrappingAlgorithm}`, () => {
    const wrappingKey = parseWrappingPublicKey(input.publicKey, choice.wrappingKeySpec);
    try {
      const findings = checkBeforeWrap({ provider: input.provider, keySpec: input.keySpec, wrappingKeySpec: choice.wrappingKeySpec, algorithm: choice.wrappingAlgorithm, material: input.material });
      run.partial.findings = findings;
      return { wrappingKey, findings };
    } catch (e) {
      run.partial.findings = (e as { findings?: Finding[] }).findings;
      throw e;
    }
  }, (r) => {
    const warnings = r.findings.filter((f) => f.severity === 'warning');
    return warnings.length ? `Allowed, with ${warnings.length} warning(s): ${warnings.map((w) => w.code).join(', ')}` : 'Allowed';
  });
}

/** Step "wrap": the material wrapped with the wrapping public key. The caller zeroes the result when done. */
export async function wrapStep(run: FlowRun, material: Pick<KeyMaterial, 'bytes' | 'byteLength'>, keySpec: KeySpec, wrappingKey: WrappingPublicKey, algorithm: WrappingAlgorithm): Promise<Buffer> {
  return run.step('wrap', `${algorithm} with wrapping key ${wrappingKey.fingerprint}`, () => wrapKeyMaterial(material.bytes, wrappingKey, algorithm), (wrapped) => `${material.byteLength} bytes of ${KEY_SPECS[keySpec].kind} material → ${wrapped.length} bytes wrapped`);
}
