// The core commands of `kms-import`: inspect, check, wrap, generate, bundle. Thin over src/core.
import { lstatSync, mkdirSync, promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import { assertBundleUsable, bundleExpiry, normalizeBundle, readBundle, readBundleSync, type ParameterBundle } from '../core/bundle';
import { fingerprint, sha256Hex } from '../core/encoding';
import { KmsImportError, incompatible, invalidInput, isKmsImportError, usageError } from '../core/errors';
import { readFileChecked, writeFileAtomic } from '../core/fsutil';
import { defaultMaterialFileName, generateMaterial } from '../core/generate';
import { parseMaterial, summarizeMaterial, type KeyMaterial } from '../core/material';
import { parseWrappingPublicKey, type WrappingPublicKey } from '../core/publicKey';
import { checkCompatibility, hasErrors, isProviderId, type Finding, type ProviderId } from '../core/rules';
import { isKeySpec, isWrappingAlgorithm, isWrappingKeySpec, KEY_SPECS, type KeySpec, type WrappingAlgorithm, type WrappingKeySpec } from '../core/specs';
import { one, parseArgs, type Parsed } from './args';
import { wrapFile } from './wrapFiles';
import { jobsOf, WRAP_FLAGS, WrapPool, workersFor, type WrapJob } from './wrapPool';
import type { Output } from './output';

// ---------------------------------------------------------------------------------------------
// shared option readers

export function providerOf(p: Parsed, fallback: ProviderId = 'aws'): ProviderId {
  const v = one(p, 'provider');
  if (v === undefined) return fallback;
  if (!isProviderId(v)) throw usageError(`Unknown provider "${v}".`, 'Use --provider aws, aws-cn or huawei.');
  return v;
}
export function keySpecOf(p: Parsed, required: boolean): KeySpec | undefined {
  const v = one(p, 'key-spec');
  if (v === undefined) {
    if (required) throw usageError('--key-spec is required.', `Give one of: ${Object.keys(KEY_SPECS).join(', ')}.`);
    return undefined;
  }
  if (!isKeySpec(v)) throw usageError(`Unknown key spec "${v}".`, `Use one of: ${Object.keys(KEY_SPECS).join(', ')}.`);
  return v;
}
export function algorithmOf(p: Parsed): WrappingAlgorithm | undefined {
  const v = one(p, 'algorithm');
  if (v === undefined) return undefined;
  if (!isWrappingAlgorithm(v)) throw usageError(`Unknown wrapping algorithm "${v}".`, 'Use RSAES_OAEP_SHA_256, RSAES_OAEP_SHA_1, RSA_AES_KEY_WRAP_SHA_256, RSA_AES_KEY_WRAP_SHA_1, RSAES_PKCS1_V1_5 or SM2PKE.');
  return v;
}
export function wrappingKeySpecOf(p: Parsed, required: boolean): WrappingKeySpec | undefined {
  const v = one(p, 'wrapping-key-spec');
  if (v === undefined) {
    if (required) throw usageError('--wrapping-key-spec is required.', 'Give RSA_4096, RSA_3072, RSA_2048 or SM2.');
    return undefined;
  }
  if (!isWrappingKeySpec(v)) throw usageError(`Unknown wrapping key spec "${v}".`, 'Use RSA_4096, RSA_3072, RSA_2048 or SM2.');
  return v;
}
export async function passphraseOf(p: Parsed): Promise<string | undefined> {
  const f = one(p, 'passphrase-file');
  if (f) return (await readFileChecked(f, 64 * 1024)).toString('utf8').replace(/\r?\n$/, '');
  return process.env.KMS_IMPORT_PASSPHRASE;
}

export function findingsText(findings: Finding[]): string[] {
  return findings.map((f) => `  ${f.severity.toUpperCase().padEnd(7)} ${f.code}: ${f.message}${f.severity !== 'info' || f.fix ? `\n          Fix: ${f.fix}` : ''}`);
}

// ---------------------------------------------------------------------------------------------
// inspect

export async function inspect(argv: string[], out: Output): Promise<number> {
  const p = parseArgs(argv, { json: {}, 'passphrase-file': { value: true } }, 'inspect');
  if (!p.positionals.length) throw usageError('inspect needs at least one FILE.', 'kms-import inspect FILE…');
  const passphrase = await passphraseOf(p);
  const results: Array<Record<string, unknown>> = [];
  let unknown = 0;
  for (const file of p.positionals) {
    const r: Record<string, unknown> = { file };
    try {
      const st = await fs.stat(file).catch(() => undefined);
      if (st?.isDirectory() || /\.zip$/i.test(file)) {
        const b = await readBundle(file);
        Object.assign(r, { type: 'parameter-bundle', ...bundleSummary(b) });
      } else {
        const bytes = await readFileChecked(file, 4 * 1024 * 1024);
        Object.assign(r, identify(bytes, passphrase));
        if (await fs.stat(file + '.TEST-MATERIAL.txt').then(() => true, () => false)) r.testMaterial = true;
        bytes.fill(0);
      }
    } catch (e) {
      if (!isKmsImportError(e)) throw e;
      unknown++;
      Object.assign(r, { type: 'unrecognized', error: { code: e.code, message: e.message, fix: e.fix } });
    }
    results.push(r);
  }
  out.result({ files: results }, () =>
    results.flatMap((r) => {
      const lines = [`${r.file}:`];
      if (r.type === 'unrecognized') {
        const e = r.error as { message: string; fix: string };
        lines.push(`  not usable: ${e.message}`, `  Fix: ${e.fix}`);
      } else if (r.type === 'parameter-bundle') {
        lines.push(...bundleLines(r));
      } else {
        lines.push(`  ${r.description}`);
        if (r.keySpec) lines.push(`  key spec: ${r.keySpec}`);
        lines.push(`  size: ${r.byteLength} bytes`);
        if (r.publicKeyFingerprint) lines.push(`  public key: ${r.publicKeyFingerprint}`);
        if (r.testMaterial) lines.push('  TEST MATERIAL (generated by kms-import generate; not for production)');
      }
      return lines;
    }),
  );
  return unknown ? 3 : 0;
}

function identify(bytes: Buffer, passphrase: string | undefined): Record<string, unknown> {
  let materialError: KmsImportError | undefined;
  try {
    const m = parseMaterial(bytes, { passphrase });
    const s = summarizeMaterial(m);
    m.dispose();
    return { type: 'key-material', ...s };
  } catch (e) {
    if (!isKmsImportError(e)) throw e;
    materialError = e;
  }
  if (materialError.code === 'PUBLIC_KEY_NOT_MATERIAL' || materialError.code === 'BUNDLE_NOT_MATERIAL') {
    try {
      const w = parseWrappingPublicKey(bytes);
      return { type: 'wrapping-public-key', description: `${w.kind.toUpperCase()} ${w.bits}-bit public key (${w.encoding})`, wrappingKeySpec: w.wrappingKeySpec, byteLength: w.spki.length, publicKeyFingerprint: w.fingerprint };
    } catch {
      /* fall through to the material error */
    }
  }
  if (materialError.code === 'PASSPHRASE_REQUIRED') {
    return { type: 'encrypted-key', description: materialError.message, byteLength: bytes.length, hint: materialError.fix };
  }
  throw materialError;
}

function bundleSummary(b: ParameterBundle): Record<string, unknown> {
  const exp = bundleExpiry(b);
  let wk: WrappingPublicKey | undefined;
  try {
    wk = parseWrappingPublicKey(b.publicKey);
  } catch {
    wk = undefined;
  }
  return {
    layout: b.layout,
    source: b.source,
    keyArn: b.keyArn,
    keyId: b.keyId,
    provider: b.provider,
    region: b.region,
    wrappingAlgorithm: b.wrappingAlgorithm,
    wrappingKeySpec: b.wrappingKeySpec,
    validTo: b.validTo?.toISOString(),
    expired: exp.expired,
    expiry: exp.label,
    files: {
      publicKey: { name: b.files.publicKey, sha256: sha256Hex(b.publicKey), fingerprint: wk?.fingerprint ?? fingerprint(b.publicKey) },
      importToken: { name: b.files.importToken, sha256: sha256Hex(b.importToken), bytes: b.importToken.length },
      readme: b.files.readme,
      manifest: b.files.manifest,
    },
  };
}

function bundleLines(r: Record<string, unknown>): string[] {
  const f = r.files as { publicKey: { name: string; fingerprint: string }; importToken: { name: string; sha256: string; bytes: number } };
  return [
    `  parameter bundle (${r.layout})`,
    `  key:                ${r.keyArn ?? r.keyId ?? 'unknown (not stated in the bundle)'}`,
    `  provider/region:    ${r.provider ?? 'unknown'} / ${r.region ?? 'unknown'}`,
    `  wrapping algorithm: ${r.wrappingAlgorithm ?? 'unknown — pass --algorithm when wrapping'}`,
    `  wrapping key spec:  ${r.wrappingKeySpec ?? 'unknown'}`,
    `  valid to:           ${r.validTo ?? 'unknown'} (${r.expired ? 'EXPIRED: ' : ''}${r.expiry})`,
    `  ${f.publicKey.name}: ${f.publicKey.fingerprint}`,
    `  ${f.importToken.name}: ${f.importToken.bytes} bytes, SHA-256 ${f.importToken.sha256.slice(0, 16)}…`,
  ];
}

// ---------------------------------------------------------------------------------------------
// check

export async function check(argv: string[], out: Output): Promise<number> {
  const p = parseArgs(argv, { json: {}, 'key-spec': { value: true }, 'wrapping-key-spec': { value: true }, algorithm: { value: true }, provider: { value: true }, material: { value: true }, 'passphrase-file': { value: true } }, 'check');
  if (p.positionals.length) throw usageError(`Unexpected argument "${p.positionals[0]}".`, 'kms-import check --key-spec S --wrapping-key-spec W --algorithm A [--provider P] [--material FILE]');
  const keySpec = keySpecOf(p, true)!;
  const wrappingKeySpec = wrappingKeySpecOf(p, true)!;
  const algorithm = algorithmOf(p);
  if (!algorithm) throw usageError('--algorithm is required.', 'Give the wrapping algorithm, e.g. --algorithm RSAES_OAEP_SHA_256.');
  const provider = providerOf(p);
  let material: KeyMaterial | undefined;
  const mf = one(p, 'material');
  if (mf) material = parseMaterial(await readFileChecked(mf, 4 * 1024 * 1024), { passphrase: await passphraseOf(p), fileName: mf });
  const findings = checkCompatibility({ provider, keySpec, wrappingKeySpec, algorithm, material });
  material?.dispose();
  const ok = !hasErrors(findings);
  out.result({ compatible: ok, provider, keySpec, wrappingKeySpec, algorithm, findings }, () => [
    ok ? `Compatible: ${keySpec} with ${wrappingKeySpec} + ${algorithm} (${provider}).` : `Not compatible: ${keySpec} with ${wrappingKeySpec} + ${algorithm} (${provider}).`,
    ...findingsText(findings),
  ]);
  return ok ? 0 : 3;
}

// ---------------------------------------------------------------------------------------------
// wrap

/** `prestarted`: the threads bin/kms-import.js started for this call before the CLI bundle loaded, if it did. */
export async function wrap(argv: string[], out: Output, prestarted?: WrapPool): Promise<number> {
  let pool = prestarted;
  try {
    const p = parseArgs(argv, WRAP_FLAGS, 'wrap');
    // Worker threads (for a large batch) boot while the parameters are read; closed below whatever happens.
    pool ??= new WrapPool(workersFor(p.flags.get('material')?.length ?? 0, jobsOf(p)));
    return await wrapBatch(p, out, pool);
  } finally {
    await pool?.close();
  }
}

async function wrapBatch(p: Parsed, out: Output, pool: WrapPool): Promise<number> {
  const materials = p.flags.get('material') ?? [];
  if (p.positionals.length) throw usageError(`Unexpected argument "${p.positionals[0]}".`, 'Give material files after --material.');
  if (!materials.length) throw usageError('wrap needs --material FILE… (the key material to wrap).', 'kms-import wrap --material FILE… (--bundle DIR|ZIP | --public-key FILE --algorithm A) (--out FILE | --out-dir DIR)');
  const bundlePath = one(p, 'bundle');
  const pkPath = one(p, 'public-key');
  if (!bundlePath === !pkPath) throw usageError(bundlePath ? 'Give either --bundle or --public-key, not both.' : 'wrap needs --bundle DIR|ZIP, or --public-key FILE with --algorithm.', 'Use --bundle for a downloaded parameter set (it knows the algorithm and expiry).');
  const outFile = one(p, 'out');
  const outDir = one(p, 'out-dir');
  if (!outFile === !outDir) throw usageError(outFile ? 'Give either --out or --out-dir, not both.' : 'wrap needs --out FILE or --out-dir DIR.', 'Use --out for one material file, --out-dir for several.');
  if (outFile && materials.length > 1) throw usageError(`--out names one file, but ${materials.length} material files were given.`, 'Use --out-dir DIR for several material files.');
  let algorithm = algorithmOf(p);
  let publicKey: WrappingPublicKey;
  let provider: ProviderId = providerOf(p);
  let bundle: ParameterBundle | undefined;
  if (bundlePath) {
    bundle = readBundleSync(bundlePath);
    assertBundleUsable(bundle);
    if (bundle.provider && !one(p, 'provider')) provider = bundle.provider;
    if (algorithm && bundle.wrappingAlgorithm && algorithm !== bundle.wrappingAlgorithm) {
      throw invalidInput('ALGORITHM_MISMATCH', `--algorithm ${algorithm} differs from the algorithm these parameters were downloaded for (${bundle.wrappingAlgorithm}); KMS would answer InvalidCiphertextException.`, `Drop --algorithm, or download parameters for ${algorithm}.`);
    }
    algorithm = algorithm ?? bundle.wrappingAlgorithm;
    if (!algorithm) throw usageError('The bundle does not say which wrapping algorithm it was downloaded for.', 'Pass --algorithm with the algorithm you chose when downloading (AWS records it in CloudTrail for GetParametersForImport).');
    publicKey = parseWrappingPublicKey(bundle.publicKey, bundle.wrappingKeySpec);
  } else {
    if (!algorithm) throw usageError('--public-key needs --algorithm.', 'Give the wrapping algorithm the public key was downloaded for.');
    publicKey = parseWrappingPublicKey(await readFileChecked(pkPath!, 1024 * 1024), wrappingKeySpecOf(p, false));
  }
  const keySpec = keySpecOf(p, false);
  const passphrase = await passphraseOf(p);
  const force = p.bools.has('force');

  // EncryptedKeyMaterial_<name>.bin; a name already taken gets the file's position too, so no output overwrites another
  // (names compared without case, as macOS and Windows compare them).
  const taken = new Set<string>();
  const targets = materials.map((file, i) => {
    if (outFile) return outFile;
    const stem = `EncryptedKeyMaterial_${path.basename(file).replace(/\.[^.]*$/, '')}`;
    let name = `${stem}.bin`;
    for (let k = 0; taken.has(name.toLowerCase()); k++) name = k ? `${stem}_${i}_${k}.bin` : `${stem}_${i}.bin`;
    taken.add(name.toLowerCase());
    return path.join(outDir!, name);
  });
  // Before anything is written: no output may be one of the inputs (even with --force), nor replace a file without --force.
  const inputs = [...materials, pkPath, one(p, 'passphrase-file'), ...(bundle ? bundleFiles(bundle) : [])];
  refuseInputsAsOutputs(targets, inputs.filter((f): f is string => f !== undefined));
  if (!force) refuseExisting(targets, outFile ? '--out' : '--out-dir');
  if (outDir) makeFolder(outDir);
  const job: WrapJob = { algorithm, provider, keySpec, passphrase, spki: publicKey.spki, wrappingKeySpec: publicKey.wrappingKeySpec, materials, targets, overwrite: force };
  const results = await pool.run(job, (i) => wrapFile(job, publicKey, i));
  const refused = results.filter((r) => r.error).length;
  out.result({ algorithm, wrappingKeySpec: publicKey.wrappingKeySpec, provider, bundle: bundle ? { source: bundle.source, keyArn: bundle.keyArn ?? bundle.keyId, validTo: bundle.validTo?.toISOString() } : undefined, results, wrapped: results.length - refused, refused }, () => [
    ...results.flatMap((r) =>
      r.error
        ? [`REFUSED ${r.material}: ${r.error.message}`, `  Fix: ${r.error.fix}`]
        : [`wrapped ${r.material} (${r.keySpec ?? 'raw'}) → ${r.out} (${r.bytes} bytes, ${algorithm} with ${publicKey.wrappingKeySpec})`, ...(r.findings ?? []).map((f) => `  warning: ${f.message}`)],
    ),
    `${results.length - refused} wrapped, ${refused} refused.`,
    ...(bundle && refused < results.length ? [`Next: import with ${path.join(bundle.source, bundle.files.importToken)} before ${bundle.validTo?.toISOString() ?? 'the parameters expire'}.`] : []),
  ]);
  return refused ? 3 : 0;
}

/** The files a bundle was read from (the zip or JSON itself, or the files of its folder). */
function bundleFiles(b: ParameterBundle): string[] {
  if (!quietly(() => statSync(b.source))?.isDirectory()) return [b.source];
  return [b.files.publicKey, b.files.importToken, b.files.readme, b.files.manifest].filter((f): f is string => !!f).map((f) => path.join(b.source, f));
}

/** Same device and inode: the same file, whatever the paths (links, `./`, case on macOS). */
function fileId(file: string): string | undefined {
  const st = quietly(() => statSync(file));
  return st ? `${st.dev}:${st.ino}` : undefined;
}

/** undefined for a path that cannot be looked at (missing, a file in the way of a folder): the read or write says why. */
function quietly<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

function refuseInputsAsOutputs(targets: string[], inputs: string[]): void {
  const ids = new Map<string, string>();
  for (const f of inputs) {
    const id = fileId(f);
    if (id) ids.set(id, f);
  }
  for (const t of targets) {
    const input = ids.get(fileId(t) ?? '');
    if (input !== undefined) {
      throw invalidInput('OUTPUT_IS_INPUT', `The output ${t} is the input ${input}: writing it would destroy the input.`, 'Choose an output path that is not one of the input files.');
    }
  }
}

function refuseExisting(targets: string[], flag: string): void {
  const existing = targets.filter((t) => quietly(() => lstatSync(t)) !== undefined);
  if (!existing.length) return;
  const more = existing.length > 1 ? ` (and ${existing.length - 1} more)` : '';
  throw invalidInput('OUTPUT_EXISTS', `${existing[0]} already exists${more}; nothing was written.`, `Give --force to replace existing files, or choose another ${flag}.`);
}

function makeFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const fix = code === 'EACCES' || code === 'EPERM' ? 'Choose a folder you can write to.' : code === 'ENOTDIR' || code === 'EEXIST' ? 'A file is in the way of that path: choose another --out-dir.' : 'Check the path and free disk space, then try again.';
    throw new KmsImportError('io', 'WRITE_FAILED', `Could not create the folder ${dir}: ${code ?? (e as Error).message}.`, fix);
  }
}

