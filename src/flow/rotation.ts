// Rotation of a symmetric key with imported material: import NEW material, then RotateKeyOnDemand.
// Multi-Region keys in the documented order (kms-api.md §5.5): the primary gets NEW_KEY_MATERIAL,
// every replica the same material as EXISTING_KEY_MATERIAL (with the primary's key material id),
// and only then is the primary rotated. The proof runs after the rotation: Encrypt/Decrypt must
// report the new key material id.
import * as path from 'node:path';
import type { KeyMaterial } from '../core/material';
import { KEY_SPECS } from '../core/specs';
import type { KmsProvider } from '../providers/types';
import { runImportFlow, type ExpirationChoice } from './importFlow';
import { proveImport } from './proof';
import { ImportFlowError, type ImportFlowResult, type ProofOutcome, type StepEvent } from './types';

export interface RotationOptions {
  /** The provider of the primary key's Region. */
  provider: KmsProvider;
  keyId: string;
  material: KeyMaterial;
  /** Multi-Region replicas: each with the provider of its Region. */
  replicas?: Array<{ provider: KmsProvider; keyId: string }>;
  /** A folder under which one parameter bundle per Region is written (primary/, <region>/). */
  bundleRoot?: string;
  expiration?: ExpirationChoice;
  keyMaterialDescription?: string;
  /** Call RotateKeyOnDemand after the imports (default true). */
  rotate?: boolean;
  signal?: AbortSignal;
  onStep?: (e: StepEvent & { target: string }) => void;
  now?: () => Date;
  keepMaterial?: boolean;
}

export interface RotationResult {
  ok: boolean;
  primary: ImportFlowResult;
  replicas: ImportFlowResult[];
  rotated: boolean;
  /** The new key material's id (from the primary's import). */
  keyMaterialId?: string;
  proof: ProofOutcome;
}

export async function rotateImportedMaterial(opts: RotationOptions): Promise<RotationResult> {
  const { provider, material, signal } = opts;
  try {
    const key = await provider.describeKey(opts.keyId, { signal });
    if (KEY_SPECS[key.keySpec].kind !== 'symmetric') {
      throw new ImportFlowError('import', 'ROTATION_SYMMETRIC_ONLY', `${key.keySpec} keys cannot take new key material: only symmetric encryption keys can be rotated.`, 'Create a new key for the new material.');
    }
    if (key.multiRegionRole === 'REPLICA') {
      throw new ImportFlowError('import', 'ROTATION_ON_REPLICA', 'New key material cannot be imported into a multi-Region replica directly.', 'Rotate the primary key; the tool then imports the same material into its replicas.');
    }
    const given = new Set((opts.replicas ?? []).map((r) => r.provider.region));
    const missing = (key.replicaRegions ?? []).filter((r) => !given.has(r));
    if (missing.length) {
      throw new ImportFlowError('import', 'ROTATION_REPLICAS_MISSING', `${key.arn} has replicas in ${missing.join(', ')}; new material must go into the primary and then into every replica before the rotation.`, `Give the replica keys of ${missing.join(', ')} too (same key id, one provider per Region). Nothing was imported.`);
    }
    const common = { material, expiration: opts.expiration, keyMaterialDescription: opts.keyMaterialDescription, signal, now: opts.now, keepMaterial: true, prove: false } as const;
    const primary = await runImportFlow({
      ...common,
      provider,
      target: { keyId: key.keyId },
      importType: 'NEW_KEY_MATERIAL',
      bundleDir: opts.bundleRoot ? path.join(opts.bundleRoot, `primary-${provider.region}`) : undefined,
      onStep: (e) => opts.onStep?.({ ...e, target: `${provider.region} (primary)` }),
    });
    const replicas: ImportFlowResult[] = [];
    for (const r of opts.replicas ?? []) {
      replicas.push(
        await runImportFlow({
          ...common,
          provider: r.provider,
          target: { keyId: r.keyId },
          importType: 'EXISTING_KEY_MATERIAL',
          bundleDir: opts.bundleRoot ? path.join(opts.bundleRoot, `replica-${r.provider.region}`) : undefined,
          onStep: (e) => opts.onStep?.({ ...e, target: `${r.provider.region} (replica)` }),
        }),
      );
    }
    let rotated = false;
    if (opts.rotate !== false) {
      signal?.throwIfAborted();
      opts.onStep?.({ id: 'import', status: 'running', detail: 'RotateKeyOnDemand', at: new Date(), target: provider.region });
      await provider.rotateKeyOnDemand(key.keyId, { signal });
      rotated = true;
      opts.onStep?.({ id: 'import', status: 'done', detail: 'Rotated: the new material is current', at: new Date(), target: provider.region });
    }
    let proof: ProofOutcome = { method: 'not-run', holds: false, detail: 'Not rotated yet: the new material is not current, so Encrypt would not use it.' };
    if (rotated) {
      opts.onStep?.({ id: 'prove', status: 'running', detail: 'Encrypt/Decrypt round trip with the new material', at: new Date(), target: provider.region });
      proof = await proveImport(provider, key.keyId, key.keySpec, material, { signal });
      if (proof.method === 'round-trip' && primary.keyMaterialId && proof.keyMaterialId && proof.keyMaterialId !== primary.keyMaterialId) {
        proof = { ...proof, holds: false, detail: `Decrypt used key material ${proof.keyMaterialId}, not the new ${primary.keyMaterialId}` };
      }
      opts.onStep?.({ id: 'prove', status: proof.holds ? 'done' : 'failed', detail: proof.detail, at: new Date(), target: provider.region });
    }
    return { ok: rotated ? proof.holds : true, primary, replicas, rotated, keyMaterialId: primary.keyMaterialId, proof };
  } finally {
    if (!opts.keepMaterial) material.dispose();
  }
}
