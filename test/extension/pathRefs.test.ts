// A webview cannot name a file for the host to read: the form's `ready` and the panels' saved state
// carry only ids, and only ids this host handed out resolve to paths (a path in the message is dropped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialFormState } from '../../src/extension/model/formModel';
import { MAX_REFS, PathRefs, restoreFormState, reviveSummaryIdentity, type StateStore } from '../../src/extension/model/pathRefs';
import { isFromForm } from '../../src/protocol/form';
import { isToSummary } from '../../src/protocol/summary';
import { summaryTerms } from '../../src/extension/model/summaryModel';

function memento(): StateStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return { data, get: <T>(k: string) => data.get(k) as T | undefined, update: async (k: string, v: unknown) => void data.set(k, structuredClone(v)) };
}

test('ready: a materialPath from the webview is dropped, whatever it names', () => {
  const refs = new PathRefs(memento(), 'material');
  const ready = { type: 'ready', requestId: 1, state: { ...initialFormState({ keyId: 'k', alias: 'a' }), materialPath: '/etc/shadow' } };
  assert.ok(isFromForm(ready), 'an older saved state still completes the handshake');
  const r = restoreFormState(ready.state, refs);
  assert.equal(r.materialPath, undefined);
  assert.equal((r.state as Record<string, unknown>).materialPath, undefined);
  assert.equal(r.state?.keyId, 'k', 'the user\'s other choices are kept');
  assert.ok(!isFromForm({ type: 'change', requestId: 2, patch: { materialId: '00000000-0000-4000-8000-000000000000' } }), 'the material id is not the webview\'s to change');
});

test('ready: an id the host never handed out resolves to nothing', async () => {
  const refs = new PathRefs(memento(), 'material');
  await refs.remember('/home/u/material/aes.bin');
  for (const id of ['/etc/shadow', '../../etc/shadow', '00000000-0000-4000-8000-000000000000', '__proto__', 'constructor', 42, undefined]) {
    const r = restoreFormState({ ...initialFormState(), materialId: id }, refs);
    assert.equal(r.materialPath, undefined, String(id));
    assert.equal(r.state?.materialId, undefined, `${String(id)} is not kept in the state`);
  }
});

test('ready and revive: an id the host handed out resolves to its path', async () => {
  const store = memento();
  const refs = new PathRefs(store, 'material');
  const id = await refs.remember('/home/u/material/aes.bin');
  assert.doesNotMatch(id, /home|aes/, 'the id says nothing about the path');
  assert.equal(await refs.remember('/home/u/material/aes.bin'), id, 'the same file keeps its id');
  // A new session (after a reload) reads the same workspace state.
  const r = restoreFormState({ ...initialFormState({ keyId: 'k' }), materialId: id }, new PathRefs(store, 'material'));
  assert.equal(r.materialPath, '/home/u/material/aes.bin');
  assert.equal(r.state?.materialId, id);
});

test('ids are kept per kind and bounded', async () => {
  const store = memento();
  let t = 0;
  const timed = new PathRefs(store, 'material', undefined, () => ++t);
  const bundles = new PathRefs(store, 'bundle');
  const first = await timed.remember('/m/0');
  assert.equal(bundles.resolve(first), undefined, 'a material id does not name a bundle');
  for (let i = 1; i <= MAX_REFS + 5; i++) await timed.remember(`/m/${i}`);
  assert.equal(Object.keys(store.data.get('kmsImport.paths.material') as object).length, MAX_REFS);
  assert.equal(timed.resolve(first), undefined, 'the oldest are forgotten');
});

test('revive: the summary ignores a bundleDir in saved state; only a known bundle id resolves', async () => {
  const bundles = new PathRefs(memento(), 'bundle');
  const id = await bundles.remember('/home/u/kms-import/k-20260301T120000Z');
  const base = { accountId: 'sandbox', region: 'us-east-1', keyId: 'k' };
  assert.deepEqual(reviveSummaryIdentity({ identity: { ...base, bundleDir: '/home/u/.ssh' } }, bundles), base);
  assert.deepEqual(reviveSummaryIdentity({ identity: { ...base, bundleId: '11111111-2222-4333-8444-555555555555' } }, bundles), base);
  assert.deepEqual(reviveSummaryIdentity({ identity: { ...base, bundleId: id, bundleDir: '/etc' } }, bundles), { ...base, bundleDir: '/home/u/kms-import/k-20260301T120000Z' });
  assert.equal(reviveSummaryIdentity({ identity: { ...base, region: '../x' } }, bundles), undefined);
  assert.equal(reviveSummaryIdentity(undefined, bundles), undefined);
  // What the host sends: the id, and the folder for display.
  assert.ok(isToSummary({ type: 'data', data: { identity: { ...base, bundleId: id }, accountLabel: 'Sandbox', provider: 'aws', terms: summaryTerms('aws'), nextStep: 'x', warnMs: 1 } }));
});
