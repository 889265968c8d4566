// The sandbox's test controls: the checks on their inputs (shared by the in-process `sandbox.admin`
// and the HTTP route) and the HTTP route itself. Every input is checked before anything changes: a
// clock offset, latency, fault or seed request that is not what it must be is refused with a message
// that names the field, the value and what is allowed, so the clock can never become NaN, a key can
// never get a CreationDate of null, and a fault without a kind is never stored.
import * as crypto from 'node:crypto';
import { isHuaweiAction } from './huawei/actions';
import { ENUMS, OPERATIONS, specClass, usagesFor } from './model';

export type FaultKind = 'throttling' | 'internal' | 'dependency-timeout' | 'reset' | 'hang';
export const FAULT_KINDS: readonly FaultKind[] = ['throttling', 'internal', 'dependency-timeout', 'reset', 'hang'];

export interface Fault {
  operation?: string;
  rate: number;
  kind: FaultKind;
  count?: number;
}

export interface SeedOptions {
  state?: 'Enabled' | 'PendingImport' | 'Disabled';
  origin?: 'AWS_KMS' | 'EXTERNAL';
  keySpec?: string;
  keyUsage?: string;
  validToDays?: number;
}

/** A refused test-control input (the HTTP route answers it with a 400 ValidationException). */
export class AdminInputError extends Error {
  override name = 'AdminInputError';
}

const refuse = (msg: string): never => {
  throw new AdminInputError(msg);
};
const shown = (v: unknown): string => {
  const s = typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' && v !== null ? (Array.isArray(v) ? 'an array' : 'an object') : String(v);
  return s.length > 60 ? s.slice(0, 60) + '…' : s;
};

const YEAR_MS = 365.25 * 24 * 3600 * 1000;
/** Clock offsets stay within ±100 years, so every date the sandbox computes is a valid Date. */
export const MAX_CLOCK_OFFSET_MS = 100 * YEAR_MS;
export const MAX_LATENCY_MS = 60_000;
export const MAX_SEED_KEYS = 10_000;

function finiteNumber(v: unknown, what: string, min: number, max: number, unit: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return refuse(`${what} must be a number of ${unit} (got ${shown(v)}).`);
  if (v < min || v > max) return refuse(`${what} must be between ${min} and ${max} ${unit} (got ${v}).`);
  return v;
}

export function checkClockOffset(ms: unknown): number {
  return finiteNumber(ms, 'setClockOffset: ms', -MAX_CLOCK_OFFSET_MS, MAX_CLOCK_OFFSET_MS, 'milliseconds');
}

export function checkLatency(ms: unknown): number {
  return finiteNumber(ms, 'setLatency: ms', 0, MAX_LATENCY_MS, 'milliseconds');
}

export function checkFault(f: unknown): Fault {
  if (typeof f !== 'object' || f === null || Array.isArray(f)) return refuse(`injectFault: fault must be an object {kind, rate, operation?, count?} (got ${shown(f)}).`);
  const o = f as Record<string, unknown>;
  if (typeof o.kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(o.kind)) return refuse(`injectFault: kind must be one of ${FAULT_KINDS.join(', ')} (got ${shown(o.kind)}).`);
  if (typeof o.rate !== 'number' || !(o.rate >= 0 && o.rate <= 1)) return refuse(`injectFault: rate must be between 0 and 1 (got ${shown(o.rate)}).`);
  if (o.operation !== undefined && (typeof o.operation !== 'string' || !(Object.prototype.hasOwnProperty.call(OPERATIONS, o.operation) || isHuaweiAction(o.operation)))) {
    return refuse(`injectFault: operation must be the name of an operation the sandbox serves, e.g. DescribeKey or ImportKeyMaterial (or a Huawei action such as import-key-material) (got ${shown(o.operation)}); leave it out for every operation.`);
  }
  if (o.count !== undefined && (typeof o.count !== 'number' || !Number.isSafeInteger(o.count) || o.count < 1)) return refuse(`injectFault: count must be a whole number of at least 1 (got ${shown(o.count)}); leave it out for no limit.`);
  return { kind: o.kind as FaultKind, rate: o.rate, ...(o.operation !== undefined ? { operation: o.operation as string } : {}), ...(o.count !== undefined ? { count: o.count as number } : {}) };
}

export function checkSeed(n: unknown, opts: unknown, china: boolean): { n: number; opts: SeedOptions } {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || n > MAX_SEED_KEYS) return refuse(`seedKeys: n must be a whole number from 1 to ${MAX_SEED_KEYS} (got ${shown(n)}).`);
  if (opts === undefined || opts === null) opts = {};
  if (typeof opts !== 'object' || Array.isArray(opts)) return refuse(`seedKeys: options must be an object (got ${shown(opts)}).`);
  const o = opts as Record<string, unknown>;
  const known = ['state', 'origin', 'keySpec', 'keyUsage', 'validToDays'];
  const extra = Object.keys(o).filter((k) => !known.includes(k));
  if (extra.length) refuse(`seedKeys: unknown option ${extra.map((k) => `'${k}'`).join(', ')}; the options are ${known.join(', ')}.`);
  const oneOf = (name: string, allowed: readonly string[]) => {
    if (o[name] !== undefined && (typeof o[name] !== 'string' || !allowed.includes(o[name] as string))) refuse(`seedKeys: ${name} must be one of ${allowed.join(', ')} (got ${shown(o[name])}).`);
  };
  oneOf('state', ['Enabled', 'PendingImport', 'Disabled']);
  oneOf('origin', ['AWS_KMS', 'EXTERNAL']);
  const implemented = ENUMS.KeySpec.filter((s) => specClass(s) !== 'unsupported' && (china || s !== 'SM2'));
  oneOf('keySpec', implemented);
  const spec = (o.keySpec as string | undefined) ?? 'SYMMETRIC_DEFAULT';
  oneOf('keyUsage', usagesFor(spec));
  if (o.validToDays !== undefined) finiteNumber(o.validToDays, 'seedKeys: validToDays', 0.001, 365, 'days');
  if (o.state === 'PendingImport' && o.origin === 'AWS_KMS') refuse('seedKeys: state PendingImport needs origin EXTERNAL (or leave origin out).');
  if (o.validToDays !== undefined && (o.origin ?? (o.state === 'PendingImport' ? 'EXTERNAL' : 'AWS_KMS')) !== 'EXTERNAL') refuse('seedKeys: validToDays applies to imported material only: set origin EXTERNAL.');
  return { n, opts: o as SeedOptions };
}

/** Whether the header is exactly `Bearer <secret>` (the scheme is required: a bare secret is refused). Constant time. */
export function bearerMatches(header: string | undefined, secret: string): boolean {
  const m = /^Bearer ([^\s]+)$/.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]);
  const want = Buffer.from(secret);
  return given.length === want.length && crypto.timingSafeEqual(given, want);
}
