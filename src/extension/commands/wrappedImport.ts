// The upload of a file wrapped elsewhere (the explorer's Import Key Material, Wrap in HSM), written once:
// the flow's runWrappedImport (expiry and size checked before upload, an ambiguous failure settled with
// DescribeKey, never replayed) under a cancellable progress notification. Guarantees:
//  - a failure is logged and shown once, with "Download New Parameters" when new parameters are the way out;
//    a cancel before anything landed is silent;
//  - on success the result is recorded with the bundle it used (the summary shows this proof under this
//    bundle; the status bar stops counting the used parameters down), the key's row is refreshed and the
//    summary shown;
//  - the wrapped bytes are zeroed when the upload ends, whatever the outcome.
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { ParameterBundle } from '../../core/bundle';
import { runWrappedImport, type WrappedImportOptions } from '../../flow/compositions';
import type { ExpirationChoice } from '../../flow/steps/upload';
import { STEP_LABELS, isImportFlowError, type ImportFlowResult } from '../../flow/types';
import { mapFailure } from '../importRunner';
import { COMMANDS } from '../model/commandIds';
import { proofLogLine, stepLogLine } from '../model/logLines';
import type { AccountRef } from '../model/treeModel';
import { toStored } from '../results';
import type { Services } from '../services';
import type { KeyNode } from '../tree/nodes';
import { ErrorShown, UserCancelled } from './run';

export interface WrappedUpload {
  account: AccountRef;
  region: string;
  keyId: string;
  /** The parameters the file was wrapped for, and their folder. */
  bundle: ParameterBundle;
  bundleDir: string;
  /** The wrapped file (for messages) and its bytes (zeroed at the end). */
  file: string;
  wrapped: Buffer;
  expiration: ExpirationChoice;
  proofInput?: WrappedImportOptions['proofInput'];
}

/** Uploads the wrapped file through the flow; resolves with the result, or throws once the failure has been shown. */
export async function uploadWrappedFile(s: Services, job: WrappedUpload): Promise<ImportFlowResult> {
  let result: ImportFlowResult;
  try {
    const provider = await s.accounts.provider(job.account, job.region);
    result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Importing {0}', path.basename(job.file)), cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      try {
        return await runWrappedImport({
          provider,
          keyId: job.keyId,
          bundle: job.bundle,
          wrapped: job.wrapped,
          proofInput: job.proofInput,
          expiration: job.expiration,
          signal: controller.signal,
          onStep: (e) => {
            s.log.info(stepLogLine(e));
            if (e.status === 'running') progress.report({ message: STEP_LABELS[e.id] });
          },
        });
      } finally {
        sub.dispose();
      }
    });
  } catch (e) {
    const m = mapFailure(e);
    s.log.error(`Import of ${job.file} failed: ${m.title}: ${m.cause}`, { action: m.action });
    if (isImportFlowError(e) && e.cancelled && e.extra.landed !== true) throw new UserCancelled();
    const download = vscode.l10n.t('Download New Parameters');
    void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1} {2}', m.title, m.cause, m.action), ...(m.nextStep === 'download-parameters' ? [download] : [])).then(async (c) => {
      if (c === download) await vscode.commands.executeCommand(COMMANDS.downloadParameters, await keyNodeFor(s, job.account.id, job.region, job.keyId));
    });
    throw new ErrorShown();
  } finally {
    job.wrapped.fill(0);
  }
  s.log.info(`Imported ${job.file} into ${job.keyId}. ${proofLogLine(job.keyId, result.proof)}`);
  await s.results.put(toStored({ ...result, bundleDir: job.bundleDir }, job.account.id, job.region));
  await s.tree.refreshKey(job.account, job.region, job.keyId);
  await s.showSummary({ accountId: job.account.id, region: job.region, keyId: job.keyId, bundleDir: job.bundleDir });
  return result;
}

/** The tree node of a key, as commands take it (described now, so its state is current). */
export async function keyNodeFor(s: Services, accountId: string, region: string, keyId: string): Promise<KeyNode> {
  const account = (await s.accounts.find(accountId))!;
  const provider = await s.accounts.provider(account, region);
  const key = await provider.describeKey(keyId);
  return { type: 'key', id: `key:${account.id}:${region}:${key.keyId}`, account, region, key };
}
