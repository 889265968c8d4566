// Iteration counts are checked before any key derivation runs (issue 8, items 2 and 3): a hostile count in a
// PKCS#12 MAC or bag, or in PKCS#8 under any scheme (PBES2 with a cipher or PRF only the runtime knows, PBES1,
// PKCS#12 PBE), is refused at once with the count and the limit named — never hours of work.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as asn1 from '../../src/core/asn1';
import { parseMaterial } from '../../src/core/material';
import { MAX_KDF_ITERATIONS } from '../../src/core/pbes2';
import { replaceIntegers } from '../support/der';
import { openssl, tempDir } from '../support/openssl';

const tmp = tempDir();
after(() => tmp.cleanup());
const HOSTILE = 0x7fffffff; // 2^31 − 1
const SEED = 3333; // the iteration count files are made with, then patched (OpenSSL would compute a hostile one)
let keyPem: string;
let keyFile: string;
let pkcs8: Buffer;

before(() => {
  keyPem = openssl(['genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']).toString();
  keyFile = tmp.write('k.pem', keyPem);
  pkcs8 = openssl(['pkcs8', '-topk8', '-nocrypt', '-outform', 'der'], Buffer.from(keyPem));
});

function hostile(der: Buffer, expectReplaced: number): Buffer {
  const r = replaceIntegers(der, SEED, HOSTILE);
  assert.equal(r.count, expectReplaced, 'the seeded iteration counts were found');
  return r.der;
}

function assertRefused(input: Buffer, what: RegExp) {
  const t = Date.now();
  assert.throws(
    () => parseMaterial(input, { passphrase: 'pw' }),
    (e: Error & { code?: string; fix?: string }) => {
      assert.equal(e.code, 'KDF_ITERATIONS', e.message);
      assert.match(e.message, what);
      assert.match(e.message, new RegExp(`\\b${HOSTILE}\\b iterations`));
      assert.match(e.message, new RegExp(`at most ${MAX_KDF_ITERATIONS}\\b`));
      assert.match(e.fix ?? '', /-iter/);
      return true;
    },
  );
  // Not a timing claim: 2^31−1 iterations would take minutes to hours; a refusal takes no derivation at all.
  assert.ok(Date.now() - t < 5000, `refused in ${Date.now() - t} ms`);
}

const pkcs8Enc = (args: string[]) => openssl(['pkcs8', '-topk8', '-outform', 'der', '-passout', 'pass:pw', '-iter', String(SEED), ...args], Buffer.from(keyPem));
const p12 = (args: string[]) => openssl(['pkcs12', '-export', '-nocerts', '-inkey', keyFile, '-passout', 'pass:pw', ...args]);

