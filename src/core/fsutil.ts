// Files written atomically (temp file in the same folder, fsync, then rename — or, when the caller must not replace
// an existing file, a hard link that fails if the name is taken) with mode 0600 by default, so a failure never leaves
// a half-written file, secrets are never world-readable, and a file that exists (or appears meanwhile) is never
// replaced unless the caller says so. A folder the tool names itself for a run's outputs is created with mkdir (never an
// existing one, never one another run is given at the same moment) and removed again if the run leaves it empty. Reads
// open the file once (without waiting on a FIFO), refuse anything that is not a regular file on that descriptor, and
// read at most the cap + 1 bytes, whatever stat() says of the size.
import { promises as fs, constants as fsc, closeSync, copyFileSync, fstatSync, linkSync, lstatSync, openSync, readSync, renameSync, rmSync, writeSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { KmsImportError } from './errors';

export interface WriteOptions {
  mode?: number;
  durable?: boolean;
  /**
   * Whether an existing file of that name may be replaced. When false, a file that exists — or is created between the
   * check and the write — is left as it is and the write fails with OUTPUT_EXISTS.
   */
  overwrite: boolean;
}

export async function writeFileAtomic(file: string, data: Buffer | string, opts: WriteOptions): Promise<void> {
  const mode = opts.mode ?? 0o600;
  const tmp = tempNameFor(file);
  if (!opts.overwrite) {
    let st: Stats | undefined;
    let err: unknown;
    await fs.lstat(file).then((s) => (st = s), (e: unknown) => (err = e));
    refuseExisting(file, st, err);
  }
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, fsc.O_CREAT | fsc.O_EXCL | fsc.O_WRONLY, mode);
    await handle.writeFile(data);
    if (opts.durable) await handle.sync();
    await handle.close();
    handle = undefined;
    if (opts.overwrite) await fs.rename(tmp, file);
    else await linkNoClobber(tmp, file);
  } catch (e) {
    if (handle) await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e instanceof KmsImportError ? e : writeFailed(file, e);
  }
  if (!opts.overwrite) await fs.rm(tmp, { force: true }).catch(() => undefined); // the file keeps the linked name
}

/**
 * The same contract as writeFileAtomic, in synchronous calls: for batch work on a thread of its own
 * (`kms-import wrap` over many files), where a promise round trip per step costs more than the write.
 */
export function writeFileAtomicSync(file: string, data: Buffer | string, opts: Omit<WriteOptions, 'durable'>): void {
  const tmp = tempNameFor(file);
  if (!opts.overwrite) {
    let st: Stats | undefined;
    let err: unknown;
    try {
      st = lstatSync(file);
    } catch (e) {
      err = e;
    }
    refuseExisting(file, st, err);
  }
  let fd: number | undefined;
  try {
    fd = openSync(tmp, fsc.O_CREAT | fsc.O_EXCL | fsc.O_WRONLY, opts.mode ?? 0o600);
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    closeSync(fd);
    fd = undefined;
    if (opts.overwrite) renameSync(tmp, file);
    else linkNoClobberSync(tmp, file);
  } catch (e) {
    try {
      if (fd !== undefined) closeSync(fd);
    } catch {
      // the error that matters is the write's
    }
    rmQuietSync(tmp);
    throw e instanceof KmsImportError ? e : writeFailed(file, e);
  }
  if (!opts.overwrite) rmQuietSync(tmp); // the file keeps the linked name
}

/**
 * The check before a write that must not replace anything, for writeFileAtomic and writeFileAtomicSync, given what
 * lstat() said: a name that exists is refused; lstat failing other than with ENOENT is a write failure.
 */
function refuseExisting(file: string, st: Stats | undefined, err: unknown): void {
  if (st) throw outputExists(file, st);
  if (err !== undefined && (err as NodeJS.ErrnoException).code !== 'ENOENT') throw writeFailed(file, err);
}

/**
 * Writes files of one folder in the order given, each with writeFileAtomic. With `overwrite` false, a file that exists
 * with other contents is refused (OUTPUT_EXISTS) before any is written, and one that already holds the same bytes is
 * left as it is (writing the same set again is no conflict).
 */
export async function writeFilesAtomic(dir: string, files: Array<{ name: string; data: Buffer | string; mode?: number }>, opts: { overwrite: boolean }): Promise<void> {
  const todo: typeof files = [];
  for (const f of files) {
    const file = path.join(dir, f.name);
    const st = opts.overwrite ? undefined : await fs.lstat(file).catch(() => undefined);
    if (!st) {
      todo.push(f);
      continue;
    }
    const bytes = Buffer.from(f.data);
    const same = st.isFile() && st.size === bytes.length && (await readFileChecked(file, st.size).then((b) => b.equals(bytes), () => false));
    if (!same) throw new KmsImportError('invalid-input', 'OUTPUT_EXISTS', `${file} already exists with other contents; nothing was written.`, 'Choose another output folder, or allow replacing the files (kms-import: --force).');
  }
  for (const f of todo) await writeFileAtomic(path.join(dir, f.name), f.data, { mode: f.mode, overwrite: opts.overwrite });
}

