// Reading key material in every form users have it, and normalising it to what KMS takes:
// raw bytes (symmetric, HMAC) or PKCS#8 DER (RSA, EC). Identification is done from the ASN.1 itself,
// so secp256k1 and SM2 keys work without OpenSSL. The derived public key (SPKI DER) is kept for the
// proof after import. Secret bytes live only in `bytes`; call dispose() to zero them. This file tells the
// forms apart (binary, PEM, hex, base64, JSON); the private-key structures themselves are read in privateKey.ts.
import * as crypto from 'node:crypto';
import * as asn1 from './asn1';
import { decodeBase64Text, decodeHexText, fingerprint, isProbablyText, parsePem } from './encoding';
import { KmsImportError, invalidInput, type ErrorCode } from './errors';
import { classifyDer, classifyDerSafe, fromDerKind, fromJwk, fromPkcs8, FIX_PKCS8, wrongPassphrase, type Asym, type DerKind } from './privateKey';
import { hmacSpecFor, type MaterialFacts } from './rules';
import { CURVES, KEY_SPECS, type KeySpec } from './specs';

export type MaterialFormat =
  | 'raw'
  | 'hex'
  | 'base64'
  | 'pkcs8-der'
  | 'pkcs8-pem'
  | 'pkcs1-der'
  | 'pkcs1-pem'
  | 'sec1-der'
  | 'sec1-pem'
  | 'encrypted-pkcs8-der'
  | 'encrypted-pkcs8-pem'
  | 'encrypted-legacy-pem'
  | 'pkcs12'
  | 'jwk';

export interface KeyMaterial extends MaterialFacts {
  format: MaterialFormat;
  /** Normalised secret: raw bytes or PKCS#8 DER. Zeroed by dispose(). */
  bytes: Buffer;
  /** SubjectPublicKeyInfo DER of the matching public key (RSA, EC). */
  publicKeySpki?: Buffer;
  publicKeyFingerprint?: string;
  /** Human description, e.g. "RSA 3072-bit private key (PKCS#1 PEM)". Never contains secret bytes. */
  description: string;
  dispose(): void;
}

export interface ParseOptions {
  passphrase?: string;
  /** Used only in messages. */
  fileName?: string;
  /** The caller knows raw bytes are expected (symmetric/HMAC key spec): don't treat a DER-looking prefix as a truncated key. */
  expectRaw?: boolean;
}

/** Key material is never larger than this (an RSA-4096 PKCS#12 with a chain is well under it). */
export const MAX_MATERIAL_FILE_BYTES = 1024 * 1024;

const RAW_SIZES: Record<number, KeySpec> = { 16: 'SYMMETRIC_DEFAULT', 28: 'HMAC_224', 32: 'SYMMETRIC_DEFAULT', 48: 'HMAC_384', 64: 'HMAC_512' };

function refuse(code: ErrorCode, what: string, fix: string): KmsImportError {
  return invalidInput(code, what, fix);
}

// ---------------------------------------------------------------------------------------------
// Public entry point

function makeMaterial(format: MaterialFormat, asym: Asym | undefined, raw: Buffer | undefined): KeyMaterial {
  if (asym) {
    const spec: KeySpec | undefined = asym.kind === 'rsa' ? (`RSA_${asym.bits}` as KeySpec) : CURVES[asym.curve!].spec;
    const bytes = asym.pkcs8;
    const label = asym.kind === 'rsa' ? `RSA ${asym.bits}-bit private key` : `EC ${asym.curve} private key`;
    return {
      kind: asym.kind,
      format,
      bytes,
      byteLength: bytes.length,
      keySpec: spec,
      modulusBits: asym.bits,
      primes: asym.primes,
      curve: asym.curve,
      publicKeySpki: asym.spki,
      // Computed when first read: wrapping a batch never shows it.
      get publicKeyFingerprint() {
        const value = fingerprint(asym.spki);
        Object.defineProperty(this, 'publicKeyFingerprint', { value, enumerable: true });
        return value;
      },
      description: `${label} (${FORMAT_LABEL[format]})`,
      dispose: () => bytes.fill(0),
    };
  }
  const bytes = raw!;
  const spec = RAW_SIZES[bytes.length];
  const kind = spec && KEY_SPECS[spec].kind === 'hmac' ? 'hmac' : 'symmetric';
  const guess = bytes.length === 32 ? 'symmetric (AES-256) or HMAC_256' : bytes.length === 16 ? 'symmetric (SM4, China Regions)' : hmacSpecFor(bytes.length) ?? 'no KMS key spec';
  return {
    kind,
    format,
    bytes,
    byteLength: bytes.length,
    keySpec: spec,
    description: `${bytes.length} bytes of raw key material — fits ${guess} (${FORMAT_LABEL[format]})`,
    dispose: () => bytes.fill(0),
  };
}

