// The summary panel's message protocol: the ONE contract between the host (panel.ts) and the webview
// (src/webview-ui/summary/main.ts), checked on both ends. Identifiers, dates, fingerprints only:
// never a token, never key material, never a path the host would read (the bundle folder travels as
// an opaque id; its path is sent for display only).

/** What the panel is about, on the host. */
export interface SummaryIdentity {
  accountId: string;
  region: string;
  keyId: string;
  bundleDir?: string;
}

/** What the webview knows and persists of the identity, so the serializer can rebuild the panel:
 * the bundle folder only as an id the host resolves (src/extension/model/pathRefs.ts). */
export interface SummaryRef {
  accountId: string;
  region: string;
  keyId: string;
  bundleId?: string;
}

export interface SummaryFile {
  name: string;
  role: 'wrapping public key' | 'import token' | 'README' | 'manifest' | 'wrapped key material' | 'other';
  size?: number;
  /** SHA256:… fingerprint (display only). */
  fingerprint?: string;
}

/** The provider's words and rows: Huawei Cloud KMS has key IDs, not ARNs, and an expiration_time, not a ValidTo. */
export interface SummaryTerms {
  /** "AWS KMS (commercial Regions)", "Huawei Cloud KMS", … */
  providerLabel: string;
  /** The key has an ARN worth its own row (AWS); Huawei's key ID is the identifier. */
  showArn: boolean;
  /** The label of the copy button: "Copy ARN" / "Copy key ID". */
  copyId: string;
  /** The material's expiry as the provider names it: "ValidTo" / "expiration_time". */
  materialExpiry: string;
  /** The parameters' expiry row: "Valid to" / "Token and wrapping key expire". */
  parametersExpiry: string;
}

/** One part of a proof (Huawei: the encrypt-data/decrypt-data round trip; get-publickey; a signature verified locally). */
export interface ProofCheck {
  id: 'round-trip' | 'public-key' | 'signature';
  label: string;
  /** undefined: not part of the recorded proof. */
  holds?: boolean;
  detail: string;
}

export interface SummaryData {
  identity: SummaryRef;
  accountLabel: string;
  provider: string;
  terms: SummaryTerms;
  key?: {
    keyId: string;
    arn: string;
    alias?: string;
    keySpec: string;
    keyUsage: string;
    keyState: string;
    origin: string;
    expirationModel?: string;
    /** ISO date of material expiry. */
    validTo?: string;
    materialLabel: string;
    currentKeyMaterialId?: string;
    multiRegion?: boolean;
  };
  keyError?: string;
  bundle?: {
    /** Display only: the host never reads a path the webview sends. */
    dir: string;
    layout: string;
    wrappingAlgorithm?: string;
    wrappingKeySpec?: string;
    /** ISO; the webview counts down to it. */
    parametersValidTo?: string;
    issuedAt?: string;
    files: SummaryFile[];
  };
  bundleError?: string;
  /** The proof recorded for the import that used THIS bundle (or for the key when no bundle is shown). */
  proof?: { method: string; holds: boolean; detail: string; keyMaterialId?: string; importedAt: string; checks?: ProofCheck[] };
  /** Where the shown bundle really is: fresh, wrapped, imported, proven, proof-failed or expired. */
  bundleStage?: BundleStage;
  nextStep: string;
  /** The one primary button (follows the next step); none when there is nothing to do. */
  primary?: SummaryAction;
  /** Warning threshold for the countdown, ms. */
  warnMs: number;
}

export type BundleStage = 'fresh' | 'wrapped' | 'imported' | 'proven' | 'proof-failed' | 'expired';

export type ToSummary = { type: 'data'; data: SummaryData } | { type: 'reply'; requestId: number; ok: boolean; error?: string };

export type SummaryAction = 'refresh' | 'downloadParameters' | 'importMaterial' | 'verify' | 'revealBundle' | 'copyArn';
export const SUMMARY_ACTIONS: SummaryAction[] = ['refresh', 'downloadParameters', 'importMaterial', 'verify', 'revealBundle', 'copyArn'];

export type FromSummary = { type: 'ready'; requestId: number } | { type: 'action'; requestId: number; action: SummaryAction };

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A well-formed identity from the webview; any other field (a `bundleDir` older versions saved) is ignored. */
export function isSummaryRef(x: unknown): x is SummaryRef {
  return (
    isObj(x) &&
    typeof x.accountId === 'string' && x.accountId.length < 300 &&
    typeof x.region === 'string' && /^[a-z0-9-]{1,40}$/.test(x.region) &&
    typeof x.keyId === 'string' && x.keyId.length > 0 && x.keyId.length < 2048 &&
    (x.bundleId === undefined || (typeof x.bundleId === 'string' && x.bundleId.length <= 64))
  );
}

/** Host side. */
export function isFromSummary(x: unknown): x is FromSummary {
  if (!isObj(x) || !Number.isSafeInteger(x.requestId)) return false;
  if (x.type === 'ready') return true;
  return x.type === 'action' && SUMMARY_ACTIONS.includes(x.action as SummaryAction);
}

export function isSummaryTerms(x: unknown): x is SummaryTerms {
  return isObj(x) && typeof x.providerLabel === 'string' && typeof x.showArn === 'boolean' && typeof x.copyId === 'string' && typeof x.materialExpiry === 'string' && typeof x.parametersExpiry === 'string';
}

const CHECK_IDS = ['round-trip', 'public-key', 'signature'];
function isProof(x: unknown): boolean {
  if (!isObj(x) || typeof x.holds !== 'boolean' || typeof x.method !== 'string' || typeof x.detail !== 'string') return false;
  return x.checks === undefined || (Array.isArray(x.checks) && x.checks.length <= 4 && x.checks.every((c) => isObj(c) && CHECK_IDS.includes(c.id as string) && typeof c.label === 'string' && typeof c.detail === 'string' && (c.holds === undefined || typeof c.holds === 'boolean')));
}

/** Webview side. */
export function isToSummary(x: unknown): x is ToSummary {
  if (!isObj(x)) return false;
  if (x.type === 'data') return isObj(x.data) && isSummaryRef(x.data.identity) && typeof x.data.nextStep === 'string' && typeof x.data.warnMs === 'number' && isSummaryTerms(x.data.terms) && (x.data.proof === undefined || isProof(x.data.proof));
  if (x.type === 'reply') return Number.isSafeInteger(x.requestId) && typeof x.ok === 'boolean';
  return false;
}
