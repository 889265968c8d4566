// How the import form guides, without vscode or the DOM: it turns the raw findings of the core and the
// request checks into (1) a neutral checklist of what is still needed (never shown as an error),
// (2) one finding per problem, placed on the field that causes it, with one-click fixes where one
// exists, and (3) short, de-duplicated "why not" reasons for the disabled options of a select.
// Consequences of a deeper problem (every wrapping option refused because the key spec does not fit
// the material) are dropped: only the cause is shown.
import { hmacSpecFor, type Finding, type MaterialFacts, type ProviderId } from '../../core/rules';
import { KEY_SPECS, type KeySpec, type WrappingAlgorithm, type WrappingKeySpec } from '../../core/specs';
import { providerAlgorithmLabel, providerSpecName, type FormField, type FormFinding, type FormFix, type FormState, type FormTodo, type Option } from '../../protocol/form';

const DAY = 86_400_000;

/** Codes that mean "not done yet", not "wrong": they become checklist items. */
const TODO_CODES: Record<string, { field: FormField; text: string }> = {
  KEY_REQUIRED: { field: 'key', text: 'Choose the KMS key to import into (or create a new key).' },
  KEY_SPEC_REQUIRED: { field: 'keySpec', text: 'Choose a key spec, or choose the material file (its key spec is then used).' },
  MATERIAL_REQUIRED: { field: 'material', text: 'Choose the key material file (or generate test material).' },
  VALID_TO_REQUIRED: { field: 'validTo', text: 'Pick the date the key material expires (ValidTo).' },
};
/** Huawei Cloud KMS's words for the checklist items that differ. */
const TODO_HUAWEI: Record<string, string> = {
  KEY_REQUIRED: 'Choose the key to import into (or create a new key).',
  VALID_TO_REQUIRED: 'Pick the date the key material expires (expiration time).',
};

/** Findings about the key spec or the material: the root causes. */
const MATERIAL_CODES = new Set(['MATERIAL_UNREADABLE', 'MATERIAL_KIND_MISMATCH', 'SYMMETRIC_LENGTH', 'HMAC_LENGTH', 'RSA_SIZE_MISMATCH', 'CURVE_MISMATCH', 'RSA_MULTI_PRIME']);
const KEY_SPEC_CODES = new Set(['KEY_SPEC_NOT_IMPORTABLE', 'KEY_SPEC_IMPORT_UNCONFIRMED', 'KEY_SPEC_NOT_SUPPORTED_BY_PROVIDER', 'KEY_SPEC_NEWER_DOCS_ONLY', 'SM2_KEY_CHINA_ONLY', 'IMPORT_TYPE_SYMMETRIC_ONLY']);
const WRAPPING_KEY_CODES = new Set(['WRAPPING_KEY_SPEC_UNSUPPORTED', 'SM2_WRAPPING_CHINA_ONLY', 'PREFER_RSA_4096', 'P521_RSA2048_OAEP', 'SM2_KEY_NEEDS_SM2PKE']);
const KEY_CODES = new Set(['KEY_PENDING_DELETION']);

export interface GuideInput {
  state: FormState;
  findings: Finding[];
  material?: MaterialFacts;
  keySpec?: KeySpec;
  recommended: { wrappingKeySpec: WrappingKeySpec; algorithm: WrappingAlgorithm };
  now: Date;
  /** Names in fix labels and checklist items follow the provider (default: AWS's). */
  provider?: ProviderId;
}

/** Which field a finding belongs to. A key/material mismatch is the material's in an existing key
 * (the key cannot change), the key spec's for a new key. */
export function fieldOf(code: string, mode: FormState['mode']): FormField {
  if (TODO_CODES[code]) return TODO_CODES[code].field;
  if (code.startsWith('VALID_TO')) return 'validTo';
  if (code === 'IMPORT_TYPE_SYMMETRIC_ONLY') return 'importType';
  if (code === 'ALIAS_INVALID') return 'alias';
  if (KEY_CODES.has(code)) return 'key';
  if (code === 'MATERIAL_UNREADABLE' || code === 'RSA_MULTI_PRIME') return 'material';
  if (MATERIAL_CODES.has(code)) return mode === 'new' ? 'keySpec' : 'material';
  if (KEY_SPEC_CODES.has(code)) return mode === 'new' ? 'keySpec' : 'key';
  if (WRAPPING_KEY_CODES.has(code)) return 'wrappingKeySpec';
  return 'algorithm';
}

/** The key spec the material itself calls for, if the file says. */
export function materialSpec(m?: MaterialFacts): KeySpec | undefined {
  if (!m) return undefined;
  return m.keySpec ?? (m.kind === 'hmac' || m.kind === 'symmetric' ? hmacSpecFor(m.byteLength) : undefined);
}

/** yyyy-mm-dd of a Date (UTC). */
export const ymd = (d: Date): string => d.toISOString().slice(0, 10);

/** Bounds and default of the ValidTo date input: tomorrow … today + 365 days, default 90 days. */
export function validToBounds(now: Date): { min: string; max: string; suggested: string } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { min: ymd(new Date(today + DAY)), max: ymd(new Date(now.getTime() + 365 * DAY - DAY)), suggested: ymd(new Date(today + 90 * DAY)) };
}

