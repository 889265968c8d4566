// `kms-import hsm-wrap` as a user runs it (the built CLI, a fresh process per call) against a real SoftHSM2
// token: a wrap, and the refusals — wrong PIN, missing module, unknown token, no PIN — each with its exit
// code, a message and a fix, no stack trace and nothing written; --cloudhsm-steps prints the commands.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as crypto from 'node:crypto';
import { writeBundle } from '../../src/core/bundle';
import { tempDir } from '../support/openssl';
import { runCli } from '../support/cli';
import { makeGenericSecret, startSoftHsm, type SoftHsm } from '../support/softhsm';

const tmp = tempDir('kms-import-hsm-cli-');
let hsm: SoftHsm;
let bundle: string;
before(async () => {
  hsm = startSoftHsm();
  makeGenericSecret(hsm, 32, { label: 'hmac-cli', id: Buffer.from('c1', 'hex') });
  // A bundle with a local wrapping key (the CLI does not talk to KMS); the sandbox tests import for real.
  const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  bundle = tmp.path('bundle');
  await writeBundle(bundle, {
    keyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', provider: 'aws', region: 'us-east-1',
    wrappingAlgorithm: 'RSAES_OAEP_SHA_1', wrappingKeySpec: 'RSA_2048', validTo: new Date(Date.now() + 3600_000), publicKey: publicKey.export({ format: 'der', type: 'spki' }), importToken: crypto.randomBytes(64),
  });
});
after(() => {
  hsm.cleanup();
  tmp.cleanup();
});

const base = () => ['hsm-wrap', '--module', hsm.module, '--token', hsm.label, '--bundle', bundle];

function refused(r: { status: number; stdout: string; stderr: string }, status: number, pattern: RegExp) {
  assert.equal(r.status, status, r.stderr + r.stdout);
  assert.match(r.stderr, pattern);
  assert.match(r.stderr, /\nFix: /);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.equal(existsSync(join(bundle, 'EncryptedKeyMaterial.bin')), false);
}

test('a wrong PIN is refused (exit 3), the PIN is not printed, nothing is written', () => {
  const r = runCli([...base(), '--key-label', 'hmac-cli'], { env: { KMS_IMPORT_HSM_PIN: '987654' } });
  refused(r, 3, /The PIN for token "ci-token" is wrong \(CKR_PIN_INCORRECT\)/);
  assert.doesNotMatch(r.stderr + r.stdout, /987654/);
});

test('a missing module, an unknown token and a missing PIN are refused clearly', () => {
  refused(runCli(['hsm-wrap', '--module', '/nonexistent/libpkcs11.so', '--token', hsm.label, '--bundle', bundle, '--key-label', 'hmac-cli', '--pin-file', hsm.pinFile]), 3, /The PKCS#11 library \/nonexistent\/libpkcs11.so does not exist/);
  refused(runCli(['hsm-wrap', '--module', '/etc/hostname', '--token', hsm.label, '--bundle', bundle, '--key-label', 'hmac-cli', '--pin-file', hsm.pinFile]), 3, /could not be loaded/);
  refused(runCli(['hsm-wrap', '--module', hsm.module, '--token', 'nope', '--bundle', bundle, '--key-label', 'hmac-cli', '--pin-file', hsm.pinFile]), 3, /No token labelled "nope".*\(tokens: "ci-token"/);
  refused(runCli([...base(), '--key-label', 'hmac-cli'], { env: { KMS_IMPORT_HSM_PIN: '' } }), 2, /needs the token's PIN/);
  refused(runCli([...base(), '--key-label', 'hmac-cli', '--key-id', 'c1', '--pin-file', hsm.pinFile]), 2, /exactly one of --key-label and --key-id/);
});

test('wraps by --key-id with --pin-file: the file (0600), the mechanism and the self-test in --json', () => {
  const r = runCli([...base(), '--key-id', 'c1', '--pin-file', hsm.pinFile, '--json']);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const j = JSON.parse(r.stdout);
  assert.equal(j.ok, true);
  assert.equal(j.file, join(bundle, 'EncryptedKeyMaterial.bin'));
  assert.equal(j.bytes, 256);
  assert.equal(j.keySpec, 'HMAC_256');
  assert.match(j.mechanism, /CKM_RSA_PKCS_OAEP \(SHA-1, MGF1-SHA-1, no label\)/);
  assert.match(j.selfTest, /unwrapped to exactly that key \(32 bytes\)/);
  assert.match(j.mechanismsOffered, /OAEP with SHA-1 only/);
  assert.ok(j.sessionObjectsDestroyed >= 2);
  assert.equal(statSync(j.file).mode & 0o777, 0o600);
  // Never overwritten without --force.
  const again = runCli([...base(), '--key-id', 'c1', '--pin-file', hsm.pinFile]);
  assert.equal(again.status, 3);
  assert.match(again.stderr, /already exists/);
});

test('--cloudhsm-steps prints the CloudHSM CLI commands for this bundle without touching an HSM', () => {
  const r = runCli(['hsm-wrap', '--cloudhsm-steps', '--bundle', bundle, '--key-label', 'ec-priv-import-to-kms']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`key import pem --path '${bundle}/WrappingPublicKey.pem' --label kms-wrapping-key-1234abcd --key-type-class rsa-public --attributes wrap=true`));
  assert.match(r.stdout, /key wrap rsa-oaep --payload-filter attr.label=ec-priv-import-to-kms --wrapping-filter attr.label=kms-wrapping-key-1234abcd --hash-function sha1 --mgf mgf1-sha1 --path /);
});

test('koffi and the HSM code stay out of the CLI bundle: only dist/cli-hsm.js loads them, on hsm-wrap', () => {
  const root = join(__dirname, '..', '..');
  const cli = readFileSync(join(root, 'dist', 'cli.js'), 'utf8');
  assert.doesNotMatch(cli, /koffi|C_GetFunctionList/);
  assert.match(cli, /cli-hsm\.js/);
  const chunk = readFileSync(join(root, 'dist', 'cli-hsm.js'), 'utf8');
  assert.match(chunk, /require\("koffi"\)/);
  assert.match(chunk, /C_GetFunctionList/);
});
