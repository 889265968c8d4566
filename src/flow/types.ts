// Types shared by the import flow, the proof, rotation and listing. No vscode, no AWS SDK.
import { isKmsImportError, KmsImportError, type ErrorCode, type ErrorKind } from '../core/errors';
import type { Finding } from '../core/rules';
import type { KeySpec, WrappingAlgorithm, WrappingKeySpec } from '../core/specs';
import type { ExpirationModel, ImportType, KeyState, ProviderErrorInfo } from '../providers/types';

import type { StepId, StepStatus } from '../core/steps';

export { STEP_LABELS, type StepId, type StepStatus } from '../core/steps';

/** One progress event. `detail` is for people and never holds secret bytes. */
export interface StepEvent {
  id: StepId;
  status: StepStatus;
  detail?: string;
  at: Date;
}

export type ProofOutcome =
  | { method: 'public-key'; holds: boolean; localFingerprint: string; kmsFingerprint: string; detail: string; kmsSignature?: SignatureCheck }
  | { method: 'mac'; holds: boolean; macAlgorithm: string; detail: string }
  | { method: 'round-trip'; holds: boolean; keyMaterialId?: string; detail: string }
  | { method: 'not-run'; holds: false; detail: string };

/** A signature made by the KMS over a random message, verified locally with the material's public key (Huawei's proof). */
export interface SignatureCheck {
  algorithm: string;
  holds: boolean;
  detail: string;
}

/** What the extension's summary panel shows and the CLI prints. Nothing secret. */
export interface ImportFlowResult {
  /** The import landed and the proof holds. */
  ok: boolean;
  keyId: string;
  keyArn: string;
  keySpec: KeySpec;
  keyState?: KeyState;
  createdKey: boolean;
  keyMaterialId?: string;
  /** Where the parameters (public key, token, README, manifest) were written. */
  bundleDir?: string;
  parametersValidTo?: Date;
  wrappingAlgorithm: WrappingAlgorithm;
  wrappingKeySpec: WrappingKeySpec;
  expirationModel: ExpirationModel;
  validTo?: Date;
  importType?: ImportType;
  /** ImportKeyMaterial requests sent (more than 1 only after reconciliation proved the first did not land). */
  importAttempts: number;
  /** An ambiguous failure happened and DescribeKey/ListKeyRotations settled the outcome. */
  reconciled: boolean;
  proof: ProofOutcome;
  /** Warnings and notes of the compatibility check. */
  findings: Finding[];
  steps: StepEvent[];
}

/**
 * Thrown by the flow: a KmsImportError that also says which step failed, whether the material landed, the
 * KMS's mapped error when there is one, and what was done so far.
 */
export class ImportFlowError extends KmsImportError {
  readonly importFlowError = true;
  constructor(
    readonly step: StepId,
    code: ErrorCode,
    message: string,
    fix: string,
    readonly extra: {
      provider?: ProviderErrorInfo;
      cancelled?: boolean;
      landed?: boolean | 'unknown';
      partial?: Partial<ImportFlowResult>;
      cause?: unknown;
    } = {},
  ) {
    super(flowErrorKind(step, code, extra), code, message, fix, { cause: extra.cause, cancelled: extra.cancelled === true, nextStep: extra.provider?.nextStep ?? (code === 'PARAMETERS_EXPIRED' ? 'download-parameters' : undefined) });
    this.name = 'ImportFlowError';
  }
}

/** Flow codes that refuse the user's input or the key's state before anything is sent. */
const FLOW_REFUSALS = new Set(['PARAMETERS_EXPIRED', 'VALID_TO_PAST', 'BUNDLE_OTHER_KEY', 'BUNDLE_NO_EXPIRY', 'BUNDLE_DIR_NOT_EMPTY', 'BUNDLE_NO_ALGORITHM', 'KEY_NOT_EXTERNAL', 'KEY_STATE', 'WRAPPED_FILE_INVALID', 'NOT_OFFERED_BY_PROVIDER']);

function flowErrorKind(step: StepId, code: ErrorCode, extra: { provider?: ProviderErrorInfo; cancelled?: boolean; cause?: unknown }): ErrorKind {
  if (extra.cancelled) return 'cancelled';
  if (extra.provider) return 'kms';
  if (isKmsImportError(extra.cause)) return extra.cause.kind;
  if (step === 'check' || FLOW_REFUSALS.has(code)) return 'incompatible';
  return 'internal';
}

export function isImportFlowError(e: unknown): e is ImportFlowError {
  return e instanceof Error && (e as Partial<ImportFlowError>).importFlowError === true;
}
