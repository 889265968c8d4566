// The bad-input corpus (≥150 files) through the real CLI: every file gets a clear error (code, message,
// fix), no crash, no stack trace, and no output file. Bundles with missing, mismatched or expired parts too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeBundle } from '../../src/core/bundle';
import { writeZip } from '../../src/core/zip';
import { buildHmacCorpus, buildMaterialCorpus, type BadFile } from '../support/badCorpus';
import { tempDir } from '../support/openssl';
import { runCli } from '../support/cli';

const tmp = tempDir();
after(() => tmp.cleanup());
let corpus: BadFile[] = [];
let hmac: BadFile[] = [];
let goodBundle: string;
const pass = () => tmp.write('passphrase.txt', 'wrong-passphrase\n');

before(async () => {
  corpus = buildMaterialCorpus();
  hmac = buildHmacCorpus();
  mkdirSync(tmp.path('corpus'));
  for (const f of [...corpus, ...hmac]) writeFileSync(tmp.path(join('corpus', f.name)), f.data);
  const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 4096 });
  goodBundle = tmp.path('good-bundle');
  await writeBundle(goodBundle, { keyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', provider: 'aws', region: 'us-east-1', wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', wrappingKeySpec: 'RSA_4096', validTo: new Date(Date.now() + 20 * 3600_000), publicKey: publicKey.export({ type: 'spki', format: 'der' }), importToken: crypto.randomBytes(800) });
});

function assertClear(e: { code: string; message: string; fix: string }, label: string) {
  assert.ok(e.message.length > 15, `${label}: message`);
  assert.ok(e.fix.length > 10, `${label}: fix`);
  assert.doesNotMatch(e.message + e.fix, /\n\s+at |Error:|undefined|\[object/, `${label}: no stack trace or internals`);
}

test('the corpus holds at least 150 files', () => {
  assert.ok(corpus.length + hmac.length >= 150, `${corpus.length + hmac.length} files`);
});

test('wrap over the whole corpus in one call: every file refused with an expected code, no output file', () => {
  const outDir = tmp.path('out-all');
  const r = runCli(['wrap', '--material', ...corpus.map((f) => tmp.path(join('corpus', f.name))), '--bundle', goodBundle, '--out-dir', outDir, '--passphrase-file', pass(), '--json']);
  assert.equal(r.status, 3, r.stderr);
  assert.equal(r.stderr, '');
  const json = JSON.parse(r.stdout) as { results: Array<{ material: string; out?: string; error?: { code: string; message: string; fix: string } }>; refused: number };
  assert.equal(json.results.length, corpus.length);
  for (const [i, f] of corpus.entries()) {
    const res = json.results[i];
    assert.ok(res.error, `${f.name} was not refused`);
    assert.ok(f.codes.includes(res.error!.code), `${f.name}: got ${res.error!.code} (${res.error!.message}), expected one of ${f.codes.join(', ')}`);
    assertClear(res.error!, f.name);
  }
  assert.equal(json.refused, corpus.length);
  assert.deepEqual(existsSync(outDir) ? readdirSync(outDir) : [], [], 'no output file, not even a temporary one');
});

test('HMAC_384 with material of the wrong length: refused, naming 48 bytes', () => {
  const outDir = tmp.path('out-hmac');
  const r = runCli(['wrap', '--key-spec', 'HMAC_384', '--material', ...hmac.map((f) => tmp.path(join('corpus', f.name))), '--bundle', goodBundle, '--out-dir', outDir, '--json']);
  assert.equal(r.status, 3);
  const json = JSON.parse(r.stdout) as { results: Array<{ error?: { code: string; message: string; fix: string } }> };
  for (const res of json.results) {
    assert.equal(res.error?.code, 'HMAC_LENGTH');
    assert.match(res.error!.message, /exactly 48 bytes/);
  }
  assert.deepEqual(existsSync(outDir) ? readdirSync(outDir) : [], []);
});

test('human output: one clear line per refusal and a fix, no stack trace', () => {
  const r = runCli(['wrap', '--material', tmp.path('corpus/rsa-1024.der'), tmp.path('corpus/public-rsa.pem'), '--bundle', goodBundle, '--out-dir', tmp.path('out-human')]);
  assert.equal(r.status, 3);
  assert.match(r.stdout, /REFUSED .*rsa-1024\.der: This is an RSA-1024 private key; KMS imports RSA keys of 2048, 3072 or 4096 bits only\.\n {2}Fix: /);
  assert.match(r.stdout, /REFUSED .*public-rsa\.pem: This is a public key/);
  assert.match(r.stdout, /0 wrapped, 2 refused\./);
  assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /);
});

