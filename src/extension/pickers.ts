// Quick picks used when a command runs from the palette instead of a tree item.
import * as vscode from 'vscode';
import type { KeyInfo } from '../providers/types';
import { UserCancelled } from './commands/run';
import { filterKeys, keyDescription, keyLabel, regionsFor, sortKeys, type AccountRef, type KeyFilter } from './model/treeModel';
import type { Services } from './services';
import { settings } from './settings';
import { isAccountNode, isKeyNode, isRegionNode, type KeyNode, type RegionNode } from './tree/nodes';

export async function pickAccountRegion(s: Services, arg?: unknown): Promise<{ account: AccountRef; region: string }> {
  if (isRegionNode(arg) || isKeyNode(arg)) return { account: arg.account, region: arg.region };
  let account = isAccountNode(arg) ? arg.account : undefined;
  if (!account) {
    const accounts = await s.accounts.list();
    const picked =
      accounts.length === 1
        ? { account: accounts[0] }
        : await vscode.window.showQuickPick(
            accounts.map((a) => ({
              label: a.huawei?.sandbox ? vscode.l10n.t('Sandbox: Huawei Cloud KMS') : a.label,
              description: a.kind === 'sandbox' || a.huawei?.sandbox ? vscode.l10n.t('local') : a.kind === 'huawei' ? vscode.l10n.t('Huawei Cloud · {0}', a.huawei?.regions.join(', ') ?? '') : a.defaultRegion,
              account: a,
            })),
            { title: vscode.l10n.t('Choose an account'), ignoreFocusOut: true },
          );
    if (!picked) throw new UserCancelled();
    account = picked.account;
  }
  const regions = regionsFor(account, settings.regions(), s.sandbox.region);
  if (regions.length === 1) return { account, region: regions[0] };
  const region = await vscode.window.showQuickPick(regions, { title: vscode.l10n.t('Choose a region'), ignoreFocusOut: true });
  if (!region) throw new UserCancelled();
  return { account, region };
}

/** The key a command acts on: the tree item it was invoked on, or one picked from a list. */
export async function pickKey(s: Services, arg: unknown, filter: KeyFilter = 'external', title?: string): Promise<KeyNode> {
  if (isKeyNode(arg)) return arg;
  const where: RegionNode | undefined = isRegionNode(arg) ? arg : undefined;
  const { account, region } = where ?? (await pickAccountRegion(s, arg));
  // The tree's cache: its listing when there is one, else listed now (and shown in the tree too).
  const keys: KeyInfo[] = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Listing keys in {0}…', region) }, () => s.tree.loadKeys(account, region));
  const candidates = sortKeys(filterKeys(keys, filter));
  if (!candidates.length) throw new Error(vscode.l10n.t('No suitable keys in {0}: create a key for import first.', region));
  const picked = await vscode.window.showQuickPick(
    candidates.map((k) => ({ label: keyLabel(k), description: keyDescription(k), detail: k.arn, key: k })),
    { title: title ?? vscode.l10n.t('Choose a KMS key'), matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true },
  );
  if (!picked) throw new UserCancelled();
  return { type: 'key', id: `key:${account.id}:${region}:${picked.key.keyId}`, account, region, key: picked.key };
}
