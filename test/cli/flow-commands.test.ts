// The CLI's flow commands against a sandbox over HTTP, as a user or a pipeline runs them: create-key,
// get-parameters, import (one shot, --material, --wrapped from the AWS docs' OpenSSL commands), verify,
// list, delete-material — their output, files and exit codes, and what the sandbox was (not) sent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseWrappingPublicKey } from '../../src/core/publicKey';
import { wrapKeyMaterial } from '../../src/core/wrap';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { openssl, tempDir } from '../support/openssl';
import { runCli, runCliAsync } from '../support/cli';

const tmp = tempDir();
let sandbox: Sandbox;
let env: Record<string, string>;

before(async () => {
  sandbox = await startSandbox({ port: 0, wrappingKeyPool: 2 });
  env = {
    AWS_ACCESS_KEY_ID: sandbox.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sandbox.credentials.secretAccessKey,
    AWS_REGION: sandbox.region,
    AWS_ENDPOINT_URL_KMS: sandbox.endpoint,
    AWS_PROFILE: '',
    AWS_CONFIG_FILE: tmp.path('no-config'),
    AWS_SHARED_CREDENTIALS_FILE: tmp.path('no-credentials'),
  };
});
after(async () => {
  await sandbox.close();
  tmp.cleanup();
});

const cli = (args: string[]) => runCliAsync(args, { env, cwd: tmp.dir });
// The fields of the commands' --json output that these tests read.
type CliJson = {
  ok: boolean; keyId: string; keyArn: string; keyState: string; origin: string; expirationModel: string; createdKey: boolean; wrappingAlgorithm: string; bundleDir: string;
  keys: Array<{ keyId: string; aliases: string[] }>;
  failures: Array<{ keyId: string; message: string }>;
  proof: { method: string; holds: boolean };
  steps: Array<{ id: string; status: string }>;
};
const json = (r: { stdout: string }) => JSON.parse(r.stdout) as CliJson;
function material(spec: string, name: string): string {
  const f = tmp.path(name);
  const r = runCli(['generate', '--key-spec', spec, '--out', f]);
  assert.equal(r.status, 0, r.stderr);
  return f;
}

