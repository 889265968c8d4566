// Which parameter bundle in the workspace expires next, from the manifests' validTo (pure: the
// caller supplies manifest texts). Used by the status bar and the 1-hour warning.
export interface ManifestExpiry {
  dir: string;
  keyId?: string;
  validTo: Date;
}

export function manifestExpiry(dir: string, text: string): ManifestExpiry | undefined {
  try {
    const m = JSON.parse(text) as { format?: string; validTo?: string; keyId?: string };
    if (m.format !== 'kms-key-import/parameter-bundle' || !m.validTo) return undefined;
    const t = Date.parse(m.validTo);
    return Number.isNaN(t) ? undefined : { dir, keyId: m.keyId, validTo: new Date(t) };
  } catch {
    return undefined;
  }
}

/** The bundle that expires next among those not expired yet and not used by an import (expired and
 * used parameters are no longer actionable). */
export function nearestExpiry(items: ManifestExpiry[], now: Date = new Date(), used: ReadonlySet<string> = new Set()): ManifestExpiry | undefined {
  return items.filter((i) => i.validTo.getTime() > now.getTime() && !used.has(i.dir)).sort((a, b) => a.validTo.getTime() - b.validTo.getTime())[0];
}

/** Bundles that just crossed into the warning window, were not used and not warned about yet. */
export function dueWarnings(items: ManifestExpiry[], warned: Set<string>, warnMs: number, now: Date = new Date(), used: ReadonlySet<string> = new Set()): ManifestExpiry[] {
  return items.filter((i) => {
    if (used.has(i.dir)) return false;
    const left = i.validTo.getTime() - now.getTime();
    return left > 0 && left <= warnMs && !warned.has(`${i.dir}\u0000${i.validTo.toISOString()}`);
  });
}

export const warnKey = (i: ManifestExpiry): string => `${i.dir}\u0000${i.validTo.toISOString()}`;
