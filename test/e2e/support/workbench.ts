// Drives the extension in a real VS Code: code-server (workbench + Node extension host) through Chromium with
// playwright-core. One Workbench = one code-server process (fresh user-data-dir, extension installed from the
// packaged .vsix) + one Chromium. close() stops both by pid, and is safe to call twice.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { join, basename } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium, type Browser, type Frame, type Page, type Locator } from 'playwright-core';
import { startCodeServer, toolPaths, unpackVsix, installExtensionDir, listFiles, waitFor, type CodeServerHandle } from '../../../scripts/vscode-host.mjs';
import { repoRoot, buildVsix } from './vsix';

export const TIMEOUT = 60_000;

export interface LaunchOptions {
  /** Folder opened in the workbench. */
  workspace: string;
  /** User settings (merged over the harness's quiet defaults). */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and its extension host. */
  env?: Record<string, string>;
  /** Called with the extensions folder after the extension is installed, before code-server starts. */
  beforeStart?: (extensionsDir: string) => void;
}

export class Workbench {
  /** Every message posted between a webview and the extension host, as "<direction> <JSON>", in order. */
  readonly webviewMessages: string[] = [];
  /** Console output of the workbench and its webviews (shown when a test fails). */
  readonly console: string[] = [];

  private constructor(
    readonly server: CodeServerHandle,
    readonly browser: Browser,
    readonly page: Page,
    readonly scratch: string,
  ) {}

