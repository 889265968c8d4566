// Files written atomically (temp file in the same folder, fsync, rename) with mode 0600 by default,
// so a failure never leaves a half-written file and secrets are never world-readable.
import { promises as fs, constants as fsc, closeSync, fstatSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { KmsImportError } from './errors';

export async function writeFileAtomic(file: string, data: Buffer | string, opts: { mode?: number; durable?: boolean } = {}): Promise<void> {
  const mode = opts.mode ?? 0o600;
  const tmp = tempNameFor(file);
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
    throw writeFailed(file, e);
  }
}

/**
 * The same contract as writeFileAtomic, in synchronous calls: for batch work on a thread of its own
 * (`kms-import wrap` over many files), where a promise round trip per step costs more than the write.
 */
export function writeFileAtomicSync(file: string, data: Buffer | string, opts: { mode?: number } = {}): void {
  const tmp = tempNameFor(file);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, fsc.O_CREAT | fsc.O_EXCL | fsc.O_WRONLY, opts.mode ?? 0o600);
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (e) {
    try {
      if (fd !== undefined) closeSync(fd);
      rmSync(tmp, { force: true });
    } catch {
      // the error that matters is the write's
    }
    throw writeFailed(file, e);
  }
}

/** A new name beside `file`. Only the start of its name is kept, so the temporary name fits wherever `file`'s does (255 bytes). */
function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file).slice(0, 48)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
}

function writeFailed(file: string, e: unknown): KmsImportError {
  const err = e as NodeJS.ErrnoException;
  return new KmsImportError('io', 'WRITE_FAILED', `Could not write ${file}: ${err.code ?? err.message}.`, err.code === 'ENOENT' ? 'Create the folder first, or choose another output path.' : err.code === 'EACCES' ? 'Choose a folder you can write to.' : 'Check the path and free disk space, then try again.');
}

/** Reads a file with a clear error (never a stack trace) and a size cap. */
export async function readFileChecked(file: string, maxBytes = 64 * 1024 * 1024): Promise<Buffer> {
  let st;
  try {
    st = await fs.stat(file);
  } catch (e) {
    throw notReadable(file, e);
  }
  checkReadable(file, st, maxBytes);
  try {
    return await fs.readFile(file);
  } catch (e) {
    throw notReadable(file, e);
  }
}

/** readFileChecked in synchronous calls (one open, one fstat, one read), for batch work on a thread of its own. */
export function readFileCheckedSync(file: string, maxBytes = 64 * 1024 * 1024): Buffer {
  let fd: number | undefined;
  try {
    try {
      fd = openSync(file, 'r');
    } catch (e) {
      throw notReadable(file, e);
    }
    checkReadable(file, fstatSync(fd), maxBytes);
    try {
      return readFileSync(fd);
    } catch (e) {
      throw notReadable(file, e);
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function checkReadable(file: string, st: { isDirectory(): boolean; size: number }, maxBytes: number): void {
  if (st.isDirectory()) throw folderNotFile(file);
  if (st.size > maxBytes) throw new KmsImportError('invalid-input', 'FILE_TOO_LARGE', `${file} is ${st.size} bytes, more than this input can be (${maxBytes}).`, 'Choose the right file.');
}

function folderNotFile(file: string): KmsImportError {
  return new KmsImportError('invalid-input', 'IS_DIRECTORY', `${file} is a folder, not a file.`, 'Give the path of a file.');
}

function notReadable(file: string, e: unknown): KmsImportError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EISDIR') return folderNotFile(file);
  return new KmsImportError('io', 'READ_FAILED', code === 'ENOENT' ? `No such file: ${file}.` : `Could not read ${file}: ${code ?? (e as Error).message}.`, code === 'ENOENT' ? 'Check the path.' : 'Check the file permissions.');
}
