// Decrypting EncryptedPrivateKeyInfo (PKCS#8 with a passphrase). PBES2 with PBKDF2 and AES-CBC
// (what OpenSSL 3 writes) is done here with primitives BoringSSL also has; anything else falls back
// to the runtime's own parser. Guarantee: no key derivation runs with more than MAX_KDF_ITERATIONS
// iterations — the count is read and checked first, for every scheme (PBES2/PBKDF2, PBES1, the
// PKCS#12 PBE OIDs), before any cipher, PRF or the runtime is asked; the same check guards PKCS#12.
import * as crypto from 'node:crypto';
import * as asn1 from './asn1';
import { invalidInput } from './errors';

const wrong = () => invalidInput('WRONG_PASSPHRASE', 'The passphrase is wrong: the private key did not decrypt.', 'Give the passphrase the key was exported with.');

/**
 * The most iterations any key derivation is run with. Exports use 2,048 (OpenSSL, Windows) to 1,300,000 (OWASP's
 * PBKDF2-HMAC-SHA1 advice); 10,000,000 PBKDF2-SHA-256 iterations take about 3 s here (2.7 s measured), while 2^31−1 would take minutes to hours.
 */
export const MAX_KDF_ITERATIONS = 10_000_000;

/** Refuses an iteration count above MAX_KDF_ITERATIONS (or below 1), naming the count and the limit. */
export function checkIterations(count: number, what: string): void {
  if (count >= 1 && count <= MAX_KDF_ITERATIONS) return;
  const shown = Number.isFinite(count) ? String(count) : 'more than 2^53';
  if (count < 1) throw invalidInput('KDF_ITERATIONS', `The ${what} asks for ${shown} iterations; at least 1 is needed.`, 'The file is corrupt: export it again.');
  throw invalidInput(
    'KDF_ITERATIONS',
    `The ${what} asks for ${shown} iterations; this tool computes at most ${MAX_KDF_ITERATIONS} (the limit keeps a hostile file from running for hours).`,
    'Re-export it with a standard iteration count (e.g. openssl pkcs8 -topk8 -v2 aes-256-cbc -iter 600000, or openssl pkcs12 -export -iter 600000), or without encryption into a protected location.',
  );
}

/** An iteration-count INTEGER as a number (exact up to 2^53; Infinity beyond; refuses a negative one). */
export function iterationCount(node: asn1.Node | undefined, what: string): number {
  const v = asn1.unsignedInt(node, what);
  return v.length > 6 ? Infinity : v.reduce((a, b) => a * 256 + b, 0);
}

const PRF: Record<string, string> = {
  [asn1.OID.hmacWithSHA1]: 'sha1',
  [asn1.OID.hmacWithSHA224]: 'sha224',
  [asn1.OID.hmacWithSHA256]: 'sha256',
  [asn1.OID.hmacWithSHA384]: 'sha384',
  [asn1.OID.hmacWithSHA512]: 'sha512',
};
const CIPHERS: Record<string, { name: string; keyLen: number }> = {
  [asn1.OID.aes128cbc]: { name: 'aes-128-cbc', keyLen: 16 },
  [asn1.OID.aes192cbc]: { name: 'aes-192-cbc', keyLen: 24 },
  [asn1.OID.aes256cbc]: { name: 'aes-256-cbc', keyLen: 32 },
  [asn1.OID.desEde3cbc]: { name: 'des-ede3-cbc', keyLen: 24 },
};

/** PBES1 (PKCS#5: pbeWithMD2/MD5/SHA1And…) and PKCS#12 PBE (pbeWithSHAAnd…) OIDs: params SEQUENCE { salt, iterations }. */
const PBE_SALT_ITER = /^1\.2\.840\.113549\.1\.(5\.(1|3|4|6|10|11)|12\.1\.[1-6])$/;

/**
 * Checks the iteration count of a password-based AlgorithmIdentifier (PBES2/PBKDF2, PBES1, PKCS#12 PBE) against
 * MAX_KDF_ITERATIONS. Other algorithms (scrypt — its cost is bounded by the runtime's memory limit) pass.
 */
