// The flow's other compositions of the same steps (runImportFlow in importFlow.ts is the whole one):
//   parameters only       describe key → download parameters into a bundle folder
//   upload as is          describe key → parameters from the bundle → import the file wrapped elsewhere
//                          (an HSM, an air-gapped machine, OpenSSL) → prove when a proof input is given
//   proof only            describe key → prove
// Every way in (CLI, commands, explorer, form) calls these or runImportFlow; none orchestrates on its own.
// No vscode, no SDK.
import type { ParameterBundle } from '../core/bundle';
import type { Finding } from '../core/rules';
import type { KeyMaterial } from '../core/material';
import { WRAPPING_ALGORITHMS } from '../core/specs';
import type { ImportType, KeyInfo, KmsProvider } from '../providers/types';
import { FlowRun, type FlowRunOptions } from './run';
import { resolveKey } from './steps/key';
import { downloadParameters, useParameters, type WrappingChoice } from './steps/parameters';
import { proveStep, type CustomProof } from './steps/prove';
import { assertImportTypeOffered, uploadWrapped, type ExpirationChoice } from './steps/upload';
import { checkChoiceForKey, chooseWrapping } from './steps/wrap';
import type { ImportFlowResult, ProofOutcome } from './types';

/**
 * What the proof compares against: the material, or (asymmetric keys held in an HSM) just its public key,
 * or a proof of its own (CustomProof: the HSM's evidence, src/hsm/proof.ts hsmProver).
 */
export type ProofInput = Pick<KeyMaterial, 'bytes' | 'publicKeySpki'> | CustomProof;
export type { CustomProof };

export interface DownloadParametersOptions extends FlowRunOptions {
  provider: KmsProvider;
  keyId: string;
  wrapping?: Partial<WrappingChoice>;
  bundleDir: string;
}

/** Describe the key, then download parameters for it into a new bundle folder (complete or absent). */
export async function runDownloadParameters(opts: DownloadParametersOptions): Promise<{ keyArn: string; keyId: string; bundleDir: string; validTo: Date; choice: WrappingChoice; findings: Finding[] }> {
  const run: FlowRun = new FlowRun(opts);
  try {
    const key = await resolveKey(run, opts.provider, { keyId: opts.keyId });
    const choice = chooseWrapping(opts.provider.id, key.keySpec, opts.wrapping);
    const findings = checkChoiceForKey(run, opts.provider.id, key.keySpec, choice);
    const { params, bundleDir } = await downloadParameters(run, opts.provider, key, choice, opts.bundleDir);
    return { keyArn: key.arn, keyId: key.keyId, bundleDir: bundleDir!, validTo: params.parametersValidTo, choice, findings };
  } catch (e) {
    throw run.fail(e);
  }
}

export interface WrappedImportOptions extends FlowRunOptions {
  provider: KmsProvider;
  keyId: string;
  /** The parameters the file was wrapped for. */
  bundle: ParameterBundle;
  /** Material wrapped elsewhere. Zeroed when the import ends. */
  wrapped: Buffer;
  expiration?: ExpirationChoice;
  importType?: ImportType;
  /** With it the import is proven; without it the result's proof is 'not-run'. */
  proofInput?: ProofInput;
  minParametersLifetimeMs?: number;
}

