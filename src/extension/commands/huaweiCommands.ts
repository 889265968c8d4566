// Huawei Cloud accounts: Add (name, AK, SK in a password box, project id, regions, optional endpoint),
// Edit (the same questions, prefilled; the SK must be given again) and Remove (after a confirmation).
// The SK goes to VS Code's secret storage only; the rest to the extension's global state (never settings).
// Every answer is checked in its input box before the next question; Escape at any point stores nothing.
import * as vscode from 'vscode';
import { COMMANDS } from '../model/commandIds';
import { HUAWEI_DEFAULT_REGION } from '../model/treeModel';
import { huaweiChecks, parseRegions, type HuaweiFieldProblem, type StoredHuaweiAccount } from '../model/huaweiAccounts';
import type { Services } from '../services';
import { isAccountNode } from '../tree/nodes';
import { registerCommand, UserCancelled } from './run';

/** A field's problem in the user's language. */
function problemText(p: HuaweiFieldProblem): string {
  switch (p.code) {
    case 'name-empty': return vscode.l10n.t('Give the account a name (it is shown in the tree).');
    case 'name-long': return vscode.l10n.t('The name has at most 64 characters.');
    case 'name-chars': return vscode.l10n.t('The name has letters, digits, spaces and . _ - @ ( ) only.');
    case 'name-taken': return vscode.l10n.t('There is already an account named "{0}".', p.arg);
    case 'access-key': return vscode.l10n.t('An access key (AK) is 8–128 letters and digits.');
    case 'secret-key': return vscode.l10n.t('The secret access key (SK) has at least 8 characters and no spaces.');
    case 'project-id': return vscode.l10n.t('The project id is 8–64 letters, digits, _ or - (32 hexadecimal characters in Huawei Cloud).');
    case 'regions-empty': return vscode.l10n.t('Give at least one region, e.g. {0}.', HUAWEI_DEFAULT_REGION);
    case 'region-name': return vscode.l10n.t('Not a Huawei Cloud region name: {0} (e.g. cn-north-4, ap-southeast-1).', p.arg);
    case 'endpoint-url': return vscode.l10n.t('The endpoint is a URL such as https://kms.cn-north-4.myhuaweicloud.com (or empty).');
    case 'endpoint-base': return vscode.l10n.t('The endpoint is a base URL: no query or fragment.');
    case 'endpoint-http': return vscode.l10n.t('The endpoint uses https:// (plain http only to this machine, e.g. the sandbox at http://127.0.0.1:PORT).');
  }
}

async function ask(title: string, opts: { value?: string; prompt?: string; placeHolder?: string; password?: boolean; check: (v: string) => HuaweiFieldProblem | undefined }): Promise<string> {
  const v = await vscode.window.showInputBox({
    title,
    value: opts.value,
    prompt: opts.prompt,
    placeHolder: opts.placeHolder,
    password: opts.password,
    ignoreFocusOut: true,
    validateInput: (x) => {
      const problem = opts.check(x);
      return problem ? problemText(problem) : undefined;
    },
  });
  if (v === undefined) throw new UserCancelled();
  return v.trim();
}