describe('kms-import flow commands against the sandbox', () => {
  test('create-key → get-parameters → import --material → verify → list → delete-material', async () => {
    const c = await cli(['create-key', '--key-spec', 'HMAC_384', '--alias', 'cli-hmac', '--json']);
    assert.equal(c.status, 0, c.stderr);
    const key = json(c);
    assert.match(key.keyArn, /^arn:aws:kms:us-east-1:111122223333:key\//);
    assert.equal(key.keyState, 'PendingImport');
    assert.equal(key.origin, 'EXTERNAL');

    const pending = await cli(['list', '--pending', '--json']);
    assert.equal(pending.status, 0, pending.stderr);
    const row = json(pending).keys.find((k) => k.keyId === key.keyId);
    assert.ok(row, 'the new key is listed as pending import');
    assert.deepEqual(row.aliases, ['alias/cli-hmac']);

    const dir = tmp.path('hmac-bundle');
    const g = await cli(['get-parameters', '--key-id', key.keyId, '--out-dir', dir]);
    assert.equal(g.status, 0, g.stderr);
    assert.match(g.stdout, /valid until \d{4}-\d\d-\d\dT/);
    assert.deepEqual(readdirSync(dir).sort(), ['ImportToken.bin', 'README.txt', 'WrappingPublicKey.bin', 'kms-import.json']);

    const m = material('HMAC_384', 'hmac384.bin');
    const i = await cli(['import', '--key-id', key.keyId, '--bundle', dir, '--material', m, '--json']);
    assert.equal(i.status, 0, i.stderr);
    const r = json(i);
    assert.equal(r.ok, true);
    assert.equal(r.proof.method, 'mac');
    assert.equal(r.proof.holds, true);
    assert.equal(r.keyState, 'Enabled');
    assert.deepEqual(r.steps.filter((s) => s.status !== 'running').map((s) => `${s.id}:${s.status}`), ['create-key:skipped', 'download-parameters:skipped', 'check:done', 'wrap:done', 'import:done', 'prove:done']);

    const v = await cli(['verify', '--key-id', key.keyId, '--material', m]);
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /^PROVEN: /m);
    const other = material('HMAC_384', 'other384.bin');
    const nv = await cli(['verify', '--key-id', key.keyId, '--material', other, '--json']);
    assert.equal(nv.status, 3, 'a proof that does not hold exits 3');
    assert.equal(json(nv).proof.holds, false);

    const d = await cli(['delete-material', '--key-id', key.keyId, '--json']);
    assert.equal(d.status, 0, d.stderr);
    assert.equal(json(d).keyState, 'PendingImport');
  });

  test('the air-gapped split: get-parameters here, wrap with the AWS docs\' OpenSSL commands elsewhere, import --wrapped, verify --material', async () => {
    const key = json(await cli(['create-key', '--key-spec', 'RSA_2048', '--key-usage', 'SIGN_VERIFY', '--json']));
    const dir = tmp.path('rsa-bundle');
    const g = await cli(['get-parameters', '--key-id', key.keyId, '--wrapping-key-spec', 'RSA_4096', '--algorithm', 'RSA_AES_KEY_WRAP_SHA_256', '--out-dir', dir]);
    assert.equal(g.status, 0, g.stderr);
    // The "elsewhere": OpenSSL only, as the AWS documentation shows it.
    const pem = tmp.path('rsa.pem');
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', pem]);
    const der = tmp.path('rsa.der');
    openssl(['pkcs8', '-topk8', '-nocrypt', '-in', pem, '-outform', 'DER', '-out', der]);
    const aes = tmp.path('aes.bin');
    openssl(['rand', '-out', aes, '32']);
    const hex = readFileSync(aes).toString('hex');
    openssl(['enc', '-id-aes256-wrap-pad', '-K', hex, '-iv', 'A65959A6', '-in', der, '-out', tmp.path('material.wrapped')]);
    openssl(['pkeyutl', '-encrypt', '-in', aes, '-out', tmp.path('aes.wrapped'), '-inkey', join(dir, 'WrappingPublicKey.bin'), '-keyform', 'DER', '-pubin', '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256']);
    const wrapped = join(dir, 'EncryptedKeyMaterial.bin');
    writeFileSync(wrapped, Buffer.concat([readFileSync(tmp.path('aes.wrapped')), readFileSync(tmp.path('material.wrapped'))]));

    const i = await cli(['import', '--key-id', key.keyId, '--bundle', dir, '--wrapped', wrapped, '--valid-to', new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10), '--json']);
    assert.equal(i.status, 0, i.stderr);
    const r = json(i);
    assert.equal(r.keyState, 'Enabled');
    assert.equal(r.expirationModel, 'KEY_MATERIAL_EXPIRES');
    assert.equal(r.proof.method, 'not-run');
    const v = await cli(['verify', '--key-id', key.keyId, '--material', pem]);
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /PROVEN: .*GetPublicKey equals the local public key/);
    // The public key alone proves it too (the private key stays wherever it was wrapped).
    const pub = tmp.path('rsa.pub.pem');
    openssl(['pkey', '-in', pem, '-pubout', '-out', pub]);
    assert.equal((await cli(['verify', '--key-id', key.keyId, '--public-key', pub])).status, 0);
  });

  test('one shot: import --key-spec creates, downloads, wraps, imports and proves; names the key ARN and the wrapping', async () => {
    const m = material('ECC_NIST_P256', 'p256.der');
    const r = await cli(['import', '--key-spec', 'ECC_NIST_P256', '--material', m, '--out-dir', tmp.path('oneshot')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Key: +arn:aws:kms:us-east-1:111122223333:key\/[0-9a-f-]{36} \(created\)$/m);
    assert.match(r.stdout, /^Wrapping: +RSAES_OAEP_SHA_256 under RSA_4096$/m);
    assert.match(r.stdout, /^PROVEN: GetPublicKey equals the local public key/m);
    assert.equal(readdirSync(tmp.path('oneshot')).length, 1, 'one bundle folder was written');
    const j = await cli(['import', '--key-spec', 'SYMMETRIC_DEFAULT', '--material', material('SYMMETRIC_DEFAULT', 'aes1.bin'), '--out-dir', tmp.path('oneshot'), '--json']);
    assert.equal(j.status, 0, j.stderr);
    assert.equal(json(j).proof.method, 'round-trip');
    assert.equal(json(j).createdKey, true);
  });

  test('expired parameters are refused before upload (exit 3, nothing sent)', async () => {
    const key = json(await cli(['create-key', '--key-spec', 'SYMMETRIC_DEFAULT', '--json']));
    const dir = tmp.path('expired-bundle');
    sandbox.admin.setClockOffset(-25 * 3600_000); // the sandbox issues parameters that expired an hour ago
    try {
      assert.equal((await cli(['get-parameters', '--key-id', key.keyId, '--out-dir', dir])).status, 0);
    } finally {
      sandbox.admin.setClockOffset(0);
    }
    const before = sandbox.admin.requestCount('ImportKeyMaterial');
    const r = await cli(['import', '--key-id', key.keyId, '--bundle', dir, '--material', material('SYMMETRIC_DEFAULT', 'aes2.bin')]);
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /expired/i);
    assert.match(r.stderr, /^Fix: Download new parameters/m);
    assert.equal(sandbox.admin.requestCount('ImportKeyMaterial'), before, 'no ImportKeyMaterial was sent');
  });

  test('parameters of another key, and a token from another download, are refused before upload', async () => {
    const a = json(await cli(['create-key', '--key-spec', 'SYMMETRIC_DEFAULT', '--json']));
    const b = json(await cli(['create-key', '--key-spec', 'SYMMETRIC_DEFAULT', '--json']));
    const da = tmp.path('bundle-a');
    const db = tmp.path('bundle-b');
    assert.equal((await cli(['get-parameters', '--key-id', a.keyId, '--out-dir', da])).status, 0);
    assert.equal((await cli(['get-parameters', '--key-id', b.keyId, '--out-dir', db])).status, 0);
    const m = material('SYMMETRIC_DEFAULT', 'aes3.bin');
    const before = sandbox.admin.requestCount('ImportKeyMaterial');
    const other = await cli(['import', '--key-id', b.keyId, '--bundle', da, '--material', m]);
    assert.equal(other.status, 3);
    assert.match(other.stderr, /was downloaded for key .*, not for /);
    writeFileSync(join(db, 'ImportToken.bin'), readFileSync(join(da, 'ImportToken.bin')));
    const mixed = await cli(['import', '--key-id', b.keyId, '--bundle', db, '--material', m]);
    assert.equal(mixed.status, 3);
    assert.match(mixed.stderr, /do not belong together/);
    assert.equal(sandbox.admin.requestCount('ImportKeyMaterial'), before, 'nothing was uploaded');
  });

  test('a wrapped file of the wrong size for the bundle is refused before upload; usage errors exit 2', async () => {
    const key = json(await cli(['create-key', '--key-spec', 'SYMMETRIC_DEFAULT', '--json']));
    const dir = tmp.path('size-bundle');
    assert.equal((await cli(['get-parameters', '--key-id', key.keyId, '--out-dir', dir])).status, 0);
    const bad = tmp.path('short.bin');
    writeFileSync(bad, Buffer.alloc(100, 1));
    const before = sandbox.admin.requestCount('ImportKeyMaterial');
    const r = await cli(['import', '--key-id', key.keyId, '--bundle', dir, '--wrapped', bad]);
    assert.equal(r.status, 3);
    assert.match(r.stderr, /100 bytes, which RSAES_OAEP_SHA_256 under an RSA_4096 wrapping key cannot produce/);
    assert.equal(sandbox.admin.requestCount('ImportKeyMaterial'), before);
    assert.equal((await cli(['import', '--key-id', key.keyId, '--bundle', dir])).status, 2);
    assert.equal((await cli(['get-parameters', '--key-id', key.keyId])).status, 2);
    assert.equal((await cli(['verify', '--key-id', key.keyId, '--material', bad, '--public-key', bad])).status, 2);
    assert.equal((await cli(['import', '--key-spec', 'SYMMETRIC_DEFAULT', '--material', bad, '--valid-to', 'tomorrow'])).status, 2);
    assert.ok(!existsSync(tmp.path('kms-import')), 'nothing was written for refused commands');
  });

  test('China Regions: import --key-spec RSA_2048 --region cn-north-1 chooses SM2 and SM2PKE by itself and names the aws-cn ARN', async () => {
    const cn = await startSandbox({ port: 0, wrappingKeyPool: 1, region: 'cn-north-1' });
    try {
      const cnEnv = { ...env, AWS_ACCESS_KEY_ID: cn.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: cn.credentials.secretAccessKey, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_KMS: cn.endpoint };
      const pem = tmp.path('cn-rsa.pem');
      openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', pem]);
      const r = await runCliAsync(['import', '--key-spec', 'RSA_2048', '--material', pem, '--region', 'cn-north-1', '--out-dir', tmp.path('cn-out')], { env: cnEnv, cwd: tmp.dir });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^Key: +arn:aws-cn:kms:cn-north-1:\d{12}:key\/[0-9a-f-]{36} \(created\)$/m);
      assert.match(r.stdout, /^Wrapping: +SM2PKE under SM2$/m);
      assert.match(r.stdout, /^PROVEN: GetPublicKey equals the local public key/m);
      const j = await runCliAsync(['import', '--key-spec', 'RSA_2048', '--material', pem, '--region', 'cn-north-1', '--out-dir', tmp.path('cn-out'), '--json'], { env: cnEnv, cwd: tmp.dir });
      assert.equal(j.status, 0, `${j.stderr}${j.stdout}`); // with --json the refusal is on stdout
      assert.equal(json(j).wrappingAlgorithm, 'SM2PKE');
      assert.match(json(j).keyArn, /^arn:aws-cn:/);
      // RSA_AES is not offered there: refused before anything is created, with the rule's fix.
      const creates = cn.admin.requestCount('CreateKey');
      const refused = await runCliAsync(['import', '--key-spec', 'RSA_2048', '--material', pem, '--region', 'cn-north-1', '--algorithm', 'RSA_AES_KEY_WRAP_SHA_256', '--wrapping-key-spec', 'RSA_4096'], { env: cnEnv, cwd: tmp.dir });
      assert.equal(refused.status, 3, refused.stderr);
      assert.match(refused.stderr, /^Fix: .*SM2PKE/m);
      assert.equal(cn.admin.requestCount('CreateKey'), creates);
    } finally {
      await cn.close();
    }
  });

  test('one-shot imports in the same second (one after another, or side by side) into one --out-dir each get a bundle folder of their own', async () => {
    // The folder is named <key spec>-<UTC time in seconds>. Runs that started in this second (and in the next two
    // minutes, more than this test takes) are stood in for by folders of those names holding a bundle already.
    const out = tmp.path('same-second');
    const stampOf = (t: number) => new Date(t).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const now = Date.now();
    const taken = Array.from({ length: 121 }, (_, s) => `SYMMETRIC_DEFAULT-${stampOf(now + s * 1000)}`);
    for (const name of taken) {
      mkdirSync(join(out, name), { recursive: true });
      writeFileSync(join(out, name, 'kms-import.json'), '{"earlier":true}\n');
    }
    const m = material('SYMMETRIC_DEFAULT', 'same-second.bin');
    const creates = sandbox.admin.requestCount('CreateKey');
    const r = await cli(['import', '--key-spec', 'SYMMETRIC_DEFAULT', '--material', m, '--out-dir', out, '--json']);
    assert.equal(r.status, 0, `${r.stderr}${r.stdout}`);
    const dir = json(r).bundleDir;
    assert.ok(taken.includes(basename(dir).replace(/-2$/, '')) && basename(dir).endsWith('-2'), dir);
    assert.ok(readdirSync(dir).includes('ImportToken.bin'));
    for (const name of taken) assert.deepEqual(readdirSync(join(out, name)), ['kms-import.json'], `${name} is left as it was`);
    assert.equal(sandbox.admin.requestCount('CreateKey'), creates + 1);

    // Side by side: three runs at once, three folders, three imports.
    const runs = await Promise.all([1, 2, 3].map(() => cli(['import', '--key-spec', 'SYMMETRIC_DEFAULT', '--material', m, '--out-dir', out, '--json'])));
    for (const x of runs) assert.equal(x.status, 0, `${x.stderr}${x.stdout}`);
    assert.equal(new Set(runs.map((x) => json(x).bundleDir)).size, 3);

    // A run refused before anything is written leaves no folder behind (not even the --out-dir it would have made).
    const refusedOut = tmp.path('refused-out');
    const refused = await cli(['import', '--key-spec', 'SYMMETRIC_DEFAULT', '--material', material('HMAC_384', 'not-symmetric.bin'), '--out-dir', join(refusedOut, 'deeper')]);
    assert.equal(refused.status, 3, refused.stderr);
    assert.ok(!existsSync(refusedOut), 'no folder is left by a refused run');
  });

  test('a first import of a truncated PKCS#8 shows the KMS\'s own message, not "differs from the material imported before"', async () => {
    const key = json(await cli(['create-key', '--key-spec', 'ECC_NIST_P256', '--json']));
    const dir = tmp.path('truncated-bundle');
    assert.equal((await cli(['get-parameters', '--key-id', key.keyId, '--out-dir', dir])).status, 0);
    const der = readFileSync(material('ECC_NIST_P256', 'p256-full.der'));
    const wrapped = wrapKeyMaterial(der.subarray(0, der.length - 20), parseWrappingPublicKey(readFileSync(join(dir, 'WrappingPublicKey.bin'))), 'RSAES_OAEP_SHA_256');
    writeFileSync(join(dir, 'EncryptedKeyMaterial.bin'), wrapped);
    const r = await cli(['import', '--key-id', key.keyId, '--bundle', dir, '--wrapped', join(dir, 'EncryptedKeyMaterial.bin')]);
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /KMS says: The key material is not a valid private key for ECC_NIST_P256/);
    assert.doesNotMatch(r.stderr, /previously imported|differs from/);
  });
});

test('list names the keys it could not describe instead of leaving them out silently', async () => {
  await sandbox.admin.seedKeys(3, { origin: 'EXTERNAL', state: 'PendingImport' });
  // Every DescribeKey fails (after the CLI provider's retries); ListKeys and ListAliases still answer.
  sandbox.admin.injectFault({ operation: 'DescribeKey', rate: 1, kind: 'internal', count: 100_000 });
  try {
    const j = await cli(['list', '--json']);
    assert.equal(j.status, 0, j.stderr);
    const out = json(j);
    assert.deepEqual(out.keys, []);
    assert.ok(out.failures.length >= 3, `${out.failures.length} failures`);
    assert.ok(out.failures.every((f) => f.keyId.length > 0 && f.message.length > 0));
    const t = await cli(['list']);
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stdout, new RegExp(`${out.failures.length} key\\(s\\) could not be described and are not listed`));
    assert.ok(out.failures.every((f) => t.stdout.includes(f.keyId)));
  } finally {
    sandbox.admin.clearFaults();
  }
});
