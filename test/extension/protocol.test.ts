// The two webview protocols: runtime guards on both ends refuse malformed messages, and nothing the
// host sends to the form carries key material (checked with real material: its bytes, hex and base64
// never appear in the serialized view).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateMaterial } from '../../src/core/generate';
import { parseMaterial, summarizeMaterial } from '../../src/core/material';
import type { KeySpec } from '../../src/core/specs';
import { buildFormView, initialFormState } from '../../src/extension/model/formModel';
import { isFormPatch, isFormState, isFormTerms, isFromForm, isToForm } from '../../src/protocol/form';
import { isFromSummary, isSummaryRef, isSummaryTerms, isToSummary } from '../../src/protocol/summary';
import { summaryTerms } from '../../src/extension/model/summaryModel';

test('form: host accepts well-formed messages and refuses the rest', () => {
  assert.ok(isFromForm({ type: 'ready', requestId: 1 }));
  assert.ok(isFromForm({ type: 'change', requestId: 2, patch: { algorithm: 'RSAES_OAEP_SHA_256', validTo: '2026-06-01' } }));
  assert.ok(isFromForm({ type: 'submit', requestId: 3 }));
  assert.ok(!isFromForm({ type: 'submit' }), 'request id required');
  assert.ok(!isFromForm({ type: 'nope', requestId: 1 }));
  assert.ok(!isFromForm({ type: 'change', requestId: 1, patch: { materialPath: '/etc/shadow' } }), 'the webview cannot set the material path');
  assert.ok(!isFromForm({ type: 'change', requestId: 1, patch: { algorithm: 42 } }));
  assert.ok(!isFromForm({ type: 'change', requestId: 1, patch: { validTo: '1 June' } }));
  assert.ok(!isFromForm({ type: 'change', requestId: 1, patch: { expirationModel: 'SOMETIMES' } }));
  assert.ok(!isFromForm(null));
  assert.ok(!isFromForm('submit'));
  assert.ok(!isFormPatch({ plaintext: 'AAAA' }));
  assert.ok(isFormState(initialFormState({ keyId: 'k', materialId: 'm1' })));
  assert.ok(!isFormState({ ...initialFormState(), __v: 2 }), 'a state of another version is not restored');
  assert.ok(isFromForm({ type: 'ready', requestId: 1, state: initialFormState() }));
  assert.ok(!isFromForm({ type: 'ready', requestId: 1, state: { __v: 1, mode: 'sideways' } }));
});

test('form: webview accepts well-formed messages and refuses the rest', () => {
  const view = buildFormView(initialFormState(), { provider: 'aws', keys: [] });
  assert.ok(isToForm({ type: 'view', view: JSON.parse(JSON.stringify(view)) }));
  assert.ok(isToForm({ type: 'progress', step: 'wrap', status: 'running' }));
  assert.ok(!isToForm({ type: 'progress', step: 'steal', status: 'running' }));
  assert.ok(isToForm({ type: 'result', result: { ok: true, keyId: 'k', keyArn: 'arn', proof: { method: 'round-trip', holds: true, detail: '' } } }));
  assert.ok(isToForm({ type: 'error', error: { title: 't', cause: 'c', action: 'a', nextStep: 'download-parameters' } }));
  assert.ok(!isToForm({ type: 'error', error: { title: 't' } }));
  assert.ok(isToForm({ type: 'reply', requestId: 3, ok: false, error: 'x' }));
  assert.ok(!isToForm({ type: 'view' }));
});

test('summary: identity, actions and data are checked on both ends', () => {
  assert.ok(isSummaryRef({ accountId: 'sandbox', region: 'us-east-1', keyId: 'k' }));
  assert.ok(!isSummaryRef({ accountId: 'sandbox', region: 'US EAST', keyId: 'k' }));
  assert.ok(!isSummaryRef({ accountId: 'sandbox', region: 'us-east-1', keyId: '' }));
  assert.ok(isFromSummary({ type: 'action', action: 'downloadParameters', requestId: 1 }));
  assert.ok(!isFromSummary({ type: 'action', action: 'rm -rf', requestId: 1 }));
  assert.ok(!isFromSummary({ type: 'ready' }));
  const data = { identity: { accountId: 'a', region: 'us-east-1', keyId: 'k' }, accountLabel: 'a', provider: 'aws', terms: summaryTerms('aws'), nextStep: 'x', warnMs: 1 };
  assert.ok(isToSummary({ type: 'data', data }));
  assert.ok(!isToSummary({ type: 'data', data: { identity: {} } }));
  // The provider's words travel with the data, checked like the rest.
  assert.ok(!isToSummary({ type: 'data', data: { ...data, terms: undefined } }), 'terms are required');
  assert.ok(!isToSummary({ type: 'data', data: { ...data, terms: { ...summaryTerms('huawei'), showArn: 'no' } } }));
  assert.ok(isToSummary({ type: 'data', data: { ...data, provider: 'huawei', terms: summaryTerms('huawei') } }));
  assert.ok(!isSummaryTerms({ providerLabel: 'x' }));
  // A Huawei proof in its parts: each part's id, label, detail and (optional) outcome are checked.
  const proof = { method: 'public-key', holds: true, detail: 'd', importedAt: 'now', checks: [{ id: 'public-key', label: 'l', holds: true, detail: 'd' }, { id: 'signature', label: 'l', detail: 'd' }] };
  assert.ok(isToSummary({ type: 'data', data: { ...data, proof } }));
  assert.ok(!isToSummary({ type: 'data', data: { ...data, proof: { ...proof, checks: [{ id: 'exfiltrate', label: 'l', detail: 'd' }] } } }));
  assert.ok(!isToSummary({ type: 'data', data: { ...data, proof: { ...proof, checks: [{ id: 'signature', label: 'l', holds: 'yes', detail: 'd' }] } } }));
  assert.ok(!isToSummary({ type: 'data', data: { ...data, proof: { ...proof, holds: 'yes' } } }));
});

