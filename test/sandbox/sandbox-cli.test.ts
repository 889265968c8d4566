// `kms-import sandbox`: prints the endpoint and the credentials of its state directory, serves the real
// SDK with them, keeps state across restarts, and stops cleanly on SIGTERM/SIGINT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateKeyCommand, DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';

const ROOT = path.join(__dirname, '../..');
const CLI = ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'sandbox'];

interface Running {
  child: ChildProcess;
  endpoint: string;
  env: Record<string, string>;
  output: () => string;
  exit: Promise<number | null>;
}

function start(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^KMS sandbox listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m && /^# Ctrl\+C/m.test(out)) {
        const env = Object.fromEntries([...out.matchAll(/^(AWS_[A-Z_]+)=(.*)$/gm)].map((x) => [x[1], x[2]]));
        resolve({ child, endpoint: m[1], env, output: () => out, exit });
      }
    });
    void exit.then((code) => reject(new Error(`the sandbox exited (${code}) before listening: ${out}`)));
  });
}

test('kms-import sandbox --state DIR: prints endpoint and credentials, serves the SDK, survives a restart, stops on signals', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sbx-cli-'));
  try {
    const a = await start(['--state', dir]);
    assert.match(a.env.AWS_ACCESS_KEY_ID, /^AKIA[A-Z0-9]{16}$/);
    assert.equal(a.env.AWS_DEFAULT_REGION, 'us-east-1'); // AWS CLI v1 reads AWS_DEFAULT_REGION
    assert.equal(a.env.AWS_ENDPOINT_URL_KMS, a.endpoint);
    assert.ok(a.env.AWS_SECRET_ACCESS_KEY.length >= 40);
    const kms = new KMSClient({ endpoint: a.endpoint, region: a.env.AWS_REGION, credentials: { accessKeyId: a.env.AWS_ACCESS_KEY_ID, secretAccessKey: a.env.AWS_SECRET_ACCESS_KEY } });
    const keyId = (await kms.send(new CreateKeyCommand({ Description: 'from the CLI test' }))).KeyMetadata!.KeyId!;
    kms.destroy();
    a.child.kill('SIGTERM');
    assert.equal(await a.exit, 0);
    assert.match(a.output(), /KMS sandbox stopped\./);

    const b = await start(['--state', dir, '--port', '0']);
    assert.equal(b.env.AWS_ACCESS_KEY_ID, a.env.AWS_ACCESS_KEY_ID);
    assert.equal(b.env.AWS_SECRET_ACCESS_KEY, a.env.AWS_SECRET_ACCESS_KEY);
    const kms2 = new KMSClient({ endpoint: b.endpoint, region: 'us-east-1', credentials: { accessKeyId: b.env.AWS_ACCESS_KEY_ID, secretAccessKey: b.env.AWS_SECRET_ACCESS_KEY } });
    assert.equal((await kms2.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.Description, 'from the CLI test');
    kms2.destroy();
    b.child.kill('SIGINT');
    assert.equal(await b.exit, 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('kms-import sandbox with a bad --port or --region: usage error (exit 2) that names the fix', () => {
  for (const [args, why] of [
    [['--port', 'eighty'], /--port must be a TCP port number/],
    [['--region', 'Mars'], /is not an AWS Region name/],
    [['--bogus'], /Unknown option --bogus/],
  ] as const) {
    const r = spawnSync(process.execPath, [...CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr + r.stdout, why);
  }
});
