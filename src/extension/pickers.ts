// Quick picks used when a command runs from the palette instead of a tree item.
import * as vscode from 'vscode';
import type { MaterialFacts } from '../core/rules';
import type { KeyInfo } from '../providers/types';
import { UserCancelled } from './commands/run';
import { keysForMaterial } from './model/bundleChoice';
import { filterKeys, keyDescription, keyLabel, providerForAccount, regionsFor, sortKeys, type AccountRef, type KeyFilter } from './model/treeModel';
import type { Services } from './services';
import { settings } from './settings';
import { isAccountNode, isKeyNode, isRegionNode, type KeyNode, type RegionNode } from './tree/nodes';

/** globalState: the id of the account last chosen in the account pick. */
const LAST_ACCOUNT = 'kmsImport.lastAccount';

export async function pickAccountRegion(s: Services, arg?: unknown): Promise<{ account: AccountRef; region: string }> {
  if (isRegionNode(arg) || isKeyNode(arg)) return { account: arg.account, region: arg.region };
  let account = isAccountNode(arg) ? arg.account : undefined;
  if (!account) {
    const accounts = await s.accounts.list();
    // The account chosen last comes first (Enter takes it again): the Sandbox's two APIs are two accounts.
    const last = s.context.globalState.get<string>(LAST_ACCOUNT);
    const ordered = [...accounts].sort((a, b) => Number(b.id === last) - Number(a.id === last));
    const picked =
      accounts.length === 1
        ? { account: accounts[0] }
        : await vscode.window.showQuickPick(
            ordered.map((a) => ({
              label: a.kind === 'sandbox' ? vscode.l10n.t('Sandbox: AWS KMS') : a.huawei?.sandbox ? vscode.l10n.t('Sandbox: Huawei Cloud KMS') : a.label,
              description: [a.kind === 'sandbox' || a.huawei?.sandbox ? vscode.l10n.t('local') : a.kind === 'huawei' ? vscode.l10n.t('Huawei Cloud · {0}', a.huawei?.regions.join(', ') ?? '') : a.defaultRegion, a.id === last ? vscode.l10n.t('last used') : undefined].filter(Boolean).join(' · '),
              account: a,
            })),
            { title: vscode.l10n.t('Choose an account'), ignoreFocusOut: true },
          );
    if (!picked) throw new UserCancelled();
    account = picked.account;
    if (accounts.length > 1) await s.context.globalState.update(LAST_ACCOUNT, account.id);
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

/**
 * The key to download new parameters for, to import a material file (the explorer wrap): only keys whose
 * key spec fits the file (model/bundleChoice.ts keysForMaterial), pending-import ones first, under
 * "Create a KMS key for this … key…" — so nothing that does not fit is offered, let alone preselected.
 */
export async function pickKeyForMaterial(s: Services, facts: MaterialFacts, what: string): Promise<KeyNode | { create: true; account: AccountRef; region: string }> {
  const { account, region } = await pickAccountRegion(s, undefined);
  const keys: KeyInfo[] = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Listing keys in {0}…', region) }, () => s.tree.loadKeys(account, region));
  const fit = keysForMaterial(keys, facts, providerForAccount(account, region));
  type Item = vscode.QuickPickItem & { key?: KeyInfo; create?: true };
  const items: Item[] = [];
  if (facts.keySpec) items.push({ label: `$(add) ${vscode.l10n.t('Create a KMS key for this {0} key and download parameters', facts.keySpec)}`, detail: vscode.l10n.t('Opens the import form with this file: create, download, wrap, import and prove.'), create: true });
  items.push({ label: fit.length ? vscode.l10n.t('Keys in {0} that fit {1}', region, what) : vscode.l10n.t('No key in {0} fits {1}', region, what), kind: vscode.QuickPickItemKind.Separator });
  items.push(...fit.map((k): Item => ({ label: keyLabel(k), description: keyDescription(k), detail: k.arn, key: k })));
  if (items.every((i) => !i.key && !i.create)) throw new Error(vscode.l10n.t('No key in {0} fits {1}: create a key for import first.', region, what));
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Download parameters for which key? (this file is {0})', what), matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true });
  if (!picked) throw new UserCancelled();
  if (picked.create) return { create: true, account, region };
  return { type: 'key', id: `key:${account.id}:${region}:${picked.key!.keyId}`, account, region, key: picked.key! };
}
