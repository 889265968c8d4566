// Wycheproof vectors through the sandbox's own code paths: its unwrap (RSAES-OAEP SHA-1/SHA-256 at
// 2048/3072/4096, three-prime keys, PKCS#1 v1.5), its MAC (HMAC-SHA-224/256/384/512, also over HTTP)
// and its ECDSA verification.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GenerateMacCommand, VerifyMacCommand } from '@aws-sdk/client-kms';
import { KmsError } from '../../src/sandbox/errors';
import { ecdsaVerify, hashInfo, hmac, macEquals, sandboxUnwrap } from '../../src/sandbox/keycrypto';
import type { WrappingAlgorithm } from '../../src/core/specs';
import { startTestSandbox, type TestSandbox } from '../support/sandbox';
import { createExternalKey, importInto, rejection } from '../support/sandboxImport';

const DIR = path.join(__dirname, '../../../shared/vectors/wycheproof');
interface Vector {
  tcId: number;
  comment: string;
  flags: string[];
  msg: string;
  ct?: string;
  label?: string;
  key?: string;
  tag?: string;
  sig?: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface Group {
  tests: Vector[];
  privateKeyPkcs8?: string;
  sha?: string;
  mgfSha?: string;
  keySize?: number;
  tagSize?: number;
  publicKey?: { uncompressed: string; curve: string };
}
const load = (name: string): Group[] => (JSON.parse(fs.readFileSync(path.join(DIR, name), 'utf8')) as { testGroups: Group[] }).testGroups;

function unwrapOutcome(ct: Buffer, pkcs8: Buffer, alg: WrappingAlgorithm): Buffer | 'InvalidCiphertextException' {
  try {
    return sandboxUnwrap(ct, pkcs8, alg);
  } catch (e) {
    assert.ok(e instanceof KmsError, `unexpected ${String(e)}`);
    return e.type as 'InvalidCiphertextException';
  }
}

describe('Wycheproof RSAES-OAEP through the sandbox unwrap', () => {
  const files: Array<[string, WrappingAlgorithm]> = [
    ['rsa_oaep_2048_sha1_mgf1sha1_test.json', 'RSAES_OAEP_SHA_1'],
    ['rsa_oaep_2048_sha256_mgf1sha256_test.json', 'RSAES_OAEP_SHA_256'],
    ['rsa_oaep_3072_sha256_mgf1sha256_test.json', 'RSAES_OAEP_SHA_256'],
    ['rsa_oaep_4096_sha256_mgf1sha256_test.json', 'RSAES_OAEP_SHA_256'],
    ['rsa_three_primes_oaep_2048_sha1_mgf1sha1_test.json', 'RSAES_OAEP_SHA_1'],
    ['rsa_three_primes_oaep_4096_sha256_mgf1sha256_test.json', 'RSAES_OAEP_SHA_256'],
  ];
  for (const [file, alg] of files) {
    test(file, () => {
      let valid = 0;
      let invalid = 0;
      let labelled = 0;
      for (const g of load(file)) {
        assert.equal(g.sha?.replace('-', '').toLowerCase(), alg.endsWith('256') ? 'sha256' : 'sha1');
        assert.equal(g.mgfSha, g.sha);
        const pkcs8 = Buffer.from(g.privateKeyPkcs8!, 'hex');
        for (const v of g.tests) {
          const out = unwrapOutcome(Buffer.from(v.ct!, 'hex'), pkcs8, alg);
          const where = `tcId ${v.tcId} (${v.comment})`;
          if (v.result === 'valid' && !v.label) {
            assert.ok(Buffer.isBuffer(out), `${where}: should unwrap`);
            assert.equal((out as Buffer).toString('hex'), v.msg, where);
            valid++;
          } else if (v.result === 'valid') {
            // KMS wraps with an empty OAEP label: material encrypted under another label must not unwrap.
            assert.equal(out, 'InvalidCiphertextException', `${where}: a non-empty label is refused`);
            labelled++;
          } else {
            assert.equal(out, 'InvalidCiphertextException', `${where}: should be refused`);
            invalid++;
          }
        }
      }
      assert.ok(valid > 0 && invalid > 0, `valid ${valid}, invalid ${invalid}, labelled ${labelled}`);
    });
  }
});

describe('Wycheproof RSAES-PKCS1-v1_5 through the sandbox unwrap', () => {
  test('rsa_pkcs1_2048_test.json', () => {
    let valid = 0;
    let invalid = 0;
    for (const g of load('rsa_pkcs1_2048_test.json')) {
      const pkcs8 = Buffer.from(g.privateKeyPkcs8!, 'hex');
      for (const v of g.tests) {
        const out = unwrapOutcome(Buffer.from(v.ct!, 'hex'), pkcs8, 'RSAES_PKCS1_V1_5');
        if (v.result === 'valid') {
          assert.ok(Buffer.isBuffer(out), `tcId ${v.tcId} should unwrap`);
          assert.equal((out as Buffer).toString('hex'), v.msg, `tcId ${v.tcId}`);
          valid++;
        } else {
          assert.equal(out, 'InvalidCiphertextException', `tcId ${v.tcId} (${v.comment})`);
          invalid++;
        }
      }
    }
    assert.ok(valid > 0 && invalid > 0);
  });
});

describe('Wycheproof HMAC through the sandbox MAC', () => {
  for (const bits of [224, 256, 384, 512]) {
    test(`hmac_sha${bits}_test.json`, () => {
      let checked = 0;
      for (const g of load(`hmac_sha${bits}_test.json`)) {
        for (const v of g.tests) {
          const mac = hmac(`HMAC_SHA_${bits}`, Buffer.from(v.key!, 'hex'), Buffer.from(v.msg, 'hex'));
          const tag = Buffer.from(v.tag!, 'hex');
          const matches = mac.subarray(0, tag.length).equals(tag);
          assert.equal(matches, v.result === 'valid', `tcId ${v.tcId} (${v.comment})`);
          // KMS verifies full-length MACs only: a truncated tag never verifies.
          assert.equal(macEquals(mac, tag), v.result === 'valid' && tag.length === mac.length, `tcId ${v.tcId} VerifyMac`);
          checked++;
        }
      }
      assert.ok(checked > 100);
    });
  }

  let t: TestSandbox;
  before(async () => {
    t = await startTestSandbox();
  });
  after(async () => {
    await t.close();
  });
  test('hmac_sha256 vectors with 256-bit keys and full tags, over HTTP (GenerateMac / VerifyMac on imported keys)', async () => {
    const group = load('hmac_sha256_test.json').find((g) => g.keySize === 256 && g.tagSize === 256)!;
    const sample = [...group.tests.filter((v) => v.result === 'valid').slice(0, 4), ...group.tests.filter((v) => v.result === 'invalid').slice(0, 4)];
    for (const v of sample) {
      const keyId = await createExternalKey(t.kms, 'HMAC_256');
      await importInto(t.kms, keyId, Buffer.from(v.key!, 'hex'));
      const msg = Buffer.from(v.msg, 'hex');
      if (msg.length) {
        const mac = await t.kms.send(new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message: msg }));
        assert.equal(Buffer.from(mac.Mac!).equals(Buffer.from(v.tag!, 'hex')), v.result === 'valid', `tcId ${v.tcId}`);
        const verify = t.kms.send(new VerifyMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message: msg, Mac: Buffer.from(v.tag!, 'hex') }));
        if (v.result === 'valid') assert.equal((await verify).MacValid, true);
        else assert.equal((await rejection(verify)).name, 'KMSInvalidMacException');
      } else {
        // KMS messages are 1–4096 bytes: an empty message is a ValidationException.
        const e = await rejection(t.kms.send(new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message: msg })));
        assert.equal(e.name, 'ValidationException');
      }
    }
  });
});

describe('Wycheproof ECDSA through the sandbox verify', () => {
  test('ecdsa_secp256r1_sha256_test.json', () => {
    let valid = 0;
    let invalid = 0;
    for (const g of load('ecdsa_secp256r1_sha256_test.json')) {
      const point = Buffer.from(g.publicKey!.uncompressed, 'hex');
      for (const v of g.tests) {
        const ok = ecdsaVerify('ECC_NIST_P256', point, hashInfo('ECDSA_SHA_256'), Buffer.from(v.msg, 'hex'), 'RAW', Buffer.from(v.sig!, 'hex'));
        assert.equal(ok, v.result === 'valid', `tcId ${v.tcId} (${v.comment}) ${v.flags.join(',')}`);
        if (ok) valid++;
        else invalid++;
      }
    }
    assert.ok(valid > 0 && invalid > 0);
  });
});
