// The CLI's flow commands with --provider huawei against the sandbox's Huawei Cloud KMS API, as a user runs them
// with the HUAWEICLOUD_* lines `kms-import sandbox` prints: create-key, get-parameters (Huawei's console layout),
// import (one shot, --material, --wrapped from seed 002's OpenSSL commands), verify, list, delete-material — their
// --json answers, files, exit codes, the key states Huawei reports, and the usage errors that name the fix.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readBundle } from '../../src/core/bundle';
import { HuaweiKmsProvider } from '../../src/providers/huawei/huaweiProvider';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { openssl, tempDir } from '../support/openssl';
import { runCli, runCliAsync } from '../support/cli';

const tmp = tempDir('kms-import-hw-cli-');
let sandbox: Sandbox;
let env: Record<string, string>;
let hw: HuaweiKmsProvider;

before(async () => {
  sandbox = await startSandbox({ port: 0, wrappingKeyPool: 2 });
  const h = sandbox.huawei;
  env = {
    HUAWEICLOUD_SDK_AK: h.accessKey,
    HUAWEICLOUD_SDK_SK: h.secretKey,
    HUAWEICLOUD_SDK_PROJECT_ID: h.projectId,
    HUAWEICLOUD_KMS_ENDPOINT: h.endpoint,
    HUAWEICLOUD_SDK_REGION: '',
    HUAWEICLOUD_SDK_SECURITY_TOKEN: '',
    // Nothing of AWS may be used: no credentials, no endpoint.
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_ENDPOINT_URL_KMS: '',
    AWS_PROFILE: '',
    AWS_CONFIG_FILE: tmp.path('no-config'),
    AWS_SHARED_CREDENTIALS_FILE: tmp.path('no-credentials'),
  };
  hw = new HuaweiKmsProvider({ region: h.region, projectId: h.projectId, endpoint: h.endpoint, credentials: { accessKey: h.accessKey, secretKey: h.secretKey } });
});
after(async () => {
  hw.dispose();
  await sandbox.close();
  tmp.cleanup();
});

type CliJson = {
  ok: boolean; keyId: string; keyArn: string; keySpec: string; keyUsage: string; keyState: string; origin: string; bundleDir: string;
  wrappingAlgorithm: string; wrappingKeySpec: string; expirationModel: string; validTo: string; createdKey: boolean;
  keys: Array<{ keyId: string; keyState: string }>;
  findings: Array<{ severity: string; code: string; message: string }>;
  proof: { method: string; holds: boolean; detail: string; kmsSignature?: { algorithm: string; holds: boolean } };
  error: { code: string; message: string; fix: string };
};
const json = (r: { stdout: string }) => JSON.parse(r.stdout) as CliJson;
/** A flow command against Huawei: --provider huawei and the sandbox's region, the rest from HUAWEICLOUD_*. */
const kms = (cmd: string, args: string[], extraEnv: Record<string, string> = {}) => runCliAsync([cmd, '--provider', 'huawei', '--region', 'cn-north-4', ...args], { env: { ...env, ...extraEnv }, cwd: tmp.dir });
const ok = (r: { status: number; stdout: string; stderr: string }, what: string) => assert.equal(r.status, 0, `${what}: ${r.stderr}${r.stdout}`);

function material(spec: string, name: string): string {
  const f = tmp.path(name);
  const r = runCli(['generate', '--key-spec', spec, '--out', f]);
  assert.equal(r.status, 0, r.stderr);
  return f;
}

/** The bundle folder holds Huawei's console download (sources/002 step 10) plus our manifest. */
function assertHuaweiLayout(dir: string, keyId: string): void {
  const names = readdirSync(dir).sort();
  assert.equal(names.length, 4, names.join(', '));
  const [readme, token, manifest, wrappingKey] = names;
  assert.match(readme, new RegExp(`^README_${keyId}_\\d{14}\\.txt$`));
  assert.match(token, new RegExp(`^importToken_${keyId}_\\d{14}$`));
  assert.equal(manifest, 'kms-import.json');
  assert.match(wrappingKey, new RegExp(`^wrappingKey_${keyId}_\\d{14}$`));
  assert.equal(statSync(join(dir, token)).mode & 0o777, 0o600);
  // The wrapping key is the DER public key seed 002 feeds to openssl (-keyform der -pubin): RSA_2048.
  const text = openssl(['pkey', '-pubin', '-inform', 'der', '-in', join(dir, wrappingKey), '-noout', '-text']).toString();
  assert.match(text, /Public-Key: \(2048 bit\)/);
}

