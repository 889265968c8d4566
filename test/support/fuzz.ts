// The fuzzing harness for the material parser and the bundle readers (issue 8): a seeded PRNG, mutators over a
// seed corpus (bit flips, truncation, DER length inflation, duplication, splicing, JSON value swaps), the targets,
// and the verdict on each outcome — a clean refusal (KmsImportError with a message and a fix) or a correct answer.
import * as crypto from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { assertBundleUsable, bundleExpiry, bundleFromContents, parseReadme, readBundle, readBundleSync, writeBundle, type ParameterBundle } from '../../src/core/bundle';
import { KmsImportError } from '../../src/core/errors';
import { parseMaterial } from '../../src/core/material';
import { isProviderId } from '../../src/core/rules';
import { isWrappingAlgorithm, isWrappingKeySpec, KEY_SPECS } from '../../src/core/specs';
import { writeZip } from '../../src/core/zip';

export const FOUND_DIR = join(__dirname, '..', 'fixtures', 'fuzz-found');

// ---- PRNG (mulberry32): the same seed gives the same mutations

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

// ---- mutators

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xff, 0x30, 0x02, 0x04, 0xa0];

/** Positions that look like a DER TLV header (a tag byte followed by a length that fits). */
function tlvHeaders(b: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < b.length && out.length < 256; i++) {
    const t = b[i];
    if (t === 0x30 || t === 0x31 || t === 0x02 || t === 0x04 || t === 0x03 || t === 0x06 || (t & 0xe0) === 0xa0) {
      const l = b[i + 1];
      const len = l < 0x80 ? l : l === 0x81 && i + 2 < b.length ? b[i + 2] : l === 0x82 && i + 3 < b.length ? b.readUInt16BE(i + 2) : -1;
      if (len >= 0 && i + 2 + len <= b.length + 4) out.push(i);
    }
  }
  return out;
}

export function mutate(rng: Rng, input: Buffer, others: Buffer[]): Buffer {
  const b = Buffer.from(input);
  const ops = rng.int(3) + 1;
  let out: Buffer = b;
  for (let k = 0; k < ops; k++) {
    const op = rng.int(9);
    if (out.length === 0) out = rng.bytes(rng.int(64) + 1);
    switch (op) {
      case 0: {
        // bit flips
        const n = rng.int(8) + 1;
        for (let i = 0; i < n; i++) out[rng.int(out.length)] ^= 1 << rng.int(8);
        break;
      }
      case 1: // truncation
        out = out.subarray(0, rng.int(out.length));
        break;
      case 2: {
        // DER length inflation (or deflation) at a TLV header
        const hs = tlvHeaders(out);
        if (!hs.length) break;
        const at = rng.pick(hs) + 1;
        const repl = rng.pick([Buffer.from([0x84, 0x7f, 0xff, 0xff, 0xff]), Buffer.from([0x82, 0xff, 0xff]), Buffer.from([0x81, 0xff]), Buffer.from([0x80]), Buffer.from([0x85, 1, 0, 0, 0, 0]), Buffer.from([0x7f]), Buffer.from([out[at] + 1 & 0xff]), Buffer.from([0x00])]);
        const oldLen = out[at] < 0x80 ? 1 : 1 + (out[at] & 0x7f);
        out = Buffer.concat([out.subarray(0, at), repl, out.subarray(Math.min(out.length, at + oldLen))]);
        break;
      }
      case 3: {
        // duplicate a chunk
        const s = rng.int(out.length);
        const e = s + rng.int(Math.min(256, out.length - s)) + 1;
        const at = rng.int(out.length + 1);
        out = Buffer.concat([out.subarray(0, at), out.subarray(s, e), out.subarray(at)]);
        break;
      }
      case 4: {
        // splice with another input
        const o = rng.pick(others);
        if (!o.length) break;
        const cut = rng.int(out.length + 1);
        const from = rng.int(o.length);
        out = Buffer.concat([out.subarray(0, cut), o.subarray(from, from + rng.int(512) + 1)]);
        break;
      }
      case 5: // interesting bytes
        for (let i = rng.int(4) + 1; i > 0; i--) out[rng.int(out.length)] = rng.pick(INTERESTING);
        break;
      case 6: {
        // delete a range
        const s = rng.int(out.length);
        out = Buffer.concat([out.subarray(0, s), out.subarray(s + rng.int(16) + 1)]);
        break;
      }
      case 7: {
        // insert random bytes
        const at = rng.int(out.length + 1);
        out = Buffer.concat([out.subarray(0, at), rng.bytes(rng.int(16) + 1), out.subarray(at)]);
        break;
      }
      default: // random input
        out = rng.bytes(rng.int(300) + 1);
    }
  }
  return Buffer.from(out);
}

