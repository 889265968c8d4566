// The end-to-end import that the CLI and the VS Code extension both run:
//   create key (optional) → download parameters into a bundle folder → check compatibility → wrap →
//   import (ExpirationModel always explicit) → prove.
// Pure orchestration over the core and the KmsProvider interface: no vscode, no AWS SDK.
// Guarantees:
//  - progress events per step (onStep), nothing secret in them;
//  - the AbortSignal is honoured between and during steps; a bundle folder is complete or absent;
//  - expired (or nearly expired) parameters are refused BEFORE anything is uploaded;
//  - ImportKeyMaterial is never replayed blindly: after an ambiguous failure (network, 5xx, cancel
//    during the request) DescribeKey (and ListKeyRotations for symmetric keys) settle whether it landed;
//  - the material's buffers are zeroed at the end unless the caller keeps them (keepMaterial).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { bundleExpiry, writeBundle, type ParameterBundle } from '../core/bundle';
import { isKmsImportError } from '../core/errors';
import type { KeyMaterial } from '../core/material';
import { parseWrappingPublicKey } from '../core/publicKey';
import { checkCompatibility, recommend, type Finding, type MaterialFacts, type ProviderId } from '../core/rules';
import { KEY_SPECS, WRAPPING_ALGORITHMS, type KeySpec, type WrappingAlgorithm, type WrappingKeySpec } from '../core/specs';
import { wrapKeyMaterial } from '../core/wrap';
import { isProviderError, type CreateKeyRequest, type ExpirationModel, type ImportParameters, type ImportType, type KeyInfo, type KeyMaterialEntry, type KmsProvider, type ProviderErrorInfo } from '../providers/types';
import { proveImport } from './proof';
import { ImportFlowError, STEP_LABELS, type ImportFlowResult, type ProofOutcome, type StepEvent, type StepId, type StepStatus } from './types';

export type ExpirationChoice = { model: 'KEY_MATERIAL_DOES_NOT_EXPIRE' } | { model: 'KEY_MATERIAL_EXPIRES'; validTo: Date };

export interface ImportFlowOptions {
  provider: KmsProvider;
  /** Parsed material (core parseMaterial / generateMaterial → parseMaterial). Zeroed at the end unless keepMaterial. */
  material: KeyMaterial;
  /** Import into an existing key, or create one (Origin EXTERNAL). */
  target: { keyId: string } | { create: CreateKeyRequest };
  /** Default: the core's recommendation for the provider and key spec. */
  wrappingAlgorithm?: WrappingAlgorithm;
  wrappingKeySpec?: WrappingKeySpec;
  /** Folder for the downloaded parameters; must not exist yet or be empty. */
  bundleDir?: string;
  /** Use these already-downloaded parameters instead of downloading (they must belong to the key). */
  parameters?: ParameterBundle;
  /** Default: KEY_MATERIAL_DOES_NOT_EXPIRE. Always sent explicitly. */
  expiration?: ExpirationChoice;
  /** Symmetric keys only: NEW_KEY_MATERIAL for a rotation, EXISTING_KEY_MATERIAL to re-import. */
  importType?: ImportType;
  keyMaterialDescription?: string;
  signal?: AbortSignal;
  onStep?: (e: StepEvent) => void;
  /** Clock (tests). */
  now?: () => Date;
  /** Parameters with less time left than this are refused before upload (default 2 minutes). */
  minParametersLifetimeMs?: number;
  /** Keep the material's bytes (default false: material.dispose() at the end). */
  keepMaterial?: boolean;
  /** Time limit for the ImportKeyMaterial request itself (default: the provider's request timeout). */
  importTimeoutMs?: number;
  /** Run the proof step (default true). Rotation proves after RotateKeyOnDemand instead. */
  prove?: boolean;
  /** Timeout for the reconciliation calls made after an ambiguous failure or a cancel (default 20 s). */
  reconcileTimeoutMs?: number;
}

