// The one key listing, for the extension's tree, pickers and form and for the CLI: ListKeys pages are
// fetched one after another (markers are sequential) while DescribeKey runs with bounded concurrency
// over what has been listed so far, and ListAliases once alongside. Described keys stream out in
// batches (onKeys), so the first screen appears long before the full list. Retries (throttling, 5xx)
// are the provider's; a key that still cannot be described is reported in `failures` and left out,
// a failing ListKeys fails the listing; cancellation stops it and starts no call after the cancel.
// One cache (KeyListCache) keeps one listing per account and Region, shown as it arrives.
// Only the KmsProvider interface: no vscode, no AWS SDK.
import type { KeyInfo, KmsProvider } from '../providers/types';

export interface ListProgress {
  /** Keys DescribeKey has answered for (described or failed). */
  described: number;
  /** Keys ListKeys has returned so far. */
  listed: number;
  /** Keys that could not be described. */
  failed: number;
  done: boolean;
}

export interface ListKeysDetailedOptions {
  /** DescribeKey calls in flight at most (default 32, 1..64). */
  concurrency?: number;
  /** ListKeys page size (default 1000, the service maximum). */
  pageSize?: number;
  signal?: AbortSignal;
  /** Called with each batch of described keys as they complete (completion order; aliases attached when known). */
  onKeys?: (keys: KeyInfo[], progress: ListProgress) => void;
}

export interface KeyListFailure {
  keyId: string;
  message: string;
  error: unknown;
}

export interface ListResult {
  /** Every key described, in ListKeys order, with its aliases. */
  keys: KeyInfo[];
  /** Keys that could not be described (e.g. AccessDenied on one key), with the error. */
  failures: KeyListFailure[];
  /** Requests sent (for the log). */
  requests: { listKeys: number; describeKey: number; listAliases: number };
}

export const DEFAULT_LIST_CONCURRENCY = 32;
export const MAX_LIST_CONCURRENCY = 64;

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return Object.assign(new Error('The listing was cancelled.'), { name: 'AbortError' });
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e)) || 'unknown error';

