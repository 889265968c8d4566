// Accounts: AWS profiles from the shared config/credentials files (static, SSO, credential_process,
// assume role), environment credentials and the Sandbox — listed without any network or credential
// work; credentials resolved on use. A profile's credentials are used against the sandbox for real.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAwsProvider, KmsClientFactory } from '../../src/providers/aws/awsProvider';
import { credentialsFor, listAwsAccounts, parseIni, providerIdForRegion } from '../../src/providers/aws/credentials';
import { startRig, type Rig } from './flow-support';

let tmp: string;
let rig: Rig;
before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'aws-creds-'));
  rig = await startRig();
});
after(async () => {
  await rig.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('listAwsAccounts', () => {
  test('profiles from both files, their credential source and default Region; env credentials; the Sandbox', async () => {
    const config = path.join(tmp, 'config');
    const credentials = path.join(tmp, 'credentials');
    await fs.writeFile(
      config,
      [
        '[default]',
        'region = eu-west-1',
        '',
        '[profile dev-sso]',
        'sso_session = corp',
        'sso_account_id = 111122223333',
        'sso_role_name = Admin',
        'region = us-east-2 ; comment',
        '',
        '[sso-session corp]',
        'sso_start_url = https://corp.awsapps.com/start',
        'sso_region = us-east-1',
        '',
        '[profile vault]',
        'credential_process = /usr/local/bin/vault-aws --role kms',
        's3 =',
        '  max_concurrent_requests = 10',
        '',
        '[profile ops]',
        'role_arn = arn:aws:iam::444455556666:role/ops',
        'source_profile = default',
        'region = cn-north-1',
        '',
        '# a comment',
      ].join('\n'),
    );
    await fs.writeFile(credentials, ['[default]', 'aws_access_key_id = AKIAEXAMPLE', 'aws_secret_access_key = secret', '', '[ci]', 'aws_access_key_id = AKIACI', 'aws_secret_access_key = x'].join('\n'));
    const accounts = await listAwsAccounts({ env: { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'y', AWS_REGION: 'ap-southeast-2' } });
    const byId = new Map(accounts.map((a) => [a.id, a]));
    assert.deepEqual(accounts.map((a) => a.id), ['env', 'profile:default', 'profile:ci', 'profile:dev-sso', 'profile:ops', 'profile:vault', 'sandbox']);
    assert.equal(byId.get('env')?.region, 'ap-southeast-2');
    assert.deepEqual(byId.get('profile:default'), { id: 'profile:default', kind: 'profile', profile: 'default', label: 'default (access keys, eu-west-1)', credentialSource: 'static', region: 'eu-west-1', files: [config, credentials] });
    assert.equal(byId.get('profile:dev-sso')?.credentialSource, 'sso');
    assert.equal(byId.get('profile:dev-sso')?.region, 'us-east-2');
    assert.equal(byId.get('profile:vault')?.credentialSource, 'process');
    assert.equal(byId.get('profile:vault')?.region, undefined);
    assert.equal(byId.get('profile:ops')?.credentialSource, 'assume-role');
    assert.equal(byId.get('profile:ci')?.files[0], credentials);
    assert.equal(byId.get('sandbox')?.kind, 'sandbox');
    assert.ok(!accounts.some((a) => a.id.includes('corp')), 'sso-session sections are not profiles');
  });

  test('no files and no env: only the Sandbox (no error)', async () => {
    const accounts = await listAwsAccounts({ env: { AWS_CONFIG_FILE: path.join(tmp, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(tmp, 'none2') } });
    assert.deepEqual(accounts.map((a) => a.id), ['sandbox']);
    assert.deepEqual(await listAwsAccounts({ includeSandbox: false, env: { AWS_CONFIG_FILE: path.join(tmp, 'none') , AWS_SHARED_CREDENTIALS_FILE: path.join(tmp, 'none2') } }), []);
  });

  test('parseIni keeps keys lower-case, strips comments and skips nested blocks', () => {
    const ini = parseIni('[a]\nKey = V ; c\ns3 =\n  x = 1\nnext = 2\n');
    assert.deepEqual(ini.get('a'), { key: 'V', s3: '', next: '2' });
  });

  test('providerIdForRegion: cn-* is aws-cn', () => {
    assert.equal(providerIdForRegion('cn-northwest-1'), 'aws-cn');
    assert.equal(providerIdForRegion('eu-central-1'), 'aws');
  });
});

describe('credentialsFor', () => {
  test('a static-keys profile is resolved from the files on first use and signs real requests to the sandbox', async () => {
    const credentials = path.join(tmp, 'sandbox-credentials');
    await fs.writeFile(credentials, `[sandbox-profile]\naws_access_key_id = ${rig.sandbox.credentials.accessKeyId}\naws_secret_access_key = ${rig.sandbox.credentials.secretAccessKey}\n`);
    const env = { AWS_CONFIG_FILE: path.join(tmp, 'no-config'), AWS_SHARED_CREDENTIALS_FILE: credentials };
    const accounts = await listAwsAccounts({ env, includeSandbox: false });
    assert.equal(accounts[0].id, 'profile:sandbox-profile');
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const p = createAwsProvider({ region: rig.sandbox.region, endpoint: rig.sandbox.endpoint, profile: 'sandbox-profile', credentials: credentialsFor(accounts[0]), clientFactory: new KmsClientFactory() });
      const page = await p.listKeys();
      assert.ok(Array.isArray(page.items));
      p.dispose();
    } finally {
      for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  test('an SSO profile without a login fails with a clear cause and the fix (aws sso login), no request sent', async () => {
    const config = path.join(tmp, 'sso-config');
    await fs.writeFile(config, ['[profile corp]', 'sso_session = corp', 'sso_account_id = 111122223333', 'sso_role_name = Admin', 'region = us-east-1', '', '[sso-session corp]', 'sso_start_url = https://corp.awsapps.com/start', 'sso_region = us-east-1', ''].join('\n'));
    const env = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: path.join(tmp, 'none'), HOME: tmp };
    const [account] = await listAwsAccounts({ env, includeSandbox: false });
    assert.equal(account.credentialSource, 'sso');
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const n0 = rig.sandbox.admin.requestCount();
    try {
      const p = createAwsProvider({ region: rig.sandbox.region, endpoint: rig.sandbox.endpoint, profile: 'corp', credentials: credentialsFor(account), clientFactory: new KmsClientFactory(), retry: { maxAttempts: 1 } });
      await assert.rejects(p.listKeys(), (e: Error & { info?: { nextStep?: string; action: string; retryable: boolean } }) => {
        assert.equal(e.info?.nextStep, 'check-permissions');
        assert.match(e.info?.action ?? '', /aws sso login --profile/);
        return true;
      });
      p.dispose();
    } finally {
      for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    assert.equal(rig.sandbox.admin.requestCount(), n0);
  });

  test('the sandbox account needs the running sandbox', () => {
    assert.throws(() => credentialsFor({ id: 'sandbox', kind: 'sandbox', label: 'Sandbox', credentialSource: 'static', files: [] }), /sandbox is not running/);
    assert.deepEqual(credentialsFor({ id: 'sandbox', kind: 'sandbox', label: 'Sandbox', credentialSource: 'static', files: [] }, rig.sandbox.credentials), rig.sandbox.credentials);
  });
});
