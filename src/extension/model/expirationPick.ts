// The expiration question of an import from a wrapped file (explorer "Import Key Material", Wrap in
// HSM): which answer comes first (and is thus preselected) and the ValidTo the date box starts with.
// A re-import keeps the key's expiration model and ValidTo, as the import form does (formGuide's
// reimportExpiry); a new key gets "does not expire" and the form's 90-day default date. The date box
// accepts tomorrow … 365 days only. Pure; tested in plain Node (test/extension/expirationPick.test.ts).
import type { ExpirationModel } from '../../core/specs';
import { reimportExpiry, validToBounds } from './formGuide';

export interface ExpirationPickPlan {
  /** Answers in the order shown: the first is preselected. */
  order: ExpirationModel[];
  /** The model the key has now, when it has one (labelled "current" in the pick). */
  current?: ExpirationModel;
  /** yyyy-mm-dd the ValidTo box starts with. */
  validTo: string;
  min: string;
  max: string;
}

export function expirationPickPlan(key: { expirationModel?: string; validTo?: Date } | undefined, now = new Date()): ExpirationPickPlan {
  const b = validToBounds(now);
  const kept = key ? reimportExpiry(key, now) : undefined;
  const expires = kept?.expirationModel === 'KEY_MATERIAL_EXPIRES';
  return {
    order: expires ? ['KEY_MATERIAL_EXPIRES', 'KEY_MATERIAL_DOES_NOT_EXPIRE'] : ['KEY_MATERIAL_DOES_NOT_EXPIRE', 'KEY_MATERIAL_EXPIRES'],
    current: kept?.expirationModel,
    validTo: (expires && kept?.validTo) || b.suggested,
    min: b.min,
    max: b.max,
  };
}

/** Why a typed ValidTo is refused (undefined when it is accepted). */
export function validToProblem(value: string, plan: Pick<ExpirationPickPlan, 'min' | 'max'>): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) return 'format';
  if (value < plan.min || value > plan.max) return 'range';
  return undefined;
}
