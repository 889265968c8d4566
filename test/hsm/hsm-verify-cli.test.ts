// `kms-import verify --hsm-module …` as a user runs it (the built CLI, a fresh process per call) against a real
// SoftHSM2 token and the sandbox over HTTP: an HMAC key made in the HSM is wrapped there (hsm-wrap), imported as
// is (import --wrapped), and proven from the HSM without its plaintext — exit 0 when the proof holds, 3 when the
// HSM key is another one; the HSM key is named by --key-label or --hsm-key-id (--key-id is the KMS key).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { tempDir } from '../support/openssl';
import { runCliAsync } from '../support/cli';
import { makeGenericSecret, startSoftHsm, type SoftHsm } from '../support/softhsm';

const tmp = tempDir('kms-import-hsm-verify-');
let hsm: SoftHsm;
let sandbox: Sandbox;
let env: Record<string, string>;
before(async () => {
  hsm = startSoftHsm();
  makeGenericSecret(hsm, 32, { label: 'verify-hmac', id: Buffer.from('a1', 'hex') });
  makeGenericSecret(hsm, 32, { label: 'verify-other', id: Buffer.from('a2', 'hex') });
  sandbox = await startSandbox({ port: 0, wrappingKeyPool: 2 });
  env = {
    AWS_ACCESS_KEY_ID: sandbox.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sandbox.credentials.secretAccessKey, AWS_REGION: sandbox.region,
    AWS_ENDPOINT_URL_KMS: sandbox.endpoint, AWS_PROFILE: '', AWS_CONFIG_FILE: tmp.path('no-config'), AWS_SHARED_CREDENTIALS_FILE: tmp.path('no-credentials'),
  };
});
after(async () => {
  await sandbox.close();
  hsm.cleanup();
  tmp.cleanup();
});

const cli = (args: string[]) => runCliAsync(args, { env, cwd: tmp.dir });

test('hsm-wrap → import --wrapped → verify --hsm-module: 0 for the HSM key (by label and by --hsm-key-id), 3 for another', async () => {
  const c = await cli(['create-key', '--key-spec', 'HMAC_256', '--json']);
  assert.equal(c.status, 0, c.stderr);
  const keyId = JSON.parse(c.stdout).keyId as string;
  const dir = tmp.path('bundle');
  const g = await cli(['get-parameters', '--key-id', keyId, '--wrapping-key-spec', 'RSA_2048', '--algorithm', 'RSAES_OAEP_SHA_1', '--out-dir', dir]);
  assert.equal(g.status, 0, g.stderr);
  const w = await cli(['hsm-wrap', '--module', hsm.module, '--token', hsm.label, '--pin-file', hsm.pinFile, '--key-label', 'verify-hmac', '--bundle', dir]);
  assert.equal(w.status, 0, w.stderr);
  const i = await cli(['import', '--key-id', keyId, '--bundle', dir, '--wrapped', join(dir, 'EncryptedKeyMaterial.bin'), '--no-expiry']);
  assert.equal(i.status, 0, i.stderr);
  assert.match(i.stdout, /verify --key-id .* --hsm-module LIB/);

  const hsmArgs = ['--hsm-module', hsm.module, '--token', hsm.label, '--pin-file', hsm.pinFile];
  const ok = await cli(['verify', '--key-id', keyId, ...hsmArgs, '--key-label', 'verify-hmac', '--json']);
  assert.equal(ok.status, 0, ok.stderr + ok.stdout);
  const r = JSON.parse(ok.stdout);
  assert.equal(r.ok, true);
  assert.equal(r.proof.method, 'mac');
  assert.match(r.proof.detail, /GenerateMac \(HMAC_SHA_256\) equals the HSM's HMAC of a random message/);
  assert.doesNotMatch(ok.stdout + ok.stderr, /1234/); // the PIN is never printed

  const byId = await cli(['verify', '--key-id', keyId, ...hsmArgs, '--hsm-key-id', 'a1']);
  assert.equal(byId.status, 0, byId.stderr + byId.stdout);
  assert.match(byId.stdout, /✓ Prove .*GenerateMac|PROVEN: .*HSM's HMAC/);

  const other = await cli(['verify', '--key-id', keyId, ...hsmArgs, '--key-label', 'verify-other']);
  assert.equal(other.status, 3, other.stderr + other.stdout);
  assert.match(other.stdout, /NOT PROVEN: .*differs from the HSM's HMAC/);
});

test('verify --hsm-module refusals: usage (2) for a mixed or incomplete call, a wrong PIN refused with a fix and no stack trace', async () => {
  const mixed = await cli(['verify', '--key-id', 'k', '--hsm-module', hsm.module, '--public-key', 'x.pem', '--token', hsm.label, '--key-label', 'verify-hmac']);
  assert.equal(mixed.status, 2);
  assert.match(mixed.stderr, /exactly one of --material FILE, --public-key FILE and --hsm-module LIB/);
  const both = await cli(['verify', '--key-id', 'k', '--hsm-module', hsm.module, '--token', hsm.label, '--key-label', 'a', '--hsm-key-id', 'a1']);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /--hsm-key-id \(the HSM key; --key-id is the KMS key\)/);
  const stray = await cli(['verify', '--key-id', 'k', '--public-key', 'x.pem', '--token', hsm.label]);
  assert.equal(stray.status, 2);
  assert.match(stray.stderr, /go with --hsm-module/);
  const pinFile = tmp.path('wrong-pin');
  await import('node:fs').then((fs) => fs.writeFileSync(pinFile, '9999\n', { mode: 0o600 }));
  const wrong = await cli(['verify', '--key-id', 'k', '--hsm-module', hsm.module, '--token', hsm.label, '--key-label', 'verify-hmac', '--pin-file', pinFile]);
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stderr, /PIN/);
  assert.match(wrong.stderr, /\nFix: /);
  assert.doesNotMatch(wrong.stderr, /\n\s+at /);
});
