// The import and rotation operations (kms-api.md §5): GetParametersForImport (EXTERNAL keys only; the
// wrapping choice checked by importRules.ts; the private wrapping key sealed into the token, never kept),
// ImportKeyMaterial (token ours, unaltered, for this key and unexpired; ExpirationModel/ValidTo rules; the
// same-material rules of asymmetric/HMAC keys; NEW/EXISTING key material and multi-Region replicas),
// DeleteImportedKeyMaterial, ListKeyRotations and RotateKeyOnDemand. Unwrapped material and the token's
// private key are zeroed on every path; state is saved before the response is sent.
import type { WrappingAlgorithm } from '../../core/specs';
import { kmsError, validation } from '../errors';
import { checkWrappingChoice } from '../importRules';
import { checkMaterial, materialId, openToken, sandboxUnwrap, sealToken, sm2WrappingKey, takeWrappingKey } from '../keycrypto';
import { isChinaRegion, specClass } from '../model';
import type { KeyRecord, MaterialRecord } from '../store';
import { DAY, b64, secs, type Handlers } from './core';

export type ImportOperation = 'GetParametersForImport' | 'ImportKeyMaterial' | 'DeleteImportedKeyMaterial' | 'ListKeyRotations' | 'RotateKeyOnDemand';

export const IMPORT_OPERATIONS = {
  async GetParametersForImport(s, p, region) {
    const k = s.resolve(p.KeyId, region, false);
    external(k);
    if (k.state !== 'PendingImport' && k.state !== 'Enabled' && k.state !== 'Disabled') throw s.stateError(k);
    const algorithm: WrappingAlgorithm = p.WrappingAlgorithm;
    const spec = p.WrappingKeySpec;
    checkWrappingChoice(k.keySpec, algorithm, spec, region); // e.g. ECC_NIST_P521 + RSA_2048 + RSAES_OAEP_*: refused here
    const pair = spec === 'SM2' ? sm2WrappingKey() : await takeWrappingKey(Number(spec.slice(4)), s.opts.poolTarget);
    const issued = s.now();
    const expires = issued + DAY;
    const token = sealToken(s.store.tokenKey, { keyId: k.keyId, region, algorithm, wrappingKeySpec: spec, issued, expires, wrappingPrivateKey: pair.privateDer });
    pair.privateDer.fill(0);
    return { KeyId: k.arn, ImportToken: b64(token), PublicKey: b64(pair.publicDer), ParametersValidTo: secs(expires) };
  },

  async ImportKeyMaterial(s, p, region) {
    const k = s.resolve(p.KeyId, region, false);
    external(k);
    if (k.state !== 'PendingImport' && k.state !== 'Enabled') throw s.stateError(k);
    const now = s.now();
    const symmetric = specClass(k.keySpec) === 'symmetric';

    // Expiration model and ValidTo (ExpirationModel defaults to KEY_MATERIAL_EXPIRES).
    const model = p.ExpirationModel ?? 'KEY_MATERIAL_EXPIRES';
    const validTo = p.ValidTo;
    if (model === 'KEY_MATERIAL_EXPIRES') {
      if (validTo === undefined) throw validation('ValidTo is required when ExpirationModel is KEY_MATERIAL_EXPIRES (the default). Set ValidTo (a future date at most 365 days ahead) or set ExpirationModel to KEY_MATERIAL_DOES_NOT_EXPIRE.');
      if (validTo <= now) throw validation(`ValidTo (${new Date(validTo).toISOString()}) must be in the future.`);
      if (validTo > now + 365 * DAY) throw validation(`ValidTo (${new Date(validTo).toISOString()}) must be at most 365 days from now.`);
    } else if (validTo !== undefined) {
      throw validation('ValidTo must not be set when ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE.');
    }
    if (!symmetric) {
      for (const m of ['KeyMaterialId', 'KeyMaterialDescription'] as const) {
        if (p[m] !== undefined) throw validation(`${m} is only usable with symmetric encryption keys; ${k.arn} is ${k.keySpec}.`);
      }
    }
    let importType = p.ImportType;
    if (importType === 'NEW_KEY_MATERIAL' && p.KeyMaterialId !== undefined) throw validation('You cannot specify a KeyMaterialId with ImportType NEW_KEY_MATERIAL.');
    if (importType === undefined) importType = k.everImported || k.multiRegionType === 'REPLICA' ? 'EXISTING_KEY_MATERIAL' : 'NEW_KEY_MATERIAL';

    // The token: ours, unaltered, for this key, not expired.
    const token = openToken(s.store.tokenKey, p.ImportToken);
    if (!token) throw kmsError('InvalidImportTokenException', 'The import token is invalid: it was altered, truncated, or not issued by this KMS (sandbox state directory). Use the ImportToken from GetParametersForImport unchanged.');
    if (token.keyId !== k.keyId || token.region !== region) {
      token.wrappingPrivateKey.fill(0);
      throw kmsError('InvalidImportTokenException', `The import token is associated with a different KMS key (${s.arn(token.region, token.keyId)}), not ${k.arn}. Use the token from GetParametersForImport for this key.`);
    }
    if (now >= token.expires) {
      token.wrappingPrivateKey.fill(0);
      throw kmsError('ExpiredImportTokenException', `The import token expired at ${new Date(token.expires).toISOString()}. Use GetParametersForImport to get a new import token and public key, wrap the key material with the new public key, and try again.`);
    }
    try {
      checkWrappingChoice(k.keySpec, token.algorithm, token.wrappingKeySpec, region); // a token issued before the rule
    } catch (e) {
      token.wrappingPrivateKey.fill(0);
      throw e;
    }
    let plain: Buffer;
    try {
      plain = sandboxUnwrap(p.EncryptedKeyMaterial, token.wrappingPrivateKey, token.algorithm);
    } finally {
      token.wrappingPrivateKey.fill(0);
    }
    try {
      const checked = checkMaterial(k.keySpec, isChinaRegion(region), plain);
      const id = materialId(s.store.idKey, k.keyId, checked.identity);
      const sealed = s.store.seal(checked.bytes, `${k.keyId}/${id}`);
      if (checked.bytes !== plain) checked.bytes.fill(0);
      const fields = { sealed, expirationModel: model, validTo: model === 'KEY_MATERIAL_EXPIRES' ? validTo : undefined, importedAt: now };
      const existing = k.materials.find((m) => m.id === id);

      if (!symmetric) {
        if (k.materials.length && k.materials[0].id !== id) throw kmsError('IncorrectKeyMaterialException', `The key material is not the same key material that was previously imported into ${k.arn}. Asymmetric and HMAC keys take one key material for life: reimport the original key material.`);
        if (importType === 'NEW_KEY_MATERIAL' && existing) throw kmsError('IncorrectKeyMaterialException', `ImportType NEW_KEY_MATERIAL was requested, but this key material is already associated with ${k.arn}. Use EXISTING_KEY_MATERIAL to reimport it.`);
        if (importType === 'EXISTING_KEY_MATERIAL' && !existing) throw kmsError('IncorrectKeyMaterialException', `ImportType EXISTING_KEY_MATERIAL was requested, but no key material was imported into ${k.arn} before. Use NEW_KEY_MATERIAL (or omit ImportType) for the first import.`);
        if (existing) Object.assign(existing, fields);
        else {
          k.materials.push({ id, state: 'CURRENT', ...fields });
          k.publicKey = checked.publicKeySpki ? b64(checked.publicKeySpki) : undefined;
        }
      } else if (importType === 'NEW_KEY_MATERIAL') {
        if (k.multiRegionType === 'REPLICA') throw kmsError('UnsupportedOperationException', `${k.arn} is a multi-Region replica key: import new key material into the primary key (${s.arn(k.primaryRegion!, k.keyId)}), then import the same material into each replica with ImportType EXISTING_KEY_MATERIAL.`);
        if (existing) throw kmsError('IncorrectKeyMaterialException', `ImportType NEW_KEY_MATERIAL was requested, but this key material is already associated with ${k.arn} (KeyMaterialId ${id}). Use EXISTING_KEY_MATERIAL to reimport it.`);
        const pending = k.materials.find((m) => m.state === 'PENDING_ROTATION' || m.state === 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION');
        if (pending) throw kmsError('KMSInvalidStateException', `${k.arn} already has new key material pending rotation (KeyMaterialId ${pending.id}). Rotate it in with RotateKeyOnDemand, or delete it with DeleteImportedKeyMaterial, before importing other new key material.`);
        const first = k.materials.length === 0;
        const replicasLacking = (k.replicaRegions ?? []).some((r) => s.get(r, k.keyId));
        const state = first ? 'CURRENT' : replicasLacking ? 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION' : 'PENDING_ROTATION';
        k.materials.push({ id, state, description: p.KeyMaterialDescription, ...fields });
      } else {
        if (p.KeyMaterialId !== undefined && p.KeyMaterialId !== id) throw kmsError('IncorrectKeyMaterialException', `The key material does not match KeyMaterialId ${p.KeyMaterialId}: its id for ${k.arn} is ${id}.`);
        if (existing) {
          Object.assign(existing, fields);
          if (p.KeyMaterialDescription !== undefined) existing.description = p.KeyMaterialDescription;
        } else if (k.multiRegionType === 'REPLICA') {
          const primary = s.get(k.primaryRegion!, k.keyId);
          const pm = primary?.materials.find((m) => m.id === id);
          if (!primary || !pm) throw kmsError('IncorrectKeyMaterialException', `The key material is not key material of the multi-Region primary key ${s.arn(k.primaryRegion!, k.keyId)}. Import the primary key's material into its replicas.`);
          const state = pm.state === 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION' ? 'PENDING_ROTATION' : pm.state;
          k.materials.push({ id, state, description: p.KeyMaterialDescription ?? pm.description, rotationDate: pm.rotationDate, rotationType: pm.rotationType, ...fields });
          if (pm.state === 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION') {
            const all = (primary.replicaRegions ?? []).every((r) => !s.get(r, k.keyId) || s.get(r, k.keyId)!.materials.some((m) => m.id === id));
            if (all) pm.state = 'PENDING_ROTATION';
          }
        } else {
          throw kmsError('IncorrectKeyMaterialException', `The key material is not the same key material that was previously imported into ${k.arn}${p.KeyMaterialId ? '' : ' (no associated key material has this id: ' + id + ')'}. Reimport existing key material, or use ImportType NEW_KEY_MATERIAL for new material.`);
        }
      }
      k.everImported = true;
      s.updateImportState(k);
      await s.store.save();
      return symmetric ? { KeyId: k.arn, KeyMaterialId: id } : { KeyId: k.arn };
    } finally {
      plain.fill(0);
    }
  },

  async DeleteImportedKeyMaterial(s, p, region) {
    const k = s.resolve(p.KeyId, region, false);
    external(k);
    const symmetric = specClass(k.keySpec) === 'symmetric';
    if (p.KeyMaterialId !== undefined && !symmetric) throw validation(`KeyMaterialId is only usable with symmetric encryption keys; ${k.arn} is ${k.keySpec}.`);
    let m: MaterialRecord | undefined;
    if (p.KeyMaterialId !== undefined) {
      m = k.materials.find((x) => x.id === p.KeyMaterialId);
      if (!m) throw kmsError('NotFoundException', `Key material ${p.KeyMaterialId} is not associated with ${k.arn}.`);
    } else m = k.materials.find((x) => x.state === 'CURRENT');
    if (!m) return { KeyId: k.arn, KeyMaterialId: '' };
    if (m.state === 'PENDING_ROTATION' || m.state === 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION') {
      k.materials.splice(k.materials.indexOf(m), 1);
      if (k.multiRegionType === 'PRIMARY') {
        for (const r of k.replicaRegions ?? []) {
          const rep = s.get(r, k.keyId);
          if (rep) rep.materials = rep.materials.filter((x) => x.id !== m!.id);
        }
      }
    } else {
      delete m.sealed;
      if (k.state !== 'PendingDeletion') k.state = 'PendingImport';
    }
    await s.store.save();
    return { KeyId: k.arn, KeyMaterialId: symmetric ? m.id : '' };
  },

  ListKeyRotations(s, p, region) {
    const k = s.resolve(p.KeyId, region, false);
    if (specClass(k.keySpec) !== 'symmetric') throw kmsError('UnsupportedOperationException', `${k.arn} is ${k.keySpec}: key rotations exist only for symmetric encryption KMS keys.`);
    const all = p.IncludeKeyMaterial === 'ALL_KEY_MATERIAL';
    const list = k.materials.filter((m) => all || m.rotationDate !== undefined);
    const pg = s.page(list, p, 100, 1000, `rotations:${k.arn}:${all}`);
    const ext = k.origin === 'EXTERNAL';
    return {
      Rotations: pg.items.map((m) => ({
        KeyId: k.keyId,
        KeyMaterialId: m.id,
        ...(ext && m.description !== undefined ? { KeyMaterialDescription: m.description } : {}),
        ...(ext ? { ImportState: m.sealed ? 'IMPORTED' : 'PENDING_IMPORT' } : {}),
        KeyMaterialState: m.state,
        ...(ext && m.expirationModel ? { ExpirationModel: m.expirationModel } : {}),
        ...(ext && m.expirationModel === 'KEY_MATERIAL_EXPIRES' && m.validTo !== undefined ? { ValidTo: secs(m.validTo) } : {}),
        ...(m.rotationDate !== undefined ? { RotationDate: secs(m.rotationDate), RotationType: m.rotationType } : {}),
      })),
      Truncated: pg.Truncated,
      ...(pg.NextMarker ? { NextMarker: pg.NextMarker } : {}),
    };
  },

  async RotateKeyOnDemand(s, p, region) {
    const k = s.resolve(p.KeyId, region, false);
    if (specClass(k.keySpec) !== 'symmetric') throw kmsError('UnsupportedOperationException', `On-demand key rotation is supported only on symmetric encryption KMS keys; ${k.arn} is ${k.keySpec}.`);
    if (k.multiRegionType === 'REPLICA') throw kmsError('UnsupportedOperationException', `${k.arn} is a multi-Region replica key: rotate the primary key (${s.arn(k.primaryRegion!, k.keyId)}).`);
    if (k.state === 'Disabled') throw kmsError('DisabledException', `${k.arn} is disabled.`);
    if (k.state !== 'Enabled') throw s.stateError(k);
    if (k.rotationsOnDemand >= 25) throw kmsError('LimitExceededException', `${k.arn} has reached the maximum of 25 on-demand rotations.`);
    let next: MaterialRecord | undefined;
    if (k.origin === 'EXTERNAL') {
      next = k.materials.find((m) => m.state === 'PENDING_ROTATION');
      if (!next) {
        const mr = k.materials.find((m) => m.state === 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION');
        if (mr) throw kmsError('KMSInvalidStateException', `The new key material ${mr.id} of ${k.arn} is not yet imported into every replica key; import it into each replica with ImportType EXISTING_KEY_MATERIAL, then rotate.`);
        throw kmsError('KMSInvalidStateException', `${k.arn} has no key material in PENDING_ROTATION state. Import new key material with ImportType NEW_KEY_MATERIAL first, then rotate.`);
      }
      if (!next.sealed) throw s.stateError(k);
    } else {
      const before = k.materials.length;
      await s.addGeneratedMaterial(k, region);
      next = k.materials[before];
    }
    const now = s.now();
    const apply = (key: KeyRecord) => {
      for (const m of key.materials) if (m.state === 'CURRENT') m.state = 'NON_CURRENT';
      const n = key.materials.find((m) => m.id === next!.id);
      if (n) Object.assign(n, { state: 'CURRENT', rotationDate: now, rotationType: 'ON_DEMAND' });
    };
    apply(k);
    for (const r of k.replicaRegions ?? []) {
      const rep = s.get(r, k.keyId);
      if (!rep) continue;
      if (k.origin === 'AWS_KMS') rep.materials.push({ ...next, state: 'PENDING_ROTATION' });
      apply(rep);
    }
    k.rotationsOnDemand++;
    await s.store.save();
    return { KeyId: k.keyId };
  },
} satisfies Handlers<ImportOperation>;

function external(k: KeyRecord): void {
  if (k.origin !== 'EXTERNAL') throw kmsError('UnsupportedOperationException', `${k.arn} origin is ${k.origin} which is not valid for this operation: the Origin of the KMS key must be EXTERNAL.`);
}
