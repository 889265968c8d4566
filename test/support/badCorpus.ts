// The bad-input corpus: files a user might hand us by mistake, each with the error codes that may
// answer it. Built at test time from OpenSSL and random bytes (nothing secret is committed).
import * as crypto from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1 from '../../src/core/asn1';
import { openssl, VECTORS } from './openssl';

export interface BadFile {
  name: string;
  data: Buffer;
  /** Any of these codes is a right answer. */
  codes: string[];
}

const pem = (label: string, der: Buffer) => Buffer.from(`-----BEGIN ${label}-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END ${label}-----\n`);
const CORRUPT = ['CORRUPT_KEY', 'CORRUPT_DER', 'EC_PUBLIC_MISMATCH', 'UNKNOWN_DER', 'RAW_LENGTH', 'KEY_TYPE_UNSUPPORTED', 'CURVE_UNSUPPORTED', 'RSA_SIZE_UNSUPPORTED', 'EC_NO_CURVE', 'RSA_MULTI_PRIME'];

function flip(buf: Buffer, at: number): Buffer {
  const b = Buffer.from(buf);
  b[at] ^= 0x5a;
  return b;
}

/** Offset of the value of the idx-th INTEGER inside an RSAPrivateKey that sits at `start`. */
function rsaComponentOffsets(pkcs8: Buffer): number[] {
  const top = asn1.children(asn1.parse(pkcs8));
  const inner = top[2].value;
  const base = pkcs8.indexOf(inner);
  return asn1.children(asn1.parse(inner)).map((n) => base + inner.indexOf(n.raw) + (n.raw.length - n.value.length) + Math.floor(n.value.length / 2));
}

/** genpkey, then PKCS#8 DER (genpkey's own DER output is the traditional form for some key types). */
function gen(args: string[]): Buffer {
  return openssl(['pkcs8', '-topk8', '-nocrypt', '-outform', 'der'], openssl(['genpkey', ...args]));
}

