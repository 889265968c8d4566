// The end-to-end import — what the form's Submit and `kms-import import --key-spec` run — composed from
// the flow's steps (steps/*.ts), which every other caller composes too:
//   create key (optional) → download parameters into a bundle folder → check compatibility → wrap →
//   import (ExpirationModel always explicit) → prove.
// Pure composition over the core and the KmsProvider interface: no vscode, no AWS SDK.
// Guarantees (each kept by the step that owns it):
//  - progress events per step (onStep), nothing secret in them;
//  - the AbortSignal is honoured between and during steps; a bundle folder is complete or absent;
//  - expired (or nearly expired) parameters are refused BEFORE anything is uploaded;
//  - ImportKeyMaterial is never replayed blindly (steps/upload.ts);
//  - the material's buffers are zeroed at the end unless the caller keeps them (keepMaterial).
import type { ParameterBundle } from '../core/bundle';
import type { KeyMaterial } from '../core/material';
import type { WrappingAlgorithm, WrappingKeySpec } from '../core/specs';
import type { CreateKeyRequest, ImportParameters, ImportType, KmsProvider } from '../providers/types';
import { FlowRun } from './run';
import { resolveKey } from './steps/key';
import { assertBundleDirFree, downloadParameters, useParameters } from './steps/parameters';
import { proveStep } from './steps/prove';
import { assertImportTypeOffered, uploadWrapped, type ExpirationChoice } from './steps/upload';
import { checkCompatibilityStep, chooseWrapping, materialFacts, precheckBeforeCreate, wrapStep } from './steps/wrap';
import type { ImportFlowResult, StepEvent } from './types';

export type { ExpirationChoice } from './steps/upload';

export interface ImportFlowOptions {
  provider: KmsProvider;
  /** Parsed material (core parseMaterial / generateMaterial → parseMaterial). Zeroed at the end unless keepMaterial. */
  material: KeyMaterial;
  /** Import into an existing key, or create one (Origin EXTERNAL). */
  target: { keyId: string } | { create: CreateKeyRequest };
  /** Default: the core's recommendation for the provider and key spec. */
  wrappingAlgorithm?: WrappingAlgorithm;
  wrappingKeySpec?: WrappingKeySpec;
  /** Folder for the downloaded parameters; must not exist yet or be empty. */
  bundleDir?: string;
  /** Use these already-downloaded parameters instead of downloading (they must belong to the key). */
  parameters?: ParameterBundle;
  /** Default: KEY_MATERIAL_DOES_NOT_EXPIRE. Always sent explicitly. */
  expiration?: ExpirationChoice;
  /** Symmetric keys only: NEW_KEY_MATERIAL for a rotation, EXISTING_KEY_MATERIAL to re-import. */
  importType?: ImportType;
  keyMaterialDescription?: string;
  signal?: AbortSignal;
  onStep?: (e: StepEvent) => void;
  /** Clock (tests). */
  now?: () => Date;
  /** Parameters with less time left than this are refused before upload (default 2 minutes). */
  minParametersLifetimeMs?: number;
  /** Keep the material's bytes (default false: material.dispose() at the end). */
  keepMaterial?: boolean;
  /** Time limit for the ImportKeyMaterial request itself (default: the provider's request timeout). */
  importTimeoutMs?: number;
  /** Run the proof step (default true). Rotation proves after RotateKeyOnDemand instead. */
  prove?: boolean;
  /** Timeout for the reconciliation calls made after an ambiguous failure or a cancel (default 20 s). */
  reconcileTimeoutMs?: number;
}

/** Runs the whole import. Resolves with the result (check `ok` and `proof.holds`); throws ImportFlowError. */
export async function runImportFlow(opts: ImportFlowOptions): Promise<ImportFlowResult> {
  const { provider, material } = opts;
  const run = new FlowRun({ signal: opts.signal, onStep: opts.onStep, now: opts.now });
  const facts = materialFacts(material);
  const requested = { wrappingAlgorithm: opts.wrappingAlgorithm, wrappingKeySpec: opts.wrappingKeySpec };
  try {
    run.checkpoint('create-key');
    assertImportTypeOffered(run, provider, opts.importType);
    if ('create' in opts.target) precheckBeforeCreate(run, provider.id, opts.target.create.keySpec, facts, requested);
    // A bundle folder that cannot be written is refused before a key is created (it is checked again when written).
    if (opts.bundleDir && !opts.parameters) await assertBundleDirFree(opts.bundleDir);
    const key = await resolveKey(run, provider, opts.target);
    const choice = chooseWrapping(provider.id, key.keySpec, {
      wrappingAlgorithm: opts.parameters?.wrappingAlgorithm ?? requested.wrappingAlgorithm,
      wrappingKeySpec: opts.parameters?.wrappingKeySpec ?? requested.wrappingKeySpec,
    });
    Object.assign(run.partial, choice);

    const params: ImportParameters = opts.parameters
      ? await useParameters(run, key, opts.parameters, choice)
      : (await downloadParameters(run, provider, key, choice, opts.bundleDir)).params;
    const { wrappingKey, findings } = await checkCompatibilityStep(run, { provider: provider.id, keySpec: key.keySpec, material: facts, choice, publicKey: params.publicKey });
    const wrapped = await wrapStep(run, material, key.keySpec, wrappingKey, choice.wrappingAlgorithm);
    await uploadWrapped(run, provider, key, {
      wrapped,
      importToken: params.importToken,
      parametersValidTo: params.parametersValidTo,
      expiration: opts.expiration,
      importType: opts.importType,
      keyMaterialDescription: opts.keyMaterialDescription,
      context: { ...choice, publicKeyFingerprint: wrappingKey.fingerprint, keySpec: key.keySpec },
      minParametersLifetimeMs: opts.minParametersLifetimeMs,
      importTimeoutMs: opts.importTimeoutMs,
      reconcileTimeoutMs: opts.reconcileTimeoutMs,
    });
    const proof = await proveStep(run, provider, key, opts.prove === false ? undefined : material);
    return run.result({ key, choice, parametersValidTo: params.parametersValidTo, proof, findings, ok: opts.prove === false ? true : proof.holds, importType: opts.importType });
  } catch (e) {
    throw run.fail(e);
  } finally {
    if (!opts.keepMaterial) material.dispose();
  }
}
