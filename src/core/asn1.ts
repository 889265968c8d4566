// Minimal DER reader and writer: enough to read and build PKCS#8, PKCS#1, SEC1, SPKI and
// EncryptedPrivateKeyInfo without asking the crypto library (BoringSSL in VS Code desktop does not
// know every curve we must identify).

export class Asn1Error extends Error {}

export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

export interface Node {
  tag: number;
  /** The value bytes (a view into the input). */
  value: Buffer;
  /** The whole TLV (a view into the input). */
  raw: Buffer;
}

/** Reads one TLV at `offset`. Throws Asn1Error on anything that is not strict DER length encoding. */
export function readTlv(buf: Buffer, offset = 0): Node & { end: number } {
  if (offset + 2 > buf.length) throw new Asn1Error('truncated DER (no room for tag and length)');
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new Asn1Error('high-tag-number form is not used by key formats');
  let len = buf[offset + 1];
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new Asn1Error('indefinite length is not DER');
    if (n > 4) throw new Asn1Error('length field too large');
    if (p + n > buf.length) throw new Asn1Error('truncated DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i];
    if (len < 0x80 || (n > 1 && buf[p] === 0)) throw new Asn1Error('non-minimal DER length');
    p += n;
  }
  const end = p + len;
  if (end > buf.length) throw new Asn1Error('truncated DER value');
  return { tag, value: buf.subarray(p, end), raw: buf.subarray(offset, end), end };
}

/** Parses exactly one TLV spanning the whole buffer. */
export function parse(buf: Buffer): Node {
  const n = readTlv(buf, 0);
  if (n.end !== buf.length) throw new Asn1Error(`trailing ${buf.length - n.end} byte(s) after the DER structure`);
  return { tag: n.tag, value: n.value, raw: n.raw };
}

/** The children of a constructed node. */
export function children(node: Node): Node[] {
  if (!(node.tag & 0x20)) throw new Asn1Error(`tag 0x${node.tag.toString(16)} is not constructed`);
  const out: Node[] = [];
  let p = 0;
  while (p < node.value.length) {
    const c = readTlv(node.value, p);
    out.push({ tag: c.tag, value: c.value, raw: c.raw });
    p = c.end;
  }
  return out;
}

export function expect(node: Node | undefined, tag: number, what: string): Node {
  if (!node) throw new Asn1Error(`missing ${what}`);
  if (node.tag !== tag) throw new Asn1Error(`${what}: expected tag 0x${tag.toString(16)}, found 0x${node.tag.toString(16)}`);
  return node;
}

export function decodeOid(value: Buffer): string {
  if (value.length === 0) throw new Asn1Error('empty OID');
  const parts: number[] = [];
  let acc = 0;
  for (let i = 0; i < value.length; i++) {
    acc = acc * 128 + (value[i] & 0x7f);
    if (!(value[i] & 0x80)) {
      parts.push(acc);
      acc = 0;
    } else if (i === value.length - 1) {
      throw new Asn1Error('truncated OID');
    }
  }
  const first = parts.shift()!;
  const a = first < 40 ? 0 : first < 80 ? 1 : 2;
  return [a, first - a * 40, ...parts].join('.');
}

export function oidOf(node: Node | undefined, what: string): string {
  return decodeOid(expect(node, Tag.OID, what).value);
}

/** An INTEGER's magnitude without the sign-padding zero byte. Refuses negative values. */
export function unsignedInt(node: Node | undefined, what: string): Buffer {
  const v = expect(node, Tag.INTEGER, what).value;
  if (v.length === 0) throw new Asn1Error(`${what}: empty INTEGER`);
  if (v[0] & 0x80) throw new Asn1Error(`${what}: negative INTEGER`);
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  return v.subarray(i);
}

export function smallInt(node: Node | undefined, what: string): number {
  const v = unsignedInt(node, what);
  if (v.length > 4) throw new Asn1Error(`${what}: INTEGER too large`);
  return v.reduce((a, b) => a * 256 + b, 0);
}

// ---- writer ----

function encodeLength(len: number): Buffer {
  if (len < 0x80) return Buffer.from([len]);
  const bytes: number[] = [];
  while (len > 0) {
    bytes.unshift(len & 0xff);
    len = Math.floor(len / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(value.length), value]);
}

export const seq = (...items: Buffer[]): Buffer => tlv(Tag.SEQUENCE, Buffer.concat(items));
export const octets = (b: Buffer): Buffer => tlv(Tag.OCTET_STRING, b);
export const bitString = (b: Buffer): Buffer => tlv(Tag.BIT_STRING, Buffer.concat([Buffer.from([0]), b]));
export const nullValue = (): Buffer => Buffer.from([Tag.NULL, 0]);
export const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 | n, inner);

/** Encodes a non-negative big-endian magnitude as a DER INTEGER. */
export function integer(magnitude: Buffer | number): Buffer {
  let b: Buffer;
  if (typeof magnitude === 'number') {
    const hex = magnitude.toString(16);
    b = Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex');
  } else {
    b = magnitude;
  }
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  b = b.subarray(i);
  if (b.length === 0) b = Buffer.from([0]);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(Tag.INTEGER, b);
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [parts[0] * 40 + parts[1]];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    let v = Math.floor(p / 128);
    while (v > 0) {
      stack.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...stack);
  }
  return tlv(Tag.OID, Buffer.from(out));
}

export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecPublicKey: '1.2.840.10045.2.1',
  sm2Algorithm: '1.2.156.10197.1.301', // also the SM2 curve OID
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  secp256k1: '1.3.132.0.10',
  ed25519: '1.3.101.112',
  x25519: '1.3.101.110',
  dsa: '1.2.840.10040.4.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSHA1: '1.2.840.113549.2.7',
  hmacWithSHA224: '1.2.840.113549.2.8',
  hmacWithSHA256: '1.2.840.113549.2.9',
  hmacWithSHA384: '1.2.840.113549.2.10',
  hmacWithSHA512: '1.2.840.113549.2.11',
  aes128cbc: '2.16.840.1.101.3.4.1.2',
  aes192cbc: '2.16.840.1.101.3.4.1.22',
  aes256cbc: '2.16.840.1.101.3.4.1.42',
  desEde3cbc: '1.2.840.113549.3.7',
  x509CommonName: '2.5.4.3',
} as const;
