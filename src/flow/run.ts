// One run of flow steps: the progress events, the partial result, cancellation and the error each step
// ends in. Every step function (steps/*.ts) takes a FlowRun, so whoever composes the steps — the form's
// Submit, the explorer's wrap, a command, the CLI — gets the same events and the same ImportFlowError.
// Guarantees:
//  - a step that fails emits exactly one 'failed' (or 'cancelled') event for itself, then throws an
//    ImportFlowError naming that step; nothing else is thrown out of run.step();
//  - the AbortSignal is checked before each step starts; a cancel during a step becomes CANCELLED;
//  - a listener that throws never breaks the run; events never hold secret bytes.
import { isKmsImportError, serviceErrorCode, type ErrorCode } from '../core/errors';
import { isProviderError, type ProviderErrorInfo } from '../providers/types';
import type { Finding } from '../core/rules';
import type { KeyInfo } from '../providers/types';
import { ImportFlowError, STEP_LABELS, type ImportFlowResult, type ProofOutcome, type StepEvent, type StepId, type StepStatus } from './types';

export interface FlowRunOptions {
  signal?: AbortSignal;
  onStep?: (e: StepEvent) => void;
  /** Clock (tests). */
  now?: () => Date;
}

export class FlowRun {
  readonly steps: StepEvent[] = [];
  readonly partial: Partial<ImportFlowResult>;
  readonly signal?: AbortSignal;
  readonly now: () => Date;
  private current: StepId = 'create-key';
  private readonly onStep?: (e: StepEvent) => void;

  constructor(opts: FlowRunOptions = {}) {
    this.signal = opts.signal;
    this.onStep = opts.onStep;
    this.now = opts.now ?? (() => new Date());
    this.partial = { steps: this.steps, createdKey: false, importAttempts: 0, reconciled: false };
  }

  /** The run's result once the import has landed: what the steps recorded, with the key, the wrapping and the proof. */
  result(r: { key: Pick<KeyInfo, 'keyId' | 'arn' | 'keySpec'>; choice: Pick<ImportFlowResult, 'wrappingAlgorithm' | 'wrappingKeySpec'>; parametersValidTo: Date; proof: ProofOutcome; findings: Finding[]; ok: boolean; bundleDir?: string; importType?: ImportFlowResult['importType'] }): ImportFlowResult {
    const p = this.partial;
    return {
      ok: r.ok,
      keyId: r.key.keyId,
      keyArn: r.key.arn,
      keySpec: r.key.keySpec,
      keyState: p.keyState,
      createdKey: p.createdKey ?? false,
      keyMaterialId: p.keyMaterialId,
      bundleDir: r.bundleDir ?? p.bundleDir,
      parametersValidTo: r.parametersValidTo,
      wrappingAlgorithm: r.choice.wrappingAlgorithm,
      wrappingKeySpec: r.choice.wrappingKeySpec,
      expirationModel: p.expirationModel ?? 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      validTo: p.validTo,
      importType: r.importType,
      importAttempts: p.importAttempts ?? 1,
      reconciled: p.reconciled ?? false,
      proof: r.proof,
      findings: r.findings,
      steps: this.steps,
    };
  }

  emit(id: StepId, status: StepStatus, detail?: string): void {
    if (status === 'running') this.current = id;
    const ev: StepEvent = { id, status, detail, at: this.now() };
    this.steps.push(ev);
    try {
      this.onStep?.(ev);
    } catch {
      /* a listener's failure never breaks the import */
    }
  }

  /** Throws CANCELLED when the run was cancelled before `next` started. */
  checkpoint(next: StepId): void {
    if (this.signal?.aborted) {
      this.current = next;
      throw this.cancelled(next, 'before the step started', next === 'prove');
    }
  }

  /** A refusal of step `id`: emitted once as failed, thrown as ImportFlowError. */
  refuse(id: StepId, code: ErrorCode, message: string, fix: string, extra: ConstructorParameters<typeof ImportFlowError>[4] = {}): never {
    this.current = id;
    throw new ImportFlowError(id, code, message, fix, { partial: this.partial, ...extra });
  }

  /**
   * Runs one step: checkpoint, 'running' (when `running` is given), fn, then 'done' or 'skipped' with
   * the detail `finish` returns. Any failure becomes one ImportFlowError for this step.
   */
  async step<T>(id: StepId, running: string | undefined, fn: () => T | Promise<T>, finish?: (r: T) => { status?: 'done' | 'skipped'; detail?: string } | string): Promise<T> {
    try {
      this.checkpoint(id);
      this.current = id;
      if (running !== undefined) this.emit(id, 'running', running);
      const r = await fn();
      const f = finish?.(r);
      const ended = typeof f === 'string' ? { status: 'done' as const, detail: f } : { status: f?.status ?? 'done', detail: f?.detail };
      this.emit(id, ended.status, ended.detail);
      return r;
    } catch (e) {
      throw this.fail(e);
    }
  }

  /** Maps anything thrown during the run to the ImportFlowError of the step that was running, and emits it once. */
  fail(e: unknown): ImportFlowError {
    const step = this.current;
    let err: ImportFlowError;
    if (e instanceof ImportFlowError) err = e;
    else if (isAbort(e) || (this.signal?.aborted && isProviderError(e) && e.info.name === 'AbortError')) err = this.cancelled(step, 'while it ran', step === 'prove' ? true : step === 'import' ? 'unknown' : false);
    else if (isProviderError(e)) err = new ImportFlowError(step, serviceErrorCode(e.info.name), `${STEP_LABELS[step]} failed: ${e.info.cause}`, e.info.action, { provider: e.info, partial: this.partial, cause: e, landed: step === 'import' ? (e.info.ambiguous ? 'unknown' : false) : undefined });
    else if (isKmsImportError(e)) err = new ImportFlowError(step, e.code, e.message, e.fix, { partial: this.partial, cause: e });
    else err = new ImportFlowError(step, 'INTERNAL', `${STEP_LABELS[step]} failed: ${(e as Error)?.message ?? String(e)}`, 'Try again; if it persists, report it with the log.', { partial: this.partial, cause: e });
    const last = this.steps[this.steps.length - 1];
    if (!last || last.id !== err.step || (last.status !== 'failed' && last.status !== 'cancelled')) this.emit(err.step, err.cancelled ? 'cancelled' : 'failed', err.message);
    return err;
  }

  cancelled(step: StepId, when: string, landed?: boolean | 'unknown'): ImportFlowError {
    const p = this.partial;
    return new ImportFlowError(step, 'CANCELLED', `Cancelled ${when} (${STEP_LABELS[step]}).${landed === true ? ' The key material was imported.' : landed === false ? ' No key material was imported.' : ''}`, p.keyArn ? `Run the import again; key ${p.keyArn} is ${p.keyState ?? 'unchanged'}.` : 'Run the import again.', { cancelled: true, landed, partial: p });
  }
}

export function isAbort(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const x = e as { name?: string; code?: string; info?: ProviderErrorInfo };
  return x.name === 'AbortError' || x.code === 'ABORT_ERR' || x.info?.name === 'AbortError';
}
