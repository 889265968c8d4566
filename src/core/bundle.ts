// Parameter bundles: the wrapping public key and import token that belong together, with what we know
// of them (key, algorithm, wrapping key spec, expiry). Reads every layout users get (sources/000, 002,
// 003, landscape.md) from a folder, the console's zip, or the API's JSON. Writing (./bundleWrite.ts,
// re-exported here): the provider's console layout plus a manifest that binds the pair by SHA-256.
import { promises as fs, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { decodeBase64Text, sha256Hex } from './encoding';
import { invalidInput, KmsImportError, type ErrorCode } from './errors';
import { readFileChecked, readFileCheckedSync } from './fsutil';
import { parseWrappingPublicKey } from './publicKey';
import type { ProviderId } from './rules';
import { isWrappingAlgorithm, isWrappingKeySpec, type WrappingAlgorithm, type WrappingKeySpec } from './specs';
import { MANIFEST_FILE, parseManifest } from './manifest';
import { parseDateLoose, parseReadme } from './readme';
import { isZip, readZip } from './zip';

export { parseReadme } from './readme';

export type BundleLayout = 'console' | 'console-legacy' | 'b64' | 'api-json-aws' | 'api-json-huawei' | 'canonical';

export interface ParameterBundle {
  keyId?: string;
  keyArn?: string;
  provider?: ProviderId;
  region?: string;
  wrappingAlgorithm?: WrappingAlgorithm;
  wrappingKeySpec?: WrappingKeySpec;
  validTo?: Date;
  issuedAt?: Date;
  publicKey: Buffer;
  importToken: Buffer;
  layout: BundleLayout;
  /** The folder, zip or JSON file it was read from. */
  source: string;
  files: { publicKey: string; importToken: string; readme?: string; manifest?: string };
}

export { MANIFEST_FILE, MANIFEST_FORMAT, type Manifest } from './manifest';

const FIX_REDOWNLOAD = 'Download a new wrapping public key and import token (they are valid 24 hours and only as a pair).';

// ---------------------------------------------------------------------------------------------
// Reading

interface FileSet {
  /** Relative names → content (content loaded lazily for folders is not worth it: the files are small). */
  files: Map<string, Buffer>;
  source: string;
}

const BUNDLE_NOT_FOUND = (p: string) => invalidInput('BUNDLE_NOT_FOUND', `No such file or folder: ${p}.`, 'Give the folder or the .zip you downloaded, or the JSON output of get-parameters-for-import.');
/** Files of a folder larger than this are not part of a parameter download. */
const MAX_PART = 1024 * 1024;
const MAX_SINGLE = 4 * 1024 * 1024;

// In a folder, entries that are not small regular files (subfolders, broken links, other files) are passed over;
// a folder or part that cannot be read is a clear error, the same from both readers.
async function loadSource(p: string): Promise<FileSet> {
  const st = await fs.stat(p).catch(() => undefined);
  if (!st) throw BUNDLE_NOT_FOUND(p);
  if (st.isDirectory()) {
    // All files at once: a download holds three or four small files, and their reads overlap.
    const names = await fs.readdir(p).catch((e) => Promise.reject(unreadable(p, e)));
    const read = await Promise.all(names.map(async (name) => {
      const full = path.join(p, name);
      const s = await fs.stat(full).catch(() => undefined);
      return s?.isFile() && s.size <= MAX_PART ? readFileChecked(full, MAX_PART).catch((e) => Promise.reject(unreadable(full, e))) : undefined;
    }));
    const files = new Map<string, Buffer>();
    names.forEach((name, i) => read[i] && files.set(name, read[i]!));
    return { files, source: p };
  }
  if (st.size > MAX_SINGLE) throw tooLarge(p, st.size);
  return fromSingleFile(p, await readFileChecked(p, MAX_SINGLE).catch((e) => Promise.reject(unreadable(p, e))));
}

/** loadSource in synchronous calls, for the CLI (no I/O thread pool to start for four small files). */
function loadSourceSync(p: string): FileSet {
  const st = syncOr(() => statSync(p), () => undefined);
  if (!st) throw BUNDLE_NOT_FOUND(p);
  if (st.isDirectory()) {
    const files = new Map<string, Buffer>();
    for (const name of syncOr(() => readdirSync(p), (e) => { throw unreadable(p, e); })) {
      const full = path.join(p, name);
      const s = syncOr(() => statSync(full), () => undefined);
      if (s?.isFile() && s.size <= MAX_PART) files.set(name, syncOr(() => readFileCheckedSync(full, MAX_PART), (e) => { throw unreadable(full, e); }));
    }
    return { files, source: p };
  }
  if (st.size > MAX_SINGLE) throw tooLarge(p, st.size);
  return fromSingleFile(p, syncOr(() => readFileCheckedSync(p, MAX_SINGLE), (e) => { throw unreadable(p, e); }));
}

function syncOr<T, F>(f: () => T, onError: (e: unknown) => F): T | F {
  try {
    return f();
  } catch (e) {
    return onError(e);
  }
}

function tooLarge(p: string, size: number) {
  return invalidInput('BUNDLE_TOO_LARGE', `${p} is ${size} bytes; a parameter download is a few kilobytes.`, 'Give the folder or zip you downloaded.');
}

function unreadable(p: string, e: unknown) {
  // From the checked reads: not a regular file or too large is said as it is; a failed read is this bundle's error.
  if (e instanceof KmsImportError && e.code !== 'READ_FAILED') return e;
  const why = e instanceof KmsImportError ? e.message : `Could not read ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`;
  return new KmsImportError('io', 'BUNDLE_UNREADABLE', why, 'Check the permissions of the parameter folder and its files.');
}

/** A zip's entries (flattened, without macOS metadata), or the file itself (JSON output, a lone key). */
function fromSingleFile(p: string, buf: Buffer): FileSet {
  const files = new Map<string, Buffer>();
  if (isZip(buf)) {
    // Flattened (the console puts its files in one folder), so two entries with one name in different folders
    // would silently replace each other: refused instead.
    const from = new Map<string, string>();
    for (const e of readZip(buf)) {
      const base = e.name.split('/').pop()!;
      if (!base || base.startsWith('.') || e.name.startsWith('__MACOSX/')) continue;
      const other = from.get(base.toLowerCase());
      if (other !== undefined) {
        throw invalidInput('BUNDLE_AMBIGUOUS', `The zip ${p} holds two files named ${base} (${other} and ${e.name}); it is not clear which belongs to the download.`, 'Give the zip exactly as the console downloaded it, or unzip the one set you want and give its folder.');
      }
      from.set(base.toLowerCase(), e.name);
      files.set(base, e.data);
    }
    return { files, source: p };
  }
  files.set(path.basename(p), buf);
  return { files, source: p };
}

function findCI(files: Map<string, Buffer>, re: RegExp): string[] {
  return [...files.keys()].filter((n) => re.test(n));
}

/** The one file whose name matches (any case); two (ImportToken.bin and importtoken.bin) are ambiguous, not a choice. */
function oneCI(files: Map<string, Buffer>, re: RegExp, source: string): string | undefined {
  const found = findCI(files, re);
  if (found.length > 1) throw invalidInput('BUNDLE_AMBIGUOUS', `${source} holds ${found.join(' and ')}; it is not clear which belongs to the download.`, 'Keep one set per folder (each download in its own folder).');
  return found[0];
}

function decodeMaybeB64(b: Buffer): Buffer {
  const text = b.toString('latin1');
  if (/^[\sA-Za-z0-9+/=_-]+$/.test(text)) {
    const d = decodeBase64Text(text);
    if (d) return d;
  }
  return b;
}

function fromJson(name: string, buf: Buffer, source: string): ParameterBundle | undefined {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(buf.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  const b64 = (x: unknown, what: string): Buffer => {
    const d = typeof x === 'string' ? decodeBase64Text(x) : undefined;
    if (!d) throw invalidInput('BUNDLE_JSON_INVALID', `${name}: "${what}" is missing or not base64.`, 'Save the complete JSON output of get-parameters-for-import.');
    return d;
  };
  if ('PublicKey' in v || 'ImportToken' in v) {
    const out: ParameterBundle = {
      publicKey: b64(v.PublicKey, 'PublicKey'),
      importToken: b64(v.ImportToken, 'ImportToken'),
      layout: 'api-json-aws',
      source,
      files: { publicKey: name, importToken: name },
    };
    if (v.ParametersValidTo !== undefined) out.validTo = jsonDate(name, 'ParametersValidTo', v.ParametersValidTo);
    if (typeof v.KeyId === 'string') Object.assign(out, keyFields(v.KeyId));
    for (const k of ['WrappingAlgorithm', 'wrappingAlgorithm']) if (typeof v[k] === 'string' && isWrappingAlgorithm(v[k] as string)) out.wrappingAlgorithm = v[k] as WrappingAlgorithm;
    for (const k of ['WrappingKeySpec', 'wrappingKeySpec']) if (typeof v[k] === 'string' && isWrappingKeySpec(v[k] as string)) out.wrappingKeySpec = v[k] as WrappingKeySpec;
    return out;
  }
  if ('public_key' in v || 'import_token' in v) {
    const out: ParameterBundle = {
      publicKey: b64(v.public_key, 'public_key'),
      importToken: b64(v.import_token, 'import_token'),
      layout: 'api-json-huawei',
      provider: 'huawei',
      source,
      files: { publicKey: name, importToken: name },
    };
    if (v.expiration_time !== undefined) out.validTo = jsonDate(name, 'expiration_time', v.expiration_time);
    if (typeof v.key_id === 'string') out.keyId = v.key_id;
    if (typeof v.wrapping_algorithm === 'string' && isWrappingAlgorithm(v.wrapping_algorithm)) out.wrappingAlgorithm = v.wrapping_algorithm;
    return out;
  }
  return undefined;
}

/** An expiry in API JSON (epoch seconds or milliseconds, or a date string): one that does not parse is refused, not ignored. */
function jsonDate(name: string, what: string, v: unknown): Date {
  const d = typeof v === 'number' || typeof v === 'string' ? parseDateLoose(String(v)) : undefined;
  if (!d) throw invalidInput('BUNDLE_JSON_INVALID', `${name}: "${what}" is ${JSON.stringify(v)?.slice(0, 60)}, not a date.`, 'Save the complete, unedited JSON output of get-parameters-for-import.');
  return d;
}

function keyFields(keyIdOrArn: string): Pick<ParameterBundle, 'keyId' | 'keyArn' | 'region' | 'provider'> {
  const m = /^arn:(aws(?:-cn|-us-gov)?):kms:([a-z0-9-]+):\d{12}:key\/(.+)$/.exec(keyIdOrArn);
  if (m) return { keyArn: keyIdOrArn, keyId: m[3], region: m[2], provider: m[1] === 'aws-cn' ? 'aws-cn' : 'aws' };
  return { keyId: keyIdOrArn };
}

/**
 * Reads a parameter bundle from a folder, a zip, or a JSON file. Throws KmsImportError when parts are
 * missing, when the folder holds several sets, when the pair does not belong together (manifest or
 * file-name suffixes disagree), or when the public key is not a wrapping key. Expiry is reported,
 * not refused: use `assertBundleUsable` before wrapping or importing.
 */
export async function readBundle(dirOrZip: string): Promise<ParameterBundle> {
  return bundleFrom(await loadSource(dirOrZip));
}

/** readBundle in synchronous calls, for the CLI. */
export function readBundleSync(dirOrZip: string): ParameterBundle {
  return bundleFrom(loadSourceSync(dirOrZip));
}

/**
 * The bundle in contents already read: a folder's files by name, or one file's bytes (a zip or JSON) with its path.
 * The same checks as readBundle, without the file system (tests and fuzzing drive the readers through it).
 */
export function bundleFromContents(source: string, contents: Map<string, Buffer> | Buffer): ParameterBundle {
  return bundleFrom(Buffer.isBuffer(contents) ? fromSingleFile(source, contents) : { files: new Map(contents), source });
}

function bundleFrom({ files, source }: FileSet): ParameterBundle {
  let bundle: ParameterBundle | undefined;

  // 1. Our manifest.
  const manifestBuf = files.get(MANIFEST_FILE);
  if (manifestBuf) {
    const m = parseManifest(manifestBuf, source);
    const pk = files.get(m.files.publicKey);
    const tok = files.get(m.files.importToken);
    if (!pk || !tok) throw invalidInput('BUNDLE_INCOMPLETE', `The bundle in ${source} is missing ${!pk ? m.files.publicKey : m.files.importToken}.`, FIX_REDOWNLOAD);
    if (sha256Hex(pk) !== m.sha256.publicKey || sha256Hex(tok) !== m.sha256.importToken) {
      throw invalidInput('BUNDLE_MISMATCH', `The wrapping public key and import token in ${source} do not belong together: ${sha256Hex(pk) !== m.sha256?.publicKey ? m.files.publicKey : m.files.importToken} is not the file that was downloaded with this set.`, FIX_REDOWNLOAD);
    }
    bundle = {
      keyArn: m.keyArn,
      keyId: m.keyId,
      provider: m.provider,
      region: m.region,
      wrappingAlgorithm: m.wrappingAlgorithm,
      wrappingKeySpec: m.wrappingKeySpec,
      validTo: m.validTo ? new Date(m.validTo) : undefined,
      issuedAt: m.issuedAt ? new Date(m.issuedAt) : undefined,
      publicKey: pk,
      importToken: tok,
      layout: 'canonical',
      source,
      files: { publicKey: m.files.publicKey, importToken: m.files.importToken, readme: m.files.readme, manifest: MANIFEST_FILE },
    };
  }

  // 2. Current console layout.
  if (!bundle) {
    const pkName = oneCI(files, /^WrappingPublicKey\.bin$/i, source);
    const tokName = oneCI(files, /^ImportToken\.bin$/i, source);
    if (pkName || tokName) {
      if (!pkName || !tokName) throw invalidInput('BUNDLE_INCOMPLETE', `${source} has ${pkName ?? tokName} but not ${pkName ? 'ImportToken.bin' : 'WrappingPublicKey.bin'}.`, FIX_REDOWNLOAD);
      const readme = oneCI(files, /^README\.txt$/i, source);
      bundle = { publicKey: files.get(pkName)!, importToken: files.get(tokName)!, layout: 'console', source, files: { publicKey: pkName, importToken: tokName, readme } };
    }
  }

  // 3. Older console / Huawei: wrappingKey_<id>_<ts>, importToken_<id>_<ts>, README_<id>_<ts>.txt
  if (!bundle) {
    const pks = findCI(files, /^wrappingKey_.+/i);
    const toks = findCI(files, /^importToken_.+/i);
    if (pks.length || toks.length) {
      const suffix = (n: string) => n.replace(/^(wrappingKey|importToken|README)_/i, '').replace(/\.(txt|bin)$/i, '');
      if (pks.length > 1 || toks.length > 1) {
        throw invalidInput('BUNDLE_AMBIGUOUS', `${source} holds ${Math.max(pks.length, toks.length)} parameter sets (${[...pks, ...toks].join(', ')}).`, 'Keep one set per folder (each download in its own folder), or give the zip of the one you want.');
      }
      if (!pks.length || !toks.length) throw invalidInput('BUNDLE_INCOMPLETE', `${source} has ${pks[0] ?? toks[0]} but no matching ${pks.length ? 'importToken_…' : 'wrappingKey_…'} file.`, FIX_REDOWNLOAD);
      if (suffix(pks[0]) !== suffix(toks[0])) {
        throw invalidInput('BUNDLE_MISMATCH', `The wrapping key and import token in ${source} come from different downloads (${pks[0]} vs ${toks[0]}).`, FIX_REDOWNLOAD);
      }
      const readme = findCI(files, /^README_.+\.txt$/i).find((r) => suffix(r) === suffix(pks[0]));
      const keyId = /^(.+)_[^_]+$/.exec(suffix(pks[0]))?.[1];
      bundle = { publicKey: files.get(pks[0])!, importToken: files.get(toks[0])!, keyId, layout: 'console-legacy', source, files: { publicKey: pks[0], importToken: toks[0], readme } };
    }
  }

  // 4. base64 files (API output saved by hand; Huawei's PublicKey.b64 / ImportToken.b64).
  if (!bundle) {
    const pk = oneCI(files, /^(Wrapping)?PublicKey\.(b64|txt|bin)$/i, source);
    const tok = oneCI(files, /^ImportToken\.(b64|txt)$/i, source);
    if (pk || tok) {
      if (!pk || !tok) throw invalidInput('BUNDLE_INCOMPLETE', `${source} has ${pk ?? tok} but not the matching ${pk ? 'ImportToken.b64' : 'PublicKey.b64'}.`, FIX_REDOWNLOAD);
      bundle = { publicKey: decodeMaybeB64(files.get(pk)!), importToken: decodeMaybeB64(files.get(tok)!), layout: 'b64', source, files: { publicKey: pk, importToken: tok } };
    }
  }

  // 5. API JSON output.
  // Two such files are ambiguous: which one was read would depend on the order the folder lists them in.
  if (!bundle) {
    const found: string[] = [];
    for (const name of [...files.keys()].sort()) {
      const buf = files.get(name)!;
      if (buf.length > 64 * 1024 || buf[0] !== 0x7b /* { */) continue;
      try {
        if (!fromJson(name, buf, source)) continue;
      } catch {
        // a malformed one counts too: it is answered below
      }
      found.push(name);
    }
    if (found.length > 1) throw invalidInput('BUNDLE_AMBIGUOUS', `${source} holds ${found.length} parameter JSON files (${found.join(', ')}); it is not clear which to use.`, 'Keep one set per folder (each download in its own folder), or give the JSON file itself.');
    if (found.length) bundle = fromJson(found[0], files.get(found[0])!, source);
  }

  if (!bundle) {
    throw invalidInput('NOT_A_BUNDLE', `${source} does not hold a wrapping public key and import token in any layout this tool knows.`, 'Give the folder or zip from the console (WrappingPublicKey.bin + ImportToken.bin, or wrappingKey_… + importToken_…), PublicKey.b64 + ImportToken.b64, or the JSON output of get-parameters-for-import.');
  }

  // README facts fill what is not known yet (our manifest already says all that is known).
  if (bundle.files.readme && bundle.layout !== 'canonical') {
    const facts = parseReadme(files.get(bundle.files.readme)!.toString('utf8'));
    for (const [k, v] of Object.entries(facts)) {
      const key = k as keyof typeof facts;
      if (v !== undefined && (bundle as unknown as Record<string, unknown>)[key] === undefined) (bundle as unknown as Record<string, unknown>)[key] = v;
    }
  }
  if (bundle.importToken.length === 0) throw invalidInput('BUNDLE_INCOMPLETE', `The import token in ${source} is empty.`, FIX_REDOWNLOAD);
  // The public key must be a wrapping key, and agree with the spec the README or manifest names.
  let wk;
  try {
    wk = parseWrappingPublicKey(bundle.publicKey, bundle.wrappingKeySpec);
  } catch (e) {
    const err = e as Error & { code?: ErrorCode; fix?: string };
    throw invalidInput(err.code ?? 'NOT_A_WRAPPING_KEY', `${bundle.files.publicKey} in ${source}: ${err.message}`, err.fix ?? FIX_REDOWNLOAD);
  }
  if (!bundle.wrappingKeySpec) bundle.wrappingKeySpec = wk.wrappingKeySpec;
  return bundle;
}

// ---------------------------------------------------------------------------------------------
// Expiry

export function formatDuration(ms: number): string {
  const m = Math.floor(Math.abs(ms) / 60000);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = m % 60;
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${min} min`;
  if (min > 0) return `${min} min`;
  return `${Math.floor(Math.abs(ms) / 1000)} s`;
}

export function bundleExpiry(b: { validTo?: Date }, now: Date = new Date()): { expired: boolean; msLeft?: number; label: string } {
  if (!b.validTo) return { expired: false, label: 'expiry unknown' };
  const msLeft = b.validTo.getTime() - now.getTime();
  if (msLeft <= 0) return { expired: true, msLeft, label: `expired ${formatDuration(msLeft)} ago` };
  return { expired: false, msLeft, label: `expires in ${formatDuration(msLeft)}` };
}

/** Refuses an expired bundle before anything is uploaded. */
export function assertBundleUsable(b: ParameterBundle, now: Date = new Date()): void {
  const e = bundleExpiry(b, now);
  if (e.expired) {
    throw invalidInput('BUNDLE_EXPIRED', `The wrapping public key and import token in ${b.source} ${e.label} (valid to ${b.validTo!.toISOString()}); KMS would refuse them.`, FIX_REDOWNLOAD);
  }
}

// Writing: src/core/bundleWrite.ts (re-exported here, the one import for readers and writers).
export { bundleFileNames, normalizeBundle, renderReadme, writeBundle, type BundleWriteInput, type BundleWriteLayout } from './bundleWrite';
