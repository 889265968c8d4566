// Files written atomically (temp file in the same folder, fsync, rename) with mode 0600 by default,
// so a failure never leaves a half-written file and secrets are never world-readable.
import { promises as fs, constants as fsc } from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { KmsImportError } from './errors';

export async function writeFileAtomic(file: string, data: Buffer | string, opts: { mode?: number; durable?: boolean } = {}): Promise<void> {
  const mode = opts.mode ?? 0o600;
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, fsc.O_CREAT | fsc.O_EXCL | fsc.O_WRONLY, mode);
    await handle.writeFile(data);
    if (opts.durable) await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, file);
  } catch (e) {
    if (handle) await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    const err = e as NodeJS.ErrnoException;
    throw new KmsImportError('io', 'WRITE_FAILED', `Could not write ${file}: ${err.code ?? err.message}.`, err.code === 'ENOENT' ? 'Create the folder first, or choose another output path.' : err.code === 'EACCES' ? 'Choose a folder you can write to.' : 'Check the path and free disk space, then try again.');
  }
}

/** Reads a file with a clear error (never a stack trace) and a size cap. */
export async function readFileChecked(file: string, maxBytes = 64 * 1024 * 1024): Promise<Buffer> {
  let st;
  try {
    st = await fs.stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new KmsImportError('io', 'READ_FAILED', code === 'ENOENT' ? `No such file: ${file}.` : `Could not read ${file}: ${code}.`, code === 'ENOENT' ? 'Check the path.' : 'Check the file permissions.');
  }
  if (st.isDirectory()) throw new KmsImportError('invalid-input', 'IS_DIRECTORY', `${file} is a folder, not a file.`, 'Give the path of a file.');
  if (st.size > maxBytes) throw new KmsImportError('invalid-input', 'FILE_TOO_LARGE', `${file} is ${st.size} bytes, more than this input can be (${maxBytes}).`, 'Choose the right file.');
  try {
    return await fs.readFile(file);
  } catch (e) {
    throw new KmsImportError('io', 'READ_FAILED', `Could not read ${file}: ${(e as NodeJS.ErrnoException).code}.`, 'Check the file permissions.');
  }
}
