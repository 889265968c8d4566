// SM2PKE interop with the OpenSSL CLI in both directions (China Regions), as strict as the RSA matrix of
// openssl-interop.test.ts: for {16-byte symmetric, RSA_2048/3072/4096, P-256, P-384, P-521, secp256k1, SM2}
// material, every SM2PKE output of the core decrypts with `openssl pkeyutl -decrypt -inkey sm2.pem` to the
// exact normalised material, and what `openssl pkeyutl -encrypt` writes with the SM2 wrapping public key
// decrypts with the sandbox's decrypt (sandboxUnwrap, given the PKCS#8 wrapping key OpenSSL generated). And the same
// both ways for fixed wrapping keys and C1 points whose scalar or coordinates start with a zero byte.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseMaterial } from '../../src/core/material';
import { parseWrappingPublicKey } from '../../src/core/publicKey';
import { checkCompatibility } from '../../src/core/rules';
import { unwrapKeyMaterial, wrapKeyMaterial } from '../../src/core/wrap';
import type { KeySpec } from '../../src/core/specs';
import * as asn1 from '../../src/core/asn1';
import { sm2EncryptTo, sm2Point, sm2PublicPoint, toBig } from '../../src/core/sm2';
import { ecPkcs8, ecScalar, ecSpki, sandboxUnwrap } from '../../src/sandbox/keycrypto';
import { openssl, opensslGenPkcs8, opensslPublicDer, tempDir } from '../support/openssl';

const tmp = tempDir('kms-import-sm2-interop-');
const MATERIALS: Array<{ spec: KeySpec; make: () => Buffer }> = [
  { spec: 'SYMMETRIC_DEFAULT', make: () => openssl(['rand', '16']) },
  { spec: 'RSA_2048', make: () => opensslGenPkcs8('rsa', '2048') },
  { spec: 'RSA_3072', make: () => opensslGenPkcs8('rsa', '3072') },
  { spec: 'RSA_4096', make: () => opensslGenPkcs8('rsa', '4096') },
  { spec: 'ECC_NIST_P256', make: () => opensslGenPkcs8('ec', 'P-256') },
  { spec: 'ECC_NIST_P384', make: () => opensslGenPkcs8('ec', 'P-384') },
  { spec: 'ECC_NIST_P521', make: () => opensslGenPkcs8('ec', 'P-521') },
  { spec: 'ECC_SECG_P256K1', make: () => opensslGenPkcs8('ec', 'secp256k1') },
  { spec: 'SM2', make: () => opensslGenPkcs8('ec', 'SM2') },
];
const material = new Map<KeySpec, Buffer>();
let keyPem = '';
let pubDerFile = '';
let privateDer: Buffer;

before(() => {
  for (const m of MATERIALS) material.set(m.spec, m.make());
  // The SM2 wrapping key pair, as KMS would hold it; the public half as WrappingPublicKey.bin (DER).
  keyPem = tmp.write('sm2.pem', openssl(['genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:SM2']));
  pubDerFile = tmp.path('WrappingPublicKey.bin');
  openssl(['pkey', '-in', keyPem, '-pubout', '-outform', 'der', '-out', pubDerFile]);
  privateDer = openssl(['pkcs8', '-topk8', '-nocrypt', '-outform', 'der', '-in', keyPem]);
});
after(() => tmp.cleanup());

