// AWS profiles from the shared config and credentials files: names, default regions, SSO and
// credential_process flags; never a secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envAccount, parseAwsProfiles } from '../../src/extension/model/profiles';

const config = `
# a comment
[default]
region = eu-west-1

[profile dev]
sso_session = corp
sso_account_id = 111122223333
region = us-east-2

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start

[profile tools]
credential_process = /usr/local/bin/get-creds --profile tools
`;
const credentials = `
[default]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[ci]
aws_access_key_id = AKIAEXAMPLE2
aws_secret_access_key = secret
region = ap-southeast-2
`;

test('profiles from both files, default first, with regions and kinds', () => {
  const p = parseAwsProfiles(config, credentials);
  assert.deepEqual(p.map((x) => x.id), ['profile:default', 'profile:ci', 'profile:dev', 'profile:tools']);
  const byName = Object.fromEntries(p.map((x) => [x.profile, x]));
  assert.equal(byName.default.defaultRegion, 'eu-west-1');
  assert.equal(byName.ci.defaultRegion, 'ap-southeast-2');
  assert.equal(byName.dev.sso, true);
  assert.equal(byName.dev.defaultRegion, 'us-east-2');
  assert.equal(byName.tools.credentialProcess, true);
  assert.ok(!JSON.stringify(p).includes('wJalrXUtnFEMI'), 'no secret is carried');
  assert.ok(!JSON.stringify(p).includes('AKIAEXAMPLE'), 'no access key id is carried');
});

test('no files, no profiles; environment credentials only when set', () => {
  assert.deepEqual(parseAwsProfiles('', ''), []);
  assert.equal(envAccount({}), undefined);
  assert.deepEqual(envAccount({ AWS_ACCESS_KEY_ID: 'AKIA…', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'eu-north-1' }), { id: 'env', kind: 'env', label: 'Environment credentials', defaultRegion: 'eu-north-1' });
});
