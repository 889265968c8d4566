// RFC 5649 key wrap with padding over AES-ECB, checked against every Wycheproof aes_kwp case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as crypto from 'node:crypto';
import { aesKeyUnwrapPad, aesKeyWrapPad } from '../../src/core/kwp';
import { VECTORS } from '../support/openssl';

interface Case { tcId: number; key: string; msg: string; ct: string; result: 'valid' | 'invalid' | 'acceptable'; comment: string }
const data = JSON.parse(readFileSync(join(VECTORS, 'aes_kwp_test.json'), 'utf8')) as { testGroups: Array<{ tests: Case[] }> };
const cases = data.testGroups.flatMap((g) => g.tests);

test('Wycheproof aes_kwp: the file has the cases we expect', () => {
  assert.equal(cases.filter((c) => c.result === 'valid').length, 77);
  assert.equal(cases.filter((c) => c.result === 'invalid').length, 177);
});

test('Wycheproof aes_kwp: wrap reproduces every valid ct exactly, and unwrap returns msg', () => {
  for (const c of cases.filter((x) => x.result === 'valid')) {
    const key = Buffer.from(c.key, 'hex');
    const msg = Buffer.from(c.msg, 'hex');
    assert.equal(aesKeyWrapPad(key, msg).toString('hex'), c.ct, `tcId ${c.tcId} ${c.comment}`);
    assert.equal(aesKeyUnwrapPad(key, Buffer.from(c.ct, 'hex')).toString('hex'), c.msg, `tcId ${c.tcId}`);
  }
});

test('Wycheproof aes_kwp: unwrap rejects every invalid case with a clear error', () => {
  let rejected = 0;
  for (const c of cases.filter((x) => x.result === 'invalid')) {
    const key = Buffer.from(c.key, 'hex');
    assert.throws(
      () => aesKeyUnwrapPad(key, Buffer.from(c.ct, 'hex')),
      (e: Error & { code?: string }) => (e.code === 'KWP_INTEGRITY' || e.code === 'KWP_KEK_LENGTH') && /unwrap|AES key/.test(e.message),
      `tcId ${c.tcId} ${c.comment}`,
    );
    rejected++;
  }
  assert.equal(rejected, 177);
});

test('KWP output equals the runtime cipher id-aes256-wrap-pad where the runtime has it; the BoringSSL simulation hides it', () => {
  const key = crypto.randomBytes(32);
  const msg = crypto.randomBytes(45);
  if (process.env.KMS_IMPORT_SIMULATE_BORINGSSL) {
    assert.throws(() => crypto.createCipheriv('id-aes256-wrap-pad', key, Buffer.from('a65959a6', 'hex')), /Unsupported/);
    assert.ok(!crypto.getCurves().includes('secp256k1'));
  } else {
    const c = crypto.createCipheriv('id-aes256-wrap-pad', key, Buffer.from('a65959a6', 'hex'));
    const expected = Buffer.concat([c.update(msg), c.final()]);
    assert.deepEqual(aesKeyWrapPad(key, msg), expected);
  }
  // Either way our implementation round-trips.
  assert.deepEqual(aesKeyUnwrapPad(key, aesKeyWrapPad(key, msg)), msg);
});

test('KWP refuses empty input and bad KEK sizes', () => {
  assert.throws(() => aesKeyWrapPad(crypto.randomBytes(32), Buffer.alloc(0)), /nothing to wrap/);
  assert.throws(() => aesKeyWrapPad(crypto.randomBytes(20), Buffer.alloc(8, 1)), /16, 24 or 32-byte key/);
});
