// The CLI's flow commands against a real KMS (AWS, its China Regions, Huawei Cloud KMS with --provider huawei,
// or the sandbox's AWS and Huawei APIs): create-key,
// get-parameters, import, verify, list, delete-material. Each is a thin caller of the flow's compositions
// (src/flow/compositions.ts, importFlow.ts) — the same steps the extension runs — and prints their
// progress and result. Bundled into dist/cli-server.js (it needs the AWS SDK), loaded only for these.
// Exit codes: 0 done (and proven, where a proof runs), 2 usage, 3 refused or proof does not hold, 1 else.
// Nothing secret is printed: no material, no token, no credentials.
import * as path from 'node:path';
import { readBundle } from '../core/bundle';
import { isKmsImportError, usageError } from '../core/errors';
import { makeFreshDir, readFileChecked } from '../core/fsutil';
import { MAX_MATERIAL_FILE_BYTES, parseMaterial, type KeyMaterial } from '../core/material';
import { KEY_SPECS, type KeySpec, type KeyUsage } from '../core/specs';
import { readPublicKeyForProof } from '../core/verify';
import { runDownloadParameters, runProof, runWrappedImport, type ProofInput } from '../flow/compositions';
import { describeFailure } from '../flow/failure';
import { runImportFlow, type ExpirationChoice } from '../flow/importFlow';
import { listKeysDetailed } from '../flow/listing';
import { STEP_LABELS, isImportFlowError, type ImportFlowResult, type ProofOutcome, type StepEvent } from '../flow/types';
import { isProviderError, type ImportType, type KeyInfo, type KmsProvider } from '../providers/types';
import { one, parseArgs, type FlagSpec, type Parsed } from './args';
import { algorithmOf, keySpecOf, passphraseOf, wrappingKeySpecOf } from './commands';
import { CONNECTION_FLAGS, connect } from './kmsConnection';
import { importResultJson } from '../flow/resultJson';

const JSON_FLAG: Record<string, FlagSpec> = { json: {} };

interface Io {
  json: boolean;
  say(line?: string): void;
}

function io(p: Parsed): Io {
  const json = p.bools.has('json');
  return { json, say: (line = '') => (json ? undefined : void process.stdout.write(line + '\n')) };
}

function parse(argv: string[], command: string, flags: Record<string, FlagSpec>): Parsed {
  const p = parseArgs(argv, { ...CONNECTION_FLAGS, ...JSON_FLAG, ...flags }, command);
  if (p.positionals.length) throw usageError(`Unexpected argument "${p.positionals[0]}" for "kms-import ${command}".`, `Run "kms-import ${command} --help".`);
  return p;
}

function required(p: Parsed, name: string, hint: string): string {
  const v = one(p, name);
  if (v === undefined) throw usageError(`--${name} is required.`, hint);
  return v;
}

const isHuawei = (p: Parsed) => one(p, 'provider') === 'huawei';

function keyUsageOf(p: Parsed, keySpec: KeySpec): KeyUsage {
  const v = one(p, 'key-usage');
  // Huawei's keys: ENCRYPT_DECRYPT or SIGN_VERIFY (no key agreement); asymmetric keys sign by default, as its console does.
  const usages = isHuawei(p) ? KEY_SPECS[keySpec].usages.filter((u) => u === 'ENCRYPT_DECRYPT' || u === 'SIGN_VERIFY') : KEY_SPECS[keySpec].usages;
  if (v === undefined) return isHuawei(p) && usages.includes('SIGN_VERIFY') ? 'SIGN_VERIFY' : usages[0];
  if (!(usages as string[]).includes(v)) throw usageError(`--key-usage ${v} does not go with ${keySpec}${isHuawei(p) ? ' on Huawei Cloud KMS' : ''}.`, `Use ${usages.join(' or ')}.`);
  return v as KeyUsage;
}

/** The connection flags a follow-up command needs again (printed in the "Next:" hints). */
function connectionHint(p: Parsed): string {
  return ['provider', 'region', 'project-id', 'profile', 'endpoint-url'].map((f) => (one(p, f) !== undefined ? ` --${f} ${one(p, f)}` : '')).join('');
}

