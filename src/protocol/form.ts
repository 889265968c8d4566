// The import form's message protocol: the ONE contract between the host (panel.ts) and the webview
// (src/webview-ui/form/main.ts). Both ends check every inbound message with the guards below.
// No message carries key material or a path the host would read: the webview knows the material only
// by an opaque id the host handed out and a secret-free summary (MaterialSummary).
import type { NextStep } from '../core/errors';
import type { Finding, ProviderId } from '../core/rules';
import type { ExpirationModel, ImportType, KeySpec, KeyState, KeyUsage, WrappingAlgorithm, WrappingKeySpec } from '../core/specs';

export const FORM_STATE_VERSION = 1;

/** Everything the user chose. Persisted in the webview (setState) and in memory on the host. No secrets. */
export interface FormState {
  __v: typeof FORM_STATE_VERSION;
  /** Import into an existing key, or create a new EXTERNAL key first. */
  mode: 'existing' | 'new';
  accountId?: string;
  region?: string;
  keyId?: string;
  keySpec?: KeySpec;
  keyUsage?: KeyUsage;
  alias?: string;
  wrappingKeySpec?: WrappingKeySpec;
  algorithm?: WrappingAlgorithm;
  /** Set by the user (not by the recommendation): the form keeps it while it stays valid. */
  wrappingChosen?: boolean;
  /** Chosen by hand: the material file no longer sets the key spec / key usage. */
  keySpecChosen?: boolean;
  keyUsageChosen?: boolean;
  /** Opaque id of the material file the host chose (src/extension/model/pathRefs.ts): its path and
   * its bytes stay on the host. */
  materialId?: string;
  expirationModel: ExpirationModel;
  /** yyyy-mm-dd (UTC) when the material expires. */
  validTo?: string;
  importType: ImportType | 'DEFAULT';
}

export interface KeyChoice {
  keyId: string;
  label: string;
  keySpec: KeySpec;
  keyUsage: KeyUsage;
  keyState: KeyState;
  hasMaterial: boolean;
}

export interface Option<T extends string> {
  value: T;
  label: string;
  disabled: boolean;
  reason?: string;
  recommended?: boolean;
}

/** Secret-free facts about the chosen material file (from core summarizeMaterial). */
export interface MaterialSummary {
  fileName: string;
  description: string;
  kind: string;
  format: string;
  keySpec?: KeySpec;
  byteLength: number;
  modulusBits?: number;
  curve?: string;
  publicKeyFingerprint?: string;
}

/** The form's fields a finding can belong to. */
export type FormField = 'key' | 'keySpec' | 'alias' | 'material' | 'wrappingKeySpec' | 'algorithm' | 'validTo' | 'importType';

/** A one-click fix: a change to apply, or a host action to run. */
export interface FormFix {
  label: string;
  patch?: FormPatch;
  command?: 'chooseMaterial' | 'generateMaterial';
}

/** One problem, shown once, on the field that causes it. */
export interface FormFinding extends Finding {
  field: FormField;
  fixes: FormFix[];
}

/** Something still needed (a neutral checklist item, not an error). */
export interface FormTodo {
  code: string;
  field: FormField;
  text: string;
}

/**
 * The provider's words and controls (host-computed, so tests can read them): AWS-only controls are absent for
 * Huawei Cloud KMS, and fields carry Huawei's names where they differ (key ID, expiration_time, AES_256, EC_P256).
 */
export interface FormTerms {
  /** "AWS KMS (commercial Regions)", "Huawei Cloud KMS", … */
  providerLabel: string;
  /** The identifier the result shows: "Key ARN" (AWS), "Key ID" (Huawei: no ARNs). */
  keyIdName: string;
  /** The row label of the expiry date: "ValidTo" (AWS), "Expiration time" (Huawei's expiration_time). */
  expiryName: string;
  /** The two expiration choices, as the provider's console words them. */
  neverExpires: string;
  expiresOn: string;
  /** ImportType (rotation / re-import of symmetric material) exists: AWS only. */
  importType: boolean;
  /** The wrapping key spec cannot be chosen (Huawei: always RSA_2048); `wrappingKeySpecNote` says why. */
  wrappingKeySpecFixed: boolean;
  wrappingKeySpecNote?: string;
  /** The key picker's text when no key can take material here. */
  noKeys: string;
  aliasPlaceholder: string;
}

