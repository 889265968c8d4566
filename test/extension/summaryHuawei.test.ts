// The import summary for a Huawei Cloud KMS key: Huawei's words (key ID, expiration_time, import items), the
// files of Huawei's console layout recognised by what the bundle reader found, the countdown to the
// parameters' expiration_time, the next step and primary button by real state, and the proof in its parts
// (encrypt-data/decrypt-data; get-publickey and a signature verified locally). AWS keeps its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBundle } from '../../src/core/bundle';
import type { SummaryFile } from '../../src/protocol/summary';
import { signatureDetail } from '../../src/flow/signatureProof';
import { bundleStage, fileRole, nextStep, primaryAction, proofChecks, summaryTerms } from '../../src/extension/model/summaryModel';

const now = new Date('2026-03-01T12:00:00Z');
const H = 3_600_000;
const key = (keyState: string, extra = {}) => ({ keyId: 'hw-1', arn: 'hw-1', keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', keyState, origin: 'EXTERNAL', materialLabel: '', ...extra });
const spki = () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' });

test('Huawei terms: key ID instead of an ARN row, expiration_time, the import items\' expiry; AWS unchanged', () => {
  assert.deepEqual(summaryTerms('huawei'), { providerLabel: 'Huawei Cloud KMS', showArn: false, copyId: 'Copy key ID', materialExpiry: 'expiration_time', parametersExpiry: 'Token and wrapping key expire' });
  assert.deepEqual(summaryTerms('aws'), { providerLabel: 'AWS KMS (commercial Regions)', showArn: true, copyId: 'Copy ARN', materialExpiry: 'ValidTo', parametersExpiry: 'Valid to' });
  assert.equal(summaryTerms('aws-cn').providerLabel, 'AWS KMS (China Regions)');
});

test("Huawei's console files (wrappingKey_…, importToken_…, README_…) get their roles from what the reader found", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kms-hw-summary-'));
  try {
    const id = '43f1ffd7-18fb-4568-9575-602e009b7ee8';
    const names = { pk: `wrappingKey_${id}_20260301120000`, tok: `importToken_${id}_20260301120000`, readme: `README_${id}_20260301120000.txt` };
    writeFileSync(join(dir, names.pk), spki());
    writeFileSync(join(dir, names.tok), crypto.randomBytes(600));
    writeFileSync(join(dir, names.readme), `Key ID: ${id}\n`);
    writeFileSync(join(dir, 'EncryptedKeyMaterial.bin'), crypto.randomBytes(256));
    writeFileSync(join(dir, 'EncryptedPrivateKey.bin'), crypto.randomBytes(1232));
    const b = await readBundle(dir);
    assert.equal(b.layout, 'console-legacy');
    const roles = Object.fromEntries([names.pk, names.tok, names.readme, 'EncryptedKeyMaterial.bin', 'EncryptedPrivateKey.bin', 'notes.md'].map((n) => [n, fileRole(n, b.files)]));
    assert.deepEqual(roles, {
      [names.pk]: 'wrapping public key',
      [names.tok]: 'import token',
      [names.readme]: 'README',
      'EncryptedKeyMaterial.bin': 'wrapped key material',
      'EncryptedPrivateKey.bin': 'wrapped key material',
      'notes.md': 'other',
    });
    // …so the stage of such a folder is "wrapped", not "fresh".
    const files: SummaryFile[] = Object.entries(roles).map(([name, role]) => ({ name, role: role as SummaryFile['role'] }));
    assert.equal(bundleStage({ dir, parametersValidTo: new Date(now.getTime() + H).toISOString(), files }, undefined, false, now), 'wrapped');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // AWS's console names keep theirs.
  const aws = { publicKey: 'WrappingPublicKey.bin', importToken: 'ImportToken.bin', readme: 'README.txt' };
  assert.deepEqual(['WrappingPublicKey.bin', 'ImportToken.bin', 'README.txt', 'kms-import.json', 'EncryptedKeyMaterial-2.bin'].map((n) => fileRole(n, aws)), ['wrapping public key', 'import token', 'README', 'manifest', 'wrapped key material']);
});

test("the countdown runs to Huawei's expiration_time of the parameters (get-parameters-for-import JSON, seconds)", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kms-hw-json-'));
  try {
    const expires = Math.floor((now.getTime() + 2 * H) / 1000);
    writeFileSync(join(dir, 'get-parameters.json'), JSON.stringify({ key_id: 'hw-1', public_key: spki().toString('base64'), import_token: crypto.randomBytes(600).toString('base64'), expiration_time: expires }));
    const b = await readBundle(dir);
    assert.equal(b.provider, 'huawei');
    assert.equal(b.validTo?.toISOString(), new Date(expires * 1000).toISOString());
    const shown = { dir, parametersValidTo: b.validTo!.toISOString(), files: [] };
    assert.equal(bundleStage(shown, undefined, false, now), 'fresh');
    assert.equal(bundleStage(shown, undefined, false, new Date(now.getTime() + 3 * H)), 'expired');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Huawei: the next step and the primary button follow the real state, in Huawei\'s terms (no rotation)', () => {
  const later = new Date(now.getTime() + 5 * H).toISOString();
  const bundle = (wrapped: boolean, validTo = later) => ({ dir: '/hw', layout: 'console-legacy', parametersValidTo: validTo, files: wrapped ? [{ name: 'EncryptedKeyMaterial.bin', role: 'wrapped key material' as const }] : [] });
  const proven = { method: 'round-trip', holds: true, detail: '', importedAt: '' };
  const pendingWrapped = { provider: 'huawei', key: key('PendingImport'), bundle: bundle(true), bundleStage: 'wrapped' as const };
  assert.match(nextStep(pendingWrapped, now), /Import the wrapped key material/);
  assert.equal(primaryAction(pendingWrapped, now), 'importMaterial');
  const expired = { provider: 'huawei', key: key('PendingImport'), bundle: bundle(false, new Date(now.getTime() - H).toISOString()), bundleStage: 'expired' as const };
  assert.match(nextStep(expired, now), /expired: download new parameters/);
  assert.equal(primaryAction(expired, now), 'downloadParameters');
  const other = { provider: 'huawei', key: key('Enabled'), bundle: bundle(false), bundleStage: 'fresh' as const };
  assert.match(nextStep(other, now), /takes material again only after the imported material is deleted or expires/);
  assert.doesNotMatch(nextStep(other, now), /rotate/);
  assert.match(nextStep({ ...other, provider: 'aws' }, now), /re-import or rotate/, 'AWS keeps its rotation');
  assert.equal(primaryAction(other, now), 'verify');
  const done = { provider: 'huawei', key: key('Enabled', { expirationModel: 'KEY_MATERIAL_EXPIRES' }), bundle: bundle(true), bundleStage: 'proven' as const, proof: proven };
  assert.match(nextStep(done, now), /^Done\. At its expiration_time Huawei Cloud KMS deletes the material/);
  assert.equal(primaryAction(done, now), undefined);
  assert.match(nextStep({ ...done, provider: 'aws' }, now), /Re-import the same material before it expires/);
});

test('Huawei proof in its parts: encrypt-data/decrypt-data; get-publickey and, for signing keys, a signature verified locally', () => {
  const sym = proofChecks('huawei', { keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' }, { method: 'round-trip', holds: true, detail: 'Encrypt/Decrypt round trip holds' });
  assert.deepEqual(sym, [{ id: 'round-trip', label: 'encrypt-data / decrypt-data round trip', holds: true, detail: 'encrypt-data / decrypt-data round trip holds' }]);
  const pub = { method: 'public-key', holds: true, detail: 'GetPublicKey equals the local public key (SHA256:ab)' };
  // A signing key whose recorded proof compared public keys only: the signature part is shown as not checked.
  const signing = proofChecks('huawei', { keySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY' }, pub)!;
  assert.deepEqual(signing.map((c) => [c.id, c.holds]), [['public-key', true], ['signature', undefined]]);
  assert.equal(signing[0].detail, 'get-publickey equals the local public key (SHA256:ab)');
  assert.match(signing[1].detail, /Verify Imported Key/);
  // A recorded signature (src/flow/signatureProof.ts's words) is shown as it came out.
  const verified = proofChecks('huawei', { keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' }, { ...pub, detail: `${pub.detail}; ${signatureDetail('RSASSA_PKCS1_V1_5_SHA_256', true)}` })!;
  assert.deepEqual(verified.map((c) => [c.id, c.holds]), [['public-key', true], ['signature', true]]);
  const forged = proofChecks('huawei', { keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' }, { ...pub, holds: false, detail: `${pub.detail}; ${signatureDetail('ECDSA_SHA_256', false)}` })!;
  assert.deepEqual(forged.map((c) => [c.id, c.holds]), [['public-key', true], ['signature', false]]);
  const differs = proofChecks('huawei', { keySpec: 'RSA_2048', keyUsage: 'ENCRYPT_DECRYPT' }, { method: 'public-key', holds: false, detail: 'GetPublicKey SHA256:cd differs from the local public key SHA256:ab' })!;
  assert.deepEqual(differs.map((c) => [c.id, c.holds]), [['public-key', false]], 'an encryption key has no signature part');
  assert.equal(proofChecks('aws', { keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' }, pub), undefined, 'AWS shows its proof as before');
});
