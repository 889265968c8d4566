// Host side of the import form. Every change re-runs the core's compatibility check (formModel) and
// sends back the whole view; the material is read on the host only (its path comes from an open
// dialog or a host command and stays here), and only an opaque id and a secret-free summary cross
// into the webview. A path the webview names (ready, saved state) is never read. A form hidden and shown
// again shows the last run's progress and result (formOutcome).
import * as vscode from 'vscode';
import * as path from 'node:path';
import { isKmsImportError } from '../../core/errors';
import { summarizeMaterial } from '../../core/material';
import { buildFormView, initialFormState, validToDate, type FormContext, type FormState, type KeyChoice } from '../model/formModel';
import { aliasFor, inProviderWords } from '../model/formTerms';
import { COMMANDS, FORM_VIEW_TYPE } from '../model/commandIds';
import { keyLabel, providerForAccount, SANDBOX_ACCOUNT, type AccountRef } from '../model/treeModel';
import { mapFailure, readMaterialInteractive, runImport } from '../importRunner';
import { isCancellation } from '../commands/run';
import type { Services } from '../services';
import { settings } from '../settings';
import { restoreFormState } from '../model/pathRefs';
import { FormOutcome } from '../model/formOutcome';
import { renderHtml, webviewOptions } from './html';
import { isFromForm, type FromForm, type ToForm } from '../../protocol/form';

export class FormPanel implements vscode.Disposable {
  static current: FormPanel | undefined;

  private state: FormState;
  private keys: KeyChoice[] = [];
  private material?: FormContext['material'];
  /** The chosen material file: host only (the state carries its id). */
  private materialPath?: string;
  private materialError?: string;
  private passphrase?: string;
  private running?: AbortController;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private readonly queue: ToForm[] = [];
  /** The last run's progress and result or error: shown again when a hidden form is shown again. */
  private readonly outcome = new FormOutcome();
  private accountLabel = 'Sandbox';
  /** The account the form is for, once looked up (its kind decides the rule set: AWS partition or Huawei). */
  private accountRef?: AccountRef;

  static show(s: Services, init: Partial<FormState>, materialPath?: string): FormPanel {
    if (FormPanel.current) {
      const current = FormPanel.current;
      current.panel.reveal();
      // Every Create / Import opens a clean form (the running import, if any, is left to finish).
      if (!current.running) void current.reset(init).then(() => (materialPath ? current.loadMaterial(materialPath) : undefined));
      return current;
    }
    const panel = vscode.window.createWebviewPanel(FORM_VIEW_TYPE, vscode.l10n.t('Import Key Material'), vscode.ViewColumn.Active, webviewOptions(s.context.extensionUri, vscode.Uri.joinPath));
    return new FormPanel(s, panel, init, materialPath);
  }

  /** Rebuilds the form after a window reload from the state the webview persisted. */
  static revive(s: Services, panel: vscode.WebviewPanel, saved: unknown): FormPanel {
    panel.webview.options = webviewOptions(s.context.extensionUri, vscode.Uri.joinPath);
    const { state, materialPath } = restoreFormState((saved as { form?: unknown } | undefined)?.form, s.paths.material);
    return new FormPanel(s, panel, state ?? {}, materialPath);
  }

