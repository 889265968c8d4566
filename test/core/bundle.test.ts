// Parameter bundles in every layout users get (sources/000, 002, 003; landscape.md), written canonically,
// with mismatched and expired sets detected.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assertBundleUsable, bundleExpiry, normalizeBundle, parseReadme, readBundle as readBundleAsync, readBundleSync, writeBundle, type ParameterBundle } from '../../src/core/bundle';
import { writeZip } from '../../src/core/zip';
import { tempDir } from '../support/openssl';

const tmp = tempDir();
after(() => tmp.cleanup());
let pub: Buffer;
let pub2048: Buffer;
const token = crypto.randomBytes(1200);
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const ARN = `arn:aws:kms:us-west-2:111122223333:key/${KEY_ID}`;
const validTo = new Date(Date.now() + 23 * 3600_000);

before(() => {
  pub = crypto.generateKeyPairSync('rsa', { modulusLength: 3072 }).publicKey.export({ type: 'spki', format: 'der' });
  pub2048 = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' });
});

/**
 * Every read in this file goes through both readers, which must agree on the bundle or on the error
 * (the extension reads asynchronously, the CLI synchronously).
 */
async function readBundle(p: string): Promise<ParameterBundle> {
  let sync: ParameterBundle | undefined;
  let syncError: (Error & { code?: string }) | undefined;
  try {
    sync = readBundleSync(p);
  } catch (e) {
    syncError = e as Error;
  }
  try {
    const b = await readBundleAsync(p);
    assert.equal(syncError, undefined, 'the synchronous reader failed where the asynchronous one did not');
    assert.deepEqual(sync, b);
    return b;
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err instanceof assert.AssertionError) throw err;
    assert.ok(syncError, `the synchronous reader took what the asynchronous one refused (${err.code})`);
    assert.equal(syncError.code, err.code);
    assert.equal(syncError.message, err.message);
    throw err;
  }
}

function dir(name: string, files: Record<string, Buffer | string>): string {
  const d = tmp.path(name);
  mkdirSync(d, { recursive: true });
  for (const [n, v] of Object.entries(files)) writeFileSync(join(d, n), v);
  return d;
}

const consoleReadme = () => `This folder contains the wrapping public key and import token for the KMS key ${ARN}.\nWrapping algorithm: RSA_AES_KEY_WRAP_SHA_256\nWrapping key spec: RSA_3072\nThe wrapping public key and import token expire at ${validTo.toISOString()}.\n`;