/** This tool wraps with RSA only; SM2PKE is refused before anything is created or downloaded. */
const SM2PKE_REFUSAL = {
  code: 'SM2PKE_NOT_IMPLEMENTED',
  message: 'This tool cannot wrap with SM2PKE, so it cannot run the import with it.',
  fix: "Choose RSAES_OAEP_SHA_256 with an RSA wrapping key (allowed for SM4 and SM2 keys in China Regions), or wrap in your HSM / with AWS's SM2OfflineOperationHelper and import that file.",
};

const facts = (m: KeyMaterial): MaterialFacts => ({ kind: m.kind, byteLength: m.byteLength, keySpec: m.keySpec, modulusBits: m.modulusBits, curve: m.curve, primes: m.primes });

function abortReason(signal?: AbortSignal): boolean {
  return !!signal?.aborted;
}

function isAbort(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const x = e as { name?: string; code?: string; info?: ProviderErrorInfo };
  return x.name === 'AbortError' || x.code === 'ABORT_ERR' || x.info?.name === 'AbortError';
}

/** Runs the whole import. Resolves with the result (check `ok` and `proof.holds`); throws ImportFlowError. */
export async function runImportFlow(opts: ImportFlowOptions): Promise<ImportFlowResult> {
  const { provider, material, signal } = opts;
  const now = opts.now ?? (() => new Date());
  const steps: StepEvent[] = [];
  const partial: Partial<ImportFlowResult> = { steps, createdKey: false, importAttempts: 0, reconciled: false };
  let current: StepId = 'create-key';
  const emit = (id: StepId, status: StepStatus, detail?: string) => {
    if (status === 'running') current = id;
    const ev: StepEvent = { id, status, detail, at: now() };
    steps.push(ev);
    try {
      opts.onStep?.(ev);
    } catch {
      /* a listener's failure never breaks the import */
    }
  };
  const checkpoint = (next: StepId) => {
    if (abortReason(signal)) {
      current = next;
      throw cancelled(next, 'before the step started', partial, next === 'prove' ? true : false);
    }
  };

  try {
    // ---- 1. key ------------------------------------------------------------------------------
    checkpoint('create-key');
    let key: KeyInfo;
    const wantSpec: KeySpec | undefined = 'create' in opts.target ? opts.target.create.keySpec : undefined;
    // A silent pre-check: refuse a combination the rules forbid before anything is created.
    if (wantSpec) {
      const pre = defaultWrapping(provider.id, wantSpec, facts(material));
      const preFindings = checkCompatibility({ provider: provider.id, keySpec: wantSpec, wrappingKeySpec: opts.wrappingKeySpec ?? pre.wrappingKeySpec, algorithm: opts.wrappingAlgorithm ?? pre.algorithm, material: facts(material) });
      const err = preFindings.find((f) => f.severity === 'error') ?? (WRAPPING_ALGORITHMS[opts.wrappingAlgorithm ?? pre.algorithm].scheme === 'sm2pke' ? SM2PKE_REFUSAL : undefined);
      if (err) {
        emit('check', 'failed', err.message);
        throw new ImportFlowError('check', err.code, err.message, err.fix, { partial });
      }
    }
    if ('create' in opts.target) {
      emit('create-key', 'running', `CreateKey ${opts.target.create.keySpec} (${opts.target.create.keyUsage}), origin EXTERNAL`);
      key = await provider.createKey(opts.target.create, { signal });
      partial.createdKey = true;
      emit('create-key', 'done', `Created ${key.arn} (${key.keyState})`);
    } else {
      emit('create-key', 'running', `DescribeKey ${opts.target.keyId}`);
      key = await provider.describeKey(opts.target.keyId, { signal });
      if (key.origin !== 'EXTERNAL') {
        const msg = `Key ${key.arn} was created with key material origin ${key.origin}; only keys with origin EXTERNAL take imported material.`;
        emit('create-key', 'failed', msg);
        throw new ImportFlowError('create-key', 'KEY_NOT_EXTERNAL', msg, 'Create a key with key material origin External, or choose one.', { partial });
      }
      if (key.keyState !== 'PendingImport' && key.keyState !== 'Enabled' && key.keyState !== 'Disabled') {
        const msg = `Key ${key.arn} is ${key.keyState}; import needs PendingImport (or Enabled/Disabled for a re-import).`;
        emit('create-key', 'failed', msg);
        throw new ImportFlowError('create-key', 'KEY_STATE', msg, key.keyState === 'PendingDeletion' ? 'Cancel the key deletion first.' : 'Wait until the key is usable, or choose another key.', { partial });
      }
      emit('create-key', 'skipped', `Using existing key ${key.arn} (${key.keySpec}, ${key.keyState})`);
    }
    Object.assign(partial, { keyId: key.keyId, keyArn: key.arn, keySpec: key.keySpec, keyState: key.keyState });
    const keySpec = key.keySpec;
    const rec = defaultWrapping(provider.id, keySpec, facts(material));
    const wrappingAlgorithm = opts.parameters?.wrappingAlgorithm ?? opts.wrappingAlgorithm ?? rec.algorithm;
    const wrappingKeySpec = opts.parameters?.wrappingKeySpec ?? opts.wrappingKeySpec ?? rec.wrappingKeySpec;
    Object.assign(partial, { wrappingAlgorithm, wrappingKeySpec });
    if (WRAPPING_ALGORITHMS[wrappingAlgorithm].scheme === 'sm2pke') {
      emit('check', 'failed', SM2PKE_REFUSAL.message);
      throw new ImportFlowError('check', SM2PKE_REFUSAL.code, SM2PKE_REFUSAL.message, SM2PKE_REFUSAL.fix, { partial });
    }

    // ---- 2. parameters -----------------------------------------------------------------------
    checkpoint('download-parameters');
    let params: ImportParameters;
    if (opts.parameters) {
      const b = opts.parameters;
      if (b.keyId && b.keyId !== key.keyId && b.keyArn !== key.arn && b.keyId !== key.arn) {
        const msg = `The parameter bundle ${b.source} was downloaded for key ${b.keyArn ?? b.keyId}, not for ${key.arn}.`;
        emit('download-parameters', 'failed', msg);
        throw new ImportFlowError('download-parameters', 'BUNDLE_OTHER_KEY', msg, 'Use the bundle downloaded for this key, or download new parameters.', { partial });
      }
      if (!b.validTo) {
        const msg = `The parameter bundle ${b.source} does not say when it expires.`;
        emit('download-parameters', 'failed', msg);
        throw new ImportFlowError('download-parameters', 'BUNDLE_NO_EXPIRY', msg, 'Download new parameters with this tool (it records the expiry).', { partial });
      }
      params = { keyId: key.arn, publicKey: b.publicKey, importToken: b.importToken, parametersValidTo: b.validTo, wrappingAlgorithm, wrappingKeySpec };
      partial.bundleDir = b.source;
      emit('download-parameters', 'skipped', `Using parameters from ${b.source} (${bundleExpiry(b, now()).label})`);
    } else {
      emit('download-parameters', 'running', `GetParametersForImport ${wrappingAlgorithm} / ${wrappingKeySpec}`);
      params = await provider.getParametersForImport(key.keyId, wrappingAlgorithm, wrappingKeySpec, { signal });
      if (opts.bundleDir) {
        partial.bundleDir = await writeBundleFolder(opts.bundleDir, {
          keyArn: key.arn,
          keyId: key.keyId,
          provider: provider.id,
          region: provider.region,
          wrappingAlgorithm,
          wrappingKeySpec,
          validTo: params.parametersValidTo,
          issuedAt: now(),
          publicKey: params.publicKey,
          importToken: params.importToken,
        });
      }
      emit('download-parameters', 'done', `${opts.bundleDir ? `Saved to ${partial.bundleDir}; ` : ''}${bundleExpiry({ validTo: params.parametersValidTo }, now()).label}`);
    }
    partial.parametersValidTo = params.parametersValidTo;

    // ---- 3. check ----------------------------------------------------------------------------
    checkpoint('check');
    emit('check', 'running', `${keySpec} material, ${wrappingKeySpec} wrapping key, ${wrappingAlgorithm}`);
    let publicKeyFingerprint: string;
    let findings: Finding[];
    let wrappingKey;
    try {
      wrappingKey = parseWrappingPublicKey(params.publicKey, wrappingKeySpec);
      publicKeyFingerprint = wrappingKey.fingerprint;
      findings = checkCompatibility({ provider: provider.id, keySpec, wrappingKeySpec, algorithm: wrappingAlgorithm, material: facts(material) });
    } catch (e) {
      if (isKmsImportError(e)) {
        emit('check', 'failed', e.message);
        throw new ImportFlowError('check', e.code, e.message, e.fix, { partial, cause: e });
      }
      throw e;
    }
    partial.findings = findings;
    const firstError = findings.find((f) => f.severity === 'error');
    if (firstError) {
      emit('check', 'failed', firstError.message);
      throw new ImportFlowError('check', firstError.code, firstError.message, firstError.fix, { partial });
    }
    const warnings = findings.filter((f) => f.severity === 'warning');
    emit('check', 'done', warnings.length ? `Allowed, with ${warnings.length} warning(s): ${warnings.map((w) => w.code).join(', ')}` : 'Allowed');

    // ---- 4. wrap -----------------------------------------------------------------------------
    checkpoint('wrap');
    emit('wrap', 'running', `${wrappingAlgorithm} with wrapping key ${publicKeyFingerprint}`);
    let wrapped: Buffer;
    try {
      wrapped = wrapKeyMaterial(material.bytes, wrappingKey, wrappingAlgorithm);
    } catch (e) {
      if (isKmsImportError(e)) {
        emit('wrap', 'failed', e.message);
        throw new ImportFlowError('wrap', e.code, e.message, e.fix, { partial, cause: e });
      }
      throw e;
    }
    emit('wrap', 'done', `${material.byteLength} bytes of ${KEY_SPECS[keySpec].kind} material → ${wrapped.length} bytes wrapped`);

    // ---- 5. import ---------------------------------------------------------------------------
    checkpoint('import');
    const expiration: ExpirationChoice = opts.expiration ?? { model: 'KEY_MATERIAL_DOES_NOT_EXPIRE' };
    Object.assign(partial, { expirationModel: expiration.model, validTo: expiration.model === 'KEY_MATERIAL_EXPIRES' ? expiration.validTo : undefined, importType: opts.importType });
    const left = bundleExpiry({ validTo: params.parametersValidTo }, now());
    const minLeft = opts.minParametersLifetimeMs ?? 2 * 60 * 1000;
    if (left.expired || (left.msLeft ?? 0) < minLeft) {
      wrapped.fill(0);
      const msg = `The import parameters ${left.expired ? left.label : `expire too soon (${left.label})`}: KMS would refuse the import token. Nothing was uploaded.`;
      emit('import', 'failed', msg);
      throw new ImportFlowError('import', 'PARAMETERS_EXPIRED', msg, 'Download new parameters (public key and import token), then wrap and import again.', { partial, landed: false });
    }
    if (expiration.model === 'KEY_MATERIAL_EXPIRES' && expiration.validTo.getTime() <= now().getTime()) {
      wrapped.fill(0);
      const msg = `The material's expiry ${expiration.validTo.toISOString()} is in the past.`;
      emit('import', 'failed', msg);
      throw new ImportFlowError('import', 'VALID_TO_PAST', msg, 'Choose a ValidTo in the future, or KEY_MATERIAL_DOES_NOT_EXPIRE.', { partial, landed: false });
    }
    emit('import', 'running', `ImportKeyMaterial (${expiration.model}${expiration.model === 'KEY_MATERIAL_EXPIRES' ? ` until ${expiration.validTo.toISOString()}` : ''}${opts.importType ? `, ${opts.importType}` : ''})`);
    const isSymmetric = KEY_SPECS[keySpec].kind === 'symmetric';
    const before = await snapshot(provider, key, isSymmetric, signal);
    let keyMaterialId: string | undefined;
    try {
      keyMaterialId = await importWithReconcile(provider, {
        keyId: key.keyId,
        encryptedKeyMaterial: wrapped,
        importToken: params.importToken,
        expirationModel: expiration.model as ExpirationModel,
        validTo: expiration.model === 'KEY_MATERIAL_EXPIRES' ? expiration.validTo : undefined,
        importType: opts.importType,
        keyMaterialDescription: opts.keyMaterialDescription,
        // A new EXTERNAL key is PendingImport with no ExpirationModel (kms-api.md, "KeyMetadata field semantics"): otherwise material came before.
        context: { wrappingAlgorithm, wrappingKeySpec, publicKeyFingerprint, keySpec, materialImportedBefore: key.keyState !== 'PendingImport' || key.expirationModel !== undefined },
      }, { before, isSymmetric, signal, partial, now, validTo: params.parametersValidTo, reconcileTimeoutMs: opts.reconcileTimeoutMs ?? 20000, importTimeoutMs: opts.importTimeoutMs });
    } finally {
      wrapped.fill(0);
    }
    const after = await provider.describeKey(key.keyId, { signal }).catch(() => undefined);
    keyMaterialId ??= after?.currentKeyMaterialId;
    partial.keyMaterialId = keyMaterialId;
    partial.keyState = after?.keyState ?? partial.keyState;
    emit('import', 'done', `Imported${partial.reconciled ? ' (confirmed by DescribeKey after an ambiguous failure)' : ''}${keyMaterialId ? `; key material id ${keyMaterialId}` : ''}; key is ${partial.keyState}`);

    // ---- 6. prove ----------------------------------------------------------------------------
    checkpoint('prove');
    let proof: ProofOutcome;
    if (opts.prove === false) {
      proof = { method: 'not-run', holds: false, detail: 'The proof was not requested here.' };
      emit('prove', 'skipped', proof.detail);
    } else {
      emit('prove', 'running', proofLabel(keySpec));
      proof = await proveImport(provider, key.keyId, keySpec, material, { signal });
      if (proof.method === 'round-trip' && proof.keyMaterialId) partial.keyMaterialId ??= proof.keyMaterialId;
      emit('prove', proof.holds ? 'done' : 'failed', proof.detail);
    }

    const result: ImportFlowResult = {
      ok: opts.prove === false ? true : proof.holds,
      keyId: key.keyId,
      keyArn: key.arn,
      keySpec,
      keyState: partial.keyState,
      createdKey: partial.createdKey ?? false,
      keyMaterialId: partial.keyMaterialId,
      bundleDir: partial.bundleDir,
      parametersValidTo: params.parametersValidTo,
      wrappingAlgorithm,
      wrappingKeySpec,
      expirationModel: expiration.model,
      validTo: partial.validTo,
      importType: opts.importType,
      importAttempts: partial.importAttempts ?? 1,
      reconciled: partial.reconciled ?? false,
      proof,
      findings,
      steps,
    };
    return result;
  } catch (e) {
    throw toFlowError(e, current, partial, signal, emit);
  } finally {
    if (!opts.keepMaterial) material.dispose();
  }
}

