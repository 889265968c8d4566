// The README's quick-start "main job": kms-import demo starts the sandbox in-process and runs the
// whole import flow for several key types, printing each step; exit 0 only if every proof holds.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readBundle } from '../../src/core/bundle';

const root = path.join(__dirname, '..', '..');
let tmp: string;
before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'flow-demo-'));
});
after(async () => fs.rm(tmp, { recursive: true, force: true }));

function runDemo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `require('./src/cli/demoCommand').runDemoCommand(${JSON.stringify(args)}).then((c) => { process.exitCode = c; }, (e) => { console.error('THREW', e && e.message); process.exitCode = 99; });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, env: { ...process.env, KMS_IMPORT_DEBUG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('kms-import demo', () => {
  test('prints every step for each default key type and exits 0 when every proof holds', async () => {
    const out = path.join(tmp, 'human');
    const r = await runDemo(['--out', out]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const spec of ['SYMMETRIC_DEFAULT', 'HMAC_256', 'RSA_2048', 'ECC_NIST_P256']) assert.match(r.stdout, new RegExp(`\\] ${spec}\\n`));
    for (const label of ['Create key', 'Download parameters', 'Check compatibility', 'Wrap key material', 'Import key material', 'Prove the import']) {
      assert.equal(r.stdout.split('\n').filter((l) => l.startsWith(`  ✓ ${label}`)).length, 4, label);
    }
    assert.match(r.stdout, /OK: 4 of 4 imports proven/);
    assert.doesNotMatch(r.stderr, /NodeVersionSupportWarning/);
    // One complete parameter bundle per key.
    const dirs = (await fs.readdir(out)).sort();
    assert.deepEqual(dirs, ['01-SYMMETRIC_DEFAULT', '02-HMAC_256', '03-RSA_2048', '04-ECC_NIST_P256']);
    for (const d of dirs) assert.ok((await readBundle(path.join(out, d))).keyArn?.startsWith('arn:aws:kms:'));
  });

  test('--json --key-specs: a machine-readable result per key', async () => {
    const out = path.join(tmp, 'json');
    const r = await runDemo(['--json', '--key-specs', 'HMAC_512,ECC_NIST_P384', '--out', out]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.ok, true);
    assert.deepEqual(doc.results.map((x: { keySpec: string; ok: boolean; proof: { method: string; holds: boolean } }) => [x.keySpec, x.ok, x.proof.method, x.proof.holds]), [
      ['HMAC_512', true, 'mac', true],
      ['ECC_NIST_P384', true, 'public-key', true],
    ]);
  });

  test('run again with the same --out: the new bundles go beside the earlier ones (-2), which are left as they were', async () => {
    const out = path.join(tmp, 'again');
    const first = await runDemo(['--json', '--key-specs', 'SYMMETRIC_DEFAULT', '--out', out]);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const before = await fs.readFile(path.join(out, '01-SYMMETRIC_DEFAULT', 'kms-import.json'));
    const again = await runDemo(['--json', '--key-specs', 'SYMMETRIC_DEFAULT', '--out', out]);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    const doc = JSON.parse(again.stdout);
    assert.equal(doc.ok, true, again.stdout);
    assert.equal(doc.results[0].bundleDir, path.join(out, '01-SYMMETRIC_DEFAULT-2'));
    assert.deepEqual((await fs.readdir(out)).sort(), ['01-SYMMETRIC_DEFAULT', '01-SYMMETRIC_DEFAULT-2']);
    assert.deepEqual(await fs.readFile(path.join(out, '01-SYMMETRIC_DEFAULT', 'kms-import.json')), before);
  });

  test('a bad key spec is a usage error naming the fix', async () => {
    const r = await runDemo(['--key-specs', 'AES_999']);
    assert.equal(r.code, 99);
    assert.match(r.stderr, /Unknown key spec "AES_999"/);
  });
});