describe('reading every layout', () => {
  test('a download folder that also holds a subfolder, a broken link and a link loop: those are passed over', async () => {
    const d = dir('console-clutter', { 'WrappingPublicKey.bin': pub, 'ImportToken.bin': token, 'README.txt': consoleReadme() });
    mkdirSync(join(d, 'old'));
    symlinkSync(join(d, 'gone'), join(d, 'dangling'));
    symlinkSync(join(d, 'loop'), join(d, 'loop'));
    const b = await readBundle(d);
    assert.equal(b.layout, 'console');
    assert.deepEqual(b.importToken, token);
  });
  test('current AWS console: WrappingPublicKey.bin + ImportToken.bin + README.txt (folder)', async () => {
    const b = await readBundle(dir('console', { 'WrappingPublicKey.bin': pub, 'ImportToken.bin': token, 'README.txt': consoleReadme() }));
    assert.equal(b.layout, 'console');
    assert.deepEqual(b.publicKey, pub);
    assert.deepEqual(b.importToken, token);
    assert.equal(b.keyArn, ARN);
    assert.equal(b.keyId, KEY_ID);
    assert.equal(b.region, 'us-west-2');
    assert.equal(b.provider, 'aws');
    assert.equal(b.wrappingAlgorithm, 'RSA_AES_KEY_WRAP_SHA_256');
    assert.equal(b.wrappingKeySpec, 'RSA_3072');
    assert.equal(b.validTo?.getTime(), validTo.getTime());
  });
  test('the console zip (Import_Parameters_<key_id>_<timestamp>/…, deflated entries tolerated)', async () => {
    const zip = writeZip([
      { name: `Import_Parameters_${KEY_ID}_20261122/WrappingPublicKey.bin`, data: pub },
      { name: `Import_Parameters_${KEY_ID}_20261122/ImportToken.bin`, data: token },
      { name: `Import_Parameters_${KEY_ID}_20261122/README.txt`, data: Buffer.from(consoleReadme()) },
    ]);
    const b = await readBundle(tmp.write('ImportParameters.zip', zip));
    assert.equal(b.layout, 'console');
    assert.deepEqual(b.importToken, token);
    assert.equal(b.wrappingAlgorithm, 'RSA_AES_KEY_WRAP_SHA_256');
  });
  test('older AWS console and Huawei Cloud: wrappingKey_<id>_<ts> + importToken_<id>_<ts> + README_<id>_<ts>.txt', async () => {
    const ts = '0809092909';
    const b = await readBundle(
      dir('legacy', {
        [`wrappingKey_${KEY_ID}_${ts}`]: pub2048,
        [`importToken_${KEY_ID}_${ts}`]: token,
        [`README_${KEY_ID}_${ts}.txt`]: `Key ID: ${KEY_ID}\nWrapping algorithm: RSAES_OAEP_SHA_1\nExpiration time: ${validTo.toISOString()}\n`,
      }),
    );
    assert.equal(b.layout, 'console-legacy');
    assert.equal(b.keyId, KEY_ID);
    assert.equal(b.wrappingAlgorithm, 'RSAES_OAEP_SHA_1');
    assert.equal(b.wrappingKeySpec, 'RSA_2048', 'taken from the key size (sources/003: "a 2048-bit RSA public key")');
  });
  test('PublicKey.b64 + ImportToken.b64 (API output saved by hand, sources/000 and 002)', async () => {
    const b = await readBundle(dir('b64', { 'PublicKey.b64': pub.toString('base64'), 'ImportToken.b64': token.toString('base64') + '\n' }));
    assert.equal(b.layout, 'b64');
    assert.deepEqual(b.publicKey, pub);
    assert.deepEqual(b.importToken, token);
  });
  test('AWS API JSON (PublicKey, ImportToken, ParametersValidTo in epoch seconds, KeyId ARN)', async () => {
    const json = JSON.stringify({ ParametersValidTo: validTo.getTime() / 1000, PublicKey: pub.toString('base64'), KeyId: ARN, ImportToken: token.toString('base64') });
    const b = await readBundle(tmp.write('params.json', json));
    assert.equal(b.layout, 'api-json-aws');
    assert.equal(b.keyArn, ARN);
    assert.equal(b.region, 'us-west-2');
    assert.equal(b.validTo?.getTime(), validTo.getTime());
  });
  test('Huawei API JSON (public_key, import_token, expiration_time, key_id)', async () => {
    const json = JSON.stringify({ key_id: '43f1ffd7-18fb-4568-9575-602e009b7ee8', public_key: pub.toString('base64'), import_token: token.toString('base64'), expiration_time: Math.floor(validTo.getTime() / 1000) });
    const b = await readBundle(dir('huawei-json', { 'get-parameters.json': json }));
    assert.equal(b.layout, 'api-json-huawei');
    assert.equal(b.provider, 'huawei');
    assert.equal(b.keyId, '43f1ffd7-18fb-4568-9575-602e009b7ee8');
    assert.equal(b.validTo?.getTime(), Math.floor(validTo.getTime() / 1000) * 1000);
  });
});

