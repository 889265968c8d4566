// The import form's logic: recommended choice preselected, impossible options disabled with the
// reason, findings on every change, request checks (ValidTo, ImportType), submit gating.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateMaterial } from '../../src/core/generate';
import { parseMaterial, summarizeMaterial } from '../../src/core/material';
import type { KeySpec } from '../../src/core/specs';
import { reimportExpiry, whyNot } from '../../src/extension/model/formGuide';
import { buildFormView, initialFormState, validToDate, type FormContext, type KeyChoice } from '../../src/extension/model/formModel';

const now = new Date('2026-03-01T12:00:00Z');

function materialCtx(spec: KeySpec, china = false): FormContext['material'] {
  const m = parseMaterial(generateMaterial(spec, { china }));
  try {
    const s = summarizeMaterial(m);
    return { summary: { fileName: 'x.bin', ...s }, facts: { kind: m.kind, byteLength: m.byteLength, keySpec: m.keySpec, modulusBits: m.modulusBits, curve: m.curve, primes: m.primes } };
  } finally {
    m.dispose();
  }
}
const pendingSym: KeyChoice = { keyId: 'k-sym', label: 'sym', keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', keyState: 'PendingImport', hasMaterial: false };
const pendingRsa: KeyChoice = { keyId: 'k-rsa', label: 'rsa', keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY', keyState: 'PendingImport', hasMaterial: false };

test('symmetric key: RSA_4096 + RSAES_OAEP_SHA_256 preselected, PKCS#1 v1.5 and SM2PKE disabled with reasons', () => {
  const v = buildFormView(initialFormState({ keyId: 'k-sym', materialId: 'm1' }), { provider: 'aws', keys: [pendingSym], material: materialCtx('SYMMETRIC_DEFAULT'), now });
  assert.equal(v.state.wrappingKeySpec, 'RSA_4096');
  assert.equal(v.state.algorithm, 'RSAES_OAEP_SHA_256');
  const alg = Object.fromEntries(v.algorithmOptions.map((o) => [o.value, o]));
  assert.equal(alg.RSAES_PKCS1_V1_5.disabled, true);
  assert.match(alg.RSAES_PKCS1_V1_5.reason!, /October 10, 2023/);
  assert.equal(alg.SM2PKE.disabled, true);
  assert.equal(alg.RSA_AES_KEY_WRAP_SHA_256.disabled, false);
  assert.equal(alg.RSAES_OAEP_SHA_256.recommended, true);
  const w = Object.fromEntries(v.wrappingKeySpecOptions.map((o) => [o.value, o]));
  assert.equal(w.SM2.disabled, true);
  assert.match(w.SM2.reason!, /China/);
  assert.equal(v.canSubmit, true, v.blocker);
  assert.ok(!v.findings.some((f) => f.severity === 'error'));
});

test('RSA key: RSA_AES_KEY_WRAP_SHA_256 preselected; OAEP disabled because the key is too large for it', () => {
  const v = buildFormView(initialFormState({ keyId: 'k-rsa', materialId: 'm1' }), { provider: 'aws', keys: [pendingRsa], material: materialCtx('RSA_2048'), now });
  assert.equal(v.state.wrappingKeySpec, 'RSA_4096');
  assert.equal(v.state.algorithm, 'RSA_AES_KEY_WRAP_SHA_256');
  const oaep = v.algorithmOptions.find((o) => o.value === 'RSAES_OAEP_SHA_256')!;
  assert.equal(oaep.disabled, true);
  assert.match(oaep.reason!, /RSA_AES_KEY_WRAP/);
  assert.equal(v.canSubmit, true, v.blocker);
});

test('a user choice that stops working falls back to the recommendation; a valid one is kept', () => {
  const ctx: FormContext = { provider: 'aws', keys: [pendingSym], material: materialCtx('SYMMETRIC_DEFAULT'), now };
  const kept = buildFormView(initialFormState({ keyId: 'k-sym', materialId: 'm1', wrappingKeySpec: 'RSA_3072', algorithm: 'RSAES_OAEP_SHA_1', wrappingChosen: true }), ctx);
  assert.equal(kept.state.wrappingKeySpec, 'RSA_3072');
  assert.equal(kept.state.algorithm, 'RSAES_OAEP_SHA_1');
  assert.ok(kept.findings.some((f) => f.code === 'SHA1_WEAK' && f.severity === 'warning'));
  assert.ok(kept.findings.some((f) => f.code === 'PREFER_RSA_4096'));
  const reset = buildFormView(initialFormState({ keyId: 'k-sym', materialId: 'm1', wrappingKeySpec: 'RSA_4096', algorithm: 'RSAES_PKCS1_V1_5', wrappingChosen: true }), ctx);
  assert.equal(reset.state.algorithm, 'RSAES_OAEP_SHA_256');
  assert.equal(reset.state.wrappingChosen, false);
});

test('material that does not fit the key is an error with the fix; submit is blocked', () => {
  const v = buildFormView(initialFormState({ keyId: 'k-rsa', materialId: 'm1' }), { provider: 'aws', keys: [pendingRsa], material: materialCtx('ECC_NIST_P256'), now });
  const f = v.findings.find((x) => x.code === 'MATERIAL_KIND_MISMATCH');
  assert.ok(f, JSON.stringify(v.findings.map((x) => x.code)));
  assert.match(f.fix, /ECC_NIST_P256/);
  assert.equal(v.canSubmit, false);
  assert.equal(v.blocker, f.message);
});

test('new key: key spec taken from the material, usages offered, SM2 disabled outside China', () => {
  const v = buildFormView(initialFormState({ mode: 'new', materialId: 'm1' }), { provider: 'aws', keys: [], material: materialCtx('ECC_NIST_P384'), now });
  assert.equal(v.state.keySpec, 'ECC_NIST_P384');
  assert.deepEqual(v.keyUsageOptions.map((o) => o.value), ['SIGN_VERIFY', 'KEY_AGREEMENT']);
  assert.equal(v.state.keyUsage, 'SIGN_VERIFY');
  const specs = Object.fromEntries(v.keySpecOptions.map((o) => [o.value, o]));
  assert.equal(specs.RSA_2048.disabled, true, 'an RSA key cannot take EC material');
  assert.equal(specs.ECC_NIST_P384.disabled, false);
  assert.equal(v.canSubmit, true, v.blocker);
});

test('China Regions: 16-byte SM4 material, RSA_AES algorithms disabled', () => {
  const v = buildFormView(initialFormState({ mode: 'new', keySpec: 'SYMMETRIC_DEFAULT', materialId: 'm1' }), { provider: 'aws-cn', keys: [], material: materialCtx('SYMMETRIC_DEFAULT', true), now });
  assert.equal(v.algorithmOptions.find((o) => o.value === 'RSA_AES_KEY_WRAP_SHA_256')!.disabled, true);
  assert.equal(v.canSubmit, true, v.blocker);
  const wrongLen = buildFormView(initialFormState({ mode: 'new', keySpec: 'SYMMETRIC_DEFAULT', materialId: 'm1' }), { provider: 'aws-cn', keys: [], material: materialCtx('SYMMETRIC_DEFAULT'), now });
  assert.ok(wrongLen.findings.some((f) => f.code === 'SYMMETRIC_LENGTH'));
});

test('request checks: material required, ValidTo required/future/≤365 days, ImportType only for symmetric keys', () => {
  const base = { provider: 'aws' as const, keys: [pendingSym, pendingRsa], now };
  const noMaterial = buildFormView(initialFormState({ keyId: 'k-sym' }), base);
  assert.ok(noMaterial.findings.some((f) => f.code === 'MATERIAL_REQUIRED'));
  assert.equal(noMaterial.canSubmit, false);
  const ctx = { ...base, material: materialCtx('SYMMETRIC_DEFAULT') };
  const codes = (validTo?: string) => buildFormView(initialFormState({ keyId: 'k-sym', materialId: 'm1', expirationModel: 'KEY_MATERIAL_EXPIRES', validTo }), ctx).findings.map((f) => f.code);
  assert.ok(codes('').includes('VALID_TO_REQUIRED'));
  assert.ok(!codes(undefined).some((c) => c.startsWith('VALID_TO')), 'expiring material gets a default ValidTo');
  assert.ok(codes('2026-02-01').includes('VALID_TO_PAST'));
  assert.ok(codes('2027-06-01').includes('VALID_TO_TOO_FAR'));
  assert.ok(!codes('2026-06-01').some((c) => c.startsWith('VALID_TO')));
  assert.equal(validToDate({ ...initialFormState(), expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: '2026-06-01' })?.toISOString(), '2026-06-01T00:00:00.000Z');
  assert.equal(validToDate({ ...initialFormState(), validTo: '2026-06-01' }), undefined, 'no ValidTo when the material does not expire');
  const sym = buildFormView(initialFormState({ keyId: 'k-sym', materialId: 'm1', importType: 'NEW_KEY_MATERIAL' }), ctx);
  assert.equal(sym.importTypeEnabled, true);
  assert.equal(sym.state.importType, 'NEW_KEY_MATERIAL');
  const rsa = buildFormView(initialFormState({ keyId: 'k-rsa', materialId: 'm1', importType: 'NEW_KEY_MATERIAL' }), { ...base, material: materialCtx('RSA_2048') });
  assert.equal(rsa.importTypeEnabled, false);
  assert.equal(rsa.state.importType, 'DEFAULT');
});

test('an unreadable material file is shown as an error finding', () => {
  const v = buildFormView(initialFormState({ keyId: 'k-sym', materialId: 'm1' }), { provider: 'aws', keys: [pendingSym], materialError: 'This is a public key, not a private key.', now });
  assert.equal(v.findings[0].code, 'MATERIAL_UNREADABLE');
  assert.equal(v.canSubmit, false);
});

const pendingRsaCn: KeyChoice = { ...pendingRsa, keyId: 'k-rsa-cn' };
/** One sentence: the form shows one reason per refused option, not a list. */
const oneSentence = (s: string | undefined) => !!s && !/\n/.test(s) && s.split(/\.\s/).length === 1;

test('China Regions: an RSA-2048 private key preselects SM2 + SM2PKE; each RSA wrapping key says why not, in one sentence', () => {
  const material = materialCtx('RSA_2048', true);
  for (const [state, keys] of [
    [initialFormState({ mode: 'new', materialId: 'm1' }), []],
    [initialFormState({ keyId: 'k-rsa-cn', materialId: 'm1' }), [pendingRsaCn]],
  ] as const) {
    const v = buildFormView(state, { provider: 'aws-cn', keys: [...keys], material, now });
    assert.equal(v.provider, 'aws-cn');
    assert.equal(v.state.wrappingKeySpec, 'SM2');
    assert.equal(v.state.algorithm, 'SM2PKE');
    assert.deepEqual(v.recommended, { wrappingKeySpec: 'SM2', algorithm: 'SM2PKE' });
    const w = Object.fromEntries(v.wrappingKeySpecOptions.map((o) => [o.value, o]));
    assert.equal(w.SM2.disabled, false);
    assert.equal(w.SM2.recommended, true);
    for (const rsa of ['RSA_4096', 'RSA_3072', 'RSA_2048'] as const) {
      assert.equal(w[rsa].disabled, true, rsa);
      assert.equal(w[rsa].reason, 'In the AWS China Regions, RSA private keys must be wrapped with SM2PKE.', rsa);
    }
    const alg = Object.fromEntries(v.algorithmOptions.map((o) => [o.value, o]));
    assert.equal(alg.SM2PKE.disabled, false);
    assert.equal(alg.SM2PKE.recommended, true);
    assert.equal(alg.RSA_AES_KEY_WRAP_SHA_256.disabled, true);
    assert.match(alg.RSA_AES_KEY_WRAP_SHA_256.reason!, /not supported in the AWS China Regions/);
    for (const o of [...v.wrappingKeySpecOptions, ...v.algorithmOptions].filter((x) => x.disabled)) assert.ok(oneSentence(o.reason), `${o.value}: ${o.reason}`);
    assert.ok(!v.findings.some((f) => f.severity === 'error'), JSON.stringify(v.findings));
    assert.equal(v.canSubmit, true, v.blocker);
  }
  // An EC private key too; a symmetric key keeps RSA_4096 with OAEP.
  const ec = buildFormView(initialFormState({ mode: 'new', materialId: 'm1' }), { provider: 'aws-cn', keys: [], material: materialCtx('ECC_NIST_P256', true), now });
  assert.deepEqual([ec.state.wrappingKeySpec, ec.state.algorithm], ['SM2', 'SM2PKE']);
  const sym = buildFormView(initialFormState({ mode: 'new', materialId: 'm1' }), { provider: 'aws-cn', keys: [], material: materialCtx('SYMMETRIC_DEFAULT', true), now });
  assert.deepEqual([sym.state.wrappingKeySpec, sym.state.algorithm], ['RSA_4096', 'RSAES_OAEP_SHA_256']);
});

test('outside China, SM2 and SM2PKE are offered but disabled, with one short reason each; a China choice falls back', () => {
  const material = materialCtx('RSA_2048');
  const v = buildFormView(initialFormState({ mode: 'new', materialId: 'm1' }), { provider: 'aws', keys: [], material, now });
  assert.deepEqual([v.state.wrappingKeySpec, v.state.algorithm], ['RSA_4096', 'RSA_AES_KEY_WRAP_SHA_256']);
  const w = v.wrappingKeySpecOptions.find((o) => o.value === 'SM2')!;
  const a = v.algorithmOptions.find((o) => o.value === 'SM2PKE')!;
  assert.equal(w.disabled, true);
  assert.equal(w.reason, 'The SM2 wrapping key spec is offered only in the AWS China Regions.');
  assert.equal(a.disabled, true);
  assert.equal(a.reason, 'SM2PKE is offered only in the AWS China Regions.');
  assert.equal(v.keySpecOptions.find((o) => o.value === 'SM2')!.disabled, true);
  for (const o of [...v.wrappingKeySpecOptions, ...v.algorithmOptions, ...v.keySpecOptions].filter((x) => x.disabled)) assert.ok(oneSentence(o.reason), `${o.value}: ${o.reason}`);
  // A form moved from a China Region (SM2PKE chosen there) to us-east-1: the choice cannot work here.
  const moved = buildFormView(initialFormState({ mode: 'new', materialId: 'm1', wrappingKeySpec: 'SM2', algorithm: 'SM2PKE', wrappingChosen: true }), { provider: 'aws', keys: [], material, now });
  assert.deepEqual([moved.state.wrappingKeySpec, moved.state.algorithm, moved.state.wrappingChosen], ['RSA_4096', 'RSA_AES_KEY_WRAP_SHA_256', false]);
  assert.equal(moved.canSubmit, true, moved.blocker);
});

// ---- the form guides (issue 10) ----

test('the material file sets key spec and usage of a new key unless they were chosen by hand', () => {
  // The first file: an HMAC_384 key. Then an RSA PEM in the same form: the spec follows the file.
  const first = buildFormView(initialFormState({ mode: 'new', materialId: 'm1' }), { provider: 'aws', keys: [], material: materialCtx('HMAC_384'), now });
  assert.equal(first.state.keySpec, 'HMAC_384');
  assert.equal(first.state.keyUsage, 'GENERATE_VERIFY_MAC');
  const second = buildFormView({ ...first.state, materialId: 'm2' }, { provider: 'aws', keys: [], material: materialCtx('RSA_2048'), now });
  assert.equal(second.state.keySpec, 'RSA_2048');
  assert.equal(second.state.keyUsage, 'ENCRYPT_DECRYPT');
  assert.match(second.state.algorithm!, /^RSA_AES_KEY_WRAP_SHA_/);
  assert.deepEqual(second.problems.filter((f) => f.severity === 'error'), []);
  assert.equal(second.canSubmit, true, second.blocker);
  // Chosen by hand: the file no longer overrides it; the mismatch is one finding on the key spec with a one-click fix.
  const byHand = buildFormView({ ...second.state, keySpec: 'SYMMETRIC_DEFAULT', keySpecChosen: true }, { provider: 'aws', keys: [], material: materialCtx('RSA_2048'), now });
  assert.equal(byHand.state.keySpec, 'SYMMETRIC_DEFAULT');
  const errors = byHand.problems.filter((f) => f.severity === 'error');
  assert.equal(errors.length, 1, JSON.stringify(errors.map((f) => f.code)));
  assert.equal(errors[0].field, 'keySpec');
  assert.deepEqual(errors[0].fixes[0], { label: 'Use RSA_2048', patch: { keySpec: 'RSA_2048' } });
  assert.equal(byHand.canSubmit, false);
});

test('HMAC material of another length: "Use HMAC_384" on the key spec; in an existing key, "Create a new HMAC_384 key instead"', () => {
  const hmac256: KeyChoice = { keyId: 'k-h', label: 'h', keySpec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC', keyState: 'PendingImport', hasMaterial: false };
  const v = buildFormView(initialFormState({ mode: 'new', keySpec: 'HMAC_256', keySpecChosen: true, materialId: 'm1' }), { provider: 'aws', keys: [], material: materialCtx('HMAC_384'), now });
  const f = v.problems.find((x) => x.code === 'HMAC_LENGTH')!;
  assert.equal(f.field, 'keySpec');
  assert.deepEqual(f.fixes[0].patch, { keySpec: 'HMAC_384' });
  assert.equal(f.fixes[0].label, 'Use HMAC_384');
  const e = buildFormView(initialFormState({ keyId: 'k-h', materialId: 'm1' }), { provider: 'aws', keys: [hmac256], material: materialCtx('HMAC_384'), now });
  const g = e.problems.find((x) => x.code === 'HMAC_LENGTH')!;
  assert.equal(g.field, 'material');
  assert.deepEqual(g.fixes.map((x) => x.label), ['Create a new HMAC_384 key instead', 'Choose another file…']);
});

test('the key spec is the problem: shown once, and not repeated by every wrapping option', () => {
  const v = buildFormView(initialFormState({ keyId: 'k-rsa', materialId: 'm1' }), { provider: 'aws', keys: [pendingRsa], material: materialCtx('ECC_NIST_P256'), now });
  assert.deepEqual(v.problems.filter((f) => f.severity === 'error').map((f) => f.code), ['MATERIAL_KIND_MISMATCH']);
  assert.ok(!v.problems.some((f) => f.field === 'algorithm' || f.field === 'wrappingKeySpec'));
  assert.equal(new Set(v.problems.map((f) => f.message)).size, v.problems.length, 'no message twice');
});

test('a blank form shows no error: a neutral checklist of what is still needed', () => {
  const v = buildFormView(initialFormState({ mode: 'new' }), { provider: 'aws', keys: [], now });
  assert.deepEqual(v.problems.filter((f) => f.severity === 'error'), []);
  assert.deepEqual(v.todo.map((t) => t.code).sort(), ['KEY_SPEC_REQUIRED', 'MATERIAL_REQUIRED']);
  assert.equal(v.canSubmit, false);
  const ex = buildFormView(initialFormState({ mode: 'existing' }), { provider: 'aws', keys: [pendingSym], now });
  assert.deepEqual(ex.todo.map((t) => t.code).sort(), ['KEY_REQUIRED', 'MATERIAL_REQUIRED']);
  assert.deepEqual(ex.problems.filter((f) => f.severity === 'error'), []);
});

test('reasons on demand: grouped, a few lines for a valid choice', () => {
  const v = buildFormView(initialFormState({ mode: 'new', materialId: 'm1' }), { provider: 'aws', keys: [], material: materialCtx('RSA_2048'), now });
  const lines = [...v.whyNot.keySpec, ...v.whyNot.wrappingKeySpec, ...v.whyNot.algorithm];
  assert.ok(lines.length <= 12, lines.join('\n'));
  assert.ok(v.whyNot.keySpec.length <= 4);
  // 8 disabled options with 2 distinct reasons → 2 lines.
  const opts = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map((x, i) => ({ value: x, label: x, disabled: true, reason: i % 2 ? 'odd' : 'even' }));
  assert.deepEqual(whyNot(opts), ['A, C, E, G: even', 'B, D, F, H: odd']);
  const many = Array.from({ length: 9 }, (_, i) => ({ value: `O${i}`, label: '', disabled: true, reason: `r${i}` }));
  assert.equal(whyNot(many).length, 4);
  assert.match(whyNot(many)[3], /6 more reasons/);
});

test('ValidTo: bounded (tomorrow … 365 days) with a 90-day default; a date out of range offers the default', () => {
  const ctx: FormContext = { provider: 'aws', keys: [pendingSym], material: materialCtx('SYMMETRIC_DEFAULT'), now };
  const v = buildFormView(initialFormState({ keyId: 'k-sym', materialId: 'm1', expirationModel: 'KEY_MATERIAL_EXPIRES' }), ctx);
  assert.deepEqual(v.validToBounds, { min: '2026-03-02', max: '2027-02-28', suggested: '2026-05-30' });
  assert.equal(v.state.validTo, '2026-05-30');
  assert.equal(v.canSubmit, true, v.blocker);
  const far = buildFormView(initialFormState({ keyId: 'k-sym', materialId: 'm1', expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: '2028-01-01' }), ctx);
  const f = far.problems.find((x) => x.code === 'VALID_TO_TOO_FAR')!;
  assert.equal(f.field, 'validTo');
  assert.deepEqual(f.fixes[0].patch, { validTo: '2026-05-30' });
  // The max bound itself is accepted by the request check.
  const atMax = buildFormView(initialFormState({ keyId: 'k-sym', materialId: 'm1', expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: v.validToBounds.max }), ctx);
  assert.ok(!atMax.findings.some((x) => x.code.startsWith('VALID_TO')));
});

test('re-import keeps the expiration model and ValidTo of the key', () => {
  assert.deepEqual(reimportExpiry({ expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: new Date('2026-04-15T00:00:00Z') }, now), { expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: '2026-04-15' });
  assert.deepEqual(reimportExpiry({ expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: new Date('2026-02-01T00:00:00Z') }, now), { expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: '2026-05-30' }, 'a past ValidTo gets the default');
  assert.deepEqual(reimportExpiry({ expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }, now), { expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
  assert.equal(reimportExpiry({}, now), undefined);
  const v = buildFormView(initialFormState({ keyId: 'k-sym', materialId: 'm1', ...reimportExpiry({ expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: new Date('2026-04-15T00:00:00Z') }, now) }), { provider: 'aws', keys: [pendingSym], material: materialCtx('SYMMETRIC_DEFAULT'), now });
  assert.equal(v.state.expirationModel, 'KEY_MATERIAL_EXPIRES');
  assert.equal(v.state.validTo, '2026-04-15');
});
