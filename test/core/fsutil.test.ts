// Files written atomically with mode 0600, never replacing a file unless asked (not even one created meanwhile), and
// reads with a clear error that refuse devices and FIFOs without hanging and read no more than the cap + 1 bytes: the
// async calls (extension, single files) and the synchronous ones (`kms-import wrap` batches) keep the same contract.
// Folders the tool names itself (makeFreshDir) are never handed out twice and are removed again while empty.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import nodeFs from 'node:fs';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import * as net from 'node:net';
import { once } from 'node:events';
import { makeFreshDir, readFileChecked, readFileCheckedSync, writeFileAtomic, writeFileAtomicSync, writeFilesAtomic } from '../../src/core/fsutil';
import { isKmsImportError } from '../../src/core/errors';
import { tempDir } from '../support/openssl';

const tmp = tempDir();
after(() => tmp.cleanup());

const writers = {
  async: (file: string, data: Buffer, overwrite = true) => writeFileAtomic(file, data, { overwrite }),
  sync: async (file: string, data: Buffer, overwrite = true) => writeFileAtomicSync(file, data, { overwrite }),
};

/**
 * Runs `body` while opening a temporary file of the writer first creates `target` with `contents`: another program
 * creating the output between the writer's check and its write, made to happen at that moment every time.
 */
async function withFileCreatedDuringWrite(target: string, contents: string, body: () => Promise<void>): Promise<void> {
  const { open } = nodeFs.promises;
  const { openSync } = nodeFs;
  const createFirst = (p: unknown) => {
    if (String(p).endsWith('.tmp') && !nodeFs.existsSync(target)) writeFileSync(target, contents);
  };
  nodeFs.promises.open = (async (p: nodeFs.PathLike, ...rest: unknown[]) => (createFirst(p), (open as (...a: unknown[]) => unknown)(p, ...rest))) as typeof open;
  (nodeFs as { openSync: unknown }).openSync = (p: nodeFs.PathLike, ...rest: unknown[]) => (createFirst(p), (openSync as (...a: unknown[]) => number)(p, ...rest));
  syncBuiltinESMExports();
  try {
    await body();
  } finally {
    nodeFs.promises.open = open;
    (nodeFs as { openSync: unknown }).openSync = openSync;
    syncBuiltinESMExports();
  }
}
const readers = {
  async: (file: string, max?: number) => readFileChecked(file, max),
  sync: async (file: string, max?: number) => readFileCheckedSync(file, max),
};