/** Uploads material wrapped elsewhere, as is, with the bundle's token; proves it when it can. */
export async function runWrappedImport(opts: WrappedImportOptions): Promise<ImportFlowResult> {
  const run: FlowRun = new FlowRun(opts);
  try {
    assertImportTypeOffered(run, opts.provider, opts.importType);
    const key = await resolveKey(run, opts.provider, { keyId: opts.keyId });
    if (!opts.bundle.wrappingAlgorithm || !opts.bundle.wrappingKeySpec) {
      opts.wrapped.fill(0);
      run.refuse('download-parameters', 'BUNDLE_NO_ALGORITHM', `The parameter bundle ${opts.bundle.source} does not say which wrapping algorithm and wrapping key spec it was downloaded for.`, 'Use the bundle folder this tool wrote (its kms-import.json names them), or download new parameters.');
    }
    const choice: WrappingChoice = { wrappingAlgorithm: opts.bundle.wrappingAlgorithm, wrappingKeySpec: opts.bundle.wrappingKeySpec };
    Object.assign(run.partial, choice);
    const params = await useParameters(run, key, opts.bundle, choice);
    const findings = checkChoiceForKey(run, opts.provider.id, key.keySpec, choice);
    checkWrappedSize(run, opts.wrapped, choice);
    await uploadWrapped(run, opts.provider, key, {
      wrapped: opts.wrapped,
      importToken: params.importToken,
      parametersValidTo: params.parametersValidTo,
      expiration: opts.expiration,
      importType: opts.importType,
      context: { ...choice, keySpec: key.keySpec },
      minParametersLifetimeMs: opts.minParametersLifetimeMs,
    });
    const proof = await proveStep(run, opts.provider, key, opts.proofInput);
    // Parameters the user already had: no key was created here; the bundle is the one given.
    return run.result({ key, choice, parametersValidTo: params.parametersValidTo, proof, findings, ok: opts.proofInput ? proof.holds : true, bundleDir: opts.bundle.source, importType: opts.importType });
  } catch (e) {
    opts.wrapped.fill(0);
    throw run.fail(e);
  }
}

/**
 * A wrapped file whose size cannot come from this algorithm and wrapping key is refused before upload:
 * RSAES_* output is exactly the modulus size; RSA_AES_* is the modulus size plus an RFC 5649 output (a
 * multiple of 8, at least 16 bytes). SM2PKE output is DER of varying size and is left to the KMS.
 */
function checkWrappedSize(run: FlowRun, wrapped: Buffer, choice: WrappingChoice): void {
  const bits = /^RSA_(\d+)$/.exec(choice.wrappingKeySpec)?.[1];
  if (!bits) return;
  const k = Number(bits) / 8;
  const scheme = WRAPPING_ALGORITHMS[choice.wrappingAlgorithm].scheme;
  const ok = scheme === 'rsa-aes' ? wrapped.length >= k + 16 && (wrapped.length - k) % 8 === 0 : scheme === 'sm2pke' ? true : wrapped.length === k;
  if (!ok) {
    run.refuse('check', 'WRAPPED_FILE_INVALID', `The wrapped file is ${wrapped.length} bytes, which ${choice.wrappingAlgorithm} under an ${choice.wrappingKeySpec} wrapping key cannot produce (${scheme === 'rsa-aes' ? `${k} bytes of RSA-OAEP, then an AES key wrap of a multiple of 8 bytes` : `exactly ${k} bytes`}). Nothing was uploaded.`, 'Wrap the material again with this bundle\'s wrapping public key and algorithm, or use the bundle it was wrapped for.');
  }
}

export interface ProofOptions extends FlowRunOptions {
  provider: KmsProvider;
  keyId: string;
  proofInput: ProofInput;
}

/** Describes the key and proves that it holds the material (or the public key). */
export async function runProof(opts: ProofOptions): Promise<{ keyArn: string; keyId: string; keySpec: string; key: KeyInfo; proof: ProofOutcome }> {
  const run: FlowRun = new FlowRun(opts);
  try {
    const key = await run.step('create-key', `DescribeKey ${opts.keyId}`, () => opts.provider.describeKey(opts.keyId, { signal: run.signal }), (k) => ({ status: 'skipped', detail: `Key ${k.arn} (${k.keySpec}, ${k.keyState})` }));
    const proof = await proveStep(run, opts.provider, key, opts.proofInput);
    return { keyArn: key.arn, keyId: key.keyId, keySpec: key.keySpec, key, proof };
  } catch (e) {
    throw run.fail(e);
  }
}
