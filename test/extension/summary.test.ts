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
import { nextStep } from '../../src/extension/model/summaryModel';

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
