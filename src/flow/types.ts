// Types shared by the import flow, the proof, rotation and listing. No vscode, no AWS SDK.
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
  | { method: 'public-key'; holds: boolean; localFingerprint: string; kmsFingerprint: string; detail: string }
  | { method: 'mac'; holds: boolean; macAlgorithm: string; detail: string }
  | { method: 'round-trip'; holds: boolean; keyMaterialId?: string; detail: string }
  | { method: 'not-run'; holds: false; detail: string };

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

/** Thrown by the flow. `step` says where; `landed` whether the material is in KMS after all. */
export class ImportFlowError extends Error {
  readonly importFlowError = true;
  constructor(
    readonly step: StepId,
    readonly code: string,
    message: string,
    readonly fix: string,
    readonly extra: {
      provider?: ProviderErrorInfo;
      cancelled?: boolean;
      landed?: boolean | 'unknown';
      partial?: Partial<ImportFlowResult>;
      cause?: unknown;
    } = {},
  ) {
    super(message);
    this.name = 'ImportFlowError';
  }
  get cancelled(): boolean {
    return this.extra.cancelled === true;
  }
  describe(): string {
    return this.fix ? `${this.message}\nFix: ${this.fix}` : this.message;
  }
}

export function isImportFlowError(e: unknown): e is ImportFlowError {
  return e instanceof Error && (e as Partial<ImportFlowError>).importFlowError === true;
}
