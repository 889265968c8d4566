// Huawei Cloud accounts of the tree: the ones the user added (name, AK, project id, regions and endpoint
// in the extension's global state; the SK in VS Code's secret storage only, never in settings or state)
// and the one from HUAWEICLOUD_SDK_* in the environment. Checks what is typed before it is stored.
// No vscode import: the store takes the Memento/SecretStorage shapes (tested in plain Node).
import { HUAWEI_DEFAULT_REGION, type AccountRef } from './treeModel';

/** The slice of vscode.Memento the store uses. */
export interface StateLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}
/** The slice of vscode.SecretStorage the store uses. */
export interface SecretsLike {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** What is kept in global state for an added account: no secret. */
export interface StoredHuaweiAccount {
  name: string;
  accessKey: string;
  projectId: string;
  regions: string[];
  endpoint?: string;
}

export interface HuaweiCredentialsFound {
  accessKey: string;
  secretKey: string;
  securityToken?: string;
}

export const HUAWEI_ACCOUNTS_STATE = 'kmsImport.huawei.accounts';
const SECRET_PREFIX = 'kmsImport.huawei.sk:';
export const HUAWEI_ENV_ACCOUNT_ID = 'huawei-env';

export const huaweiAccountId = (name: string): string => `huawei:${name}`;
export const huaweiSecretKey = (name: string): string => `${SECRET_PREFIX}${name}`;

/** "cn-north-4", "ap-southeast-1", "la-south-2": a Huawei Cloud region name (its form, not whether it exists). */
export function isHuaweiRegionName(region: string): boolean {
  return /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region);
}

/** What can be wrong with a typed field (the input boxes word each one through vscode.l10n; `arg`: the value named). */
export type HuaweiFieldProblem =
  | { code: 'name-empty' | 'name-long' | 'name-chars' | 'access-key' | 'secret-key' | 'project-id' | 'regions-empty' | 'endpoint-url' | 'endpoint-base' | 'endpoint-http' }
  | { code: 'name-taken' | 'region-name'; arg: string };

/** English wording of each problem (the store's refusal; the extension words them through vscode.l10n). */
export function problemText(p: HuaweiFieldProblem): string {
  switch (p.code) {
    case 'name-empty': return 'Give the account a name (it is shown in the tree).';
    case 'name-long': return 'The name has at most 64 characters.';
    case 'name-chars': return 'The name has letters, digits, spaces and . _ - @ ( ) only.';
    case 'name-taken': return `There is already an account named "${p.arg}".`;
    case 'access-key': return 'An access key (AK) is 8–128 letters and digits.';
    case 'secret-key': return 'The secret access key (SK) has at least 8 characters and no spaces.';
    case 'project-id': return 'The project id is 8–64 letters, digits, _ or - (32 hexadecimal characters in Huawei Cloud).';
    case 'regions-empty': return `Give at least one region, e.g. ${HUAWEI_DEFAULT_REGION}.`;
    case 'region-name': return `Not a Huawei Cloud region name: ${p.arg} (e.g. cn-north-4, ap-southeast-1).`;
    case 'endpoint-url': return 'The endpoint is a URL such as https://kms.cn-north-4.myhuaweicloud.com (or empty).';
    case 'endpoint-base': return 'The endpoint is a base URL: no query or fragment.';
    case 'endpoint-http': return 'The endpoint uses https:// (plain http only to this machine, e.g. the sandbox at http://127.0.0.1:PORT).';
  }
}

/** Each check answers undefined (fine) or what is wrong. */
export const huaweiChecks = {
  name(v: string, taken: string[]): HuaweiFieldProblem | undefined {
    const t = v.trim();
    if (!t) return { code: 'name-empty' };
    if (t.length > 64) return { code: 'name-long' };
    if (!/^[\w .@()-]+$/.test(t)) return { code: 'name-chars' };
    if (taken.includes(t)) return { code: 'name-taken', arg: t };
    return undefined;
  },
  accessKey(v: string): HuaweiFieldProblem | undefined {
    return /^[A-Za-z0-9]{8,128}$/.test(v.trim()) ? undefined : { code: 'access-key' };
  },
  secretKey(v: string): HuaweiFieldProblem | undefined {
    return v.trim().length >= 8 && !/\s/.test(v.trim()) ? undefined : { code: 'secret-key' };
  },
  projectId(v: string): HuaweiFieldProblem | undefined {
    return /^[A-Za-z0-9_-]{8,64}$/.test(v.trim()) ? undefined : { code: 'project-id' };
  },
  regions(v: string): HuaweiFieldProblem | undefined {
    const list = parseRegions(v);
    if (!list.length) return { code: 'regions-empty' };
    const bad = list.filter((r) => !isHuaweiRegionName(r));
    return bad.length ? { code: 'region-name', arg: bad.join(', ') } : undefined;
  },
  endpoint(v: string): HuaweiFieldProblem | undefined {
    const t = v.trim();
    if (!t) return undefined;
    let u: URL;
    try {
      u = new URL(t);
    } catch {
      return { code: 'endpoint-url' };
    }
    if (u.protocol === 'https:') return u.search || u.hash ? { code: 'endpoint-base' } : undefined;
    if (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) return undefined;
    return { code: 'endpoint-http' };
  },
};

export function parseRegions(v: string): string[] {
  return [...new Set(v.split(/[\s,]+/).map((r) => r.trim()).filter(Boolean))];
}

