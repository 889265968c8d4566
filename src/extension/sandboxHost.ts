// Hosts the local KMS sandbox in the extension host: started on demand (or at startup with the
// auto-start setting), its state kept in the extension's global storage, stopped on deactivate.
// Its Huawei Cloud KMS API (same port, its own region) is exposed as `huawei` while it runs.
// It serves one Region's partition at a time (kmsImport.sandbox.region, or the Region chosen in this
// window): switching Region restarts it on the same state folder, where keys are kept per Region.
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { Logger } from './logger';
import { settings } from './settings';
import { isRegionName } from './model/treeModel';
import { portOf, sandboxPortPlan } from './model/sandboxPort';

const PORT_KEY = 'kmsImport.sandbox.lastPort';

/** The sandbox's Huawei Cloud KMS API (same port): its region, AK/SK and project id. */
export interface SandboxHuaweiInfo {
  endpoint: string;
  region: string;
  accessKey: string;
  secretKey: string;
  projectId: string;
}

export interface SandboxInfo {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  stateDir: string;
  huawei: SandboxHuaweiInfo;
}

interface RunningSandbox {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  huawei: SandboxHuaweiInfo;
  close(): Promise<void>;
}

export class SandboxHost implements vscode.Disposable {
  private running: RunningSandbox | undefined;
  private info: SandboxInfo | undefined;
  private starting: Promise<SandboxInfo> | undefined;
  /** The Region chosen in this window (Start Sandbox (China Regions), Choose Sandbox Region…); else the setting's. */
  private chosenRegion: string | undefined;
  private readonly changed = new vscode.EventEmitter<SandboxInfo | undefined>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly storage: vscode.Uri,
    private readonly log: Logger,
    /** Remembers the sandbox's port across reloads (the extension's global state). */
    private readonly memento?: vscode.Memento,
  ) {}

  get isRunning(): boolean {
    return !!this.running;
  }

  get current(): SandboxInfo | undefined {
    return this.info;
  }

  /** The Region the sandbox runs in, or will start in. */
  get region(): string {
    return this.info?.region ?? this.chosenRegion ?? settings.sandboxRegion();
  }

  /** Runs the sandbox in `region`: started if stopped, restarted if it runs in another Region. */
  async useRegion(region: string): Promise<SandboxInfo> {
    if (!isRegionName(region)) throw new Error(`"${region}" is not an AWS Region name (e.g. us-east-1, cn-north-1).`);
    this.chosenRegion = region;
    if (this.starting) await this.starting.catch(() => undefined);
    if (this.info && this.info.region !== region) await this.stop();
    return this.start();
  }

  /** kmsImport.sandbox.region changed: it replaces the window's choice; a running sandbox moves to it. */
  async settingChanged(): Promise<void> {
    this.chosenRegion = undefined;
    if (this.info && this.info.region !== settings.sandboxRegion()) await this.useRegion(settings.sandboxRegion());
  }

  stateDir(): string {
    return settings.sandboxStateDir() || path.join(this.storage.fsPath, 'sandbox');
  }

  /** Starts the sandbox if needed; concurrent callers share one start. */
  start(): Promise<SandboxInfo> {
    if (this.info) return Promise.resolve(this.info);
    if (!this.starting) {
      this.starting = this.doStart().finally(() => (this.starting = undefined));
    }
    return this.starting;
  }

  private async doStart(): Promise<SandboxInfo> {
    const t0 = performance.now();
    const stateDir = this.stateDir();
    await vscode.workspace.fs.createDirectory(vscode.Uri.file(stateDir));
    // dist/sandbox.js, a lazily loaded chunk (scripts/build.mjs keeps it out of dist/extension.js).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startSandbox } = require('./sandbox.js') as typeof import('../sandbox/index');
    // The same port as last time (a CLI pointed at the sandbox keeps working after a reload).
    const plan = sandboxPortPlan(settings.sandboxPort(), this.memento?.get<number>(PORT_KEY));
    let sb: RunningSandbox | undefined;
    for (const [i, port] of plan.entries()) {
      try {
        sb = await startSandbox({ port, stateDir, region: this.chosenRegion ?? settings.sandboxRegion(), log: (line: string) => this.log.trace(`sandbox: ${line}`) });
        break;
      } catch (e) {
        if (i === plan.length - 1 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
        this.log.warn(`Sandbox: port ${port} is taken; using a free port instead`);
      }
    }
    if (!sb) throw new Error('The sandbox did not start.');
    const port = portOf(sb.endpoint);
    if (port && !settings.sandboxPort()) await this.memento?.update(PORT_KEY, port);
    this.running = sb;
    const hw = sb.huawei;
    this.info = { endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials, stateDir, huawei: { endpoint: hw.endpoint, region: hw.region, accessKey: hw.accessKey, secretKey: hw.secretKey, projectId: hw.projectId } };
    this.log.info(`Sandbox listening on ${sb.endpoint} (${sb.region}; Huawei Cloud KMS API ${hw.region}), state in ${stateDir}, started in ${(performance.now() - t0).toFixed(0)} ms`);
    void vscode.commands.executeCommand('setContext', 'kmsImport.sandboxRunning', true);
    this.changed.fire(this.info);
    return this.info;
  }

  async stop(): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    const sb = this.running;
    this.running = undefined;
    this.info = undefined;
    if (!sb) return;
    await sb.close();
    this.log.info('Sandbox stopped');
    void vscode.commands.executeCommand('setContext', 'kmsImport.sandboxRunning', false);
    this.changed.fire(undefined);
  }

  dispose(): void {
    void this.stop();
    this.changed.dispose();
  }
}
