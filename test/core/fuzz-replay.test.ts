// Replays every input the fuzzer kept (test/fixtures/fuzz-found/): each must now end in a clean refusal
// (KmsImportError with a message and a fix) or a correct answer. Deterministic: no randomness, one test per file.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { foundCases, runCase } from '../support/fuzz';

describe('inputs the fuzzer found', () => {
  const cases = foundCases();
  test('the corpus folder is read', () => assert.ok(Array.isArray(cases)));
  for (const { file, c } of cases) {
    test(`${file} (${c.target})`, { timeout: 30_000 }, () => {
      const v = runCase(c);
      assert.ok(v.ok, v.ok ? '' : v.why);
    });
  }
});