describe('writing the canonical layout', () => {
  test('writeBundle → console names + README.txt + manifest; readBundle returns the same facts; token 0600', async () => {
    const d = tmp.path('canonical');
    const res = await writeBundle(d, { keyArn: ARN, keyId: KEY_ID, provider: 'aws', region: 'us-west-2', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_3072', validTo, publicKey: pub, importToken: token });
    assert.deepEqual(readdirSync(d).sort(), ['ImportToken.bin', 'README.txt', 'WrappingPublicKey.bin', 'kms-import.json']);
    assert.equal(res.files.length, 4);
    assert.equal(statSync(join(d, 'ImportToken.bin')).mode & 0o777, 0o600);
    const readme = readFileSync(join(d, 'README.txt'), 'utf8');
    assert.match(readme, /Wrapping algorithm: RSAES_OAEP_SHA_256/);
    assert.match(readme, new RegExp(`Valid to:\\s+${validTo.toISOString()}`));
    const b = await readBundle(d);
    assert.equal(b.layout, 'canonical');
    assert.equal(b.keyArn, ARN);
    assert.equal(b.wrappingAlgorithm, 'RSAES_OAEP_SHA_256');
    assert.equal(b.validTo?.toISOString(), validTo.toISOString());
    // Our README alone (manifest removed) still gives the facts back.
    const facts = parseReadme(readme);
    assert.equal(facts.wrappingAlgorithm, 'RSAES_OAEP_SHA_256');
    assert.equal(facts.wrappingKeySpec, 'RSA_3072');
    assert.equal(facts.validTo?.toISOString(), validTo.toISOString());
  });
  test("writeBundle for provider huawei → Huawei's console names (sources/002 step 10) + manifest; read back with and without the manifest", async () => {
    const d = tmp.path('huawei-layout');
    const hwId = '43f1ffd7-18fb-4568-9575-602e009b7ee8';
    const issuedAt = new Date('2026-12-01T18:05:09.123Z');
    const res = await writeBundle(d, { keyArn: hwId, keyId: hwId, provider: 'huawei', region: 'cn-north-4', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_3072', validTo, issuedAt, publicKey: pub, importToken: token });
    const names = [`README_${hwId}_20261201180509.txt`, `importToken_${hwId}_20261201180509`, 'kms-import.json', `wrappingKey_${hwId}_20261201180509`];
    assert.deepEqual(readdirSync(d).sort(), names);
    assert.deepEqual(res.files.map((f) => f.slice(d.length + 1)).sort(), names);
    assert.equal(statSync(join(d, names[1])).mode & 0o777, 0o600);
    assert.deepEqual(readFileSync(join(d, names[3])), pub);
    const readme = readFileSync(join(d, names[0]), 'utf8');
    assert.match(readme, new RegExp(`-inkey wrappingKey_${hwId}_20261201180509 -out EncryptedKeyMaterial.bin -keyform der -pubin -encrypt -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256`));
    const b = await readBundle(d);
    assert.deepEqual([b.layout, b.provider, b.region, b.keyId, b.wrappingAlgorithm, b.files.publicKey, b.files.importToken, b.files.readme], ['canonical', 'huawei', 'cn-north-4', hwId, 'RSAES_OAEP_SHA_256', names[3], names[1], names[0]]);
    // Without our manifest it is what Huawei's console downloads: the key id from the names, the facts from the README.
    rmSync(join(d, 'kms-import.json'));
    const c = await readBundle(d);
    assert.equal(c.layout, 'console-legacy');
    assert.equal(c.keyId, hwId);
    assert.deepEqual(c.importToken, token);
    assert.equal(c.wrappingAlgorithm, 'RSAES_OAEP_SHA_256');
    assert.equal(c.validTo?.toISOString(), validTo.toISOString());
    // AWS keeps its names; an explicit layout overrides the provider's.
    const e = tmp.path('huawei-as-console');
    await writeBundle(e, { keyArn: hwId, keyId: hwId, provider: 'huawei', region: 'cn-north-4', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_3072', validTo, publicKey: pub, importToken: token, layout: 'console' });
    assert.deepEqual(readdirSync(e).sort(), ['ImportToken.bin', 'README.txt', 'WrappingPublicKey.bin', 'kms-import.json']);
  });
  test('normalize: a legacy download becomes the canonical layout with a manifest', async () => {
    const src = dir('to-normalize', { [`wrappingKey_${KEY_ID}_1`]: pub, [`importToken_${KEY_ID}_1`]: token, [`README_${KEY_ID}_1.txt`]: consoleReadme() });
    const out = tmp.path('normalized');
    await normalizeBundle(await readBundle(src), out);
    const b = await readBundle(out);
    assert.equal(b.layout, 'canonical');
    assert.deepEqual(b.importToken, token);
    assert.equal(b.keyArn, ARN);
  });
});

describe('parts that do not belong together, and expiry', () => {
  test('manifest detects an import token from another download', async () => {
    const d = tmp.path('swapped');
    await writeBundle(d, { keyArn: ARN, keyId: KEY_ID, provider: 'aws', region: 'us-west-2', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_3072', validTo, publicKey: pub, importToken: token });
    writeFileSync(join(d, 'ImportToken.bin'), crypto.randomBytes(1200));
    await assert.rejects(readBundle(d), (e: Error & { code?: string; fix?: string }) => e.code === 'BUNDLE_MISMATCH' && /ImportToken\.bin/.test(e.message) && /Download a new/.test(e.fix!));
  });
  test('legacy names from two downloads do not pair', async () => {
    const d = dir('two-downloads', { [`wrappingKey_${KEY_ID}_0809092909`]: pub, [`importToken_${KEY_ID}_0810101010`]: token });
    await assert.rejects(readBundle(d), (e: Error & { code?: string }) => e.code === 'BUNDLE_MISMATCH');
  });
  test('README spec disagreeing with the public key size is refused', async () => {
    const d = dir('spec-mismatch', { 'WrappingPublicKey.bin': pub2048, 'ImportToken.bin': token, 'README.txt': consoleReadme() });
    await assert.rejects(readBundle(d), (e: Error & { code?: string }) => e.code === 'WRAPPING_KEY_SPEC_MISMATCH');
  });
  test('expired parameters: reported by bundleExpiry, refused by assertBundleUsable before any upload', async () => {
    const d = tmp.path('expired');
    const past = new Date(Date.now() - 2 * 3600_000 - 60_000);
    await writeBundle(d, { keyArn: ARN, keyId: KEY_ID, provider: 'aws', region: 'us-west-2', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_3072', validTo: past, publicKey: pub, importToken: token });
    const b = await readBundle(d);
    const e = bundleExpiry(b);
    assert.equal(e.expired, true);
    assert.match(e.label, /^expired 2 h 1 min ago$/);
    assert.throws(() => assertBundleUsable(b), (err: Error & { code?: string }) => err.code === 'BUNDLE_EXPIRED');
    assert.equal(bundleExpiry({ validTo: new Date(Date.now() + 90 * 60_000 + 5000) }).label, 'expires in 1 h 30 min');
    assert.equal(bundleExpiry({}).label, 'expiry unknown');
  });
});