export { HUAWEI_TWO_PART_LABEL, proofMethodLabel, providerAlgorithmLabel, providerSpecName, providerStateName } from './terms';

export interface FormView {
  state: FormState;
  provider: ProviderId;
  terms: FormTerms;
  where?: string;
  keys: KeyChoice[];
  keySpecOptions: Option<KeySpec>[];
  keyUsageOptions: Option<KeyUsage>[];
  wrappingKeySpecOptions: Option<WrappingKeySpec>[];
  algorithmOptions: Option<WrappingAlgorithm>[];
  importTypeEnabled: boolean;
  material?: MaterialSummary;
  materialError?: string;
  findings: Finding[];
  /** What is still needed before Submit (neutral, never red). */
  todo: FormTodo[];
  /** One finding per problem (checklist items excluded), each on its field with its fixes. */
  problems: FormFinding[];
  /** Reasons for the disabled options, grouped, per select: shown on demand. */
  whyNot: { keySpec: string[]; wrappingKeySpec: string[]; algorithm: string[] };
  /** Bounds and suggested value of the ValidTo date input (yyyy-mm-dd). */
  validToBounds: { min: string; max: string; suggested: string };
  recommended: { wrappingKeySpec: WrappingKeySpec; algorithm: WrappingAlgorithm };
  canSubmit: boolean;
  /** Why submit is disabled (first blocking reason). */
  blocker?: string;
}


import type { StepId, StepStatus } from '../core/steps';

export { STEP_LABELS, type StepId, type StepStatus } from '../core/steps';

/** What the form shows after a run: identifiers, outcome, proof. Nothing secret. */
export interface FormResult {
  ok: boolean;
  keyId: string;
  keyArn: string;
  keyMaterialId?: string;
  proof: { method: string; holds: boolean; detail: string };
}

export interface FormError {
  title: string;
  cause: string;
  action: string;
  /** A button the form offers for the next step. */
  nextStep?: NextStep;
}

// ---- host → webview ----
export type ToForm =
  | { type: 'view'; view: FormView }
  | { type: 'progress'; step: StepId; status: StepStatus; detail?: string }
  | { type: 'running'; running: boolean }
  | { type: 'result'; result: FormResult }
  | { type: 'error'; error: FormError }
  | { type: 'reply'; requestId: number; ok: boolean; error?: string }
  /** A new import: the webview drops the previous run's progress, result and error. */
  | { type: 'reset' };

// ---- webview → host ----
/** Fields the webview may change (the material only through chooseMaterial on the host). */
export type FormPatch = Partial<Pick<FormState, 'mode' | 'keyId' | 'keySpec' | 'keyUsage' | 'alias' | 'wrappingKeySpec' | 'algorithm' | 'expirationModel' | 'validTo' | 'importType'>>;

export type FromForm =
  | { type: 'ready'; requestId: number; state?: FormState }
  | { type: 'change'; requestId: number; patch: FormPatch }
  | { type: 'chooseMaterial'; requestId: number }
  | { type: 'generateMaterial'; requestId: number }
  | { type: 'submit'; requestId: number }
  | { type: 'cancel'; requestId: number }
  | { type: 'downloadParameters'; requestId: number }
  | { type: 'openSummary'; requestId: number }
  | { type: 'newImport'; requestId: number };

const PATCH_FIELDS: Record<keyof FormPatch, (v: unknown) => boolean> = {
  mode: (v) => v === 'existing' || v === 'new',
  keyId: (v) => typeof v === 'string' && v.length <= 2048,
  keySpec: (v) => typeof v === 'string' && /^[A-Z0-9_]{2,40}$/.test(v),
  keyUsage: (v) => typeof v === 'string' && /^[A-Z_]{2,40}$/.test(v),
  alias: (v) => typeof v === 'string' && v.length <= 256,
  wrappingKeySpec: (v) => typeof v === 'string' && /^[A-Z0-9_]{2,20}$/.test(v),
  algorithm: (v) => typeof v === 'string' && /^[A-Z0-9_]{2,40}$/.test(v),
  expirationModel: (v) => v === 'KEY_MATERIAL_EXPIRES' || v === 'KEY_MATERIAL_DOES_NOT_EXPIRE',
  validTo: (v) => typeof v === 'string' && (v === '' || /^\d{4}-\d{2}-\d{2}$/.test(v)),
  importType: (v) => v === 'DEFAULT' || v === 'NEW_KEY_MATERIAL' || v === 'EXISTING_KEY_MATERIAL',
};

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isReq = (m: Record<string, unknown>) => Number.isSafeInteger(m.requestId);

