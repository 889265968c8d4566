// Interop with the OpenSSL CLI in both directions over the whole matrix of sources/001:
// {symmetric, HMAC_224..512, RSA_2048/3072/4096, P-256/384/521, secp256k1}
//   × {RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, RSA_AES_KEY_WRAP_SHA_1, RSA_AES_KEY_WRAP_SHA_256} × {RSA_2048, 3072, 4096}.
// Allowed cells: the core's wrap decrypts with `openssl pkeyutl -decrypt` (+ `openssl enc -d -id-aes256-wrap-pad`)
// to the exact material, and material wrapped with sources/001's OpenSSL commands unwraps with the core.
// Forbidden cells are refused with the right finding. Plus RSAES_PKCS1_V1_5 for the Huawei rule set.
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseMaterial } from '../../src/core/material';
import { parseWrappingPublicKey } from '../../src/core/publicKey';
import { checkCompatibility } from '../../src/core/rules';
import { unwrapKeyMaterial, wrapKeyMaterial } from '../../src/core/wrap';
import type { KeySpec, WrappingAlgorithm, WrappingKeySpec } from '../../src/core/specs';
import type { RuleCode } from '../../src/core/errors';
import { openssl, opensslGenPkcs8, tempDir } from '../support/openssl';

const tmp = tempDir();
const WRAP_SIZES: WrappingKeySpec[] = ['RSA_2048', 'RSA_3072', 'RSA_4096'];
const ALGS: WrappingAlgorithm[] = ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256'];
const MATERIALS: Array<{ spec: KeySpec; make: () => Buffer }> = [
  { spec: 'SYMMETRIC_DEFAULT', make: () => openssl(['rand', '32']) },
  { spec: 'HMAC_224', make: () => openssl(['rand', '28']) },
  { spec: 'HMAC_256', make: () => openssl(['rand', '32']) },
  { spec: 'HMAC_384', make: () => openssl(['rand', '48']) },
  { spec: 'HMAC_512', make: () => openssl(['rand', '64']) },
  { spec: 'RSA_2048', make: () => opensslGenPkcs8('rsa', '2048') },
  { spec: 'RSA_3072', make: () => opensslGenPkcs8('rsa', '3072') },
  { spec: 'RSA_4096', make: () => opensslGenPkcs8('rsa', '4096') },
  { spec: 'ECC_NIST_P256', make: () => opensslGenPkcs8('ec', 'P-256') },
  { spec: 'ECC_NIST_P384', make: () => opensslGenPkcs8('ec', 'P-384') },
  { spec: 'ECC_NIST_P521', make: () => opensslGenPkcs8('ec', 'P-521') },
  { spec: 'ECC_SECG_P256K1', make: () => opensslGenPkcs8('ec', 'secp256k1') },
];

const material = new Map<KeySpec, Buffer>();
const wrapping = new Map<WrappingKeySpec, { pemFile: string; pubDerFile: string; privateKey: crypto.KeyObject }>();

before(() => {
  for (const m of MATERIALS) material.set(m.spec, m.make());
  for (const w of WRAP_SIZES) {
    const bits = w.slice(4);
    const pem = openssl(['genpkey', '-algorithm', 'rsa', '-pkeyopt', `rsa_keygen_bits:${bits}`]);
    const pemFile = tmp.write(`wrap_${bits}.pem`, pem);
    const pubDerFile = tmp.path(`WrappingPublicKey_${bits}.bin`);
    openssl(['pkey', '-in', pemFile, '-pubout', '-outform', 'der', '-out', pubDerFile]);
    wrapping.set(w, { pemFile, pubDerFile, privateKey: crypto.createPrivateKey(pem) });
  }
});
after(() => tmp.cleanup());

const hashOf = (a: WrappingAlgorithm) => (a.endsWith('SHA_1') ? 'sha1' : 'sha256');
let n = 0;

/** Decrypts the core's output with the OpenSSL CLI, as KMS would with its private key. */
function opensslUnwrap(blob: Buffer, alg: WrappingAlgorithm, w: { pemFile: string }, bits: number): Buffer {
  const h = hashOf(alg);
  const oaep = ['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', `rsa_oaep_md:${h}`, '-pkeyopt', `rsa_mgf1_md:${h}`];
  if (alg.startsWith('RSAES_OAEP')) return openssl(['pkeyutl', '-decrypt', '-inkey', w.pemFile, ...oaep], blob);
  const k = bits / 8;
  const aesKey = openssl(['pkeyutl', '-decrypt', '-inkey', w.pemFile, ...oaep], blob.subarray(0, k));
  assert.equal(aesKey.length, 32, 'the AES key inside RSA_AES_KEY_WRAP is 256-bit');
  return openssl(['enc', '-d', '-id-aes256-wrap-pad', '-K', aesKey.toString('hex'), '-iv', 'A65959A6'], blob.subarray(k));
}

