// Accounts (Sandbox and its Huawei Cloud KMS API, environment credentials, AWS profiles, Huawei Cloud
// accounts) and a KmsProvider per (account, region), created lazily: the AWS SDK chunk is loaded on the
// first call that needs it; Huawei accounts use the small fetch-based Huawei provider (no SDK; the lazily
// loaded dist/huawei.js chunk), their SK read from VS Code's secret storage when the provider is made.
import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { KmsProvider } from '../providers/types';
import { loadAwsModule } from './awsModule';
import type { Logger } from './logger';
import { envAccount, parseAwsProfiles } from './model/profiles';
import { invalidInput } from '../core/errors';
import { providerForRegion, SANDBOX_ACCOUNT, SANDBOX_HUAWEI_ACCOUNT, sandboxServes, type AccountRef } from './model/treeModel';
import { HUAWEI_ENV_ACCOUNT_ID, huaweiAccountRef, huaweiEnvAccount, type HuaweiAccountStore } from './model/huaweiAccounts';
import type { SandboxHost } from './sandboxHost';
import { settings } from './settings';

async function readOptional(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return '';
  }
}

export class Accounts implements vscode.Disposable {
  private readonly providers = new Map<string, KmsProvider>();

  constructor(
    private readonly sandbox: SandboxHost,
    private readonly log: Logger,
    /** Added Huawei Cloud accounts (absent: none are listed). */
    readonly huawei?: HuaweiAccountStore,
  ) {
    // A stopped sandbox's endpoint is gone; the next start may listen on another port.
    sandbox.onDidChange((info) => {
      if (info) return;
      this.forget(SANDBOX_ACCOUNT.id);
      this.forget(SANDBOX_HUAWEI_ACCOUNT.id);
    });
  }

  /** Sandbox (and its Huawei API) first, then environment credentials, then profiles (filtered by kmsImport.profiles), then Huawei accounts. */
  async list(opts: { allProfiles?: boolean } = {}): Promise<AccountRef[]> {
    const home = os.homedir();
    const configFile = process.env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config');
    const credentialsFile = process.env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials');
    const [configText, credentialsText] = await Promise.all([readOptional(configFile), readOptional(credentialsFile)]);
    const only = opts.allProfiles ? [] : settings.profiles();
    const profiles = parseAwsProfiles(configText, credentialsText).filter((p) => !only.length || only.includes(p.profile ?? ''));
    const env = envAccount(process.env);
    const hwEnv = huaweiEnvAccount(process.env);
    const hw = (this.huawei?.list() ?? []).map(huaweiAccountRef);
    return [SANDBOX_ACCOUNT, SANDBOX_HUAWEI_ACCOUNT, ...(env ? [env] : []), ...profiles, ...(hwEnv ? [hwEnv] : []), ...hw];
  }

  async find(accountId: string): Promise<AccountRef | undefined> {
    return (await this.list()).find((a) => a.id === accountId);
  }

  /** A provider for the account and region (the sandbox is started on demand). */
  async provider(account: AccountRef, region: string): Promise<KmsProvider> {
    const key = `${account.id}\u0000${region}`;
    const existing = this.providers.get(key);
    if (existing) return existing;
    const log = (line: string) => this.log.debug(line);
    if (account.kind === 'huawei') {
      const p = await this.huaweiProvider(account, region, log);
      this.log.info(`Huawei Cloud KMS: ${p.label} (account ${account.id})`);
      this.providers.set(key, p);
      return p;
    }
    const aws = loadAwsModule(this.log);
    let p: KmsProvider;
    if (account.kind === 'sandbox') {
      const sb = await this.sandbox.start();
      if (!sandboxServes(sb.region, region)) {
        throw invalidInput(
          'SANDBOX_OTHER_PARTITION',
          vscode.l10n.t('The sandbox runs in {0}, which does not serve {1} ({2} partition).', sb.region, region, providerForRegion(region)),
          vscode.l10n.t('Run "Choose Sandbox Region…" on the Sandbox and pick {0}, then try again.', region),
        );
      }
      // One sandbox serves every Region (multi-Region replicas live in other Regions of it).
      p = aws.createAwsProvider({ region, endpoint: sb.endpoint, credentials: sb.credentials, label: region === sb.region ? 'Sandbox' : `Sandbox (${region})`, log });
    } else {
      const endpoint = settings.endpoints()[account.id];
      p = aws.createAwsProvider({ region, profile: account.profile, endpoint: endpoint || undefined, label: `${account.label} (${region})`, log });
    }
    this.providers.set(key, p);
    return p;
  }

  private async huaweiProvider(account: AccountRef, region: string, log: (line: string) => void): Promise<KmsProvider> {
    // dist/huawei.js, a lazily loaded chunk (scripts/build.mjs keeps it out of dist/extension.js).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createHuaweiProvider, huaweiOptionsFromEnv } = require('./huawei.js') as typeof import('../providers/huawei/huaweiProvider');
    if (account.huawei?.sandbox) {
      const hw = (await this.sandbox.start()).huawei;
      if (region !== hw.region) {
        throw invalidInput('SANDBOX_OTHER_REGION', vscode.l10n.t("The sandbox's Huawei Cloud KMS API serves {0}, not {1}.", hw.region, region), vscode.l10n.t('Use the region {0} under the Sandbox.', hw.region));
      }
      return createHuaweiProvider({ region, projectId: hw.projectId, credentials: { accessKey: hw.accessKey, secretKey: hw.secretKey }, endpoint: hw.endpoint, label: vscode.l10n.t('Sandbox (Huawei Cloud, {0})', region), log });
    }
    if (account.id === HUAWEI_ENV_ACCOUNT_ID) {
      const o = huaweiOptionsFromEnv(process.env, region);
      if (!o) throw invalidInput('HUAWEI_ENV_GONE', vscode.l10n.t('HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and HUAWEICLOUD_SDK_PROJECT_ID are no longer all set.'), vscode.l10n.t('Set them in the environment VS Code starts from, then reload the window.'));
      return createHuaweiProvider({ ...o, label: `${account.label} (${region})`, log });
    }
    const name = account.id.replace(/^huawei:/, '');
    const stored = this.huawei?.get(name);
    const creds = stored ? await this.huawei!.credentials(name) : undefined;
    if (!stored || !creds) {
      throw invalidInput('HUAWEI_CREDENTIALS_MISSING', vscode.l10n.t('The secret access key of the Huawei Cloud account "{0}" is not in VS Code\'s secret storage.', name), vscode.l10n.t('Run "Edit Huawei Cloud Account…" on it and give the SK again, or remove the account.'));
    }
    return createHuaweiProvider({ region, projectId: stored.projectId, credentials: creds, endpoint: stored.endpoint, label: `${name} (${region})`, log });
  }

  forget(accountId?: string): void {
    for (const [k, p] of this.providers) {
      if (accountId === undefined || k.startsWith(`${accountId}\u0000`)) {
        p.dispose();
        this.providers.delete(k);
      }
    }
  }

  dispose(): void {
    this.forget();
  }
}
