// `kms-import wrap` with SM2PKE (AWS China Regions): the --public-key and --bundle forms write files that
// `openssl pkeyutl -decrypt` with the SM2 wrapping private key turns back into the exact material; what
// the China rules refuse leaves no output file and exits 3.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeBundle } from '../../src/core/bundle';
import { parseMaterial } from '../../src/core/material';
import { openssl, opensslGenPkcs8, tempDir } from '../support/openssl';
import { runCli } from '../support/cli';

const tmp = tempDir('kms-import-cli-sm2-');
after(() => tmp.cleanup());
const ARN = 'arn:aws-cn:kms:cn-north-1:111122223333:key/0b7fd7dd-bac6-4ef2-8790-7413567cad8c';
let keyPem: string;
let pubFile: string;
let bundleDir: string;

before(async () => {
  keyPem = tmp.write('sm2.pem', openssl(['genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:SM2']));
  pubFile = tmp.path('WrappingPublicKey.bin');
  openssl(['pkey', '-in', keyPem, '-pubout', '-outform', 'der', '-out', pubFile]);
  bundleDir = tmp.path('bundle');
  await writeBundle(bundleDir, { keyArn: ARN, keyId: '0b7fd7dd-bac6-4ef2-8790-7413567cad8c', provider: 'aws-cn', region: 'cn-north-1', wrappingAlgorithm: 'SM2PKE', wrappingKeySpec: 'SM2', validTo: new Date(Date.now() + 5 * 3600_000), publicKey: readFileSync(pubFile), importToken: crypto.randomBytes(700) });
});

const decrypt = (file: string) => openssl(['pkeyutl', '-decrypt', '-inkey', keyPem, '-in', file]);

describe('wrap --algorithm SM2PKE', () => {
  test('--public-key SM2PUB --algorithm SM2PKE --key-spec RSA_4096 --provider aws-cn --out FILE: mode 0600, decrypts with openssl', () => {
    const rsa = tmp.write('rsa4096.der', opensslGenPkcs8('rsa', '4096'));
    const out = tmp.path('EncryptedKeyMaterial.bin');
    const r = runCli(['wrap', '--material', rsa, '--public-key', pubFile, '--algorithm', 'SM2PKE', '--key-spec', 'RSA_4096', '--provider', 'aws-cn', '--out', out]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SM2PKE with SM2/);
    assert.equal(statSync(out).mode & 0o777, 0o600);
    assert.deepEqual(decrypt(out), readFileSync(rsa));
  });
  test('--bundle (China download): several materials to --out-dir, each decrypts to its normalised material', () => {
    const files = [
      tmp.write('sm4.bin', crypto.randomBytes(16)),
      tmp.write('ec.pem', openssl(['genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'])),
      tmp.write('sm2key.pem', openssl(['genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:SM2'])),
      tmp.write('rsa.pem', openssl(['genpkey', '-algorithm', 'rsa', '-pkeyopt', 'rsa_keygen_bits:2048'])),
    ];
    const r = runCli(['wrap', '--material', ...files, '--bundle', bundleDir, '--out-dir', tmp.path('wrapped'), '--json']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.algorithm, 'SM2PKE');
    assert.equal(j.wrappingKeySpec, 'SM2');
    assert.equal(j.provider, 'aws-cn');
    assert.equal(j.wrapped, 4);
    for (const [i, f] of files.entries()) assert.deepEqual(decrypt(j.results[i].out), parseMaterial(readFileSync(f)).bytes, f);
  });
  test('refused, with no output file: the SM2 key without --provider aws-cn, 32-byte symmetric material in China, SM2PKE with an RSA key', () => {
    const sym32 = tmp.write('sym32.bin', crypto.randomBytes(32));
    const sym16 = tmp.write('sym16.bin', crypto.randomBytes(16));
    const rsaPub = tmp.write('rsa-pub.der', crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }));
    const cases: Array<[string[], RegExp]> = [
      [['--material', sym16, '--public-key', pubFile, '--algorithm', 'SM2PKE'], /only in the AWS China Regions[\s\S]*--provider aws-cn/],
      [['--material', sym32, '--public-key', pubFile, '--algorithm', 'SM2PKE', '--key-spec', 'SYMMETRIC_DEFAULT', '--provider', 'aws-cn'], /must be 16 bytes \(128-bit SM4 key\)/],
      [['--material', sym16, '--public-key', rsaPub, '--algorithm', 'SM2PKE', '--provider', 'aws-cn'], /SM2PKE wraps with an SM2 public key|needs an SM2 wrapping public key/],
    ];
    for (const [i, [args, re]] of cases.entries()) {
      const out = tmp.path(`refused_${i}.bin`);
      const r = runCli(['wrap', ...args, '--out', out]);
      assert.equal(r.status, 3, `${args.join(' ')}\n${r.stdout}${r.stderr}`);
      assert.match(r.stdout + r.stderr, re);
      assert.match(r.stdout + r.stderr, /Fix: /);
      assert.equal(existsSync(out), false, 'no output file');
    }
  });
});