const FORMAT_LABEL: Record<MaterialFormat, string> = {
  raw: 'raw binary',
  hex: 'hex text',
  base64: 'base64 text',
  'pkcs8-der': 'PKCS#8 DER',
  'pkcs8-pem': 'PKCS#8 PEM',
  'pkcs1-der': 'PKCS#1 DER',
  'pkcs1-pem': 'PKCS#1 PEM',
  'sec1-der': 'SEC1 DER',
  'sec1-pem': 'SEC1 PEM',
  'encrypted-pkcs8-der': 'encrypted PKCS#8 DER',
  'encrypted-pkcs8-pem': 'encrypted PKCS#8 PEM',
  'encrypted-legacy-pem': 'encrypted PEM',
  pkcs12: 'PKCS#12',
  jwk: 'JWK',
};

const DER_FORMAT: Partial<Record<DerKind, MaterialFormat>> = {
  pkcs8: 'pkcs8-der',
  pkcs1: 'pkcs1-der',
  sec1: 'sec1-der',
  'encrypted-pkcs8': 'encrypted-pkcs8-der',
  pkcs12: 'pkcs12',
};

/**
 * Identifies and normalises key material. Throws KmsImportError (kind 'invalid-input') with a message
 * that says what the file is and what is needed. Never includes secret bytes in messages.
 */
export function parseMaterial(input: Buffer, opts: ParseOptions = {}): KeyMaterial {
  if (input.length === 0) throw refuse('EMPTY_FILE', 'The file is empty.', 'Choose the file that holds the key material.');
  if (input.length > MAX_MATERIAL_FILE_BYTES) {
    throw refuse('FILE_TOO_LARGE', `The file is ${input.length} bytes; key material is at most a few kilobytes (an RSA-4096 PKCS#8 key is about 2.4 KB).`, 'Choose the key file itself, not an archive or a data file.');
  }
  try {
    if (isProbablyText(input)) return parseText(input.toString('latin1'), opts);
    return parseBinary(input, opts, 'raw');
  } catch (e) {
    // A structure that classified as a key but is malformed deeper down is a corrupt key, not an unexpected error.
    if (e instanceof asn1.Asn1Error) throw refuse('CORRUPT_KEY', `The key is corrupt (${e.message}).`, FIX_PKCS8);
    throw e;
  }
}

function parseBinary(input: Buffer, opts: ParseOptions, rawFormat: MaterialFormat): KeyMaterial {
  let top: asn1.Node | undefined;
  try {
    top = asn1.parse(input);
  } catch {
    top = undefined;
  }
  if (top && top.tag === asn1.Tag.SEQUENCE) {
    let kind: DerKind;
    try {
      kind = classifyDer(top);
    } catch {
      kind = 'unknown';
    }
    if (kind !== 'unknown') {
      const asym = fromDerKind(kind, input, opts);
      return makeMaterial(rawFormat === 'raw' ? DER_FORMAT[kind]! : rawFormat, asym, undefined);
    }
  }
  // Looks like DER (SEQUENCE tag) but is not a whole, known structure, and is not a raw key size.
  if (input[0] === 0x30 && !RAW_SIZES[input.length] && input.length > 2) {
    throw refuse('CORRUPT_DER', `The file looks like DER (it starts with a SEQUENCE) but is truncated or corrupt (${input.length} bytes).`, 'Export the key again; for raw symmetric or HMAC keys the file must be exactly 16, 28, 32, 48 or 64 bytes.');
  }
  if (input.length > 64 && !RAW_SIZES[input.length]) {
    throw refuse('RAW_LENGTH', `The file is ${input.length} bytes of binary that is neither a key structure nor raw key material (16–64 bytes).`, 'Choose the key material file: 32 bytes for symmetric keys, 28/32/48/64 for HMAC, PKCS#8 DER for RSA/EC.');
  }
  // A raw-key-sized file that starts like a longer DER structure is almost surely a truncated key file.
  if (!opts.expectRaw && input[0] === 0x30 && ((input[1] === 0x81 && input[2] > input.length - 3) || (input[1] === 0x82 && (input.length < 4 || input.readUInt16BE(2) > input.length - 4)))) {
    throw refuse('CORRUPT_DER', `The file starts like a DER private key but is truncated (${input.length} bytes).`, 'Export the key again. If it really is raw symmetric or HMAC key material, name the key spec (CLI: --key-spec).');
  }
  return makeMaterial(rawFormat, undefined, Buffer.from(input));
}