export function isFormPatch(x: unknown): x is FormPatch {
  if (!isObj(x)) return false;
  return Object.entries(x).every(([k, v]) => Object.prototype.hasOwnProperty.call(PATCH_FIELDS, k) && (v === undefined || PATCH_FIELDS[k as keyof FormPatch](v)));
}

/**
 * Persisted webview state: only the fields the user chose (no view data), versioned. A `materialPath`
 * (what older versions persisted) is tolerated so the form still opens, and ignored by the host.
 */
export function isFormState(x: unknown): x is FormState {
  if (!isObj(x) || x.__v !== 1) return false;
  const { __v: _v, materialPath, materialId, accountId, region, wrappingChosen, keySpecChosen, keyUsageChosen, ...rest } = x;
  return (
    (materialPath === undefined || typeof materialPath === 'string') &&
    (materialId === undefined || (typeof materialId === 'string' && materialId.length <= 64)) &&
    (accountId === undefined || typeof accountId === 'string') &&
    (region === undefined || typeof region === 'string') &&
    (wrappingChosen === undefined || typeof wrappingChosen === 'boolean') &&
    (keySpecChosen === undefined || typeof keySpecChosen === 'boolean') &&
    (keyUsageChosen === undefined || typeof keyUsageChosen === 'boolean') &&
    isFormPatch(rest)
  );
}

/** Host side: accept only well-formed messages from the webview. */
export function isFromForm(x: unknown): x is FromForm {
  if (!isObj(x) || typeof x.type !== 'string' || !isReq(x)) return false;
  switch (x.type) {
    case 'ready':
      return x.state === undefined || isFormState(x.state);
    case 'change':
      return isFormPatch(x.patch);
    case 'chooseMaterial':
    case 'generateMaterial':
    case 'submit':
    case 'cancel':
    case 'downloadParameters':
    case 'openSummary':
    case 'newImport':
      return true;
    default:
      return false;
  }
}

const STEPS = ['create-key', 'download-parameters', 'check', 'wrap', 'import', 'prove'];
const STATUSES = ['running', 'done', 'skipped', 'failed', 'cancelled'];

const TERM_STRINGS = ['providerLabel', 'keyIdName', 'expiryName', 'neverExpires', 'expiresOn', 'noKeys', 'aliasPlaceholder'] as const;

export function isFormTerms(x: unknown): x is FormTerms {
  return (
    isObj(x) &&
    TERM_STRINGS.every((k) => typeof x[k] === 'string') &&
    typeof x.importType === 'boolean' &&
    typeof x.wrappingKeySpecFixed === 'boolean' &&
    (x.wrappingKeySpecNote === undefined || typeof x.wrappingKeySpecNote === 'string')
  );
}

/** Webview side: accept only well-formed messages from the host. */
export function isToForm(x: unknown): x is ToForm {
  if (!isObj(x) || typeof x.type !== 'string') return false;
  switch (x.type) {
    case 'view':
      return isObj(x.view) && isObj(x.view.state) && Array.isArray(x.view.findings) && Array.isArray(x.view.algorithmOptions) && isFormTerms(x.view.terms);
    case 'progress':
      return STEPS.includes(x.step as string) && STATUSES.includes(x.status as string) && (x.detail === undefined || typeof x.detail === 'string');
    case 'running':
      return typeof x.running === 'boolean';
    case 'result':
      return isObj(x.result) && typeof x.result.keyArn === 'string' && typeof x.result.ok === 'boolean' && isObj(x.result.proof);
    case 'error':
      return isObj(x.error) && typeof x.error.cause === 'string' && typeof x.error.action === 'string';
    case 'reply':
      return Number.isSafeInteger(x.requestId) && typeof x.ok === 'boolean';
    case 'reset':
      return true;
    default:
      return false;
  }
}
