// Status bar item counting down to the nearest parameter expiry among the bundles in the workspace
// (kms-import.json manifests, found with findFiles and kept current by a FileSystemWatcher; node_modules
// is never scanned). A notification warns once per bundle when it enters the warning window (1 h).
import * as vscode from 'vscode';
import * as path from 'node:path';
import { COMMANDS } from './model/commandIds';
import { dueWarnings, manifestExpiry, nearestExpiry, warnKey, type ManifestExpiry } from './model/bundleExpiryScan';
import { parametersCountdown } from './model/expiry';
import type { Logger } from './logger';
import { settings } from './settings';

export class BundleStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('kmsImport.parametersExpiry', vscode.StatusBarAlignment.Left, 50);
  private readonly items = new Map<string, ManifestExpiry>();
  private readonly warned = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Bundle folders an import used: not counted down, not warned about. */
  usedBundles: () => ReadonlySet<string> = () => new Set();

  constructor(private readonly log: Logger) {
    this.item.name = vscode.l10n.t('KMS import parameters');
    const watcher = vscode.workspace.createFileSystemWatcher('**/kms-import.json');
    this.disposables.push(
      this.item,
      watcher,
      watcher.onDidCreate((u) => void this.read(u)),
      watcher.onDidChange((u) => void this.read(u)),
      watcher.onDidDelete((u) => {
        this.items.delete(path.dirname(u.fsPath));
        this.render();
      }),
    );
  }

  /** Initial scan (called after activation, not during it). */
  async scan(): Promise<void> {
    if (!vscode.workspace.workspaceFolders?.length) return;
    const found = await vscode.workspace.findFiles('**/kms-import.json', '{**/node_modules/**,**/.git/**}', 500);
    await Promise.all(found.map((u) => this.read(u, false)));
    this.render();
    if (!this.timer) this.timer = setInterval(() => this.render(), 30_000);
  }

  private async read(uri: vscode.Uri, render = true): Promise<void> {
    if (uri.fsPath.includes(`${path.sep}node_modules${path.sep}`)) return;
    try {
      const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
      const e = manifestExpiry(path.dirname(uri.fsPath), text);
      if (e) this.items.set(e.dir, e);
      else this.items.delete(path.dirname(uri.fsPath));
    } catch (err) {
      this.log.debug(`status bar: could not read ${uri.fsPath}`, err);
    }
    if (render) this.render();
  }

  render(now = new Date()): void {
    const all = [...this.items.values()];
    // Explorer menus offer "Show Import Summary" / "Import Key Material" on these folders only.
    void vscode.commands.executeCommand('setContext', 'kmsImport.bundleDirs', all.map((i) => vscode.Uri.file(i.dir).path));
    const used = this.usedBundles();
    const next = nearestExpiry(all, now, used);
    const warnMs = settings.expiryWarningMinutes() * 60_000;
    if (!next) {
      this.item.hide();
      return;
    }
    const c = parametersCountdown(next.validTo, now, warnMs);
    this.item.text = `$(watch) ${vscode.l10n.t('KMS parameters: {0}', c.label)}`;
    this.item.tooltip = vscode.l10n.t('Import parameters in {0} {1} (valid to {2}). Click for the summary.', path.basename(next.dir), c.label, next.validTo.toISOString());
    this.item.backgroundColor = c.level === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.command = { command: COMMANDS.showSummary, title: vscode.l10n.t('Show Import Summary'), arguments: [vscode.Uri.file(next.dir)] };
    this.item.show();
    for (const due of dueWarnings(all, this.warned, warnMs, now, used)) {
      this.warned.add(warnKey(due));
      const open = vscode.l10n.t('Show Import Summary');
      void vscode.window
        .showWarningMessage(vscode.l10n.t('The import parameters in {0} expire in {1}. Import before then, or download new parameters.', path.basename(due.dir), parametersCountdown(due.validTo, now, warnMs).label.replace(/^expires in /, '')), open)
        .then((x) => x === open && vscode.commands.executeCommand(COMMANDS.showSummary, vscode.Uri.file(due.dir)));
    }
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