describe('PKCS#8: every scheme has its count checked first', () => {
  test('PBES2 with camellia-256-cbc (a cipher only the runtime knows)', () => {
    const good = pkcs8Enc(['-v2', 'camellia-256-cbc']);
    assert.deepEqual(parseMaterial(good, { passphrase: 'pw' }).bytes, pkcs8, 'the unpatched file decrypts');
    assertRefused(hostile(good, 1), /encrypted private key \(PBKDF2\)/);
  });
  test('PBES2 with aes-256-cbc and hmacWithSHA512', () => {
    assertRefused(hostile(pkcs8Enc(['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA512']), 1), /PBKDF2/);
  });
  test('PBES2 with a PRF only the runtime could know (hmacWithSHA512-224 OID swapped in)', () => {
    const der = hostile(pkcs8Enc(['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA512']), 1);
    const swapped = Buffer.from(der.toString('hex').replace(asn1.oid('1.2.840.113549.2.11').toString('hex'), asn1.oid('1.2.840.113549.2.12').toString('hex')), 'hex');
    assert.notDeepEqual(swapped, der);
    assertRefused(swapped, /PBKDF2/);
  });
  test('PKCS#12 PBE OID (openssl -v1 PBE-SHA1-3DES)', () => {
    const good = pkcs8Enc(['-v1', 'PBE-SHA1-3DES']);
    assert.deepEqual(parseMaterial(good, { passphrase: 'pw' }).bytes, pkcs8);
    assertRefused(hostile(good, 1), /PBES1\/PKCS#12 PBE/);
  });
  test('PBES1 (openssl -v1 PBE-SHA1-DES, legacy provider)', () => {
    assertRefused(hostile(pkcs8Enc(['-v1', 'PBE-SHA1-DES', '-provider', 'legacy', '-provider', 'default']), 1), /PBES1/);
  });
  test('the same in PEM', () => {
    const der = hostile(pkcs8Enc(['-v2', 'camellia-256-cbc']), 1);
    assertRefused(Buffer.from(`-----BEGIN ENCRYPTED PRIVATE KEY-----\n${der.toString('base64')}\n-----END ENCRYPTED PRIVATE KEY-----\n`), /PBKDF2/);
  });
  test('a count at the limit is not refused for its count (wrong passphrase, decided after derivation)', () => {
    const der = replaceIntegers(pkcs8Enc(['-v2', 'aes-128-cbc']), SEED, 1).der;
    assert.throws(() => parseMaterial(der, { passphrase: 'other' }), (e: Error & { code?: string }) => e.code === 'WRONG_PASSPHRASE');
  });
});

describe('PKCS#12: the MAC and bag counts are read before node-forge runs', () => {
  test('MAC iteration count 2^31−1 (openssl pkcs12 -export -iter, then patched)', () => {
    // -iter sets the MAC's count and the key bag's; the MAC's INTEGER is the PFX's last element.
    const good = p12(['-iter', String(SEED)]);
    assert.deepEqual(parseMaterial(good, { passphrase: 'pw' }).bytes, pkcs8, 'the unpatched file reads');
    const pfx = asn1.children(asn1.parse(good));
    const mac = asn1.children(pfx[2]);
    const patched = asn1.seq(pfx[0].raw, pfx[1].raw, asn1.seq(mac[0].raw, mac[1].raw, asn1.integer(HOSTILE)));
    assertRefused(patched, /PKCS#12 integrity check \(MAC\)/);
  });
  test('key bag PBKDF2 count 2^31−1, MAC count 1 (-nomaciter)', () => {
    assertRefused(hostile(p12(['-iter', String(SEED), '-nomaciter']), 1), /PKCS#12 key bag \(PBKDF2\)/);
  });
  test('key bag PKCS#12 PBE (-legacy: PBE-SHA1-3DES) count 2^31−1', () => {
    assertRefused(hostile(p12(['-legacy', '-iter', String(SEED), '-nomaciter']), 1), /PKCS#12 key bag \(PBES1\/PKCS#12 PBE\)/);
  });
  test('a shrouded key bag hidden inside encrypted contents: node-forge\'s own derivation is bounded too', () => {
    // Encrypted contents (PBES2, 1 iteration) whose SafeContents hold the key bag with a hostile count: the
    // pre-scan cannot see it without decrypting, so the guard in node-forge's PBKDF2 must refuse it.
    const good = p12(['-iter', String(SEED), '-nomaciter', '-nomac']);
    const authSafe = asn1.children(asn1.children(asn1.children(asn1.parse(good))[1])[1])[0].value;
    const keyContent = asn1.children(asn1.parse(authSafe))[0];
    const safeContents = hostile(asn1.children(asn1.children(keyContent)[1])[0].value, 1);
    const salt = crypto.randomBytes(8);
    const iv = crypto.randomBytes(16);
    const key = crypto.pbkdf2Sync(Buffer.from('pw'), salt, 1, 32, 'sha256');
    const c = crypto.createCipheriv('aes-256-cbc', key, iv);
    const ciphertext = Buffer.concat([c.update(safeContents), c.final()]);
    const alg = asn1.seq(
      asn1.oid(asn1.OID.pbes2),
      asn1.seq(asn1.seq(asn1.oid(asn1.OID.pbkdf2), asn1.seq(asn1.octets(salt), asn1.integer(1), asn1.seq(asn1.oid(asn1.OID.hmacWithSHA256), asn1.nullValue()))), asn1.seq(asn1.oid(asn1.OID.aes256cbc), asn1.octets(iv))),
    );
    const encryptedData = asn1.seq(asn1.integer(0), asn1.seq(asn1.oid('1.2.840.113549.1.7.1'), alg, asn1.tlv(0x80, ciphertext)));
    const contentInfo = asn1.seq(asn1.oid('1.2.840.113549.1.7.6'), asn1.explicit(0, encryptedData));
    const pfx = asn1.seq(asn1.integer(3), asn1.seq(asn1.oid('1.2.840.113549.1.7.1'), asn1.explicit(0, asn1.octets(asn1.seq(contentInfo)))));
    assertRefused(pfx, /PKCS#12 key bag \(PBKDF2\)/);
  });
  test('a PKCS#12 with 100,000 iterations still reads (PBKDF2 now runs natively)', () => {
    assert.deepEqual(parseMaterial(p12(['-iter', '100000']), { passphrase: 'pw' }).bytes, pkcs8);
  });
});