/** Asks every field (prefilled from `existing` when editing) and stores the account. */
async function askAndSave(s: Services, existing?: StoredHuaweiAccount): Promise<StoredHuaweiAccount> {
  const store = s.accounts.huawei;
  if (!store) throw new Error(vscode.l10n.t('Huawei Cloud accounts are not available in this window.'));
  const title = existing ? vscode.l10n.t('Edit Huawei Cloud Account "{0}"', existing.name) : vscode.l10n.t('Add Huawei Cloud Account');
  const taken = store.list().map((a) => a.name).filter((n) => n !== existing?.name);
  const name = existing?.name ?? (await ask(title, { prompt: vscode.l10n.t('A name for the account (shown in the tree)'), placeHolder: 'huawei-prod', check: (v) => huaweiChecks.name(v, taken) }));
  const accessKey = await ask(title, { value: existing?.accessKey, prompt: vscode.l10n.t('Access key ID (AK)'), check: huaweiChecks.accessKey });
  const secretKey = await ask(title, { password: true, prompt: vscode.l10n.t('Secret access key (SK): kept in VS Code\'s secret storage only'), check: huaweiChecks.secretKey });
  const projectId = await ask(title, { value: existing?.projectId, prompt: vscode.l10n.t('Project ID of the region (My Credentials → Projects)'), check: huaweiChecks.projectId });
  const regions = parseRegions(await ask(title, { value: (existing?.regions ?? [HUAWEI_DEFAULT_REGION]).join(', '), prompt: vscode.l10n.t('Region(s), separated by commas'), check: huaweiChecks.regions }));
  const endpoint = await ask(title, { value: existing?.endpoint ?? '', prompt: vscode.l10n.t('KMS endpoint (optional; empty: https://kms.<region>.myhuaweicloud.com)'), check: huaweiChecks.endpoint });
  const account: StoredHuaweiAccount = { name, accessKey, projectId, regions, ...(endpoint ? { endpoint } : {}) };
  await store.save(account, secretKey);
  s.log.info(`Huawei Cloud account "${name}" ${existing ? 'updated' : 'added'} (regions ${regions.join(', ')}${endpoint ? `, endpoint ${endpoint}` : ''}); its SK is in the secret storage`);
  return account;
}

/** The stored account a command acts on: the tree item, or one picked from the list. */
async function pickStored(s: Services, arg: unknown, title: string): Promise<StoredHuaweiAccount> {
  const store = s.accounts.huawei;
  const list = store?.list() ?? [];
  if (isAccountNode(arg) && arg.account.kind === 'huawei') {
    const found = store?.get(arg.account.id.replace(/^huawei:/, ''));
    if (found) return found;
  }
  if (!list.length) throw new Error(vscode.l10n.t('No Huawei Cloud accounts were added: run "Add Huawei Cloud Account…" first.'));
  const picked = list.length === 1 && isAccountNode(arg) ? { account: list[0] } : await vscode.window.showQuickPick(list.map((a) => ({ label: a.name, description: a.regions.join(', '), account: a })), { title, ignoreFocusOut: true });
  if (!picked) throw new UserCancelled();
  return picked.account;
}

function refresh(s: Services, name: string): void {
  s.accounts.forget(`huawei:${name}`);
  s.tree.cache.invalidate(`huawei:${name}`);
  s.tree.refreshAll();
}

export function registerHuaweiCommands(s: Services): vscode.Disposable[] {
  const { log } = s;
  return [
    registerCommand(COMMANDS.addHuaweiAccount, vscode.l10n.t('Add Huawei Cloud Account'), log, async () => {
      const a = await askAndSave(s);
      refresh(s, a.name);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Added Huawei Cloud account {0}', a.name), 5000);
      return a.name;
    }),
    registerCommand(COMMANDS.editHuaweiAccount, vscode.l10n.t('Edit Huawei Cloud Account'), log, async (arg) => {
      const existing = await pickStored(s, arg, vscode.l10n.t('Edit which Huawei Cloud account?'));
      const a = await askAndSave(s, existing);
      refresh(s, a.name);
      return a.name;
    }),
    registerCommand(COMMANDS.removeHuaweiAccount, vscode.l10n.t('Remove Huawei Cloud Account'), log, async (arg) => {
      const a = await pickStored(s, arg, vscode.l10n.t('Remove which Huawei Cloud account?'));
      const remove = vscode.l10n.t('Remove');
      const c = await vscode.window.showWarningMessage(
        vscode.l10n.t('Remove the Huawei Cloud account "{0}"?', a.name),
        { modal: true, detail: vscode.l10n.t('Its access key and project are forgotten and its secret key is deleted from VS Code\'s secret storage. Its keys in Huawei Cloud KMS are not touched.') },
        remove,
      );
      if (c !== remove) throw new UserCancelled();
      await s.accounts.huawei!.remove(a.name);
      log.info(`Huawei Cloud account "${a.name}" removed, with its SK`);
      refresh(s, a.name);
      return a.name;
    }),
  ];
}
