// `kms-import sandbox` prints Huawei Cloud's environment lines (HUAWEICLOUD_SDK_AK/SK/PROJECT_ID and
// HUAWEICLOUD_KMS_ENDPOINT); a huawei provider built from exactly those lines works against it, and the
// same credentials come back after a restart of the same state directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HuaweiKmsProvider, huaweiOptionsFromEnv } from '../../src/providers/huawei/huaweiProvider';

const ROOT = path.join(__dirname, '../..');
const CLI = ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'sandbox'];

function start(args: string[]): Promise<{ child: ChildProcess; env: Record<string, string>; exit: Promise<number | null> }> {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/^# Ctrl\+C/m.test(out)) resolve({ child, env: Object.fromEntries([...out.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((x) => [x[1], x[2]])), exit });
    });
    void exit.then((code) => reject(new Error(`the sandbox exited (${code}) before listening: ${out}`)));
  });
}

test('kms-import sandbox prints HUAWEICLOUD_* lines that a huawei provider can use as they are', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-cli-'));
  try {
    const a = await start(['--state', dir]);
    assert.match(a.env.HUAWEICLOUD_SDK_AK, /^[A-Z0-9]{20}$/);
    assert.match(a.env.HUAWEICLOUD_SDK_SK, /^[A-Za-z0-9]{40}$/);
    assert.match(a.env.HUAWEICLOUD_SDK_PROJECT_ID, /^[0-9a-f]{32}$/);
    assert.equal(a.env.HUAWEICLOUD_KMS_ENDPOINT, a.env.AWS_ENDPOINT_URL_KMS);
    const opts = huaweiOptionsFromEnv(a.env, 'cn-north-4');
    assert.ok(opts);
    const p = new HuaweiKmsProvider(opts);
    const k = await p.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', alias: 'from-the-cli-test' });
    assert.equal((await p.describeKey(k.keyId)).keyState, 'PendingImport');
    p.dispose();
    a.child.kill('SIGTERM');
    assert.equal(await a.exit, 0);
    const b = await start(['--state', dir]);
    for (const n of ['HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_PROJECT_ID']) assert.equal(b.env[n], a.env[n], n);
    const p2 = new HuaweiKmsProvider(huaweiOptionsFromEnv(b.env, 'cn-north-4')!);
    assert.deepEqual((await p2.describeKey(k.keyId)).aliases, ['from-the-cli-test']);
    p2.dispose();
    b.child.kill('SIGINT');
    assert.equal(await b.exit, 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