/** All keys with DescribeKey details and aliases, in ListKeys order; batches streamed through onKeys. */
export async function listKeysDetailed(provider: KmsProvider, opts: ListKeysDetailedOptions = {}): Promise<ListResult> {
  const concurrency = Math.max(1, Math.min(MAX_LIST_CONCURRENCY, Math.floor(opts.concurrency ?? DEFAULT_LIST_CONCURRENCY)));
  const outer = opts.signal;
  if (outer?.aborted) throw abortError(outer);
  // Our own signal: the caller's cancel, or a failed ListKeys, stops every call still in flight.
  const inner = new AbortController();
  const onAbort = () => inner.abort(outer?.reason);
  outer?.addEventListener('abort', onAbort, { once: true });
  const signal = inner.signal;

  const requests = { listKeys: 0, describeKey: 0, listAliases: 0 };
  const failures: KeyListFailure[] = [];
  const ids: string[] = [];
  const results: Array<KeyInfo | undefined> = [];
  let described = 0;
  let listingDone = false;
  let next = 0;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const fail = (error: unknown) => {
    failure ??= { error };
    inner.abort();
    notify();
  };

  // Aliases are a nicety: a refusal (or a cancel) must not hide the keys.
  let aliases: Map<string, string[]> | undefined;
  requests.listAliases++;
  const aliasesDone = provider.listAliases({ signal }).then(
    (list) => {
      const m = new Map<string, string[]>();
      for (const a of list) if (a.targetKeyId) m.set(a.targetKeyId, [...(m.get(a.targetKeyId) ?? []), a.aliasName]);
      aliases = m;
    },
    () => {
      aliases = new Map();
    },
  );
  const withAliases = (k: KeyInfo): KeyInfo => {
    const known = aliases?.get(k.keyId);
    return known && !k.aliases?.length ? { ...k, aliases: known } : k;
  };

  const lister = (async () => {
    let token: string | undefined;
    try {
      do {
        if (signal.aborted) throw outer?.aborted ? abortError(outer) : abortError(signal);
        requests.listKeys++;
        const page = await provider.listKeys(token, opts.pageSize ?? 1000, { signal });
        for (const k of page.items) ids.push(k.keyId);
        token = page.nextToken;
        notify();
      } while (token && failure === undefined);
    } catch (e) {
      fail(e);
    } finally {
      listingDone = true;
      notify();
    }
  })();

  let pending: KeyInfo[] = [];
  const progress = (done: boolean): ListProgress => ({ described, listed: ids.length, failed: failures.length, done });
  const flush = (done: boolean) => {
    if (!opts.onKeys || (pending.length === 0 && !done)) return;
    const batch = pending.map(withAliases);
    pending = [];
    opts.onKeys(batch, progress(done));
  };

  const worker = async () => {
    for (;;) {
      if (failure !== undefined) return;
      if (signal.aborted) return fail(outer?.aborted ? abortError(outer) : abortError(signal));
      if (next < ids.length) {
        const i = next++;
        try {
          requests.describeKey++;
          const info = await provider.describeKey(ids[i], { signal });
          results[i] = info;
          described++;
          pending.push(info);
          if (pending.length >= concurrency) flush(false);
        } catch (e) {
          if (signal.aborted) return fail(e);
          described++;
          failures.push({ keyId: ids[i], message: messageOf(e), error: e });
        }
        continue;
      }
      if (listingDone) return;
      await new Promise<void>((resolve) => {
        const prev = wake;
        wake = () => {
          prev?.();
          resolve();
        };
      });
    }
  };

  try {
    await Promise.all([lister, ...Array.from({ length: concurrency }, worker)]);
    if (failure !== undefined) throw failure.error;
    await aliasesDone;
    flush(true);
    return { keys: results.filter((x): x is KeyInfo => x !== undefined).map(withAliases), failures, requests };
  } finally {
    outer?.removeEventListener('abort', onAbort);
    if (failure !== undefined) inner.abort();
  }
}

/** The plain sequential loop (ListKeys page, then DescribeKey one by one). Kept for the benchmark's baseline. */
export async function listKeysSequential(provider: KmsProvider, opts: { signal?: AbortSignal; onKey?: (k: KeyInfo) => void } = {}): Promise<KeyInfo[]> {
  const out: KeyInfo[] = [];
  let token: string | undefined;
  do {
    const page = await provider.listKeys(token, 1000, { signal: opts.signal });
    for (const k of page.items) {
      const info = await provider.describeKey(k.keyId, { signal: opts.signal });
      out.push(info);
      opts.onKey?.(info);
    }
    token = page.nextToken;
  } while (token);
  return out;
}

/** One listing held by the cache: keys as they arrive, then the outcome. */
export interface KeyListing {
  /** The keys described so far (all of them once done). */
  keys: KeyInfo[];
  done: boolean;
  /** Why the listing failed (ListKeys refused, provider unavailable, cancelled). */
  error?: unknown;
  failures: KeyListFailure[];
  startedAt: number;
  finishedAt?: number;
  controller: AbortController;
  /** Settles when the listing is done: its keys, or its error. */
  result: Promise<KeyInfo[]>;
}

export interface KeyListCacheOptions {
  /** DescribeKey concurrency of each listing (read when it starts; default 32). */
  concurrency?: () => number;
  /** A finished listing older than this is listed again by load() (default 5 minutes). */
  maxAgeMs?: number;
  now?: () => number;
  /** A listing of (account, Region) changed: a batch arrived, or it finished. */
  onChange?: (accountId: string, region: string) => void;
}

/**
 * The one key cache: a listing per (account, Region), one in flight per pair, shown as it arrives
 * (get) and awaited by whoever needs the whole list (load(...).result). A failed listing is kept so
 * its error can be shown, but load() never serves it: it lists again. Single keys can be patched
 * after an action without relisting; invalidate/clear abort what is in flight.
 */
