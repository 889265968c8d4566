// Step "download parameters": GetParametersForImport, written as a bundle folder that is complete or
// absent (written into a temporary sibling, then renamed into place); or parameters the user already
// has (a bundle), checked to belong to the key and to say when they expire. No vscode, no SDK.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { bundleExpiry, writeBundle, type ParameterBundle } from '../../core/bundle';
import type { WrappingAlgorithm, WrappingKeySpec } from '../../core/specs';
import type { ImportParameters, KeyInfo, KmsProvider } from '../../providers/types';
import { ImportFlowError } from '../types';
import type { FlowRun } from '../run';

export interface WrappingChoice {
  wrappingAlgorithm: WrappingAlgorithm;
  wrappingKeySpec: WrappingKeySpec;
}

/** Downloads a wrapping public key and import token; with `bundleDir`, writes them there as a bundle folder. */
export async function downloadParameters(run: FlowRun, provider: KmsProvider, key: KeyInfo, choice: WrappingChoice, bundleDir?: string): Promise<{ params: ImportParameters; bundleDir?: string }> {
  const out = await run.step('download-parameters', `GetParametersForImport ${choice.wrappingAlgorithm} / ${choice.wrappingKeySpec}`, async () => {
    const params = await provider.getParametersForImport(key.keyId, choice.wrappingAlgorithm, choice.wrappingKeySpec, { signal: run.signal });
    const dir = bundleDir
      ? await writeBundleFolder(bundleDir, {
          keyArn: key.arn,
          keyId: key.keyId,
          provider: provider.id,
          region: provider.region,
          wrappingAlgorithm: params.wrappingAlgorithm,
          wrappingKeySpec: params.wrappingKeySpec,
          validTo: params.parametersValidTo,
          issuedAt: run.now(),
          publicKey: params.publicKey,
          importToken: params.importToken,
        })
      : undefined;
    if (dir) run.partial.bundleDir = dir;
    return { params, bundleDir: dir };
  }, (r) => `${r.bundleDir ? `Saved to ${r.bundleDir}; ` : ''}${bundleExpiry({ validTo: r.params.parametersValidTo }, run.now()).label}`);
  run.partial.parametersValidTo = out.params.parametersValidTo;
  return out;
}

/** Parameters the user already has: they must belong to this key and say when they expire. */
export async function useParameters(run: FlowRun, key: KeyInfo, b: ParameterBundle, choice: WrappingChoice): Promise<ImportParameters> {
  const params = await run.step('download-parameters', undefined, () => {
    if (b.keyId && b.keyId !== key.keyId && b.keyArn !== key.arn && b.keyId !== key.arn) {
      run.refuse('download-parameters', 'BUNDLE_OTHER_KEY', `The parameter bundle ${b.source} was downloaded for key ${b.keyArn ?? b.keyId}, not for ${key.arn}.`, 'Use the bundle downloaded for this key, or download new parameters.');
    }
    if (!b.validTo) {
      run.refuse('download-parameters', 'BUNDLE_NO_EXPIRY', `The parameter bundle ${b.source} does not say when it expires.`, 'Download new parameters with this tool (it records the expiry).');
    }
    run.partial.bundleDir = b.source;
    return { keyId: key.arn, publicKey: b.publicKey, importToken: b.importToken, parametersValidTo: b.validTo, wrappingAlgorithm: choice.wrappingAlgorithm, wrappingKeySpec: choice.wrappingKeySpec } satisfies ImportParameters;
  }, () => ({ status: 'skipped', detail: `Using parameters from ${b.source} (${bundleExpiry(b, run.now()).label})` }));
  run.partial.parametersValidTo = params.parametersValidTo;
  return params;
}

/** The bundle folder's entries (undefined when it does not exist); refuses a folder that is not empty. */
export async function assertBundleDirFree(dir: string): Promise<string[] | undefined> {
  const target = path.resolve(dir);
  let existing: string[] | undefined;
  try {
    existing = await fs.readdir(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (existing && existing.length > 0) {
    throw new ImportFlowError('download-parameters', 'BUNDLE_DIR_NOT_EMPTY', `The bundle folder ${target} is not empty.`, 'Choose a new folder for the parameters (each download is one set).');
  }
  return existing;
}

/** Writes a bundle folder complete into a temporary sibling, then renames it into place (the target must not exist or be empty). */
export async function writeBundleFolder(dir: string, input: Parameters<typeof writeBundle>[1]): Promise<string> {
  const target = path.resolve(dir);
  const existing = await assertBundleDirFree(target);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${crypto.randomBytes(6).toString('hex')}.partial`);
  try {
    await writeBundle(tmp, input);
    if (existing) await fs.rmdir(target);
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  return target;
}