/**
 * The core's recommendation, except where it is SM2PKE (China Regions), which this tool cannot wrap
 * locally: then RSA_4096 + RSAES_OAEP_SHA_256 when the rules allow it for this material (SM2/EC keys).
 */
export function defaultWrapping(provider: ProviderId, keySpec: KeySpec, material?: MaterialFacts): { wrappingKeySpec: WrappingKeySpec; algorithm: WrappingAlgorithm } {
  const rec = recommend(provider, keySpec);
  if (rec.algorithm !== 'SM2PKE') return rec;
  const alt = { wrappingKeySpec: 'RSA_4096' as const, algorithm: 'RSAES_OAEP_SHA_256' as const };
  const ok = !checkCompatibility({ provider, keySpec, material, ...alt }).some((f) => f.severity === 'error');
  return ok ? alt : rec;
}

function proofLabel(keySpec: KeySpec): string {
  const kind = KEY_SPECS[keySpec].kind;
  if (kind === 'hmac') return 'GenerateMac vs local HMAC';
  if (kind === 'symmetric') return 'Encrypt/Decrypt round trip';
  return 'GetPublicKey vs local public key';
}

function cancelled(step: StepId, when: string, partial: Partial<ImportFlowResult>, landed?: boolean | 'unknown'): ImportFlowError {
  return new ImportFlowError(step, 'CANCELLED', `Cancelled ${when} (${STEP_LABELS[step]}).${landed === true ? ' The key material was imported.' : landed === false ? ' No key material was imported.' : ''}`, partial.keyArn ? `Run the import again; key ${partial.keyArn} is ${partial.keyState ?? 'unchanged'}.` : 'Run the import again.', { cancelled: true, landed, partial });
}