/** A folder this tool named and created for one run's outputs (see makeFreshDir). */
export interface FreshDir {
  dir: string;
  /** Removes the folder while it is still empty (and the parent folders makeFreshDir created, while empty); never throws. */
  release(): Promise<void>;
}

/**
 * A new, empty folder `name` in `parent` — or `name-2`, `name-3`, … when that name is taken — for outputs whose name the
 * tool chooses (a time stamp in seconds is not unique: two runs in the same second, or side by side, would get the same
 * one). mkdir() creates the folder or fails with EEXIST, so a folder that exists, or that another run creates at the
 * same moment, is never handed out twice. A run that ends before writing into it calls release().
 */
export async function makeFreshDir(parent: string, name: string): Promise<FreshDir> {
  let firstCreated: string | undefined;
  try {
    firstCreated = await fs.mkdir(parent, { recursive: true });
  } catch (e) {
    throw writeFailed(parent, e);
  }
  for (let i = 1; i < 10_000; i++) {
    const dir = path.join(parent, i === 1 ? name : `${name}-${i}`);
    try {
      await fs.mkdir(dir, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw writeFailed(dir, e);
    }
    const release = async () => {
      // rmdir removes empty folders only: once the run wrote into it, it stays, and so do its parents.
      const removed = (p: string) => fs.rmdir(p).then(() => true, () => false);
      if (!(await removed(dir)) || !firstCreated) return;
      const top = path.resolve(firstCreated);
      let p = path.resolve(parent);
      while ((await removed(p)) && p !== top) p = path.dirname(p);
    };
    return { dir, release };
  }
  throw new KmsImportError('io', 'NO_FREE_NAME', `Every name from ${name} to ${name}-9999 is taken in ${parent}.`, 'Move older outputs out of that folder, or choose another one.');
}

/** Errors of link() that mean "this file system has no hard links", where an exclusive copy takes its place. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/**
 * Gives the complete temporary file `tmp` the name `file` only if no file has it: link() fails with EEXIST rather
 * than replace one. Where the file system has no hard links, an exclusive copy (COPYFILE_EXCL) does the same.
 */
async function linkNoClobber(tmp: string, file: string): Promise<void> {
  const taken = async () => outputExists(file, await fs.lstat(file).catch(() => undefined));
  try {
    await fs.link(tmp, file);
    return;
  } catch (e) {
    const next = noClobberFailure(e, 'link');
    if (next === 'taken') throw await taken();
    if (next === 'fail') throw e;
  }
  try {
    await fs.copyFile(tmp, file, fsc.COPYFILE_EXCL);
  } catch (c) {
    if (noClobberFailure(c, 'copy') === 'taken') throw await taken();
    await fs.rm(file, { force: true }).catch(() => undefined); // a partial copy is ours (COPYFILE_EXCL created it)
    throw c;
  }
}

function linkNoClobberSync(tmp: string, file: string): void {
  const taken = () => {
    let st: Stats | undefined;
    try {
      st = lstatSync(file);
    } catch {
      st = undefined;
    }
    return outputExists(file, st);
  };
  try {
    linkSync(tmp, file);
    return;
  } catch (e) {
    const next = noClobberFailure(e, 'link');
    if (next === 'taken') throw taken();
    if (next === 'fail') throw e;
  }
  try {
    copyFileSync(tmp, file, fsc.COPYFILE_EXCL);
  } catch (c) {
    if (noClobberFailure(c, 'copy') === 'taken') throw taken();
    rmQuietSync(file); // a partial copy is ours (COPYFILE_EXCL created it)
    throw c;
  }
}

/**
 * What a failed link() or exclusive copy means for linkNoClobber and linkNoClobberSync: the name is taken (refuse), this
 * file system has no hard links (copy exclusively instead; only after link), or a failure to pass on.
 */
function noClobberFailure(e: unknown, step: 'link' | 'copy'): 'taken' | 'copy' | 'fail' {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (code === 'EEXIST') return 'taken';
  return step === 'link' && NO_LINKS.has(code) ? 'copy' : 'fail';
}

function rmQuietSync(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // nothing left to do about it
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

/** The refusal to replace an existing file (callers that may ask the user catch code OUTPUT_EXISTS). A folder in the way cannot be replaced at all. */
function outputExists(file: string, st: Stats | undefined): KmsImportError {
  if (st?.isDirectory()) return new KmsImportError('io', 'WRITE_FAILED', `Could not write ${file}: a folder has that name.`, 'Choose another output path.');
  return new KmsImportError('invalid-input', 'OUTPUT_EXISTS', `${file} already exists; it was left as it is.`, 'Choose another output path, or allow replacing it (kms-import: --force).');
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Where O_NONBLOCK exists (not on Windows): opening a FIFO then does not wait for a writer, so it can be refused. */
const OPEN_FOR_CHECK = fsc.O_RDONLY | (fsc.O_NONBLOCK ?? 0);

/** Reads a regular file with a clear error (never a stack trace, never a hang on a FIFO) and a size cap. */
export async function readFileChecked(file: string, maxBytes = 64 * 1024 * 1024): Promise<Buffer> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, OPEN_FOR_CHECK);
  } catch (e) {
    throw notReadable(file, e);
  }
  try {
    let st: Stats;
    try {
      st = await handle.stat();
    } catch (e) {
      throw notReadable(file, e);
    }
    checkReadable(file, st, maxBytes);
    return await readCapped(file, st.size, maxBytes, (buf, off) => handle.read(buf, off, buf.length - off, null).then((r) => r.bytesRead));
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** readFileChecked in synchronous calls (one open, one fstat, reads), for batch work on a thread of its own. */
export function readFileCheckedSync(file: string, maxBytes = 64 * 1024 * 1024): Buffer {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FOR_CHECK);
  } catch (e) {
    throw notReadable(file, e);
  }
  try {
    let st: Stats;
    try {
      st = fstatSync(fd);
    } catch (e) {
      throw notReadable(file, e);
    }
    checkReadable(file, st, maxBytes);
    return readCappedSync(file, st.size, maxBytes, (b, off) => readSync(fd, b, off, b.length - off, null));
  } finally {
    try {
      closeSync(fd);
    } catch {
      // read already done or failed with its own error
    }
  }
}

