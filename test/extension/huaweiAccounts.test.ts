// Huawei Cloud accounts: the store keeps the SK in the secret storage only (never in global state or
// settings), Remove deletes both, bad input is refused before anything is stored; the environment account;
// the tree model's Huawei side (rules, regions, descriptions) and its context values against the real menus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyInfo } from '../../src/providers/types';
import { keyInfoFromHuawei } from '../../src/providers/huawei/huaweiProvider';
import { optionMatrix, recommend } from '../../src/core/rules';
import { HUAWEI_ACCOUNTS_STATE, HuaweiAccountStore, offeredWrapping, huaweiAccountRef, huaweiChecks, huaweiEnvAccount, huaweiSecretKey, isHuaweiRegionName, parseRegions, problemText, type SecretsLike, type StateLike } from '../../src/extension/model/huaweiAccounts';
import { accountContextValue, keyContextValue, keyDescription, providerForAccount, regionsFor, SANDBOX_ACCOUNT, SANDBOX_HUAWEI_ACCOUNT, sortKeys } from '../../src/extension/model/treeModel';
import { COMMANDS } from '../../src/extension/model/commandIds';
import { shows } from '../support/menus';

const root = join(__dirname, '..', '..');

class MemoryState implements StateLike {
  readonly data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.data.set(key, JSON.parse(JSON.stringify(value)));
  }
}
class MemorySecrets implements SecretsLike {
  readonly data = new Map<string, string>();
  async get(key: string) {
    return this.data.get(key);
  }
  async store(key: string, value: string) {
    this.data.set(key, value);
  }
  async delete(key: string) {
    this.data.delete(key);
  }
}

