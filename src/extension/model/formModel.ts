// The import form's logic, without vscode or the DOM: form state → core check input → what the form
// shows (options with disabled reasons, findings, the recommended choice, whether it can be submitted).
// The host runs it on every change; the webview only renders the resulting FormView. What is offered and
// how it is worded follow the provider (formTerms.ts): Huawei Cloud KMS gets its own specs, names and controls.
import { checkCompatibility, hasErrors, optionMatrix, recommend, type Finding, type MaterialFacts, type ProviderId } from '../../core/rules';
import {
  ALL_WRAPPING_ALGORITHMS,
  ALL_WRAPPING_KEY_SPECS,
  KEY_SPECS,
  type KeySpec,
  type KeyUsage,
  type WrappingAlgorithm,
  type WrappingKeySpec,
} from '../../core/specs';
import { guide, materialSpec, validToBounds, whyNot } from './formGuide';
import { algorithmLabel, findingInProviderWords, formTerms, inProviderWords, materialInProviderWords, offeredKeySpecs, offeredUsages, offeredWrapping, specLabel } from './formTerms';
import { FORM_STATE_VERSION, type FormState, type FormView, type KeyChoice, type MaterialSummary, type Option } from '../../protocol/form';

export type { FormState, FormView, KeyChoice, MaterialSummary, Option } from '../../protocol/form';

export interface FormContext {
  provider: ProviderId;
  keys: KeyChoice[];
  material?: { summary: MaterialSummary; facts: MaterialFacts };
  materialError?: string;
  /** Where the key lives, for people: "Sandbox · us-east-1". */
  where?: string;
  now?: Date;
}

