// Bundles that lie (issue 8, items 6 and 9): a manifest whose fields are not what they claim is refused as a bad
// bundle when read — before any command writes output — and a zip that holds one name twice is refused rather
// than one of the files being chosen silently.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBundle, readBundleSync, writeBundle } from '../../src/core/bundle';
import { readZip, writeZip } from '../../src/core/zip';
import { tempDir } from '../support/openssl';

const tmp = tempDir();
after(() => tmp.cleanup());
let pub: Buffer;
const token = crypto.randomBytes(700);
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
let canonical: string;

before(async () => {
  pub = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' });
  canonical = tmp.path('canonical');
  await writeBundle(canonical, { keyArn: `arn:aws:kms:us-east-1:111122223333:key/${KEY_ID}`, keyId: KEY_ID, provider: 'aws', region: 'us-east-1', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048', validTo: new Date(Date.now() + 3600_000), publicKey: pub, importToken: token });
});

/** Both readers refuse with the code, and the message matches. */
async function refused(p: string, code: string, message: RegExp) {
  const check = (e: Error & { code?: string; fix?: string }) => {
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    assert.ok(e.fix && e.fix.length > 10, 'a fix is given');
    return true;
  };
  assert.throws(() => readBundleSync(p), check);
  await assert.rejects(readBundle(p), check);
}

// kms-import.json as parsed JSON, for tests that break one field of it.
type ManifestJson = { [field: string]: unknown; files?: Record<string, unknown>; sha256?: Record<string, unknown> };

function withManifest(name: string, edit: (m: ManifestJson) => void): string {
  const d = tmp.path(name);
  mkdirSync(d);
  const m = JSON.parse(readFileSync(join(canonical, 'kms-import.json'), 'utf8')) as ManifestJson;
  edit(m);
  for (const f of ['WrappingPublicKey.bin', 'ImportToken.bin', 'README.txt']) tmp.write(join(name, f), readFileSync(join(canonical, f)));
  writeFileSync(join(d, 'kms-import.json'), JSON.stringify(m));
  return d;
}

describe('a manifest with a field that is not what it claims is a bad bundle', () => {
  const cases: Array<[string, (m: ManifestJson) => void, RegExp]> = [
    ['validTo "garbage"', (m) => (m.validTo = 'garbage'), /"validTo" is "garbage", not an ISO 8601 date/],
    ['validTo a number', (m) => (m.validTo = 1764600000), /"validTo" is 1764600000/],
    ['validTo out of range', (m) => (m.validTo = '+275760-09-14T00:00:00.000Z'), /"validTo"/],
    ['issuedAt an impossible date', (m) => (m.issuedAt = '2026-13-45T99:00:00Z'), /"issuedAt"/],
    ['provider "evil"', (m) => (m.provider = 'evil'), /"provider" is "evil"; it must be aws, aws-cn or huawei/],
    ['provider "__proto__"', (m) => (m.provider = '__proto__'), /"provider"/],
    ['wrappingAlgorithm unknown', (m) => (m.wrappingAlgorithm = 'RSAES_OAEP_SHA_999'), /"wrappingAlgorithm" is "RSAES_OAEP_SHA_999"/],
    ['wrappingKeySpec an object', (m) => (m.wrappingKeySpec = { x: 1 }), /"wrappingKeySpec"/],
    ['keyId a number', (m) => (m.keyId = 42), /"keyId" is 42/],
    ['region with a newline', (m) => (m.region = 'us-east-1\nProvider: huawei'), /"region"/],
    ['version 2', (m) => (m.version = 2), /"version" is 2/],
    ['files missing', (m) => delete m.files, /"files" is missing/],
    ['files.importToken a path', (m) => (m.files!.importToken = '../ImportToken.bin'), /"files.importToken"/],
    ['files naming one file twice', (m) => (m.files!.importToken = m.files!.publicKey), /name the same file/],
    ['sha256 not hex', (m) => (m.sha256!.importToken = 'zz'), /"sha256.importToken"/],
  ];
  for (const [name, edit, message] of cases) {
    test(name, async () => {
      const d = withManifest(name.replace(/\W+/g, '-'), edit);
      await refused(d, 'MANIFEST_INVALID', message);
    });
  }
  test('a manifest that is a JSON array', async () => {
    const d = tmp.path('array');
    mkdirSync(d);
    tmp.write('array/kms-import.json', '[1]');
    await refused(d, 'MANIFEST_INVALID', /not a JSON object/);
  });
  test('the unedited manifest reads', async () => {
    const b = readBundleSync(withManifest('unedited', () => {}));
    assert.equal(b.layout, 'canonical');
    assert.deepEqual(b.importToken, token);
  });
});

describe('API JSON with an expiry that is not a date', () => {
  test('ParametersValidTo "garbage" is refused, not read as "expiry unknown"', async () => {
    const p = tmp.write('garbage-date.json', JSON.stringify({ PublicKey: pub.toString('base64'), ImportToken: token.toString('base64'), ParametersValidTo: 'garbage' }));
    await refused(p, 'BUNDLE_JSON_INVALID', /"ParametersValidTo" is "garbage", not a date/);
  });
  test('Huawei expiration_time an object is refused', async () => {
    const p = tmp.write('huawei-bad-date.json', JSON.stringify({ public_key: pub.toString('base64'), import_token: token.toString('base64'), expiration_time: { a: 1 } }));
    await refused(p, 'BUNDLE_JSON_INVALID', /"expiration_time"/);
  });
});

describe('a zip that holds one name twice', () => {
  test('ImportToken.bin at the root and x/ImportToken.bin: refused, neither chosen', async () => {
    const zip = writeZip([
      { name: 'WrappingPublicKey.bin', data: pub },
      { name: 'ImportToken.bin', data: token },
      { name: 'x/ImportToken.bin', data: Buffer.from('evil') },
    ]);
    await refused(tmp.write('dup-subfolder.zip', zip), 'BUNDLE_AMBIGUOUS', /two files named ImportToken\.bin \(ImportToken\.bin and x\/ImportToken\.bin\)/);
  });
  test('names that differ only in case (importtoken.BIN) are the same name', async () => {
    const zip = writeZip([
      { name: 'd/WrappingPublicKey.bin', data: pub },
      { name: 'd/ImportToken.bin', data: token },
      { name: 'd/importtoken.BIN', data: Buffer.from('evil') },
    ]);
    await refused(tmp.write('dup-case.zip', zip), 'BUNDLE_AMBIGUOUS', /ImportToken\.bin/i);
  });
  test('the same entry name twice in the zip itself', () => {
    const zip = writeZip([
      { name: 'ImportToken.bin', data: token },
      { name: 'ImportToken.bin', data: Buffer.from('evil') },
    ]);
    assert.throws(() => readZip(zip), (e: Error & { code?: string }) => e.code === 'ZIP_INVALID' && /ImportToken\.bin twice/.test(e.message));
  });
  test('a folder holding ImportToken.bin and importtoken.bin is ambiguous too', async () => {
    const d = tmp.path('case-folder');
    mkdirSync(d);
    for (const [n, v] of [['WrappingPublicKey.bin', pub], ['ImportToken.bin', token], ['importtoken.bin', Buffer.from('evil')]] as const) tmp.write(join('case-folder', n), v);
    await refused(d, 'BUNDLE_AMBIGUOUS', /ImportToken\.bin and importtoken\.bin|importtoken\.bin and ImportToken\.bin/);
  });
  test('a folder holding two parameter JSON files is ambiguous (the one read depended on the listing order)', async () => {
    const d = tmp.path('two-json');
    mkdirSync(d);
    const json = (t: Buffer) => JSON.stringify({ PublicKey: pub.toString('base64'), ImportToken: t.toString('base64') });
    tmp.write('two-json/params.json', json(token));
    tmp.write('two-json/PARAMS.JSON', json(crypto.randomBytes(700)));
    await refused(d, 'BUNDLE_AMBIGUOUS', /2 parameter JSON files \(PARAMS\.JSON, params\.json\)/);
  });
  test('an entry whose bytes do not match its CRC-32 is refused', () => {
    const zip = writeZip([{ name: 'ImportToken.bin', data: token }]);
    zip[30 + 'ImportToken.bin'.length + 5] ^= 0xff;
    assert.throws(() => readZip(zip), (e: Error & { code?: string }) => e.code === 'ZIP_INVALID' && /CRC-32/.test(e.message));
  });
  test('the console zip (one folder, no duplicates) still reads', async () => {
    const zip = writeZip([
      { name: `Import_Parameters_${KEY_ID}/WrappingPublicKey.bin`, data: pub },
      { name: `Import_Parameters_${KEY_ID}/ImportToken.bin`, data: token },
      { name: '__MACOSX/._ImportToken.bin', data: Buffer.from('meta') },
    ]);
    const b = readBundleSync(tmp.write('console.zip', zip));
    assert.deepEqual(b.importToken, token);
  });
});
