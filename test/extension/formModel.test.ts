// The import form's logic: recommended choice preselected, impossible options disabled with the
// reason, findings on every change, request checks (ValidTo, ImportType), submit gating.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateMaterial } from '../../src/core/generate';
import { parseMaterial, summarizeMaterial } from '../../src/core/material';
import type { KeySpec } from '../../src/core/specs';
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
  assert.ok(codes(undefined).includes('VALID_TO_REQUIRED'));
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
