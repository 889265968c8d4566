// Accounts (Sandbox, environment credentials, AWS profiles) and a KmsProvider per (account, region),
// created lazily: the AWS SDK chunk is loaded on the first call that needs it.
import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { KmsProvider } from '../providers/types';
import { loadAwsModule } from './awsModule';
import type { Logger } from './logger';
import { envAccount, parseAwsProfiles } from './model/profiles';
import { invalidInput } from '../core/errors';
import { providerForRegion, SANDBOX_ACCOUNT, sandboxServes, type AccountRef } from './model/treeModel';
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
  ) {
    // A stopped sandbox's endpoint is gone; the next start may listen on another port.
    sandbox.onDidChange((info) => !info && this.forget(SANDBOX_ACCOUNT.id));
  }

  /** Sandbox first, then environment credentials, then profiles (filtered by kmsImport.profiles). */
  async list(opts: { allProfiles?: boolean } = {}): Promise<AccountRef[]> {
    const home = os.homedir();
    const configFile = process.env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config');
    const credentialsFile = process.env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials');
    const [configText, credentialsText] = await Promise.all([readOptional(configFile), readOptional(credentialsFile)]);
    const only = opts.allProfiles ? [] : settings.profiles();
    const profiles = parseAwsProfiles(configText, credentialsText).filter((p) => !only.length || only.includes(p.profile ?? ''));
    const env = envAccount(process.env);
    return [SANDBOX_ACCOUNT, ...(env ? [env] : []), ...profiles];
  }

  async find(accountId: string): Promise<AccountRef | undefined> {
    return (await this.list()).find((a) => a.id === accountId);
  }

  /** A provider for the account and region (the sandbox is started on demand). */
  async provider(account: AccountRef, region: string): Promise<KmsProvider> {
    const key = `${account.id}\u0000${region}`;
    const existing = this.providers.get(key);
    if (existing) return existing;
    const aws = loadAwsModule(this.log);
    const log = (line: string) => this.log.debug(line);
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
