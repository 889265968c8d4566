// The retry strategy of every KMS client: throttling and 5xx/network failures are retried with
// jittered exponential backoff, 4xx never; ImportKeyMaterial and RotateKeyOnDemand are never replayed
// after an ambiguous failure (the import flow reconciles with DescribeKey instead) — only when the
// connection was never made. Each call gets its own attempts (no shared retry capacity).
// The operation of a failed attempt is read from a tag the client's middleware puts on the error
// (tagOperation, installed by clientFactory.ts). No request or response body is looked at.
import * as crypto from 'node:crypto';
import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';
import { NO_REPLAY_OPERATIONS } from './errors';

export interface RetryOptions {
  /** Total attempts including the first (default 4). */
  maxAttempts?: number;
  /** Backoff base for 5xx and network failures (default 100 ms). */
  baseDelayMs?: number;
  /** Backoff base for throttling (default 500 ms). */
  throttlingBaseDelayMs?: number;
  /** Cap of one backoff delay (default 8 s). */
  maxDelayMs?: number;
}

const OP_TAG = '$kmsImportOperation';

/** Marks an error with the operation that failed (non-enumerable; a frozen error is left as it is). */
export function tagOperation(error: unknown, operation: string | undefined): void {
  if (!error || typeof error !== 'object' || !operation) return;
  try {
    Object.defineProperty(error, OP_TAG, { value: operation, configurable: true });
  } catch {
    /* frozen error: the strategy treats it as replayable only if throttled */
  }
}

/** The operation an error was tagged with, if any. */
export function taggedOperation(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const op = (error as { [OP_TAG]?: unknown })[OP_TAG];
  return typeof op === 'string' ? op : undefined;
}

interface Token extends StandardRetryToken {
  count: number;
  delay: number;
}
const makeToken = (count: number, delay: number): Token => ({
  count,
  delay,
  getRetryCount: () => count,
  getRetryDelay: () => delay,
  getRetryCost: () => undefined,
});

/** True when the failure happened before any connection was made (nothing reached the service). */
function notConnected(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as { code?: unknown; cause?: unknown };
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return true;
  return notConnected(e.cause, depth + 1);
}

/**
 * Retries THROTTLING always; TRANSIENT/SERVER_ERROR (5xx, timeouts, resets) except for operations
 * that must not be replayed blindly; CLIENT_ERROR (4xx) never. Delays: exponential with full jitter
 * from crypto.randomInt, capped; a Retry-After hint is honoured up to the cap.
 */
export class KmsRetryStrategy implements RetryStrategyV2 {
  readonly maxAttempts: number;
  private readonly base: number;
  private readonly throttleBase: number;
  private readonly cap: number;
  constructor(opts: RetryOptions = {}) {
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 4);
    this.base = opts.baseDelayMs ?? 100;
    this.throttleBase = opts.throttlingBaseDelayMs ?? 500;
    this.cap = opts.maxDelayMs ?? 8000;
  }
  async acquireInitialRetryToken(): Promise<Token> {
    return makeToken(0, 0);
  }
  async refreshRetryTokenForRetry(tokenToRenew: Token, errorInfo: RetryErrorInfo): Promise<Token> {
    const count = tokenToRenew.getRetryCount();
    const err = errorInfo.error;
    const op = taggedOperation(err);
    if (count + 1 >= this.maxAttempts) throw new Error('retry attempts exhausted');
    let base: number;
    if (errorInfo.errorType === 'THROTTLING') {
      if (op === 'RotateKeyOnDemand' && err?.name === 'LimitExceededException') throw new Error('not retryable');
      base = this.throttleBase;
    } else if (errorInfo.errorType === 'TRANSIENT' || errorInfo.errorType === 'SERVER_ERROR') {
      if (op && NO_REPLAY_OPERATIONS.has(op) && !notConnected(err)) throw new Error('not replayed: the outcome is ambiguous');
      base = this.base;
    } else {
      throw new Error('not retryable');
    }
    const ceiling = Math.min(this.cap, base * 2 ** count);
    let delay = Math.max(1, crypto.randomInt(Math.floor(ceiling / 2), Math.max(Math.floor(ceiling / 2) + 1, ceiling + 1)));
    if (errorInfo.retryAfterHint instanceof Date) delay = Math.min(this.cap, Math.max(delay, errorInfo.retryAfterHint.getTime() - Date.now()));
    return makeToken(count + 1, delay);
  }
  recordSuccess(): void {
    /* no shared capacity: every call gets its own attempts */
  }
}
