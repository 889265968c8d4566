// The proof after import: what KMS derives or computes must equal what we compute locally.
import * as crypto from 'node:crypto';
import * as asn1 from './asn1';
import { decodeBase64Text, fingerprint, isProbablyText, parsePem } from './encoding';
import { spkiFromPkcs1 } from './publicKey';
import { invalidInput } from './errors';
import { KEY_SPECS, type KeySpec } from './specs';

export function comparePublicKeys(localSpki: Buffer, kmsSpki: Buffer): { match: boolean; localFingerprint: string; kmsFingerprint: string } {
  return {
    match: localSpki.length === kmsSpki.length && crypto.timingSafeEqual(localSpki, kmsSpki),
    localFingerprint: fingerprint(localSpki),
    kmsFingerprint: fingerprint(kmsSpki),
  };
}

const MAC: Partial<Record<KeySpec, { alg: string; hash: string }>> = {
  HMAC_224: { alg: 'HMAC_SHA_224', hash: 'sha224' },
  HMAC_256: { alg: 'HMAC_SHA_256', hash: 'sha256' },
  HMAC_384: { alg: 'HMAC_SHA_384', hash: 'sha384' },
  HMAC_512: { alg: 'HMAC_SHA_512', hash: 'sha512' },
};

export function macAlgorithmFor(keySpec: KeySpec): string {
  const m = MAC[keySpec];
  if (!m) throw invalidInput('NOT_HMAC', `${keySpec} is not an HMAC key spec.`, 'Use an HMAC_224/256/384/512 key.');
  return m.alg;
}

export function localHmac(keySpec: KeySpec, key: Buffer, message: Buffer): Buffer {
  const m = MAC[keySpec];
  if (!m) throw invalidInput('NOT_HMAC', `${keySpec} is not an HMAC key spec.`, 'Use an HMAC_224/256/384/512 key.');
  return crypto.createHmac(m.hash, key).update(message).digest();
}

export function macsEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** The signing algorithm to use for a signature proof with this key spec. */
export function proofSigningAlgorithm(keySpec: KeySpec): string | undefined {
  const info = KEY_SPECS[keySpec];
  if (info.kind === 'rsa') return 'RSASSA_PKCS1_V1_5_SHA_256';
  if (keySpec === 'SM2') return 'SM2DSA';
  if (info.kind === 'ec') return keySpec === 'ECC_NIST_P384' ? 'ECDSA_SHA_384' : keySpec === 'ECC_NIST_P521' ? 'ECDSA_SHA_512' : 'ECDSA_SHA_256';
  return undefined;
}

/**
 * The public key to prove an import against when the private key never leaves an HSM (CloudHSM
 * `key generate-file --encoding pem`, a PKCS#11 export, or the certificate of the key): a PEM or DER
 * SubjectPublicKeyInfo, PKCS#1 RSAPublicKey, or X.509 certificate, also as base64 text. Returns SPKI DER.
 */
export function readPublicKeyForProof(input: Buffer): Buffer {
  const bad = (why: string) => invalidInput('NOT_A_PUBLIC_KEY', `This file cannot serve as the public key of the imported key: ${why}.`, 'Choose the public key exported from your HSM (PEM or DER), its certificate, or the plaintext key material.');
  let der = input;
  if (isProbablyText(input)) {
    const text = input.toString('latin1');
    const blocks = parsePem(text);
    if (blocks.length) {
      const b = blocks.find((x) => /PUBLIC KEY$|CERTIFICATE$/.test(x.label));
      if (!b) throw bad(`it holds a PEM "${blocks[0].label}"`);
      der = b.der;
    } else {
      const d = decodeBase64Text(text);
      if (!d) throw bad('it is text, but neither PEM nor base64');
      der = d;
    }
  }
  let items: asn1.Node[];
  try {
    items = asn1.children(asn1.expect(asn1.parse(der), asn1.Tag.SEQUENCE, 'public key'));
  } catch (e) {
    throw bad(`it is not DER (${(e as Error).message})`);
  }
  const tags = items.map((i) => i.tag);
  if (tags.length === 2 && tags[0] === asn1.Tag.INTEGER && tags[1] === asn1.Tag.INTEGER) return spkiFromPkcs1(der);
  if (tags.length === 2 && tags[0] === asn1.Tag.SEQUENCE && tags[1] === asn1.Tag.BIT_STRING) return Buffer.from(der);
  if (tags.length === 3 && tags[0] === asn1.Tag.SEQUENCE && tags[2] === asn1.Tag.BIT_STRING) {
    // Certificate: tbsCertificate = [0] version?, serial, signature, issuer, validity, subject, subjectPublicKeyInfo, …
    const tbs = asn1.children(items[0]);
    const start = tbs[0]?.tag === 0xa0 ? 1 : 0;
    const spki = tbs[start + 5];
    if (!spki || spki.tag !== asn1.Tag.SEQUENCE) throw bad('the certificate has no subject public key');
    return Buffer.from(spki.raw);
  }
  throw bad('it is not a public key or certificate (a private key proves the import too: choose it instead)');
}
