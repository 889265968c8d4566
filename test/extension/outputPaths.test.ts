// Outputs whose names the extension picks: never over an existing file without the person's answer,
// never over the key material being read, and parameter bundles only inside the workspace (a setting
// or a symbolic link that leads outside is refused). Real files in a temporary folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, linkSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/core/fsutil';
import { bundleBase, bundleFolderName, bundleStamp, checkedBundleBase, freePath, isInside, planOutput, type AskOverwrite, type OverwriteAnswer } from '../../src/extension/model/outputPaths';

function scratch(): string {
  return realpathSync(mkdtempSync(join(tmpdir(), 'kms-out-')));
}

function asker(answer: OverwriteAnswer): AskOverwrite & { calls: Array<[string, boolean]> } {
  const calls: Array<[string, boolean]> = [];
  const f = async (existing: string, canOverwrite: boolean) => {
    calls.push([existing, canOverwrite]);
    return answer;
  };
  return Object.assign(f, { calls });
}

/** What the extension does with a plan (bundleCommands.writeOutput). */
async function write(plan: { path: string; overwrite: boolean }, data: string): Promise<void> {
  const opts: Parameters<typeof writeFileAtomic>[2] & { overwrite?: boolean } = { mode: 0o600, overwrite: plan.overwrite };
  await writeFileAtomic(plan.path, data, opts);
}