const JSON_VALUES: unknown[] = ['garbage', '', 0, -1, 1e308, 1e21, 2147483647, null, true, {}, [], 'x'.repeat(5000), '__proto__', 'constructor', '2026-02-30T25:61:00Z', '+275760-09-14T00:00:00.000Z', 'RSA_4096', 'RSAES_OAEP_SHA_256', 'aws-cn', 'huawei', '../../etc/passwd', 'AAAA', '\u0000'];

/** Replaces, deletes or adds one value somewhere in a JSON document (or returns byte mutations if it does not parse). */
export function mutateJson(rng: Rng, input: Buffer, others: Buffer[]): Buffer {
  let v: unknown;
  try {
    v = JSON.parse(input.toString('utf8'));
  } catch {
    return mutate(rng, input, others);
  }
  const objects: Array<Record<string, unknown>> = [];
  const walk = (x: unknown) => {
    if (x && typeof x === 'object') {
      objects.push(x as Record<string, unknown>);
      Object.values(x as object).forEach(walk);
    }
  };
  walk(v);
  if (!objects.length) return mutate(rng, input, others);
  const o = rng.pick(objects);
  const keys = Object.keys(o);
  const k = keys.length && rng.int(5) ? rng.pick(keys) : rng.pick(['extra', '__proto__', 'validTo', 'provider', 'files', 'sha256']);
  if (rng.int(6) === 0) delete o[k];
  else o[k] = rng.pick(JSON_VALUES);
  return Buffer.from(JSON.stringify(v));
}

// ---- targets and verdicts

export type Target = 'material' | 'bundle-folder' | 'bundle-file' | 'readme';

export interface FuzzCase {
  target: Target;
  /** material: 0 = passphrase "right", 1 = none, 2 = expectRaw. */
  variant?: number;
  /** material, bundle-file (with `name`), readme. */
  input?: Buffer;
  name?: string;
  /** bundle-folder. */
  files?: Array<[string, Buffer]>;
}

export type Verdict = { ok: true; outcome: 'answer' | 'refusal' } | { ok: false; why: string };

function cleanRefusal(e: unknown): Verdict {
  if (e instanceof KmsImportError && e.message.trim() && e.fix.trim() && !/\bat .+:\d+:\d+/.test(e.message)) return { ok: true, outcome: 'refusal' };
  const err = e as Error;
  if (e instanceof KmsImportError) return { ok: false, why: `a refusal without message or fix: ${JSON.stringify({ code: e.code, message: e.message, fix: e.fix })}` };
  return { ok: false, why: `unexpected ${err?.name ?? typeof e}: ${err?.message ?? String(e)}\n${(err?.stack ?? '').split('\n').slice(1, 6).join('\n')}` };
}

function checkMaterial(c: FuzzCase): Verdict {
  const opts = [{ passphrase: 'right' }, {}, { expectRaw: true }][c.variant ?? 0];
  let m;
  try {
    m = parseMaterial(c.input!, opts);
  } catch (e) {
    return cleanRefusal(e);
  }
  const problems: string[] = [];
  if (!Buffer.isBuffer(m.bytes) || m.bytes.length === 0) problems.push('no bytes');
  if (typeof m.description !== 'string' || !m.description) problems.push('no description');
  if (m.keySpec !== undefined && !(m.keySpec in KEY_SPECS)) problems.push(`unknown key spec ${m.keySpec}`);
  if (m.kind === 'rsa' || m.kind === 'ec') {
    if (!m.publicKeySpki?.length || typeof m.publicKeyFingerprint !== 'string' || !m.publicKeyFingerprint) problems.push('no public key');
    // The normalised PKCS#8 must read back as the same key.
    try {
      const again = parseMaterial(m.bytes);
      if (!again.bytes.equals(m.bytes) || again.keySpec !== m.keySpec) problems.push('the normalised PKCS#8 does not read back as the same key');
    } catch (e) {
      problems.push(`the normalised PKCS#8 is refused: ${(e as Error).message}`);
    }
  }
  m.dispose();
  if (!m.bytes.every((x) => x === 0)) problems.push('dispose() left secret bytes');
  return problems.length ? { ok: false, why: `a wrong answer: ${problems.join('; ')}` } : { ok: true, outcome: 'answer' };
}