let n = 0;
describe('SM2PKE with the SM2 wrapping key spec (aws-cn)', () => {
  for (const m of MATERIALS) {
    test(`${m.spec}: core → openssl pkeyutl -decrypt, and openssl pkeyutl -encrypt → the sandbox's decrypt`, () => {
      const raw = material.get(m.spec)!;
      const parsed = parseMaterial(raw);
      // The normalised material is byte-identical to what OpenSSL produced (raw bytes or PKCS#8 DER).
      assert.deepEqual(parsed.bytes, raw);
      const errors = checkCompatibility({ provider: 'aws-cn', keySpec: m.spec, wrappingKeySpec: 'SM2', algorithm: 'SM2PKE', material: parsed }).filter((f) => f.severity === 'error');
      assert.deepEqual(errors, [], errors.map((e) => e.code).join(','));
      const pub = parseWrappingPublicKey(readFileSync(pubDerFile), 'SM2');
      const outputs = [wrapKeyMaterial(parsed.bytes, pub, 'SM2PKE'), wrapKeyMaterial(parsed.bytes, pub, 'SM2PKE')];
      assert.notDeepEqual(outputs[0], outputs[1], 'a fresh k for every wrap');
      for (const blob of outputs) {
        assert.ok(blob.length <= parsed.bytes.length + 115 && blob.length <= 6144);
        const f = tmp.write(`core_${n++}.bin`, blob);
        assert.deepEqual(openssl(['pkeyutl', '-decrypt', '-inkey', keyPem, '-in', f]), raw);
      }
      const matFile = tmp.write(`PlaintextKeyMaterial_${n}.bin`, raw);
      const encFile = tmp.path(`EncryptedKeyMaterial_${n++}.bin`);
      openssl(['pkeyutl', '-encrypt', '-pubin', '-inkey', pubDerFile, '-keyform', 'DER', '-in', matFile, '-out', encFile]);
      const fromOpenssl = readFileSync(encFile);
      assert.deepEqual(sandboxUnwrap(fromOpenssl, privateDer, 'SM2PKE'), raw);
      assert.deepEqual(unwrapKeyMaterial(fromOpenssl, ecScalar(privateDer), 'SM2PKE'), raw);
    });
  }
});

// Values with a leading zero byte, found by search and fixed here so that every run meets them: a wrapping key
// whose private scalar and public x both start with 00, one whose public y starts with 00 (then < 0x80: the DER
// INTEGER of such a C1 coordinate is 31 bytes), and the k that makes C1's x, or its y, start so.
const D_AND_X_SHORT = Buffer.from('00410a171bf057a259dcd90f611f840a710ad5bf36d6a2dc9009ec140fbe4d44', 'hex');
const Y_SHORT = Buffer.from('5c68b477cf98a025a1de795caa9bbf71146eb4955a7111b365f4638c527525c5', 'hex');
const X_SHORT = Buffer.from('a97305dbb9bfcb9aa04e51ad202724c38c0c8c3be4fb135af64aca53376d01a4', 'hex');

describe('SM2PKE with leading zero bytes (wrapping keys, C1 coordinates) — both ways with OpenSSL', () => {
  for (const [name, d] of [['private scalar and public x start with 00', D_AND_X_SHORT], ['public y starts with 00', Y_SHORT]] as const) {
    test(`a wrapping key whose ${name}: its SPKI and PKCS#8 are OpenSSL's, and C1 with a short x or y decrypts both ways`, () => {
      const point = sm2PublicPoint(d);
      assert.equal(name.startsWith('private') ? point[1] : point[33], 0);
      const pkcs8 = ecPkcs8('SM2', d);
      const spki = ecSpki('SM2', point);
      assert.deepEqual(opensslPublicDer(pkcs8), spki, 'OpenSSL derives the same SPKI from the PKCS#8 the sandbox holds');
      const keyFile = tmp.write(`lz_${n}.der`, pkcs8);
      const pub = parseWrappingPublicKey(spki, 'SM2');
      assert.deepEqual(pub.point, point);
      for (const raw of [material.get('SYMMETRIC_DEFAULT')!, material.get('RSA_2048')!]) {
        for (const [coordinate, k] of [['x', X_SHORT], ['x', D_AND_X_SHORT], ['y', Y_SHORT]] as const) {
          const blob = sm2EncryptTo(sm2Point(point), raw, () => toBig(k));
          const [c1x, c1y] = asn1.children(asn1.parse(blob));
          assert.ok((coordinate === 'x' ? c1x : c1y).value.length < 32, `C1 ${coordinate} is encoded short`);
          assert.deepEqual(sandboxUnwrap(blob, pkcs8, 'SM2PKE'), raw);
          assert.deepEqual(openssl(['pkeyutl', '-decrypt', '-keyform', 'DER', '-inkey', keyFile, '-in', tmp.write(`lz_c_${n++}.bin`, blob)]), raw);
        }
        const matFile = tmp.write(`lz_m_${n}.bin`, raw);
        for (let i = 0; i < 4; i++) {
          const encFile = tmp.path(`lz_e_${n++}.bin`);
          openssl(['pkeyutl', '-encrypt', '-pubin', '-keyform', 'DER', '-inkey', tmp.write(`lz_p_${n}.der`, spki), '-in', matFile, '-out', encFile]);
          assert.deepEqual(sandboxUnwrap(readFileSync(encFile), pkcs8, 'SM2PKE'), raw);
        }
      }
    });
  }
});
