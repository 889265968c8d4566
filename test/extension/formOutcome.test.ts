// The import form shown again after it was hidden (VS Code tears a hidden webview down) shows what it showed:
// the host replays the last run's progress and result or error; a new run or a new import forgets them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FormOutcome } from '../../src/extension/model/formOutcome';
import type { ToForm } from '../../src/protocol/form';

const result: Extract<ToForm, { type: 'result' }> = { type: 'result', result: { ok: true, keyId: 'k-1', keyArn: 'k-1', proof: { method: 'round-trip', holds: true, detail: 'encrypt-data / decrypt-data round trip' } } };

test('a finished run is replayed after the view: the last status of each step, then the result', () => {
  const o = new FormOutcome();
  o.record({ type: 'progress', step: 'create-key', status: 'running' });
  o.record({ type: 'progress', step: 'create-key', status: 'done', detail: 'AES_256' });
  o.record({ type: 'progress', step: 'import', status: 'done' });
  o.record(result);
  const { before, after } = o.replay([], false);
  assert.deepEqual(before, []);
  assert.deepEqual(after, [
    { type: 'progress', step: 'create-key', status: 'done', detail: 'AES_256' },
    { type: 'progress', step: 'import', status: 'done' },
    result,
  ]);
});

test('messages queued while hidden are not posted twice; a run still going is announced before its steps', () => {
  const o = new FormOutcome();
  const view = { type: 'view' } as unknown as ToForm;
  const reply: ToForm = { type: 'reply', requestId: 3, ok: true };
  const p = o.record({ type: 'progress', step: 'wrap', status: 'running' });
  const { before, after } = o.replay([view, p, { type: 'running', running: false }, reply], true);
  assert.deepEqual(before, [view, reply]);
  assert.deepEqual(after, [{ type: 'running', running: true }, p]);
});

test('a new run or a new import forgets the last one; an error is replayed like a result', () => {
  const o = new FormOutcome();
  o.record(result);
  o.clear();
  assert.deepEqual(o.replay([], false).after, []);
  const error: ToForm = { type: 'error', error: { title: 'Cancelled', cause: 'The import was cancelled.', action: 'Submit again.', nextStep: 'none' } };
  o.record(error as Extract<ToForm, { type: 'error' }>);
  assert.deepEqual(o.replay([], false).after, [error]);
});