describe('bundles with missing, mismatched or expired parts', () => {
  const material = () => tmp.write('good-material.bin', crypto.randomBytes(32));
  const cases: Array<{ name: string; make: () => Promise<string> | string; code: string }> = [
    { name: 'missing import token', code: 'BUNDLE_INCOMPLETE', make: () => dirWith('no-token', { 'WrappingPublicKey.bin': pubDer(4096) }) },
    { name: 'missing public key', code: 'BUNDLE_INCOMPLETE', make: () => dirWith('no-pub', { 'ImportToken.bin': crypto.randomBytes(100) }) },
    { name: 'empty import token', code: 'BUNDLE_INCOMPLETE', make: () => dirWith('empty-token', { 'WrappingPublicKey.bin': pubDer(4096), 'ImportToken.bin': Buffer.alloc(0) }) },
    { name: 'public key file is a private key', code: 'NOT_A_WRAPPING_KEY', make: () => dirWith('pub-is-private', { 'WrappingPublicKey.bin': crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'der' }), 'ImportToken.bin': crypto.randomBytes(100) }) },
    { name: 'public key is RSA-1024', code: 'WRAPPING_KEY_SIZE', make: () => dirWith('pub-1024', { 'WrappingPublicKey.bin': pubDer(1024), 'ImportToken.bin': crypto.randomBytes(100) }) },
    { name: 'public key is garbage', code: 'NOT_A_WRAPPING_KEY', make: () => dirWith('pub-garbage', { 'WrappingPublicKey.bin': crypto.randomBytes(300), 'ImportToken.bin': crypto.randomBytes(100) }) },
    { name: 'token swapped after download (manifest)', code: 'BUNDLE_MISMATCH', make: async () => swapped('token') },
    { name: 'public key swapped after download (manifest)', code: 'BUNDLE_MISMATCH', make: async () => swapped('pub') },
    { name: 'legacy files from two downloads', code: 'BUNDLE_MISMATCH', make: () => dirWith('legacy-two', { wrappingKey_k_1: pubDer(2048), importToken_k_2: crypto.randomBytes(100) }) },
    { name: 'two legacy sets in one folder', code: 'BUNDLE_AMBIGUOUS', make: () => dirWith('legacy-ambiguous', { wrappingKey_k_1: pubDer(2048), importToken_k_1: crypto.randomBytes(100), wrappingKey_k_2: pubDer(2048), importToken_k_2: crypto.randomBytes(100) }) },
    { name: 'expired canonical bundle', code: 'BUNDLE_EXPIRED', make: async () => expired() },
    { name: 'expired API JSON', code: 'BUNDLE_EXPIRED', make: () => tmp.write('expired.json', JSON.stringify({ PublicKey: pubDer(4096).toString('base64'), ImportToken: crypto.randomBytes(100).toString('base64'), ParametersValidTo: Date.now() / 1000 - 60, KeyId: 'k', WrappingAlgorithm: 'RSAES_OAEP_SHA_256' })) },
    { name: 'truncated zip', code: 'ZIP_INVALID', make: () => tmp.write('truncated.zip', writeZip([{ name: 'WrappingPublicKey.bin', data: pubDer(4096) }, { name: 'ImportToken.bin', data: crypto.randomBytes(100) }]).subarray(0, 200)) },
    { name: 'zip without parameters', code: 'NOT_A_BUNDLE', make: () => tmp.write('unrelated.zip', writeZip([{ name: 'notes.txt', data: Buffer.from('hello') }])) },
    { name: 'JSON with bad base64', code: 'BUNDLE_JSON_INVALID', make: () => tmp.write('bad.json', JSON.stringify({ PublicKey: '!!!', ImportToken: 'AAAA' })) },
    { name: 'empty folder', code: 'NOT_A_BUNDLE', make: () => dirWith('empty-folder', {}) },
    { name: 'no such path', code: 'BUNDLE_NOT_FOUND', make: () => tmp.path('does-not-exist') },
    { name: 'manifest with validTo "garbage"', code: 'MANIFEST_INVALID', make: async () => editedManifest('garbage-date', { validTo: 'garbage' }) },
    { name: 'manifest with provider "evil"', code: 'MANIFEST_INVALID', make: async () => editedManifest('evil-provider', { provider: 'evil' }) },
    { name: 'zip with ImportToken.bin also in a subfolder', code: 'BUNDLE_AMBIGUOUS', make: () => tmp.write('dup.zip', writeZip([{ name: 'WrappingPublicKey.bin', data: pubDer(4096) }, { name: 'ImportToken.bin', data: crypto.randomBytes(100) }, { name: 'x/ImportToken.bin', data: crypto.randomBytes(4) }])) },
    { name: 'manifest that is not JSON', code: 'MANIFEST_INVALID', make: () => dirWith('bad-manifest', { 'kms-import.json': '{oops', 'WrappingPublicKey.bin': pubDer(4096), 'ImportToken.bin': crypto.randomBytes(10) }) },
  ];
  for (const c of cases) {
    test(`${c.name} → ${c.code}, exit 3, no output file`, async () => {
      const b = await c.make();
      const out = tmp.path(`out-${c.name.replace(/\W+/g, '-')}.bin`);
      const r = runCli(['wrap', '--material', material(), '--bundle', b, '--algorithm', 'RSAES_OAEP_SHA_256', '--out', out, '--json']);
      assert.equal(r.status, 3, r.stdout + r.stderr);
      const j = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; message: string; fix: string } };
      assert.equal(j.ok, false);
      assert.equal(j.error.code, c.code, j.error.message);
      assertClear(j.error, c.name);
      assert.equal(existsSync(out), false);
    });
  }
});

