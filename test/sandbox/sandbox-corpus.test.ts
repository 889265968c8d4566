// Replays every input the fuzzer (sandbox-fuzz.test.ts) ever kept, in a fixed order: each must now end in
// a 200 or a 4xx with an AWS error shape, never a 5xx, a dropped connection or a hang.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSandbox, type TestSandbox } from '../support/sandbox';
import { readCorpus, sendAndJudge } from '../support/sandboxFuzz';

let t: TestSandbox;
before(async () => {
  t = await startTestSandbox({ wrappingKeyPool: 0 });
});
after(async () => {
  await t.close();
});

describe('the sandbox JSON corpus', () => {
  const corpus = readCorpus();
  test('the corpus is there', () => assert.ok(corpus.length > 0, 'test/sandbox/corpus/sandbox-json/ holds the inputs found so far'));
  for (const input of corpus) {
    test(`${input.file}: a clean answer`, { timeout: 10_000 }, async () => {
      const v = await sendAndJudge(t.sandbox, input);
      assert.ok(v.ok, v.detail);
      assert.ok(v.status === 200 || (v.status! >= 400 && v.status! < 500));
    });
  }
});
