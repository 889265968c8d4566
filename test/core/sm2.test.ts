// SM3 and SM2PKE of the core (src/core/sm3.ts, src/core/sm2.ts): the standards' published examples byte
// for byte, `openssl dgst -sm3` for every block boundary, the SM2 wrapping public key in every form, and
// a decrypt that refuses every malformed ciphertext without throwing.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as asn1 from '../../src/core/asn1';
import { Sm3, sm3 } from '../../src/core/sm3';
import { encodeSm2Ciphertext, sm2Decrypt, sm2EncryptTo, sm2Point, sm2PublicPoint, SM2_CURVE, SM2_POINTS } from '../../src/core/sm2';
import { parseWrappingPublicKey } from '../../src/core/publicKey';
import { unwrapKeyMaterial, wrapKeyMaterial } from '../../src/core/wrap';
import { openssl, tempDir } from '../support/openssl';

const tmp = tempDir('kms-import-sm2-');
after(() => tmp.cleanup());
const hex = (h: string) => Buffer.from(h.replace(/\s/g, ''), 'hex');

describe('SM3 (GB/T 32905-2016)', () => {
  test('the standard\'s examples: "abc" and "abcd"×16', () => {
    assert.equal(sm3(Buffer.from('abc')).toString('hex'), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    assert.equal(sm3(Buffer.from('abcd'.repeat(16))).toString('hex'), 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
  });
  test('equals `openssl dgst -sm3` around every padding boundary, and incremental hashing in odd pieces agrees', () => {
    for (const len of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 2465]) {
      const m = crypto.randomBytes(len);
      const want = openssl(['dgst', '-sm3', '-binary'], m);
      assert.deepEqual(sm3(m), want, `length ${len}`);
      const h = new Sm3();
      for (let i = 0; i < len; i += 7) h.update(m.subarray(i, i + 7));
      assert.deepEqual(Buffer.from(h.digest()), want, `incremental, length ${len}`);
    }
  });
});

// GM/T 0003.5-2012 (GB/T 32918.5) Annex C: SM2 encryption on sm2p256v1, message "encryption standard",
// serialised as GM/T 0009-2012's DER.
const ANNEX_C = {
  d: hex('3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8'),
  P: hex('04 09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020 CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13'),
  k: BigInt('0x59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21'),
  message: Buffer.from('encryption standard'),
  der: hex(
    '307C' +
      '0220 04EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73' +
      '0221 00E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0' +
      '0420 59983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766' +
      '0413 21886CA989CA9C7D58087307CA93092D651EFA',
  ),
};

describe('SM2PKE (GM/T 0003.4)', () => {
  test('GM/T 0003.5 Annex C ("encryption standard", fixed k) reproduced byte for byte as DER, and decrypted back', () => {
    assert.deepEqual(sm2PublicPoint(ANNEX_C.d), ANNEX_C.P);
    const ct = sm2EncryptTo(sm2Point(ANNEX_C.P), ANNEX_C.message, () => ANNEX_C.k);
    assert.equal(ct.toString('hex').toUpperCase(), ANNEX_C.der.toString('hex').toUpperCase());
    assert.deepEqual(sm2Decrypt(ANNEX_C.d, ANNEX_C.der), ANNEX_C.message);
    // The raw GM/T 0003.4 form C1 ‖ C3 ‖ C2 of the same ciphertext decrypts too.
    const raw = Buffer.concat([hex('04 04EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73 E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0'), ANNEX_C.der.subarray(-19 - 2 - 32, -19 - 2), ANNEX_C.der.subarray(-19)]);
    assert.deepEqual(sm2Decrypt(ANNEX_C.d, raw), ANNEX_C.message);
  });

  test('every encryption draws a fresh k from crypto.randomBytes (two wraps of the same material differ)', () => {
    const m = crypto.randomBytes(16);
    const a = sm2EncryptTo(sm2Point(ANNEX_C.P), m);
    const b = sm2EncryptTo(sm2Point(ANNEX_C.P), m);
    assert.notDeepEqual(a, b);
    assert.deepEqual(sm2Decrypt(ANNEX_C.d, a), m);
    assert.deepEqual(sm2Decrypt(ANNEX_C.d, b), m);
  });

  test('decrypt refuses, without throwing: C3 altered, C1 off the curve, C1 at infinity, truncated DER, trailing bytes, another key', () => {
    const m = crypto.randomBytes(48);
    const ct = sm2EncryptTo(sm2Point(ANNEX_C.P), m);
    const items = asn1.children(asn1.parse(ct));
    const x = BigInt('0x' + asn1.unsignedInt(items[0], 'x').toString('hex'));
    const y = BigInt('0x' + asn1.unsignedInt(items[1], 'y').toString('hex'));
    const c3 = Buffer.from(items[2].value);
    const c2 = Buffer.from(items[3].value);
    const badC3 = Buffer.from(c3);
    badC3[5] ^= 1;
    const bad: Array<[string, Buffer]> = [
      ['C3 altered', encodeSm2Ciphertext(x, y, badC3, c2)],
      ['C2 altered', encodeSm2Ciphertext(x, y, c3, Buffer.concat([c2.subarray(0, -1), Buffer.from([c2[c2.length - 1] ^ 0x80])]))],
      ['C1 not on the curve', encodeSm2Ciphertext(x, (y + BigInt(1)) % SM2_CURVE.p, c3, c2)],
      ['C1 the point at infinity (0, 0)', encodeSm2Ciphertext(BigInt(0), BigInt(0), c3, c2)],
      ['C1 coordinates ≥ p', encodeSm2Ciphertext(x + SM2_CURVE.p, y, c3, c2)],
      ['truncated DER', ct.subarray(0, ct.length - 1)],
      ['only the SEQUENCE header', ct.subarray(0, 2)],
      ['trailing bytes', Buffer.concat([ct, Buffer.from([0])])],
      ['C3 of 31 bytes', encodeSm2Ciphertext(x, y, c3.subarray(1), c2)],
      ['empty C2', encodeSm2Ciphertext(x, y, c3, Buffer.alloc(0))],
      ['three fields', asn1.seq(items[0].raw, items[1].raw, items[2].raw)],
      ['empty', Buffer.alloc(0)],
      ['random bytes', crypto.randomBytes(120)],
    ];
    for (const [what, blob] of bad) {
      assert.equal(sm2Decrypt(ANNEX_C.d, blob), undefined, what);
      assert.throws(() => unwrapKeyMaterial(blob, ANNEX_C.d, 'SM2PKE'), (e: Error & { code?: string }) => e.code === 'UNWRAP_FAILED', what);
    }
    const other = crypto.randomBytes(32);
    assert.equal(sm2Decrypt(other, ct), undefined, 'another private key');
    assert.deepEqual(sm2Decrypt(ANNEX_C.d, ct), m, 'and the untouched ciphertext still decrypts');
  });

  test('the curve is noble\'s weierstrassPoints over the published parameters: G has order n', () => {
    const G = SM2_POINTS.ProjectivePoint.BASE;
    assert.ok(G.multiplyUnsafe(SM2_CURVE.n - BigInt(1)).equals(G.negate()));
  });
});

describe('the SM2 wrapping public key in every bundle layout', () => {
  const pem = openssl(['genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:SM2']);
  const der = openssl(['pkey', '-pubout', '-outform', 'der'], pem);
  const pubPem = openssl(['pkey', '-pubout'], pem);
  const point = der.subarray(der.length - 65);

  test('DER SPKI (WrappingPublicKey.bin), PEM and base64 (PublicKey.b64) are the same SM2 key, with its point', () => {
    for (const [bytes, enc] of [[der, 'der'], [pubPem, 'pem'], [Buffer.from(der.toString('base64')), 'base64']] as const) {
      const k = parseWrappingPublicKey(bytes, 'SM2');
      assert.equal(k.kind, 'sm2');
      assert.equal(k.wrappingKeySpec, 'SM2');
      assert.equal(k.encoding, enc);
      assert.deepEqual(k.spki, der);
      assert.deepEqual(k.point, point);
    }
    // The SM2 algorithm OID itself as the SPKI algorithm (as some tools write it).
    const alt = asn1.seq(asn1.seq(asn1.oid(asn1.OID.sm2Algorithm)), asn1.bitString(point));
    assert.deepEqual(parseWrappingPublicKey(alt).point, point);
  });

  test('the wrapping key spec must agree with the key, both ways', () => {
    assert.throws(() => parseWrappingPublicKey(der, 'RSA_4096'), (e: Error & { code?: string }) => e.code === 'WRAPPING_KEY_SPEC_MISMATCH' && /is SM2, but the parameters say RSA_4096/.test(e.message));
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' });
    assert.throws(() => parseWrappingPublicKey(rsa, 'SM2'), (e: Error & { code?: string }) => e.code === 'WRAPPING_KEY_SPEC_MISMATCH' && /is RSA_2048, but the parameters say SM2/.test(e.message));
  });

  test('a point that is not on the SM2 curve is refused as a wrapping key', () => {
    const bad = Buffer.from(der);
    bad[bad.length - 1] ^= 1;
    assert.throws(() => parseWrappingPublicKey(bad), (e: Error & { code?: string; fix?: string }) => e.code === 'NOT_A_WRAPPING_KEY' && /not a point on the SM2 curve/.test(e.message) && !!e.fix);
  });

  test('wrapKeyMaterial with SM2PKE decrypts with `openssl pkeyutl -decrypt`; RSA algorithms refuse the SM2 key', () => {
    const key = parseWrappingPublicKey(der, 'SM2');
    const m = crypto.randomBytes(16);
    const keyFile = tmp.write('sm2.pem', pem);
    assert.deepEqual(openssl(['pkeyutl', '-decrypt', '-inkey', keyFile], wrapKeyMaterial(m, key, 'SM2PKE')), m);
    assert.throws(() => wrapKeyMaterial(m, key, 'RSAES_OAEP_SHA_256'), (e: Error & { code?: string }) => e.code === 'WRAPPING_KEY_NOT_RSA');
    assert.throws(() => wrapKeyMaterial(Buffer.alloc(0), key, 'SM2PKE'), (e: Error & { code?: string }) => e.code === 'EMPTY_MATERIAL');
    assert.throws(() => wrapKeyMaterial(Buffer.alloc(6144 - 114), key, 'SM2PKE'), (e: Error & { code?: string }) => e.code === 'CIPHERTEXT_TOO_LARGE' && /6144/.test(e.message));
    assert.ok(wrapKeyMaterial(Buffer.alloc(6144 - 115, 1), key, 'SM2PKE').length <= 6144);
  });
});
