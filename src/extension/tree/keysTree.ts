// The "Keys" view: accounts → regions → keys. Listing is cached per account and region and shown as
// it arrives; empty and error states are nodes with an action, never popups. Refreshes one node.
import * as vscode from 'vscode';
import { isProviderError, type KeyInfo } from '../../providers/types';
import type { Accounts } from '../accounts';
import type { Logger } from '../logger';
import { COMMANDS } from '../model/commandIds';
import { KeyListCache } from '../../flow/listing';
import { keyIcon } from '../model/keyIcons';
import {
  accountContextValue,
  filterKeys,
  filterLabel,
  huaweiRegionTooltip,
  keyContextValue,
  keyCount,
  keyDescription,
  treeKeyLabel,
  keyTooltip,
  regionPartition,
  regionsFor,
  sortKeys,
  SANDBOX_HUAWEI_ACCOUNT,
  type AccountRef,
  type KeyFilter,
} from '../model/treeModel';
import type { SandboxHost } from '../sandboxHost';
import { settings } from '../settings';
import type { AccountNode, KeyNode, MessageNode, RegionNode, TreeNode } from './nodes';

const EXPANDED_STATE = 'kmsImport.tree.expanded';
const FILTER_STATE = 'kmsImport.filter';

export class KeysTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The one key cache (src/flow/listing.ts), shared with the pickers and the import form. */
  readonly cache = new KeyListCache({
    concurrency: () => settings.listConcurrency(),
    onChange: (accountId, region) => {
      const node = this.nodes.get(`region:${accountId}:${region}`);
      if (node) this.fireSoon(node);
    },
  });
  private readonly nodes = new Map<string, TreeNode>();
  private readonly pendingFires = new Map<string, ReturnType<typeof setTimeout>>();
  private filter: KeyFilter;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly accounts: Accounts,
    private readonly sandbox: SandboxHost,
    private readonly state: vscode.Memento,
    private readonly log: Logger,
  ) {
    this.filter = state.get<KeyFilter>(FILTER_STATE, 'all');
    this.expanded = new Set(state.get<string[]>(EXPANDED_STATE, []));
    void vscode.commands.executeCommand('setContext', 'kmsImport.filter', this.filter);
    this.disposables.push(
      this.changed,
      sandbox.onDidChange((info) => {
        // Stopped: its keys are gone from view. Started: a listing may be waiting on the start; keep it.
        if (!info) {
          this.cache.invalidate('sandbox');
          this.cache.invalidate(SANDBOX_HUAWEI_ACCOUNT.id);
        }
        this.refreshAccount('sandbox');
      }),
    );
  }

  get currentFilter(): KeyFilter {
    return this.filter;
  }

  async setFilter(filter: KeyFilter): Promise<void> {
    this.filter = filter;
    await this.state.update(FILTER_STATE, filter);
    await vscode.commands.executeCommand('setContext', 'kmsImport.filter', filter);
    this.changed.fire(undefined);
  }

  private intern<T extends TreeNode>(node: T): T {
    const prev = this.nodes.get(node.id) as T | undefined;
    if (prev) {
      Object.assign(prev, node);
      return prev;
    }
    this.nodes.set(node.id, node);
    return node;
  }

  /** Re-renders one node (coalesced: batches of keys arrive quickly while listing). */
  private fireSoon(node: TreeNode): void {
    if (this.pendingFires.has(node.id)) return;
    this.pendingFires.set(
      node.id,
      setTimeout(() => {
        this.pendingFires.delete(node.id);
        this.changed.fire(node);
      }, 120),
    );
  }

  refreshAll(): void {
    this.cache.clear();
    this.accounts.forget();
    this.changed.fire(undefined);
  }

  refreshNode(node: TreeNode | undefined): void {
    if (!node || node.type === 'message') return this.refreshAll();
    if (node.type === 'account') {
      this.cache.invalidate(node.account.id);
      if (node.account.kind === 'sandbox') this.cache.invalidate(SANDBOX_HUAWEI_ACCOUNT.id); // its Huawei row too
    }
    else if (node.type === 'region') this.cache.invalidate(node.account.id, node.region);
    else if (node.type === 'key') {
      void this.refreshKey(node.account, node.region, node.key.keyId);
      return;
    }
    this.changed.fire(node);
  }

  refreshAccount(accountId: string): void {
    const node = this.nodes.get(`account:${accountId}`);
    this.changed.fire(node);
  }

  /** Describe one key again and update its node only. `knownAliases`: aliases just created for it (DescribeKey has none). */
  async refreshKey(account: AccountRef, region: string, keyId: string, knownAliases?: string[]): Promise<KeyInfo | undefined> {
    try {
      const p = await this.accounts.provider(account, region);
      const described = await p.describeKey(keyId);
      const key = described.aliases?.length || !knownAliases?.length ? described : { ...described, aliases: knownAliases };
      this.cache.upsert(account.id, region, key);
      const id = `key:${account.id}:${region}:${key.keyId}`;
      const node = this.nodes.get(id) as KeyNode | undefined;
      if (node) node.key = { ...key, aliases: key.aliases?.length ? key.aliases : node.key.aliases };
      // The region re-sorts its keys (a key that became PendingImport moves up at once).
      this.fireRegion(account.id, region);
      return key;
    } catch (e) {
      this.log.warn(`Could not refresh key ${keyId}`, e);
      return undefined;
    }
  }

  /** Expanded accounts and regions, remembered across reloads (the view reports expand/collapse). */
  private readonly expanded: Set<string>;
  setExpanded(id: string, expanded: boolean): void {
    if (expanded === this.expanded.has(id)) return;
    if (expanded) this.expanded.add(id);
    else this.expanded.delete(id);
    void this.state.update(EXPANDED_STATE, [...this.expanded].slice(-200));
  }
  private collapsible(id: string): vscode.TreeItemCollapsibleState {
    return this.expanded.has(id) ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
  }

  fireRegion(accountId: string, region: string): void {
    const node = this.nodes.get(`region:${accountId}:${region}`);
    this.changed.fire(node);
  }

  /** Keys known for a region (cached listing), for pickers. */
  knownKeys(accountId: string, region: string): KeyInfo[] {
    return this.cache.get(accountId, region)?.keys ?? [];
  }

  /** Every key of a region, from the cache (listed now when not cached, failed or old); shows in the tree too. */
  async loadKeys(account: AccountRef, region: string): Promise<KeyInfo[]> {
    const listing = this.cache.load(account.id, region, () => this.accounts.provider(account, region));
    await listing.result;
    return listing.keys; // with the keys patched or removed since it finished
  }

  /** The tree's row of a key it has shown (its account and region), by key id or ARN. */
  findKeyNode(keyId: string): KeyNode | undefined {
    for (const n of this.nodes.values()) if (n.type === 'key' && (n.key.keyId === keyId || n.key.arn === keyId)) return n;
    return undefined;
  }

  /** Every key of every cached listing. */
  knownKeysAll(): KeyInfo[] {
    return this.cache.allKeys();
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.type) {
      case 'account': {
        const running = this.sandbox.isRunning;
        const item = new vscode.TreeItem(node.account.label, this.collapsible(node.id));
        item.id = node.id;
        item.contextValue = accountContextValue(node.account, running);
        if (node.account.kind === 'sandbox') {
          item.iconPath = new vscode.ThemeIcon('beaker');
          item.description = running ? vscode.l10n.t('local · running in {0}', this.sandbox.region) : vscode.l10n.t('local · starts on demand in {0}', this.sandbox.region);
          item.tooltip = running ? vscode.l10n.t('Local KMS sandbox at {0}', this.sandbox.current?.endpoint ?? '') : vscode.l10n.t('Local KMS sandbox (not running: expand to start it)');
        } else if (node.account.kind === 'huawei') {
          item.iconPath = new vscode.ThemeIcon(node.account.huawei?.env ? 'terminal' : 'cloud');
          item.description = [vscode.l10n.t('Huawei Cloud'), node.account.huawei?.regions.join(', ')].filter(Boolean).join(' · ');
          item.tooltip = vscode.l10n.t('Huawei Cloud KMS · project {0}', node.account.huawei?.projectId ?? '');
        } else {
          item.iconPath = new vscode.ThemeIcon(node.account.kind === 'env' ? 'terminal' : 'account');
          item.description = [node.account.sso ? 'SSO' : node.account.credentialProcess ? 'credential_process' : undefined, node.account.defaultRegion].filter(Boolean).join(' · ');
        }
        return item;
      }
      case 'region': {
        const hw = node.account.huawei;
        // The sandbox's Huawei API sits under the Sandbox, so its row says which API it is.
        const item = new vscode.TreeItem(hw?.sandbox ? vscode.l10n.t('Huawei Cloud KMS') : node.region, this.collapsible(node.id));
        item.id = node.id;
        item.contextValue = 'kmsRegion';
        item.iconPath = new vscode.ThemeIcon(hw?.sandbox ? 'cloud' : 'globe');
        const partition = hw
          ? { tooltip: huaweiRegionTooltip(node.region, hw.sandbox ? (this.sandbox.current?.huawei.projectId ?? '') : hw.projectId, hw.sandbox ? this.sandbox.current?.huawei.endpoint : hw.endpoint), badge: undefined }
          : regionPartition(node.region, node.account.kind === 'sandbox' ? this.sandbox.current?.endpoint : settings.endpoints()[node.account.id] || undefined);
        item.tooltip = new vscode.MarkdownString(partition.tooltip);
        const l = this.cache.get(node.account.id, node.region);
        let count: string | undefined;
        if (l?.done && !l.error) {
          const shown = filterKeys(l.keys, this.filter).length;
          count = this.filter === 'all' ? keyCount(l.keys.length) : vscode.l10n.t('{0} of {1} ({2})', shown, keyCount(l.keys.length), filterLabel(this.filter));
        }
        item.description = [hw?.sandbox && node.region, partition.badge && vscode.l10n.t('{0} · China Regions', partition.badge), count].filter(Boolean).join(' · ');
        return item;
      }
      case 'key': {
        const k = node.key;
        const item = new vscode.TreeItem(treeKeyLabel(k), vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = keyDescription(k);
        item.tooltip = new vscode.MarkdownString(keyTooltip(k));
        item.contextValue = keyContextValue(k, node.account);
        const icon = keyIcon(k); // one icon per state (model/keyIcons.ts)
        item.iconPath = new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
        if (k.origin === 'EXTERNAL') item.command = { command: COMMANDS.showSummary, title: vscode.l10n.t('Show Import Summary'), arguments: [node] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = node.description;
        item.tooltip = node.tooltip;
        item.contextValue = node.contextValue;
        item.iconPath = new vscode.ThemeIcon(node.icon, node.iconColor ? new vscode.ThemeColor(node.iconColor) : undefined);
        item.command = node.command;
        return item;
      }
    }
  }

  getParent(node: TreeNode): TreeNode | undefined {
    if (node.type === 'region') return this.nodes.get(`account:${node.account.huawei?.sandbox ? 'sandbox' : node.account.id}`);
    if (node.type === 'key') return this.nodes.get(`region:${node.account.id}:${node.region}`);
    return undefined;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) {
      try {
        // The sandbox's Huawei API is a row under the Sandbox, not an account of its own at the top.
        const accounts = (await this.accounts.list()).filter((a) => !a.huawei?.sandbox);
        const nodes: TreeNode[] = accounts.map((account) => this.intern<AccountNode>({ type: 'account', id: `account:${account.id}`, account }));
        if (accounts.every((a) => a.kind === 'sandbox')) {
          nodes.push(this.message('no-profiles', vscode.l10n.t('No AWS profiles found: choose or configure one…'), 'account', { command: COMMANDS.chooseProfile, title: vscode.l10n.t('Choose AWS Profiles…') }, vscode.l10n.t('Profiles come from ~/.aws/config and ~/.aws/credentials (aws configure, aws configure sso). The Sandbox works without any.')));
        }
        return nodes;
      } catch (e) {
        this.log.error('Listing accounts failed', e);
        return [this.message('accounts-error', vscode.l10n.t('Could not read AWS profiles'), 'error', { command: COMMANDS.showLog, title: vscode.l10n.t('Show Log') }, String((e as Error).message))];
      }
    }
    if (node.type === 'account') {
      const regions = regionsFor(node.account, settings.regions(), this.sandbox.region).map((region) =>
        this.intern<RegionNode>({ type: 'region', id: `region:${node.account.id}:${region}`, account: node.account, region }),
      );
      if (node.account.kind !== 'sandbox') return regions;
      const hw = SANDBOX_HUAWEI_ACCOUNT;
      return [...regions, ...regionsFor(hw, [], '').map((region) => this.intern<RegionNode>({ type: 'region', id: `region:${hw.id}:${region}`, account: hw, region }))];
    }
    if (node.type === 'region') return this.regionChildren(node);
    return [];
  }

  private regionChildren(node: RegionNode): TreeNode[] {
    const { account, region } = node;
    // A failed listing stays (its error is shown) until Retry/Refresh invalidates it.
    const listing = this.cache.get(account.id, region) ?? this.cache.load(account.id, region, () => this.accounts.provider(account, region));
    const prefix = `${account.id}:${region}`;
    if (listing.error) return this.errorNodes(prefix, account, listing.error);
    const keys = sortKeys(filterKeys(listing.keys, this.filter)).map((key) =>
      this.intern<KeyNode>({ type: 'key', id: `key:${account.id}:${region}:${key.keyId}`, account, region, key }),
    );
    const out: TreeNode[] = [...keys];
    if (!listing.done) {
      out.push(this.message(`${prefix}:loading`, listing.keys.length ? vscode.l10n.t('Loading… {0} keys so far', listing.keys.length) : vscode.l10n.t('Loading keys…'), 'loading~spin'));
    } else if (!keys.length) {
      out.push(
        this.message(
          `${prefix}:empty`,
          this.filter === 'all' ? vscode.l10n.t('No keys in {0}. Create Key for Import…', region) : vscode.l10n.t('No {0} keys. Create Key for Import…', filterLabel(this.filter)),
          'add',
          { command: COMMANDS.createKey, title: vscode.l10n.t('Create Key for Import'), arguments: [node] },
        ),
      );
    }
    if (listing.done && listing.failures.length) {
      out.push(this.message(`${prefix}:failures`, vscode.l10n.t('{0} keys could not be described', listing.failures.length), 'warning', { command: COMMANDS.showLog, title: vscode.l10n.t('Show Log') }, listing.failures.slice(0, 5).map((f) => `${f.keyId}: ${f.message}`).join('\n'), 'list.warningForeground'));
    }
    return out;
  }

  private errorNodes(prefix: string, account: AccountRef, error: unknown): MessageNode[] {
    const node = this.errorNode(prefix, account, error);
    if (account.kind !== 'huawei' || account.huawei?.sandbox) return [node];
    // A Huawei account whose AK/SK or project is refused: edit it (env: the environment) or remove it.
    const info = isProviderError(error) ? error.info : undefined;
    const refused = /APIG\.0301|APIG\.0101|credential|secret|signature|token|not known|project|HUAWEI_CREDENTIALS_MISSING/i.test(`${info?.name ?? ''} ${info?.cause ?? ''} ${(error as { code?: string })?.code ?? ''} ${(error as Error)?.message ?? ''}`);
    if (!refused || account.huawei?.env) return [node];
    const accountNode = this.nodes.get(`account:${account.id}`);
    node.command = { command: COMMANDS.editHuaweiAccount, title: vscode.l10n.t('Edit Huawei Cloud Account…'), arguments: [accountNode] };
    node.label = vscode.l10n.t('{0} Click to edit the account.', info?.cause ?? (error as Error)?.message ?? '');
    return [node, this.message(`${prefix}:remove`, vscode.l10n.t('Remove this account'), 'trash', { command: COMMANDS.removeHuaweiAccount, title: vscode.l10n.t('Remove Huawei Cloud Account'), arguments: [accountNode] })];
  }

  private errorNode(prefix: string, account: AccountRef, error: unknown): MessageNode {
    const info = isProviderError(error) ? error.info : undefined;
    const message = info ? `${info.cause}` : (error as Error)?.message ?? String(error);
    const action = info?.action ?? '';
    this.log.warn(`Listing keys failed for ${prefix}`, error);
    const credentialsProblem = /credential|sso|token|expired|signature|security/i.test(`${info?.name ?? ''} ${message}`);
    let command: MessageNode['command'] = { command: COMMANDS.refreshNode, title: vscode.l10n.t('Retry'), arguments: [this.nodes.get(`region:${prefix}`)] };
    let label = vscode.l10n.t('Could not list keys: {0}', message);
    if ((account.kind === 'sandbox' || account.huawei?.sandbox) && !this.sandbox.isRunning) {
      command = { command: COMMANDS.startSandbox, title: vscode.l10n.t('Start Sandbox') };
      label = vscode.l10n.t('The sandbox did not start: {0}. Click to try again.', message);
    } else if (account.sso && credentialsProblem) {
      command = { command: COMMANDS.ssoLogin, title: vscode.l10n.t('Sign In with AWS SSO'), arguments: [this.nodes.get(`account:${account.id}`)] };
      label = vscode.l10n.t('Sign in with AWS SSO to list keys ({0})', account.profile ?? '');
    } else if (credentialsProblem && account.kind !== 'huawei') {
      command = { command: COMMANDS.chooseProfile, title: vscode.l10n.t('Choose AWS Profiles…') };
    }
    return this.message(`${prefix}:error`, label, 'error', command, [message, action].filter(Boolean).join('\n'), 'list.errorForeground');
  }

  private message(id: string, label: string, icon: string, command?: MessageNode['command'], tooltip?: string, iconColor?: string): MessageNode {
    return this.intern<MessageNode>({ type: 'message', id: `message:${id}`, label, icon, command, tooltip, iconColor, contextValue: 'kmsMessage' });
  }

  dispose(): void {
    for (const t of this.pendingFires.values()) clearTimeout(t);
    this.cache.clear();
    for (const d of this.disposables) d.dispose();
  }
}
