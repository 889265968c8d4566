// Seeding (a test control, admin.ts checks its inputs): keys created directly in a given state, origin and
// spec, without the API's import round trip. Asymmetric seeded keys of one call share one generated key pair
// (key generation dominates otherwise); material is sealed like any other and plaintext copies are zeroed.
import * as crypto from 'node:crypto';
import { checkMaterial, generateMaterial, materialId } from '../keycrypto';
import { isChinaRegion, specClass, usagesFor } from '../model';
import type { KeyRecord, MaterialRecord } from '../store';
import { DAY, b64, type ServiceCore } from './core';

/** Creates `n` keys and saves the state once; returns their key ids. */
export async function seedKeys(s: ServiceCore, n: number, o: { state?: 'Enabled' | 'PendingImport' | 'Disabled'; origin?: 'AWS_KMS' | 'EXTERNAL'; keySpec?: string; keyUsage?: string; validToDays?: number; region?: string }): Promise<string[]> {
  const region = o.region ?? s.opts.defaultRegion;
  const spec = o.keySpec ?? 'SYMMETRIC_DEFAULT';
  const usage = o.keyUsage ?? usagesFor(spec)[0];
  const state = o.state ?? 'Enabled';
  const origin = o.origin ?? (state === 'PendingImport' ? 'EXTERNAL' : 'AWS_KMS');
  if (state === 'PendingImport' && origin !== 'EXTERNAL') throw new Error('seedKeys: PendingImport needs origin EXTERNAL');
  const cls = specClass(spec);
  const shared = cls === 'rsa' || cls === 'ec' || cls === 'sm2' ? await generateMaterial(spec, isChinaRegion(region)) : undefined;
  const ids: string[] = [];
  const now = s.now();
  for (let i = 0; i < n; i++) {
    const keyId = crypto.randomUUID();
    const k: KeyRecord = {
      keyId, region, arn: s.arn(region, keyId), accountId: s.opts.accountId, creationDate: now, description: `seeded ${i + 1}/${n}`, keySpec: spec, keyUsage: usage, origin, state, enabledWanted: state !== 'Disabled', multiRegion: false, tags: [], materials: [], rotationsOnDemand: 0, everImported: false,
    };
    if (state !== 'PendingImport') {
      const bytes = shared ?? (await generateMaterial(spec, isChinaRegion(region)));
      const c = checkMaterial(spec, isChinaRegion(region), bytes);
      const id = materialId(s.store.idKey, keyId, c.identity);
      if (c.publicKeySpki) k.publicKey = b64(c.publicKeySpki);
      const m: MaterialRecord = { id, sealed: s.store.seal(c.bytes, `${keyId}/${id}`), state: 'CURRENT', importedAt: now };
      if (origin === 'EXTERNAL') {
        k.everImported = true;
        m.expirationModel = o.validToDays !== undefined ? 'KEY_MATERIAL_EXPIRES' : 'KEY_MATERIAL_DOES_NOT_EXPIRE';
        if (o.validToDays !== undefined) m.validTo = now + o.validToDays * DAY;
      }
      k.materials.push(m);
      if (!shared) bytes.fill(0);
    }
    s.store.keys.set(`${region}/${keyId}`, k);
    ids.push(keyId);
  }
  shared?.fill(0);
  await s.store.save();
  return ids;
}
