// Loads the AWS SDK chunk (dist/aws.js) on first use: activation never pays for the SDK.
// If the chunk is missing (the extension was updated under a running window), say so with a
// "Reload Window" action instead of an opaque MODULE_NOT_FOUND.
import * as vscode from 'vscode';
import type { Logger } from './logger';

/** dist/aws.js (src/providers/aws/bundle.ts), typed from its source; the import is type-only. */
export type AwsModule = typeof import('../providers/aws/bundle');

let cached: AwsModule | undefined;

export function loadAwsModule(log: Logger): AwsModule {
  if (cached) return cached;
  const t0 = performance.now();
  try {
    // A literal require of the sibling chunk: esbuild keeps it external (scripts/build.mjs).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    cached = require('./aws.js') as AwsModule;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    log.error('Could not load the AWS SDK chunk (dist/aws.js)', err);
    if (err.code === 'MODULE_NOT_FOUND') {
      const reload = vscode.l10n.t('Reload Window');
      void vscode.window
        .showErrorMessage(vscode.l10n.t('KMS Key Import was updated or is incomplete: its AWS module is missing. Reload the window.'), reload)
        .then((c) => c === reload && vscode.commands.executeCommand('workbench.action.reloadWindow'));
    }
    throw e;
  }
  log.info(`AWS SDK chunk loaded in ${(performance.now() - t0).toFixed(1)} ms`);
  return cached;
}
