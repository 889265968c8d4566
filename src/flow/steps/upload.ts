// Step "import": wrapped key material uploaded with its import token — wrapped here, in an HSM, on an
// air-gapped machine or with OpenSSL, it is all the same to this step. No vscode, no SDK.
// Guarantees:
//  - expired (or nearly expired) parameters and a ValidTo in the past are refused BEFORE anything is sent;
//  - ExpirationModel is always sent explicitly;
//  - ImportKeyMaterial is never replayed blindly: after an ambiguous failure (network, 5xx, a cancel during
//    the request) DescribeKey (and ListKeyMaterials for symmetric keys) settle whether it landed, and only a
//    confirmed "did not land" is sent once more with the same, still valid token.
import { bundleExpiry } from '../../core/bundle';
import { serviceErrorCode } from '../../core/errors';
import { KEY_SPECS, type KeySpec, type WrappingAlgorithm, type WrappingKeySpec } from '../../core/specs';
import { isProviderError, type ExpirationModel, type ImportRequest, type ImportType, type KeyInfo, type KeyMaterialEntry, type KmsProvider } from '../../providers/types';
import { ImportFlowError } from '../types';
import { isAbort, type FlowRun } from '../run';

export type ExpirationChoice = { model: 'KEY_MATERIAL_DOES_NOT_EXPIRE' } | { model: 'KEY_MATERIAL_EXPIRES'; validTo: Date };

export interface UploadInput {
  /** The wrapped material. Zeroed when the step ends, whatever the outcome. */
  wrapped: Buffer;
  importToken: Buffer;
  parametersValidTo: Date;
  /** Default: KEY_MATERIAL_DOES_NOT_EXPIRE. */
  expiration?: ExpirationChoice;
  importType?: ImportType;
  keyMaterialDescription?: string;
  /** For error messages only (never sent). */
  context?: { wrappingAlgorithm?: WrappingAlgorithm; wrappingKeySpec?: WrappingKeySpec; publicKeyFingerprint?: string; keySpec?: KeySpec };
  /** Parameters with less time left than this are refused before upload (default 2 minutes). */
  minParametersLifetimeMs?: number;
  /** Time limit for the ImportKeyMaterial request itself (default: the provider's). */
  importTimeoutMs?: number;
  /** Timeout for the reconciliation calls after an ambiguous failure or a cancel (default 20 s). */
  reconcileTimeoutMs?: number;
}

export interface UploadResult {
  keyMaterialId?: string;
  keyState?: KeyInfo['keyState'];
}

/**
 * Refuses, before anything is created or sent, an import type the provider does not have: Huawei Cloud KMS keeps
 * one material per key (no NEW_KEY_MATERIAL, i.e. no rotation of imported material).
 */
export function assertImportTypeOffered(run: FlowRun, provider: Pick<KmsProvider, 'id'>, importType: ImportType | undefined): void {
  if (provider.id === 'huawei' && importType === 'NEW_KEY_MATERIAL') {
    run.refuse('import', 'NOT_OFFERED_BY_PROVIDER', 'Huawei Cloud KMS does not rotate imported key material: a key keeps the one material imported into it (there is no NEW_KEY_MATERIAL import). Nothing was sent.', 'Create a new key for the new material; to restore deleted or expired material, import the same material again without --import-type.', { landed: false });
  }
}

