// Accounts the user can pick: AWS profiles from ~/.aws/config and ~/.aws/credentials (static keys,
// SSO, credential_process, assume-role, web identity), credentials in the environment, and the local
// Sandbox. Listing reads the two INI files only: no network, no credential resolution. Credentials are
// resolved on first use through @aws-sdk/credential-providers.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fromEnv, fromIni, fromProcess, fromSSO } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export type CredentialSource = 'static' | 'sso' | 'process' | 'assume-role' | 'web-identity' | 'unknown';

export interface AwsAccount {
  /** Stable id: "profile:NAME", "env" or "sandbox". */
  id: string;
  kind: 'profile' | 'env' | 'sandbox';
  /** For people: "dev (SSO, eu-west-1)", "Environment credentials", "Sandbox (local)". */
  label: string;
  profile?: string;
  credentialSource: CredentialSource;
  /** The profile's (or AWS_REGION's) default Region, if any. */
  region?: string;
  /** Which files define it. */
  files: string[];
}

export interface ListAccountsOptions {
  env?: NodeJS.ProcessEnv;
  /** Include the local sandbox entry (default true). */
  includeSandbox?: boolean;
  homeDir?: string;
}

type IniSections = Map<string, Record<string, string>>;

/** A minimal INI reader for the AWS shared files (sections, key = value, comments, nested blocks skipped). */
export function parseIni(text: string): IniSections {
  const out: IniSections = new Map();
  let current: Record<string, string> | undefined;
  let nestedParent: string | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/^\uFEFF/, '');
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const sec = /^\[([^\]]+)\]/.exec(trimmed);
    if (sec) {
      const name = sec[1].trim();
      current = out.get(name) ?? {};
      out.set(name, current);
      nestedParent = undefined;
      continue;
    }
    if (!current) continue;
    const indented = /^\s/.test(line);
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(trimmed);
    if (!kv) continue;
    if (indented && nestedParent) continue; // sub-settings (e.g. s3 = \n  max_concurrent_requests = 10)
    const key = kv[1].trim().toLowerCase();
    const value = kv[2].replace(/\s+[#;].*$/, '').trim();
    if (value === '') nestedParent = key;
    else nestedParent = undefined;
    current[key] = value;
  }
  return out;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function sharedFilePaths(env: NodeJS.ProcessEnv = process.env, homeDir = os.homedir()): { config: string; credentials: string } {
  return {
    config: env.AWS_CONFIG_FILE || path.join(homeDir, '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || path.join(homeDir, '.aws', 'credentials'),
  };
}

function sourceOf(settings: Record<string, string>): CredentialSource {
  if (settings.sso_session || settings.sso_start_url || settings.sso_account_id) return 'sso';
  if (settings.credential_process) return 'process';
  if (settings.role_arn && settings.web_identity_token_file) return 'web-identity';
  if (settings.role_arn) return 'assume-role';
  if (settings.aws_access_key_id) return 'static';
  return 'unknown';
}

const SOURCE_LABEL: Record<CredentialSource, string> = { static: 'access keys', sso: 'SSO', process: 'credential_process', 'assume-role': 'assume role', 'web-identity': 'web identity', unknown: 'no credentials found' };

/** Lists the accounts without touching the network or resolving any credential. */
export async function listAwsAccounts(opts: ListAccountsOptions = {}): Promise<AwsAccount[]> {
  const env = opts.env ?? process.env;
  const files = sharedFilePaths(env, opts.homeDir);
  const [configText, credText] = await Promise.all([readIfExists(files.config), readIfExists(files.credentials)]);
  const config = parseIni(configText ?? '');
  const creds = parseIni(credText ?? '');

  const profiles = new Map<string, { settings: Record<string, string>; files: string[] }>();
  for (const [section, settings] of config) {
    let name: string | undefined;
    if (section === 'default') name = 'default';
    else if (section.startsWith('profile ')) name = section.slice('profile '.length).trim();
    if (!name) continue; // sso-session, services, …
    profiles.set(name, { settings: { ...settings }, files: [files.config] });
  }
  for (const [name, settings] of creds) {
    const p = profiles.get(name);
    if (p) {
      p.settings = { ...p.settings, ...settings };
      p.files.push(files.credentials);
    } else {
      profiles.set(name, { settings: { ...settings }, files: [files.credentials] });
    }
  }

  const accounts: AwsAccount[] = [];
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
    accounts.push({ id: 'env', kind: 'env', label: `Environment credentials${region ? ` (${region})` : ''}`, credentialSource: 'static', region, files: [] });
  }
  const names = [...profiles.keys()].sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)));
  for (const name of names) {
    const { settings, files: f } = profiles.get(name)!;
    const source = sourceOf(settings);
    const region = settings.region || undefined;
    const parts = [SOURCE_LABEL[source], region].filter(Boolean).join(', ');
    accounts.push({ id: `profile:${name}`, kind: 'profile', profile: name, label: `${name} (${parts})`, credentialSource: source, region, files: f });
  }
  if (opts.includeSandbox !== false) {
    accounts.push({ id: 'sandbox', kind: 'sandbox', label: 'Sandbox (local)', credentialSource: 'static', region: undefined, files: [] });
  }
  return accounts;
}

/**
 * The credential provider for an account. Nothing is resolved until the SDK calls it.
 * SSO needs a prior `aws sso login`; credential_process runs the configured command.
 */
export function credentialsFor(account: AwsAccount, sandbox?: { accessKeyId: string; secretAccessKey: string }): AwsCredentialIdentityProvider | AwsCredentialIdentity {
  switch (account.kind) {
    case 'sandbox':
      if (!sandbox) throw new Error('The sandbox is not running: start it first.');
      return { accessKeyId: sandbox.accessKeyId, secretAccessKey: sandbox.secretAccessKey };
    case 'env':
      return fromEnv();
    case 'profile':
      if (account.credentialSource === 'sso') return fromSSO({ profile: account.profile });
      if (account.credentialSource === 'process') return fromProcess({ profile: account.profile });
      return fromIni({ profile: account.profile });
  }
}

/** Partition of a Region: China Regions use the aws-cn rule set (SM2/SM4, no RSA_AES). */
export function providerIdForRegion(region: string): 'aws' | 'aws-cn' {
  return region.startsWith('cn-') ? 'aws-cn' : 'aws';
}
