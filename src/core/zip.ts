// A small, strict ZIP reader (stored and deflate entries) for the console's ImportParameters.zip.
// No ZIP64, no encryption; sizes capped so a hostile archive cannot exhaust memory; an entry name given twice
// or an entry whose CRC-32 does not match is refused, never silently chosen.
import { invalidInput } from './errors';

// node:zlib loads on first use: most commands never open a zip, and loading it costs a CLI call about 2 ms.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zlib = (): typeof import('node:zlib') => require('node:zlib');

export interface ZipEntry {
  name: string;
  data: Buffer;
}

const MAX_ENTRY = 1024 * 1024;
const MAX_ENTRIES = 64;

const bad = (why: string) => invalidInput('ZIP_INVALID', `The zip file cannot be read: ${why}.`, 'Download the parameters again, or unzip them and give the folder.');

export function isZip(buf: Buffer): boolean {
  return buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50;
}

export function readZip(buf: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw bad('no end-of-central-directory record (truncated?)');
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw bad('ZIP64 archives are not supported');
  if (count > MAX_ENTRIES) throw bad(`${count} entries; a parameter download has three or four`);
  if (cdOffset + cdSize > eocd) throw bad('the central directory lies outside the file');
  const out: ZipEntry[] = [];
  const seen = new Set<string>();
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw bad('corrupt central directory');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const usize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const crc = buf.readUInt32LE(p + 16);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/')) continue;
    if (seen.has(name)) throw bad(`it holds ${name} twice`);
    seen.add(name);
    if (flags & 1) throw bad(`${name} is encrypted`);
    if (usize > MAX_ENTRY || csize > MAX_ENTRY) throw bad(`${name} is larger than a parameter file can be`);
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) throw bad(`corrupt local header for ${name}`);
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    if (dataStart + csize > buf.length) throw bad(`${name} is truncated`);
    const raw = buf.subarray(dataStart, dataStart + csize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) {
      try {
        data = zlib().inflateRawSync(raw, { maxOutputLength: MAX_ENTRY });
      } catch {
        throw bad(`${name} does not decompress`);
      }
    } else throw bad(`${name} uses compression method ${method}`);
    if (data.length !== usize) throw bad(`${name} has the wrong size after decompression`);
    if (crc32Of(data) !== crc) throw bad(`${name} is corrupt (its CRC-32 does not match)`);
    out.push({ name, data });
  }
  return out;
}

/** Writes a minimal stored (uncompressed) zip; used by tests and for exporting bundles. */
export function writeZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32Of(e.data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt32LE(crc >>> 0, 14);
    lh.writeUInt32LE(e.data.length, 18);
    lh.writeUInt32LE(e.data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt32LE(crc >>> 0, 16);
    ch.writeUInt32LE(e.data.length, 20);
    ch.writeUInt32LE(e.data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, e.data);
    centrals.push(ch, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

function crc32Of(b: Buffer): number {
  const z = zlib();
  return (z.crc32 ? z.crc32(b) : crc32(b)) >>> 0;
}

function crc32(b: Buffer): number {
  let c = ~0;
  for (const byte of b) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}
