// The tree's pure model: accounts → regions → keys, with labels, filters, ordering and context values.
// No vscode import: tested in plain Node (test/extension/treeModel.test.ts).
import type { KeyInfo } from '../../providers/types';
import { KEY_SPECS } from '../../core/specs';
import { materialExpiry } from './expiry';

export type AccountKind = 'sandbox' | 'env' | 'profile' | 'huawei';

/** What a Huawei Cloud account needs besides its AK/SK (the SK lives in VS Code's secret storage only). */
export interface HuaweiAccountInfo {
  projectId: string;
  /** Default https://kms.{region}.myhuaweicloud.com. */
  endpoint?: string;
  /** The sandbox's Huawei Cloud KMS API (its endpoint and credentials come from the running sandbox). */
  sandbox?: boolean;
  /** From HUAWEICLOUD_SDK_* in the environment. */
  env?: boolean;
  regions: string[];
}

export interface AccountRef {
  /** Stable id: "sandbox", "env", "profile:<name>". */
  id: string;
  kind: AccountKind;
  label: string;
  profile?: string;
  defaultRegion?: string;
  /** Profile uses IAM Identity Center (sso_session / sso_start_url). */
  sso?: boolean;
  credentialProcess?: boolean;
  /** Huawei Cloud accounts (kind 'huawei'). */
  huawei?: HuaweiAccountInfo;
}

export type KeyFilter = 'pending' | 'external' | 'all';
export const KEY_FILTERS: KeyFilter[] = ['pending', 'external', 'all'];

export const SANDBOX_ACCOUNT: AccountRef = { id: 'sandbox', kind: 'sandbox', label: 'Sandbox' };
/** The Huawei Cloud region the sandbox's Huawei KMS API serves (and the default of a new Huawei account). */
export const HUAWEI_DEFAULT_REGION = 'cn-north-4';
/**
 * The sandbox's Huawei Cloud KMS API: shown under the Sandbox, its own account so every command uses Huawei's rules.
 * Its label is the Sandbox's: the form ("Account: Sandbox · cn-north-4 (Huawei Cloud KMS rules)") and the summary
 * add the region and the provider, so a user sees it is the sandbox.
 */
export const SANDBOX_HUAWEI_ACCOUNT: AccountRef = { id: 'sandbox-huawei', kind: 'huawei', label: 'Sandbox', huawei: { projectId: '', sandbox: true, regions: [HUAWEI_DEFAULT_REGION] } };

