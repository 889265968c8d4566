// Files written atomically with mode 0600, and reads with a clear error: the async calls (extension, single files)
// and the synchronous ones (`kms-import wrap` batches) keep the same contract.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFileChecked, readFileCheckedSync, writeFileAtomic, writeFileAtomicSync } from '../../src/core/fsutil';
import { isKmsImportError } from '../../src/core/errors';
import { tempDir } from '../support/openssl';

const tmp = tempDir();
after(() => tmp.cleanup());

const writers = {
  async: (file: string, data: Buffer) => writeFileAtomic(file, data),
  sync: async (file: string, data: Buffer) => writeFileAtomicSync(file, data),
};
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
      await assert.rejects(write(join(dir, 'taken'), Buffer.from('x')), (e: unknown) => isKmsImportError(e) && e.code === 'WRITE_FAILED');
      assert.deepEqual(readdirSync(dir), ['taken']);
      assert.ok(statSync(join(dir, 'taken')).isDirectory());
    });
  });
}

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
  });
}
