// One pure mapping from anything the flow, a provider or the core throws to what the user sees: a title,
// the cause, the action, the next step the UI can offer as a button, and the CLI's exit code. The
// extension's notifications and form and the CLI's messages and exit codes all read this one mapping.
// No vscode, no SDK; nothing secret (errors never carry key material).
import { isKmsImportError, type NextStep } from '../core/errors';

export type { NextStep } from '../core/errors';
import { isProviderError } from '../providers/types';
import { STEP_LABELS, isImportFlowError } from './types';


export interface Failure {
  title: string;
  /** The service's own message is part of `cause` when there is one. */
  cause: string;
  action: string;
  nextStep: NextStep;
  /** The user (or the caller's signal) cancelled. */
  cancelled: boolean;
  /** CLI: 2 usage, 3 refused (incompatible or invalid input, or the KMS refused it), 1 anything else. */
  exitCode: 1 | 2 | 3;
  /** A machine-readable code (the KMS error name, or the tool's code). */
  code: string;
}

/** KMS errors that mean "the KMS refused this input", not "something broke". */
const REFUSED_BY_KMS = new Set([
  'IncorrectKeyMaterialException',
  'InvalidCiphertextException',
  'InvalidImportTokenException',
  'ExpiredImportTokenException',
  'ValidationException',
  'UnsupportedOperationException',
  'KMSInvalidStateException',
  'NotFoundException',
  'AlreadyExistsException',
  'InvalidAliasNameException',
  'InvalidArnException',
  'DisabledException',
  // Huawei Cloud KMS (src/providers/huawei/errors.ts): the token, the material, the key's state, and what Huawei does not offer.
  'KMS.0205', 'KMS.0207', 'KMS.0309', 'KMS.0310', 'KMS.1104',
  'KMS.2601', 'KMS.2602', 'KMS.2603', 'KMS.2604', 'KMS.2605', 'KMS.2606', 'KMS.2608', 'KMS.2609', 'KMS.2701', 'KMS.2702',
  'UnsupportedKeySpec', 'UnsupportedOperation', 'UnsupportedWrappingKeySpec', 'UnsupportedWrappingAlgorithm', 'ValidationError',
]);


export function describeFailure(e: unknown): Failure {
  if (isImportFlowError(e)) {
    const p = e.extra.provider;
    const landed = e.extra.landed === true ? ' The key material did land in KMS (confirmed with DescribeKey).' : e.extra.landed === 'unknown' ? ' Whether the material landed could not be confirmed: describe the key before trying again.' : '';
    const cancelled = e.cancelled;
    if (p) {
      return {
        title: `${STEP_LABELS[e.step]}: ${p.name}`,
        cause: p.cause + landed,
        action: p.action,
        nextStep: p.nextStep && p.nextStep !== 'none' ? p.nextStep : p.retryable ? 'retry' : 'none',
        cancelled,
        exitCode: REFUSED_BY_KMS.has(p.name) ? 3 : 1,
        code: p.name,
      };
    }
    const inner = e.extra.cause;
    const innerKind = isKmsImportError(inner) ? inner.kind : undefined;
    return {
      title: `${STEP_LABELS[e.step]}: ${e.code}`,
      cause: e.message + landed,
      action: e.fix,
      nextStep: e.code === 'PARAMETERS_EXPIRED' || e.code === 'BUNDLE_EXPIRED' ? 'download-parameters' : innerKind === 'invalid-input' ? 'choose-material' : 'none',
      cancelled,
      exitCode: cancelled ? 1 : innerKind === 'usage' ? 2 : innerKind === 'invalid-input' || innerKind === 'incompatible' || e.step === 'check' || e.kind === 'incompatible' ? 3 : 1, // the flow's own refusals are 'incompatible' (flow/types.ts)
      code: e.code,
    };
  }
  if (isProviderError(e)) {
    const i = e.info;
    return { title: i.name, cause: i.cause, action: i.action, nextStep: i.nextStep && i.nextStep !== 'none' ? i.nextStep : i.retryable ? 'retry' : 'none', cancelled: i.name === 'AbortError', exitCode: REFUSED_BY_KMS.has(i.name) ? 3 : 1, code: i.name };
  }
  if (isKmsImportError(e)) {
    return { title: e.code, cause: e.message, action: e.fix, nextStep: e.nextStep !== 'none' ? e.nextStep : e.kind === 'invalid-input' ? 'choose-material' : e.code === 'BUNDLE_EXPIRED' ? 'download-parameters' : 'none', cancelled: e.cancelled, exitCode: e.kind === 'usage' ? 2 : e.kind === 'invalid-input' || e.kind === 'incompatible' ? 3 : 1, code: e.code };
  }
  return { title: 'Error', cause: (e as Error)?.message ?? String(e), action: 'See the KMS Key Import log for details.', nextStep: 'none', cancelled: false, exitCode: 1, code: 'INTERNAL' };
}
