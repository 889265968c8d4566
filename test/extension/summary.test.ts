// The summary's pure parts: the next step in words, and which workspace bundle expires next (status
// bar) with a one-time warning inside the window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as crypto from 'node:crypto';
import { writeBundle } from '../../src/core/bundle';
import { dueWarnings, manifestExpiry, nearestExpiry, warnKey } from '../../src/extension/model/bundleExpiryScan';
import { bundleStage, nextStep, primaryAction } from '../../src/extension/model/summaryModel';

const now = new Date('2026-03-01T12:00:00Z');
const H = 3_600_000;
const key = (keyState: string, extra = {}) => ({ keyId: 'k', arn: 'arn', keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', keyState, origin: 'EXTERNAL', materialLabel: '', ...extra });
const bundle = (validTo: Date) => ({ dir: '/b', layout: 'canonical', parametersValidTo: validTo.toISOString(), files: [] });

test('next step follows the key state, the parameters and the proof', () => {
  assert.match(nextStep({ key: key('PendingImport') }, now), /Download a wrapping key/);
  assert.match(nextStep({ key: key('PendingImport'), bundle: bundle(new Date(now.getTime() + H)) }, now), /Import the key material/);
  assert.match(nextStep({ key: key('PendingImport'), bundle: bundle(new Date(now.getTime() - H)) }, now), /expired: download new parameters/);
  assert.match(nextStep({ key: key('Enabled') }, now), /Verify Imported Key/);
  assert.match(nextStep({ key: key('Enabled'), proof: { method: 'round-trip', holds: false, detail: '', importedAt: '' } }, now), /proof failed/);
  assert.match(nextStep({ key: key('Enabled', { expirationModel: 'KEY_MATERIAL_EXPIRES' }), proof: { method: 'round-trip', holds: true, detail: '', importedAt: '' } }, now), /before it expires/);
  assert.match(nextStep({ keyError: 'AccessDenied' }, now), /Fix access/);
});

test('manifests written by the core are read for their expiry; the nearest live one wins', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kms-ext-'));
  try {
    const validTo = new Date(now.getTime() + 5 * H);
    await writeBundle(dir, { keyArn: 'arn:aws:kms:us-east-1:111122223333:key/k1', keyId: 'k1', provider: 'aws', region: 'us-east-1', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_4096', validTo, publicKey: crypto.randomBytes(550), importToken: crypto.randomBytes(700) });
    const e = manifestExpiry(dir, readFileSync(join(dir, 'kms-import.json'), 'utf8'));
    assert.deepEqual(e, { dir, keyId: 'k1', validTo });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(manifestExpiry('/x', '{"format":"something-else","validTo":"2026-01-01T00:00:00Z"}'), undefined);
  assert.equal(manifestExpiry('/x', 'not json'), undefined);
  const items = [
    { dir: '/expired', validTo: new Date(now.getTime() - H) },
    { dir: '/later', validTo: new Date(now.getTime() + 20 * H) },
    { dir: '/soon', validTo: new Date(now.getTime() + 0.5 * H) },
  ];
  assert.equal(nearestExpiry(items, now)?.dir, '/soon');
  assert.equal(nearestExpiry([items[0]], now), undefined);
  const warned = new Set<string>();
  const due = dueWarnings(items, warned, H, now);
  assert.deepEqual(due.map((d) => d.dir), ['/soon']);
  warned.add(warnKey(due[0]));
  assert.deepEqual(dueWarnings(items, warned, H, now), [], 'warned once');
});

// ---- truthful state (issue 10) ----
const files = (wrapped: boolean) => [{ name: 'WrappingPublicKey.bin', role: 'wrapping public key' as const }, ...(wrapped ? [{ name: 'EncryptedKeyMaterial.bin', role: 'wrapped key material' as const }] : [])];
const b2 = (validTo: Date, wrapped = false) => ({ dir: '/b2', layout: 'canonical', parametersValidTo: validTo.toISOString(), files: files(wrapped) });

test('bundle stage: imported/proven only for the bundle the recorded import used', () => {
  const later = new Date(now.getTime() + 5 * H);
  assert.equal(bundleStage(b2(later), undefined, false, now), 'fresh');
  assert.equal(bundleStage(b2(later, true), undefined, false, now), 'wrapped');
  assert.equal(bundleStage(b2(new Date(now.getTime() - H), true), undefined, false, now), 'expired');
  assert.equal(bundleStage(b2(later, true), { bundleDir: '/other', proof: { holds: true } }, false, now), 'wrapped', "another bundle's import is not this one's");
  assert.equal(bundleStage(b2(later, true), { bundleDir: '/b2', proof: { holds: true } }, true, now), 'proven');
  assert.equal(bundleStage(b2(later, true), { bundleDir: '/b2', proof: { holds: false } }, true, now), 'proof-failed');
  assert.equal(bundleStage(b2(new Date(now.getTime() - H), true), undefined, true, now), 'imported', 'used parameters are not "expired"');
});

test('an enabled key with a bundle not imported is not "done"; the primary button follows the state', () => {
  const later = new Date(now.getTime() + 5 * H);
  const proven = { method: 'round-trip', holds: true, detail: '', importedAt: '' };
  const wrapped = { key: key('Enabled'), bundle: b2(later, true), bundleStage: 'wrapped' as const };
  assert.doesNotMatch(nextStep(wrapped, now), /Done/);
  assert.match(nextStep(wrapped, now), /has not been imported/);
  assert.equal(primaryAction(wrapped, now), 'verify', 'no proof recorded for these parameters');
  assert.match(nextStep({ key: key('Enabled'), bundle: b2(later, true), bundleStage: 'proven', proof: proven }, now), /^Done/);
  assert.equal(primaryAction({ key: key('Enabled'), bundle: b2(later, true), bundleStage: 'proven', proof: proven }, now), undefined, '"Import key material" is not primary after the import');
  assert.equal(primaryAction({ key: key('PendingImport'), bundle: b2(later, true), bundleStage: 'wrapped' }, now), 'importMaterial');
  assert.equal(primaryAction({ key: key('PendingImport'), bundle: b2(later), bundleStage: 'imported' }, now), 'downloadParameters');
  assert.match(nextStep({ key: key('PendingImport'), bundle: b2(later), bundleStage: 'imported' }, now), /already used/);
  assert.equal(primaryAction({ key: key('PendingImport'), bundle: b2(new Date(now.getTime() - H)), bundleStage: 'expired' }, now), 'downloadParameters');
  assert.equal(primaryAction({ key: key('PendingImport') }, now), 'downloadParameters');
});

test('the status bar ignores used parameters: neither counted down nor warned about', () => {
  const items = [
    { dir: '/used', validTo: new Date(now.getTime() + 0.5 * H) },
    { dir: '/live', validTo: new Date(now.getTime() + 3 * H) },
  ];
  assert.equal(nearestExpiry(items, now)?.dir, '/used');
  assert.equal(nearestExpiry(items, now, new Set(['/used']))?.dir, '/live');
  assert.equal(nearestExpiry(items, now, new Set(['/used', '/live'])), undefined);
  assert.deepEqual(dueWarnings(items, new Set(), H, now).map((i) => i.dir), ['/used']);
  assert.deepEqual(dueWarnings(items, new Set(), H, now, new Set(['/used'])), []);
});