test('a free name is written without a question', async () => {
  const dir = scratch();
  try {
    const ask = asker(undefined);
    assert.deepEqual(await planOutput(join(dir, 'EncryptedKeyMaterial.bin'), ask), { path: join(dir, 'EncryptedKeyMaterial.bin'), overwrite: false });
    assert.equal(ask.calls.length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a taken name: the person is asked; Keep Both keeps the old file, Overwrite replaces it, Cancel writes nothing', async () => {
  const dir = scratch();
  try {
    const target = join(dir, 'EncryptedKeyMaterial.bin');
    writeFileSync(target, 'old');
    const keep = asker('keep-both');
    const p1 = (await planOutput(target, keep))!;
    assert.deepEqual(keep.calls, [[target, true]]);
    assert.deepEqual(p1, { path: join(dir, 'EncryptedKeyMaterial-2.bin'), overwrite: false });
    await write(p1, 'new');
    assert.equal(readFileSync(target, 'utf8'), 'old', 'Keep Both never touches the existing file');
    assert.equal(readFileSync(p1.path, 'utf8'), 'new');
    const p2 = (await planOutput(target, asker('keep-both')))!;
    assert.equal(p2.path, join(dir, 'EncryptedKeyMaterial-3.bin'), 'the next free name');

    assert.equal(await planOutput(target, asker(undefined)), undefined, 'cancel');
    assert.equal(readFileSync(target, 'utf8'), 'old');

    const p3 = (await planOutput(target, asker('overwrite')))!;
    assert.deepEqual(p3, { path: target, overwrite: true });
    await write(p3, 'replaced');
    assert.equal(readFileSync(target, 'utf8'), 'replaced');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the key material being wrapped is never replaced, even through a link or if the answer says so', async () => {
  const dir = scratch();
  try {
    const material = join(dir, 'EncryptedKeyMaterial.bin'); // a material file that happens to carry the output's name
    writeFileSync(material, 'secret material');
    for (const input of [material, join(dir, 'hard-link.bin'), join(dir, 'sym-link.bin')]) {
      if (input.endsWith('hard-link.bin')) linkSync(material, input);
      if (input.endsWith('sym-link.bin')) symlinkSync(material, input);
      const ask = asker('overwrite');
      const plan = (await planOutput(material, ask, [input]))!;
      assert.deepEqual(ask.calls, [[material, false]], 'Overwrite is not offered');
      assert.notEqual(plan.path, material);
      assert.equal(plan.overwrite, false);
    }
    assert.equal(readFileSync(material, 'utf8'), 'secret material');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('freePath numbers files and folders', async () => {
  const dir = scratch();
  try {
    mkdirSync(join(dir, 'k-20260301T120000Z'));
    mkdirSync(join(dir, 'k-20260301T120000Z-2'));
    assert.equal(await freePath(join(dir, 'k-20260301T120000Z')), join(dir, 'k-20260301T120000Z-3'));
    assert.equal(await freePath(join(dir, 'new')), join(dir, 'new'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the bundle folder stays inside the workspace', () => {
  const ws = '/home/u/project';
  assert.deepEqual(bundleBase(ws, 'kms-import'), { base: '/home/u/project/kms-import' });
  assert.deepEqual(bundleBase(ws, 'keys/bundles'), { base: '/home/u/project/keys/bundles' });
  assert.deepEqual(bundleBase(ws, '/home/u/project/out'), { base: '/home/u/project/out' });
  assert.deepEqual(bundleBase(ws, ''), { base: '/home/u/project/kms-import' });
  for (const outside of ['..', '../other', 'a/../../x', '/home/u/.ssh', '/etc', '/home/u/project-evil']) {
    const r = bundleBase(ws, outside);
    assert.equal(r.base, '/home/u/project/kms-import', outside);
    assert.match(r.refused ?? '', /outside the workspace folder/, outside);
  }
  assert.ok(isInside(ws, '/home/u/project/..x'), 'a name that starts with two dots is inside');
});

test('a bundle folder that is a link out of the workspace is refused', async () => {
  const root = scratch();
  try {
    const ws = join(root, 'ws');
    const outside = join(root, 'outside');
    mkdirSync(ws);
    mkdirSync(outside);
    symlinkSync(outside, join(ws, 'bundles'));
    const r = await checkedBundleBase(ws, 'bundles');
    assert.equal(r.base, join(ws, 'kms-import'));
    assert.match(r.refused ?? '', /leads outside the workspace/);
    assert.deepEqual(await checkedBundleBase(ws, 'kms-import/sub'), { base: join(ws, 'kms-import', 'sub') }, 'folders not created yet are fine');
    symlinkSync(outside, join(ws, 'kms-import'));
    await assert.rejects(checkedBundleBase(ws, 'kms-import'), (e: Error & { code?: string }) => e.code === 'BUNDLE_FOLDER_OUTSIDE' && /Remove the link/.test((e as { fix?: string }).fix ?? ''));
    await assert.rejects(checkedBundleBase(ws, 'bundles'), (e: Error & { code?: string }) => e.code === 'BUNDLE_FOLDER_OUTSIDE');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('bundle folders are named one way: <alias or short key id>-<UTC time>', () => {
  const now = new Date('2026-03-01T12:00:00.123Z');
  const id = '1234abcd-12ab-34cd-56ef-1234567890ab';
  // An existing key: its alias (not an AWS-managed one) — the Keys view's label.
  assert.equal(bundleFolderName({ keyId: id, aliases: ['alias/aws/ebs', 'alias/payments'] }, now), 'payments-20260301T120000Z');
  // No alias: the key id's first 8 characters (12 for a multi-Region id), never the whole id.
  assert.equal(bundleFolderName({ keyId: id }, now), '1234abcd-20260301T120000Z');
  assert.equal(bundleFolderName({ keyId: 'mrk-1234abcd12ab34cd56ef1234567890ab', aliases: [] }, now), 'mrk-1234abcd-20260301T120000Z');
  // A key the import is about to create: its alias, else its key spec (it has no id yet).
  assert.equal(bundleFolderName({ aliases: ['alias/new-key'], keySpec: 'RSA_2048' }, now), 'new-key-20260301T120000Z');
  assert.equal(bundleFolderName({ keySpec: 'RSA_2048' }, now), 'rsa_2048-20260301T120000Z');
  // Rotation, and names that are not safe in a path.
  assert.equal(bundleFolderName({ keyId: id, aliases: ['alias/team/pay'] }, now, 'rotation'), 'team-pay-rotation-20260301T120000Z');
  assert.equal(bundleFolderName({ aliases: ['alias/../x'] }, now), 'x-20260301T120000Z');
  assert.equal(bundleStamp(now), '20260301T120000Z');
});