export function checkBundle(b: ParameterBundle): string[] {
  const problems: string[] = [];
  if (!Buffer.isBuffer(b.publicKey) || !b.publicKey.length) problems.push('no public key');
  if (!Buffer.isBuffer(b.importToken) || !b.importToken.length) problems.push('no import token');
  for (const k of ['validTo', 'issuedAt'] as const) if (b[k] !== undefined && !(b[k] instanceof Date && Number.isFinite(b[k]!.getTime()))) problems.push(`${k} is not a date`);
  if (b.provider !== undefined && !isProviderId(b.provider)) problems.push(`provider ${String(b.provider)}`);
  if (b.wrappingAlgorithm !== undefined && !isWrappingAlgorithm(b.wrappingAlgorithm)) problems.push(`wrappingAlgorithm ${String(b.wrappingAlgorithm)}`);
  if (b.wrappingKeySpec !== undefined && !isWrappingKeySpec(b.wrappingKeySpec)) problems.push(`wrappingKeySpec ${String(b.wrappingKeySpec)}`);
  for (const k of ['keyId', 'keyArn', 'region'] as const) if (b[k] !== undefined && typeof b[k] !== 'string') problems.push(`${k} is ${typeof b[k]}`);
  // What every command does next must not fail unexpectedly either.
  bundleExpiry(b);
  try {
    assertBundleUsable(b);
  } catch (e) {
    if (!(e instanceof KmsImportError)) throw e;
  }
  if (b.validTo) b.validTo.toISOString();
  return problems;
}

function checkBundleCase(c: FuzzCase): Verdict {
  let b: ParameterBundle;
  try {
    b = c.target === 'bundle-folder' ? bundleFromContents('fuzz-folder', new Map(c.files)) : bundleFromContents(c.name ?? 'fuzz.bin', c.input!);
  } catch (e) {
    return cleanRefusal(e);
  }
  try {
    const problems = checkBundle(b);
    return problems.length ? { ok: false, why: `a wrong answer: ${problems.join('; ')}` } : { ok: true, outcome: 'answer' };
  } catch (e) {
    return { ok: false, why: `the bundle read, then failed downstream: ${(e as Error).message}` };
  }
}

function checkReadme(c: FuzzCase): Verdict {
  let facts;
  try {
    facts = parseReadme(c.input!.toString('utf8'));
  } catch (e) {
    return { ok: false, why: `parseReadme threw: ${(e as Error).message}` };
  }
  const problems = checkBundle({ ...facts, publicKey: Buffer.from([1]), importToken: Buffer.from([1]), layout: 'console', source: 'README', files: { publicKey: 'p', importToken: 't' } });
  return problems.length ? { ok: false, why: `README facts are wrong: ${problems.join('; ')}` } : { ok: true, outcome: 'answer' };
}

export function runCase(c: FuzzCase): Verdict {
  switch (c.target) {
    case 'material':
      return checkMaterial(c);
    case 'bundle-folder':
    case 'bundle-file':
      return checkBundleCase(c);
    case 'readme':
      return checkReadme(c);
  }
}

// ---- found inputs: one JSON file each, replayed by fuzz-replay.test.ts

export function caseToJson(c: FuzzCase, note: string): string {
  return JSON.stringify(
    {
      target: c.target,
      variant: c.variant,
      name: c.name,
      input: c.input?.toString('base64'),
      files: c.files?.map(([n, d]) => [n, d.toString('base64')]),
      note,
    },
    null,
    1,
  ) + '\n';
}

export function caseFromJson(text: string): FuzzCase {
  const j = JSON.parse(text) as { target: Target; variant?: number; name?: string; input?: string; files?: Array<[string, string]> };
  return { target: j.target, variant: j.variant, name: j.name, input: j.input === undefined ? undefined : Buffer.from(j.input, 'base64'), files: j.files?.map(([n, d]) => [n, Buffer.from(d, 'base64')]) };
}

export function saveFound(c: FuzzCase, note: string): string {
  mkdirSync(FOUND_DIR, { recursive: true });
  const text = caseToJson(c, note);
  const name = `${c.target}-${crypto.createHash('sha256').update(text.replace(/"note":.*\n/, '')).digest('hex').slice(0, 12)}.json`;
  writeFileSync(join(FOUND_DIR, name), text);
  return join(FOUND_DIR, name);
}

export function foundCases(): Array<{ file: string; c: FuzzCase }> {
  if (!existsSync(FOUND_DIR)) return [];
  return readdirSync(FOUND_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: f, c: caseFromJson(readFileSync(join(FOUND_DIR, f), 'utf8')) }));
}

// ---- seed bundles

export interface BundleSeeds {
  folders: Array<Array<[string, Buffer]>>;
  singles: Array<{ name: string; data: Buffer }>;
  readmes: Buffer[];
}

