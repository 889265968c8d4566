// Commands about the view itself: refresh, filters, accounts, the sandbox, copying an ARN, the log.
import * as vscode from 'vscode';
import { COMMANDS } from '../model/commandIds';
import type { Services } from '../services';
import { isAccountNode, isKeyNode, type TreeNode } from '../tree/nodes';
import { pickKey } from '../pickers';
import { CHINA_SANDBOX_REGION, SANDBOX_REGION_CHOICES, regionPartition } from '../model/treeModel';
import { registerCommand } from './run';

export function registerTreeCommands(s: Services): vscode.Disposable[] {
  const { log, tree, sandbox } = s;
  /** Runs the sandbox in a Region (restarting it if it runs in another); returns the endpoint. */
  const runSandboxIn = async (region: string): Promise<string> => {
    const info = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Starting the KMS sandbox in {0}…', region) }, () => sandbox.useRegion(region));
    vscode.window.setStatusBarMessage(vscode.l10n.t('KMS sandbox running at {0} ({1})', info.endpoint, info.region), 5000);
    return info.endpoint;
  };
  return [
    registerCommand(COMMANDS.refresh, vscode.l10n.t('Refresh'), log, () => tree.refreshAll()),
    registerCommand(COMMANDS.refreshNode, vscode.l10n.t('Refresh'), log, (node) => tree.refreshNode(node as TreeNode | undefined)),
    registerCommand(COMMANDS.filterPending, vscode.l10n.t('Filter'), log, () => tree.setFilter('pending')),
    registerCommand(COMMANDS.filterExternal, vscode.l10n.t('Filter'), log, () => tree.setFilter('external')),
    registerCommand(COMMANDS.filterAll, vscode.l10n.t('Filter'), log, () => tree.setFilter('all')),
    // The checked twins (src/extension/model/filterMenu.ts): the same filter, shown with a check mark while it is on.
    registerCommand(COMMANDS.filterPendingChecked, vscode.l10n.t('Filter'), log, () => tree.setFilter('pending')),
    registerCommand(COMMANDS.filterExternalChecked, vscode.l10n.t('Filter'), log, () => tree.setFilter('external')),
    registerCommand(COMMANDS.filterAllChecked, vscode.l10n.t('Filter'), log, () => tree.setFilter('all')),
    registerCommand(COMMANDS.showLog, vscode.l10n.t('Show Log'), log, () => log.show()),
    registerCommand(COMMANDS.startSandbox, vscode.l10n.t('Start Sandbox'), log, async () => {
      const info = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Starting the KMS sandbox…') }, () => sandbox.start());
      vscode.window.setStatusBarMessage(vscode.l10n.t('KMS sandbox running at {0}', info.endpoint), 5000);
      return info.endpoint;
    }),
    registerCommand(COMMANDS.stopSandbox, vscode.l10n.t('Stop Sandbox'), log, () => sandbox.stop()),
    registerCommand(COMMANDS.startSandboxChina, vscode.l10n.t('Start Sandbox (China Regions)'), log, () => runSandboxIn(CHINA_SANDBOX_REGION)),
    registerCommand(COMMANDS.chooseSandboxRegion, vscode.l10n.t('Choose Sandbox Region'), log, async (arg) => {
      const region =
        typeof arg === 'string'
          ? arg
          : (
              await vscode.window.showQuickPick(
                [...new Set([...SANDBOX_REGION_CHOICES, sandbox.region])].map((r) => {
                  const p = regionPartition(r);
                  const rules = p.provider === 'aws-cn' ? vscode.l10n.t('China Regions: SM2/SM2PKE, 128-bit SM4, no RSA_AES') : vscode.l10n.t('RSA wrapping keys, 256-bit symmetric keys');
                  return { label: r, description: `${p.provider} · ${rules}`, detail: r === sandbox.region ? vscode.l10n.t('current') : undefined };
                }),
                { title: vscode.l10n.t('Region for the sandbox (keys are kept per Region)'), ignoreFocusOut: true },
              )
            )?.label;
      if (!region) return undefined;
      return runSandboxIn(region);
    }),
    registerCommand(COMMANDS.copyKeyArn, vscode.l10n.t('Copy Key ARN'), log, async (arg) => {
      const node = await pickKey(s, arg, 'all');
      await vscode.env.clipboard.writeText(node.key.arn);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', node.key.arn), 3000);
      return node.key.arn;
    }),
    registerCommand(COMMANDS.chooseProfile, vscode.l10n.t('Choose AWS Profiles'), log, async () => {
      const all = (await s.accounts.list({ allProfiles: true })).filter((a) => a.kind === 'profile');
      if (!all.length) {
        const docs = vscode.l10n.t('How to Configure');
        const c = await vscode.window.showInformationMessage(vscode.l10n.t('No AWS profiles found in ~/.aws/config or ~/.aws/credentials. Run "aws configure" or "aws configure sso", or use the Sandbox.'), docs);
        if (c === docs) await vscode.env.openExternal(vscode.Uri.parse('https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html'));
        return;
      }
      const current = vscode.workspace.getConfiguration('kmsImport').get<string[]>('profiles', []);
      const picked = await vscode.window.showQuickPick(
        all.map((a) => ({ label: a.profile ?? a.label, description: a.defaultRegion, picked: !current.length || current.includes(a.profile ?? '') })),
        { canPickMany: true, title: vscode.l10n.t('AWS profiles to show') },
      );
      if (!picked) return;
      await vscode.workspace.getConfiguration('kmsImport').update('profiles', picked.length === all.length ? [] : picked.map((p) => p.label), vscode.ConfigurationTarget.Global);
      tree.refreshAll();
    }),
    registerCommand(COMMANDS.ssoLogin, vscode.l10n.t('Sign In with AWS SSO'), log, async (arg) => {
      const node = isAccountNode(arg) ? arg : isKeyNode(arg) ? { account: arg.account } : undefined;
      const profile = node?.account.profile;
      const terminal = vscode.window.createTerminal({ name: vscode.l10n.t('AWS SSO sign-in') });
      terminal.show();
      terminal.sendText(profile ? `aws sso login --profile ${JSON.stringify(profile)}` : 'aws sso login');
      const done = vscode.l10n.t('Refresh Keys');
      const c = await vscode.window.showInformationMessage(vscode.l10n.t('Finish the sign-in in the terminal, then refresh.'), done);
      if (c === done) {
        if (node?.account) {
          s.accounts.forget(node.account.id);
          tree.cache.invalidate(node.account.id);
        }
        tree.refreshAll();
      }
    }),
  ];
}
