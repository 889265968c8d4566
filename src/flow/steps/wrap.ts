// Step "check" and step "wrap": the KMS's rules applied to this material, this key spec and these
// parameters before anything is uploaded, then the material wrapped locally with the wrapping public
// key. Also the choice of wrapping when the user made none, and the silent pre-check that refuses a
// forbidden combination before a key is created. No vscode, no SDK.
import { incompatible } from '../../core/errors';
import type { KeyMaterial } from '../../core/material';
import { parseWrappingPublicKey, type WrappingPublicKey } from '../../core/publicKey';
import { checkCompatibility, recommend, type Finding, type MaterialFacts, type ProviderId } from '../../core/rules';
import { KEY_SPECS, WRAPPING_ALGORITHMS, type KeySpec, type WrappingAlgorithm, type WrappingKeySpec } from '../../core/specs';
import { wrapKeyMaterial } from '../../core/wrap';
import type { FlowRun } from '../run';
import type { WrappingChoice } from './parameters';

/** This tool wraps with RSA only; SM2PKE is refused before anything is created or downloaded. */
const SM2PKE_REFUSAL = {
  code: 'SM2PKE_NOT_IMPLEMENTED',
  message: 'This tool cannot wrap with SM2PKE, so it cannot run the import with it.',
  fix: "Choose RSAES_OAEP_SHA_256 with an RSA wrapping key (allowed for SM4 and SM2 keys in China Regions), or wrap in your HSM / with AWS's SM2OfflineOperationHelper and import that file.",
};

export const materialFacts = (m: Pick<KeyMaterial, 'kind' | 'byteLength' | 'keySpec' | 'modulusBits' | 'curve' | 'primes'>): MaterialFacts => ({ kind: m.kind, byteLength: m.byteLength, keySpec: m.keySpec, modulusBits: m.modulusBits, curve: m.curve, primes: m.primes });

/**
 * The core's recommendation, except where it is SM2PKE (China Regions), which this tool cannot wrap
 * locally: then RSA_4096 + RSAES_OAEP_SHA_256 when the rules allow it for this material (SM2/EC keys).
 */
export function defaultWrapping(provider: ProviderId, keySpec: KeySpec, material?: MaterialFacts): { wrappingKeySpec: WrappingKeySpec; algorithm: WrappingAlgorithm } {
  const rec = recommend(provider, keySpec);
  if (rec.algorithm !== 'SM2PKE') return rec;
  const alt = { wrappingKeySpec: 'RSA_4096' as const, algorithm: 'RSAES_OAEP_SHA_256' as const };
  const ok = !checkCompatibility({ provider, keySpec, material, ...alt }).some((f) => f.severity === 'error');
  return ok ? alt : rec;
}

/** The wrapping to use: what the caller asked for, else the recommendation for this key spec and material. */
export function chooseWrapping(provider: ProviderId, keySpec: KeySpec, material: MaterialFacts | undefined, requested: Partial<WrappingChoice> = {}): WrappingChoice {
  const rec = defaultWrapping(provider, keySpec, material);
  return { wrappingAlgorithm: requested.wrappingAlgorithm ?? rec.algorithm, wrappingKeySpec: requested.wrappingKeySpec ?? rec.wrappingKeySpec };
}

/** Before a key is created: refuse (as step "check") a combination the rules forbid, so no key is left behind. */
export function precheckBeforeCreate(run: FlowRun, provider: ProviderId, keySpec: KeySpec, material: MaterialFacts, requested: Partial<WrappingChoice>): void {
  const c = chooseWrapping(provider, keySpec, material, requested);
  const err = checkCompatibility({ provider, keySpec, wrappingKeySpec: c.wrappingKeySpec, algorithm: c.wrappingAlgorithm, material }).find((f) => f.severity === 'error') ?? sm2pkeRefusal(c.wrappingAlgorithm);
  if (err) run.refuse('check', err.code, err.message, err.fix);
}

/** Refuses, as step "check", a wrapping this tool cannot perform. */
export function assertCanWrap(run: FlowRun, algorithm: WrappingAlgorithm): void {
  const err = sm2pkeRefusal(algorithm);
  if (err) run.refuse('check', err.code, err.message, err.fix);
}

function sm2pkeRefusal(algorithm: WrappingAlgorithm): typeof SM2PKE_REFUSAL | undefined {
  return WRAPPING_ALGORITHMS[algorithm].scheme === 'sm2pke' ? SM2PKE_REFUSAL : undefined;
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
