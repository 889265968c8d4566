// Paths the user chose stay on the host: the webview (and the state it persists) holds only an opaque
// id, and only ids this host handed out resolve back to a path. A path a webview names itself — in a
// `ready` message or in saved state a serializer revives — is never read. No vscode import: the store
// is any Memento-like object (workspace state in the extension, a Map in tests).
import { randomUUID } from 'node:crypto';
import { isFormState } from '../../protocol/form';
import { isSummaryRef, type SummaryIdentity } from '../../protocol/summary';
import type { FormState } from './formModel';

export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** How many chosen paths of one kind are remembered (the newest win). */
export const MAX_REFS = 100;
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Entry {
  path: string;
  at: number;
}

/** Opaque ids for host-chosen paths of one kind ('material' files, parameter 'bundle' folders). */
export class PathRefs {
  private readonly key: string;

  constructor(
    private readonly store: StateStore,
    kind: 'material' | 'bundle',
    private readonly newId: () => string = randomUUID,
    private readonly now: () => number = Date.now,
  ) {
    this.key = `kmsImport.paths.${kind}`;
  }

  private all(): Record<string, Entry> {
    const v = this.store.get<Record<string, Entry>>(this.key);
    return v && typeof v === 'object' ? v : {};
  }

  /** The id for a path the host chose (an open dialog, a command's argument); the same path keeps its id. */
  async remember(file: string): Promise<string> {
    const all = this.all();
    const id = Object.keys(all).find((k) => all[k]?.path === file) ?? this.newId();
    const entries = Object.entries({ ...all, [id]: { path: file, at: this.now() } })
      .sort((a, b) => b[1].at - a[1].at)
      .slice(0, MAX_REFS);
    await this.store.update(this.key, Object.fromEntries(entries));
    return id;
  }

  /** The path behind an id this host handed out; undefined for anything else. */
  resolve(id: unknown): string | undefined {
    if (typeof id !== 'string' || !ID.test(id)) return undefined;
    const all = this.all();
    return Object.prototype.hasOwnProperty.call(all, id) && typeof all[id]?.path === 'string' ? all[id].path : undefined;
  }
}

/**
 * The form's choices restored from what a webview sent (`ready`) or saved (serializer): only the
 * fields the user may change, and the material file only through an id this host knows. A path in
 * the message (`materialPath`, as an older version persisted it) is dropped.
 */
export function restoreFormState(saved: unknown, material: Pick<PathRefs, 'resolve'>): { state?: Partial<FormState>; materialPath?: string } {
  if (!isFormState(saved)) return {};
  const { materialPath: _ignored, ...rest } = saved as FormState & { materialPath?: unknown };
  const materialPath = material.resolve(rest.materialId);
  const state: Partial<FormState> = { ...rest };
  if (!materialPath) delete state.materialId;
  return { state, materialPath };
}

/**
 * The summary's identity rebuilt from a webview's saved state: account, Region and key from the state,
 * the bundle folder only through an id this host knows (a `bundleDir` in the state is ignored).
 */
export function reviveSummaryIdentity(saved: unknown, bundles: Pick<PathRefs, 'resolve'>): SummaryIdentity | undefined {
  const ref = (saved as { identity?: unknown } | undefined)?.identity;
  if (!isSummaryRef(ref)) return undefined;
  const bundleDir = bundles.resolve(ref.bundleId);
  return { accountId: ref.accountId, region: ref.region, keyId: ref.keyId, ...(bundleDir ? { bundleDir } : {}) };
}
