// Fuzzing the sandbox's JSON decoding and validation over real HTTP: requests correctly SigV4-signed (so the
// signature is never what refuses them), with bodies mutated from valid ones (types swapped, huge numbers,
// NaN-ish strings, nested objects, unicode, missing/extra/duplicate members, deep nesting, broken JSON).
// A clean answer is a 200 with a JSON body, or a 4xx with an AWS error shape {__type, message}; a 5xx,
// a dropped connection or no answer within the time limit is a failure. Seeded PRNG: a run is repeatable.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { signRequest } from '../../src/sandbox/sigv4';
import type { Sandbox } from '../../src/sandbox/index';

/** mulberry32: a small, fast, seeded PRNG (uniform in [0, 1)). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FuzzInput {
  operation: string;
  body: Buffer;
}

export interface Verdict {
  ok: boolean;
  status?: number;
  detail: string;
}

const REQUEST_TIMEOUT_MS = 5000;

/** Sends one signed request and judges the answer. */
export async function sendAndJudge(sb: Sandbox, input: FuzzInput): Promise<Verdict> {
  const host = new URL(sb.endpoint).host;
  const { host: _h, ...headers } = signRequest(sb.credentials, sb.region, host, { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `TrentService.${input.operation}` }, input.body);
  let res: Response;
  let text: string;
  try {
    res = await fetch(sb.endpoint + '/', { method: 'POST', headers, body: input.body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    text = await res.text();
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    return { ok: false, detail: err.name === 'TimeoutError' ? `no answer within ${REQUEST_TIMEOUT_MS} ms` : `connection failed: ${err.message}${err.cause?.code ? ` (${err.cause.code})` : ''}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, status: res.status, detail: `HTTP ${res.status} with a body that is not JSON: ${text.slice(0, 120)}` };
  }
  if (res.status === 200) return typeof json === 'object' && json !== null ? { ok: true, status: 200, detail: 'answered' } : { ok: false, status: 200, detail: 'a 200 whose body is not an object' };
  const o = json as { __type?: unknown; message?: unknown };
  if (res.status >= 400 && res.status < 500 && typeof o.__type === 'string' && typeof o.message === 'string' && o.__type.length > 0) return { ok: true, status: res.status, detail: o.__type };
  return { ok: false, status: res.status, detail: `HTTP ${res.status} ${String(o.__type)}: ${String(o.message).slice(0, 200)}` };
}

// ---------------------------------------------------------------------------------------------
// Mutation

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

function nest(depth: number, leaf: Json, asArray: boolean): Json {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
}

/** A value of a random, usually wrong, type or shape. */
function weird(r: () => number): Json {
  const simple: Json[] = [
    null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, -(2 ** 31), 4294967296,
    'NaN', 'Infinity', '-Infinity', '1e999', '-0', '0x10', '', ' ', '\u0000', '\ud800', '\udfff\ud800', '\u202eevil', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🔑', '日本語のキー', 'alias/', 'alias/aws/x',
    'arn:aws:kms:us-east-1:111122223333:key/', 'arn:aws:kms:us-east-1:111122223333:alias/../../x', '====', 'AA==', 'not base64!', '%00%ff', '../../etc/passwd', '{"nested":"json"}', '__proto__',
    [], {}, [1, 2, 3], [null], { a: { b: {} } }, [[]], ['a', 'b'],
  ];
  const k = r();
  if (k < 0.7) return pick(r, simple);
  if (k < 0.8) return 'x'.repeat(Math.floor(r() * 300_000));
  if (k < 0.9) return nest(1 + Math.floor(r() * 200), pick(r, [1, 'a', null, {}]), r() < 0.5);
  return Buffer.from(Array.from({ length: Math.floor(r() * 9000) }, () => Math.floor(r() * 256))).toString('base64');
}

/** All paths to values inside `v` (member names and array indexes). */
function paths(v: Json, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([...prefix, i]), paths(x, [...prefix, i], out)));
  else if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) {
      out.push([...prefix, k]);
      paths(v[k], [...prefix, k], out);
    }
  }
  return out;
}

function parentOf(root: Json, p: Array<string | number>): Record<string | number, Json> | undefined {
  let cur: Json = root;
  for (const k of p.slice(0, -1)) cur = (cur as Record<string | number, Json>)[k];
  return cur && typeof cur === 'object' ? (cur as Record<string | number, Json>) : undefined;
}

/** Structural mutations of a JSON value, then sometimes a textual one. */
export function mutate(seed: Buffer, r: () => number): Buffer {
  let value: Json;
  try {
    value = JSON.parse(seed.toString('utf8')) as Json;
  } catch {
    value = {};
  }
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const ps = paths(value);
    const op = r();
    if (ps.length && op < 0.45) {
      const p = pick(r, ps);
      const parent = parentOf(value, p);
      if (parent) {
        const was = parent[p[p.length - 1]];
        // Same type, extreme value (a number stays a number) more often than not: it gets past the type checks.
        if (typeof was === 'number' && r() < 0.6) parent[p[p.length - 1]] = pick(r, [1e300, -1e300, 1e308, 5e-324, 2 ** 63, -(2 ** 63), 8.64e12 + 1, -8.64e12 - 1, 0, -0, 0.5, 2 ** 31]);
        else if (typeof was === 'string' && r() < 0.3) parent[p[p.length - 1]] = pick(r, [was + was, was.slice(0, 1), was.toUpperCase(), was + '\u0000', '\u00e9' + was, was.repeat(50), ' ' + was, was + '=']);
        else parent[p[p.length - 1]] = weird(r);
      }
    } else if (ps.length && op < 0.6) {
      const p = pick(r, ps);
      const parent = parentOf(value, p);
      if (parent && !Array.isArray(parent)) delete parent[p[p.length - 1]];
      else if (Array.isArray(parent)) parent.splice(Number(p[p.length - 1]), 1);
    } else if (op < 0.75 && value && typeof value === 'object' && !Array.isArray(value)) {
      value[pick(r, ['Extra', 'constructor', 'toString', 'KeyId ', 'keyid', 'ÜñíçødéKey', 'GrantTokens', 'DryRun'])] = weird(r);
    } else if (op < 0.82) {
      value = pick(r, [[value], { Wrapped: value }, weird(r), null, 'string body', 42]);
    } else if (ps.length) {
      const p = pick(r, ps);
      const parent = parentOf(value, p);
      if (parent) parent[p[p.length - 1]] = nest(1 + Math.floor(r() * 200), parent[p[p.length - 1]], r() < 0.5);
    }
  }
  let text = JSON.stringify(value) ?? 'null';
  const t = r();
  if (t < 0.04 && text.startsWith('{')) {
    // Deep nesting (up to 100,000 levels: 200 KB, within the 1 MB body limit), built as text.
    const d = 1 + Math.floor(r() * 100_000);
    const [open, close] = r() < 0.5 ? ['[', ']'] : ['{"a":', '}'];
    text = `{"${pick(r, ['Deep', 'KeyId', 'Tags', 'EncryptionContext'])}":${open.repeat(d)}1${close.repeat(d)},` + text.slice(1);
    if (text.endsWith(',}')) text = text.slice(0, -2) + '}';
  } else if (t < 0.1 && text.startsWith('{')) {
    // Duplicate member names: JSON.parse keeps the last one.
    const name = pick(r, ['KeyId', 'Limit', 'Plaintext', 'ValidTo', 'WrappingKeySpec', 'Tags', '__proto__']);
    text = `{"${name}":${JSON.stringify(weird(r)) ?? 'null'},` + text.slice(1);
    if (text.endsWith(',}')) text = text.slice(0, -2) + '}';
  } else if (t < 0.14) {
    text = text.slice(0, Math.floor(r() * text.length));
  } else if (t < 0.18) {
    text = text.replace(/-?\d+(\.\d+)?/, pick(r, ['1e999', '-1e999', '123456789012345678901234567890', '-0', '0.0000000000000000000001', '1E+308']));
  } else if (t < 0.2) {
    text = pick(r, ['', ' ', '\ufeff{}', '{}{}', 'null', '[]', '"str"', '{"a":1,}', "{'a':1}", '{"a":01}', '{"a":NaN}', '{"a":Infinity}']);
  } else if (t < 0.23) {
    const b = Buffer.from(text);
    if (b.length) b[Math.floor(r() * b.length)] = pick(r, [0xff, 0xc0, 0x80, 0x00, 0xfe]);
    return b.subarray(0, 1024 * 1024);
  }
  const out = Buffer.from(text, 'utf8');
  return out.length > 1024 * 1024 ? out.subarray(0, 1024 * 1024) : out;
}

// ---------------------------------------------------------------------------------------------
// The corpus: inputs that once failed, replayed by a deterministic test.

export const CORPUS_DIR = path.join(__dirname, '..', 'sandbox', 'corpus', 'sandbox-json');

export interface CorpusEntry {
  operation: string;
  /** The request body, base64 (it may not be UTF-8). */
  bodyBase64: string;
  /** What the sandbox answered when the input was found. */
  found: string;
}

export function readCorpus(): Array<FuzzInput & { file: string }> {
  if (!fs.existsSync(CORPUS_DIR)) return [];
  return fs
    .readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const e = JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, f), 'utf8')) as CorpusEntry;
      return { file: f, operation: e.operation, body: Buffer.from(e.bodyBase64, 'base64') };
    });
}

/** Keeps an input that failed as a corpus file (named by operation and hash, so a repeat overwrites itself). */
export function keepInCorpus(input: FuzzInput, verdict: Verdict): string {
  fs.mkdirSync(CORPUS_DIR, { recursive: true });
  const file = path.join(CORPUS_DIR, `${input.operation}-${crypto.createHash('sha256').update(input.body).digest('hex').slice(0, 12)}.json`);
  const entry: CorpusEntry = { operation: input.operation, bodyBase64: input.body.toString('base64'), found: verdict.detail };
  fs.writeFileSync(file, JSON.stringify(entry, null, 2) + '\n');
  return file;
}
