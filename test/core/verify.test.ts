// The proof helpers: public keys to compare against (CloudHSM / PKCS#11 exports, certificates), HMAC, comparison.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { comparePublicKeys, localHmac, macAlgorithmFor, readPublicKeyForProof } from '../../src/core/verify';
import { openssl, tempDir } from '../support/openssl';

test('the public key of an HSM-held key, in every form it is exported, gives the SPKI KMS returns', () => {
  const tmp = tempDir();
  try {
    for (const gen of [['-algorithm', 'rsa', '-pkeyopt', 'rsa_keygen_bits:2048'], ['-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], ['-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1']]) {
      const keyFile = tmp.write(`k-${gen[3]}.pem`, openssl(['genpkey', ...gen]));
      const spki = openssl(['pkey', '-in', keyFile, '-pubout', '-outform', 'der']);
      const pem = openssl(['pkey', '-in', keyFile, '-pubout']);
      const cert = openssl(['req', '-new', '-x509', '-key', keyFile, '-subj', '/CN=hsm-key', '-days', '1']);
      const forms: Buffer[] = [spki, pem, Buffer.from(spki.toString('base64')), cert, openssl(['x509', '-outform', 'der'], cert)];
      if (gen[1] === 'rsa') forms.push(openssl(['rsa', '-in', keyFile, '-RSAPublicKey_out']), openssl(['rsa', '-in', keyFile, '-RSAPublicKey_out', '-outform', 'der']));
      for (const f of forms) assert.deepEqual(readPublicKeyForProof(f), spki, gen.join(' '));
      assert.throws(() => readPublicKeyForProof(openssl(['pkey', '-in', keyFile])), (e: Error & { code?: string }) => e.code === 'NOT_A_PUBLIC_KEY' && /PRIVATE KEY/.test(e.message));
    }
    assert.throws(() => readPublicKeyForProof(Buffer.from('not a key at all')), (e: Error & { fix?: string }) => /public key exported from your HSM/.test(e.fix!));
    assert.throws(() => readPublicKeyForProof(crypto.randomBytes(64)), /not DER/);
  } finally {
    tmp.cleanup();
  }
});

test('comparePublicKeys: equal keys match, others do not, fingerprints are given', () => {
  const a = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
  const b = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
  assert.equal(comparePublicKeys(a, Buffer.from(a)).match, true);
  const c = comparePublicKeys(a, b);
  assert.equal(c.match, false);
  assert.match(c.localFingerprint, /^SHA256:/);
  assert.notEqual(c.localFingerprint, c.kmsFingerprint);
});

test('local HMAC equals `openssl dgst -mac HMAC` for every HMAC key spec', () => {
  const tmp = tempDir();
  try {
    for (const [spec, n, md] of [['HMAC_224', 28, 'sha224'], ['HMAC_256', 32, 'sha256'], ['HMAC_384', 48, 'sha384'], ['HMAC_512', 64, 'sha512']] as const) {
      const key = crypto.randomBytes(n);
      const msg = crypto.randomBytes(40);
      const out = openssl(['dgst', `-${md}`, '-mac', 'HMAC', '-macopt', `hexkey:${key.toString('hex')}`, '-binary', tmp.write(`m-${spec}`, msg)]);
      assert.deepEqual(localHmac(spec, key, msg), out);
      assert.equal(macAlgorithmFor(spec), `HMAC_SHA_${spec.slice(5)}`);
    }
  } finally {
    tmp.cleanup();
  }
});
