// Wrapping public keys in every form users get them, and the wrap function's own guarantees.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { parseWrappingPublicKey } from '../../src/core/publicKey';
import { unwrapKeyMaterial, wrapKeyMaterial } from '../../src/core/wrap';
import { openssl } from '../support/openssl';

let kp: { publicKey: crypto.KeyObject; privateKey: crypto.KeyObject };
let spki: Buffer;
before(() => {
  kp = crypto.generateKeyPairSync('rsa', { modulusLength: 3072 });
  spki = kp.publicKey.export({ type: 'spki', format: 'der' });
});

describe('wrapping public key input', () => {
  test('DER SPKI (WrappingPublicKey.bin), PEM, base64 text (PublicKey.b64) and PKCS#1 RSAPublicKey (DER and PEM) are the same key', () => {
    const forms: Array<[Buffer, string]> = [
      [spki, 'der'],
      [Buffer.from(kp.publicKey.export({ type: 'spki', format: 'pem' }) as string), 'pem'],
      [Buffer.from(spki.toString('base64') + '\n'), 'base64'],
      [kp.publicKey.export({ type: 'pkcs1', format: 'der' }), 'der'],
      [Buffer.from(kp.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string), 'pem'],
    ];
    for (const [bytes, enc] of forms) {
      const k = parseWrappingPublicKey(bytes);
      assert.deepEqual(k.spki, spki);
      assert.equal(k.bits, 3072);
      assert.equal(k.wrappingKeySpec, 'RSA_3072');
      assert.equal(k.encoding, enc);
    }
  });
  test('the size must agree with the wrapping key spec when it is known', () => {
    assert.throws(() => parseWrappingPublicKey(spki, 'RSA_4096'), (e: Error & { code?: string }) => e.code === 'WRAPPING_KEY_SPEC_MISMATCH' && /RSA_3072, but the parameters say RSA_4096/.test(e.message));
  });
  test('an SM2 wrapping key (China Regions) is recognised as SM2', () => {
    const pem = openssl(['genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:SM2']);
    const pub = openssl(['pkey', '-pubout', '-outform', 'der'], pem);
    const k = parseWrappingPublicKey(pub);
    assert.equal(k.kind, 'sm2');
    assert.equal(k.wrappingKeySpec, 'SM2');
  });
  test('private keys, certificates, EC keys, RSA-1024 and garbage are refused with what they are', () => {
    const cases: Array<[Buffer, RegExp]> = [
      [kp.privateKey.export({ type: 'pkcs8', format: 'der' }), /private key/],
      [Buffer.from(kp.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string), /PRIVATE KEY.*Never upload/],
      [crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' }), /EC public key on curve 1\.2\.840\.10045\.3\.1\.7; KMS wrapping keys are RSA, or SM2/],
      [crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' }), /RSA-1024; KMS wrapping keys are RSA 2048, 3072 or 4096/],
      [Buffer.from('hello, this is not a key'), /neither PEM nor base64/],
      [Buffer.alloc(0), /empty/],
      [crypto.randomBytes(300), /not DER|not a SubjectPublicKeyInfo/],
    ];
    for (const [bytes, re] of cases) assert.throws(() => parseWrappingPublicKey(bytes), (e: Error & { fix?: string }) => re.test(e.message) && !!e.fix, re.source);
  });
});

describe('wrap', () => {
  test('RSA_AES_KEY_WRAP: the output is RSA-OAEP(AES key) ‖ KWP(material), and the AES key is zeroed after use', () => {
    const material = crypto.randomBytes(100);
    const seen: Buffer[] = [];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('node:crypto') as { randomBytes: (n: number) => Buffer };
    const orig = mod.randomBytes;
    mod.randomBytes = (n: number) => {
      const b = orig(n);
      seen.push(b);
      return b;
    };
    let out: Buffer;
    try {
      out = wrapKeyMaterial(material, parseWrappingPublicKey(spki), 'RSA_AES_KEY_WRAP_SHA_256');
    } finally {
      mod.randomBytes = orig;
    }
    assert.equal(out.length, 384 + 8 + 104);
    assert.deepEqual(unwrapKeyMaterial(out, kp.privateKey, 'RSA_AES_KEY_WRAP_SHA_256'), material);
    const aesKey = seen.find((b) => b.length === 32)!;
    assert.ok(aesKey, 'a fresh 32-byte AES key was drawn');
    assert.ok(aesKey.every((x) => x === 0), 'and zeroed after use');
  });
  test('two wraps of the same material differ (fresh randomness each time)', () => {
    const pub = parseWrappingPublicKey(spki);
    const m = crypto.randomBytes(32);
    for (const a of ['RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1'] as const) assert.notDeepEqual(wrapKeyMaterial(m, pub, a), wrapKeyMaterial(m, pub, a));
  });
  test('SM2PKE with an RSA wrapping key is refused with what is needed', () => {
    assert.throws(() => wrapKeyMaterial(crypto.randomBytes(16), parseWrappingPublicKey(spki), 'SM2PKE'), (e: Error & { code?: string; fix?: string }) => e.code === 'WRAPPING_KEY_NOT_SM2' && /RSA_3072/.test(e.message) && /SM2 wrapping key spec/.test(e.fix!));
  });
  test('payload limits: OAEP SHA-256 with RSA-3072 takes 318 bytes, not 319; PKCS#1 v1.5 takes k − 11', () => {
    const pub = parseWrappingPublicKey(spki);
    assert.equal(wrapKeyMaterial(crypto.randomBytes(318), pub, 'RSAES_OAEP_SHA_256').length, 384);
    assert.throws(() => wrapKeyMaterial(crypto.randomBytes(319), pub, 'RSAES_OAEP_SHA_256'), /carries at most 318/);
    assert.equal(wrapKeyMaterial(crypto.randomBytes(373), pub, 'RSAES_PKCS1_V1_5').length, 384);
    assert.throws(() => wrapKeyMaterial(crypto.randomBytes(374), pub, 'RSAES_PKCS1_V1_5'), /carries at most 373/);
  });
  test('unwrap refuses the wrong algorithm, a truncated blob and another key (what the sandbox answers with InvalidCiphertextException)', () => {
    const pub = parseWrappingPublicKey(spki);
    const m = crypto.randomBytes(32);
    const sha256 = wrapKeyMaterial(m, pub, 'RSAES_OAEP_SHA_256');
    const isUnwrapFailure = (e: Error & { code?: string }) => e.code === 'UNWRAP_FAILED';
    assert.throws(() => unwrapKeyMaterial(sha256, kp.privateKey, 'RSAES_OAEP_SHA_1'), isUnwrapFailure);
    assert.throws(() => unwrapKeyMaterial(sha256.subarray(1), kp.privateKey, 'RSAES_OAEP_SHA_256'), isUnwrapFailure);
    const other = crypto.generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey;
    assert.throws(() => unwrapKeyMaterial(sha256, other, 'RSAES_OAEP_SHA_256'), isUnwrapFailure);
    const hybrid = wrapKeyMaterial(m, pub, 'RSA_AES_KEY_WRAP_SHA_256');
    const tampered = Buffer.from(hybrid);
    tampered[tampered.length - 3] ^= 1;
    assert.throws(() => unwrapKeyMaterial(tampered, kp.privateKey, 'RSA_AES_KEY_WRAP_SHA_256'), isUnwrapFailure);
    assert.throws(() => unwrapKeyMaterial(hybrid, kp.privateKey, 'RSA_AES_KEY_WRAP_SHA_1'), isUnwrapFailure);
  });
});