export function checkPbeAlgorithm(alg: asn1.Node[], what: string): void {
  const oid = asn1.oidOf(alg[0], 'algorithm');
  if (oid === asn1.OID.pbes2) {
    const params = asn1.children(asn1.expect(alg[1], asn1.Tag.SEQUENCE, 'PBES2-params'));
    const kdf = asn1.children(asn1.expect(params[0], asn1.Tag.SEQUENCE, 'keyDerivationFunc'));
    if (asn1.oidOf(kdf[0], 'keyDerivationFunc') === asn1.OID.pbkdf2) {
      const kp = asn1.children(asn1.expect(kdf[1], asn1.Tag.SEQUENCE, 'PBKDF2-params'));
      checkIterations(iterationCount(kp[1], 'iterationCount'), `${what} (PBKDF2)`);
    }
  } else if (PBE_SALT_ITER.test(oid)) {
    const p = asn1.children(asn1.expect(alg[1], asn1.Tag.SEQUENCE, 'PBEParameter'));
    checkIterations(iterationCount(p[1], 'iterationCount'), `${what} (PBES1/PKCS#12 PBE)`);
  }
}

/** Returns the PrivateKeyInfo DER. The caller zeroes it. */
export function decryptPkcs8(der: Buffer, passphrase: string): Buffer {
  let top: asn1.Node[];
  let alg: asn1.Node[];
  let encrypted: Buffer;
  try {
    top = asn1.children(asn1.parse(der));
    alg = asn1.children(asn1.expect(top[0], asn1.Tag.SEQUENCE, 'encryptionAlgorithm'));
    encrypted = asn1.expect(top[1], asn1.Tag.OCTET_STRING, 'encryptedData').value;
    // The count first, whatever the scheme: the runtime would run any count it is given.
    checkPbeAlgorithm(alg, 'encrypted private key');
  } catch (e) {
    if (e instanceof asn1.Asn1Error) throw corrupt(e);
    throw e;
  }
  const native = asn1.oidOf(alg[0], 'algorithm') === asn1.OID.pbes2 ? pbes2Params(alg[1]) : undefined;
  if (!native) return viaRuntime(der, passphrase);
  const key = crypto.pbkdf2Sync(Buffer.from(passphrase, 'utf8'), native.salt, native.iterations, native.cipher.keyLen, native.prf);
  try {
    const d = crypto.createDecipheriv(native.cipher.name, key, native.iv);
    return Buffer.concat([d.update(encrypted), d.final()]);
  } catch {
    throw wrong();
  } finally {
    key.fill(0);
  }
}

/** PBES2 parameters this module decrypts itself (PBKDF2 with a known PRF, a known CBC cipher), else undefined. */
function pbes2Params(node: asn1.Node | undefined): { salt: Buffer; iterations: number; prf: string; cipher: { name: string; keyLen: number }; iv: Buffer } | undefined {
  try {
    const params = asn1.children(asn1.expect(node, asn1.Tag.SEQUENCE, 'PBES2-params'));
    const kdf = asn1.children(asn1.expect(params[0], asn1.Tag.SEQUENCE, 'keyDerivationFunc'));
    const enc = asn1.children(asn1.expect(params[1], asn1.Tag.SEQUENCE, 'encryptionScheme'));
    const cipher = CIPHERS[asn1.oidOf(enc[0], 'encryptionScheme')];
    if (asn1.oidOf(kdf[0], 'keyDerivationFunc') !== asn1.OID.pbkdf2 || !cipher) return undefined;
    const kp = asn1.children(asn1.expect(kdf[1], asn1.Tag.SEQUENCE, 'PBKDF2-params'));
    const salt = asn1.expect(kp[0], asn1.Tag.OCTET_STRING, 'salt').value;
    const iterations = iterationCount(kp[1], 'iterationCount');
    let prf = 'sha1';
    for (const extra of kp.slice(2)) {
      if (extra.tag === asn1.Tag.SEQUENCE) {
        const p = PRF[asn1.oidOf(asn1.children(extra)[0], 'prf')];
        if (!p) return undefined;
        prf = p;
      }
    }
    const iv = asn1.expect(enc[1], asn1.Tag.OCTET_STRING, 'iv').value;
    return { salt, iterations, prf, cipher, iv };
  } catch (e) {
    if (e instanceof asn1.Asn1Error) return undefined;
    throw e;
  }
}

function corrupt(e: Error) {
  return invalidInput('CORRUPT_KEY', `The encrypted private key is corrupt (${e.message}).`, 'Export the key again.');
}

function viaRuntime(der: Buffer, passphrase: string): Buffer {
  try {
    return crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8', passphrase }).export({ format: 'der', type: 'pkcs8' });
  } catch {
    throw wrong();
  }
}
