// Every command runs through one wrapper: cancellation is silent, domain and provider errors become
// one message (what happened, then what to do) with actions, details go to the log.
import * as vscode from 'vscode';
import { isKmsImportError } from '../../core/errors';
import { isProviderError } from '../../providers/types';
import type { Logger } from '../logger';
import { COMMANDS } from '../model/commandIds';

export class UserCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'UserCancelled';
  }
}

/** Thrown after a command has shown its failure itself (with its own actions): the wrapper stays silent. */
export class ErrorShown extends Error {
  constructor() {
    super('shown');
    this.name = 'ErrorShown';
  }
}

export function isCancellation(e: unknown): boolean {
  if (e instanceof UserCancelled || e instanceof ErrorShown || e instanceof vscode.CancellationError) return true;
  const err = e as { name?: string; info?: { name?: string } } | undefined;
  return err?.name === 'AbortError' || err?.info?.name === 'AbortError';
}

/** Actions a failure can offer; the handler for 'download-parameters' is supplied by the caller. */
export interface ErrorActions {
  downloadParameters?: () => unknown;
}

/** Shows an error the way users want it: the cause, the action, buttons for the next step. */
export async function showError(log: Logger, title: string, e: unknown, actions: ErrorActions = {}): Promise<void> {
  if (isCancellation(e)) return;
  const showLog = vscode.l10n.t('Show Log');
  if (isProviderError(e)) {
    const i = e.info;
    log.error(`${title}: ${i.name}: ${i.message}`, { cause: i.cause, action: i.action, requestId: i.requestId, retryable: i.retryable, ambiguous: i.ambiguous });
    const buttons: string[] = [];
    const download = vscode.l10n.t('Download New Parameters');
    const perms = vscode.l10n.t('Open IAM Docs');
    if (i.nextStep === 'download-parameters' && actions.downloadParameters) buttons.push(download);
    if (i.nextStep === 'check-permissions') buttons.push(perms);
    buttons.push(showLog);
    const choice = await vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1} {2}', title, i.cause, i.action), ...buttons);
    if (choice === download) await actions.downloadParameters?.();
    else if (choice === perms) await vscode.env.openExternal(vscode.Uri.parse('https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-conceptual.html'));
    else if (choice === showLog) log.show();
    return;
  }
  if (isKmsImportError(e)) {
    log.error(`${title}: ${e.code}: ${e.message}`, { fix: e.fix });
    const choice = await vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1} Fix: {2}', title, e.message, e.fix), showLog);
    if (choice === showLog) log.show();
    return;
  }
  log.error(`${title} failed`, e);
  const choice = await vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1}', title, (e as Error)?.message ?? String(e)), showLog);
  if (choice === showLog) log.show();
}

/** Registers a command whose failures are shown and logged by showError. */
export function registerCommand(
  id: string,
  title: string,
  log: Logger,
  handler: (...args: unknown[]) => unknown,
  actions?: ErrorActions,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    log.debug(`command ${id}`);
    try {
      return await handler(...args);
    } catch (e) {
      await showError(log, title, e, actions);
      return undefined;
    }
  });
}

export { COMMANDS };
