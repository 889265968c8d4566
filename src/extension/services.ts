// The services every command needs, built once in activate() (the composition root).
import type * as vscode from 'vscode';
import type { Accounts } from './accounts';
import type { Logger } from './logger';
import type { ResultStore } from './results';
import type { SandboxHost } from './sandboxHost';
import type { FormState } from './model/formModel';
import type { SummaryIdentity } from '../protocol/summary';
import type { KeysTree } from './tree/keysTree';
import type { PathRefs } from './model/pathRefs';

export interface Services {
  context: vscode.ExtensionContext;
  log: Logger;
  sandbox: SandboxHost;
  accounts: Accounts;
  tree: KeysTree;
  results: ResultStore;
  /** Paths the user chose, kept on the host; webviews get only their ids. */
  paths: { material: PathRefs; bundle: PathRefs };
  /** Opens (or reveals) the summary panel for a key. */
  showSummary(identity: SummaryIdentity, opts?: { beside?: boolean }): Promise<void>;
  /** Opens the import form. */
  /** Opens a clean import form; `materialPath` (a file the host chose) is read into it at once. */
  showForm(init: Partial<FormState>, materialPath?: string): void;
  /** The test material generated last in this window (the walkthrough's import step uses it). */
  lastGenerated?: string;
  /** A parameter bundle was written: the status bar rescans. */
  bundlesChanged(): void;
}