for (const [kind, write] of Object.entries(writers)) {
  describe(`writeFileAtomic (${kind})`, () => {
    test('writes the bytes with mode 0600 and replaces an existing file whole, leaving no temporary file', async () => {
      const dir = tmp.path(`w-${kind}`);
      mkdirSync(dir);
      const file = join(dir, 'EncryptedKeyMaterial.bin');
      writeFileSync(file, 'old contents that are longer than the new ones', { mode: 0o644 });
      await write(file, Buffer.from('new'));
      assert.equal(readFileSync(file, 'utf8'), 'new');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.deepEqual(readdirSync(dir), ['EncryptedKeyMaterial.bin']);
    });
    test('a name near the 255-byte limit is written: the temporary name beside it stays short enough', async () => {
      const dir = tmp.path(`long-${kind}`);
      mkdirSync(dir);
      const name = `EncryptedKeyMaterial_${'k'.repeat(230)}.bin`;
      await write(join(dir, name), Buffer.from('x'));
      assert.deepEqual(readdirSync(dir), [name]);
    });
    test('a folder that does not exist: WRITE_FAILED naming the fix, and nothing written', async () => {
      const file = tmp.path(`missing-${kind}/out.bin`);
      await assert.rejects(write(file, Buffer.from('x')), (e: unknown) => isKmsImportError(e) && e.code === 'WRITE_FAILED' && /ENOENT/.test(e.message) && /Create the folder first/.test(e.fix));
    });
    test('a target that is a folder: WRITE_FAILED, the folder untouched, no temporary file left', async () => {
      const dir = tmp.path(`t-${kind}`);
      mkdirSync(join(dir, 'taken'), { recursive: true });
      for (const overwrite of [true, false]) {
        await assert.rejects(write(join(dir, 'taken'), Buffer.from('x'), overwrite), (e: unknown) => isKmsImportError(e) && e.code === 'WRITE_FAILED');
        assert.deepEqual(readdirSync(dir), ['taken']);
        assert.ok(statSync(join(dir, 'taken')).isDirectory());
      }
    });
    test('overwrite false: an existing file is left as it is, OUTPUT_EXISTS, no temporary file left', async () => {
      const dir = tmp.path(`keep-${kind}`);
      mkdirSync(dir);
      const file = join(dir, 'keep.bin');
      writeFileSync(file, 'the only copy of a key');
      await assert.rejects(write(file, Buffer.from('ciphertext'), false), (e: unknown) => isKmsImportError(e) && e.code === 'OUTPUT_EXISTS' && e.kind === 'invalid-input' && /keep\.bin already exists/.test(e.message) && /--force/.test(e.fix));
      assert.equal(readFileSync(file, 'utf8'), 'the only copy of a key');
      assert.deepEqual(readdirSync(dir), ['keep.bin']);
    });
    test('overwrite false: a file created between the check and the write is not replaced (no rename over it)', async () => {
      const dir = tmp.path(`race-${kind}`);
      mkdirSync(dir);
      const file = join(dir, 'out.bin');
      await withFileCreatedDuringWrite(file, 'written by someone else meanwhile', async () => {
        await assert.rejects(write(file, Buffer.from('ours'), false), (e: unknown) => isKmsImportError(e) && e.code === 'OUTPUT_EXISTS');
      });
      assert.equal(readFileSync(file, 'utf8'), 'written by someone else meanwhile');
      assert.deepEqual(readdirSync(dir), ['out.bin'], 'no temporary file left');
    });
    test('overwrite false: a new file is written whole with mode 0600 and no temporary file beside it', async () => {
      const dir = tmp.path(`new-${kind}`);
      mkdirSync(dir);
      await write(join(dir, 'new.bin'), Buffer.from('fresh'), false);
      assert.equal(readFileSync(join(dir, 'new.bin'), 'utf8'), 'fresh');
      assert.equal(statSync(join(dir, 'new.bin')).mode & 0o777, 0o600);
      assert.equal(statSync(join(dir, 'new.bin')).nlink, 1, 'the temporary name is gone');
      assert.deepEqual(readdirSync(dir), ['new.bin']);
    });
  });
}

describe('writeFilesAtomic', () => {
  test('overwrite false: the same set again is no conflict; a file with other contents stops the whole set before any write', async () => {
    const dir = tmp.path('set');
    mkdirSync(dir);
    const set = [{ name: 'a.bin', data: Buffer.from('A') }, { name: 'b.txt', data: 'B' }];
    await writeFilesAtomic(dir, set, { overwrite: false });
    await writeFilesAtomic(dir, set, { overwrite: false });
    assert.deepEqual(readdirSync(dir).sort(), ['a.bin', 'b.txt']);
    writeFileSync(join(dir, 'c.txt'), 'mine');
    await assert.rejects(writeFilesAtomic(dir, [{ name: 'new.bin', data: 'N' }, { name: 'c.txt', data: 'theirs' }], { overwrite: false }), (e: unknown) => isKmsImportError(e) && e.code === 'OUTPUT_EXISTS' && /c\.txt already exists with other contents/.test(e.message));
    assert.deepEqual(readdirSync(dir).sort(), ['a.bin', 'b.txt', 'c.txt'], 'new.bin not written either');
    assert.equal(readFileSync(join(dir, 'c.txt'), 'utf8'), 'mine');
    await writeFilesAtomic(dir, [{ name: 'c.txt', data: 'theirs' }], { overwrite: true });
    assert.equal(readFileSync(join(dir, 'c.txt'), 'utf8'), 'theirs');
  });
});