function toFlowError(e: unknown, step: StepId, partial: Partial<ImportFlowResult>, signal: AbortSignal | undefined, emit: (id: StepId, s: StepStatus, d?: string) => void): ImportFlowError {
  let err: ImportFlowError;
  if (e instanceof ImportFlowError) err = e;
  else if (isAbort(e) || (abortReason(signal) && isProviderError(e) && e.info.name === 'AbortError')) err = cancelled(step, 'while it ran', partial, step === 'prove' ? true : step === 'import' ? 'unknown' : false);
  else if (isProviderError(e)) err = new ImportFlowError(step, e.info.name, `${STEP_LABELS[step]} failed: ${e.info.cause}`, e.info.action, { provider: e.info, partial, cause: e, landed: step === 'import' ? (e.info.ambiguous ? 'unknown' : false) : undefined });
  else if (isKmsImportError(e)) err = new ImportFlowError(step, e.code, e.message, e.fix, { partial, cause: e });
  else err = new ImportFlowError(step, 'INTERNAL', `${STEP_LABELS[step]} failed: ${(e as Error)?.message ?? String(e)}`, 'Try again; if it persists, report it with the log.', { partial, cause: e });
  const last = partial.steps?.[partial.steps.length - 1];
  if (!last || last.id !== err.step || (last.status !== 'failed' && last.status !== 'cancelled')) emit(err.step, err.cancelled ? 'cancelled' : 'failed', err.message);
  return err;
}