export function initialFormState(partial: Partial<FormState> = {}): FormState {
  return { __v: FORM_STATE_VERSION, mode: partial.keyId ? 'existing' : 'new', expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', importType: 'DEFAULT', ...partial };
}

/** The key spec the form works with: the chosen key's; for a new key the spec chosen by hand, else
 * what the material file is (whenever a file is chosen), else the last spec. */
export function effectiveKeySpec(state: FormState, ctx: FormContext): KeySpec | undefined {
  if (state.mode === 'existing') return ctx.keys.find((k) => k.keyId === state.keyId)?.keySpec;
  if (state.keySpecChosen && state.keySpec) return state.keySpec;
  return materialSpec(ctx.material?.facts) ?? state.keySpec;
}

const DAY = 86_400_000;

/** Form-level checks the core does not do (they are about the request, not the wrapping). */
export function requestFindings(state: FormState, ctx: FormContext): Finding[] {
  const out: Finding[] = [];
  const now = ctx.now ?? new Date();
  const hw = ctx.provider === 'huawei';
  const src = hw ? 'sources/002 Table 4 "Key material expiration mode" (import-key-material expiration_time)' : 'kms-api.md §5.3 ImportKeyMaterial ValidTo / ExpirationModel';
  const expiry = hw ? 'The expiration time' : 'ValidTo';
  if (state.mode === 'existing' && !state.keyId) out.push({ severity: 'error', code: 'KEY_REQUIRED', message: hw ? 'No key is chosen.' : 'No KMS key is chosen.', fix: hw ? 'Choose a key with origin external that is pending import, or switch to "Create a new key".' : 'Choose a key with origin EXTERNAL, or switch to "Create a new key".', source: 'form' });
  if (state.mode === 'new' && !effectiveKeySpec(state, ctx)) out.push({ severity: 'error', code: 'KEY_SPEC_REQUIRED', message: 'No key spec is chosen for the new key.', fix: 'Choose a key spec, or choose the material file first (its key spec is then used).', source: 'form' });
  if (!state.materialId) out.push({ severity: 'error', code: 'MATERIAL_REQUIRED', message: 'No key material file is chosen.', fix: 'Choose the file that holds your key material (or generate test material).', source: 'form' });
  if (state.expirationModel === 'KEY_MATERIAL_EXPIRES') {
    const t = state.validTo ? Date.parse(`${state.validTo}T00:00:00Z`) : NaN;
    if (!state.validTo || Number.isNaN(t)) out.push({ severity: 'error', code: 'VALID_TO_REQUIRED', message: hw ? 'Key material that expires needs an expiration date.' : 'Expiring key material needs a ValidTo date.', fix: hw ? 'Pick a date within the next 365 days, or choose "never expires".' : 'Pick a date within the next 365 days, or choose "does not expire".', source: src });
    else if (t <= now.getTime()) out.push({ severity: 'error', code: 'VALID_TO_PAST', message: `${expiry} ${state.validTo} is not in the future.`, fix: 'Pick a later date.', source: src });
    else if (t - now.getTime() > 365 * DAY) out.push({ severity: 'error', code: 'VALID_TO_TOO_FAR', message: `${expiry} ${state.validTo} is more than 365 days ahead.`, fix: 'Pick a date within the next 365 days.', source: src });
  }
  // The alias a new key is created with, checked as the provider checks it (Huawei's key_alias is the bare name).
  const name = state.mode === 'new' ? state.alias?.trim().replace(/^alias\//, '') : undefined;
  if (name) {
    const max = hw ? 255 : 256 - 'alias/'.length;
    if (!/^[a-zA-Z0-9:/_-]+$/.test(name) || name.length > max) {
      out.push({ severity: 'error', code: 'ALIAS_INVALID', message: `The ${hw ? 'key_alias' : 'alias'} "${name.slice(0, 64)}" is not allowed: ${hw ? 'Huawei Cloud KMS' : 'AWS KMS'} takes 1–${max} letters, digits, ':', '/', '_' and '-'.`, fix: 'Use only those characters (no spaces), or leave the alias empty.', source: hw ? 'huawei-kms.md create-key key_alias ^[a-zA-Z0-9:/_-]{1,255}$' : 'kms-api.md AliasNameType ^[a-zA-Z0-9:/_-]+$, max 256' });
    }
  }
  const spec = effectiveKeySpec(state, ctx);
  if (state.importType !== 'DEFAULT' && spec && KEY_SPECS[spec].kind !== 'symmetric' && !hw) {
    out.push({ severity: 'error', code: 'IMPORT_TYPE_SYMMETRIC_ONLY', message: `ImportType applies only to symmetric encryption keys, not ${spec}.`, fix: 'Leave ImportType at its default.', source: 'kms-api.md §5.4 "only usable with symmetric encryption keys"' });
  }
  const key = ctx.keys.find((k) => k.keyId === state.keyId);
  if (state.mode === 'existing' && key && key.keyState === 'PendingDeletion') {
    out.push({ severity: 'error', code: 'KEY_PENDING_DELETION', message: 'The key is pending deletion.', fix: 'Cancel the key deletion first.', source: 'kms-api.md KMSInvalidStateException' });
  }
  return out;
}

/**
 * Why no algorithm works with a wrapping key spec, in one sentence: the spec's own refusal (SM2 outside
 * China), else the reason most of its algorithms share (in China, "RSA private keys must be wrapped with
 * SM2PKE" rather than the first algorithm's "RSA_AES_KEY_WRAP_SHA_256 is not supported").
 */
function wrappingKeySpecReason(w: WrappingKeySpec, rows: Array<{ reason?: string }>, provider: ProviderId, keySpec: KeySpec | undefined, material: MaterialFacts | undefined): string | undefined {
  const base = new Set(checkCompatibility({ provider, keySpec, material }).map((f) => f.code));
  const own = checkCompatibility({ provider, keySpec, material, wrappingKeySpec: w }).find((f) => f.severity === 'error' && !base.has(f.code));
  if (own) return own.message;
  const count = new Map<string, number>();
  for (const r of rows) if (r.reason) count.set(r.reason, (count.get(r.reason) ?? 0) + 1);
  let best: string | undefined;
  for (const [reason, n] of count) if (!best || n > count.get(best)!) best = reason;
  return best;
}

/** Recomputes everything the form shows. Pure: same state + context → same view. */
export function buildFormView(input: FormState, ctx: FormContext): FormView {
  const state: FormState = { ...input };
  const provider = ctx.provider;
  const material = ctx.material?.facts;
  const now = ctx.now ?? new Date();
  const bounds = validToBounds(now);
  const keySpec = effectiveKeySpec(state, ctx);
  if (state.mode === 'new' && keySpec) state.keySpec = keySpec;
  // Expiring material gets a sensible ValidTo until the user picks one.
  if (state.expirationModel === 'KEY_MATERIAL_EXPIRES' && state.validTo === undefined) state.validTo = bounds.suggested;

  // Key spec options (new key): importable specs; refused ones carry the reason.
  const words = (t: string | undefined) => (t === undefined ? t : inProviderWords(provider, t));
  const keySpecOptions: Option<KeySpec>[] = offeredKeySpecs(provider).map((spec) => {
    const err = checkCompatibility({ provider, keySpec: spec, material }).find((f) => f.severity === 'error');
    return { value: spec, label: specLabel(provider, spec), disabled: !!err, reason: words(err?.message) };
  });
  const usages = keySpec ? offeredUsages(provider, keySpec) : [];
  const keyUsageOptions: Option<KeyUsage>[] = usages.map((u) => ({ value: u, label: u, disabled: false }));
  // The usage follows the spec unless the user chose one by hand that still fits.
  if (state.mode === 'new' && keySpec && (!state.keyUsageChosen || !state.keyUsage || !usages.includes(state.keyUsage))) state.keyUsage = usages[0];

  // Wrapping choices: the option matrix tells which pairs can work at all.
  const matrix = optionMatrix({ provider, keySpec, material });
  const rec = recommend(provider, keySpec ?? material?.keySpec);
  const allowedPair = (w?: WrappingKeySpec, a?: WrappingAlgorithm) => !!w && !!a && !!matrix.find((r) => r.wrappingKeySpec === w && r.algorithm === a && r.allowed);
  if (!state.wrappingChosen || !allowedPair(state.wrappingKeySpec, state.algorithm)) {
    if (allowedPair(rec.wrappingKeySpec, rec.algorithm)) {
      state.wrappingKeySpec = rec.wrappingKeySpec;
      state.algorithm = rec.algorithm;
    } else {
      const first = matrix.find((r) => r.allowed);
      state.wrappingKeySpec = first?.wrappingKeySpec ?? state.wrappingKeySpec ?? rec.wrappingKeySpec;
      state.algorithm = first?.algorithm ?? state.algorithm ?? rec.algorithm;
    }
    if (input.wrappingChosen && !allowedPair(input.wrappingKeySpec, input.algorithm)) state.wrappingChosen = false;
  }
  const offered = offeredWrapping(provider, { specs: ALL_WRAPPING_KEY_SPECS, algorithms: ALL_WRAPPING_ALGORITHMS });
  const wrappingKeySpecOptions: Option<WrappingKeySpec>[] = offered.specs.map((w) => {
    const rows = matrix.filter((r) => r.wrappingKeySpec === w);
    const ok = rows.some((r) => r.allowed);
    return { value: w, label: w, disabled: !ok, reason: ok ? undefined : words(wrappingKeySpecReason(w, rows, provider, keySpec, material)), recommended: offered.specs.length > 1 && w === rec.wrappingKeySpec }; // one fixed spec (Huawei) is not a recommendation
  });
  const algorithmOptions: Option<WrappingAlgorithm>[] = offered.algorithms.map((a) => {
    const row = matrix.find((r) => r.wrappingKeySpec === state.wrappingKeySpec && r.algorithm === a);
    return { value: a, label: algorithmLabel(provider, a), disabled: !row?.allowed, reason: row?.allowed ? undefined : words(row?.reason), recommended: a === rec.algorithm };
  });

  const findings = [
    ...requestFindings(state, ctx),
    ...checkCompatibility({ provider, keySpec, wrappingKeySpec: state.wrappingKeySpec, algorithm: state.algorithm, material }).map((f) => findingInProviderWords(provider, f)),
  ];
  if (ctx.materialError) findings.unshift({ severity: 'error', code: 'MATERIAL_UNREADABLE', message: ctx.materialError, fix: 'Choose another file, or convert it (see the message).', source: 'core/material.ts' });
  const rank = { error: 0, warning: 1, info: 2 } as const;
  findings.sort((a, b) => rank[a.severity] - rank[b.severity]);
  const blocker = findings.find((f) => f.severity === 'error');
  const guided = guide({ state, findings, material, keySpec, recommended: rec, now, provider });
  const terms = formTerms(provider);
  const importTypeEnabled = terms.importType && !!keySpec && KEY_SPECS[keySpec].kind === 'symmetric';
  if (!importTypeEnabled) state.importType = 'DEFAULT';
  return {
    state,
    provider,
    terms,
    where: ctx.where,
    keys: ctx.keys,
    keySpecOptions,
    keyUsageOptions,
    wrappingKeySpecOptions,
    algorithmOptions,
    importTypeEnabled,
    material: ctx.material && { ...ctx.material.summary, description: materialInProviderWords(provider, ctx.material.summary.description) },
    materialError: ctx.materialError,
    findings,
    todo: guided.todo,
    problems: guided.findings,
    whyNot: { keySpec: state.mode === 'new' ? whyNot(keySpecOptions) : [], wrappingKeySpec: whyNot(wrappingKeySpecOptions), algorithm: whyNot(algorithmOptions) },
    validToBounds: bounds,
    recommended: rec,
    canSubmit: !hasErrors(findings),
    blocker: blocker?.message,
  };
}

/** yyyy-mm-dd → Date at 00:00 UTC (the ValidTo sent to KMS). */
export function validToDate(state: FormState): Date | undefined {
  if (state.expirationModel !== 'KEY_MATERIAL_EXPIRES' || !state.validTo) return undefined;
  const t = Date.parse(`${state.validTo}T00:00:00Z`);
  return Number.isNaN(t) ? undefined : new Date(t);
}
