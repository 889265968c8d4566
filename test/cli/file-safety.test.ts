// kms-import with files that are not what they seem, and outputs that are already there: devices and FIFOs are
// refused at once (never read without limit, never waited on), no output replaces an input, and no existing file is
// replaced without --force. `bundle --normalize` of the API's JSON takes the facts it does not state on the command line.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBundle, writeBundle } from '../../src/core/bundle';
import { unwrapKeyMaterial } from '../../src/core/wrap';
import { tempDir } from '../support/openssl';
import { runCli } from '../support/cli';

const tmp = tempDir();
after(() => tmp.cleanup());
/** A hang or an unbounded read is killed after this long and fails its test (they took 30 s and 5.8 GB before). */
const BOUND = { timeoutMs: 15_000 };
const ARN = 'arn:aws:kms:eu-west-1:111122223333:key/0b7fd7dd-bac6-4ef2-8790-7413567cad8c';
let wrapKey: crypto.KeyObject;
let pub: string;
let bundleDir: string;
let fifo: string;

before(async () => {
  const kp = crypto.generateKeyPairSync('rsa', { modulusLength: 4096 });
  wrapKey = kp.privateKey;
  pub = tmp.write('pub.pem', kp.publicKey.export({ type: 'spki', format: 'pem' }));
  bundleDir = tmp.path('bundle');
  await writeBundle(bundleDir, { keyArn: ARN, keyId: '0b7fd7dd-bac6-4ef2-8790-7413567cad8c', provider: 'aws', region: 'eu-west-1', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_4096', validTo: new Date(Date.now() + 5 * 3600_000), publicKey: kp.publicKey.export({ type: 'spki', format: 'der' }), importToken: crypto.randomBytes(700) });
  fifo = tmp.path('pipe');
  execFileSync('mkfifo', [fifo]);
});

const notRegular = /is (a device|a FIFO \(named pipe\)), not a regular file/;

describe('devices and FIFOs: refused at once, nothing written', () => {
  for (const dev of ['/dev/zero', '/dev/urandom', 'FIFO']) {
    test(`wrap --material ${dev}: refused (exit 3), no output`, () => {
      const out = tmp.path(`w-${dev.replace(/\W/g, '')}.bin`);
      const r = runCli(['wrap', '--material', dev === 'FIFO' ? fifo : dev, '--public-key', pub, '--algorithm', 'RSAES_OAEP_SHA_256', '--out', out, '--json'], BOUND);
      assert.equal(r.status, 3, r.stdout + r.stderr);
      const j = JSON.parse(r.stdout);
      assert.equal(j.results[0].error.code, 'NOT_A_REGULAR_FILE');
      assert.match(j.results[0].error.message, notRegular);
      assert.equal(existsSync(out), false);
    });
    test(`inspect ${dev}: not usable, exit 3`, () => {
      const r = runCli(['inspect', dev === 'FIFO' ? fifo : dev], BOUND);
      assert.equal(r.status, 3, r.stderr);
      assert.match(r.stdout, notRegular);
      assert.match(r.stdout, /Fix: Give the path of a regular file/);
    });
  }
  const cases: Array<[string, (x: string) => string[]]> = [
    ['wrap --bundle', (x) => ['wrap', '--material', tmp.write('m.bin', crypto.randomBytes(32)), '--bundle', x, '--out', tmp.path('never.bin')]],
    ['wrap --public-key', (x) => ['wrap', '--material', tmp.write('m.bin', crypto.randomBytes(32)), '--public-key', x, '--algorithm', 'RSAES_OAEP_SHA_256', '--out', tmp.path('never.bin')]],
    ['wrap --passphrase-file', (x) => ['wrap', '--material', tmp.write('m.bin', crypto.randomBytes(32)), '--bundle', bundleDir, '--passphrase-file', x, '--out', tmp.path('never.bin')]],
    ['bundle', (x) => ['bundle', x, '--normalize', '--out', tmp.path('never-bundle')]],
    ['inspect --passphrase-file', (x) => ['inspect', pub, '--passphrase-file', x]],
  ];
  for (const [what, args] of cases) {
    for (const dev of ['/dev/zero', 'FIFO']) {
      test(`${what} ${dev}: one clear error, exit 3, nothing written`, () => {
        const r = runCli(args(dev === 'FIFO' ? fifo : dev), BOUND);
        assert.equal(r.status, 3, r.stdout + r.stderr);
        assert.match(r.stderr, notRegular);
        assert.match(r.stderr, /Fix: /);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
        assert.equal(existsSync(tmp.path('never.bin')), false);
        assert.equal(existsSync(tmp.path('never-bundle')), false);
      });
    }
  }
});

describe('outputs: never an input, never an existing file without --force', () => {
  const wrapArgs = (material: string, out: string, ...extra: string[]) => ['wrap', '--material', material, '--public-key', pub, '--algorithm', 'RSAES_OAEP_SHA_256', '--out', out, ...extra];

  test('wrap --out the material itself: refused, with or without --force; the key is kept', () => {
    const key = crypto.randomBytes(32);
    const self = tmp.write('self.bin', key);
    for (const force of [[], ['--force']]) {
      const r = runCli(wrapArgs(self, self, ...force));
      assert.equal(r.status, 3, r.stdout + r.stderr);
      assert.match(r.stderr, /The output .*self\.bin is the input .*self\.bin: writing it would destroy the input/);
      assert.deepEqual(readFileSync(self), key);
    }
    // Another path to the same file (a hard link) is the same file too.
    const link = tmp.path('self-link.bin');
    execFileSync('ln', [self, link]);
    const r = runCli(wrapArgs(self, link, '--force'));
    assert.equal(r.status, 3);
    assert.deepEqual(readFileSync(self), key);
  });

  test('wrap --out onto the bundle\'s own token, or the public key: refused', () => {
    const token = readFileSync(join(bundleDir, 'ImportToken.bin'));
    const r = runCli(['wrap', '--material', tmp.write('m3.bin', crypto.randomBytes(32)), '--bundle', bundleDir, '--out', join(bundleDir, 'ImportToken.bin'), '--force']);
    assert.equal(r.status, 3);
    assert.match(r.stderr, /is the input/);
    assert.deepEqual(readFileSync(join(bundleDir, 'ImportToken.bin')), token);
    const before = readFileSync(pub);
    assert.equal(runCli(wrapArgs(tmp.write('m4.bin', crypto.randomBytes(32)), pub, '--force')).status, 3);
    assert.deepEqual(readFileSync(pub), before);
  });

  test('wrap --out an existing file: OUTPUT_EXISTS (exit 3) naming --force; with --force it is replaced', () => {
    const out = tmp.write('existing.bin', 'keep me');
    const mat = crypto.randomBytes(32);
    const m = tmp.write('m5.bin', mat);
    const r = runCli([...wrapArgs(m, out), '--json']);
    assert.equal(r.status, 3);
    const j = JSON.parse(r.stdout);
    assert.equal(j.error.code, 'OUTPUT_EXISTS');
    assert.match(j.error.fix, /--force/);
    assert.equal(readFileSync(out, 'utf8'), 'keep me');
    const f = runCli(wrapArgs(m, out, '--force'));
    assert.equal(f.status, 0, f.stderr);
    assert.deepEqual(unwrapKeyMaterial(readFileSync(out), wrapKey, 'RSAES_OAEP_SHA_256'), mat);
  });

  test('wrap --out-dir with an output already there: nothing written, not even the new ones; --force replaces', () => {
    const dir = tmp.path('outdir');
    mkdirSync(dir);
    writeFileSync(join(dir, 'EncryptedKeyMaterial_b.bin'), 'earlier');
    const a = tmp.write('a.bin', crypto.randomBytes(32));
    const b = tmp.write('b.bin', crypto.randomBytes(32));
    const r = runCli(['wrap', '--material', a, b, '--bundle', bundleDir, '--out-dir', dir]);
    assert.equal(r.status, 3);
    assert.match(r.stderr, /EncryptedKeyMaterial_b\.bin already exists; nothing was written/);
    assert.deepEqual(readdirSync(dir), ['EncryptedKeyMaterial_b.bin']);
    assert.equal(readFileSync(join(dir, 'EncryptedKeyMaterial_b.bin'), 'utf8'), 'earlier');
    const f = runCli(['wrap', '--material', a, b, '--bundle', bundleDir, '--out-dir', dir, '--force']);
    assert.equal(f.status, 0, f.stderr);
    assert.deepEqual(unwrapKeyMaterial(readFileSync(join(dir, 'EncryptedKeyMaterial_b.bin')), wrapKey, 'RSAES_OAEP_SHA_256'), readFileSync(b));
  });

  test('wrap --out-dir over worker threads (--jobs 2): an input in the output folder under an output name is refused, even with --force', () => {
    const dir = tmp.path('outdir-self');
    mkdirSync(dir);
    const key = crypto.randomBytes(32);
    // The material is itself named like the output of another material called "x".
    const victim = join(dir, 'EncryptedKeyMaterial_x.bin');
    writeFileSync(victim, key);
    const x = tmp.write('x.bin', crypto.randomBytes(32));
    const r = runCli(['wrap', '--jobs', '2', '--material', victim, x, '--bundle', bundleDir, '--out-dir', dir, '--force']);
    assert.equal(r.status, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /is the input/);
    assert.deepEqual(readFileSync(victim), key);
  });

  test('generate --out an existing file (or its marker): refused, the file kept; --force replaces both', () => {
    const keep = tmp.write('keep.bin', 'real key');
    const r = runCli(['generate', '--key-spec', 'SYMMETRIC_DEFAULT', '--out', keep]);
    assert.equal(r.status, 3);
    assert.match(r.stderr, /keep\.bin already exists/);
    assert.match(r.stderr, /Fix: Give --force/);
    assert.equal(readFileSync(keep, 'utf8'), 'real key');
    assert.equal(existsSync(keep + '.TEST-MATERIAL.txt'), false);
    const lone = tmp.path('lone.bin');
    writeFileSync(lone + '.TEST-MATERIAL.txt', 'an old marker');
    assert.equal(runCli(['generate', '--key-spec', 'SYMMETRIC_DEFAULT', '--out', lone]).status, 3);
    assert.equal(existsSync(lone), false, 'no material written without its marker');
    const f = runCli(['generate', '--key-spec', 'SYMMETRIC_DEFAULT', '--out', keep, '--force']);
    assert.equal(f.status, 0, f.stderr);
    assert.equal(readFileSync(keep).length, 32);
    assert.match(readFileSync(keep + '.TEST-MATERIAL.txt', 'utf8'), /TEST key material/);
  });

  test('bundle --normalize --out a folder with other files of those names: refused, nothing written; --force replaces; the same files again are no conflict', () => {
    const out = tmp.path('normalized');
    mkdirSync(out);
    writeFileSync(join(out, 'README.txt'), 'my notes');
    const r = runCli(['bundle', bundleDir, '--normalize', '--out', out]);
    assert.equal(r.status, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /README\.txt already exists with other contents; nothing was written/);
    assert.deepEqual(readdirSync(out), ['README.txt']);
    assert.equal(readFileSync(join(out, 'README.txt'), 'utf8'), 'my notes');
    assert.equal(runCli(['bundle', bundleDir, '--normalize', '--out', out, '--force']).status, 0);
    assert.deepEqual(readdirSync(out).sort(), ['ImportToken.bin', 'README.txt', 'WrappingPublicKey.bin', 'kms-import.json']);
    // Normalizing a canonical bundle in place, or again: every file already holds its bytes.
    const again = runCli(['bundle', out, '--normalize']);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(runCli(['bundle', bundleDir, '--normalize', '--out', out]).status, 0);
  });
});

describe('bundle --normalize of the raw GetParametersForImport JSON', () => {
  let json: string;
  let spki: Buffer;
  before(() => {
    spki = crypto.createPublicKey(wrapKey).export({ type: 'spki', format: 'der' });
    json = tmp.write('params.json', JSON.stringify({ KeyId: ARN, ImportToken: crypto.randomBytes(600).toString('base64'), PublicKey: spki.toString('base64'), ParametersValidTo: Date.now() / 1000 + 3600 * 20 }, null, 2));
  });

  test('without --algorithm: refused, saying what is missing (exit 3)', () => {
    const r = runCli(['bundle', json, '--normalize', '--out', tmp.path('p-none')]);
    assert.equal(r.status, 3);
    assert.match(r.stderr, /does not say its wrappingAlgorithm/);
    assert.equal(existsSync(tmp.path('p-none')), false);
  });

  test('with --algorithm: a canonical bundle; the wrapping key spec is the public key\'s (RSA_4096), stated or not', async () => {
    for (const [dir, extra] of [['p-alg', []], ['p-both', ['--wrapping-key-spec', 'RSA_4096']]] as const) {
      const out = tmp.path(dir);
      const r = runCli(['bundle', json, '--algorithm', 'RSAES_OAEP_SHA_256', ...extra, '--normalize', '--out', out, '--json']);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.equal(JSON.parse(r.stdout).wrappingAlgorithm, 'RSAES_OAEP_SHA_256');
      const b = await readBundle(out);
      assert.equal(b.layout, 'canonical');
      assert.equal(b.wrappingAlgorithm, 'RSAES_OAEP_SHA_256');
      assert.equal(b.wrappingKeySpec, 'RSA_4096');
      assert.equal(b.keyArn, ARN);
      assert.deepEqual(b.publicKey, spki);
    }
  });

  test('a --wrapping-key-spec the public key does not have, an unknown value, or SM2PKE with an RSA key: refused, nothing written', () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['--algorithm', 'RSAES_OAEP_SHA_256', '--wrapping-key-spec', 'RSA_2048'], 3, /The wrapping public key is RSA_4096, but the parameters say RSA_2048/],
      [['--algorithm', 'RSAES_OAEP_SHA_256', '--wrapping-key-spec', 'RSA_1024'], 2, /Unknown wrapping key spec "RSA_1024"/],
      [['--algorithm', 'AES_WRAP'], 2, /Unknown wrapping algorithm "AES_WRAP"/],
      [['--algorithm', 'SM2PKE'], 3, /SM2PKE wraps with an SM2 public key, not RSA_4096/],
    ];
    for (const [i, [flags, status, message]] of cases.entries()) {
      const out = tmp.path(`p-bad-${i}`);
      const r = runCli(['bundle', json, ...flags, '--normalize', '--out', out]);
      assert.equal(r.status, status, `${flags.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(existsSync(out), false);
    }
  });

  test('an --algorithm that contradicts the bundle: refused (exit 3)', () => {
    const r = runCli(['bundle', bundleDir, '--algorithm', 'RSA_AES_KEY_WRAP_SHA_256']);
    assert.equal(r.status, 3);
    assert.match(r.stderr, /differs from the algorithm these parameters were downloaded for \(RSAES_OAEP_SHA_256\)/);
  });
});

test('--help names --force and the bundle flags', () => {
  const h = runCli(['--help']);
  assert.match(h.stdout, /--force/);
  assert.match(h.stdout, /kms-import bundle DIR\|ZIP\|JSON \[--algorithm A\] \[--wrapping-key-spec W\]/);
});