export async function buildBundleSeeds(scratch: string): Promise<BundleSeeds> {
  const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
  const ARN = `arn:aws:kms:us-west-2:111122223333:key/${KEY_ID}`;
  const pub = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' });
  const token = crypto.randomBytes(300);
  const validTo = new Date(Date.now() + 20 * 3600_000);
  await writeBundle(join(scratch, 'canonical'), { keyArn: ARN, keyId: KEY_ID, provider: 'aws', region: 'us-west-2', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048', validTo, publicKey: pub, importToken: token });
  const canon = ['WrappingPublicKey.bin', 'ImportToken.bin', 'README.txt', 'kms-import.json'].map((n) => [n, readFileSync(join(scratch, 'canonical', n))] as [string, Buffer]);
  const readme = Buffer.from(`This folder contains the wrapping public key and import token for the KMS key ${ARN}.\nWrapping algorithm: RSA_AES_KEY_WRAP_SHA_256\nWrapping key spec: RSA_2048\nThe wrapping public key and import token expire at ${validTo.toISOString()}.\n`);
  const huaweiReadme = Buffer.from(`Key ID: ${KEY_ID}\nWrapping algorithm: RSAES_OAEP_SHA_1\nExpiration time: 1764600000\nregion: cn-north-4\nprovider: huawei\n`);
  const folders: Array<Array<[string, Buffer]>> = [
    canon,
    [['WrappingPublicKey.bin', pub], ['ImportToken.bin', token], ['README.txt', readme]],
    [[`wrappingKey_${KEY_ID}_0809092909`, pub], [`importToken_${KEY_ID}_0809092909`, token], [`README_${KEY_ID}_0809092909.txt`, huaweiReadme]],
    [['PublicKey.b64', Buffer.from(pub.toString('base64'))], ['ImportToken.b64', Buffer.from(token.toString('base64') + '\n')]],
  ];
  const awsJson = Buffer.from(JSON.stringify({ KeyId: ARN, ImportToken: token.toString('base64'), PublicKey: pub.toString('base64'), ParametersValidTo: validTo.getTime() / 1000 }));
  const huaweiJson = Buffer.from(JSON.stringify({ key_id: KEY_ID, public_key: pub.toString('base64'), import_token: token.toString('base64'), expiration_time: Math.floor(validTo.getTime() / 1000) }));
  folders.push([['params.json', awsJson]]);
  const singles = [
    { name: 'ImportParameters.zip', data: writeZip([`Import_Parameters_${KEY_ID}/WrappingPublicKey.bin`, `Import_Parameters_${KEY_ID}/ImportToken.bin`, `Import_Parameters_${KEY_ID}/README.txt`].map((name, i) => ({ name, data: [pub, token, readme][i] }))) },
    { name: 'canonical.zip', data: writeZip(canon.map(([name, data]) => ({ name, data }))) },
    { name: 'params.json', data: awsJson },
    { name: 'huawei.json', data: huaweiJson },
  ];
  return { folders, singles, readmes: [readme, huaweiReadme, canon[2][1]] };
}

// ---- the same bundle through the file system: both readers must agree with the in-memory one

function outcomeOf(f: () => ParameterBundle): { code?: string; bundle?: ParameterBundle; other?: string } {
  try {
    return { bundle: f() };
  } catch (e) {
    return e instanceof KmsImportError ? { code: e.code } : { other: (e as Error)?.message ?? String(e) };
  }
}

/** Writes a bundle case under `dir` and reads it with readBundleSync and readBundle; both must give what bundleFromContents gives. */
export async function runOnDisk(c: FuzzCase, dir: string): Promise<Verdict> {
  mkdirSync(dir, { recursive: true });
  let p: string;
  if (c.target === 'bundle-folder') {
    for (const [n, d] of c.files!) writeFileSync(join(dir, n), d);
    p = dir;
  } else {
    p = join(dir, (c.name ?? 'fuzz.bin').replace(/[/\\]/g, '_'));
    writeFileSync(p, c.input!);
  }
  const memory = outcomeOf(() => (c.target === 'bundle-folder' ? bundleFromContents(p, new Map(c.files)) : bundleFromContents(p, c.input!)));
  const sync = outcomeOf(() => readBundleSync(p));
  let async: ReturnType<typeof outcomeOf>;
  try {
    async = { bundle: await readBundle(p) };
  } catch (e) {
    async = e instanceof KmsImportError ? { code: e.code } : { other: (e as Error)?.message ?? String(e) };
  }
  for (const [name, o] of [['readBundleSync', sync], ['readBundle', async]] as const) {
    if (o.other !== undefined) return { ok: false, why: `${name} failed unexpectedly: ${o.other}` };
    if (o.code !== memory.code) return { ok: false, why: `${name} gave ${o.code ?? 'a bundle'} where the contents give ${memory.code ?? 'a bundle'}` };
    if (o.bundle && !(o.bundle.publicKey.equals(memory.bundle!.publicKey) && o.bundle.importToken.equals(memory.bundle!.importToken) && o.bundle.layout === memory.bundle!.layout)) return { ok: false, why: `${name} read a different bundle` };
  }
  return memory.bundle ? { ok: true, outcome: 'answer' } : { ok: true, outcome: 'refusal' };
}
