// Runs the import flow (src/flow) for the extension: reads and parses the material on the host,
// shows progress with cancellation, stores the secret-free result, maps failures to cause and action.
import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isKmsImportError } from '../core/errors';
import { readFileChecked } from '../core/fsutil';
import { MAX_MATERIAL_FILE_BYTES, parseMaterial, type KeyMaterial } from '../core/material';
import type { KeySpec, KeyUsage, WrappingAlgorithm, WrappingKeySpec } from '../core/specs';
import { describeFailure, type Failure } from '../flow/failure';
import { runImportFlow } from '../flow/importFlow';
import { STEP_LABELS, isImportFlowError, type ImportFlowResult, type StepEvent } from '../flow/types';
import type { ImportType } from '../providers/types';
import type { AccountRef } from './model/treeModel';
import type { Services } from './services';
import { settings } from './settings';
import { bundleFolderName, checkedBundleBase, freePath, type BundleNameSource } from './model/outputPaths';
import { toStored } from './results';
import { bundleLogLine, proofLogLine, stepLogLine } from './model/logLines';
import { readBundle } from '../core/bundle';
import { UserCancelled } from './commands/run';

export interface ImportJob {
  account: AccountRef;
  region: string;
  materialPath: string;
  passphrase?: string;
  target: { keyId: string } | { create: { keySpec: KeySpec; keyUsage: KeyUsage; alias?: string; description?: string } };
  wrappingKeySpec?: WrappingKeySpec;
  wrappingAlgorithm?: WrappingAlgorithm;
  expiration: { model: 'KEY_MATERIAL_DOES_NOT_EXPIRE' } | { model: 'KEY_MATERIAL_EXPIRES'; validTo: Date };
  importType?: ImportType;
  onStep?: (e: StepEvent) => void;
  signal?: AbortSignal;
}

export type MappedError = Pick<Failure, 'title' | 'cause' | 'action' | 'nextStep'>;

/** One shape for every failure the flow can raise (for the form and for notifications): the flow's one mapping. */
export function mapFailure(e: unknown): MappedError {
  const { title, cause, action, nextStep } = describeFailure(e);
  return { title, cause, action, nextStep };
}

/** Reads and parses a material file on the host; the caller must dispose() the result. */
export async function readMaterial(file: string, passphrase?: string): Promise<KeyMaterial> {
  const bytes = await readFileChecked(file, MAX_MATERIAL_FILE_BYTES);
  try {
    return parseMaterial(bytes, { passphrase, fileName: path.basename(file) });
  } finally {
    bytes.fill(0);
  }
}

/** Reads material, asking for the passphrase (password input, never stored) when the file is encrypted. */
export async function readMaterialInteractive(file: string, passphrase?: string): Promise<{ material: KeyMaterial; passphrase?: string }> {
  try {
    return { material: await readMaterial(file, passphrase), passphrase };
  } catch (e) {
    if (!isKmsImportError(e) || !/PASSPHRASE/.test(e.code)) throw e;
    const pass = await vscode.window.showInputBox({ password: true, ignoreFocusOut: true, title: vscode.l10n.t('Passphrase for {0}', path.basename(file)), prompt: e.message });
    if (pass === undefined) throw new UserCancelled();
    return { material: await readMaterial(file, pass), passphrase: pass };
  }
}

/**
 * Where a new parameter bundle goes: <workspace>/<bundleFolder>/<alias or short key id>-<timestamp>
 * (model/outputPaths.ts bundleFolderName), else global storage. The bundle folder stays inside the
 * workspace; a name already taken gets -2, -3, … (an existing folder is never written into).
 */
export async function newBundleDir(s: Services, key: BundleNameSource, purpose?: 'rotation', now = new Date()): Promise<string> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  let base = path.join(s.context.globalStorageUri.fsPath, 'bundles');
  if (folder) {
    const checked = await checkedBundleBase(folder, settings.bundleFolder());
    if (checked.refused) s.log.warn(checked.refused);
    base = checked.base;
  }
  return freePath(path.join(base, bundleFolderName(key, now, purpose)));
}

/** Runs the whole flow with a cancellable notification; returns the result (also stored). */
export async function runImport(s: Services, job: ImportJob): Promise<ImportFlowResult> {
  const provider = await s.accounts.provider(job.account, job.region);
  // The bundle is named after the key as the Keys view labels it (an existing key's aliases from its listing).
  const target = job.target;
  const named: BundleNameSource = 'keyId' in target ? { keyId: target.keyId, aliases: s.tree.knownKeysAll().find((k) => k.keyId === target.keyId)?.aliases } : { aliases: target.create.alias ? [target.create.alias] : undefined, keySpec: target.create.keySpec };
  const bundleDir = await newBundleDir(s, named);
  await fs.mkdir(path.dirname(bundleDir), { recursive: true });
  // Read last: nothing between here and the progress callback's finally (which disposes it) can throw.
  const material = await readMaterial(job.materialPath, job.passphrase);
  s.log.info(`Import started: ${'keyId' in job.target ? `key ${job.target.keyId}` : `new ${job.target.create.keySpec} key`} in ${job.account.id}/${job.region}; material ${material.description}; bundle ${bundleDir}`);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Importing key material'), cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      const outer = job.signal;
      const onOuter = () => controller.abort();
      outer?.addEventListener('abort', onOuter);
      try {
        const result = await runImportFlow({
          provider,
          material,
          target: 'keyId' in job.target ? { keyId: job.target.keyId } : { create: { ...job.target.create, description: job.target.create.description ?? 'Imported with KMS Key Import' } },
          wrappingAlgorithm: job.wrappingAlgorithm,
          wrappingKeySpec: job.wrappingKeySpec,
          bundleDir,
          expiration: job.expiration,
          importType: job.importType,
          signal: controller.signal,
          onStep: (e) => {
            s.log.info(stepLogLine(e));
            if (e.status === 'running') progress.report({ message: STEP_LABELS[e.id] });
            job.onStep?.(e);
          },
        });
        if (result.bundleDir) await readBundle(result.bundleDir).then((b) => s.log.info(bundleLogLine(result.bundleDir!, b)), (e) => s.log.warn(`Could not read back ${result.bundleDir}`, e));
        s.log.info(`Import finished: ${proofLogLine(result.keyId, result.proof)}`);
        await s.results.put(toStored(result, job.account.id, job.region));
        const createdAlias = 'create' in job.target ? job.target.create.alias : undefined;
        // Huawei's key_alias is bare; AWS's alias names start with alias/.
        const aliases = createdAlias ? [job.account.kind === 'huawei' || createdAlias.startsWith('alias/') ? createdAlias : `alias/${createdAlias}`] : undefined;
        void s.tree.refreshKey(job.account, job.region, result.keyId, aliases).then(() => {
          if ('create' in job.target) s.tree.fireRegion(job.account.id, job.region);
        });
        return result;
      } catch (e) {
        if (controller.signal.aborted && !isImportFlowError(e)) throw new UserCancelled();
        throw e;
      } finally {
        sub.dispose();
        outer?.removeEventListener('abort', onOuter);
        material.dispose();
      }
    },
  );
}
