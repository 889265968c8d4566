// The tree's pure model: labels, descriptions with material expiry, ordering, filters, regions, and
// context values checked against the real `viewItem =~ /…/` menu rules of package.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyInfo } from '../../src/providers/types';
import { formatDuration, materialExpiry, parametersCountdown } from '../../src/extension/model/expiry';
import { KMSClient } from '@aws-sdk/client-kms';
import { accountContextValue, CHINA_SANDBOX_REGION, filterKeys, isRegionName, keyContextValue, keyCount, keyDescription, keyLabel, keyTooltip, providerForRegion, regionPartition, regionsFor, sandboxServes, sortKeys, stateName, treeKeyLabel, SANDBOX_ACCOUNT, SANDBOX_REGION_CHOICES } from '../../src/extension/model/treeModel';
import { COMMANDS } from '../../src/extension/model/commandIds';
import { shows } from '../support/menus';

const now = new Date('2026-03-01T12:00:00Z');
const DAY = 86_400_000;
const key = (over: Partial<KeyInfo>): KeyInfo => ({
  keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
  arn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  keySpec: 'SYMMETRIC_DEFAULT',
  keyUsage: 'ENCRYPT_DECRYPT',
  keyState: 'Enabled',
  origin: 'EXTERNAL',
  enabled: true,
  ...over,
});

test('material expiry labels: pending import, expires in N d, expired, does not expire, not external', () => {
  assert.equal(materialExpiry(key({ keyState: 'PendingImport' }), now).kind, 'pending-import');
  assert.equal(materialExpiry(key({ validTo: new Date(now.getTime() + 12 * DAY + 5000) }), now).kind === 'expires' && (materialExpiry(key({ validTo: new Date(now.getTime() + 12 * DAY + 5000) }), now) as { label: string }).label, 'expires in 12 d');
  assert.deepEqual(materialExpiry(key({ validTo: new Date(now.getTime() - 1000) }), now), { kind: 'expired', label: 'expired' });
  assert.deepEqual(materialExpiry(key({ expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }), now), { kind: 'no-expiry', label: 'does not expire' });
  assert.deepEqual(materialExpiry(key({ origin: 'AWS_KMS' }), now), { kind: 'not-external' });
});

test('durations read like people write them', () => {
  assert.equal(formatDuration(12 * DAY), '12 d');
  assert.equal(formatDuration(25 * 3_600_000 + 3 * 60_000), '25 h 3 min');
  assert.equal(formatDuration(5 * 3_600_000), '5 h');
  assert.equal(formatDuration(42 * 60_000 + 10_000), '42 min');
  assert.equal(formatDuration(30_000), '30 s');
  assert.deepEqual(parametersCountdown(new Date(now.getTime() + 30 * 60_000), now), { level: 'warning', label: 'expires in 30 min', msLeft: 30 * 60_000 });
  assert.equal(parametersCountdown(new Date(now.getTime() + 23 * 3_600_000), now).level, 'ok');
  assert.deepEqual(parametersCountdown(new Date(now.getTime() - 2 * 3_600_000), now), { level: 'expired', label: 'expired 2 h ago', msLeft: -2 * 3_600_000 });
});