export async function uploadWrapped(run: FlowRun, provider: KmsProvider, key: KeyInfo, input: UploadInput): Promise<UploadResult> {
  const { wrapped } = input;
  try {
    assertImportTypeOffered(run, provider, input.importType);
    run.checkpoint('import');
    const expiration: ExpirationChoice = input.expiration ?? { model: 'KEY_MATERIAL_DOES_NOT_EXPIRE' };
    Object.assign(run.partial, { expirationModel: expiration.model, validTo: expiration.model === 'KEY_MATERIAL_EXPIRES' ? expiration.validTo : undefined, importType: input.importType });
    const left = bundleExpiry({ validTo: input.parametersValidTo }, run.now());
    const minLeft = input.minParametersLifetimeMs ?? 2 * 60 * 1000;
    if (left.expired || (left.msLeft ?? 0) < minLeft) {
      run.refuse('import', 'PARAMETERS_EXPIRED', `The import parameters ${left.expired ? left.label : `expire too soon (${left.label})`}: KMS would refuse the import token. Nothing was uploaded.`, 'Download new parameters (public key and import token), then wrap and import again.', { landed: false });
    }
    if (expiration.model === 'KEY_MATERIAL_EXPIRES' && expiration.validTo.getTime() <= run.now().getTime()) {
      run.refuse('import', 'VALID_TO_PAST', `The material's expiry ${expiration.validTo.toISOString()} is in the past.`, 'Choose a ValidTo in the future, or KEY_MATERIAL_DOES_NOT_EXPIRE.', { landed: false });
    }
    return await run.step('import', `ImportKeyMaterial (${expiration.model}${expiration.model === 'KEY_MATERIAL_EXPIRES' ? ` until ${expiration.validTo.toISOString()}` : ''}${input.importType ? `, ${input.importType}` : ''})`, async () => {
      const isSymmetric = KEY_SPECS[key.keySpec].kind === 'symmetric';
      const before = await snapshot(provider, key, isSymmetric, run.signal);
      let keyMaterialId = await importWithReconcile(run, provider, {
        keyId: key.keyId,
        encryptedKeyMaterial: wrapped,
        importToken: input.importToken,
        expirationModel: expiration.model as ExpirationModel,
        validTo: expiration.model === 'KEY_MATERIAL_EXPIRES' ? expiration.validTo : undefined,
        importType: input.importType,
        keyMaterialDescription: input.keyMaterialDescription,
        // A new EXTERNAL key is PendingImport with no ExpirationModel (kms-api.md, "KeyMetadata field semantics"): otherwise material came before.
        context: { ...input.context, materialImportedBefore: key.keyState !== 'PendingImport' || key.expirationModel !== undefined },
      }, { before, validTo: input.parametersValidTo, reconcileTimeoutMs: input.reconcileTimeoutMs ?? 20000, importTimeoutMs: input.importTimeoutMs });
      const after = await provider.describeKey(key.keyId, { signal: run.signal }).catch(() => undefined);
      keyMaterialId ??= after?.currentKeyMaterialId;
      run.partial.keyMaterialId = keyMaterialId;
      run.partial.keyState = after?.keyState ?? run.partial.keyState;
      return { keyMaterialId, keyState: run.partial.keyState };
    }, (r) => `Imported${run.partial.reconciled ? ' (confirmed by DescribeKey after an ambiguous failure)' : ''}${r.keyMaterialId ? `; key material id ${r.keyMaterialId}` : ''}; key is ${r.keyState}`);
  } catch (e) {
    throw run.fail(e);
  } finally {
    wrapped.fill(0);
  }
}

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

async function importWithReconcile(run: FlowRun, provider: KmsProvider, req: ImportRequest, ctx: { before: Snapshot; validTo: Date; reconcileTimeoutMs: number; importTimeoutMs?: number }): Promise<string | undefined> {
  const maxSends = 2;
  const partial = run.partial;
  for (let attempt = 1; ; attempt++) {
    partial.importAttempts = attempt;
    try {
      const out = await provider.importKeyMaterial(req, { signal: run.signal, timeoutMs: ctx.importTimeoutMs });
      return out.keyMaterialId;
    } catch (e) {
      const info = isProviderError(e) ? e.info : undefined;
      const aborted = !!run.signal?.aborted || isAbort(e);
      const ambiguous = aborted || info?.ambiguous === true;
      if (!ambiguous) throw e;
      const r = await landed(provider, req.keyId, ctx.before, ctx.reconcileTimeoutMs);
      partial.reconciled = true;
      if (r.landed === true) {
        if (aborted) {
          partial.keyMaterialId = r.keyMaterialId;
          throw new ImportFlowError('import', 'CANCELLED', 'Cancelled during the import, but KMS had already imported the key material (confirmed with DescribeKey). The proof did not run.', 'Run the proof again (or the import with the same material) to finish.', { cancelled: true, landed: true, partial });
        }
        return r.keyMaterialId;
      }
      if (aborted) {
        throw new ImportFlowError('import', 'CANCELLED', r.landed === false ? 'Cancelled during the import; KMS did not import the key material (confirmed with DescribeKey).' : 'Cancelled during the import; whether KMS imported the key material could not be confirmed.', r.landed === false ? 'Run the import again; the downloaded parameters can be reused until they expire.' : 'Describe the key: PendingImport means nothing was imported.', { cancelled: true, landed: r.landed, partial });
      }
      if (r.landed === 'unknown' || attempt >= maxSends || bundleExpiry({ validTo: ctx.validTo }, run.now()).expired) {
        throw new ImportFlowError('import', info ? serviceErrorCode(info.name) : 'AMBIGUOUS', `The import failed ambiguously (${info?.cause ?? 'unknown error'}) and ${r.landed === 'unknown' ? 'whether it landed could not be confirmed' : 'it did not land'}.`, r.landed === 'unknown' ? 'Describe the key: PendingImport means nothing was imported; then import again.' : 'Try the import again.', { provider: info, landed: r.landed, partial, cause: e });
      }
      // Confirmed not landed: one more send with the same (still valid) token is safe.
    }
  }
}
