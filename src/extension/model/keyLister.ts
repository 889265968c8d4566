// Listing keys for the tree: ListKeys pages are fetched one after another while DescribeKey runs with
// bounded concurrency on the keys already known (src/flow/listing.ts), aliases are fetched once in
// parallel, and results arrive in batches so the tree shows the first screen before the whole list.
// Cached per account and region. Only the KmsProvider interface: no vscode, no AWS SDK.
import type { KeyInfo, KmsProvider } from '../../providers/types';
import { listKeysDetailed as streamKeys } from '../../flow/listing';

export interface ListOptions {
  concurrency?: number;
  pageSize?: number;
  signal?: AbortSignal;
  /** Called with every batch of described keys (aliases attached when known). */
  onKeys?: (batch: KeyInfo[]) => void;
}

export interface ListResult {
  keys: KeyInfo[];
  /** Keys that could not be described (e.g. AccessDenied on one key), with the error message. */
  failures: Array<{ keyId: string; message: string }>;
  requests: { listKeys: number; describeKey: number; listAliases: number };
}

/**
 * ListKeys (all pages) + DescribeKey with bounded concurrency (the flow's streaming lister, which the
 * listing benchmark measures) + ListAliases once, attached to the keys; request counts for the log.
 */
export async function listKeysDetailed(provider: KmsProvider, opts: ListOptions = {}): Promise<ListResult> {
  const requests = { listKeys: 0, describeKey: 0, listAliases: 0 };
  const failures: ListResult['failures'] = [];
  const signal = opts.signal;
  // Count the calls (a decorator over the real provider; every call still goes to it).
  const counted = Object.create(provider) as KmsProvider;
  counted.listKeys = (token, limit, o) => (requests.listKeys++, provider.listKeys(token, limit, o));
  counted.describeKey = (id, o) => (requests.describeKey++, provider.describeKey(id, o));

  requests.listAliases++;
  let aliases: Map<string, string[]> | undefined;
  const aliasesP = provider.listAliases({ signal }).then(
    (list) => {
      const m = new Map<string, string[]>();
      for (const a of list) if (a.targetKeyId) m.set(a.targetKeyId, [...(m.get(a.targetKeyId) ?? []), a.aliasName]);
      return (aliases = m);
    },
    () => (aliases = new Map<string, string[]>()), // aliases are a nicety: a refusal must not hide the keys
  );
  const withAliases = (k: KeyInfo): KeyInfo => (aliases?.get(k.keyId) && !k.aliases?.length ? { ...k, aliases: aliases.get(k.keyId) } : k);

  const keys = await streamKeys(counted, {
    concurrency: Math.max(1, Math.min(64, opts.concurrency ?? 32)),
    pageSize: opts.pageSize ?? 1000,
    signal,
    onKeys: (batch) => opts.onKeys?.(batch.map(withAliases)),
    onError: (keyId, e) => {
      if (!signal?.aborted) failures.push({ keyId, message: (e as Error)?.message ?? String(e) });
    },
  });
  await aliasesP;
  return { keys: keys.map(withAliases), failures, requests };
}

export interface Listing {
  keys: KeyInfo[];
  done: boolean;
  error?: unknown;
  failures: ListResult['failures'];
  startedAt: number;
  finishedAt?: number;
  controller: AbortController;
}

/** Listings cached per (account, region); one listing in flight per pair; single keys can be patched. */
export class KeyCache {
  private readonly listings = new Map<string, Listing>();

  constructor(private readonly opts: { concurrency: () => number; now?: () => number } = { concurrency: () => 32 }) {}

  static keyOf(accountId: string, region: string): string {
    return `${accountId}\u0000${region}`;
  }

  get(accountId: string, region: string): Listing | undefined {
    return this.listings.get(KeyCache.keyOf(accountId, region));
  }

  /** Returns the cached listing, or starts one; `onChange` fires on every batch and at the end. */
  load(accountId: string, region: string, provider: () => Promise<KmsProvider>, onChange: () => void): Listing {
    const key = KeyCache.keyOf(accountId, region);
    const existing = this.listings.get(key);
    if (existing) return existing;
    const listing: Listing = { keys: [], done: false, failures: [], startedAt: (this.opts.now ?? Date.now)(), controller: new AbortController() };
    this.listings.set(key, listing);
    void (async () => {
      try {
        const p = await provider();
        const res = await listKeysDetailed(p, {
          concurrency: this.opts.concurrency(),
          signal: listing.controller.signal,
          onKeys: (batch) => {
            if (this.listings.get(key) !== listing) return;
            listing.keys.push(...batch);
            onChange();
          },
        });
        listing.keys = res.keys;
        listing.failures = res.failures;
      } catch (e) {
        listing.error = e;
      } finally {
        listing.done = true;
        listing.finishedAt = (this.opts.now ?? Date.now)();
        if (this.listings.get(key) === listing) onChange();
      }
    })();
    return listing;
  }

  /** Forget one region (or every region of an account); aborts listings in flight. */
  invalidate(accountId: string, region?: string): void {
    for (const [k, l] of this.listings) {
      const [acc, reg] = k.split('\u0000');
      if (acc === accountId && (region === undefined || reg === region)) {
        l.controller.abort();
        this.listings.delete(k);
      }
    }
  }

  allKeys(): KeyInfo[] {
    return [...this.listings.values()].flatMap((l) => l.keys);
  }

  clear(): void {
    for (const l of this.listings.values()) l.controller.abort();
    this.listings.clear();
  }

  /** Replace (or add) one key after an action, without relisting. */
  upsert(accountId: string, region: string, key: KeyInfo): void {
    const l = this.get(accountId, region);
    if (!l) return;
    const i = l.keys.findIndex((k) => k.keyId === key.keyId);
    const merged = i >= 0 && !key.aliases?.length ? { ...key, aliases: l.keys[i].aliases } : key;
    if (i >= 0) l.keys[i] = merged;
    else l.keys.push(merged);
  }

  remove(accountId: string, region: string, keyId: string): void {
    const l = this.get(accountId, region);
    if (l) l.keys = l.keys.filter((k) => k.keyId !== keyId);
  }
}
