// The leak scanner the e2e tests run over the logs and the webview traffic: it must find a secret in every form
// a leak could take, and nothing in text that does not hold it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { findLeaks, type Secret } from './support/fixtures';

const material: Secret = { name: 'material', bytes: randomBytes(32), partial: true };
const token: Secret = { name: 'token', bytes: randomBytes(300), partial: false };

test('finds material as hex (either case), base64, base64url and as a JSON byte array', () => {
  const b = material.bytes;
  for (const leak of [b.toString('hex'), b.toString('hex').toUpperCase(), b.toString('base64'), b.toString('base64url'), JSON.stringify(Array.from(b))]) {
    assert.equal(findLeaks(`log line ${leak} end`, [material]).length > 0, true, `missed ${leak.slice(0, 20)}`);
  }
});

test('finds a 16-byte piece of material, and a whole token, but not a token prefix', () => {
  assert.ok(findLeaks(material.bytes.subarray(16).toString('hex'), [material]).length);
  assert.ok(findLeaks(token.bytes.toString('base64'), [token]).length);
  // Logs may show a short fingerprint of a token: not a leak.
  assert.deepEqual(findLeaks(`token ${token.bytes.subarray(0, 8).toString('hex')}…`, [token]), []);
});

test('clean text has no findings', () => {
  assert.deepEqual(findLeaks(`Imported ${randomBytes(32).toString('hex')} ${randomBytes(64).toString('base64')}`, [material, token]), []);
});