function fixesFor(f: Finding, g: GuideInput): FormFix[] {
  const { state } = g;
  const want = materialSpec(g.material);
  const fixes: FormFix[] = [];
  const provider = g.provider ?? 'aws';
  const spec = (x: string) => providerSpecName(provider, x);
  const alg = (x: string) => (provider === 'huawei' && x === 'RSA_AES_KEY_WRAP_SHA_256' ? 'the two-part wrapping' : providerAlgorithmLabel(provider, x));
  switch (f.code) {
    case 'MATERIAL_KIND_MISMATCH':
    case 'SYMMETRIC_LENGTH':
    case 'HMAC_LENGTH':
    case 'RSA_SIZE_MISMATCH':
    case 'CURVE_MISMATCH':
      if (want && want !== g.keySpec && KEY_SPECS[want].importability === 'importable') {
        fixes.push(state.mode === 'new' ? { label: `Use ${spec(want)}`, patch: { keySpec: want } } : { label: `Create a new ${spec(want)} key instead`, patch: { mode: 'new', keySpec: want } });
      }
      fixes.push({ label: 'Choose another file…', command: 'chooseMaterial' });
      break;
    case 'MATERIAL_UNREADABLE':
    case 'RSA_MULTI_PRIME':
      fixes.push({ label: 'Choose another file…', command: 'chooseMaterial' });
      break;
    case 'VALID_TO_PAST':
    case 'VALID_TO_TOO_FAR':
      fixes.push({ label: `Use ${validToBounds(g.now).suggested}`, patch: { validTo: validToBounds(g.now).suggested } });
      break;
    case 'IMPORT_TYPE_SYMMETRIC_ONLY':
      fixes.push({ label: 'Use the default ImportType', patch: { importType: 'DEFAULT' } });
      break;
    case 'PREFER_RSA_4096':
      fixes.push({ label: 'Use RSA_4096', patch: { wrappingKeySpec: 'RSA_4096' } });
      break;
    case 'SHA1_WEAK':
    case 'SHA1_INSECURE':
    case 'PKCS1_LEGACY':
      if (state.algorithm !== g.recommended.algorithm) fixes.push({ label: `Use ${alg(g.recommended.algorithm)}`, patch: { wrappingKeySpec: g.recommended.wrappingKeySpec, algorithm: g.recommended.algorithm } });
      break;
    default:
      if (f.severity === 'error' && fieldOf(f.code, state.mode) === 'algorithm' && state.algorithm !== g.recommended.algorithm) {
        fixes.push({ label: `Use ${g.recommended.wrappingKeySpec} with ${alg(g.recommended.algorithm)}`, patch: { wrappingKeySpec: g.recommended.wrappingKeySpec, algorithm: g.recommended.algorithm } });
      }
  }
  return fixes;
}

/** Checklist + one finding per problem on its field. */
export function guide(g: GuideInput): { todo: FormTodo[]; findings: FormFinding[] } {
  const todo: FormTodo[] = [];
  const seenCode = new Set<string>();
  const seenMessage = new Set<string>();
  const problems: FormFinding[] = [];
  for (const f of g.findings) {
    if (seenCode.has(f.code) || seenMessage.has(f.message)) continue; // one finding per problem
    seenCode.add(f.code);
    seenMessage.add(f.message);
    const t = TODO_CODES[f.code];
    if (t) {
      todo.push({ code: f.code, field: t.field, text: (g.provider === 'huawei' && TODO_HUAWEI[f.code]) || t.text });
      continue;
    }
    problems.push({ ...f, field: fieldOf(f.code, g.state.mode), fixes: fixesFor(f, g) });
  }
  // A key spec / material error makes the wrapping errors mere consequences: show the cause only.
  const rootError = problems.some((p) => p.severity === 'error' && (p.field === 'keySpec' || p.field === 'material' || p.field === 'key'));
  const findings = rootError ? problems.filter((p) => !(p.field === 'algorithm' || p.field === 'wrappingKeySpec')) : problems;
  return { todo, findings };
}

/** Reasons for the disabled options of one select: identical reasons grouped, at most `limit` lines. */
export function whyNot(options: Array<Option<string>>, limit = 4): string[] {
  const byReason = new Map<string, string[]>();
  for (const o of options) {
    if (!o.disabled || !o.reason) continue;
    const list = byReason.get(o.reason) ?? [];
    list.push(o.label); // the provider's name of the option (the value's own for AWS)
    byReason.set(o.reason, list);
  }
  const lines = [...byReason.entries()].map(([reason, values]) => `${values.join(', ')}: ${reason}`);
  return lines.length > limit ? [...lines.slice(0, limit - 1), `${lines.length - limit + 1} more reasons: see each option's tooltip.`] : lines;
}

/** A re-import keeps the key's expiration model and ValidTo (a ValidTo already past gets the default). */
export function reimportExpiry(key: { expirationModel?: string; validTo?: Date }, now = new Date()): Pick<FormState, 'expirationModel' | 'validTo'> | undefined {
  if (key.expirationModel !== 'KEY_MATERIAL_EXPIRES') return key.expirationModel === 'KEY_MATERIAL_DOES_NOT_EXPIRE' ? { expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' } : undefined;
  const b = validToBounds(now);
  const v = key.validTo ? ymd(key.validTo) : undefined;
  return { expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: v && v >= b.min && v <= b.max ? v : b.suggested };
}