export function keyLabel(key: Pick<KeyInfo, 'aliases' | 'keyId'>): string {
  const alias = key.aliases?.find((a) => !a.startsWith('alias/aws/')) ?? key.aliases?.[0];
  return alias ? alias.replace(/^alias\//, '') : key.keyId;
}

/** The tree's label: the alias, else the key id shortened to 8 characters (the full id is in the tooltip),
 * so state and expiry stay in view at the default sidebar width. */
export function treeKeyLabel(key: Pick<KeyInfo, 'aliases' | 'keyId'>): string {
  const label = keyLabel(key);
  return label === key.keyId && key.keyId.length > 12 ? `${key.keyId.slice(0, 8)}…` : label;
}

const STATE_NAMES: Record<string, string> = {
  PendingImport: 'pending import',
  PendingDeletion: 'pending deletion',
  PendingReplicaDeletion: 'pending replica deletion',
  Enabled: 'enabled',
  Disabled: 'disabled',
  Unavailable: 'unavailable',
  Creating: 'creating',
  Updating: 'updating',
};
/** A key state as people say it ("pending import", not "PendingImport"). */
export const stateName = (state: string): string => STATE_NAMES[state] ?? state;

/** "expires in 12 d · SYMMETRIC_DEFAULT · ENCRYPT_DECRYPT · enabled · EXTERNAL": the expiry first. */
export function keyDescription(key: KeyInfo, now: Date = new Date()): string {
  const parts: string[] = [];
  const exp = materialExpiry(key, now);
  if (exp.kind !== 'not-external' && exp.kind !== 'pending-import') parts.push(exp.label);
  else if (exp.kind === 'pending-import' && key.keyState !== 'PendingImport') parts.push(exp.label);
  parts.push(key.providerKeySpec ?? key.keySpec, key.keyUsage, stateName(key.keyState), key.origin);
  if (key.multiRegion) parts.push(key.multiRegionRole === 'REPLICA' ? 'replica' : 'multi-Region');
  return parts.join(' · ');
}

/** "1 key", "3 keys". */
export const keyCount = (n: number): string => `${n} ${n === 1 ? 'key' : 'keys'}`;

export function keyKind(key: Pick<KeyInfo, 'keySpec'>): 'symmetric' | 'hmac' | 'asymmetric' {
  const kind = KEY_SPECS[key.keySpec]?.kind;
  return kind === 'symmetric' ? 'symmetric' : kind === 'hmac' ? 'hmac' : 'asymmetric';
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * Context value of a key node: `kmsKey:<origin>:<state>:<kind>[:mrk-primary|:mrk-replica]`, e.g.
 * `kmsKey:external:pendingImport:symmetric`. package.json menus match it with `viewItem =~ /…/`.
 */
export function keyContextValue(key: KeyInfo, account?: Pick<AccountRef, 'kind'>): string {
  const origin = key.origin === 'EXTERNAL' ? 'external' : key.origin === 'AWS_KMS' ? 'kms' : 'other';
  let v = `kmsKey:${origin}:${lowerFirst(key.keyState)}:${keyKind(key)}`;
  if (key.multiRegion) v += key.multiRegionRole === 'REPLICA' ? ':mrk-replica' : ':mrk-primary';
  // Huawei keys end in ":huawei": menus that need AWS (rotation, multi-Region) do not match them, and
  // Delete Imported Key Material skips their asymmetric keys (Huawei refuses it: KMS.2702).
  if (account?.kind === 'huawei') v += ':huawei';
  return v;
}

export function accountContextValue(account: AccountRef, sandboxRunning: boolean): string {
  if (account.kind === 'sandbox') return `kmsAccount:sandbox:${sandboxRunning ? 'running' : 'stopped'}`;
  if (account.kind === 'huawei') return `kmsAccount:huawei${account.huawei?.sandbox ? ':sandbox' : account.huawei?.env ? ':env' : ':stored'}`;
  return `kmsAccount:${account.kind}${account.sso ? ':sso' : ''}`;
}

export function filterKeys<T extends Pick<KeyInfo, 'origin' | 'keyState'>>(keys: T[], filter: KeyFilter): T[] {
  if (filter === 'pending') return keys.filter((k) => k.origin === 'EXTERNAL' && k.keyState === 'PendingImport');
  if (filter === 'external') return keys.filter((k) => k.origin === 'EXTERNAL');
  return keys;
}

/** Pending-import keys first, then other EXTERNAL keys, then the rest; by label within each group. */
export function sortKeys(keys: KeyInfo[]): KeyInfo[] {
  const rank = (k: KeyInfo) => (k.origin === 'EXTERNAL' ? (k.keyState === 'PendingImport' ? 0 : 1) : 2);
  return [...keys].sort((a, b) => rank(a) - rank(b) || keyLabel(a).localeCompare(keyLabel(b)));
}

/** "us-east-1", "cn-north-1", "us-gov-west-1": an AWS Region name (its form, not whether it exists). */
export function isRegionName(region: string): boolean {
  return /^[a-z]{2}(-[a-z]+)+-\d$/.test(region);
}

/** Regions to show for an account: the setting if set, else the profile's region, else us-east-1. */
export function regionsFor(account: AccountRef, configured: string[], sandboxRegion: string): string[] {
  if (account.kind === 'sandbox') return [sandboxRegion];
  // Huawei accounts keep their own regions (kmsImport.regions names AWS Regions).
  if (account.kind === 'huawei') return account.huawei?.regions.length ? [...new Set(account.huawei.regions)] : [HUAWEI_DEFAULT_REGION];
  const valid = configured.map((r) => r.trim()).filter(isRegionName);
  if (valid.length) return [...new Set(valid)];
  return [account.defaultRegion ?? 'us-east-1'];
}

/** Regions offered by "Choose Sandbox Region…" (any other Region name goes in kmsImport.sandbox.region). */
export const SANDBOX_REGION_CHOICES = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1', 'cn-north-1', 'cn-northwest-1'] as const;
/** The China Region "Start Sandbox (China Regions)" runs the sandbox in. */
export const CHINA_SANDBOX_REGION = 'cn-north-1';

/** Whether a sandbox running in `sandboxRegion` answers for `region`: it serves its own partition only (aws or aws-cn). */
export function sandboxServes(sandboxRegion: string, region: string): boolean {
  return isRegionName(region) && providerForRegion(region) === providerForRegion(sandboxRegion);
}

/** The provider rule set a region falls under. */
export function providerForRegion(region: string): 'aws' | 'aws-cn' {
  return region.startsWith('cn-') ? 'aws-cn' : 'aws';
}

/** The rule set of an account's region: Huawei accounts use Huawei's, AWS accounts their partition's. */
export function providerForAccount(account: Pick<AccountRef, 'kind'>, region: string): 'aws' | 'aws-cn' | 'huawei' {
  return account.kind === 'huawei' ? 'huawei' : providerForRegion(region);
}

/** What a Region row says of its partition: the ARN prefix, the KMS endpoint (unless overridden) and the rule set. */
export interface RegionPartition {
  provider: 'aws' | 'aws-cn';
  /** "arn:aws-cn:kms:cn-north-1:" — every key ARN of the Region starts with it. */
  arnPrefix: string;
  /** The public KMS endpoint of the Region (the AWS SDK resolves the same one). */
  endpoint: string;
  /** Shown beside the Region (China Regions only: the usual partition goes unsaid). */
  badge?: string;
  /** Markdown tooltip lines. */
  tooltip: string;
}

export function regionPartition(region: string, endpoint?: string): RegionPartition {
  const provider = providerForRegion(region);
  const china = provider === 'aws-cn';
  const publicEndpoint = `https://kms.${region}.amazonaws.com${china ? '.cn' : ''}`;
  const arnPrefix = `arn:${provider}:kms:${region}:`;
  const lines = [
    `**${region}** — partition \`${provider}\``,
    '',
    `- ARNs: \`${arnPrefix}…\``,
    `- Endpoint: \`${endpoint ?? publicEndpoint}\``,
    china
      ? '- China Regions rules: SM2 wrapping key with SM2PKE (preselected for private keys), 128-bit SM4 symmetric keys, no RSA_AES_KEY_WRAP_*'
      : '- Rules: RSA wrapping keys (RSA_AES_KEY_WRAP_* for RSA private keys), 256-bit symmetric keys; SM2/SM2PKE only in China Regions',
  ];
  return { provider, arnPrefix, endpoint: endpoint ?? publicEndpoint, badge: china ? 'aws-cn' : undefined, tooltip: lines.join('\n') };
}

/** A Huawei Cloud region row's tooltip: endpoint, project and the rules Huawei applies. */
export function huaweiRegionTooltip(region: string, projectId: string, endpoint?: string): string {
  return [
    `**${region}** — Huawei Cloud KMS`,
    '',
    `- Endpoint: \`${endpoint ?? `https://kms.${region}.myhuaweicloud.com`}\``,
    ...(projectId ? [`- Project: \`${projectId}\``] : []),
    '- Rules: RSA_2048 wrapping key (RSAES_OAEP_SHA_256 preferred), 256-bit AES keys, asymmetric keys in the two-part form; no rotation, multi-Region or HMAC keys',
  ].join('\n');
}

export function filterLabel(filter: KeyFilter): string {
  return filter === 'pending' ? 'pending import' : filter === 'external' ? 'external' : 'all keys';
}

/** Markdown tooltip lines for a key (no secrets: ids, specs, dates). */
export function keyTooltip(key: KeyInfo, now: Date = new Date()): string {
  const exp = materialExpiry(key, now);
  const lines = [
    `**${keyLabel(key)}**`,
    '',
    `- ARN: \`${key.arn}\``,
    `- Key spec: ${key.keySpec} · usage: ${key.keyUsage}`,
    `- State: ${key.keyState} · origin: ${key.origin}`,
  ];
  if (exp.kind !== 'not-external') lines.push(`- Key material: ${exp.label}${key.validTo ? ` (ValidTo ${key.validTo.toISOString()})` : ''}`);
  if (key.currentKeyMaterialId) lines.push(`- Current key material: \`${key.currentKeyMaterialId.slice(0, 16)}…\``);
  if (key.description) lines.push(`- Description: ${key.description.replace(/[\r\n]+/g, ' ')}`);
  return lines.join('\n');
}
