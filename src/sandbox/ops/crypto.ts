// The cryptographic operations, with the key's imported (or generated) material: GetPublicKey, Sign/Verify,
// GenerateMac/VerifyMac, Encrypt/Decrypt. Each requires an Enabled key of the right KeyUsage and an algorithm
// the key spec allows (else AWS's error), honours DryRun after those checks, and zeroes the unsealed material
// on every path; a Decrypt names the key the ciphertext was made under (IncorrectKeyException if another).
import * as crypto from 'node:crypto';
import { kmsError, validation } from '../errors';
import { hmac, macEquals, parseCiphertext, sign, sm2PkeDecrypt, sm2PkeEncrypt, symmetricDecrypt, symmetricEncrypt, verify } from '../keycrypto';
import { encryptionAlgorithms, macAlgorithm, signingAlgorithms, specClass, type Req } from '../model';
import type { KeyRecord } from '../store';
import { b64, type Handlers, type Result, type ServiceCore } from './core';

export type CryptoOperation = 'GetPublicKey' | 'Sign' | 'Verify' | 'GenerateMac' | 'VerifyMac' | 'Encrypt' | 'Decrypt';

export const CRYPTO_OPERATIONS = {
  GetPublicKey(s, p, region) {
    const k = s.resolve(p.KeyId, region);
    const cls = specClass(k.keySpec);
    if (cls === 'symmetric' || cls === 'hmac') throw kmsError('UnsupportedOperationException', `${k.arn} is ${k.keySpec}: GetPublicKey is valid only for asymmetric KMS keys.`);
    if (k.state === 'Disabled') throw kmsError('DisabledException', `${k.arn} is disabled.`);
    if (k.state !== 'Enabled') throw s.stateError(k);
    const r: Result = { KeyId: k.arn, PublicKey: k.publicKey, CustomerMasterKeySpec: k.keySpec, KeySpec: k.keySpec, KeyUsage: k.keyUsage };
    if (k.keyUsage === 'SIGN_VERIFY') r.SigningAlgorithms = signingAlgorithms(k.keySpec);
    if (k.keyUsage === 'ENCRYPT_DECRYPT') r.EncryptionAlgorithms = encryptionAlgorithms(k.keySpec);
    if (k.keyUsage === 'KEY_AGREEMENT') r.KeyAgreementAlgorithms = ['ECDH'];
    return r;
  },

  Sign(s, p, region) {
    const k = s.resolve(p.KeyId, region);
    const { alg, type } = signingChecks(s, p, k, 'Sign');
    const key = s.unsealMaterial(k, s.current(k));
    try {
      return { KeyId: k.arn, Signature: b64(sign(k.keySpec, key, alg, p.Message, type)), SigningAlgorithm: alg };
    } finally {
      key.fill(0);
    }
  },

  Verify(s, p, region) {
    const k = s.resolve(p.KeyId, region);
    const { alg, type } = signingChecks(s, p, k, 'Verify');
    const ok = verify(k.keySpec, Buffer.from(k.publicKey!, 'base64'), alg, p.Message, type, p.Signature);
    if (!ok) throw kmsError('KMSInvalidSignatureException', 'Signature verification failed: the signature does not match the message, the KMS key and the signing algorithm.');
    return { KeyId: k.arn, SignatureValid: true, SigningAlgorithm: alg };
  },

  GenerateMac(s, p, region) {
    const k = s.resolve(p.KeyId, region);
    const alg = macChecks(s, p, k, 'GenerateMac');
    const key = s.unsealMaterial(k, s.current(k));
    try {
      return { Mac: b64(hmac(alg, key, p.Message)), MacAlgorithm: alg, KeyId: k.arn };
    } finally {
      key.fill(0);
    }
  },

  VerifyMac(s, p, region) {
    const k = s.resolve(p.KeyId, region);
    const alg = macChecks(s, p, k, 'VerifyMac');
    const key = s.unsealMaterial(k, s.current(k));
    try {
      if (!macEquals(hmac(alg, key, p.Message), p.Mac)) throw kmsError('KMSInvalidMacException', 'MAC verification failed: the MAC does not match the message, the KMS key and the MAC algorithm.');
      return { KeyId: k.arn, MacValid: true, MacAlgorithm: alg };
    } finally {
      key.fill(0);
    }
  },

  Encrypt(s, p, region) {
    const k = s.resolve(p.KeyId, region);
    s.usable(k, 'ENCRYPT_DECRYPT', 'Encrypt');
    const alg = p.EncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT';
    if (!encryptionAlgorithms(k.keySpec).includes(alg)) throw kmsError('InvalidKeyUsageException', `Encryption algorithm ${alg} is incompatible with key spec ${k.keySpec}. Valid algorithms: ${encryptionAlgorithms(k.keySpec).join(', ')}.`);
    const plaintext = p.Plaintext;
    if (alg === 'SYMMETRIC_DEFAULT') {
      s.dryRun(p);
      const m = s.current(k);
      const key = s.unsealMaterial(k, m);
      try {
        return { CiphertextBlob: b64(symmetricEncrypt(k.keyId, m.id, key, plaintext, p.EncryptionContext)), KeyId: k.arn, EncryptionAlgorithm: alg };
      } finally {
        key.fill(0);
      }
    }
    if (p.EncryptionContext !== undefined) throw validation('EncryptionContext is not supported with asymmetric KMS keys.');
    if (alg === 'SM2PKE') {
      s.dryRun(p);
      return { CiphertextBlob: b64(sm2PkeEncrypt(Buffer.from(k.publicKey!, 'base64'), plaintext)), KeyId: k.arn, EncryptionAlgorithm: alg };
    }
    const hash = alg === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256';
    const pub = crypto.createPublicKey({ key: Buffer.from(k.publicKey!, 'base64'), format: 'der', type: 'spki' });
    const max = Math.ceil(pub.asymmetricKeyDetails!.modulusLength! / 8) - 2 * (hash === 'sha1' ? 20 : 32) - 2;
    if (plaintext.length > max) throw validation(`Plaintext is ${plaintext.length} bytes; ${alg} with ${k.keySpec} encrypts at most ${max} bytes.`);
    s.dryRun(p);
    return { CiphertextBlob: b64(crypto.publicEncrypt({ key: pub, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, plaintext)), KeyId: k.arn, EncryptionAlgorithm: alg };
  },

  Decrypt(s, p, region) {
    const blob = p.CiphertextBlob;
    const alg = p.EncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT';
    const given = p.KeyId !== undefined ? s.resolve(p.KeyId, region) : undefined;
    if (alg !== 'SYMMETRIC_DEFAULT') {
      if (!given) throw validation('KeyId is required to decrypt with an asymmetric KMS key.');
      s.usable(given, 'ENCRYPT_DECRYPT', 'Decrypt');
      if (!encryptionAlgorithms(given.keySpec).includes(alg)) throw kmsError('InvalidKeyUsageException', `Encryption algorithm ${alg} is incompatible with key spec ${given.keySpec}.`);
      s.dryRun(p);
      const key = s.unsealMaterial(given, s.current(given));
      if (alg === 'SM2PKE') {
        try {
          const plain = sm2PkeDecrypt(key, blob);
          if (!plain) throw kmsError('InvalidCiphertextException', 'The ciphertext could not be decrypted with this KMS key and SM2PKE.');
          return { KeyId: given.arn, Plaintext: b64(plain), EncryptionAlgorithm: alg };
        } finally {
          key.fill(0);
        }
      }
      try {
        const priv = crypto.createPrivateKey({ key, format: 'der', type: 'pkcs8' });
        const plain = crypto.privateDecrypt({ key: priv, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256' }, blob);
        return { KeyId: given.arn, Plaintext: b64(plain), EncryptionAlgorithm: alg };
      } catch {
        throw kmsError('InvalidCiphertextException', 'The ciphertext could not be decrypted with this KMS key and encryption algorithm.');
      } finally {
        key.fill(0);
      }
    }
    const hdr = parseCiphertext(blob);
    if (!hdr) throw kmsError('InvalidCiphertextException', 'The ciphertext is not a KMS (sandbox) ciphertext blob, or it is corrupted.');
    const k = s.get(region, hdr.keyId);
    if (!k || !s.refresh(k)) throw kmsError('NotFoundException', `Key '${s.arn(region, hdr.keyId)}' does not exist`);
    if (given && given.keyId !== k.keyId) throw kmsError('IncorrectKeyException', `The ciphertext was encrypted under ${k.arn}, not under ${given.arn}.`);
    s.usable(k, 'ENCRYPT_DECRYPT', 'Decrypt');
    const m = k.materials.find((x) => x.id === hdr.materialId);
    if (!m) throw kmsError('InvalidCiphertextException', 'The ciphertext refers to key material that is not associated with this KMS key.');
    if (!m.sealed) throw s.stateError(k);
    s.dryRun(p);
    const key = s.unsealMaterial(k, m);
    try {
      const plain = symmetricDecrypt(blob, key, p.EncryptionContext);
      if (!plain) throw kmsError('InvalidCiphertextException', 'The ciphertext or its encryption context is corrupted, missing, or otherwise invalid.');
      return { KeyId: k.arn, Plaintext: b64(plain), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT', KeyMaterialId: m.id };
    } finally {
      key.fill(0);
    }
  },
} satisfies Handlers<CryptoOperation>;

function signingChecks(s: ServiceCore, p: Req<'Sign' | 'Verify'>, k: KeyRecord, op: string): { alg: string; type: string } {
  s.usable(k, 'SIGN_VERIFY', op);
  const alg: string = p.SigningAlgorithm;
  if (!signingAlgorithms(k.keySpec).includes(alg)) throw kmsError('InvalidKeyUsageException', `Algorithm ${alg} is incompatible with key spec ${k.keySpec}. Valid algorithms: ${signingAlgorithms(k.keySpec).join(', ')}.`);
  const type: string = p.MessageType ?? 'RAW';
  if (type === 'EXTERNAL_MU') throw validation('MessageType EXTERNAL_MU is valid only with ML-DSA keys.');
  s.dryRun(p);
  return { alg, type };
}

function macChecks(s: ServiceCore, p: Req<'GenerateMac' | 'VerifyMac'>, k: KeyRecord, op: string): string {
  s.usable(k, 'GENERATE_VERIFY_MAC', op);
  const alg: string = p.MacAlgorithm;
  if (alg !== macAlgorithm(k.keySpec)) throw kmsError('InvalidKeyUsageException', `MAC algorithm ${alg} is incompatible with key spec ${k.keySpec}; use ${macAlgorithm(k.keySpec)}.`);
  s.dryRun(p);
  return alg;
}