// ---------------------------------------------------------------------------------------------
// Bundle folder: written complete into a temporary sibling, then renamed into place.

async function writeBundleFolder(dir: string, input: Parameters<typeof writeBundle>[1]): Promise<string> {
  const target = path.resolve(dir);
  let existing: string[] | undefined;
  try {
    existing = await fs.readdir(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (existing && existing.length > 0) {
    throw new ImportFlowError('download-parameters', 'BUNDLE_DIR_NOT_EMPTY', `The bundle folder ${target} is not empty.`, 'Choose a new folder for the parameters (each download is one set).');
  }
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${crypto.randomBytes(6).toString('hex')}.partial`);
  try {
    await writeBundle(tmp, input);
    if (existing) await fs.rmdir(target);
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  return target;
}

// ---------------------------------------------------------------------------------------------
// Import with reconciliation

interface Snapshot {
  keyState: string;
  materials?: Map<string, string>;
}

async function snapshot(provider: KmsProvider, key: KeyInfo, isSymmetric: boolean, signal?: AbortSignal): Promise<Snapshot> {
  // Only a key that already has material needs its list of materials; a PendingImport key's state says it all.
  if (isSymmetric && key.keyState !== 'PendingImport') {
    const list = await provider.listKeyMaterials(key.keyId, { signal }).catch(() => undefined);
    if (list) return { keyState: key.keyState, materials: materialMap(list) };
  }
  return { keyState: key.keyState };
}

const materialMap = (list: KeyMaterialEntry[]) => new Map(list.map((m) => [m.keyMaterialId, `${m.importState ?? ''}|${m.keyMaterialState ?? ''}|${m.validTo?.toISOString() ?? ''}`]));

/** Did the import land? true / false / 'unknown' (could not find out). Uses its own timeout, not the caller's (maybe aborted) signal. */
async function landed(provider: KmsProvider, keyId: string, before: Snapshot, timeoutMs: number): Promise<{ landed: boolean | 'unknown'; keyMaterialId?: string }> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const now = await provider.describeKey(keyId, { signal });
    if (before.keyState === 'PendingImport') {
      return { landed: now.keyState !== 'PendingImport', keyMaterialId: now.currentKeyMaterialId };
    }
    if (before.materials) {
      const list = await provider.listKeyMaterials(keyId, { signal });
      const changed = list.find((m) => before.materials!.get(m.keyMaterialId) !== materialMap([m]).get(m.keyMaterialId));
      return { landed: !!changed, keyMaterialId: changed?.keyMaterialId };
    }
    return { landed: 'unknown' };
  } catch {
    return { landed: 'unknown' };
  }
}

async function importWithReconcile(
  provider: KmsProvider,
  req: Parameters<KmsProvider['importKeyMaterial']>[0],
  ctx: { before: Snapshot; isSymmetric: boolean; signal?: AbortSignal; partial: Partial<ImportFlowResult>; now: () => Date; validTo: Date; reconcileTimeoutMs: number; importTimeoutMs?: number },
): Promise<string | undefined> {
  const maxSends = 2;
  for (let attempt = 1; ; attempt++) {
    ctx.partial.importAttempts = attempt;
    try {
      const out = await provider.importKeyMaterial(req, { signal: ctx.signal, timeoutMs: ctx.importTimeoutMs });
      return out.keyMaterialId;
    } catch (e) {
      const info = isProviderError(e) ? e.info : undefined;
      const aborted = !!ctx.signal?.aborted || isAbort(e);
      const ambiguous = aborted || info?.ambiguous === true;
      if (!ambiguous) throw e;
      const r = await landed(provider, req.keyId, ctx.before, ctx.reconcileTimeoutMs);
      ctx.partial.reconciled = true;
      if (r.landed === true) {
        if (aborted) {
          ctx.partial.keyMaterialId = r.keyMaterialId;
          throw new ImportFlowError('import', 'CANCELLED', 'Cancelled during the import, but KMS had already imported the key material (confirmed with DescribeKey). The proof did not run.', 'Run the proof again (or the import with the same material) to finish.', { cancelled: true, landed: true, partial: ctx.partial });
        }
        return r.keyMaterialId;
      }
      if (aborted) {
        throw new ImportFlowError('import', 'CANCELLED', r.landed === false ? 'Cancelled during the import; KMS did not import the key material (confirmed with DescribeKey).' : 'Cancelled during the import; whether KMS imported the key material could not be confirmed.', r.landed === false ? 'Run the import again; the downloaded parameters can be reused until they expire.' : 'Describe the key: PendingImport means nothing was imported.', { cancelled: true, landed: r.landed, partial: ctx.partial });
      }
      if (r.landed === 'unknown' || attempt >= maxSends || bundleExpiry({ validTo: ctx.validTo }, ctx.now()).expired) {
        throw new ImportFlowError('import', info?.name ?? 'AMBIGUOUS', `The import failed ambiguously (${info?.cause ?? 'unknown error'}) and ${r.landed === 'unknown' ? 'whether it landed could not be confirmed' : 'it did not land'}.`, r.landed === 'unknown' ? 'Describe the key: PendingImport means nothing was imported; then import again.' : 'Try the import again.', { provider: info, landed: r.landed, partial: ctx.partial, cause: e });
      }
      // Confirmed not landed: one more send with the same (still valid) token is safe.
    }
  }
}