test('key label is the alias (without alias/) or the key id; description carries spec, usage, state, origin, expiry', () => {
  assert.equal(keyLabel(key({})), '1234abcd-12ab-34cd-56ef-1234567890ab');
  assert.equal(keyLabel(key({ aliases: ['alias/aws/ebs', 'alias/payments'] })), 'payments');
  assert.equal(keyDescription(key({ keyState: 'PendingImport' }), now), 'SYMMETRIC_DEFAULT · ENCRYPT_DECRYPT · pending import · EXTERNAL');
  assert.equal(keyDescription(key({ keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY', validTo: new Date(now.getTime() + 3 * DAY) }), now), 'expires in 3 d · RSA_2048 · SIGN_VERIFY · enabled · EXTERNAL');
  assert.equal(keyDescription(key({ validTo: new Date(now.getTime() - DAY), keyState: 'PendingImport' }), now), 'SYMMETRIC_DEFAULT · ENCRYPT_DECRYPT · pending import · EXTERNAL');
  assert.equal(keyDescription(key({ origin: 'AWS_KMS' }), now), 'SYMMETRIC_DEFAULT · ENCRYPT_DECRYPT · enabled · AWS_KMS');
  // The tree's label: a key without alias shows its id shortened; the count says "1 key".
  assert.equal(treeKeyLabel(key({})), '1234abcd…');
  assert.equal(treeKeyLabel(key({ aliases: ['alias/payments'] })), 'payments');
  assert.equal(keyCount(1), '1 key');
  assert.equal(keyCount(3), '3 keys');
  assert.equal(stateName('PendingDeletion'), 'pending deletion');
  const tip = keyTooltip(key({ currentKeyMaterialId: 'a'.repeat(64), description: 'line1\nline2' }), now);
  assert.match(tip, /ARN: `arn:aws:kms:us-east-1:111122223333:key\//);
  assert.match(tip, /line1 line2/);
  assert.ok(!tip.includes('a'.repeat(64)), 'tooltip shortens the key material id');
});

test('pending-import keys first, then other external keys, then the rest; filters', () => {
  const keys = [
    key({ keyId: 'c', origin: 'AWS_KMS' }),
    key({ keyId: 'b' }),
    key({ keyId: 'z', keyState: 'PendingImport' }),
    key({ keyId: 'a', keyState: 'PendingImport' }),
  ];
  assert.deepEqual(sortKeys(keys).map((k) => k.keyId), ['a', 'z', 'b', 'c']);
  assert.deepEqual(filterKeys(keys, 'pending').map((k) => k.keyId).sort(), ['a', 'z']);
  assert.deepEqual(filterKeys(keys, 'external').map((k) => k.keyId).sort(), ['a', 'b', 'z']);
  assert.equal(filterKeys(keys, 'all').length, 4);
});

test('regions: setting, else the profile region, else us-east-1; the sandbox has its own', () => {
  const prof = { id: 'profile:dev', kind: 'profile' as const, label: 'profile dev', profile: 'dev', defaultRegion: 'eu-west-1' };
  assert.deepEqual(regionsFor(prof, [], 'us-east-1'), ['eu-west-1']);
  assert.deepEqual(regionsFor(prof, ['us-west-2', 'us-west-2', 'not a region', 'cn-north-1'], 'us-east-1'), ['us-west-2', 'cn-north-1']);
  assert.deepEqual(regionsFor({ ...prof, defaultRegion: undefined }, [], 'x'), ['us-east-1']);
  assert.deepEqual(regionsFor(SANDBOX_ACCOUNT, ['eu-west-1'], 'cn-north-1'), ['cn-north-1']);
  assert.equal(providerForRegion('cn-northwest-1'), 'aws-cn');
  assert.equal(providerForRegion('eu-central-1'), 'aws');
});

// ---- context values against the real menus ----


test('context values: each action shows only where it applies', () => {
  const pending = keyContextValue(key({ keyState: 'PendingImport' }));
  const enabledSym = keyContextValue(key({}));
  const enabledRsa = keyContextValue(key({ keySpec: 'RSA_4096', keyUsage: 'SIGN_VERIFY' }));
  const kmsOwned = keyContextValue(key({ origin: 'AWS_KMS' }));
  const mrkPrimary = keyContextValue(key({ multiRegion: true, multiRegionRole: 'PRIMARY' }));
  const deleting = keyContextValue(key({ keyState: 'PendingDeletion' }));
  assert.equal(pending, 'kmsKey:external:pendingImport:symmetric');
  assert.equal(enabledRsa, 'kmsKey:external:enabled:asymmetric');
  assert.equal(mrkPrimary, 'kmsKey:external:enabled:symmetric:mrk-primary');

  assert.ok(shows(COMMANDS.importMaterial, pending));
  assert.ok(shows(COMMANDS.downloadParameters, pending));
  assert.ok(!shows(COMMANDS.verifyKey, pending), 'nothing to verify before the import');
  assert.ok(!shows(COMMANDS.deleteMaterial, pending), 'no material to delete');
  assert.ok(shows(COMMANDS.verifyKey, enabledSym));
  assert.ok(shows(COMMANDS.deleteMaterial, enabledSym));
  assert.ok(shows(COMMANDS.importNewMaterial, enabledSym));
  assert.ok(shows(COMMANDS.importNewMaterial, mrkPrimary));
  assert.ok(!shows(COMMANDS.importNewMaterial, enabledRsa), 'only symmetric keys rotate');
  assert.ok(!shows(COMMANDS.importNewMaterial, keyContextValue(key({ multiRegion: true, multiRegionRole: 'REPLICA' }))));
  for (const c of [COMMANDS.importMaterial, COMMANDS.verifyKey, COMMANDS.deleteMaterial, COMMANDS.downloadParameters]) {
    assert.ok(!shows(c, kmsOwned), `${c} must not show on AWS_KMS keys`);
    assert.ok(!shows(c, deleting), `${c} must not show on keys pending deletion`);
  }
  assert.ok(shows(COMMANDS.copyKeyArn, kmsOwned));
  assert.ok(shows(COMMANDS.createKey, 'kmsRegion'));
  assert.ok(shows(COMMANDS.startSandbox, accountContextValue(SANDBOX_ACCOUNT, false)));
  assert.ok(!shows(COMMANDS.startSandbox, accountContextValue(SANDBOX_ACCOUNT, true)));
  assert.ok(shows(COMMANDS.stopSandbox, accountContextValue(SANDBOX_ACCOUNT, true)));
  assert.ok(shows(COMMANDS.ssoLogin, accountContextValue({ id: 'profile:x', kind: 'profile', label: 'x', sso: true }, false)));
  assert.ok(!shows(COMMANDS.ssoLogin, accountContextValue({ id: 'profile:y', kind: 'profile', label: 'y' }, false)));
});

test('China Regions: a profile whose kmsImport.regions holds cn-north-1 gets an aws-cn row with its ARNs, endpoint and rules', async () => {
  const prof = { id: 'profile:cn', kind: 'profile' as const, label: 'profile cn', profile: 'cn', defaultRegion: 'cn-northwest-1' };
  assert.deepEqual(regionsFor(prof, [], 'us-east-1'), ['cn-northwest-1'], 'the profile\'s own China Region');
  assert.deepEqual(regionsFor(prof, ['cn-north-1', 'us-east-1'], 'us-east-1'), ['cn-north-1', 'us-east-1']);
  const cn = regionPartition('cn-north-1');
  assert.equal(cn.provider, 'aws-cn');
  assert.equal(cn.arnPrefix, 'arn:aws-cn:kms:cn-north-1:');
  assert.equal(cn.badge, 'aws-cn');
  assert.match(cn.tooltip, /`arn:aws-cn:kms:cn-north-1:…`/);
  assert.match(cn.tooltip, /SM2PKE \(preselected for private keys\)/);
  assert.match(cn.tooltip, /no RSA_AES_KEY_WRAP_\*/);
  const us = regionPartition('us-east-1');
  assert.equal(us.provider, 'aws');
  assert.equal(us.arnPrefix, 'arn:aws:kms:us-east-1:');
  assert.equal(us.badge, undefined, 'the usual partition goes unsaid');
  assert.match(us.tooltip, /SM2\/SM2PKE only in China Regions/);
  // The endpoint the row names is the one the AWS SDK calls for that Region.
  for (const region of ['cn-north-1', 'cn-northwest-1', 'us-east-1', 'eu-west-1']) {
    const client = new KMSClient({ region, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } });
    try {
      const resolved = client.config.endpointProvider({ Region: region, UseFIPS: false, UseDualStack: false });
      assert.equal(resolved.url.href.replace(/\/$/, ''), regionPartition(region).endpoint, region);
    } finally {
      client.destroy();
    }
  }
  // An endpoint override (kmsImport.endpoints, the sandbox) is what the row names instead.
  assert.match(regionPartition('cn-north-1', 'http://127.0.0.1:4599').tooltip, /Endpoint: `http:\/\/127\.0\.0\.1:4599`/);
});

test('sandbox Regions: every choice is a Region name; the China choice is a China Region; both commands show on the Sandbox only', () => {
  for (const r of SANDBOX_REGION_CHOICES) assert.ok(isRegionName(r), r);
  assert.ok(SANDBOX_REGION_CHOICES.includes('cn-north-1') && SANDBOX_REGION_CHOICES.includes('cn-northwest-1'));
  assert.equal(providerForRegion(CHINA_SANDBOX_REGION), 'aws-cn');
  assert.ok(!isRegionName('cn-north'));
  assert.ok(!isRegionName('CN-NORTH-1'));
  // A sandbox answers for its own partition only (a form left on cn-north-1 after a switch to us-east-1 is told so).
  assert.ok(sandboxServes('cn-north-1', 'cn-northwest-1'));
  assert.ok(sandboxServes('us-east-1', 'eu-west-1'));
  assert.ok(!sandboxServes('us-east-1', 'cn-north-1'));
  assert.ok(!sandboxServes('cn-north-1', 'us-east-1'));
  for (const c of [COMMANDS.startSandboxChina, COMMANDS.chooseSandboxRegion]) {
    assert.ok(shows(c, accountContextValue(SANDBOX_ACCOUNT, false)), `${c} on a stopped sandbox`);
    assert.ok(shows(c, accountContextValue(SANDBOX_ACCOUNT, true)), `${c} on a running sandbox`);
    assert.ok(!shows(c, accountContextValue({ id: 'profile:x', kind: 'profile', label: 'x' }, false)), `${c} not on a profile`);
    assert.ok(!shows(c, 'kmsRegion'));
  }
});
