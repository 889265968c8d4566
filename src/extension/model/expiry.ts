// Human labels for time left: key material expiry in the tree, parameter countdowns in the summary
// and the status bar. Pure; `now` is always injectable.
import type { KeyInfo } from '../../providers/types';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** "12 d", "5 h 3 min", "42 min", "30 s": the largest units that matter. */
export function formatDuration(ms: number): string {
  const abs = Math.max(0, Math.abs(ms));
  if (abs >= 2 * DAY) return `${Math.floor(abs / DAY)} d`;
  if (abs >= HOUR) {
    const h = Math.floor(abs / HOUR);
    const m = Math.floor((abs % HOUR) / MIN);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  if (abs >= MIN) return `${Math.floor(abs / MIN)} min`;
  return `${Math.floor(abs / 1000)} s`;
}

export type MaterialExpiry =
  | { kind: 'not-external' }
  | { kind: 'pending-import'; label: 'pending import' }
  | { kind: 'expired'; label: 'expired' }
  | { kind: 'expires'; label: string; msLeft: number }
  | { kind: 'no-expiry'; label: 'does not expire' };

/** How long the imported material of a key has left (EXTERNAL keys only). */
export function materialExpiry(key: Pick<KeyInfo, 'origin' | 'keyState' | 'validTo' | 'expirationModel'>, now: Date = new Date()): MaterialExpiry {
  if (key.origin !== 'EXTERNAL') return { kind: 'not-external' };
  if (key.keyState === 'PendingImport') return { kind: 'pending-import', label: 'pending import' };
  if (key.validTo) {
    const msLeft = key.validTo.getTime() - now.getTime();
    if (msLeft <= 0) return { kind: 'expired', label: 'expired' };
    return { kind: 'expires', label: `expires in ${formatDuration(msLeft)}`, msLeft };
  }
  return { kind: 'no-expiry', label: 'does not expire' };
}

export type CountdownLevel = 'ok' | 'warning' | 'expired';

/** Countdown for import parameters (24 h validity): warning under `warnMs` (default 1 h). */
export function parametersCountdown(validTo: Date | undefined, now: Date = new Date(), warnMs = HOUR): { level: CountdownLevel; label: string; msLeft?: number } {
  if (!validTo) return { level: 'ok', label: 'validity unknown' };
  const msLeft = validTo.getTime() - now.getTime();
  if (msLeft <= 0) return { level: 'expired', label: `expired ${formatDuration(-msLeft)} ago`, msLeft };
  return { level: msLeft < warnMs ? 'warning' : 'ok', label: `expires in ${formatDuration(msLeft)}`, msLeft };
}