function expirationOf(p: Parsed, fallback?: ExpirationChoice): ExpirationChoice | undefined {
  const v = one(p, 'valid-to');
  if (v !== undefined && p.bools.has('no-expiry')) throw usageError('--valid-to and --no-expiry exclude each other.', 'Give one of them.');
  if (p.bools.has('no-expiry')) return { model: 'KEY_MATERIAL_DOES_NOT_EXPIRE' };
  if (v === undefined) return fallback;
  const t = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(v) ? Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v) : NaN;
  if (!Number.isFinite(t)) throw usageError(`--valid-to "${v}" is not an ISO 8601 date.`, 'Give it as 2027-06-30 or 2027-06-30T12:00:00Z (at most 365 days ahead).');
  if (t > Date.now() + 365 * 86_400_000) throw usageError(`--valid-to ${v} is more than 365 days ahead; KMS refuses that.`, 'Give a date within 365 days, or --no-expiry.');
  return { model: 'KEY_MATERIAL_EXPIRES', validTo: new Date(t) };
}

function importTypeOf(p: Parsed): ImportType | undefined {
  const v = one(p, 'import-type');
  if (v === undefined) return undefined;
  if (v !== 'NEW_KEY_MATERIAL' && v !== 'EXISTING_KEY_MATERIAL') throw usageError(`--import-type ${v} is not known.`, 'Use NEW_KEY_MATERIAL (rotation of a symmetric key) or EXISTING_KEY_MATERIAL (re-import).');
  return v;
}

async function readMaterialFile(p: Parsed, file: string): Promise<KeyMaterial> {
  const bytes = await readFileChecked(file, MAX_MATERIAL_FILE_BYTES);
  try {
    return parseMaterial(bytes, { passphrase: await passphraseOf(p), fileName: path.basename(file) });
  } finally {
    bytes.fill(0);
  }
}

async function readPublicKeyFile(file: string): Promise<ProofInput> {
  const bytes = await readFileChecked(file, 1024 * 1024);
  return { bytes: Buffer.alloc(0), publicKeySpki: readPublicKeyForProof(bytes) };
}

const MARK: Record<StepEvent['status'], string> = { running: '…', done: '✓', skipped: '-', failed: '✗', cancelled: '✗' };
const stepPrinter = (o: Io) => (e: StepEvent) => {
  if (e.status !== 'running') o.say(`  ${MARK[e.status]} ${STEP_LABELS[e.id].padEnd(20)} ${e.detail ?? ''}`.trimEnd());
};

