// Host side of the summary panel: the bundle's README as a person wants it, the key's state, the
// proof, and the next step. Rebuilt after a reload from a small identity (WebviewPanelSerializer):
// the webview holds the bundle folder only as an id this host handed out; a path it names is ignored.
import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readBundle, type ParameterBundle } from '../../core/bundle';
import { fingerprint } from '../../core/encoding';
import { isProviderError, type KeyInfo } from '../../providers/types';
import { COMMANDS, SUMMARY_VIEW_TYPE } from '../model/commandIds';
import { materialExpiry } from '../model/expiry';
import { keyLabel, providerForAccount, providerForRegion } from '../model/treeModel';
import type { Services } from '../services';
import { settings } from '../settings';
import { bundleStage, fileRole, nextStep, primaryAction, proofChecks, summaryTerms } from '../model/summaryModel';
import { renderHtml, webviewOptions } from './html';
import { reviveSummaryIdentity } from '../model/pathRefs';
import { isFromSummary, type FromSummary, type SummaryData, type SummaryFile, type SummaryIdentity, type SummaryRef, type ToSummary } from '../../protocol/summary';

export class SummaryPanel implements vscode.Disposable {
  private static readonly panels = new Map<string, SummaryPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private last?: SummaryData;

  static async show(s: Services, identity: SummaryIdentity, opts: { beside?: boolean } = {}): Promise<SummaryPanel> {
    void vscode.commands.executeCommand('setContext', 'kmsImport.walkthrough.summaryShown', true);
    const existing = SummaryPanel.panels.get(identity.keyId);
    if (existing) {
      existing.identity = { ...existing.identity, ...identity, bundleDir: identity.bundleDir ?? existing.identity.bundleDir };
      existing.panel.reveal(undefined, opts.beside);
      await existing.update();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(SUMMARY_VIEW_TYPE, vscode.l10n.t('Import Summary'), { viewColumn: opts.beside ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active, preserveFocus: !!opts.beside }, webviewOptions(s.context.extensionUri, vscode.Uri.joinPath));
    const p = new SummaryPanel(s, panel, identity);
    await p.update();
    return p;
  }

  /** WebviewPanelSerializer: rebuild from the identity the webview saved; dispose if there is none. */
  static async revive(s: Services, panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const identity = reviveSummaryIdentity(state, s.paths.bundle);
    if (!identity) {
      panel.dispose();
      return;
    }
    panel.webview.options = webviewOptions(s.context.extensionUri, vscode.Uri.joinPath);
    const p = new SummaryPanel(s, panel, identity);
    await p.update();
  }

  private constructor(
    private readonly s: Services,
    readonly panel: vscode.WebviewPanel,
    private identity: SummaryIdentity,
  ) {
    SummaryPanel.panels.set(identity.keyId, this);
    panel.iconPath = vscode.Uri.joinPath(s.context.extensionUri, 'media', 'icons', 'kms.svg');
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible) this.ready = false; // torn down while hidden; it says ready again
      }),
      panel.webview.onDidReceiveMessage((m: unknown) => {
        if (!isFromSummary(m)) {
          this.s.log.warn('Summary: ignored a malformed message from the webview');
          return;
        }
        void this.handle(m);
      }),
    );
    const initial: { identity: SummaryRef } = { identity: { accountId: identity.accountId, region: identity.region, keyId: identity.keyId } };
    panel.webview.html = renderHtml({ webview: panel.webview, extensionUri: s.context.extensionUri, joinPath: vscode.Uri.joinPath, script: 'summary.js', title: vscode.l10n.t('Import Summary'), initial, lang: vscode.env.language });
  }

  private post(m: ToSummary): void {
    if (this.ready) void this.panel.webview.postMessage(m);
  }

  async update(): Promise<void> {
    const data = await this.collect();
    this.last = data;
    this.panel.title = vscode.l10n.t('Import Summary: {0}', data.key ? (data.key.alias ?? data.key.keyId.slice(0, 8)) : this.identity.keyId.slice(0, 8));
    this.post({ type: 'data', data });
  }

  private async collect(): Promise<SummaryData> {
    const { accountId, region, keyId } = this.identity;
    const stored = this.s.results.get(keyId);
    const bundleDir = this.identity.bundleDir ?? stored?.bundleDir;
    const account = await this.s.accounts.find(accountId);
    const ref: SummaryRef = { accountId, region, keyId, ...(bundleDir ? { bundleId: await this.s.paths.bundle.remember(bundleDir) } : {}) };
    // The account's kind decides the rules and words (a Huawei account: Huawei Cloud KMS's).
    const provider = account ? providerForAccount(account, region) : providerForRegion(region);
    const data: SummaryData = { identity: ref, accountLabel: account?.label ?? accountId, provider, terms: summaryTerms(provider), nextStep: '', warnMs: settings.expiryWarningMinutes() * 60_000 };
    let key: KeyInfo | undefined;
    if (account) {
      try {
        const p = await this.s.accounts.provider(account, region);
        key = await p.describeKey(keyId);
        const known = this.s.tree.knownKeys(account.id, region).find((k) => k.keyId === key!.keyId);
        if (known?.aliases?.length && !key.aliases?.length) key = { ...key, aliases: known.aliases };
        if (!key.aliases?.length) {
          const aliases = (await p.listAliases().catch(() => [])).filter((a) => a.targetKeyId === key!.keyId).map((a) => a.aliasName);
          if (aliases.length) key = { ...key, aliases };
        }
        const exp = materialExpiry(key);
        data.key = {
          keyId: key.keyId,
          arn: key.arn,
          alias: key.aliases?.length ? keyLabel(key) : undefined,
          keySpec: key.keySpec,
          keyUsage: key.keyUsage,
          keyState: key.keyState,
          origin: key.origin,
          expirationModel: key.expirationModel,
          validTo: key.validTo?.toISOString(),
          materialLabel: exp.kind === 'not-external' ? 'not imported (origin ' + key.origin + ')' : exp.label,
          currentKeyMaterialId: key.currentKeyMaterialId,
          multiRegion: key.multiRegion,
        };
      } catch (e) {
        data.keyError = isProviderError(e) ? `${e.info.cause} ${e.info.action}` : (e as Error).message;
      }
    } else {
      data.keyError = vscode.l10n.t('The account {0} is not configured here.', accountId);
    }
    if (bundleDir) {
      try {
        const b = await readBundle(bundleDir);
        data.bundle = { dir: bundleDir, layout: b.layout, wrappingAlgorithm: b.wrappingAlgorithm, wrappingKeySpec: b.wrappingKeySpec, parametersValidTo: b.validTo?.toISOString(), issuedAt: b.issuedAt?.toISOString(), files: await this.files(b, bundleDir) };
      } catch (e) {
        data.bundleError = (e as Error).message;
      }
    }
    // The proof belongs to the bundle its import used: another bundle's proof is not shown as this one's.
    if (stored && stored.keyId === keyId && (!data.bundle || stored.bundleDir === data.bundle.dir)) {
      data.proof = { method: stored.proof.method, holds: stored.proof.holds, detail: stored.proof.detail, keyMaterialId: stored.keyMaterialId, importedAt: stored.importedAt, checks: proofChecks(provider, data.key, stored.proof) };
    }
    if (data.bundle) data.bundleStage = bundleStage(data.bundle, stored?.keyId === keyId ? stored : undefined, this.s.results.usedBundles().has(data.bundle.dir));
    data.nextStep = nextStep({ ...data, provider });
    data.primary = primaryAction(data);
    return data;
  }

  private async files(b: ParameterBundle, dir: string): Promise<SummaryFile[]> {
    const out: SummaryFile[] = [];
    let names: string[];
    try {
      const st = await fs.stat(dir);
      names = st.isDirectory() ? (await fs.readdir(dir)).filter((n) => !n.startsWith('.')).sort() : [path.basename(dir)];
    } catch {
      return out;
    }
    for (const name of names) {
      const full = st(dir, name);
      let size: number | undefined;
      try {
        size = (await fs.stat(full)).size;
      } catch {
        /* listed a moment ago: gone now */
      }
      // By the names the reader found (b.files holds names inside the folder), so Huawei's console files count too.
      const role = fileRole(name, b.files);
      // Fingerprints identify the files; the token itself is never shown.
      const fp = role === 'wrapping public key' ? fingerprint(b.publicKey) : role === 'import token' ? fingerprint(b.importToken) : undefined;
      out.push({ name, role, size, fingerprint: fp });
    }
    return out;
  }

  private async handle(m: FromSummary): Promise<void> {
    try {
      if (m.type === 'ready') {
        this.ready = true;
        if (this.last) this.post({ type: 'data', data: this.last });
        else await this.update();
      } else {
        const node = await this.keyNode();
        switch (m.action) {
          case 'refresh':
            await this.update();
            break;
          case 'downloadParameters': {
            const dir = await vscode.commands.executeCommand<string | undefined>(COMMANDS.downloadParameters, node);
            if (dir) this.identity = { ...this.identity, bundleDir: dir };
            await this.update();
            break;
          }
          case 'importMaterial':
            await vscode.commands.executeCommand(COMMANDS.importMaterial, node);
            break;
          case 'verify':
            await vscode.commands.executeCommand(COMMANDS.verifyKey, node);
            await this.update();
            break;
          case 'revealBundle':
            if (this.last?.bundle?.dir) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(this.last.bundle.dir));
            break;
          case 'copyArn':
            if (this.last?.key?.arn) await vscode.env.clipboard.writeText(this.last.key.arn);
            break;
        }
      }
      this.post({ type: 'reply', requestId: m.requestId, ok: true });
    } catch (e) {
      this.s.log.warn(`Summary: ${m.type} failed`, e);
      this.post({ type: 'reply', requestId: m.requestId, ok: false, error: (e as Error).message });
    }
  }

  private async keyNode() {
    const account = await this.s.accounts.find(this.identity.accountId);
    if (!account) throw new Error(vscode.l10n.t('The account {0} is not configured here.', this.identity.accountId));
    const l = this.last?.key;
    return {
      type: 'key' as const,
      id: `key:${account.id}:${this.identity.region}:${this.identity.keyId}`,
      account,
      region: this.identity.region,
      key: l
        ? ({ keyId: l.keyId, arn: l.arn, keySpec: l.keySpec, keyUsage: l.keyUsage, keyState: l.keyState, origin: l.origin, enabled: l.keyState === 'Enabled', aliases: l.alias ? [`alias/${l.alias}`] : undefined } as KeyInfo)
        : ({ keyId: this.identity.keyId, arn: this.identity.keyId } as KeyInfo),
    };
  }

  static refreshAll(): void {
    for (const p of SummaryPanel.panels.values()) void p.update();
  }

  dispose(): void {
    if (SummaryPanel.panels.get(this.identity.keyId) === this) SummaryPanel.panels.delete(this.identity.keyId);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

function st(dir: string, name: string): string {
  return path.join(dir, name);
}