test('form: the provider terms are part of a view, and checked', () => {
  const view = JSON.parse(JSON.stringify(buildFormView(initialFormState(), { provider: 'huawei', keys: [] })));
  assert.ok(isToForm({ type: 'view', view }));
  assert.ok(isFormTerms(view.terms));
  assert.ok(!isToForm({ type: 'view', view: { ...view, terms: undefined } }), 'a view without terms');
  assert.ok(!isToForm({ type: 'view', view: { ...view, terms: { ...view.terms, importType: 'no' } } }));
  assert.ok(!isToForm({ type: 'view', view: { ...view, terms: { ...view.terms, keyIdName: 42 } } }));
  assert.ok(!isToForm({ type: 'view', view: { ...view, terms: { ...view.terms, wrappingKeySpecNote: {} } } }));
});

const CASES: Array<['aws' | 'huawei', KeySpec]> = [
  ['aws', 'SYMMETRIC_DEFAULT'], ['aws', 'HMAC_256'], ['aws', 'RSA_2048'], ['aws', 'ECC_NIST_P256'],
  ['huawei', 'SYMMETRIC_DEFAULT'], ['huawei', 'RSA_2048'], ['huawei', 'ECC_NIST_P384'],
];
for (const [provider, spec] of CASES) {
  test(`no material reaches the form: ${spec} (${provider})`, () => {
    const m = parseMaterial(generateMaterial(spec));
    const secret = Buffer.from(m.bytes);
    try {
      const s = summarizeMaterial(m);
      const view = buildFormView(initialFormState({ mode: 'new', materialId: 'm1' }), {
        provider,
        keys: [],
        material: { summary: { fileName: 'key.bin', ...s }, facts: { kind: m.kind, byteLength: m.byteLength, keySpec: m.keySpec, modulusBits: m.modulusBits, curve: m.curve, primes: m.primes } },
      });
      const wire = JSON.stringify({ type: 'view', view });
      const needles = [secret.toString('hex'), secret.toString('base64'), secret.toString('base64url')];
      // any 16-byte window of the secret, in hex, would show a partial leak
      for (let i = 0; i + 16 <= secret.length; i += 16) needles.push(secret.subarray(i, i + 16).toString('hex'));
      for (const n of needles) assert.ok(!wire.includes(n), 'the view carries material bytes');
      assert.ok(!/"(bytes|plaintext|material|privateKey|keyMaterial)"\s*:\s*"/.test(wire), 'no field that could hold material');
      assert.deepEqual(Object.keys(view.material!).sort(), ['byteLength', 'curve', 'description', 'fileName', 'format', 'keySpec', 'kind', 'modulusBits', 'publicKeyFingerprint'].filter((k) => k in view.material!).sort());
    } finally {
      secret.fill(0);
      m.dispose();
    }
  });
}

test('the protocol files declare no field that could carry material or a token', () => {
  const root = join(__dirname, '..', '..');
  for (const f of ['src/protocol/form.ts', 'src/protocol/summary.ts', 'src/protocol/terms.ts', 'src/extension/model/formModel.ts', 'src/extension/model/formTerms.ts']) {
    const text = readFileSync(join(root, f), 'utf8').replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
    assert.doesNotMatch(text, /\b(bytes|plaintext|importToken|privateKey|encryptedKeyMaterial|secret)\??\s*:/i, f);
    assert.doesNotMatch(text, /\bBuffer\b|Uint8Array/, `${f} has a binary field`);
  }
});

test('form protocol: a new import, a reset, and the hand-chosen flags are accepted; malformed flags are not', () => {
  assert.equal(isFromForm({ type: 'newImport', requestId: 1 }), true);
  assert.equal(isToForm({ type: 'reset' }), true);
  assert.equal(isFormState({ __v: 1, mode: 'new', expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', importType: 'DEFAULT', keySpecChosen: true, keyUsageChosen: false }), true);
  assert.equal(isFormState({ __v: 1, mode: 'new', expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', importType: 'DEFAULT', keySpecChosen: 'yes' }), false);
});