/** Runs fn with Ctrl-C as cancellation, and maps a flow failure to its message and exit code. */
async function withFlow(o: Io, fn: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    return await fn(controller.signal);
  } catch (e) {
    if (isKmsImportError(e) && !isImportFlowError(e) && !isProviderError(e)) throw e; // the tool's own refusals print as every command's do
    const f = describeFailure(e);
    const steps = isImportFlowError(e) ? e.extra.partial?.steps?.map((x) => ({ id: x.id, status: x.status, detail: x.detail })) : undefined;
    if (o.json) process.stdout.write(JSON.stringify({ ok: false, error: { code: f.code, title: f.title, message: f.cause, fix: f.action, nextStep: f.nextStep, cancelled: f.cancelled }, ...(steps ? { steps } : {}) }, null, 2) + '\n');
    else process.stderr.write(`kms-import: ${f.title}: ${f.cause}\nFix: ${f.action}\n`);
    return f.exitCode;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

async function withProvider<T>(p: Parsed, fn: (provider: KmsProvider) => Promise<T>): Promise<T> {
  const provider = await connect(p);
  try {
    return await fn(provider);
  } finally {
    provider.dispose();
  }
}

function proofExit(proof: ProofOutcome, ran: boolean): number {
  return !ran || proof.holds ? 0 : 3;
}

// ---------------------------------------------------------------------------------------------

export async function createKeyCommand(argv: string[]): Promise<number> {
  const p = parse(argv, 'create-key', { 'key-spec': { value: true }, 'key-usage': { value: true }, alias: { value: true }, description: { value: true } });
  const keySpec = keySpecOf(p, true)!;
  if (KEY_SPECS[keySpec].importability !== 'importable') throw usageError(`${keySpec} keys cannot take imported key material.`, 'Choose a symmetric, HMAC, RSA, ECC or SM2 key spec.');
  const keyUsage = keyUsageOf(p, keySpec);
  const o = io(p);
  return withFlow(o, (signal) =>
    withProvider(p, async (provider) => {
      const key = await provider.createKey({ keySpec, keyUsage, alias: one(p, 'alias'), description: one(p, 'description') ?? 'Created with kms-import for imported key material' }, { signal });
      if (o.json) process.stdout.write(JSON.stringify({ ok: true, keyId: key.keyId, keyArn: key.arn, keySpec: key.keySpec, keyUsage: key.keyUsage, keyState: key.keyState, origin: key.origin }, null, 2) + '\n');
      else o.say(`Created ${key.keySpec} key ${key.keyId} (${key.keyState}, origin ${key.origin})\n  ARN ${key.arn}\nNext: kms-import get-parameters${connectionHint(p)} --key-id ${key.keyId} --out-dir DIR`);
      return 0;
    }),
  );
}

export async function getParametersCommand(argv: string[]): Promise<number> {
  const p = parse(argv, 'get-parameters', { 'key-id': { value: true }, 'wrapping-key-spec': { value: true }, algorithm: { value: true }, 'out-dir': { value: true } });
  const keyId = required(p, 'key-id', 'Give the key id or ARN: --key-id K.');
  const outDir = path.resolve(required(p, 'out-dir', 'Give a new folder for the bundle: --out-dir DIR.'));
  const wrapping = { wrappingKeySpec: wrappingKeySpecOf(p, false), wrappingAlgorithm: algorithmOf(p) };
  const o = io(p);
  return withFlow(o, (signal) =>
    withProvider(p, async (provider) => {
      const r = await runDownloadParameters({ provider, keyId, wrapping, bundleDir: outDir, signal, onStep: stepPrinter(o) });
      const findings = r.findings.filter((f) => f.severity === 'warning').map((f) => ({ severity: f.severity, code: f.code, message: f.message, fix: f.fix }));
      if (o.json) process.stdout.write(JSON.stringify({ ok: true, keyId: r.keyId, keyArn: r.keyArn, bundleDir: r.bundleDir, wrappingAlgorithm: r.choice.wrappingAlgorithm, wrappingKeySpec: r.choice.wrappingKeySpec, validTo: r.validTo.toISOString(), findings }, null, 2) + '\n');
      else for (const f of findings) o.say(`Warning (${f.code}): ${f.message} ${f.fix}`);
      if (!o.json) o.say(`Parameters for ${r.keyArn} (${r.choice.wrappingKeySpec}, ${r.choice.wrappingAlgorithm}) are in ${r.bundleDir}, valid until ${r.validTo.toISOString()}.\nNext: kms-import import${connectionHint(p)} --key-id ${r.keyId} --bundle ${r.bundleDir} --material FILE`);
      return 0;
    }),
  );
}

const IMPORT_FLAGS: Record<string, FlagSpec> = {
  'key-id': { value: true },
  'key-spec': { value: true },
  'key-usage': { value: true },
  alias: { value: true },
  bundle: { value: true },
  material: { value: true },
  wrapped: { value: true },
  'public-key': { value: true },
  'valid-to': { value: true },
  'no-expiry': {},
  'import-type': { value: true },
  'out-dir': { value: true },
  'wrapping-key-spec': { value: true },
  algorithm: { value: true },
  'passphrase-file': { value: true },
};

export async function importCommand(argv: string[]): Promise<number> {
  const p = parse(argv, 'import', IMPORT_FLAGS);
  const keyId = one(p, 'key-id');
  const materialFile = one(p, 'material');
  const wrappedFile = one(p, 'wrapped');
  const bundleArg = one(p, 'bundle');
  const expiration = expirationOf(p);
  const importType = importTypeOf(p);
  const o = io(p);
  if (materialFile && wrappedFile) throw usageError('--material and --wrapped exclude each other.', 'Give --material (this tool wraps it) or --wrapped (already wrapped elsewhere).');
  if (!materialFile && !wrappedFile) throw usageError('Nothing to import.', 'Give --material FILE (plaintext key material) or --wrapped FILE (wrapped elsewhere).');
  if (!keyId) {
    // One shot: create, parameters, wrap, import, prove.
    const keySpec = keySpecOf(p, false);
    if (!keySpec) throw usageError('Give --key-id K (an existing key) or --key-spec S (create one).', 'kms-import import --key-spec RSA_2048 --material key.pem');
    if (wrappedFile || bundleArg) throw usageError('--wrapped and --bundle need an existing key (--key-id).', 'Wrapped material belongs to the key its parameters were downloaded for.');
    const keyUsage = keyUsageOf(p, keySpec);
    const outRoot = path.resolve(one(p, 'out-dir') ?? 'kms-import');
    // Its own folder (-2, -3, … when a run in the same second has the name), removed again if nothing was written.
    const bundle = await makeFreshDir(outRoot, `${keySpec}-${stamp()}`);
    try {
      const material = await readMaterialFile(p, materialFile!);
      return await withFlow(o, (signal) =>
        withProvider(p, async (provider) => {
          o.say(`Importing ${material.description} into a new ${keySpec} key (${provider.label})`);
          const r = await runImportFlow({
            provider,
            material,
            target: { create: { keySpec, keyUsage, alias: one(p, 'alias'), description: 'Imported with kms-import' } },
            wrappingAlgorithm: algorithmOf(p),
            wrappingKeySpec: wrappingKeySpecOf(p, false),
            bundleDir: bundle.dir,
            expiration,
            signal,
            onStep: stepPrinter(o),
          });
          return printImport(o, r, true);
        }),
      );
    } finally {
      await bundle.release();
    }
  }
  if (!bundleArg) throw usageError('--bundle is required with --key-id.', 'Give the parameter bundle (folder or zip) downloaded for this key: --bundle DIR.');
  const bundle = await readBundle(bundleArg);
  if (materialFile) {
    const material = await readMaterialFile(p, materialFile);
    return withFlow(o, (signal) =>
      withProvider(p, async (provider) => {
        const r = await runImportFlow({ provider, material, target: { keyId }, parameters: bundle, wrappingAlgorithm: bundle.wrappingAlgorithm, wrappingKeySpec: bundle.wrappingKeySpec, expiration, importType, signal, onStep: stepPrinter(o) });
        return printImport(o, r, true);
      }),
    );
  }
  const wrapped = await readFileChecked(wrappedFile!, 64 * 1024);
  const pub = one(p, 'public-key');
  const proofInput = pub ? await readPublicKeyFile(pub) : undefined;
  return withFlow(o, (signal) =>
    withProvider(p, async (provider) => {
      const r = await runWrappedImport({ provider, keyId, bundle, wrapped, expiration, importType, proofInput, signal, onStep: stepPrinter(o) });
      return printImport(o, r, !!proofInput, connectionHint(p));
    }),
  );
}

function printImport(o: Io, r: ImportFlowResult, proved: boolean, hint = ''): number {
  if (o.json) process.stdout.write(JSON.stringify(importResultJson(r), null, 2) + '\n');
  else {
    for (const f of r.findings) if (f.severity === 'warning') o.say(`Warning (${f.code}): ${f.message}`);
    o.say(`Key:        ${r.keyArn}${r.createdKey ? ' (created)' : ''}`);
    o.say(`Wrapping:   ${r.wrappingAlgorithm} under ${r.wrappingKeySpec}`);
    o.say(`Expiration: ${r.expirationModel}${r.validTo ? ` (until ${r.validTo.toISOString()})` : ''}`);
    if (r.bundleDir) o.say(`Bundle:     ${r.bundleDir}`);
    o.say(proved ? `${r.proof.holds ? 'PROVEN' : 'NOT PROVEN'}: ${r.proof.detail}` : `Imported. Prove it: kms-import verify${hint} --key-id ${r.keyId} (--material FILE | --public-key FILE | --hsm-module LIB --token T --key-label L)`);
  }
  return proofExit(r.proof, proved);
}

/** dist/cli-hsm.js (koffi and the HSM code), loaded only for `verify --hsm-module`; src/cli/hsmCommand.ts from source. */
function loadHsm(): typeof import('./hsmCommand') {
  const name = __filename.endsWith('.ts') ? './hsmCommand' : './cli-hsm.js';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(name);
}

const VERIFY_FLAGS: Record<string, FlagSpec> = {
  'key-id': { value: true }, material: { value: true }, 'public-key': { value: true }, 'passphrase-file': { value: true },
  'hsm-module': { value: true }, token: { value: true }, 'key-label': { value: true }, 'hsm-key-id': { value: true }, 'pin-file': { value: true },
};
export const VERIFY_USAGE = 'kms-import verify --key-id K (--material FILE | --public-key FILE | --hsm-module LIB --token LABEL (--key-label L | --hsm-key-id HEX) [--pin-file F])\n  --key-id is the KMS key; --hsm-key-id is the HSM key\'s CKA_ID in hex. The PIN: --pin-file or KMS_IMPORT_HSM_PIN.';

/** The HSM form of verify: the HSM's evidence (its public key, its HMAC of a random message), read and the session closed, before KMS is asked. */
async function hsmProofInput(p: Parsed): Promise<ProofInput> {
  const module = one(p, 'hsm-module')!;
  const token = one(p, 'token');
  const label = one(p, 'key-label');
  const id = one(p, 'hsm-key-id');
  if (!token) throw usageError('--token is required with --hsm-module (the token label).', VERIFY_USAGE);
  if (!label === !id) throw usageError('Give exactly one of --key-label and --hsm-key-id (the HSM key; --key-id is the KMS key).', VERIFY_USAGE);
  if (id !== undefined && !/^([0-9a-fA-F]{2})+$/.test(id)) throw usageError(`--hsm-key-id "${id}" is not hex.`, 'Give the HSM key\'s CKA_ID as hex digits, e.g. --hsm-key-id 01a2.');
  const hsm = loadHsm();
  const pin = await hsm.pinOf(one(p, 'pin-file'));
  return hsm.hsmProver(hsm.readHsmEvidence({ module, token, pin, keyLabel: label, keyIdHex: id }));
}

export async function verifyCommand(argv: string[]): Promise<number> {
  const p = parse(argv, 'verify', VERIFY_FLAGS);
  const keyId = required(p, 'key-id', VERIFY_USAGE);
  const materialFile = one(p, 'material');
  const pub = one(p, 'public-key');
  const hsmModule = one(p, 'hsm-module');
  if (Number(!!materialFile) + Number(!!pub) + Number(!!hsmModule) !== 1) throw usageError('Give exactly one of --material FILE, --public-key FILE and --hsm-module LIB.', 'The proof compares the KMS key with the material you imported, its public key or certificate, or the key itself in a PKCS#11 HSM (never leaving it).');
  if (!hsmModule && ['token', 'key-label', 'hsm-key-id', 'pin-file'].some((f) => one(p, f) !== undefined)) throw usageError('--token, --key-label, --hsm-key-id and --pin-file go with --hsm-module.', VERIFY_USAGE);
  const input: ProofInput & { dispose?: () => void } = hsmModule ? await hsmProofInput(p) : materialFile ? await readMaterialFile(p, materialFile) : await readPublicKeyFile(pub!);
  const o = io(p);
  try {
    return await withFlow(o, (signal) =>
      withProvider(p, async (provider) => {
        const r = await runProof({ provider, keyId, proofInput: input, signal, onStep: stepPrinter(o) });
        if (o.json) process.stdout.write(JSON.stringify({ ok: r.proof.holds, keyId: r.keyId, keyArn: r.keyArn, keySpec: r.keySpec, proof: r.proof }, null, 2) + '\n');
        else o.say(`${r.proof.holds ? 'PROVEN' : 'NOT PROVEN'}: ${r.keyArn}: ${r.proof.detail}`);
        return r.proof.method === 'not-run' ? 3 : proofExit(r.proof, true);
      }),
    );
  } finally {
    input.dispose?.();
  }
}

export async function listCommand(argv: string[]): Promise<number> {
  const p = parse(argv, 'list', { pending: {}, external: {} });
  const o = io(p);
  return withFlow(o, (signal) =>
    withProvider(p, async (provider) => {
      // The one listing (src/flow/listing.ts): keys with their aliases, and the keys that could not be described.
      const listed = await listKeysDetailed(provider, { signal });
      let keys = listed.keys;
      const failures = listed.failures.map((f) => ({ keyId: f.keyId, message: f.message }));
      if (p.bools.has('pending')) keys = keys.filter((k) => k.keyState === 'PendingImport');
      else if (p.bools.has('external')) keys = keys.filter((k) => k.origin === 'EXTERNAL');
      keys.sort((a, b) => Number(b.keyState === 'PendingImport') - Number(a.keyState === 'PendingImport'));
      if (o.json) process.stdout.write(JSON.stringify({ ok: true, keys: keys.map(keyJson), ...(failures.length ? { failures } : {}) }, null, 2) + '\n');
      else {
        if (!keys.length) o.say(p.bools.has('pending') ? 'No key is waiting for key material.' : 'No keys.');
        for (const k of keys) o.say(`${(k.aliases?.[0] ?? k.keyId).padEnd(40)} ${k.keySpec.padEnd(18)} ${k.keyState.padEnd(14)} ${k.origin.padEnd(9)} ${materialExpiry(k)}`.trimEnd());
        if (failures.length) o.say(`${failures.length} key(s) could not be described and are not listed:\n${failures.map((f) => `  ${f.keyId}: ${f.message}`).join('\n')}`);
      }
      return 0;
    }),
  );
}

function keyJson(k: KeyInfo): Record<string, unknown> {
  return { keyId: k.keyId, keyArn: k.arn, aliases: k.aliases ?? [], keySpec: k.keySpec, keyUsage: k.keyUsage, keyState: k.keyState, origin: k.origin, expirationModel: k.expirationModel, validTo: k.validTo?.toISOString() };
}

function materialExpiry(k: KeyInfo): string {
  if (k.origin !== 'EXTERNAL') return '';
  if (k.keyState === 'PendingImport') return 'pending import';
  if (k.expirationModel === 'KEY_MATERIAL_EXPIRES' && k.validTo) return `material expires ${k.validTo.toISOString()}`;
  return k.expirationModel === 'KEY_MATERIAL_DOES_NOT_EXPIRE' ? 'material does not expire' : '';
}

export async function deleteMaterialCommand(argv: string[]): Promise<number> {
  const p = parse(argv, 'delete-material', { 'key-id': { value: true } });
  const keyId = required(p, 'key-id', 'Give the key id or ARN: --key-id K.');
  const o = io(p);
  return withFlow(o, (signal) =>
    withProvider(p, async (provider) => {
      await provider.deleteImportedKeyMaterial(keyId, undefined, { signal });
      const k = await provider.describeKey(keyId, { signal });
      if (o.json) process.stdout.write(JSON.stringify({ ok: true, keyId: k.keyId, keyArn: k.arn, keyState: k.keyState }, null, 2) + '\n');
      else o.say(`Deleted the imported key material of ${k.arn}; the key is ${k.keyState}. Import the same material again to use it.`);
      return 0;
    }),
  );
}

function stamp(now = new Date()): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}