  private constructor(
    private readonly s: Services,
    readonly panel: vscode.WebviewPanel,
    init: Partial<FormState>,
    materialPath?: string,
  ) {
    FormPanel.current = this;
    this.state = this.withDefaults(init);
    panel.iconPath = vscode.Uri.joinPath(s.context.extensionUri, 'media', 'icons', 'kms.svg');
    if (this.state.accountId === SANDBOX_ACCOUNT.id) this.accountRef = SANDBOX_ACCOUNT;
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      // A hidden webview is torn down (no retainContextWhenHidden): queue until it says ready again.
      panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible) this.ready = false;
      }),
      panel.webview.onDidReceiveMessage((m: unknown) => {
        if (!isFromForm(m)) {
          this.s.log.warn('Import form: ignored a malformed message from the webview');
          return;
        }
        void this.handle(m);
      }),
    );
    // The first paint needs the account's kind (AWS or Huawei rules): until it is known the view follows the lookup.
    panel.webview.html = renderHtml({ webview: panel.webview, extensionUri: s.context.extensionUri, joinPath: vscode.Uri.joinPath, script: 'form.js', title: vscode.l10n.t('Import Key Material'), initial: this.accountRef ? { view: this.view() } : {}, lang: vscode.env.language });
    void this.loadKeys();
    if (materialPath) void this.loadMaterial(materialPath);
  }

  private withDefaults(init: Partial<FormState>): FormState {
    const st = initialFormState({ accountId: SANDBOX_ACCOUNT.id, ...init });
    if (!st.wrappingKeySpec && !st.algorithm) {
      const alg = settings.defaultWrappingAlgorithm();
      if (alg !== 'auto') {
        st.wrappingKeySpec = settings.defaultWrappingKeySpec();
        st.algorithm = alg;
        st.wrappingChosen = true; // kept while valid; the recommendation takes over otherwise
      }
    }
    return st;
  }

  /** A clean form: no file, no passphrase, no previous choices, result or error. */
  private async reset(init: Partial<FormState>): Promise<void> {
    this.material = undefined;
    this.materialPath = undefined;
    this.materialError = undefined;
    this.passphrase = undefined;
    this.outcome.clear();
    this.state = this.withDefaults(init);
    if (this.accountRef?.id !== (this.state.accountId ?? SANDBOX_ACCOUNT.id)) this.accountRef = undefined;
    this.post({ type: 'reset' });
    this.refresh(); // not before the account is known: a Huawei account never shows the AWS form
    await this.loadKeys();
  }

  private region(): string {
    return this.state.region ?? (this.state.accountId === SANDBOX_ACCOUNT.id ? this.s.sandbox.region : 'us-east-1');
  }

  private async account(): Promise<AccountRef> {
    const a = await this.s.accounts.find(this.state.accountId ?? SANDBOX_ACCOUNT.id);
    if (!a) throw new Error(vscode.l10n.t('The account {0} is no longer configured.', this.state.accountId ?? ''));
    return a;
  }

  private context(): FormContext {
    const kind = this.accountRef ?? { kind: 'profile' as const };
    return { provider: providerForAccount(kind, this.region()), keys: this.keys, material: this.material, materialError: this.materialError, where: `${this.accountLabel} · ${this.region()}` };
  }

  private view() {
    const v = buildFormView(this.state, this.context());
    this.state = v.state;
    return v;
  }

  private post(m: ToForm): void {
    if (!this.ready) {
      this.queue.push(m);
      return;
    }
    void this.panel.webview.postMessage(m);
  }

  /** Posts a message of the run's outcome (progress, result, error), kept to be shown again after a hide. */
  private postOutcome(m: Parameters<FormOutcome['record']>[0]): void {
    this.post(this.outcome.record(m));
  }

  private refresh(): void {
    if (!this.accountRef) return; // the lookup refreshes when it knows the account
    this.post({ type: 'view', view: this.view() });
  }

  /** EXTERNAL keys of the account and region (the tree's cache: its listing, else listed now). */
  private async loadKeys(): Promise<void> {
    try {
      const account = await this.account();
      const first = !this.accountRef;
      this.accountRef = account;
      this.accountLabel = account.label;
      if (first) this.refresh(); // the form in the account's rules before its keys are listed
      const region = this.region();
      const keys = await this.s.tree.loadKeys(account, region);
      this.keys = keys
        .filter((k) => k.origin === 'EXTERNAL' && k.keyState !== 'PendingDeletion')
        .map((k) => ({ keyId: k.keyId, label: keyLabel(k), keySpec: k.keySpec, keyUsage: k.keyUsage, keyState: k.keyState, hasMaterial: k.keyState !== 'PendingImport' }));
      if (this.state.keyId && !this.keys.some((k) => k.keyId === this.state.keyId)) {
        const p = await this.s.accounts.provider(account, region);
        const k = await p.describeKey(this.state.keyId);
        this.keys.push({ keyId: k.keyId, label: keyLabel(k), keySpec: k.keySpec, keyUsage: k.keyUsage, keyState: k.keyState, hasMaterial: k.keyState !== 'PendingImport' });
      }
    } catch (e) {
      this.s.log.warn('Import form: could not list keys', e);
    }
    // An account that is no longer configured still gets a form (its Submit names the problem).
    this.accountRef ??= { id: this.state.accountId ?? SANDBOX_ACCOUNT.id, kind: 'profile', label: this.accountLabel };
    this.refresh();
  }

  private async loadMaterial(file: string): Promise<void> {
    this.material = undefined;
    this.materialError = undefined;
    this.materialPath = file;
    this.state.materialId = await this.s.paths.material.remember(file);
    try {
      const m = await this.readWithPassphrase(file);
      try {
        const summary = summarizeMaterial(m);
        this.material = {
          summary: { fileName: path.basename(file), description: summary.description, kind: summary.kind, format: summary.format, keySpec: summary.keySpec, byteLength: summary.byteLength, modulusBits: summary.modulusBits, curve: summary.curve, publicKeyFingerprint: summary.publicKeyFingerprint },
          facts: { kind: m.kind, byteLength: m.byteLength, keySpec: m.keySpec, modulusBits: m.modulusBits, curve: m.curve, primes: m.primes },
        };
      } finally {
        m.dispose();
      }
    } catch (e) {
      this.materialError = isKmsImportError(e) ? `${e.message} ${e.fix}` : (e as Error).message;
    }
    this.refresh();
  }

  private async readWithPassphrase(file: string) {
    const r = await readMaterialInteractive(file, this.passphrase);
    this.passphrase = r.passphrase;
    return r.material;
  }

  private async handle(m: FromForm): Promise<void> {
    try {
      switch (m.type) {
        case 'ready':
          // The host's state is the truth for this panel (a reload comes through revive): the
          // webview's saved state is not read here, so a reset form never gets an old file back.
          // A form shown again after it was hidden (torn down) gets the last run's progress and result back.
          this.ready = true;
          {
            const { before, after } = this.outcome.replay(this.queue.splice(0), !!this.running);
            before.forEach((q) => void this.panel.webview.postMessage(q));
            this.refresh();
            after.forEach((q) => void this.panel.webview.postMessage(q));
          }
          break;
        case 'change': {
          const p = m.patch;
          if (p.wrappingKeySpec || p.algorithm) this.state.wrappingChosen = true;
          if (p.keySpec) this.state.keySpecChosen = true;
          if (p.keySpec && p.keySpec !== this.state.keySpec) {
            this.state.keyUsage = undefined;
            this.state.keyUsageChosen = false;
          }
          if (p.keyUsage) this.state.keyUsageChosen = true;
          this.state = { ...this.state, ...p } as FormState;
          this.refresh();
          break;
        }
        case 'chooseMaterial': {
          const picked = await vscode.window.showOpenDialog({
            canSelectMany: false,
            openLabel: vscode.l10n.t('Use as Key Material'),
            title: vscode.l10n.t('Choose the key material file'),
            defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
            filters: { [vscode.l10n.t('Key material')]: ['bin', 'der', 'pem', 'key', 'p8', 'pk8', 'p12', 'pfx', 'jwk', 'json', 'b64', 'hex', 'txt'], [vscode.l10n.t('All files')]: ['*'] },
          });
          if (picked?.[0]) {
            this.passphrase = undefined;
            await this.loadMaterial(picked[0].fsPath);
          }
          break;
        }
        case 'generateMaterial': {
          const file = await vscode.commands.executeCommand<string | undefined>(COMMANDS.generateMaterial, { keySpec: this.view().state.keySpec ?? this.keys.find((k) => k.keyId === this.state.keyId)?.keySpec });
          if (file) await this.loadMaterial(file);
          break;
        }
        case 'submit':
        case 'downloadParameters':
          await this.submit();
          break;
        case 'cancel':
          this.running?.abort();
          break;
        case 'newImport':
          if (!this.running) await this.reset({ accountId: this.state.accountId, region: this.state.region });
          break;
        case 'openSummary':
          if (this.state.keyId) await this.s.showSummary({ accountId: this.state.accountId ?? SANDBOX_ACCOUNT.id, region: this.region(), keyId: this.state.keyId });
          break;
      }
      this.post({ type: 'reply', requestId: m.requestId, ok: true });
    } catch (e) {
      this.s.log.warn(`Import form: ${m.type} failed`, e);
      this.post({ type: 'reply', requestId: m.requestId, ok: false, error: (e as Error)?.message ?? String(e) });
    }
  }

  private async submit(): Promise<void> {
    if (this.running) return;
    this.outcome.clear();
    const view = this.view();
    if (!view.canSubmit || !this.materialPath) {
      this.postOutcome({ type: 'error', error: { title: vscode.l10n.t('Not ready to import'), cause: view.blocker ?? '', action: view.findings.find((f) => f.severity === 'error')?.fix ?? '', nextStep: 'none' } });
      return;
    }
    const st = view.state;
    const controller = new AbortController();
    this.running = controller;
    this.post({ type: 'running', running: true });
    try {
      const account = await this.account();
      const region = this.region();
      const validTo = validToDate(st);
      const result = await runImport(this.s, {
        account,
        region,
        materialPath: this.materialPath,
        passphrase: this.passphrase,
        target: st.mode === 'existing' ? { keyId: st.keyId! } : { create: { keySpec: st.keySpec!, keyUsage: st.keyUsage!, alias: aliasFor(view.provider, st.alias) } },
        wrappingKeySpec: st.wrappingKeySpec,
        wrappingAlgorithm: st.algorithm,
        // Huawei: "never expires" or an expiration_time (the provider sends the date in seconds).
        expiration: validTo ? { model: 'KEY_MATERIAL_EXPIRES', validTo } : { model: 'KEY_MATERIAL_DOES_NOT_EXPIRE' },
        importType: st.importType === 'DEFAULT' || !view.terms.importType ? undefined : st.importType,
        signal: controller.signal,
        // Progress and proof in the provider's words (Huawei: AES_256, the two-part wrapping, get-publickey).
        onStep: (e) => this.postOutcome({ type: 'progress', step: e.id, status: e.status, detail: e.detail === undefined ? undefined : inProviderWords(view.provider, e.detail) }),
      });
      this.postOutcome({ type: 'result', result: { ok: result.ok, keyId: result.keyId, keyArn: result.keyArn, keyMaterialId: result.keyMaterialId, proof: { method: result.proof.method, holds: result.proof.holds, detail: inProviderWords(view.provider, result.proof.detail) } } });
      // The key now exists and has material: the form switches to it (a second submit re-imports).
      this.state = { ...this.state, mode: 'existing', keyId: result.keyId, alias: undefined };
      this.keys.push({ keyId: result.keyId, label: result.keyId, keySpec: result.keySpec, keyUsage: st.keyUsage ?? 'ENCRYPT_DECRYPT', keyState: result.keyState ?? 'Enabled', hasMaterial: true });
      this.refresh();
      this.running = undefined;
      this.post({ type: 'running', running: false });
      // In the active group (a second column would halve both panels); a summary already open is reused.
      await this.s.showSummary({ accountId: account.id, region, keyId: result.keyId, bundleDir: result.bundleDir });
      void this.loadKeys();
    } catch (e) {
      if (isCancellation(e)) {
        this.postOutcome({ type: 'error', error: { title: vscode.l10n.t('Cancelled'), cause: vscode.l10n.t('The import was cancelled.'), action: vscode.l10n.t('Nothing half-done was left behind; submit again when ready.'), nextStep: 'none' } });
      } else {
        const mapped = mapFailure(e);
        this.s.log.error(`Import failed: ${mapped.title}: ${mapped.cause}`, { action: mapped.action });
        this.postOutcome({ type: 'error', error: mapped });
      }
    } finally {
      this.running = undefined;
      this.post({ type: 'running', running: false });
    }
  }

  dispose(): void {
    if (FormPanel.current === this) FormPanel.current = undefined;
    this.running?.abort();
    this.passphrase = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
