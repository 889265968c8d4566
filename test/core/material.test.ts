// Every material format users have, normalised to exactly what OpenSSL's `pkcs8 -topk8 -outform der -nocrypt`
// produces (sources/001), with the public key KMS will derive (equal to OpenSSL's `pkey -pubout`).
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as asn1 from '../../src/core/asn1';
import { parseMaterial } from '../../src/core/material';
import { generateMaterial } from '../../src/core/generate';
import type { KeySpec } from '../../src/core/specs';
import { openssl, tempDir } from '../support/openssl';

const tmp = tempDir();
after(() => tmp.cleanup());

interface Key { spec: KeySpec; pem: string; pkcs8: Buffer; spki: Buffer; traditional: string }
const KEYS: Array<{ spec: KeySpec; gen: string[] }> = [
  { spec: 'RSA_2048', gen: ['-algorithm', 'rsa', '-pkeyopt', 'rsa_keygen_bits:2048'] },
  { spec: 'ECC_NIST_P256', gen: ['-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] },
  { spec: 'ECC_NIST_P384', gen: ['-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'] },
  { spec: 'ECC_NIST_P521', gen: ['-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521'] },
  { spec: 'ECC_SECG_P256K1', gen: ['-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1'] },
  { spec: 'SM2', gen: ['-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:SM2'] },
];
const keys = new Map<KeySpec, Key>();

before(() => {
  for (const k of KEYS) {
    const pem = openssl(['genpkey', ...k.gen]).toString();
    const pkcs8 = openssl(['pkcs8', '-topk8', '-outform', 'der', '-nocrypt'], Buffer.from(pem));
    const spki = openssl(['pkey', '-pubout', '-outform', 'der'], Buffer.from(pem));
    const traditional = k.spec === 'SM2' ? sec1PemWithCurve(pkcs8) : openssl(['pkey', '-traditional'], Buffer.from(pem)).toString();
    keys.set(k.spec, { spec: k.spec, pem, pkcs8, spki, traditional });
  }
});

/** OpenSSL 3.0 cannot write SM2 keys in the traditional form; build SEC1 with the curve named, as other tools write it. */
function sec1PemWithCurve(pkcs8: Buffer): string {
  const items = asn1.children(asn1.parse(pkcs8));
  const curveOid = asn1.children(items[1])[1].raw;
  const inner = asn1.children(asn1.parse(items[2].value));
  const sec1 = asn1.seq(inner[0].raw, inner[1].raw, asn1.explicit(0, curveOid), ...inner.slice(2).map((x) => x.raw));
  return `-----BEGIN EC PRIVATE KEY-----\n${sec1.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END EC PRIVATE KEY-----\n`;
}

function expectKey(input: Buffer, k: Key, opts: { passphrase?: string } = {}, format?: string) {
  const m = parseMaterial(input, opts);
  assert.equal(m.keySpec, k.spec);
  assert.deepEqual(m.bytes, k.pkcs8, 'normalised PKCS#8 DER equals OpenSSL’s');
  assert.deepEqual(m.publicKeySpki, k.spki, 'derived public key equals OpenSSL’s');
  if (format) assert.equal(m.format, format);
  assert.ok(!m.description.includes(k.pkcs8.toString('hex').slice(-16)), 'description carries no secret bytes');
  m.dispose();
  assert.ok(m.bytes.every((b) => b === 0), 'dispose() zeroes the secret');
}

/** A private JWK built from OpenSSL's own key (no runtime EC support needed, so it works for secp256k1 too). */
function jwkFrom(k: Key): Record<string, string> {
  const items = asn1.children(asn1.parse(k.pkcs8));
  const inner = asn1.children(asn1.parse(items[2].value));
  if (k.spec.startsWith('RSA')) {
    const names = ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'];
    return Object.fromEntries([['kty', 'RSA'], ...names.map((n, i) => [n, asn1.unsignedInt(inner[i + 1], n).toString('base64url')])]);
  }
  const d = inner[1].value;
  const pub = asn1.children(inner.find((x) => x.tag === 0xa1)!)[0].value.subarray(2);
  const half = pub.length / 2;
  const crv = { ECC_NIST_P256: 'P-256', ECC_NIST_P384: 'P-384', ECC_NIST_P521: 'P-521', ECC_SECG_P256K1: 'secp256k1', SM2: 'SM2' }[k.spec as string]!;
  return { kty: 'EC', crv, d: d.toString('base64url'), x: pub.subarray(0, half).toString('base64url'), y: pub.subarray(half).toString('base64url') };
}

for (const { spec } of KEYS) {
  describe(`${spec} private key`, () => {
    test('PKCS#8 DER and PEM', () => {
      const k = keys.get(spec)!;
      expectKey(k.pkcs8, k, {}, 'pkcs8-der');
      expectKey(Buffer.from(k.pem), k, {}, 'pkcs8-pem');
    });
    test(spec.startsWith('RSA') ? 'PKCS#1 "BEGIN RSA PRIVATE KEY" PEM and DER' : 'SEC1 "BEGIN EC PRIVATE KEY" PEM and DER', () => {
      const k = keys.get(spec)!;
      assert.match(k.traditional, spec.startsWith('RSA') ? /BEGIN RSA PRIVATE KEY/ : /BEGIN EC PRIVATE KEY/);
      expectKey(Buffer.from(k.traditional), k, {}, spec.startsWith('RSA') ? 'pkcs1-pem' : 'sec1-pem');
      const der = spec === 'SM2' ? Buffer.from(k.traditional.replace(/-----[^-]+-----|\s/g, ''), 'base64') : openssl(['pkey', '-traditional', '-outform', 'der'], Buffer.from(k.pem));
      expectKey(der, k, {}, spec.startsWith('RSA') ? 'pkcs1-der' : 'sec1-der');
    });
    test('encrypted PKCS#8 (PBES2/AES-256-CBC, PEM and DER) with the passphrase; the wrong passphrase is refused', () => {
      const k = keys.get(spec)!;
      const encPem = openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-passout', 'pass:correct horse'], Buffer.from(k.pem));
      expectKey(encPem, k, { passphrase: 'correct horse' }, 'encrypted-pkcs8-pem');
      const encDer = openssl(['pkcs8', '-topk8', '-v2', 'aes-128-cbc', '-outform', 'der', '-passout', 'pass:pw'], Buffer.from(k.pem));
      expectKey(encDer, k, { passphrase: 'pw' }, 'encrypted-pkcs8-der');
      assert.throws(() => parseMaterial(encPem, { passphrase: 'battery staple' }), (e: Error & { code?: string }) => e.code === 'WRONG_PASSPHRASE');
      assert.throws(() => parseMaterial(encPem), (e: Error & { code?: string; fix?: string }) => e.code === 'PASSPHRASE_REQUIRED' && /passphrase/.test(e.fix!));
    });
    test('PKCS#12 (.p12/.pfx) with its password; the wrong password is refused', () => {
      const k = keys.get(spec)!;
      const keyFile = tmp.write(`${spec}.pem`, k.pem);
      const p12 = openssl(['pkcs12', '-export', '-nocerts', '-inkey', keyFile, '-passout', 'pass:p12pass']);
      expectKey(p12, k, { passphrase: 'p12pass' }, 'pkcs12');
      assert.throws(() => parseMaterial(p12, { passphrase: 'nope' }), (e: Error & { code?: string }) => e.code === 'WRONG_PASSPHRASE');
    });
    test('private JWK', () => {
      const k = keys.get(spec)!;
      expectKey(Buffer.from(JSON.stringify(jwkFrom(k))), k, {}, 'jwk');
    });
    test('hex and base64 text of the PKCS#8 DER', () => {
      const k = keys.get(spec)!;
      expectKey(Buffer.from(k.pkcs8.toString('hex') + '\n'), k, {}, 'hex');
      expectKey(Buffer.from(k.pkcs8.toString('base64').replace(/(.{64})/g, '$1\n')), k, {}, 'base64');
    });
  });
}

test('legacy encrypted PEM (Proc-Type: 4,ENCRYPTED) with the passphrase', () => {
  const k = keys.get('RSA_2048')!;
  const legacy = openssl(['rsa', '-aes256', '-traditional', '-passout', 'pass:legacy'], Buffer.from(k.pem));
  assert.match(legacy.toString(), /Proc-Type: 4,ENCRYPTED/);
  expectKey(legacy, k, { passphrase: 'legacy' }, 'encrypted-legacy-pem');
});

test('PKCS#12 with a certificate and its key: the key is taken, the certificate ignored', () => {
  const k = keys.get('ECC_NIST_P256')!;
  const keyFile = tmp.write('withcert.pem', k.pem);
  const cert = tmp.path('cert.pem');
  openssl(['req', '-new', '-x509', '-key', keyFile, '-subj', '/CN=kms-import-test', '-days', '1', '-out', cert]);
  const p12 = openssl(['pkcs12', '-export', '-inkey', keyFile, '-in', cert, '-passout', 'pass:x']);
  expectKey(p12, k, { passphrase: 'x' }, 'pkcs12');
});

describe('raw symmetric and HMAC material', () => {
  for (const [n, spec] of [[32, 'SYMMETRIC_DEFAULT'], [16, 'SYMMETRIC_DEFAULT'], [28, 'HMAC_224'], [48, 'HMAC_384'], [64, 'HMAC_512']] as const) {
    test(`${n} bytes as binary, hex, base64 and JWK oct → the same ${n} raw bytes (${spec})`, () => {
      const raw = crypto.randomBytes(n);
      raw[0] = 0x5a; // not a DER SEQUENCE tag, and not a printable-only buffer
      raw[1] = 0x00;
      for (const [input, format] of [
        [raw, 'raw'],
        [Buffer.from(raw.toString('hex')), 'hex'],
        [Buffer.from(raw.toString('hex').toUpperCase().replace(/(..)/g, '$1:').slice(0, -1)), 'hex'],
        [Buffer.from(raw.toString('base64')), 'base64'],
        [Buffer.from(JSON.stringify({ kty: 'oct', k: raw.toString('base64url') })), 'jwk'],
      ] as const) {
        const m = parseMaterial(input);
        assert.deepEqual(m.bytes, raw, format);
        assert.equal(m.format, format);
        assert.equal(m.keySpec, spec);
        assert.equal(m.publicKeySpki, undefined);
      }
    });
  }
});

describe('test material generator (sources/001 sizes; EC made without runtime curve support)', () => {
  for (const spec of ['SYMMETRIC_DEFAULT', 'HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512', 'RSA_2048', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'SM2'] as const) {
    test(`${spec}: OpenSSL reads it and derives the same public key`, () => {
      const bytes = generateMaterial(spec);
      const m = parseMaterial(bytes);
      if (m.kind === 'rsa' || m.kind === 'ec') {
        assert.equal(m.keySpec, spec);
        assert.deepEqual(openssl(['pkey', '-inform', 'der', '-pubout', '-outform', 'der'], bytes), m.publicKeySpki);
      } else {
        assert.equal(bytes.length, { SYMMETRIC_DEFAULT: 32, HMAC_224: 28, HMAC_256: 32, HMAC_384: 48, HMAC_512: 64 }[spec as string]);
      }
    });
  }
  test('China: 16-byte SM4 symmetric material', () => assert.equal(generateMaterial('SYMMETRIC_DEFAULT', { china: true }).length, 16));
});

test('curve orders used for range checks equal the curve definitions (noble) and the scalar range is enforced', async () => {
  const { curveOrder, ecPublicPoint } = await import('../../src/core/curves');
  const noble = {
    'P-256': (await import('@noble/curves/p256')).p256.CURVE.n,
    'P-384': (await import('@noble/curves/p384')).p384.CURVE.n,
    'P-521': (await import('@noble/curves/p521')).p521.CURVE.n,
    secp256k1: (await import('@noble/curves/secp256k1')).secp256k1.CURVE.n,
  } as const;
  for (const [c, n] of Object.entries(noble)) assert.equal(curveOrder(c as 'P-256'), n, c);
  for (const c of ['P-256', 'P-521', 'secp256k1', 'SM2'] as const) {
    const n = curveOrder(c);
    const size = c === 'P-521' ? 66 : 32;
    const hex = (v: bigint) => Buffer.from(v.toString(16).padStart(size * 2, '0'), 'hex');
    assert.throws(() => ecPublicPoint(c, hex(n)), /out of range/, `${c}: d = n`);
    assert.throws(() => ecPublicPoint(c, Buffer.alloc(size)), /out of range/, `${c}: d = 0`);
    assert.equal(ecPublicPoint(c, hex(n - BigInt(1))).length, 1 + 2 * size, `${c}: d = n − 1`);
  }
});