/** Wraps with exactly the commands of sources/001. */
function opensslWrap(mat: Buffer, alg: WrappingAlgorithm, w: { pubDerFile: string }): Buffer {
  const id = n++;
  const matFile = tmp.write(`PlaintextKeyMaterial_${id}.bin`, mat);
  const pub = ['-inkey', w.pubDerFile, '-keyform', 'DER', '-pubin'];
  const pad = alg === 'RSAES_OAEP_SHA_1' ? ['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha1'] : ['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', `rsa_oaep_md:${hashOf(alg)}`, '-pkeyopt', `rsa_mgf1_md:${hashOf(alg)}`];
  if (alg.startsWith('RSAES_OAEP')) {
    openssl(['pkeyutl', '-encrypt', '-in', matFile, '-out', tmp.path(`Enc_${id}.bin`), ...pub, ...pad]);
    return tmp.read(`Enc_${id}.bin`);
  }
  openssl(['rand', '-out', tmp.path(`aeskey_${id}.bin`), '32']);
  const aesHex = tmp.read(`aeskey_${id}.bin`).toString('hex');
  openssl(['enc', '-id-aes256-wrap-pad', '-K', aesHex, '-iv', 'A65959A6', '-in', matFile, '-out', tmp.path(`kmw_${id}.bin`)]);
  openssl(['pkeyutl', '-encrypt', '-in', tmp.path(`aeskey_${id}.bin`), '-out', tmp.path(`akw_${id}.bin`), ...pub, ...pad]);
  return Buffer.concat([tmp.read(`akw_${id}.bin`), tmp.read(`kmw_${id}.bin`)]);
}

function forbiddenCode(spec: KeySpec, alg: WrappingAlgorithm, w: WrappingKeySpec): RuleCode | undefined {
  if (spec.startsWith('RSA_') && alg.startsWith('RSAES_OAEP')) return 'RSA_NEEDS_RSA_AES';
  if (spec === 'ECC_NIST_P521' && w === 'RSA_2048' && alg.startsWith('RSAES_OAEP')) return 'P521_RSA2048_OAEP';
  return undefined;
}

for (const alg of ALGS) {
  for (const w of WRAP_SIZES) {
    describe(`${alg} with ${w}`, () => {
      for (const m of MATERIALS) {
        const forbidden = forbiddenCode(m.spec, alg, w);
        test(`${m.spec}: ${forbidden ? `refused (${forbidden})` : 'core → openssl and openssl → core'}`, () => {
          const raw = material.get(m.spec)!;
          const parsed = parseMaterial(raw);
          const wk = wrapping.get(w)!;
          const pub = parseWrappingPublicKey(readFileSync(wk.pubDerFile), w);
          const findings = checkCompatibility({ provider: 'aws', keySpec: m.spec, wrappingKeySpec: w, algorithm: alg, material: parsed });
          const errors = findings.filter((f) => f.severity === 'error').map((f) => f.code);
          if (forbidden) {
            assert.ok(errors.includes(forbidden), `expected ${forbidden}, got ${errors.join(',') || 'no error'}`);
            assert.throws(() => wrapKeyMaterial(parsed.bytes, pub, alg), /carries at most/);
            return;
          }
          assert.deepEqual(errors, [], `unexpected refusal: ${errors.join(',')}`);
          // The normalised material is byte-identical to what OpenSSL produced (raw or PKCS#8 DER).
          assert.deepEqual(parsed.bytes, raw);
          const wrapped = wrapKeyMaterial(parsed.bytes, pub, alg);
          assert.deepEqual(opensslUnwrap(wrapped, alg, wk, Number(w.slice(4))), raw);
          const fromOpenssl = opensslWrap(raw, alg, wk);
          assert.deepEqual(unwrapKeyMaterial(fromOpenssl, wk.privateKey, alg), raw);
        });
      }
    });
  }
}

describe('RSAES_PKCS1_V1_5 (Huawei rule set)', () => {
  for (const w of WRAP_SIZES) {
    test(`256-bit symmetric key with ${w}: core → openssl rsautl/pkeyutl, and openssl rsautl -pkcs → core`, () => {
      const raw = material.get('SYMMETRIC_DEFAULT')!;
      const wk = wrapping.get(w)!;
      const pub = parseWrappingPublicKey(readFileSync(wk.pubDerFile), w);
      const findings = checkCompatibility({ provider: 'huawei', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: w, algorithm: 'RSAES_PKCS1_V1_5', material: parseMaterial(raw) });
      // Huawei hands out RSA_2048 wrapping keys only; the padding itself is checked at every size.
      assert.deepEqual(findings.filter((f) => f.severity === 'error').map((f) => f.code), w === 'RSA_2048' ? [] : ['WRAPPING_KEY_SPEC_UNSUPPORTED']);
      assert.ok(findings.some((f) => f.code === 'PKCS1_LEGACY'));
      const wrapped = wrapKeyMaterial(raw, pub, 'RSAES_PKCS1_V1_5');
      assert.deepEqual(openssl(['pkeyutl', '-decrypt', '-inkey', wk.pemFile, '-pkeyopt', 'rsa_padding_mode:pkcs1'], wrapped), raw);
      // sources/002: openssl rsautl -encrypt -in PlaintextKeyMaterial.bin -pkcs -inkey PublicKey.bin -keyform der -pubin
      const inFile = tmp.write(`huawei_${w}.bin`, raw);
      const enc = openssl(['rsautl', '-encrypt', '-in', inFile, '-pkcs', '-inkey', wk.pubDerFile, '-keyform', 'der', '-pubin']);
      assert.deepEqual(unwrapKeyMaterial(enc, wk.privateKey, 'RSAES_PKCS1_V1_5'), raw);
    });
  }
  test('AWS refuses RSAES_PKCS1_V1_5 (since 2023-10-10)', () => {
    const codes = checkCompatibility({ provider: 'aws', keySpec: 'SYMMETRIC_DEFAULT', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_PKCS1_V1_5' }).map((f) => f.code);
    assert.ok(codes.includes('PKCS1_V1_5_REFUSED'));
  });
});
