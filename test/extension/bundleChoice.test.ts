// The explorer wrap looks at the file first: only compatible, unused, unexpired bundles are usable, the
// key's own spec first; an EC bundle is never offered for an RSA key (checked with real material facts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateMaterial } from '../../src/core/generate';
import { parseMaterial } from '../../src/core/material';
import { judgeBundles, type BundleCandidate } from '../../src/extension/model/bundleChoice';

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
