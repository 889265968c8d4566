// Reading the wrapping public key in every form users get it: DER SPKI (WrappingPublicKey.bin,
// wrappingKey_<id>_<ts>), PEM, base64 text (PublicKey.b64) and PKCS#1 RSAPublicKey. RSA keys become a
// KeyObject; SM2 keys (China Regions: id-ecPublicKey with the SM2 curve OID, or the SM2 algorithm OID)
// are checked to be a point on sm2p256v1 in pure TypeScript (BoringSSL has no SM2) and kept as the
// uncompressed point for SM2PKE. The key's spec is read from the key itself, and a spec the caller
// expects (from the bundle's README, manifest or JSON) must agree with it.
import * as crypto from 'node:crypto';
import * as asn1 from './asn1';
import { decodeBase64Text, fingerprint, isProbablyText, parsePem } from './encoding';
import { invalidInput } from './errors';
import { WRAPPING_KEY_SPECS, type WrappingKeySpec } from './specs';
import { loadCurves } from './curves';

export interface WrappingPublicKey {
  kind: 'rsa' | 'sm2';
  bits: number;
  /** DER SubjectPublicKeyInfo. */
  spki: Buffer;
  /** For RSA keys: a KeyObject ready for publicEncrypt. */
  keyObject: crypto.KeyObject;
  /** For SM2 keys: the uncompressed public point 04 ‖ X ‖ Y, checked to be on the curve. */
  point?: Buffer;
  wrappingKeySpec: WrappingKeySpec | undefined;
  fingerprint: string;
  /** How the input was encoded (for `inspect`). */
  encoding: 'der' | 'pem' | 'base64';
}

const notAPublicKey = (what: string) =>
  invalidInput('NOT_A_WRAPPING_KEY', `This is not a wrapping public key: ${what}.`, 'Use WrappingPublicKey.bin (or wrappingKey_<keyId>_<timestamp>, PublicKey.b64) from the same download as the import token.');

/** RSA SPKI from a PKCS#1 RSAPublicKey DER. */
function spkiFromPkcs1(pkcs1: Buffer): Buffer {
  return asn1.seq(asn1.seq(asn1.oid(asn1.OID.rsaEncryption), asn1.nullValue()), asn1.bitString(pkcs1));
}