/**
 * The checks of a capped read, one implementation for readCapped and readCappedSync: reads until end of file into a
 * buffer sized from stat (a file that grows meanwhile is followed), but never more than maxBytes + 1 bytes: one byte
 * past the cap proves the file too large. Buffers outgrown, and the buffer of a read that fails, are zeroed (they may
 * hold key material).
 */
class CappedRead {
  buf: Buffer;
  len = 0;
  constructor(
    private readonly file: string,
    size: number,
    private readonly maxBytes: number,
  ) {
    this.buf = Buffer.alloc(Math.min(size, maxBytes) + 1);
  }

  /** Counts a read of `n` bytes into buf at len: false at end of file; FILE_TOO_LARGE (the buffer zeroed) past the cap. */
  took(n: number): boolean {
    if (n === 0) return false;
    this.len += n;
    if (this.len > this.maxBytes) {
      this.buf.fill(0);
      throw tooLarge(this.file, `has more than ${this.maxBytes} bytes`, this.maxBytes);
    }
    if (this.len === this.buf.length) this.buf = grow(this.buf, this.maxBytes);
    return true;
  }

  /** A read that threw: the buffer is zeroed; returns the error to throw. */
  failed(e: unknown): KmsImportError {
    this.buf.fill(0);
    return notReadable(this.file, e);
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

async function readCapped(file: string, size: number, maxBytes: number, read: (buf: Buffer, off: number) => Promise<number>): Promise<Buffer> {
  const r = new CappedRead(file, size, maxBytes);
  for (;;) {
    let n: number;
    try {
      n = await read(r.buf, r.len);
    } catch (e) {
      throw r.failed(e);
    }
    if (!r.took(n)) return r.bytes();
  }
}

function readCappedSync(file: string, size: number, maxBytes: number, read: (buf: Buffer, off: number) => number): Buffer {
  const r = new CappedRead(file, size, maxBytes);
  for (;;) {
    let n: number;
    try {
      n = read(r.buf, r.len);
    } catch (e) {
      throw r.failed(e);
    }
    if (!r.took(n)) return r.bytes();
  }
}

function grow(buf: Buffer, maxBytes: number): Buffer {
  const bigger = Buffer.alloc(Math.min(buf.length * 2, maxBytes + 1));
  buf.copy(bigger);
  buf.fill(0);
  return bigger;
}

function checkReadable(file: string, st: Stats, maxBytes: number): void {
  if (st.isDirectory()) throw folderNotFile(file);
  if (!st.isFile()) {
    const what = st.isFIFO() ? 'a FIFO (named pipe)' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : 'not a regular file';
    throw notRegular(file, what);
  }
  if (st.size > maxBytes) throw tooLarge(file, `is ${st.size} bytes`, maxBytes);
}

function notRegular(file: string, what: string): KmsImportError {
  return new KmsImportError('invalid-input', 'NOT_A_REGULAR_FILE', `${file} is ${what}, not a regular file; it is not read.`, 'Give the path of a regular file (copy the data into one first).');
}

function tooLarge(file: string, what: string, maxBytes: number): KmsImportError {
  return new KmsImportError('invalid-input', 'FILE_TOO_LARGE', `${file} ${what}, more than this input can be (${maxBytes}).`, 'Choose the right file.');
}

function folderNotFile(file: string): KmsImportError {
  return new KmsImportError('invalid-input', 'IS_DIRECTORY', `${file} is a folder, not a file.`, 'Give the path of a file.');
}

function notReadable(file: string, e: unknown): KmsImportError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EISDIR') return folderNotFile(file);
  if (code === 'ENXIO') return notRegular(file, 'a socket or a device with nothing behind it'); // what open() says of a socket
  return new KmsImportError('io', 'READ_FAILED', code === 'ENOENT' ? `No such file: ${file}.` : `Could not read ${file}: ${code ?? (e as Error).message}.`, code === 'ENOENT' ? 'Check the path.' : 'Check the file permissions.');
}