function parseText(text: string, opts: ParseOptions): KeyMaterial {
  const blocks = parsePem(text);
  if (blocks.length > 0) {
    const keyBlocks = blocks.filter((b) => /PRIVATE KEY$/.test(b.label));
    if (keyBlocks.length === 0) {
      const b = blocks[0];
      if (b.label === 'PUBLIC KEY' || b.label === 'RSA PUBLIC KEY' || b.label === 'EC PUBLIC KEY') throw refuse('PUBLIC_KEY_NOT_MATERIAL', `This is a public key (PEM "${b.label}"); KMS imports the private key (it derives the public key itself).`, FIX_PKCS8);
      if (b.label === 'CERTIFICATE' || b.label === 'TRUSTED CERTIFICATE') throw refuse('CERTIFICATE_NOT_MATERIAL', 'This is an X.509 certificate, which holds only a public key; KMS imports the private key.', 'Use the private key that belongs to the certificate.');
      if (b.label === 'CERTIFICATE REQUEST') throw refuse('CSR_NOT_MATERIAL', 'This is a certificate signing request; KMS imports the private key.', 'Use the private key the request was made with.');
      throw refuse('PEM_LABEL_UNKNOWN', `This is a PEM "${b.label}", not a private key.`, 'Use a PEM "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY" or "ENCRYPTED PRIVATE KEY".');
    }
    if (keyBlocks.length > 1) throw refuse('PEM_MANY_KEYS', `The file holds ${keyBlocks.length} private keys; this tool imports one key at a time.`, 'Split the file so that it holds one key.');
    const b = keyBlocks[0];
    if (b.headers['Proc-Type']?.includes('ENCRYPTED')) return legacyEncrypted(text, opts);
    const expected: Record<string, { kind: DerKind; format: MaterialFormat }> = {
      'PRIVATE KEY': { kind: 'pkcs8', format: 'pkcs8-pem' },
      'RSA PRIVATE KEY': { kind: 'pkcs1', format: 'pkcs1-pem' },
      'EC PRIVATE KEY': { kind: 'sec1', format: 'sec1-pem' },
      'ENCRYPTED PRIVATE KEY': { kind: 'encrypted-pkcs8', format: 'encrypted-pkcs8-pem' },
    };
    const e = expected[b.label];
    if (!e) throw refuse('PEM_LABEL_UNKNOWN', `This is a PEM "${b.label}", which this tool does not read.`, 'Convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -outform der.');
    const actual = classifyDerSafe(b.der);
    if (actual === 'unknown') throw refuse('CORRUPT_KEY', `The PEM "${b.label}" does not hold valid DER (truncated or corrupt).`, 'Export the key again.');
    if (actual !== e.kind) {
      throw refuse('PEM_LABEL_MISMATCH', `The PEM says "${b.label}" but holds ${DER_DESCRIPTION[actual]}.`, `Fix the BEGIN/END lines (use "${LABEL_FOR[actual] ?? 'PRIVATE KEY'}") or export the key again.`);
    }
    try {
      return makeMaterial(e.format, fromDerKind(e.kind, b.der, opts, b.label), undefined);
    } finally {
      b.der.fill(0);
    }
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return parseJson(trimmed);
  if (/-----BEGIN /.test(text)) throw refuse('PEM_TRUNCATED', 'The file has a PEM BEGIN line but no matching END line, or its body is not base64.', 'Copy the whole PEM block, from -----BEGIN to -----END.');
  const hex = decodeHexText(trimmed);
  if (hex) return fromDecodedText(hex, 'hex', opts);
  const b64 = decodeBase64Text(trimmed);
  if (b64) return fromDecodedText(b64, 'base64', opts);
  throw refuse('TEXT_NOT_KEY', 'The file is text, but neither PEM, JWK, hex nor base64.', 'Give the key material as raw binary, hex, base64, PEM, PKCS#8 DER, PKCS#12 or a private JWK.');
}

function fromDecodedText(bytes: Buffer, format: MaterialFormat, opts: ParseOptions): KeyMaterial {
  if (bytes.length === 0) throw refuse('EMPTY_FILE', 'The file decodes to nothing.', 'Choose the file that holds the key material.');
  return parseBinary(bytes, opts, format);
}

function parseJson(text: string): KeyMaterial {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw refuse('JSON_INVALID', 'The file looks like JSON but does not parse.', 'Use a private JWK, or another key format.');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw refuse('JWK_INVALID', 'The JSON is not a JWK object.', 'Use a private JWK.');
  const o = v as Record<string, unknown>;
  if ('PublicKey' in o || 'ImportToken' in o || 'public_key' in o || 'import_token' in o) {
    throw refuse('BUNDLE_NOT_MATERIAL', 'This JSON is a GetParametersForImport response (wrapping public key and import token), not key material.', 'Give it as the parameter bundle (--bundle), and the key material separately.');
  }
  if (Array.isArray(o.keys)) throw refuse('JWKS_NOT_SUPPORTED', 'This is a JWK Set; this tool imports one key at a time.', 'Save the one private JWK you want to import in its own file.');
  const r = fromJwk(o);
  return makeMaterial('jwk', r.asym, r.raw);
}

function legacyEncrypted(text: string, opts: ParseOptions): KeyMaterial {
  if (opts.passphrase === undefined) throw refuse('PASSPHRASE_REQUIRED', 'This private key is encrypted (PEM with DEK-Info).', 'Give its passphrase (CLI: --passphrase-file FILE or KMS_IMPORT_PASSPHRASE).');
  let der: Buffer;
  try {
    der = crypto.createPrivateKey({ key: text, format: 'pem', passphrase: opts.passphrase }).export({ format: 'der', type: 'pkcs8' });
  } catch {
    throw wrongPassphrase();
  }
  try {
    return makeMaterial('encrypted-legacy-pem', fromPkcs8(der), undefined);
  } finally {
    der.fill(0);
  }
}

const DER_DESCRIPTION: Record<DerKind, string> = {
  pkcs8: 'a PKCS#8 private key',
  pkcs1: 'a PKCS#1 RSA private key',
  sec1: 'a SEC1 EC private key',
  'encrypted-pkcs8': 'an encrypted PKCS#8 key',
  pkcs12: 'a PKCS#12 file',
  spki: 'a public key',
  'pkcs1-public': 'an RSA public key',
  certificate: 'a certificate',
  unknown: 'an unknown structure',
};
const LABEL_FOR: Partial<Record<DerKind, string>> = {
  pkcs8: 'PRIVATE KEY',
  pkcs1: 'RSA PRIVATE KEY',
  sec1: 'EC PRIVATE KEY',
  'encrypted-pkcs8': 'ENCRYPTED PRIVATE KEY',
  spki: 'PUBLIC KEY',
  certificate: 'CERTIFICATE',
};

/** A plain, secret-free summary for `inspect` and the UI. */
export function summarizeMaterial(m: KeyMaterial): { kind: string; format: MaterialFormat; keySpec?: KeySpec; byteLength: number; modulusBits?: number; curve?: string; publicKeyFingerprint?: string; description: string } {
  return { kind: m.kind, format: m.format, keySpec: m.keySpec, byteLength: m.byteLength, modulusBits: m.modulusBits, curve: m.curve, publicKeyFingerprint: m.publicKeyFingerprint, description: m.description };
}