export function buildMaterialCorpus(): BadFile[] {
  const out: BadFile[] = [];
  const add = (name: string, data: Buffer, codes: string[]) => out.push({ name, data, codes });

  const rsa = gen(['-algorithm', 'rsa', '-pkeyopt', 'rsa_keygen_bits:2048']);
  const rsaPem = openssl(['pkey', '-inform', 'der'], rsa);
  const scratch = mkdtempSync(join(tmpdir(), 'kms-import-corpus-'));
  const file = (name: string, data: Buffer) => {
    writeFileSync(join(scratch, name), data);
    return join(scratch, name);
  };
  const rsaPemFile = file('k.pem', rsaPem);
  const p256 = gen(['-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
  const p521 = gen(['-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521']);
  const k1 = gen(['-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1']);

  // a. truncated DER (24)
  for (const [label, key] of [['rsa2048', rsa], ['p256', p256], ['p521', p521]] as const) {
    for (const frac of [0.05, 0.2, 0.4, 0.5, 0.75, 0.9, 0.97]) add(`truncated-${label}-${Math.round(frac * 100)}.der`, key.subarray(0, Math.max(2, Math.floor(key.length * frac))), CORRUPT);
    add(`truncated-${label}-minus1.der`, key.subarray(0, key.length - 1), CORRUPT);
  }
  // b. corrupted components (RSA: each CRT component; EC: scalar and public point) (8 + 12)
  const offs = rsaComponentOffsets(rsa);
  ['version', 'n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'].forEach((c, i) => {
    if (c !== 'version') add(`rsa-corrupt-${c}.der`, flip(rsa, offs[i]), CORRUPT);
  });
  for (const [label, key] of [['p256', p256], ['secp256k1', k1]] as const) {
    const ecInner = asn1.children(asn1.parse(key))[2].value;
    const innerAt = key.indexOf(ecInner);
    const dNode = asn1.children(asn1.parse(ecInner))[1];
    const dAt = innerAt + ecInner.indexOf(dNode.raw) + 2;
    for (const k of [0, 10, 31]) add(`${label}-corrupt-scalar-${k}.der`, flip(key, dAt + k), CORRUPT);
    for (const k of [8, 30, 60]) add(`${label}-corrupt-public-${k}.der`, flip(key, key.length - 1 - k), CORRUPT);
  }
  // c. wrong PEM labels (10)
  const rsaTrad = openssl(['pkey', '-inform', 'der', '-traditional', '-outform', 'der'], rsa);
  const ecTrad = openssl(['pkey', '-inform', 'der', '-traditional', '-outform', 'der'], p256);
  add('label-pkcs8-as-rsa.pem', pem('RSA PRIVATE KEY', rsa), ['PEM_LABEL_MISMATCH']);
  add('label-pkcs8-as-ec.pem', pem('EC PRIVATE KEY', p256), ['PEM_LABEL_MISMATCH']);
  add('label-pkcs8-as-encrypted.pem', pem('ENCRYPTED PRIVATE KEY', rsa), ['PEM_LABEL_MISMATCH']);
  add('label-pkcs1-as-pkcs8.pem', pem('PRIVATE KEY', rsaTrad), ['PEM_LABEL_MISMATCH']);
  add('label-sec1-as-pkcs8.pem', pem('PRIVATE KEY', ecTrad), ['PEM_LABEL_MISMATCH']);
  add('label-sec1-as-rsa.pem', pem('RSA PRIVATE KEY', ecTrad), ['PEM_LABEL_MISMATCH']);
  add('label-openssh.pem', pem('OPENSSH PRIVATE KEY', rsa), ['PEM_LABEL_UNKNOWN']);
  add('label-dsa.pem', pem('DSA PRIVATE KEY', rsa), ['PEM_LABEL_UNKNOWN']);
  add('label-pgp.pem', pem('PGP PRIVATE KEY BLOCK', rsa), ['PEM_LABEL_UNKNOWN']);
  add('label-x509-crl.pem', pem('X509 CRL', rsa), ['PEM_LABEL_UNKNOWN']);
  // d. broken PEM (4)
  add('pem-no-end.pem', Buffer.from(rsaPem.toString().replace(/-----END[^\n]*\n?/, '')), ['PEM_TRUNCATED']);
  add('pem-body-not-base64.pem', Buffer.from('-----BEGIN PRIVATE KEY-----\nthis is not base64 at all!!\n-----END PRIVATE KEY-----\n'), ['PEM_TRUNCATED']);
  add('pem-empty-body.pem', Buffer.from('-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n'), ['CORRUPT_KEY']);
  add('pem-two-keys.pem', Buffer.concat([rsaPem, openssl(['pkey', '-inform', 'der'], p256)]), ['PEM_MANY_KEYS']);
  // e. public keys (10)
  const rsaPub = openssl(['pkey', '-inform', 'der', '-pubout', '-outform', 'der'], rsa);
  const ecPub = openssl(['pkey', '-inform', 'der', '-pubout', '-outform', 'der'], p256);
  const k1Pub = openssl(['pkey', '-inform', 'der', '-pubout', '-outform', 'der'], k1);
  const PUB = ['PUBLIC_KEY_NOT_MATERIAL'];
  add('public-rsa.der', rsaPub, PUB);
  add('public-rsa.pem', pem('PUBLIC KEY', rsaPub), PUB);
  add('public-ec.der', ecPub, PUB);
  add('public-ec.pem', pem('PUBLIC KEY', ecPub), PUB);
  add('public-secp256k1.der', k1Pub, PUB);
  const rsaPkcs1Pub = openssl(['rsa', '-pubin', '-inform', 'der', '-RSAPublicKey_out', '-outform', 'der'], rsaPub);
  add('public-rsa-pkcs1.der', rsaPkcs1Pub, PUB);
  add('public-rsa-pkcs1.pem', pem('RSA PUBLIC KEY', rsaPkcs1Pub), PUB);
  const rsaJwk = crypto.createPublicKey({ key: rsaPub, format: 'der', type: 'spki' }).export({ format: 'jwk' });
  add('public-rsa.jwk', Buffer.from(JSON.stringify(rsaJwk)), PUB);
  add('public-ec.jwk', Buffer.from(JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' })), PUB);
  add('public-rsa.b64', Buffer.from(rsaPub.toString('base64')), PUB);
  // f. certificates and requests (4)
  const certPem = openssl(['req', '-new', '-x509', '-key', rsaPemFile, '-subj', '/CN=bad-input', '-days', '1']);
  add('certificate.pem', certPem, ['CERTIFICATE_NOT_MATERIAL']);
  add('certificate.der', openssl(['x509', '-outform', 'der'], certPem), ['CERTIFICATE_NOT_MATERIAL']);
  add('certificate.b64', Buffer.from(openssl(['x509', '-outform', 'der'], certPem).toString('base64')), ['CERTIFICATE_NOT_MATERIAL']);
  add('request.csr', openssl(['req', '-new', '-key', rsaPemFile, '-subj', '/CN=bad-input']), ['CSR_NOT_MATERIAL']);
  // g. encrypted keys with the wrong passphrase (the test passes "wrong-passphrase") (10)
  const WRONG = ['WRONG_PASSPHRASE'];
  add('enc-aes256.pem', openssl(['pkcs8', '-topk8', '-inform', 'der', '-v2', 'aes-256-cbc', '-passout', 'pass:right'], rsa), WRONG);
  add('enc-aes128.pem', openssl(['pkcs8', '-topk8', '-inform', 'der', '-v2', 'aes-128-cbc', '-passout', 'pass:right'], p256), WRONG);
  add('enc-des3.pem', openssl(['pkcs8', '-topk8', '-inform', 'der', '-v2', 'des3', '-passout', 'pass:right'], p256), WRONG);
  add('enc-scrypt.pem', openssl(['pkcs8', '-topk8', '-inform', 'der', '-scrypt', '-passout', 'pass:right'], p256), WRONG);
  add('enc-aes256.der', openssl(['pkcs8', '-topk8', '-inform', 'der', '-v2', 'aes-256-cbc', '-outform', 'der', '-passout', 'pass:right'], k1), WRONG);
  add('enc-legacy.pem', openssl(['rsa', '-inform', 'der', '-aes256', '-traditional', '-passout', 'pass:right'], rsa), WRONG);
  const certFile = file('c.pem', certPem);
  add('p12-rsa.p12', openssl(['pkcs12', '-export', '-nocerts', '-inkey', rsaPemFile, '-passout', 'pass:right']), WRONG);
  add('p12-ec.pfx', openssl(['pkcs12', '-export', '-nocerts', '-inkey', file('e.pem', openssl(['pkey', '-inform', 'der'], p256)), '-passout', 'pass:right']), WRONG);
  add('p12-with-cert.p12', openssl(['pkcs12', '-export', '-inkey', rsaPemFile, '-in', certFile, '-passout', 'pass:right']), WRONG);
  add('p12-certs-only.p12', openssl(['pkcs12', '-export', '-nokeys', '-in', certFile, '-passout', 'pass:wrong-passphrase']), ['PKCS12_NO_KEY']);
  // h. raw material of lengths that fit no key spec (20)
  for (const n of [1, 2, 8, 15, 17, 20, 24, 27, 29, 31, 33, 40, 47, 49, 63]) add(`raw-${n}-bytes.bin`, Buffer.concat([Buffer.from([0xa5]), crypto.randomBytes(n - 1)]), ['SYMMETRIC_LENGTH']);
  for (const n of [65, 100, 1000]) add(`raw-${n}-bytes.bin`, Buffer.concat([Buffer.from([0xa5, 0x00]), crypto.randomBytes(n - 2)]), ['RAW_LENGTH']);
  add('hex-31-bytes.hex', Buffer.from(crypto.randomBytes(31).toString('hex')), ['SYMMETRIC_LENGTH']);
  add('b64-20-bytes.b64', Buffer.from(crypto.randomBytes(20).toString('base64')), ['SYMMETRIC_LENGTH']);
  // i. RSA sizes KMS does not take (4)
  const rsa1024 = gen(['-algorithm', 'rsa', '-pkeyopt', 'rsa_keygen_bits:1024']);
  add('rsa-1024.der', rsa1024, ['RSA_SIZE_UNSUPPORTED']);
  add('rsa-1024-pkcs1.pem', openssl(['pkey', '-inform', 'der', '-traditional'], rsa1024), ['RSA_SIZE_UNSUPPORTED']);
  add('rsa-1024.jwk', Buffer.from(JSON.stringify(crypto.createPrivateKey({ key: rsa1024, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' }))), ['RSA_SIZE_UNSUPPORTED']);
  add('rsa-2047.der', gen(['-algorithm', 'rsa', '-pkeyopt', 'rsa_keygen_bits:2047']), ['RSA_SIZE_UNSUPPORTED']);
  // j. three-prime RSA (5)
  const rsa3 = gen(['-algorithm', 'rsa', '-pkeyopt', 'rsa_keygen_bits:2048', '-pkeyopt', 'rsa_keygen_primes:3']);
  add('rsa-3-primes.der', rsa3, ['RSA_MULTI_PRIME']);
  add('rsa-3-primes.pem', openssl(['pkey', '-inform', 'der'], rsa3), ['RSA_MULTI_PRIME']);
  add('rsa-3-primes-pkcs1.pem', openssl(['pkey', '-inform', 'der', '-traditional'], rsa3), ['RSA_MULTI_PRIME']);
  for (const f of ['rsa_three_primes_oaep_2048_sha1_mgf1sha1_test.json', 'rsa_three_primes_oaep_4096_sha256_mgf1sha256_test.json']) {
    const g = JSON.parse(readFileSync(join(VECTORS, f), 'utf8')).testGroups[0];
    add(`wycheproof-${f.replace('_test.json', '')}.der`, Buffer.from(g.privateKeyPkcs8, 'hex'), ['RSA_MULTI_PRIME']);
  }
  // k. other curves and key types (12)
  for (const c of ['brainpoolP256r1', 'brainpoolP384r1', 'secp224r1', 'prime192v1', 'secp192k1']) {
    add(`curve-${c}.der`, gen(['-algorithm', 'ec', '-pkeyopt', `ec_paramgen_curve:${c}`]), ['CURVE_UNSUPPORTED']);
  }
  add('curve-explicit-params.der', gen(['-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-pkeyopt', 'ec_param_enc:explicit']), ['EC_EXPLICIT_PARAMS']);
  for (const t of ['ED25519', 'ED448', 'X25519', 'X448']) add(`type-${t.toLowerCase()}.der`, gen(['-algorithm', t]), ['KEY_TYPE_UNSUPPORTED']);
  add('type-dsa.der', openssl(['pkcs8', '-topk8', '-nocrypt', '-outform', 'der'], openssl(['genpkey', '-paramfile', file('dsa.param', openssl(['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:1024']))])), ['KEY_TYPE_UNSUPPORTED']);
  add('type-okp.jwk', Buffer.from(JSON.stringify({ kty: 'OKP', crv: 'Ed25519', d: 'AAAA', x: 'AAAA' })), ['KEY_TYPE_UNSUPPORTED']);
  // l. empty (5)
  add('empty.bin', Buffer.alloc(0), ['EMPTY_FILE']);
  add('whitespace.txt', Buffer.from('   \n\t\n'), ['TEXT_NOT_KEY']);
  add('newline.txt', Buffer.from('\n'), ['TEXT_NOT_KEY']);
  add('empty-object.json', Buffer.from('{}'), ['JWK_INVALID']);
  add('empty-array.json', Buffer.from('[]'), ['TEXT_NOT_KEY', 'JWK_INVALID']);
  // m. very large files (3)
  add('large-random.bin', crypto.randomBytes(2 * 1024 * 1024), ['FILE_TOO_LARGE']);
  add('large-zeros.bin', Buffer.alloc(1536 * 1024), ['FILE_TOO_LARGE']);
  add('large-pem.pem', Buffer.from('-----BEGIN PRIVATE KEY-----\n' + 'A'.repeat(2 * 1024 * 1024) + '\n-----END PRIVATE KEY-----\n'), ['FILE_TOO_LARGE']);
  // n. text that is no key format (12)
  for (const [n, t] of [
    ['hello.txt', 'hello world'],
    ['sentence.txt', 'this is not a key, it is a sentence.'],
    ['odd-hex.txt', 'abc'],
    ['bad-b64.txt', 'QUJD$$$$'],
    ['mixed.txt', '0x12zz34'],
    ['lorem.txt', 'Lorem ipsum dolor sit amet, consectetur adipiscing elit.'],
    ['yaml.yml', 'key: value\nother: 1\n'],
    ['not-json.json', '{not json'],
    ['jwks.json', '{"keys":[]}'],
    ['bundle-as-material.json', '{"PublicKey":"AAAA","ImportToken":"AAAA"}'],
    ['jwk-bad-member.jwk', '{"kty":"RSA","n":"!!","e":"AQAB","d":"x"}'],
    ['jwk-unknown-kty.jwk', '{"kty":"XYZ"}'],
  ] as const) {
    add(n, Buffer.from(t), ['TEXT_NOT_KEY', 'JSON_INVALID', 'JWKS_NOT_SUPPORTED', 'BUNDLE_NOT_MATERIAL', 'JWK_INVALID', 'SYMMETRIC_LENGTH']);
  }
  // o. DER-looking garbage (5)
  for (const n of [80, 100, 200, 300, 1000]) add(`der-garbage-${n}.der`, Buffer.concat([Buffer.from([0x30, 0x82, 0x10, 0x00]), crypto.randomBytes(n - 4)]), ['CORRUPT_DER']);
  rmSync(scratch, { recursive: true, force: true });
  return out;
}

/** HMAC material of the wrong length for HMAC_384 (run with --key-spec HMAC_384). */
export function buildHmacCorpus(): BadFile[] {
  return [28, 32, 47, 49, 64].map((n) => ({ name: `hmac384-wrong-${n}.bin`, data: Buffer.concat([Buffer.from([0xa5]), crypto.randomBytes(n - 1)]), codes: ['HMAC_LENGTH'] }));
}