  static async launch(opts: LaunchOptions): Promise<Workbench> {
    const scratch = mkdtempSync(join(tmpdir(), 'kms-e2e-'));
    const extensionsDir = join(scratch, 'extensions');
    mkdirSync(extensionsDir, { recursive: true });
    // The packaged .vsix, as users install it (KMS_IMPORT_E2E_FROM_DIST=1: the repository's dist/ instead, for quick iteration).
    if (process.env.KMS_IMPORT_E2E_FROM_DIST === '1') installExtensionDir(extensionsDir);
    else unpackVsix(await buildVsix(), extensionsDir);
    opts.beforeStart?.(extensionsDir);
    let server: CodeServerHandle | undefined;
    let browser: Browser | undefined;
    try {
      server = await startCodeServer({
        workspace: opts.workspace,
        extensionsDir,
        userDataDir: join(scratch, 'user-data'),
        settings: opts.settings,
        // No AWS profiles or credentials of the machine leak into the tests: the Sandbox is the only account.
        env: { AWS_CONFIG_FILE: join(scratch, 'aws', 'config'), AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'aws', 'credentials'), ...opts.env },
      });
      browser = await chromium.launch({
        executablePath: toolPaths().chromium,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const wb = new Workbench(server, browser, page, scratch);
      page.on('console', (m) => wb.console.push(`[${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => wb.console.push(`[pageerror] ${e.message}`));
      await wb.recordWebviewMessages();
      await page.goto(server.folderUrl);
      await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
      return wb;
    } catch (e) {
      await browser?.close().catch(() => {});
      await server?.stop();
      rmSync(scratch, { recursive: true, force: true });
      throw e;
    }
  }

  /** Stops Chromium and code-server (by pid) and removes the scratch folders. */
  async close(): Promise<void> {
    await this.browser.close().catch(() => {});
    await this.server.stop();
    if (!process.env.KMS_IMPORT_E2E_KEEP) rmSync(this.scratch, { recursive: true, force: true });
  }

  // ------------------------------------------------------------------ workbench actions

  /** The activity-bar entry of the "KMS Key Import" view container. */
  activityBarItem(): Locator {
    return this.page.locator('.activitybar .action-item a[aria-label^="KMS Key Import"], .activitybar .action-item [aria-label^="KMS Key Import"]').first();
  }

  /** Opens the KMS Key Import side bar and returns the keys tree. */
  async openKeysView(): Promise<Locator> {
    const item = this.activityBarItem();
    await item.waitFor({ timeout: 120_000 });
    const tree = this.page.locator('.sidebar .pane .monaco-list[aria-label], .sidebar .pane .monaco-list').first();
    const sidebarTitle = this.page.locator('.sidebar .composite.title .title-label h2');
    if (!(await sidebarTitle.textContent().catch(() => ''))?.toUpperCase().includes('KMS KEY IMPORT')) await item.click();
    await waitFor(async () => (await sidebarTitle.textContent())?.toUpperCase().includes('KMS KEY IMPORT'), { what: 'the KMS Key Import side bar', timeoutMs: TIMEOUT });
    return tree;
  }

  /** Drags the side bar's edge so that it is `width` px wide (so the tree's descriptions show in screenshots). */
  async setSidebarWidth(width: number): Promise<void> {
    const box = await this.page.locator('.part.sidebar').boundingBox();
    if (!box) return;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(box.x + box.width + 1, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, y, { steps: 5 });
    await this.page.mouse.up();
  }

  /** A row of the side bar's tree whose text contains `text`. */
  treeRow(text: string | RegExp): Locator {
    return this.page.locator('.sidebar .monaco-list-row').filter({ hasText: text });
  }

  /** Expands a tree row (if collapsed) by clicking its twistie. */
  async expand(row: Locator): Promise<void> {
    await row.waitFor({ timeout: TIMEOUT });
    if ((await row.getAttribute('aria-expanded')) === 'false') {
      await row.click();
      await waitFor(async () => (await row.getAttribute('aria-expanded')) === 'true', { what: 'the tree row to expand', timeoutMs: TIMEOUT });
    }
  }

  /** Runs a command from the command palette by its title ("KMS Import: Create Key for Import"). */
  async runCommand(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await this.page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 } }).catch(() => {});
    await this.page.keyboard.press('F1');
    await input.waitFor({ timeout: TIMEOUT });
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: title }).first();
    await row.waitFor({ timeout: TIMEOUT });
    await row.click();
  }

  /** The quick input (quick pick / input box) while it is open. */
  quickInput(): Locator {
    return this.page.locator('.quick-input-widget:not([style*="display: none"])');
  }

  /** Picks an item in the open quick pick whose label contains `text` (typing it first to filter). */
  async pickQuickItem(text: string, { type = true } = {}): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: TIMEOUT });
    if (type) await input.fill(text);
    const row = this.page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: text }).first();
    await row.waitFor({ timeout: TIMEOUT });
    await row.click();
  }

  /** Types into the open input box and accepts it. */
  async answerInput(value: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: TIMEOUT });
    await input.fill(value);
    await input.press('Enter');
    // The next question opens in the same widget: wait until this box has taken the answer (hidden, or
    // holding something else), so the next answer cannot be typed into this one as it closes.
    await waitFor(async () => !(await input.isVisible()) || (await input.inputValue()) !== value, { what: 'the input box to take the answer', timeoutMs: TIMEOUT });
  }

  /**
   * Answers a file dialog (showOpenDialog/showSaveDialog: in code-server the "simple" dialog, a path input over a
   * list): types the path, waits until the dialog has taken it in, then presses its OK button.
   */
  async answerFileDialog(path: string, okLabel: string): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    const input = widget.locator('input').first();
    await input.waitFor({ timeout: TIMEOUT });
    // The dialog first fills in its start folder and lists it; typing before that would be overwritten.
    await waitFor(async () => (await input.inputValue()).endsWith('/') && (await widget.locator('.monaco-list-row').count()) > 0, { what: 'the file dialog to list its start folder', timeoutMs: TIMEOUT });
    await input.fill(path);
    const name = path.split('/').pop()!;
    await widget.locator('.monaco-list-row').filter({ hasText: name }).first().waitFor({ timeout: TIMEOUT });
    await waitFor(async () => (await input.inputValue()) === path, { what: `the file dialog to hold ${path}`, timeoutMs: TIMEOUT });
    await widget.locator('.monaco-button').filter({ hasText: okLabel }).first().click();
    await input.waitFor({ state: 'hidden', timeout: TIMEOUT });
  }

  /** Right-clicks a row in the explorer and picks a context-menu entry. */
  async explorerContextMenu(fileName: string, entry: string): Promise<void> {
    const row = this.page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: new RegExp(`^\\s*${escapeRe(fileName)}\\s*$`) }).first();
    await row.waitFor({ timeout: TIMEOUT });
    await row.click({ button: 'right' });
    const item = this.page.locator('.context-view .action-item, .monaco-menu .action-item').filter({ hasText: entry }).first();
    await item.waitFor({ timeout: TIMEOUT });
    // The menu ignores a click that comes right after it opened: focus the entry by hovering, then press Enter.
    await item.hover();
    await waitFor(async () => (await item.getAttribute('class'))?.includes('focused'), { what: `the menu entry "${entry}" to take focus`, timeoutMs: 10_000 });
    await this.page.keyboard.press('Enter');
    await item.waitFor({ state: 'detached', timeout: TIMEOUT });
  }

  /** Opens the explorer view and expands folders along `relPath`. */
  async revealInExplorer(relPath: string): Promise<void> {
    if (!(await this.page.locator('.explorer-folders-view').isVisible())) await this.runCommand('View: Show Explorer');
    await this.page.locator('.explorer-folders-view').waitFor({ timeout: TIMEOUT });
    const parts = relPath.split('/').filter(Boolean);
    for (const dir of parts.slice(0, -1)) {
      const row = this.page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: new RegExp(`^\\s*${escapeRe(dir)}\\s*$`) }).first();
      await this.expand(row);
    }
  }

  /** Dismisses every notification (so the next test sees only its own). */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await waitFor(async () => (await this.page.locator('.notification-toast').count()) === 0, { what: 'the notifications to clear', timeoutMs: 10_000 });
  }

  /** A notification toast whose text matches. */
  notification(text: string | RegExp): Locator {
    return this.page.locator('.notification-toast, .notifications-center .notification-list-item').filter({ hasText: text }).first();
  }

  // ------------------------------------------------------------------ webviews

  /**
   * The content frame of the webview that contains `selector` (webviews live in nested iframes:
   * iframe.webview → iframe#active-frame). Waits until one appears.
   */
  async webviewFrame(selector: string, timeoutMs = TIMEOUT): Promise<Frame> {
    return waitFor(async () => {
      for (const f of this.page.frames()) {
        if (f === this.page.mainFrame()) continue;
        if (await f.locator(selector).count().catch(() => 0)) return f;
      }
      return undefined;
    }, { what: `a webview containing ${selector}`, timeoutMs });
  }

  /** The messages of one type the host sent to webviews, parsed (waits until `count` have arrived). */
  async hostMessages<T = Record<string, unknown>>(type: string, count = 1, timeoutMs = TIMEOUT): Promise<T[]> {
    const pick = () => this.webviewMessages
      .filter((m) => m.startsWith('host->webview '))
      .map((m) => { try { return JSON.parse(m.slice('host->webview '.length)); } catch { return undefined; } })
      .filter((m) => m?.channel === 'message' && m.args?.message?.type === type)
      .map((m) => m.args.message as T);
    return waitFor(() => { const got = pick(); return got.length >= count ? got : undefined; }, { what: `${count} "${type}" message(s) to a webview`, timeoutMs });
  }

  /** Records what crosses between the webviews and the extension host (see RECORDER). */
  private async recordWebviewMessages(): Promise<void> {
    await this.page.exposeBinding('__kmsE2eRecord', (_src, dir: string, text: string) => {
      this.webviewMessages.push(`${dir} ${text}`);
    });
    await this.page.addInitScript({ content: RECORDER });
  }

  // ------------------------------------------------------------------ logs and screenshots

  /** Every log file code-server and the extension host wrote so far. */
  logFiles(): string[] {
    return listFiles(this.server.logsDir);
  }

  /** The "KMS Key Import" LogOutputChannel's files (one per extension host: each window reload starts one). */
  extensionLogFiles(): string[] {
    return this.logFiles().filter((f) => basename(f).includes('KMS Key Import') && f.endsWith('.log')).sort();
  }

  /** Everything the extension logged, across reloads. */
  extensionLog(): string {
    return this.extensionLogFiles().map((f) => readFileSync(f, 'utf8')).join('\n');
  }

  /** Reloads the window the way a user does (Developer: Reload Window: the workbench saves its state first). */
  async reloadWindow(): Promise<void> {
    const hosts = this.extensionLogFiles().length;
    await Promise.all([this.page.waitForEvent('load', { timeout: 120_000 }), this.runCommand('Developer: Reload Window')]);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    // A new extension host, a new log file once the extension activates again.
    await waitFor(() => this.extensionLogFiles().length > hosts, { what: 'the extension to activate after the reload', timeoutMs: 120_000 });
  }

  /** Brings the editor tab whose title contains `title` to the front. */
  async showEditorTab(title: string | RegExp): Promise<void> {
    const tab = this.page.locator('.tabs-container .tab').filter({ hasText: title }).first();
    await tab.waitFor({ timeout: TIMEOUT });
    await tab.click();
  }

  /** Waits until the extension's log contains `pattern`; returns the match. */
  async waitForLog(pattern: RegExp, timeoutMs = TIMEOUT): Promise<RegExpMatchArray> {
    return waitFor(() => this.extensionLog().match(pattern) ?? undefined, { what: `the log line ${pattern}`, timeoutMs });
  }

  /** Saves a screenshot under .test-output/screenshots (and docs/screenshots with KMS_IMPORT_UPDATE_SCREENSHOTS=1). */
  async screenshot(name: string, target?: Locator, { docs = true } = {}): Promise<string> {
    const dir = join(repoRoot, '.test-output', 'screenshots');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.png`);
    if (target) await target.screenshot({ path: file });
    else await this.page.screenshot({ path: file });
    if (docs && process.env.KMS_IMPORT_UPDATE_SCREENSHOTS === '1') {
      const docs = join(repoRoot, 'docs', 'screenshots');
      mkdirSync(docs, { recursive: true });
      copyFileSync(file, join(docs, `${name}.png`));
    }
    return file;
  }

  /** On failure: a screenshot and the tail of the logs, to see what the workbench showed. */
  async dumpOnFailure(name: string): Promise<void> {
    await this.screenshot(`FAILED-${name}`, undefined, { docs: false }).catch(() => {});
    const dir = join(repoRoot, '.test-output', 'screenshots');
    writeFileSync(join(dir, `FAILED-${name}.log`), `${this.server.output().slice(-5000)}\n----- console\n${this.console.slice(-80).join('\n')}\n----- extension log\n${this.extensionLog()}`);
  }
}

// Runs in the workbench page before its scripts (a string: the project has no DOM typings outside the webview UI).
// The workbench talks to each webview's frame over a MessagePort: `message` (host → webview), `onmessage`
// (webview → host) and `content` (the HTML). Wrapping MessagePort in the top frame sees all three.
const RECORDER = `(() => {
  if (window !== window.top) return;
  const CHANNELS = new Set(['message', 'onmessage', 'content']);
  const rec = (dir, data) => {
    if (!data || typeof data !== 'object' || !CHANNELS.has(data.channel)) return;
    let text;
    try {
      text = JSON.stringify(data, (_k, v) => (v instanceof ArrayBuffer ? Array.from(new Uint8Array(v))
        : ArrayBuffer.isView(v) ? Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) : v));
    } catch (e) { text = String(data); }
    if (typeof window.__kmsE2eRecord === 'function') window.__kmsE2eRecord(dir, text);
  };
  const post = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function (m, ...rest) { rec('host->webview', m); return post.call(this, m, ...rest); };
  const desc = Object.getOwnPropertyDescriptor(MessagePort.prototype, 'onmessage');
  Object.defineProperty(MessagePort.prototype, 'onmessage', {
    configurable: true,
    get() { return desc.get.call(this); },
    set(fn) { desc.set.call(this, typeof fn === 'function' ? function (e) { rec('webview->host', e.data); return fn.call(this, e); } : fn); },
  });
  const add = MessagePort.prototype.addEventListener;
  MessagePort.prototype.addEventListener = function (type, fn, opts) {
    if (type === 'message' && typeof fn === 'function') { const f = fn; fn = function (e) { rec('webview->host', e.data); return f.call(this, e); }; }
    return add.call(this, type, fn, opts);
  };
})();`;

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Runs `fn` with a launched workbench and always closes it (stops both processes by pid). */
export async function withWorkbench<T>(opts: LaunchOptions, fn: (wb: Workbench) => Promise<T>): Promise<T> {
  const wb = await Workbench.launch(opts);
  try { return await fn(wb); } finally { await wb.close(); }
}