for (const [kind, read] of Object.entries(readers)) {
  describe(`readFileChecked (${kind})`, () => {
    test('reads the bytes', async () => {
      assert.deepEqual(await read(tmp.write(`r-${kind}.bin`, Buffer.from([1, 2, 3]))), Buffer.from([1, 2, 3]));
    });
    test('missing file, folder, too large: each a clear error with a fix', async () => {
      const cases: Array<[string, number | undefined, string, RegExp]> = [
        [tmp.path('nope.bin'), undefined, 'READ_FAILED', /No such file: .*nope\.bin\./],
        [tmp.dir, undefined, 'IS_DIRECTORY', /is a folder, not a file/],
        [tmp.write(`big-${kind}.bin`, Buffer.alloc(2048)), 1024, 'FILE_TOO_LARGE', /is 2048 bytes, more than this input can be \(1024\)/],
      ];
      for (const [file, max, code, message] of cases) {
        await assert.rejects(read(file, max), (e: unknown) => isKmsImportError(e) && e.code === code && message.test(e.message) && e.fix.length > 0, code);
      }
    });
    test('devices and a FIFO with no writer: NOT_A_REGULAR_FILE at once, nothing read, no hang', { timeout: 10_000 }, async () => {
      const fifo = tmp.path(`fifo-${kind}`);
      execFileSync('mkfifo', [fifo]);
      const cases: Array<[string, RegExp]> = [
        ['/dev/zero', /\/dev\/zero is a device, not a regular file/],
        ['/dev/urandom', /\/dev\/urandom is a device, not a regular file/],
        [fifo, /is a FIFO \(named pipe\), not a regular file/],
      ];
      for (const [file, message] of cases) {
        await assert.rejects(read(file, 4096), (e: unknown) => isKmsImportError(e) && e.code === 'NOT_A_REGULAR_FILE' && e.kind === 'invalid-input' && message.test(e.message) && /regular file/.test(e.fix), file);
      }
    });
    test('a Unix socket: NOT_A_REGULAR_FILE', { timeout: 10_000 }, async () => {
      const sock = tmp.path(`sock-${kind}`);
      const server = net.createServer().listen(sock);
      await once(server, 'listening');
      try {
        await assert.rejects(read(sock, 4096), (e: unknown) => isKmsImportError(e) && e.code === 'NOT_A_REGULAR_FILE' && /not a regular file/.test(e.message));
      } finally {
        server.close();
      }
    });
    test('a regular file whose stat size is 0 but holds more (/proc): read up to the cap + 1 byte, then FILE_TOO_LARGE', async () => {
      await assert.rejects(read('/proc/self/status', 16), (e: unknown) => isKmsImportError(e) && e.code === 'FILE_TOO_LARGE' && /has more than 16 bytes/.test(e.message));
      // The buffer sized from stat (0) grows to hold what is there: the same bytes as a plain read.
      assert.deepEqual(await read('/proc/self/cmdline', 1 << 20), readFileSync('/proc/self/cmdline'));
    });
  });
}

describe('makeFreshDir', () => {
  test('a name never handed out twice: taken names get -2, -3, …; runs side by side get distinct folders; existing folders are left as they are', async () => {
    const parent = tmp.path('fresh');
    mkdirSync(join(parent, 'RSA_2048-20260101T000000Z'), { recursive: true });
    writeFileSync(join(parent, 'RSA_2048-20260101T000000Z', 'kms-import.json'), 'earlier');
    const first = await makeFreshDir(parent, 'RSA_2048-20260101T000000Z');
    assert.equal(first.dir, join(parent, 'RSA_2048-20260101T000000Z-2'));
    assert.deepEqual(readdirSync(first.dir), []);
    assert.equal(statSync(first.dir).mode & 0o777, 0o700);
    const sideBySide = await Promise.all(Array.from({ length: 8 }, () => makeFreshDir(parent, 'RSA_2048-20260101T000000Z')));
    const dirs = sideBySide.map((d) => d.dir);
    assert.equal(new Set(dirs).size, 8);
    assert.ok(!dirs.includes(first.dir));
    assert.equal(readFileSync(join(parent, 'RSA_2048-20260101T000000Z', 'kms-import.json'), 'utf8'), 'earlier');
  });

  test('release() removes the folder only while it is empty, and the parents it created only while they are empty', async () => {
    const root = tmp.path('fresh-release');
    mkdirSync(root);
    const unused = await makeFreshDir(join(root, 'a', 'b'), 'bundle');
    await unused.release();
    assert.deepEqual(readdirSync(root), [], 'the folder and the parents it created are gone');
    const used = await makeFreshDir(join(root, 'a', 'b'), 'bundle');
    writeFileSync(join(used.dir, 'ImportToken.bin'), 'x');
    await used.release();
    assert.deepEqual(readdirSync(used.dir), ['ImportToken.bin'], 'a folder written into stays');
    const sibling = await makeFreshDir(join(root, 'a', 'b'), 'bundle');
    assert.equal(sibling.dir, join(root, 'a', 'b', 'bundle-2'));
    await sibling.release();
    assert.deepEqual(readdirSync(join(root, 'a', 'b')), ['bundle'], 'parents that hold other outputs stay');
    await sibling.release(); // twice: nothing left to do, no error
  });
});