function fromDer(der: Buffer, encoding: WrappingPublicKey['encoding']): WrappingPublicKey {
  let top: asn1.Node;
  try {
    top = asn1.parse(der);
  } catch (e) {
    throw notAPublicKey(`it is not DER (${(e as Error).message})`);
  }
  let items: asn1.Node[];
  try {
    items = asn1.children(asn1.expect(top, asn1.Tag.SEQUENCE, 'public key'));
  } catch (e) {
    throw notAPublicKey((e as Error).message);
  }
  // PKCS#1 RSAPublicKey: SEQUENCE { INTEGER n, INTEGER e }
  if (items.length === 2 && items[0].tag === asn1.Tag.INTEGER && items[1].tag === asn1.Tag.INTEGER) {
    return fromDer(spkiFromPkcs1(der), encoding);
  }
  // A private key or certificate passed by mistake.
  if (items.length >= 3 && items[0].tag === asn1.Tag.INTEGER) {
    throw notAPublicKey('it is a private key. Never upload or share the private key');
  }
  if (items.length === 3 && items[0].tag === asn1.Tag.SEQUENCE && items[1].tag === asn1.Tag.SEQUENCE && items[2].tag === asn1.Tag.BIT_STRING) {
    throw notAPublicKey('it is an X.509 certificate');
  }
  if (items.length !== 2 || items[0].tag !== asn1.Tag.SEQUENCE || items[1].tag !== asn1.Tag.BIT_STRING) {
    throw notAPublicKey('the DER structure is not a SubjectPublicKeyInfo');
  }
  const algOid = asn1.oidOf(asn1.children(items[0])[0], 'algorithm');
  const algParams = asn1.children(items[0])[1];
  const curveOid = algOid === asn1.OID.ecPublicKey && algParams?.tag === asn1.Tag.OID ? asn1.decodeOid(algParams.value) : undefined;
  if (algOid === asn1.OID.sm2Algorithm || curveOid === asn1.OID.sm2Algorithm) {
    const { sm2Point } = loadCurves().sm2; // loaded on first use (the curve's tables)
    let point: Buffer;
    try {
      point = Buffer.from(sm2Point(asn1.expect(items[1], asn1.Tag.BIT_STRING, 'public key').value.subarray(1)).toRawBytes(false));
    } catch {
      throw notAPublicKey('the SM2 public key is not a point on the SM2 curve');
    }
    return { kind: 'sm2', bits: 256, spki: der, keyObject: undefined as unknown as crypto.KeyObject, point, wrappingKeySpec: 'SM2', fingerprint: fingerprint(der), encoding };
  }
  if (algOid === asn1.OID.ecPublicKey) {
    throw notAPublicKey(`it is an EC public key${curveOid ? ` on curve ${curveOid}` : ''}; KMS wrapping keys are RSA, or SM2 (curve 1.2.156.10197.1.301) in China Regions`);
  }
  if (algOid !== asn1.OID.rsaEncryption) {
    throw notAPublicKey(`it is a public key of another type (algorithm ${algOid}); KMS wrapping keys are RSA (or SM2 in China Regions)`);
  }
  let keyObject: crypto.KeyObject;
  try {
    keyObject = crypto.createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    throw notAPublicKey('the RSA public key is malformed');
  }
  const bits = keyObject.asymmetricKeyDetails?.modulusLength ?? 0;
  const spec = (Object.keys(WRAPPING_KEY_SPECS) as WrappingKeySpec[]).find((s) => WRAPPING_KEY_SPECS[s].kind === 'rsa' && WRAPPING_KEY_SPECS[s].bits === bits);
  if (!spec) {
    throw invalidInput('WRAPPING_KEY_SIZE', `The wrapping public key is RSA-${bits}; KMS wrapping keys are RSA 2048, 3072 or 4096.`, 'Use the wrapping public key downloaded from KMS with the import token.');
  }
  return { kind: 'rsa', bits, spki: der, keyObject, wrappingKeySpec: spec, fingerprint: fingerprint(der), encoding };
}

/** Parses a wrapping public key; `expectedSpec`, when known, must agree with its size. */
export function parseWrappingPublicKey(bytes: Buffer, expectedSpec?: WrappingKeySpec): WrappingPublicKey {
  if (bytes.length === 0) throw notAPublicKey('the file is empty');
  let key: WrappingPublicKey;
  if (isProbablyText(bytes)) {
    const text = bytes.toString('latin1');
    const blocks = parsePem(text);
    if (blocks.length > 0) {
      const b = blocks[0];
      if (/PRIVATE KEY/.test(b.label)) throw notAPublicKey(`it is a PEM "${b.label}". Never upload or share the private key`);
      if (b.label === 'CERTIFICATE') throw notAPublicKey('it is an X.509 certificate');
      if (b.label !== 'PUBLIC KEY' && b.label !== 'RSA PUBLIC KEY') throw notAPublicKey(`it is a PEM "${b.label}"`);
      key = fromDer(b.der, 'pem');
    } else {
      const der = decodeBase64Text(text);
      if (!der) throw notAPublicKey('it is text, but neither PEM nor base64');
      key = fromDer(der, 'base64');
    }
  } else {
    key = fromDer(bytes, 'der');
  }
  if (expectedSpec && key.wrappingKeySpec !== expectedSpec) {
    throw invalidInput('WRAPPING_KEY_SPEC_MISMATCH', `The wrapping public key is ${key.wrappingKeySpec ?? key.kind}, but the parameters say ${expectedSpec}.`, 'Use the public key and import token from the same download, or download a new set.');
  }
  return key;
}

export { spkiFromPkcs1 };