const pubCache = new Map<number, Buffer>();
function pubDer(bits: number): Buffer {
  if (!pubCache.has(bits)) pubCache.set(bits, crypto.generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ type: 'spki', format: 'der' }));
  return pubCache.get(bits)!;
}
function dirWith(name: string, files: Record<string, Buffer | string>): string {
  const d = tmp.path(`bundle-${name}`);
  mkdirSync(d, { recursive: true });
  for (const [n, v] of Object.entries(files)) writeFileSync(join(d, n), v);
  return d;
}
async function canonical(name: string, validTo: Date): Promise<string> {
  const d = tmp.path(`bundle-${name}`);
  await writeBundle(d, { keyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', provider: 'aws', region: 'us-east-1', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_4096', validTo, publicKey: pubDer(4096), importToken: crypto.randomBytes(800) });
  return d;
}
async function swapped(which: 'token' | 'pub'): Promise<string> {
  const d = await canonical(`swapped-${which}`, new Date(Date.now() + 3600_000));
  if (which === 'token') writeFileSync(join(d, 'ImportToken.bin'), crypto.randomBytes(800));
  else writeFileSync(join(d, 'WrappingPublicKey.bin'), crypto.generateKeyPairSync('rsa', { modulusLength: 4096 }).publicKey.export({ type: 'spki', format: 'der' }));
  return d;
}
async function editedManifest(name: string, fields: Record<string, unknown>): Promise<string> {
  const d = await canonical(`manifest-${name}`, new Date(Date.now() + 3600_000));
  const m = JSON.parse(readFileSync(join(d, 'kms-import.json'), 'utf8'));
  writeFileSync(join(d, 'kms-import.json'), JSON.stringify({ ...m, ...fields }));
  return d;
}
async function expired(): Promise<string> {
  return canonical('expired', new Date(Date.now() - 60_000));
}
