// One icon per key state in the Keys view: the codicon and theme color a key row shows, so the state
// reads at a glance before the description. Pure (no vscode import: keysTree.ts turns the answer into a
// ThemeIcon); tested in plain Node (test/extension/keyIcons.test.ts).
// The state decides first: a key that cannot be used (pending deletion, disabled, unavailable) shows
// that, whatever its material; then pending import; then the material's expiry (expired, expiring within
// EXPIRING_SOON_MS); then an enabled key, imported (EXTERNAL) or not.
import type { KeyInfo } from '../../providers/types';
import { materialExpiry } from './expiry';

/** Material with less time left than this shows the "expiring soon" icon (the tree's "expires in 6 d"). */
export const EXPIRING_SOON_MS = 7 * 24 * 3_600_000;

export type KeyIconState =
  | 'pending-import'
  | 'enabled'
  | 'enabled-kms'
  | 'disabled'
  | 'pending-deletion'
  | 'expired'
  | 'expiring-soon'
  | 'unavailable'
  | 'changing';

export interface KeyIcon {
  state: KeyIconState;
  /** A codicon id (https://code.visualstudio.com/api/references/icons-in-labels). */
  id: string;
  /** A theme color id, where a color helps. */
  color?: string;
}

const ICONS: Record<KeyIconState, Omit<KeyIcon, 'state'>> = {
  'pending-import': { id: 'cloud-upload', color: 'list.warningForeground' },
  enabled: { id: 'key', color: 'testing.iconPassed' },
  'enabled-kms': { id: 'lock' },
  disabled: { id: 'circle-slash', color: 'disabledForeground' },
  'pending-deletion': { id: 'trash', color: 'list.errorForeground' },
  expired: { id: 'error', color: 'list.errorForeground' },
  'expiring-soon': { id: 'watch', color: 'list.warningForeground' },
  unavailable: { id: 'debug-disconnect', color: 'disabledForeground' },
  changing: { id: 'sync' },
};

export function keyIconState(key: Pick<KeyInfo, 'origin' | 'keyState' | 'validTo' | 'expirationModel'>, now: Date = new Date()): KeyIconState {
  switch (key.keyState) {
    case 'PendingDeletion':
    case 'PendingReplicaDeletion':
      return 'pending-deletion';
    case 'Disabled':
      return 'disabled';
    case 'Unavailable':
      return 'unavailable';
    case 'Creating':
    case 'Updating':
      return 'changing';
    case 'PendingImport':
      return 'pending-import';
  }
  const exp = materialExpiry(key, now);
  if (exp.kind === 'expired') return 'expired';
  if (exp.kind === 'expires' && exp.msLeft < EXPIRING_SOON_MS) return 'expiring-soon';
  return exp.kind === 'not-external' ? 'enabled-kms' : 'enabled';
}

/** The icon of a key row. */
export function keyIcon(key: Pick<KeyInfo, 'origin' | 'keyState' | 'validTo' | 'expirationModel'>, now: Date = new Date()): KeyIcon {
  const state = keyIconState(key, now);
  return { state, ...ICONS[state] };
}