const SK = 'Sk9fQx2Lr7TtYwZcVb3NmP4sHj8KdGa1EeUoIi0X';
const ACCOUNT = { name: 'huawei prod', accessKey: 'HPUAL2KXMRTZ0ABCDE12', projectId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9', regions: ['cn-north-4', 'ap-southeast-1'] };

test('the SK goes to the secret storage only: global state holds the rest, and never the SK', async () => {
  const state = new MemoryState();
  const secrets = new MemorySecrets();
  const store = new HuaweiAccountStore(state, secrets);
  await store.save({ ...ACCOUNT, endpoint: 'https://kms.cn-north-4.myhuaweicloud.com/' }, SK);
  assert.equal(secrets.data.get(huaweiSecretKey('huawei prod')), SK);
  const stateText = JSON.stringify([...state.data]);
  assert.ok(!stateText.includes(SK), 'the SK is not in global state');
  assert.ok(!stateText.includes(SK.slice(0, 16)), 'no part of the SK is in global state');
  assert.deepEqual(state.get(HUAWEI_ACCOUNTS_STATE), [{ ...ACCOUNT, endpoint: 'https://kms.cn-north-4.myhuaweicloud.com' }]);
  assert.deepEqual(await store.credentials('huawei prod'), { accessKey: ACCOUNT.accessKey, secretKey: SK });
  const ref = huaweiAccountRef(store.get('huawei prod')!);
  assert.equal(ref.id, 'huawei:huawei prod');
  assert.equal(ref.kind, 'huawei');
  assert.ok(!JSON.stringify(ref).includes(SK), 'the tree\'s account carries no SK');
});

test('Remove deletes the account and its secret; the SK gone from the storage means no credentials', async () => {
  const state = new MemoryState();
  const secrets = new MemorySecrets();
  const store = new HuaweiAccountStore(state, secrets);
  await store.save(ACCOUNT, SK);
  await store.save({ ...ACCOUNT, name: 'other' }, 'AnotherSecretKey1');
  await store.remove('huawei prod');
  assert.deepEqual(store.list().map((a) => a.name), ['other']);
  assert.equal(secrets.data.has(huaweiSecretKey('huawei prod')), false);
  assert.equal(await store.credentials('huawei prod'), undefined);
  assert.equal(secrets.data.get(huaweiSecretKey('other')), 'AnotherSecretKey1', 'the other account keeps its secret');
  secrets.data.delete(huaweiSecretKey('other'));
  assert.equal(await store.credentials('other'), undefined, 'an account whose SK is gone has no credentials');
});

test('Editing replaces the account by name (one entry, the new SK)', async () => {
  const state = new MemoryState();
  const secrets = new MemorySecrets();
  const store = new HuaweiAccountStore(state, secrets);
  await store.save(ACCOUNT, SK);
  await store.save({ ...ACCOUNT, regions: ['cn-east-3'] }, 'NewSecretKey99');
  assert.deepEqual(store.list().map((a) => [a.name, a.regions]), [['huawei prod', ['cn-east-3']]]);
  assert.equal(secrets.data.get(huaweiSecretKey('huawei prod')), 'NewSecretKey99');
});

test('bad input is refused before anything is stored', async () => {
  const state = new MemoryState();
  const secrets = new MemorySecrets();
  const store = new HuaweiAccountStore(state, secrets);
  await assert.rejects(store.save({ ...ACCOUNT, regions: ['cn-north'] }, SK), /Not a Huawei Cloud region name: cn-north/);
  await assert.rejects(store.save({ ...ACCOUNT, endpoint: 'http://kms.example.com' }, SK), /https:\/\//);
  await assert.rejects(store.save(ACCOUNT, 'short'), /at least 8 characters/);
  assert.equal(state.data.size, 0);
  assert.equal(secrets.data.size, 0);
  assert.equal(huaweiChecks.name('x', ['x'])?.code, 'name-taken');
  assert.equal(huaweiChecks.name('  ', [])?.code, 'name-empty');
  assert.equal(huaweiChecks.name('a/b', [])?.code, 'name-chars');
  assert.equal(huaweiChecks.accessKey('AK WITH SPACE')?.code, 'access-key');
  assert.equal(huaweiChecks.projectId('0a1b2c3d4e5f60718293a4b5c6d7e8f9'), undefined);
  assert.equal(huaweiChecks.endpoint(''), undefined, 'the endpoint is optional');
  assert.equal(huaweiChecks.endpoint('http://127.0.0.1:4599'), undefined, 'plain http to this machine (the sandbox)');
  assert.equal(huaweiChecks.endpoint('https://kms.cn-north-4.myhuaweicloud.com?x=1')?.code, 'endpoint-base');
  assert.deepEqual(parseRegions('cn-north-4, ap-southeast-1 cn-north-4'), ['cn-north-4', 'ap-southeast-1']);
  for (const r of ['cn-north-4', 'cn-east-3', 'ap-southeast-1', 'la-south-2', 'cn-southwest-2']) assert.ok(isHuaweiRegionName(r), r);
  for (const r of ['cn-north', 'CN-NORTH-4', 'cn_north_4', '']) assert.ok(!isHuaweiRegionName(r), r);
  assert.match(problemText({ code: 'region-name', arg: 'x' }), /Not a Huawei Cloud region name: x/);
});

test('no Huawei account code writes settings: the SK has no setting, the commands use the store', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.deepEqual(Object.keys(pkg.contributes.configuration.properties).filter((k) => /huawei|secret|\.sk\b/i.test(k)), []);
  for (const f of ['src/extension/commands/huaweiCommands.ts', 'src/extension/model/huaweiAccounts.ts', 'src/extension/accounts.ts']) {
    assert.doesNotMatch(readFileSync(join(root, f), 'utf8'), /getConfiguration\([^)]*\)\s*\.update|\.update\('huawei/, f);
  }
  assert.match(readFileSync(join(root, 'src/extension/extension.ts'), 'utf8'), /new HuaweiAccountStore\(context\.globalState, context\.secrets\)/);
});

test('the Huawei provider is a lazily loaded chunk: no extension file imports it statically', () => {
  for (const f of readdirSync(join(root, 'src/extension'), { recursive: true }).map(String).filter((x) => x.endsWith('.ts'))) {
    assert.doesNotMatch(readFileSync(join(root, 'src/extension', f), 'utf8'), /^import (?!type)[^\n]*['"][./]*providers\/huawei\//m, f);
  }
  assert.match(readFileSync(join(root, 'src/extension/accounts.ts'), 'utf8'), /require\('\.\/huawei\.js'\)/);
  assert.match(readFileSync(join(root, 'scripts/build.mjs'), 'utf8'), /outfile: 'dist\/huawei\.js'/);
});

test('the environment account: HUAWEICLOUD_SDK_AK/SK/PROJECT_ID, the region from the endpoint, no secret in it', () => {
  assert.equal(huaweiEnvAccount({ HUAWEICLOUD_SDK_AK: 'AK12345678' }), undefined);
  const env = { HUAWEICLOUD_SDK_AK: 'AK12345678', HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_PROJECT_ID: 'p1234567', HUAWEICLOUD_KMS_ENDPOINT: 'https://kms.ap-southeast-1.myhuaweicloud.com' };
  const a = huaweiEnvAccount(env)!;
  assert.equal(a.kind, 'huawei');
  assert.deepEqual(a.huawei?.regions, ['ap-southeast-1']);
  assert.ok(!JSON.stringify(a).includes(SK));
  assert.deepEqual(huaweiEnvAccount({ ...env, HUAWEICLOUD_KMS_ENDPOINT: 'http://127.0.0.1:4599' })!.huawei?.regions, ['cn-north-4'], 'the sandbox endpoint names no region: the default');
});

// ---- the tree model's Huawei side ----
const hwKey = (over: Record<string, unknown> = {}): KeyInfo => keyInfoFromHuawei({ key_id: '0d0466b0-e727-4d9c-b35d-f84bb474a37f', key_alias: 'hw-aes', key_spec: 'AES_256', key_usage: 'ENCRYPT_DECRYPT', key_state: '5', origin: 'external', ...over });
const stored = huaweiAccountRef(ACCOUNT);

test('Huawei accounts use Huawei rules and their own regions; AWS accounts their partition\'s', () => {
  assert.equal(providerForAccount(stored, 'cn-north-4'), 'huawei');
  assert.equal(providerForAccount(SANDBOX_HUAWEI_ACCOUNT, 'cn-north-4'), 'huawei');
  assert.equal(providerForAccount(SANDBOX_ACCOUNT, 'cn-north-1'), 'aws-cn');
  assert.equal(providerForAccount({ kind: 'profile' }, 'eu-west-1'), 'aws');
  assert.deepEqual(regionsFor(stored, ['us-east-1'], 'us-east-1'), ['cn-north-4', 'ap-southeast-1'], 'kmsImport.regions (AWS) does not apply');
  assert.deepEqual(regionsFor(SANDBOX_HUAWEI_ACCOUNT, [], 'us-east-1'), ['cn-north-4']);
});

test('a Huawei key row: Huawei\'s spec name, state in words, origin; pending import first', () => {
  assert.equal(keyDescription(hwKey()), 'AES_256 · ENCRYPT_DECRYPT · pending import · EXTERNAL');
  const enabled = hwKey({ key_id: 'b', key_alias: 'a-enabled', key_state: '2', expiration_time: String(Math.floor(Date.now() / 1000) + 12 * 86400 + 60) });
  assert.equal(keyDescription(enabled), 'expires in 12 d · AES_256 · ENCRYPT_DECRYPT · enabled · EXTERNAL');
  assert.deepEqual(sortKeys([enabled, hwKey()]).map((k) => k.keyState), ['PendingImport', 'Enabled']);
});


test('Huawei key menus: import, parameters, wrap, verify, delete material (symmetric only); no rotation', () => {
  const pending = keyContextValue(hwKey(), stored);
  const enabledSym = keyContextValue(hwKey({ key_state: '2' }), stored);
  const enabledRsa = keyContextValue(hwKey({ key_state: '2', key_spec: 'RSA_2048', key_usage: 'SIGN_VERIFY' }), SANDBOX_HUAWEI_ACCOUNT);
  assert.equal(pending, 'kmsKey:external:pendingImport:symmetric:huawei');
  assert.equal(enabledRsa, 'kmsKey:external:enabled:asymmetric:huawei');
  for (const c of [COMMANDS.importMaterial, COMMANDS.downloadParameters, COMMANDS.wrapMaterial]) assert.ok(shows(c, pending), `${c} on a pending Huawei key`);
  assert.ok(shows(COMMANDS.verifyKey, enabledSym));
  assert.ok(shows(COMMANDS.deleteMaterial, enabledSym), 'Huawei deletes imported symmetric material');
  assert.ok(!shows(COMMANDS.deleteMaterial, enabledRsa), 'Huawei refuses deleting imported asymmetric material (KMS.2702)');
  assert.ok(shows(COMMANDS.deleteMaterial, keyContextValue(hwKey({ key_state: '2', key_spec: 'RSA_2048', key_usage: 'SIGN_VERIFY' }))), 'AWS asymmetric keys keep it');
  assert.ok(!shows(COMMANDS.importNewMaterial, enabledSym), 'Huawei does not rotate imported material');
  assert.ok(!shows(COMMANDS.showCloudHsmSteps, pending), 'the CloudHSM CLI steps import into AWS KMS, not Huawei');
  assert.ok(shows(COMMANDS.showCloudHsmSteps, keyContextValue(hwKey())), 'an AWS pending key keeps them');
  assert.ok(shows(COMMANDS.importNewMaterial, keyContextValue(hwKey({ key_state: '2' }))), 'the same key as an AWS key rotates');
});

test('account menus: Edit and Remove on added Huawei accounts only', () => {
  const cv = accountContextValue(stored, false);
  assert.equal(cv, 'kmsAccount:huawei:stored');
  for (const c of [COMMANDS.editHuaweiAccount, COMMANDS.removeHuaweiAccount]) {
    assert.ok(shows(c, cv), c);
    assert.ok(!shows(c, accountContextValue(huaweiEnvAccount({ HUAWEICLOUD_SDK_AK: 'AK12345678', HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_PROJECT_ID: 'p1234567' })!, false)), `${c} not on the environment account`);
    assert.ok(!shows(c, accountContextValue(SANDBOX_HUAWEI_ACCOUNT, true)), `${c} not on the sandbox`);
    assert.ok(!shows(c, accountContextValue(SANDBOX_ACCOUNT, true)));
  }
  for (const c of [COMMANDS.startSandboxChina, COMMANDS.chooseSandboxRegion, COMMANDS.ssoLogin]) assert.ok(!shows(c, cv), `${c} not on a Huawei account`);
});

test('Download parameters offers a Huawei key only RSA_2048 wrapping keys (all Huawei serves), OAEP SHA-256 recommended', () => {
  const rows = optionMatrix({ provider: 'huawei', keySpec: 'SYMMETRIC_DEFAULT' }).filter((r) => r.allowed);
  const hw = offeredWrapping('huawei', rows, recommend('huawei', 'SYMMETRIC_DEFAULT'));
  assert.deepEqual(hw.rec, { wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_OAEP_SHA_256' });
  assert.deepEqual([...new Set(hw.rows.map((r) => r.wrappingKeySpec))], ['RSA_2048']);
  assert.ok(hw.rows.some((r) => r.algorithm === 'RSAES_OAEP_SHA_256'));
  const awsRows = optionMatrix({ provider: 'aws', keySpec: 'SYMMETRIC_DEFAULT' }).filter((r) => r.allowed);
  const aws = offeredWrapping('aws', awsRows, recommend('aws', 'SYMMETRIC_DEFAULT'));
  assert.equal(aws.rows, awsRows, 'AWS keys keep every row');
  assert.equal(aws.rec.wrappingKeySpec, 'RSA_4096');
});
