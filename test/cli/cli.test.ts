// kms-import as users and scripts call it: outputs, files, modes and exit codes (0 done, 2 usage, 3 refused, 1 other).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeBundle } from '../../src/core/bundle';
import { parseMaterial } from '../../src/core/material';
import { unwrapKeyMaterial } from '../../src/core/wrap';
import { openssl, tempDir } from '../support/openssl';
import { runCli } from '../support/cli';

const tmp = tempDir();
after(() => tmp.cleanup());
let wrapKey: crypto.KeyObject;
let bundleDir: string;
const ARN = 'arn:aws:kms:eu-west-1:111122223333:key/0b7fd7dd-bac6-4ef2-8790-7413567cad8c';

before(async () => {
  const kp = crypto.generateKeyPairSync('rsa', { modulusLength: 4096 });
  wrapKey = kp.privateKey;
  bundleDir = tmp.path('bundle');
  await writeBundle(bundleDir, { keyArn: ARN, keyId: '0b7fd7dd-bac6-4ef2-8790-7413567cad8c', provider: 'aws', region: 'eu-west-1', wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', wrappingKeySpec: 'RSA_4096', validTo: new Date(Date.now() + 5 * 3600_000), publicKey: kp.publicKey.export({ type: 'spki', format: 'der' }), importToken: crypto.randomBytes(700) });
});

describe('generate', () => {
  for (const spec of ['SYMMETRIC_DEFAULT', 'HMAC_384', 'RSA_2048', 'ECC_SECG_P256K1', 'SM2'] as const) {
    test(`${spec}: writes mode 0600 and a TEST-MATERIAL marker; inspect calls it test material`, () => {
      const file = tmp.path(`${spec}.key`);
      const r = runCli(['generate', '--key-spec', spec, '--out', file]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.match(readFileSync(file + '.TEST-MATERIAL.txt', 'utf8'), new RegExp(`TEST key material \\(${spec}`));
      const m = parseMaterial(readFileSync(file));
      assert.equal(m.keySpec, spec === 'HMAC_384' ? 'HMAC_384' : spec);
      const i = runCli(['inspect', file, '--json']);
      assert.equal(i.status, 0);
      const j = JSON.parse(i.stdout);
      assert.equal(j.files[0].testMaterial, true);
      assert.equal(j.files[0].keySpec, spec);
    });
  }
  test('China: --provider aws-cn makes a 16-byte SM4 key', () => {
    const file = tmp.path('sm4.bin');
    assert.equal(runCli(['generate', '--key-spec', 'SYMMETRIC_DEFAULT', '--provider', 'aws-cn', '--out', file]).status, 0);
    assert.equal(readFileSync(file).length, 16);
  });
  test('a key spec that cannot be imported is a usage error (exit 2)', () => {
    const r = runCli(['generate', '--key-spec', 'ML_DSA_44', '--out', tmp.path('x')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cannot be generated/);
  });
});

describe('inspect', () => {
  test('names format, spec, size and public-key fingerprint, never secret bytes', () => {
    const pem = openssl(['genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384']);
    const file = tmp.write('p384.pem', pem);
    const der = openssl(['pkcs8', '-topk8', '-nocrypt', '-outform', 'der'], pem);
    const r = runCli(['inspect', file]);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /EC P-384 private key \(PKCS#8 PEM\)/);
    assert.match(r.stdout, /key spec: ECC_NIST_P384/);
    assert.match(r.stdout, /public key: SHA256:/);
    const secretHex = der.subarray(-120, -100).toString('hex');
    assert.ok(!r.stdout.includes(secretHex) && !r.stdout.includes(der.toString('base64').slice(60, 90)));
  });
  test('recognises a wrapping public key and a parameter bundle with its expiry', () => {
    const r = runCli(['inspect', join(bundleDir, 'WrappingPublicKey.bin'), bundleDir, '--json']);
    assert.equal(r.status, 0, r.stdout);
    const j = JSON.parse(r.stdout);
    assert.equal(j.files[0].type, 'wrapping-public-key');
    assert.equal(j.files[0].wrappingKeySpec, 'RSA_4096');
    assert.equal(j.files[1].type, 'parameter-bundle');
    assert.equal(j.files[1].keyArn, ARN);
    assert.match(j.files[1].expiry, /^expires in 4 h 5\d min$/);
  });
  test('an encrypted key is recognised as such without its passphrase', () => {
    const enc = openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-passout', 'pass:pw'], openssl(['genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']));
    const r = runCli(['inspect', tmp.write('enc.pem', enc), '--json']);
    assert.equal(JSON.parse(r.stdout).files[0].type, 'encrypted-key');
  });
});

describe('check', () => {
  test('compatible → exit 0 with findings; incompatible → exit 3 naming the fix', () => {
    const ok = runCli(['check', '--key-spec', 'ECC_NIST_P521', '--wrapping-key-spec', 'RSA_4096', '--algorithm', 'RSAES_OAEP_SHA_256']);
    assert.equal(ok.status, 0);
    assert.match(ok.stdout, /^Compatible/);
    const bad = runCli(['check', '--key-spec', 'ECC_NIST_P521', '--wrapping-key-spec', 'RSA_2048', '--algorithm', 'RSAES_OAEP_SHA_1', '--json']);
    assert.equal(bad.status, 3);
    const j = JSON.parse(bad.stdout);
    assert.equal(j.compatible, false);
    assert.ok(j.findings.some((f: { code: string }) => f.code === 'P521_RSA2048_OAEP'));
  });
  test('with --material: the file is checked against the spec (HMAC length)', () => {
    const r = runCli(['check', '--key-spec', 'HMAC_256', '--wrapping-key-spec', 'RSA_4096', '--algorithm', 'RSAES_OAEP_SHA_256', '--material', tmp.write('h48.bin', crypto.randomBytes(48))]);
    assert.equal(r.status, 3);
    assert.match(r.stdout, /HMAC_256 takes exactly 32 bytes of key material; this file has 48/);
    assert.match(r.stdout, /Fix: .*HMAC_384/);
  });
  test('China rules with --provider aws-cn', () => {
    const r = runCli(['check', '--key-spec', 'SYMMETRIC_DEFAULT', '--wrapping-key-spec', 'RSA_4096', '--algorithm', 'RSA_AES_KEY_WRAP_SHA_256', '--provider', 'aws-cn']);
    assert.equal(r.status, 3);
    assert.match(r.stdout, /not supported in the AWS China Regions/);
  });
  test('usage errors exit 2 with a fix: unknown option, unknown spec, missing option', () => {
    for (const args of [['check', '--nope'], ['check', '--key-spec', 'AES_999', '--wrapping-key-spec', 'RSA_4096', '--algorithm', 'RSAES_OAEP_SHA_256'], ['check', '--key-spec', 'HMAC_256'], ['frobnicate']]) {
      const r = runCli(args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, /^kms-import: .+\nFix: .+/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });
});

describe('wrap', () => {
  test('many files in one call with a bundle: each output decrypts (as KMS would) to the normalised material', () => {
    const files = [
      tmp.write('m-sym.bin', crypto.randomBytes(32)),
      tmp.write('m-hmac.hex', crypto.randomBytes(64).toString('hex')),
      tmp.write('m-rsa.pem', openssl(['genpkey', '-algorithm', 'rsa', '-pkeyopt', 'rsa_keygen_bits:3072'])),
      tmp.write('m-k1.pem', openssl(['genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1'])),
    ];
    const out = tmp.path('wrapped');
    const r = runCli(['wrap', '--material', ...files, '--bundle', bundleDir, '--out-dir', out, '--json']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.algorithm, 'RSA_AES_KEY_WRAP_SHA_256');
    assert.equal(j.wrapped, 4);
    for (const [i, f] of files.entries()) {
      const outFile = j.results[i].out as string;
      assert.equal(statSync(outFile).mode & 0o777, 0o600);
      const plain = unwrapKeyMaterial(readFileSync(outFile), wrapKey, 'RSA_AES_KEY_WRAP_SHA_256');
      assert.deepEqual(plain, parseMaterial(readFileSync(f)).bytes, f);
    }
    assert.deepEqual(readdirSync(out).sort(), ['EncryptedKeyMaterial_m-hmac.bin', 'EncryptedKeyMaterial_m-k1.bin', 'EncryptedKeyMaterial_m-rsa.bin', 'EncryptedKeyMaterial_m-sym.bin']);
  });
  test('--public-key with --algorithm, --out FILE', () => {
    const pub = tmp.write('pub.pem', crypto.createPublicKey(wrapKey).export({ type: 'spki', format: 'pem' }));
    const mat = crypto.randomBytes(32);
    const out = tmp.path('EncryptedKeyMaterial.bin');
    const r = runCli(['wrap', '--material', tmp.write('m.bin', mat), '--public-key', pub, '--algorithm', 'RSAES_OAEP_SHA_256', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /wrapped .*m\.bin \(SYMMETRIC_DEFAULT\) → .*EncryptedKeyMaterial\.bin \(512 bytes, RSAES_OAEP_SHA_256 with RSA_4096\)/);
    assert.deepEqual(unwrapKeyMaterial(readFileSync(out), wrapKey, 'RSAES_OAEP_SHA_256'), mat);
  });
  test('an --algorithm that differs from the bundle is refused before anything is written (the InvalidCiphertext trap)', () => {
    const out = tmp.path('never.bin');
    const r = runCli(['wrap', '--material', tmp.write('m2.bin', crypto.randomBytes(32)), '--bundle', bundleDir, '--algorithm', 'RSAES_OAEP_SHA_1', '--out', out]);
    assert.equal(r.status, 3);
    assert.match(r.stderr, /differs from the algorithm these parameters were downloaded for \(RSA_AES_KEY_WRAP_SHA_256\)/);
    assert.equal(existsSync(out), false);
  });
  test('a refused file among good ones: the good ones are written, the refused one is not, exit 3', () => {
    const out = tmp.path('mixed');
    const r = runCli(['wrap', '--material', tmp.write('good.bin', crypto.randomBytes(32)), tmp.write('bad.bin', crypto.randomBytes(31)), '--bundle', bundleDir, '--out-dir', out]);
    assert.equal(r.status, 3);
    assert.deepEqual(readdirSync(out), ['EncryptedKeyMaterial_good.bin']);
    assert.match(r.stdout, /1 wrapped, 1 refused/);
  });
  test('usage: --out with several files, both --bundle and --public-key, no output', () => {
    assert.equal(runCli(['wrap', '--material', 'a', 'b', '--bundle', bundleDir, '--out', 'x']).status, 2);
    assert.equal(runCli(['wrap', '--material', 'a', '--bundle', bundleDir, '--public-key', 'p', '--out', 'x']).status, 2);
    assert.equal(runCli(['wrap', '--material', 'a', '--bundle', bundleDir]).status, 2);
  });
});

describe('bundle', () => {
  test('summary with expiry; --normalize writes the canonical layout', async () => {
    const legacy = tmp.path('legacy');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(legacy);
    writeFileSync(join(legacy, 'wrappingKey_0b7fd7dd-bac6-4ef2-8790-7413567cad8c_0809092909'), crypto.createPublicKey(wrapKey).export({ type: 'spki', format: 'der' }));
    writeFileSync(join(legacy, 'importToken_0b7fd7dd-bac6-4ef2-8790-7413567cad8c_0809092909'), crypto.randomBytes(500));
    writeFileSync(join(legacy, 'README_0b7fd7dd-bac6-4ef2-8790-7413567cad8c_0809092909.txt'), `Key: ${ARN}\nWrapping algorithm: RSAES_OAEP_SHA_256\nExpiration time: ${new Date(Date.now() + 3600_000 * 10).toISOString()}\n`);
    const r = runCli(['bundle', legacy, '--normalize']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /parameter bundle \(console-legacy\)/);
    assert.match(r.stdout, /wrapping algorithm: RSAES_OAEP_SHA_256/);
    assert.match(r.stdout, /expires in (9 h 5\d min|10 h 0 min)/);
    assert.ok(existsSync(join(legacy, 'kms-import.json')));
    const again = runCli(['bundle', legacy, '--json']);
    assert.equal(JSON.parse(again.stdout).layout, 'canonical');
  });
  test('expired parameters: exit 3 and the fix is to download new ones', async () => {
    const d = tmp.path('expired');
    await writeBundle(d, { keyArn: ARN, keyId: 'k', provider: 'aws', region: 'eu-west-1', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_4096', validTo: new Date(Date.now() - 3600_000), publicKey: crypto.createPublicKey(wrapKey).export({ type: 'spki', format: 'der' }), importToken: crypto.randomBytes(10) });
    const r = runCli(['bundle', d]);
    assert.equal(r.status, 3);
    assert.match(r.stdout, /EXPIRED: expired 1 h 0 min ago/);
    assert.match(r.stderr, /Download a new wrapping public key and import token/);
  });
});

test('--help prints the usage with every command; no command is a usage error', () => {
  const h = runCli(['--help']);
  assert.equal(h.status, 0);
  for (const c of ['inspect', 'check', 'wrap', 'generate', 'bundle', 'sandbox', 'demo']) assert.match(h.stdout, new RegExp(`kms-import ${c}`));
  assert.equal(runCli([]).status, 2);
});