/** The account the tree shows for a stored one. */
export function huaweiAccountRef(a: StoredHuaweiAccount): AccountRef {
  return { id: huaweiAccountId(a.name), kind: 'huawei', label: a.name, defaultRegion: a.regions[0], huawei: { projectId: a.projectId, endpoint: a.endpoint, regions: a.regions } };
}

/** The region a Huawei KMS endpoint names (kms.<region>.myhuaweicloud.com), if it does. */
function regionOfEndpoint(endpoint: string | undefined): string | undefined {
  const m = endpoint ? /^https?:\/\/kms\.([a-z0-9-]+)\.myhuaweicloud\.com/.exec(endpoint) : null;
  return m && isHuaweiRegionName(m[1]) ? m[1] : undefined;
}

/** The environment's Huawei account (HUAWEICLOUD_SDK_AK/SK/PROJECT_ID set), without its secrets. */
export function huaweiEnvAccount(env: NodeJS.ProcessEnv): AccountRef | undefined {
  if (!env.HUAWEICLOUD_SDK_AK || !env.HUAWEICLOUD_SDK_SK || !env.HUAWEICLOUD_SDK_PROJECT_ID) return undefined;
  const endpoint = env.HUAWEICLOUD_KMS_ENDPOINT || undefined;
  const region = [env.HUAWEICLOUD_SDK_REGION, regionOfEndpoint(endpoint)].find((r) => r && isHuaweiRegionName(r)) ?? HUAWEI_DEFAULT_REGION;
  return { id: HUAWEI_ENV_ACCOUNT_ID, kind: 'huawei', label: 'Huawei Cloud (environment)', defaultRegion: region, huawei: { projectId: env.HUAWEICLOUD_SDK_PROJECT_ID, endpoint, env: true, regions: [region] } };
}

/** Added Huawei accounts: the SK in secret storage, the rest in global state. */
export class HuaweiAccountStore {
  constructor(
    private readonly state: StateLike,
    private readonly secrets: SecretsLike,
  ) {}

  list(): StoredHuaweiAccount[] {
    const raw = this.state.get<StoredHuaweiAccount[]>(HUAWEI_ACCOUNTS_STATE) ?? [];
    return Array.isArray(raw) ? raw.filter((a) => a && typeof a.name === 'string' && typeof a.accessKey === 'string') : [];
  }

  get(name: string): StoredHuaweiAccount | undefined {
    return this.list().find((a) => a.name === name);
  }

  /** Adds or replaces an account (by name). The secret is stored first: an account is never listed without it. */
  async save(account: StoredHuaweiAccount, secretKey: string): Promise<void> {
    const problems = [huaweiChecks.name(account.name, []), huaweiChecks.accessKey(account.accessKey), huaweiChecks.secretKey(secretKey), huaweiChecks.projectId(account.projectId), huaweiChecks.regions(account.regions.join(',')), huaweiChecks.endpoint(account.endpoint ?? '')];
    const found = problems.filter((p): p is HuaweiFieldProblem => !!p);
    if (found.length) throw new Error(found.map(problemText).join(' '));
    const clean: StoredHuaweiAccount = { name: account.name.trim(), accessKey: account.accessKey.trim(), projectId: account.projectId.trim(), regions: account.regions, ...(account.endpoint?.trim() ? { endpoint: account.endpoint.trim().replace(/\/+$/, '') } : {}) };
    await this.secrets.store(huaweiSecretKey(clean.name), secretKey.trim());
    await this.state.update(HUAWEI_ACCOUNTS_STATE, [...this.list().filter((a) => a.name !== clean.name), clean]);
  }

  /** Removes the account and its secret key. */
  async remove(name: string): Promise<void> {
    await this.state.update(HUAWEI_ACCOUNTS_STATE, this.list().filter((a) => a.name !== name));
    await this.secrets.delete(huaweiSecretKey(name));
  }

  /** The account's AK/SK; undefined when the SK is gone from secret storage. */
  async credentials(name: string): Promise<HuaweiCredentialsFound | undefined> {
    const a = this.get(name);
    const sk = a ? await this.secrets.get(huaweiSecretKey(name)) : undefined;
    return a && sk ? { accessKey: a.accessKey, secretKey: sk } : undefined;
  }
}

/**
 * Huawei Cloud KMS hands out RSA_2048 wrapping keys only (its API's public_key; the provider refuses any other
 * spec, as the sandbox does). The core's rule set still lists RSA_3072/4096 for Huawei and recommends RSA_4096,
 * so the choices the extension offers for a Huawei key are narrowed here to what the service can serve.
 */
export const HUAWEI_WRAPPING_KEY_SPEC = 'RSA_2048' as const;

/** The (wrapping key spec, algorithm) rows to offer for a provider, with the recommended one: Huawei's narrowed to RSA_2048. */
export function offeredWrapping<R extends { wrappingKeySpec: string; algorithm: string }>(provider: string, rows: R[], rec: { wrappingKeySpec: string; algorithm: string }): { rows: R[]; rec: { wrappingKeySpec: string; algorithm: string } } {
  if (provider !== 'huawei') return { rows, rec };
  return { rows: rows.filter((r) => r.wrappingKeySpec === HUAWEI_WRAPPING_KEY_SPEC), rec: { ...rec, wrappingKeySpec: HUAWEI_WRAPPING_KEY_SPEC } };
}
