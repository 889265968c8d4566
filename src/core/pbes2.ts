// Decrypting EncryptedPrivateKeyInfo (PKCS#8 with a passphrase). PBES2 with PBKDF2 and AES-CBC
// (what OpenSSL 3 writes) is done here with primitives BoringSSL also has; anything else falls back
// to the runtime's own parser.
import * as crypto from 'node:crypto';
import * as asn1 from './asn1';
import { invalidInput } from './errors';

const wrong = () => invalidInput('WRONG_PASSPHRASE', 'The passphrase is wrong: the private key did not decrypt.', 'Give the passphrase the key was exported with.');

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

/** Returns the PrivateKeyInfo DER. The caller zeroes it. */
export function decryptPkcs8(der: Buffer, passphrase: string): Buffer {
  const top = asn1.children(asn1.parse(der));
  const alg = asn1.children(asn1.expect(top[0], asn1.Tag.SEQUENCE, 'encryptionAlgorithm'));
  const encrypted = asn1.expect(top[1], asn1.Tag.OCTET_STRING, 'encryptedData').value;
  if (asn1.oidOf(alg[0], 'algorithm') === asn1.OID.pbes2) {
    const params = asn1.children(alg[1]);
    const kdf = asn1.children(params[0]);
    const enc = asn1.children(params[1]);
    const encOid = asn1.oidOf(enc[0], 'encryptionScheme');
    const cipher = CIPHERS[encOid];
    if (asn1.oidOf(kdf[0], 'keyDerivationFunc') === asn1.OID.pbkdf2 && cipher) {
      const kp = asn1.children(kdf[1]);
      const salt = asn1.expect(kp[0], asn1.Tag.OCTET_STRING, 'salt').value;
      const iterations = asn1.smallInt(kp[1], 'iterationCount');
      let prf = 'sha1';
      for (const extra of kp.slice(2)) {
        if (extra.tag === asn1.Tag.SEQUENCE) {
          const p = PRF[asn1.oidOf(asn1.children(extra)[0], 'prf')];
          if (!p) return viaRuntime(der, passphrase);
          prf = p;
        }
      }
      if (iterations > 10_000_000) throw invalidInput('PBKDF2_ITERATIONS', `The key is encrypted with ${iterations} PBKDF2 iterations, which is beyond what this tool will compute.`, 'Re-export it with a standard iteration count, or without encryption into a protected location.');
      const iv = asn1.expect(enc[1], asn1.Tag.OCTET_STRING, 'iv').value;
      const key = crypto.pbkdf2Sync(Buffer.from(passphrase, 'utf8'), salt, iterations, cipher.keyLen, prf);
      try {
        const d = crypto.createDecipheriv(cipher.name, key, iv);
        return Buffer.concat([d.update(encrypted), d.final()]);
      } catch {
        throw wrong();
      } finally {
        key.fill(0);
      }
    }
  }
  return viaRuntime(der, passphrase);
}

function viaRuntime(der: Buffer, passphrase: string): Buffer {
  try {
    return crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8', passphrase }).export({ format: 'der', type: 'pkcs8' });
  } catch {
    throw wrong();
  }
}
