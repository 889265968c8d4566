// Composition root: builds the services and registers views, commands, panels and the status bar.
// No network and no credential work here; the AWS SDK chunk loads on first use. Activation is timed.
import * as vscode from 'vscode';
import { Accounts } from './accounts';
import { registerBundleCommands } from './commands/bundleCommands';
import { registerHsmCommands } from './commands/hsmCommands';
import { registerHuaweiCommands } from './commands/huaweiCommands';
import { HuaweiAccountStore } from './model/huaweiAccounts';
import { registerKeyCommands } from './commands/keyCommands';
import { registerTreeCommands } from './commands/treeCommands';
import { Logger } from './logger';
import { FORM_VIEW_TYPE, KEYS_VIEW_ID, SUMMARY_VIEW_TYPE } from './model/commandIds';
import { PathRefs } from './model/pathRefs';
import { ResultStore } from './results';
import { SandboxHost } from './sandboxHost';
import type { Services } from './services';
import { settings } from './settings';
import { BundleStatus } from './statusBar';
import { KeysTree } from './tree/keysTree';
import { FormPanel } from './webviews/formPanel';
import { SummaryPanel } from './webviews/summaryPanel';

let services: Services | undefined;

export function activate(context: vscode.ExtensionContext): { services: () => Services | undefined } {
  const t0 = performance.now();
  const log = new Logger();
  const sandbox = new SandboxHost(context.globalStorageUri, log, context.globalState);
  // Huawei Cloud accounts: the SK in VS Code's secret storage, the rest in global state.
  const accounts = new Accounts(sandbox, log, new HuaweiAccountStore(context.globalState, context.secrets));
  const tree = new KeysTree(accounts, sandbox, context.workspaceState, log);
  const status = new BundleStatus(log);
  const results = new ResultStore(context.workspaceState);
  status.usedBundles = () => results.usedBundles();
  results.onDidChange(() => status.render());
  // The walkthrough's import step is ticked by a successful import, not by opening the form.
  results.onDidChange(() => void vscode.commands.executeCommand('setContext', 'kmsImport.walkthrough.imported', true));
  const s: Services = {
    context,
    log,
    sandbox,
    accounts,
    tree,
    results,
    paths: { material: new PathRefs(context.workspaceState, 'material'), bundle: new PathRefs(context.workspaceState, 'bundle') },
    showSummary: async (identity, opts) => {
      await SummaryPanel.show(s, identity, opts);
    },
    showForm: (init, materialPath) => void FormPanel.show(s, init, materialPath),
    bundlesChanged: () => void status.scan(),
  };
  services = s;
  const view = vscode.window.createTreeView(KEYS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  // The Sandbox and its Region stay expanded after a reload.
  view.onDidExpandElement((e) => e.element.id && tree.setExpanded(e.element.id, true));
  view.onDidCollapseElement((e) => e.element.id && tree.setExpanded(e.element.id, false));
  context.subscriptions.push(
    log,
    sandbox,
    accounts,
    tree,
    view,
    status,
    ...registerTreeCommands(s),
    ...registerKeyCommands(s),
    ...registerBundleCommands(s),
    ...registerHsmCommands(s),
    ...registerHuaweiCommands(s),
    vscode.window.registerWebviewPanelSerializer(SUMMARY_VIEW_TYPE, { deserializeWebviewPanel: (panel, state) => SummaryPanel.revive(s, panel, state) }),
    vscode.window.registerWebviewPanelSerializer(FORM_VIEW_TYPE, { deserializeWebviewPanel: async (panel, state) => void FormPanel.revive(s, panel, state) }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (settings.affects(e, 'regions') || settings.affects(e, 'profiles') || settings.affects(e, 'endpoints')) tree.refreshAll();
      if (settings.affects(e, 'expiryWarningMinutes')) status.render();
      if (settings.affects(e, 'sandbox.region')) {
        void sandbox.settingChanged().catch((err) => log.error('Moving the sandbox to the new Region failed', err));
        tree.refreshAccount('sandbox');
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => tree.refreshAll()),
    sandbox.onDidChange(() => SummaryPanel.refreshAll()),
  );
  void vscode.commands.executeCommand('setContext', 'kmsImport.activated', true);
  // After activation returns: scanning the workspace and starting a local server are not activation work.
  setTimeout(() => {
    void status.scan().catch((e) => log.warn('Scanning the workspace for parameter bundles failed', e));
    if (settings.sandboxAutoStart()) void sandbox.start().catch((e) => log.error('Sandbox auto-start failed', e));
  }, 0);
  log.info(`Activated in ${(performance.now() - t0).toFixed(1)} ms (trusted workspace: ${vscode.workspace.isTrusted})`);
  return { services: () => services };
}

export function deactivate(): Promise<void> | undefined {
  const s = services;
  services = undefined;
  return s?.sandbox.stop();
}