const SPECS = [
  { spec: 'SYMMETRIC_DEFAULT', huawei: 'AES_256', file: 'aes.bin', algorithm: 'RSAES_OAEP_SHA_256', method: 'round-trip', usage: 'ENCRYPT_DECRYPT', signature: undefined },
  { spec: 'RSA_2048', huawei: 'RSA_2048', file: 'rsa.pem', algorithm: 'RSA_AES_KEY_WRAP_SHA_256', method: 'public-key', usage: 'SIGN_VERIFY', signature: 'RSASSA_PKCS1_V1_5_SHA_256' },
  { spec: 'ECC_NIST_P256', huawei: 'EC_P256', file: 'ec.pem', algorithm: 'RSA_AES_KEY_WRAP_SHA_256', method: 'public-key', usage: 'SIGN_VERIFY', signature: 'ECDSA_SHA_256' },
] as const;

describe('kms-import flow commands with --provider huawei against the sandbox', () => {
  for (const s of SPECS) {
    test(`${s.huawei}: one-shot import, then create-key → get-parameters → import --material → verify (proof holds)`, async () => {
      const file = material(s.spec, s.file);
      // One shot.
      const one = await kms('import', ['--key-spec', s.spec, '--material', file, '--out-dir', tmp.path(`oneshot-${s.spec}`), '--json']);
      ok(one, 'one-shot import');
      const r = json(one);
      assert.equal(r.ok, true);
      assert.equal(r.createdKey, true);
      assert.equal(r.wrappingKeySpec, 'RSA_2048');
      assert.equal(r.wrappingAlgorithm, s.algorithm);
      assert.equal(r.proof.method, s.method);
      assert.equal(r.proof.holds, true, r.proof.detail);
      assert.equal(r.proof.kmsSignature?.algorithm, s.signature);
      if (s.signature) assert.equal(r.proof.kmsSignature?.holds, true);
      assertHuaweiLayout(r.bundleDir, r.keyId);
      const k1 = await hw.describeKey(r.keyId);
      assert.deepEqual([k1.providerKeySpec, k1.keyState, k1.origin, k1.keyUsage, k1.expirationModel], [s.huawei, 'Enabled', 'EXTERNAL', s.usage, 'KEY_MATERIAL_DOES_NOT_EXPIRE']);

      // Step by step.
      const c = await kms('create-key', ['--key-spec', s.spec, '--alias', `cli-${s.huawei}`, '--json']);
      ok(c, 'create-key');
      const key = json(c);
      assert.deepEqual([key.keySpec, key.keyUsage, key.keyState, key.origin], [s.spec, s.usage, 'PendingImport', 'EXTERNAL']);
      assert.equal(key.keyArn, key.keyId, 'Huawei key ids stand for ARNs');
      const dir = tmp.path(`params-${s.spec}`);
      const g = await kms('get-parameters', ['--key-id', key.keyId, '--out-dir', dir, '--json']);
      ok(g, 'get-parameters');
      assert.deepEqual([json(g).wrappingAlgorithm, json(g).wrappingKeySpec, json(g).bundleDir], [s.algorithm, 'RSA_2048', dir]);
      assertHuaweiLayout(dir, key.keyId);
      // Our own reader reads it back, with every fact.
      const b = await readBundle(dir);
      assert.deepEqual([b.layout, b.provider, b.region, b.keyId, b.wrappingAlgorithm, b.wrappingKeySpec], ['canonical', 'huawei', 'cn-north-4', key.keyId, s.algorithm, 'RSA_2048']);
      const validTo = new Date(Date.now() + 30 * 86_400_000);
      const imp = await kms('import', ['--key-id', key.keyId, '--bundle', dir, '--material', file, '--valid-to', validTo.toISOString(), '--json']);
      ok(imp, 'import --material');
      assert.equal(json(imp).proof.holds, true);
      assert.equal(json(imp).expirationModel, 'KEY_MATERIAL_EXPIRES');
      const k2 = await hw.describeKey(key.keyId);
      assert.equal(k2.keyState, 'Enabled');
      // --valid-to became Huawei's expiration_time (whole seconds).
      assert.equal(k2.validTo?.getTime(), Math.floor(validTo.getTime() / 1000) * 1000);

      const v = await kms('verify', ['--key-id', key.keyId, '--material', file, '--json']);
      ok(v, 'verify');
      assert.equal(json(v).ok, true);
      assert.equal(json(v).proof.method, s.method);
      if (s.method === 'public-key') {
        // Another private key of the same spec: the proof does not hold, exit 3. (A symmetric key's round trip runs
        // inside KMS alone and cannot tell one AES key from another: it proves the key works, not which material it holds.)
        const other = material(s.spec, `other-${s.file}`);
        const bad = await kms('verify', ['--key-id', key.keyId, '--material', other, '--json']);
        assert.equal(bad.status, 3, bad.stdout);
        assert.equal(json(bad).ok, false);
        assert.equal(json(bad).proof.holds, false);
      }
    });
  }

  test("get-parameters → wrap with seed 002's openssl pkeyutl (OAEP SHA-256, and SHA-1 with its warning) → import --wrapped", async () => {
    const aes = material('SYMMETRIC_DEFAULT', 'ossl-aes.bin');
    for (const md of ['sha256', 'sha1'] as const) {
      const key = json(await kms('create-key', ['--key-spec', 'SYMMETRIC_DEFAULT', '--json']));
      const dir = tmp.path(`ossl-${md}`);
      const g = await kms('get-parameters', ['--key-id', key.keyId, '--out-dir', dir, '--json', ...(md === 'sha1' ? ['--algorithm', 'RSAES_OAEP_SHA_1'] : [])]);
      ok(g, 'get-parameters');
      const warnings = json(g).findings.map((f) => f.code);
      if (md === 'sha1') assert.deepEqual(warnings, ['SHA1_INSECURE']);
      else assert.deepEqual(warnings, []);
      const wrappingKey = readdirSync(dir).find((n) => n.startsWith('wrappingKey_'))!;
      // sources/002, Table 2: openssl pkeyutl -in PlaintextKeyMaterial.bin -inkey PublicKey.bin -out EncryptedKeyMaterial.bin -keyform der -pubin -encrypt -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256
      const out = tmp.path(`EncryptedKeyMaterial-${md}.bin`);
      openssl(['pkeyutl', '-in', aes, '-inkey', join(dir, wrappingKey), '-out', out, '-keyform', 'der', '-pubin', '-encrypt', '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', `rsa_oaep_md:${md}`]);
      const imp = await kms('import', ['--key-id', key.keyId, '--bundle', dir, '--wrapped', out, '--json']);
      ok(imp, `import --wrapped (${md})`);
      assert.equal(json(imp).wrappingAlgorithm, md === 'sha1' ? 'RSAES_OAEP_SHA_1' : 'RSAES_OAEP_SHA_256');
      assert.deepEqual(json(imp).findings.map((f) => f.code), md === 'sha1' ? ['SHA1_INSECURE'] : []);
      assert.equal((await hw.describeKey(key.keyId)).keyState, 'Enabled');
      ok(await kms('verify', ['--key-id', key.keyId, '--material', aes]), 'verify');
    }
    // The text form says the warning too.
    const key = json(await kms('create-key', ['--key-spec', 'SYMMETRIC_DEFAULT', '--json']));
    const g = await kms('get-parameters', ['--key-id', key.keyId, '--out-dir', tmp.path('ossl-text'), '--algorithm', 'RSAES_OAEP_SHA_1']);
    ok(g, 'get-parameters (text)');
    assert.match(g.stdout, /Warning \(SHA1_INSECURE\): RSAES_OAEP_SHA_1 uses SHA-1, which Huawei Cloud flags as no longer secure\./);
    assert.match(g.stdout, /Next: kms-import import --provider huawei --region cn-north-4 --key-id /);
  });

  test('list --pending and --external; delete-material: symmetric works, asymmetric is refused (KMS.2702, exit 3)', async () => {
    const pending = json(await kms('create-key', ['--key-spec', 'SYMMETRIC_DEFAULT', '--json']));
    const aes = material('SYMMETRIC_DEFAULT', 'del-aes.bin');
    const sym = json(await kms('import', ['--key-spec', 'SYMMETRIC_DEFAULT', '--material', aes, '--out-dir', tmp.path('del'), '--json']));
    const ec = json(await kms('import', ['--key-spec', 'ECC_NIST_P256', '--material', material('ECC_NIST_P256', 'del-ec.pem'), '--out-dir', tmp.path('del'), '--json']));
    assert.equal(sym.ok && ec.ok, true);

    const lp = await kms('list', ['--pending', '--json']);
    ok(lp, 'list --pending');
    const pendingIds = json(lp).keys.map((k) => k.keyId);
    assert.ok(pendingIds.includes(pending.keyId));
    assert.ok(!pendingIds.includes(sym.keyId) && !pendingIds.includes(ec.keyId));
    assert.ok(json(lp).keys.every((k) => k.keyState === 'PendingImport'));
    const le = json(await kms('list', ['--external', '--json'])).keys.map((k) => k.keyId);
    for (const id of [pending.keyId, sym.keyId, ec.keyId]) assert.ok(le.includes(id), id);

    const d = await kms('delete-material', ['--key-id', sym.keyId, '--json']);
    ok(d, 'delete-material (symmetric)');
    assert.equal(json(d).keyState, 'PendingImport');
    assert.equal((await hw.describeKey(sym.keyId)).keyState, 'PendingImport');
    // Only the same material comes back: import it again from a fresh download.
    const again = await kms('import', ['--key-id', sym.keyId, '--material', aes, '--bundle', json(await kms('get-parameters', ['--key-id', sym.keyId, '--out-dir', tmp.path('del-again'), '--json'])).bundleDir, '--json']);
    ok(again, 're-import');
    assert.equal((await hw.describeKey(sym.keyId)).keyState, 'Enabled');

    const refused = await kms('delete-material', ['--key-id', ec.keyId]);
    assert.equal(refused.status, 3, refused.stderr);
    assert.match(refused.stderr, /^kms-import: KMS\.2702: Imported private key material cannot be deleted on Huawei Cloud KMS/);
    assert.match(refused.stderr, /\nFix: .*deletion of the key/);
    const refusedJson = await kms('delete-material', ['--key-id', ec.keyId, '--json']);
    assert.equal(refusedJson.status, 3);
    assert.equal(json(refusedJson).error.code, 'KMS.2702');
    assert.equal((await hw.describeKey(ec.keyId)).keyState, 'Enabled');
  });

  test('what Huawei does not offer is refused before anything is created or sent: HMAC keys, rotation, a private key with RSAES_OAEP alone', async () => {
    const createsBefore = sandbox.admin.requestCount('create-key');
    const importsBefore = sandbox.admin.requestCount('import-key-material');
    const hmac = await kms('import', ['--key-spec', 'HMAC_256', '--material', material('HMAC_256', 'hmac.bin'), '--json']);
    assert.equal(hmac.status, 3, hmac.stdout);
    assert.equal(json(hmac).error.code, 'KEY_SPEC_NOT_SUPPORTED_BY_PROVIDER');
    assert.match(json(hmac).error.fix, /SYMMETRIC_DEFAULT/);
    const hmacKey = await kms('create-key', ['--key-spec', 'HMAC_256', '--json']);
    assert.equal(hmacKey.status, 3, hmacKey.stdout);
    assert.equal(json(hmacKey).error.code, 'UnsupportedKeySpec');
    assert.equal(sandbox.admin.requestCount('create-key'), createsBefore);

    const aes = material('SYMMETRIC_DEFAULT', 'rot-aes.bin');
    const key = json(await kms('create-key', ['--key-spec', 'SYMMETRIC_DEFAULT', '--json']));
    const dir = json(await kms('get-parameters', ['--key-id', key.keyId, '--out-dir', tmp.path('rot'), '--json'])).bundleDir;
    const rot = await kms('import', ['--key-id', key.keyId, '--bundle', dir, '--material', aes, '--import-type', 'NEW_KEY_MATERIAL']);
    assert.equal(rot.status, 3, rot.stderr);
    assert.match(rot.stderr, /NOT_OFFERED_BY_PROVIDER: Huawei Cloud KMS does not rotate imported key material/);
    assert.match(rot.stderr, /Fix: Create a new key for the new material/);

    const ecKey = json(await kms('create-key', ['--key-spec', 'ECC_NIST_P256', '--json']));
    const oaep = await kms('get-parameters', ['--key-id', ecKey.keyId, '--algorithm', 'RSAES_OAEP_SHA_256', '--out-dir', tmp.path('ec-oaep'), '--json']);
    assert.equal(oaep.status, 3, oaep.stdout);
    assert.equal(json(oaep).error.code, 'HUAWEI_PRIVATE_KEY_NEEDS_TWO_PART');
    assert.match(json(oaep).error.fix, /RSA_AES_KEY_WRAP_SHA_256/);
    assert.equal(sandbox.admin.requestCount('import-key-material'), importsBefore);
    assert.equal((await hw.describeKey(key.keyId)).keyState, 'PendingImport');
  });

  test('an import token that expired at Huawei (KMS.2601) is answered with its cause and the fix, exit 3', async () => {
    const aes = material('SYMMETRIC_DEFAULT', 'exp-aes.bin');
    const key = json(await kms('create-key', ['--key-spec', 'SYMMETRIC_DEFAULT', '--json']));
    const dir = json(await kms('get-parameters', ['--key-id', key.keyId, '--out-dir', tmp.path('exp'), '--json'])).bundleDir;
    // Huawei's clock is 25 h ahead of this machine's: the token is expired there, not here.
    sandbox.admin.setClockOffset(25 * 3600_000);
    try {
      const r = await kms('import', ['--key-id', key.keyId, '--bundle', dir, '--material', aes]);
      assert.equal(r.status, 3, r.stderr);
      assert.match(r.stderr, /KMS\.2601: The import token has expired or is no longer valid/);
      assert.match(r.stderr, /\nFix: Get new parameters for import/);
      const j = await kms('import', ['--key-id', key.keyId, '--bundle', dir, '--material', aes, '--json']);
      assert.equal(j.status, 3);
      assert.equal(json(j).error.code, 'KMS.2601');
    } finally {
      sandbox.admin.setClockOffset(0);
    }
    assert.equal((await hw.describeKey(key.keyId)).keyState, 'PendingImport');
  });

  test('missing credentials, project id or region, a bad region: usage errors (exit 2) that name the fix; nothing is sent', async () => {
    let sent = sandbox.admin.requestCount();
    const noAk = await kms('list', [], { HUAWEICLOUD_SDK_AK: '' });
    assert.equal(noAk.status, 2);
    assert.match(noAk.stderr, /No Huawei Cloud credentials: HUAWEICLOUD_SDK_AK is not set\./);
    assert.match(noAk.stderr, /Fix: Set HUAWEICLOUD_SDK_AK /);
    const noKeys = await kms('list', ['--json'], { HUAWEICLOUD_SDK_AK: '', HUAWEICLOUD_SDK_SK: '' });
    assert.equal(noKeys.status, 2);
    assert.match(noKeys.stdout, /HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK are not set/);
    assert.doesNotMatch(noKeys.stdout + noKeys.stderr, new RegExp(sandbox.huawei.secretKey));
    const noProject = await kms('list', [], { HUAWEICLOUD_SDK_PROJECT_ID: '' });
    assert.equal(noProject.status, 2);
    assert.match(noProject.stderr, /No Huawei Cloud project id is set\.\nFix: Give --project-id .* or set HUAWEICLOUD_SDK_PROJECT_ID\./);
    assert.equal(sandbox.admin.requestCount(), sent, 'nothing was sent');
    // --project-id stands in for the variable.
    ok(await kms('list', ['--project-id', sandbox.huawei.projectId], { HUAWEICLOUD_SDK_PROJECT_ID: '' }), 'list --project-id');

    const noRegion = await runCliAsync(['list', '--provider', 'huawei'], { env, cwd: tmp.dir });
    assert.equal(noRegion.status, 2);
    assert.match(noRegion.stderr, /No Huawei Cloud region is set\.\nFix: Give --region \(for example cn-north-4 or ap-southeast-1\), or set HUAWEICLOUD_SDK_REGION\./);
    ok(await runCliAsync(['list', '--provider', 'huawei'], { env: { ...env, HUAWEICLOUD_SDK_REGION: 'cn-north-4' }, cwd: tmp.dir }), 'list with HUAWEICLOUD_SDK_REGION');
    sent = sandbox.admin.requestCount();
    const badRegion = await runCliAsync(['list', '--provider', 'huawei', '--region', 'Beijing4'], { env, cwd: tmp.dir });
    assert.equal(badRegion.status, 2);
    assert.match(badRegion.stderr, /"Beijing4" is not a Huawei Cloud region name\.\nFix: Give a region such as cn-north-4/);
    const profile = await kms('list', ['--profile', 'dev']);
    assert.equal(profile.status, 2);
    assert.match(profile.stderr, /--profile is an AWS profile/);
    // Huawei is never chosen from the environment: without --provider huawei the AWS side is asked (and has no credentials here).
    const aws = await runCliAsync(['list', '--project-id', 'x'], { env, cwd: tmp.dir });
    assert.equal(aws.status, 2);
    assert.match(aws.stderr, /--project-id goes with --provider huawei/);
    assert.equal(sandbox.admin.requestCount(), sent, 'nothing was sent');
  });
});
