// The explorer wrap looks at the file first: only compatible, unused, unexpired bundles are usable, the
// key's own spec first; an EC bundle is never offered for an RSA key (checked with real material facts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateMaterial } from '../../src/core/generate';
import { parseMaterial } from '../../src/core/material';
import { judgeBundles, keysForMaterial, type BundleCandidate } from '../../src/extension/model/bundleChoice';
import type { KeyInfo } from '../../src/providers/types';

const now = new Date('2026-03-01T12:00:00Z');
const later = new Date(now.getTime() + 5 * 3_600_000);

test('an RSA_2048 file: the RSA bundle first, EC/symmetric (OAEP) bundles, used and expired ones not usable with the reason', () => {
  const m = parseMaterial(generateMaterial('RSA_2048'));
  const facts = { kind: m.kind, byteLength: m.byteLength, keySpec: m.keySpec, modulusBits: m.modulusBits, curve: m.curve, primes: m.primes };
  m.dispose();
  const c = (dir: string, extra: Partial<BundleCandidate>): BundleCandidate => ({ dir, provider: 'aws', wrappingKeySpec: 'RSA_4096', wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', validTo: later, ...extra });
  const judged = judgeBundles(
    [
      c('/ec', { keySpec: 'ECC_NIST_P256', wrappingAlgorithm: 'RSAES_OAEP_SHA_256' }),
      c('/sym', { keySpec: 'SYMMETRIC_DEFAULT', wrappingAlgorithm: 'RSAES_OAEP_SHA_256' }),
      c('/unknown-key', {}),
      c('/rsa', { keySpec: 'RSA_2048' }),
      c('/used', { keySpec: 'RSA_2048' }),
      c('/expired', { keySpec: 'RSA_2048', validTo: new Date(now.getTime() - 1000) }),
    ],
    facts,
    new Set(['/used']),
    now,
  );
  assert.deepEqual(judged.filter((b) => b.usable).map((b) => b.dir), ['/rsa', '/unknown-key']);
  const why = Object.fromEntries(judged.filter((b) => !b.usable).map((b) => [b.dir, b.reason]));
  assert.match(why['/ec']!, /ECC_NIST_P256/);
  assert.match(why['/sym']!, /SYMMETRIC_DEFAULT|RSA_AES/);
  assert.match(why['/used']!, /Already used/);
  assert.match(why['/expired']!, /Expired/);
});

const factsOf = (spec: Parameters<typeof generateMaterial>[0]) => {
  const m = parseMaterial(generateMaterial(spec));
  try {
    return { kind: m.kind, byteLength: m.byteLength, keySpec: m.keySpec, modulusBits: m.modulusBits, curve: m.curve, primes: m.primes };
  } finally {
    m.dispose();
  }
};
const k = (alias: string, keySpec: string, keyState = 'PendingImport', origin = 'EXTERNAL'): KeyInfo =>
  ({ keyId: `${alias}-id`, arn: `arn:aws:kms:us-east-1:111122223333:key/${alias}-id`, aliases: [`alias/${alias}`], keySpec, keyUsage: 'ENCRYPT_DECRYPT', keyState, origin }) as KeyInfo;
const keys = [
  k('z-rsa-enabled', 'RSA_2048', 'Enabled'),
  k('aes', 'SYMMETRIC_DEFAULT'),
  k('hmac', 'HMAC_256'),
  k('rsa3072', 'RSA_3072'),
  k('ec', 'ECC_NIST_P256'),
  k('rsa-deleting', 'RSA_2048', 'PendingDeletion'),
  k('rsa-kms', 'RSA_2048', 'Enabled', 'AWS_KMS'),
  k('rsa-pending', 'RSA_2048'),
];

test('"Download new parameters" for an RSA-2048 file offers only RSA_2048 EXTERNAL keys that can take parameters, pending import first', () => {
  assert.deepEqual(keysForMaterial(keys, factsOf('RSA_2048'), 'aws').map((x) => x.aliases![0]), ['alias/rsa-pending', 'alias/z-rsa-enabled']);
});

test('"Download new parameters" for 32 raw bytes offers the symmetric and HMAC_256 keys, no RSA or EC key', () => {
  assert.deepEqual(keysForMaterial(keys, factsOf('SYMMETRIC_DEFAULT'), 'aws').map((x) => x.aliases![0]).sort(), ['alias/aes', 'alias/hmac']);
  assert.deepEqual(keysForMaterial(keys, factsOf('ECC_NIST_P256'), 'aws').map((x) => x.aliases![0]), ['alias/ec']);
});