export class KeyListCache {
  private readonly listings = new Map<string, KeyListing>();
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: KeyListCacheOptions = {}) {
    this.maxAgeMs = opts.maxAgeMs ?? 5 * 60 * 1000;
    this.now = opts.now ?? Date.now;
  }

  static keyOf(accountId: string, region: string): string {
    return `${accountId}\u0000${region}`;
  }

  /** The cached listing (in progress, done or failed), without starting one. */
  get(accountId: string, region: string): KeyListing | undefined {
    return this.listings.get(KeyListCache.keyOf(accountId, region));
  }

  /**
   * The cached listing, or a new one when there is none, it failed, it is older than maxAgeMs, or
   * `refresh` is asked (the one it replaces is aborted).
   */
  load(accountId: string, region: string, provider: () => KmsProvider | Promise<KmsProvider>, opts: { refresh?: boolean } = {}): KeyListing {
    const key = KeyListCache.keyOf(accountId, region);
    const existing = this.listings.get(key);
    const stale = existing?.done && (existing.error !== undefined || this.now() - existing.startedAt >= this.maxAgeMs);
    if (existing && !opts.refresh && !stale) return existing;
    existing?.controller.abort();

    const controller = new AbortController();
    let settle!: { resolve: (k: KeyInfo[]) => void; reject: (e: unknown) => void };
    const result = new Promise<KeyInfo[]>((resolve, reject) => (settle = { resolve, reject }));
    result.catch(() => undefined); // observed through `error`; awaiting `result` still sees the rejection
    const listing: KeyListing = { keys: [], done: false, failures: [], startedAt: this.now(), controller, result };
    this.listings.set(key, listing);
    const current = () => this.listings.get(key) === listing;
    const changed = () => {
      if (current()) this.opts.onChange?.(accountId, region);
    };
    void (async () => {
      try {
        const p = await provider();
        const res = await listKeysDetailed(p, {
          concurrency: this.opts.concurrency?.() ?? DEFAULT_LIST_CONCURRENCY,
          signal: controller.signal,
          onKeys: (batch) => {
            if (!current()) return;
            listing.keys.push(...batch);
            changed();
          },
        });
        listing.keys = res.keys;
        listing.failures = res.failures;
        settle.resolve(listing.keys);
      } catch (e) {
        listing.error = e;
        settle.reject(e);
      } finally {
        listing.done = true;
        listing.finishedAt = this.now();
        changed();
      }
    })();
    return listing;
  }

  /** Forget one Region (or every Region of an account, or everything); aborts listings in flight. */
  invalidate(accountId?: string, region?: string): void {
    for (const [k, l] of this.listings) {
      const [acc, reg] = k.split('\u0000');
      if (accountId === undefined || (acc === accountId && (region === undefined || reg === region))) {
        l.controller.abort();
        this.listings.delete(k);
      }
    }
  }

  clear(): void {
    this.invalidate();
  }

  /** Every key of every cached listing. */
  allKeys(): KeyInfo[] {
    return [...this.listings.values()].flatMap((l) => l.keys);
  }

  /** Replace (or add) one key after an action, without relisting; its known aliases are kept. */
  upsert(accountId: string, region: string, key: KeyInfo): void {
    const l = this.get(accountId, region);
    if (!l) return;
    const i = l.keys.findIndex((k) => k.keyId === key.keyId);
    const merged: KeyInfo = i >= 0 && !key.aliases?.length ? { ...key, aliases: l.keys[i].aliases } : key;
    if (i >= 0) l.keys[i] = merged;
    else l.keys.push(merged);
  }

  remove(accountId: string, region: string, keyId: string): void {
    const l = this.get(accountId, region);
    if (l) l.keys = l.keys.filter((k) => k.keyId !== keyId);
  }
}