// ---------------------------------------------------------------------------------------------
// generate

export async function generate(argv: string[], out: Output): Promise<number> {
  const p = parseArgs(argv, { json: {}, 'key-spec': { value: true }, out: { value: true }, provider: { value: true }, force: {} }, 'generate');
  const keySpec = keySpecOf(p, true)!;
  const provider = providerOf(p);
  const file = one(p, 'out') ?? defaultMaterialFileName(keySpec);
  if (KEY_SPECS[keySpec].importability !== 'importable') throw usageError(`${keySpec} key material cannot be generated: it is not importable.`, 'Choose SYMMETRIC_DEFAULT, HMAC_*, RSA_*, ECC_* or SM2.');
  const overwrite = p.bools.has('force');
  if (!overwrite) refuseExisting([file, file + '.TEST-MATERIAL.txt'], '--out');
  const material = generateMaterial(keySpec, { china: provider === 'aws-cn' });
  try {
    await writeFileAtomic(file, material, { mode: 0o600, overwrite });
    await writeFileAtomic(
      file + '.TEST-MATERIAL.txt',
      `${path.basename(file)} is TEST key material (${keySpec}, ${material.length} bytes), generated by kms-import on ${new Date().toISOString()}.\nFor testing and rehearsal only: production key material comes from your HSM or key manager.\nDelete both files when you are done.\n`,
      { mode: 0o600, overwrite },
    ).catch(async (e) => {
      if (!overwrite) await fs.rm(file, { force: true }); // written just now, by this call: no material without its marker
      throw e;
    });
  } finally {
    material.fill(0);
  }
  out.result({ file, keySpec, testMaterial: true, mode: '0600' }, () => [`wrote ${file} (${keySpec}, test material, mode 0600) and ${file}.TEST-MATERIAL.txt`, 'This is test material: never use it for production keys.']);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// bundle

export async function bundle(argv: string[], out: Output): Promise<number> {
  const p = parseArgs(argv, { json: {}, normalize: {}, out: { value: true }, force: {}, algorithm: { value: true }, 'wrapping-key-spec': { value: true } }, 'bundle');
  if (p.positionals.length !== 1) throw usageError('bundle needs one DIR, ZIP or JSON.', 'kms-import bundle DIR|ZIP|JSON [--algorithm A] [--wrapping-key-spec W] [--normalize [--out DIR] [--force]]');
  const src = p.positionals[0];
  const b = await readBundle(src);
  const normalize = p.bools.has('normalize');
  statedFacts(b, algorithmOf(p), wrappingKeySpecOf(p, false), normalize);
  const summary = bundleSummary(b);
  let normalized: string | undefined;
  if (normalize) {
    const st = await fs.stat(src);
    const dir = one(p, 'out') ?? (st.isDirectory() ? src : src.replace(/\.(zip|json)$/i, '') + '-bundle');
    normalized = (await normalizeBundle(b, dir, { overwrite: p.bools.has('force') })).dir;
  }
  out.result({ ...summary, normalized }, () => [`${src}:`, ...bundleLines(summary), ...(normalized ? [`normalized: wrote WrappingPublicKey.bin, ImportToken.bin, README.txt, kms-import.json in ${normalized}`] : [])]);
  if (summary.expired) {
    out.error(invalidInput('BUNDLE_EXPIRED', `These parameters ${summary.expiry}; KMS would refuse them.`, 'Download a new wrapping public key and import token.'));
    return 3;
  }
  return 0;
}

/**
 * `--algorithm` and `--wrapping-key-spec` for what a download does not say (the API's JSON names neither). A value that
 * contradicts the bundle or the public key itself is refused; for --normalize, the wrapping key spec the public key
 * has is taken when neither the bundle nor the command line says it.
 */
function statedFacts(b: ParameterBundle, algorithm: WrappingAlgorithm | undefined, wrappingKeySpec: WrappingKeySpec | undefined, normalize: boolean): void {
  if (algorithm && b.wrappingAlgorithm && algorithm !== b.wrappingAlgorithm) {
    throw invalidInput('ALGORITHM_MISMATCH', `--algorithm ${algorithm} differs from the algorithm these parameters were downloaded for (${b.wrappingAlgorithm}).`, `Drop --algorithm, or download parameters for ${algorithm}.`);
  }
  if (wrappingKeySpec || (normalize && !b.wrappingKeySpec)) {
    // Throws WRAPPING_KEY_SPEC_MISMATCH when the key's actual size is another spec.
    const actual = parseWrappingPublicKey(b.publicKey, wrappingKeySpec).wrappingKeySpec;
    if (b.wrappingKeySpec && actual !== b.wrappingKeySpec) {
      throw invalidInput('WRAPPING_KEY_SPEC_MISMATCH', `The wrapping public key is ${actual}, but the bundle says ${b.wrappingKeySpec}.`, 'Use the public key and import token from the same download, or download a new set.');
    }
    b.wrappingKeySpec = actual;
  }
  b.wrappingAlgorithm ??= algorithm;
  if (b.wrappingAlgorithm && b.wrappingKeySpec) {
    const pairing = checkCompatibility({ provider: b.provider ?? 'aws', wrappingKeySpec: b.wrappingKeySpec, algorithm: b.wrappingAlgorithm }).find((f) => f.code === 'SM2PKE_NEEDS_SM2_KEY' || f.code === 'SM2_KEY_NEEDS_SM2PKE');
    if (pairing) throw incompatible(pairing.code, pairing.message, pairing.fix);
  }
}
