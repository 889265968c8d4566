// Listing keys with details for the extension's tree and the CLI: ListKeys pages are fetched one
// after another (markers are sequential) while DescribeKey runs with bounded concurrency over what has
// been listed so far. Results stream out as they arrive (onKeys), so the first screen appears long
// before the full list. A small cache keeps one list per account and Region.
import type { KeyInfo, KmsProvider } from '../providers/types';

export interface ListKeysDetailedOptions {
  /** DescribeKey calls in flight at most (default 16). */
  concurrency?: number;
  /** ListKeys page size (default 1000, the service maximum). */
  pageSize?: number;
  signal?: AbortSignal;
  /** Called with each batch of described keys as they complete (in completion order). */
  onKeys?: (keys: KeyInfo[], progress: { described: number; listed: number; done: boolean }) => void;
  /** Keys whose DescribeKey failed are reported here and left out of the result. */
  onError?: (keyId: string, error: unknown) => void;
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return Object.assign(new Error('The listing was cancelled.'), { name: 'AbortError' });
}

/** All keys with DescribeKey details, in ListKeys order. */
export async function listKeysDetailed(provider: KmsProvider, opts: ListKeysDetailedOptions = {}): Promise<KeyInfo[]> {
  const concurrency = Math.max(1, opts.concurrency ?? 32);
  const signal = opts.signal;
  const ids: string[] = [];
  const results: Array<KeyInfo | undefined> = [];
  let listed = 0;
  let described = 0;
  let listingDone = false;
  let next = 0;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  const lister = (async () => {
    let token: string | undefined;
    try {
      do {
        if (signal?.aborted) throw abortError(signal);
        const page = await provider.listKeys(token, opts.pageSize ?? 1000, { signal });
        for (const k of page.items) ids.push(k.keyId);
        listed = ids.length;
        token = page.nextToken;
        notify();
      } while (token && failure === undefined);
    } catch (e) {
      failure ??= e;
    } finally {
      listingDone = true;
      notify();
    }
  })();

  let pending: KeyInfo[] = [];
  const flush = (done: boolean) => {
    if (!opts.onKeys || (pending.length === 0 && !done)) return;
    const batch = pending;
    pending = [];
    opts.onKeys(batch, { described, listed, done });
  };

  const worker = async () => {
    for (;;) {
      if (failure !== undefined) return;
      if (signal?.aborted) {
        failure ??= abortError(signal);
        return;
      }
      if (next < ids.length) {
        const i = next++;
        try {
          const info = await provider.describeKey(ids[i], { signal });
          results[i] = info;
          described++;
          pending.push(info);
          if (pending.length >= concurrency) flush(false);
        } catch (e) {
          if (signal?.aborted) {
            failure ??= e;
            return;
          }
          described++;
          opts.onError?.(ids[i], e);
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

  await Promise.all([lister, ...Array.from({ length: concurrency }, worker)]);
  if (failure !== undefined) throw failure;
  flush(true);
  return results.filter((x): x is KeyInfo => x !== undefined);
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

/** One key list per account and Region, with an age limit; refresh() bypasses it. */
export class KeyListCache {
  private readonly entries = new Map<string, { at: number; keys: Promise<KeyInfo[]> }>();
  constructor(private readonly maxAgeMs = 5 * 60 * 1000, private readonly clock: () => number = Date.now) {}

  get(accountId: string, region: string, load: () => Promise<KeyInfo[]>, opts: { refresh?: boolean } = {}): Promise<KeyInfo[]> {
    const k = `${accountId}\0${region}`;
    const e = this.entries.get(k);
    if (e && !opts.refresh && this.clock() - e.at < this.maxAgeMs) return e.keys;
    const keys = load();
    this.entries.set(k, { at: this.clock(), keys });
    keys.catch(() => {
      if (this.entries.get(k)?.keys === keys) this.entries.delete(k);
    });
    return keys;
  }

  invalidate(accountId?: string, region?: string): void {
    if (accountId === undefined) return this.entries.clear();
    for (const k of [...this.entries.keys()]) {
      const [a, r] = k.split('\0');
      if (a === accountId && (region === undefined || r === region)) this.entries.delete(k);
    }
  }
}
