// The SM2 wrapping public key (China Regions) read from every parameter-bundle layout, with the wrapping
// key spec agreeing with the key, and `wrapKeyMaterial(…, 'SM2PKE')` under the key read from each.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBundle, readBundleSync, writeBundle, type ParameterBundle } from '../../src/core/bundle';
import { parseWrappingPublicKey } from '../../src/core/publicKey';
import { unwrapKeyMaterial, wrapKeyMaterial } from '../../src/core/wrap';
import { sm2KeyPair } from '../../src/core/sm2';
import { writeZip } from '../../src/core/zip';
import * as asn1 from '../../src/core/asn1';
import { tempDir } from '../support/openssl';

const tmp = tempDir('kms-import-sm2-bundle-');
after(() => tmp.cleanup());
const { d, point } = sm2KeyPair();
const pub = asn1.seq(asn1.seq(asn1.oid(asn1.OID.ecPublicKey), asn1.oid(asn1.OID.sm2Algorithm)), asn1.bitString(point));
const token = crypto.randomBytes(1200);
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const ARN = `arn:aws-cn:kms:cn-north-1:111122223333:key/${KEY_ID}`;
const validTo = new Date(Date.now() + 23 * 3600_000);
const readme = (spec = 'SM2') => `This folder contains the wrapping public key and import token for the KMS key ${ARN}.\nWrapping algorithm: SM2PKE\nWrapping key spec: ${spec}\nThe wrapping public key and import token expire at ${validTo.toISOString()}.\n`;

function dir(name: string, files: Record<string, Buffer | string>): string {
  const p = tmp.path(name);
  mkdirSync(p, { recursive: true });
  for (const [n, v] of Object.entries(files)) writeFileSync(join(p, n), v);
  return p;
}

/** The bundle's key is SM2, its point is ours, and SM2PKE under it round-trips. */
function assertSm2(b: ParameterBundle): void {
  assert.equal(b.wrappingKeySpec, 'SM2');
  const k = parseWrappingPublicKey(b.publicKey, b.wrappingKeySpec);
  assert.equal(k.kind, 'sm2');
  assert.deepEqual(k.point, point);
  const m = crypto.randomBytes(16);
  assert.deepEqual(unwrapKeyMaterial(wrapKeyMaterial(m, k, 'SM2PKE'), d, 'SM2PKE'), m);
}

describe('SM2 wrapping public key in every bundle layout', () => {
  test('console folder (WrappingPublicKey.bin, China README): provider aws-cn, SM2PKE, SM2', async () => {
    const p = dir('console', { 'WrappingPublicKey.bin': pub, 'ImportToken.bin': token, 'README.txt': readme() });
    const b = readBundleSync(p);
    assert.deepEqual(await readBundle(p), b);
    assert.equal(b.provider, 'aws-cn');
    assert.equal(b.region, 'cn-north-1');
    assert.equal(b.wrappingAlgorithm, 'SM2PKE');
    assertSm2(b);
  });
  test('console zip', () => {
    const zip = writeZip([
      { name: `Import_Parameters_${KEY_ID}_20261122/WrappingPublicKey.bin`, data: pub },
      { name: `Import_Parameters_${KEY_ID}_20261122/ImportToken.bin`, data: token },
      { name: `Import_Parameters_${KEY_ID}_20261122/README.txt`, data: Buffer.from(readme()) },
    ]);
    assertSm2(readBundleSync(tmp.write('ImportParameters.zip', zip)));
  });
  test('older console names (wrappingKey_<id>_<ts>), with no spec in the README: the spec is read from the key', () => {
    const ts = '0809092909';
    const b = readBundleSync(dir('legacy', { [`wrappingKey_${KEY_ID}_${ts}`]: pub, [`importToken_${KEY_ID}_${ts}`]: token, [`README_${KEY_ID}_${ts}.txt`]: `Key ID: ${KEY_ID}\nWrapping algorithm: SM2PKE\n` }));
    assert.equal(b.layout, 'console-legacy');
    assertSm2(b);
  });
  test('PublicKey.b64 + ImportToken.b64, and PEM in WrappingPublicKey.bin', () => {
    assertSm2(readBundleSync(dir('b64', { 'PublicKey.b64': pub.toString('base64'), 'ImportToken.b64': token.toString('base64') })));
    const pem = `-----BEGIN PUBLIC KEY-----\n${pub.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PUBLIC KEY-----\n`;
    assertSm2(readBundleSync(dir('pem', { 'WrappingPublicKey.bin': pem, 'ImportToken.bin': token, 'README.txt': readme() })));
  });
  test('AWS API JSON from a China Region (KeyId arn:aws-cn:…)', () => {
    const b = readBundleSync(tmp.write('params.json', JSON.stringify({ ParametersValidTo: validTo.getTime() / 1000, PublicKey: pub.toString('base64'), KeyId: ARN, ImportToken: token.toString('base64') })));
    assert.equal(b.provider, 'aws-cn');
    assertSm2(b);
  });
  test('the bundle this tool writes (manifest), read back', async () => {
    const p = tmp.path('written');
    await writeBundle(p, { keyArn: ARN, keyId: KEY_ID, provider: 'aws-cn', region: 'cn-north-1', wrappingAlgorithm: 'SM2PKE', wrappingKeySpec: 'SM2', validTo, publicKey: pub, importToken: token });
    const b = readBundleSync(p);
    assert.equal(b.provider, 'aws-cn');
    assertSm2(b);
  });
  test('a README whose wrapping key spec disagrees with the key is refused, both ways', () => {
    assert.throws(() => readBundleSync(dir('says-rsa', { 'WrappingPublicKey.bin': pub, 'ImportToken.bin': token, 'README.txt': readme('RSA_4096') })), (e: Error & { code?: string }) => e.code === 'WRAPPING_KEY_SPEC_MISMATCH' && /is SM2, but the parameters say RSA_4096/.test(e.message));
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' });
    assert.throws(() => readBundleSync(dir('says-sm2', { 'WrappingPublicKey.bin': rsa, 'ImportToken.bin': token, 'README.txt': readme('SM2') })), (e: Error & { code?: string }) => e.code === 'WRAPPING_KEY_SPEC_MISMATCH' && /is RSA_2048, but the parameters say SM2/.test(e.message));
  });
});
