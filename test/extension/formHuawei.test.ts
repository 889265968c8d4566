// The import form for a Huawei Cloud KMS account: only Huawei's key specs (by Huawei's names), usages,
// its one RSA_2048 wrapping key and its algorithms (the two-part form of a private key named as Huawei
// describes it), the rules' findings once each on their field, no AWS-only control or AWS wording; and
// the same form for AWS still offers everything it did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateMaterial } from '../../src/core/generate';
import { parseMaterial, summarizeMaterial } from '../../src/core/material';
import type { KeySpec } from '../../src/core/specs';
import { buildFormView, initialFormState, type FormContext, type FormView, type KeyChoice } from '../../src/extension/model/formModel';
import { aliasFor, inProviderWords } from '../../src/extension/model/formTerms';
import type { FormState } from '../../src/protocol/form';

const now = new Date('2026-03-01T12:00:00Z');

function materialCtx(spec: KeySpec): FormContext['material'] {
  const m = parseMaterial(generateMaterial(spec));
  try {
    const s = summarizeMaterial(m);
    return { summary: { fileName: 'x.bin', ...s }, facts: { kind: m.kind, byteLength: m.byteLength, keySpec: m.keySpec, modulusBits: m.modulusBits, curve: m.curve, primes: m.primes } };
  } finally {
    m.dispose();
  }
}
function rawCtx(bytes: number): FormContext['material'] {
  const m = parseMaterial(Buffer.alloc(bytes, 7));
  try {
    return { summary: { fileName: 'raw.bin', ...summarizeMaterial(m) }, facts: { kind: m.kind, byteLength: m.byteLength, keySpec: m.keySpec } };
  } finally {
    m.dispose();
  }
}
function sm2Ctx(): FormContext['material'] {
  const m = parseMaterial(generateMaterial('SM2', { china: true }));
  try {
    return { summary: { fileName: 'sm2.pem', ...summarizeMaterial(m) }, facts: { kind: m.kind, byteLength: m.byteLength, keySpec: m.keySpec, curve: m.curve } };
  } finally {
    m.dispose();
  }
}
const huawei = (state: Partial<FormState>, material?: FormContext['material'], keys: KeyChoice[] = []): FormView =>
  buildFormView(initialFormState({ materialId: material ? 'm1' : undefined, ...state }), { provider: 'huawei', keys, material, now });
const opt = <T extends { value: string }>(list: T[]) => Object.fromEntries(list.map((o) => [o.value, o]));

/** Every string a person reads in the form (labels, reasons, findings, fixes, checklist, terms). */
function humanText(v: FormView): string[] {
  const t = v.terms;
  return [
    t.providerLabel, t.keyIdName, t.expiryName, t.neverExpires, t.expiresOn, t.noKeys, t.aliasPlaceholder, t.wrappingKeySpecNote ?? '',
    ...[...v.keySpecOptions, ...v.keyUsageOptions, ...v.wrappingKeySpecOptions, ...v.algorithmOptions].flatMap((o) => [o.label, o.reason ?? '']),
    ...v.problems.flatMap((f) => [f.message, f.fix, ...f.fixes.map((x) => x.label)]),
    ...v.todo.map((x) => x.text),
    ...v.whyNot.keySpec, ...v.whyNot.wrappingKeySpec, ...v.whyNot.algorithm,
    v.blocker ?? '',
  ];
}

test('Huawei, symmetric: AES_256 with RSA_2048 + RSAES_OAEP_SHA_256 recommended; only Huawei choices offered', () => {
  const v = huawei({ mode: 'new' }, materialCtx('SYMMETRIC_DEFAULT'));
  assert.equal(v.provider, 'huawei');
  assert.equal(v.state.keySpec, 'SYMMETRIC_DEFAULT');
  assert.deepEqual(v.keySpecOptions.map((o) => o.label), ['AES_256', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_P256', 'EC_P384']);
  assert.deepEqual(v.keyUsageOptions.map((o) => o.value), ['ENCRYPT_DECRYPT']);
  assert.deepEqual(v.wrappingKeySpecOptions.map((o) => [o.value, o.disabled, !!o.recommended]), [['RSA_2048', false, false]], 'the one wrapping key, not marked "recommended"');
  assert.equal(v.state.wrappingKeySpec, 'RSA_2048');
  assert.equal(v.state.algorithm, 'RSAES_OAEP_SHA_256');
  const alg = opt(v.algorithmOptions);
  assert.deepEqual(Object.keys(alg), ['RSAES_OAEP_SHA_256', 'RSAES_PKCS1_V1_5', 'RSAES_OAEP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256']);
  assert.equal(alg.RSAES_OAEP_SHA_256.recommended, true);
  assert.equal(alg.RSAES_OAEP_SHA_256.disabled, false);
  assert.equal(alg.RSAES_PKCS1_V1_5.disabled, false, 'Huawei still offers PKCS#1 v1.5 (with a warning)');
  assert.equal(alg.RSAES_OAEP_SHA_1.disabled, false);
  // The two-part form is for private keys: shown by Huawei's description, disabled for a symmetric key with the reason.
  assert.match(alg.RSA_AES_KEY_WRAP_SHA_256.label, /^Two-part: temporary AES-256 key \(RSAES_OAEP_SHA_256\) \+ private key \(RFC 5649\)$/);
  assert.equal(alg.RSA_AES_KEY_WRAP_SHA_256.disabled, true);
  assert.match(alg.RSA_AES_KEY_WRAP_SHA_256.reason!, /two-part wrapping is for private keys/);
  assert.equal(v.canSubmit, true, v.blocker);
  assert.deepEqual(v.problems, [], 'the recommended choice has nothing to warn about (no "prefer RSA_4096" Huawei cannot give)');
});

test('Huawei: RSAES_OAEP_SHA_1 and RSAES_PKCS1_V1_5 are allowed with one warning each, on the algorithm, with a fix to the recommended', () => {
  for (const [algorithm, code, text] of [
    ['RSAES_OAEP_SHA_1', 'SHA1_INSECURE', /no longer secure/],
    ['RSAES_PKCS1_V1_5', 'PKCS1_LEGACY', /legacy padding/],
  ] as const) {
    const v = huawei({ mode: 'new', wrappingKeySpec: 'RSA_2048', algorithm, wrappingChosen: true }, materialCtx('SYMMETRIC_DEFAULT'));
    assert.equal(v.state.algorithm, algorithm, 'a valid choice made by hand is kept');
    assert.equal(v.canSubmit, true, v.blocker);
    assert.deepEqual(v.problems.map((f) => `${f.severity}:${f.code}:${f.field}`), [`warning:${code}:algorithm`], `${algorithm}: exactly one finding`);
    assert.match(v.problems[0].message, text);
    assert.deepEqual(v.problems[0].fixes.map((x) => [x.label, x.patch]), [['Use RSAES_OAEP_SHA_256', { wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_OAEP_SHA_256' }]]);
    assert.ok(!v.findings.some((f) => f.code === 'PKCS1_V1_5_REFUSED' || f.code === 'SHA1_WEAK'), 'not the AWS findings');
  }
});

test('Huawei, private keys: the two-part form is preselected on RSA_2048; the single-block algorithms are disabled with the reason', () => {
  for (const [spec, name, usages] of [
    ['ECC_NIST_P256', 'EC_P256', ['SIGN_VERIFY']],
    ['ECC_NIST_P384', 'EC_P384', ['SIGN_VERIFY']],
    ['RSA_3072', 'RSA_3072', ['ENCRYPT_DECRYPT', 'SIGN_VERIFY']],
  ] as const) {
    const v = huawei({ mode: 'new' }, materialCtx(spec));
    assert.equal(v.state.keySpec, spec);
    assert.equal(opt(v.keySpecOptions)[spec].label, name);
    assert.deepEqual(v.keyUsageOptions.map((o) => o.value), usages, `${spec}: Huawei's usages (no KEY_AGREEMENT)`);
    assert.equal(v.state.wrappingKeySpec, 'RSA_2048');
    assert.equal(v.state.algorithm, 'RSA_AES_KEY_WRAP_SHA_256');
    const alg = opt(v.algorithmOptions);
    assert.equal(alg.RSA_AES_KEY_WRAP_SHA_256.recommended, true);
    for (const a of ['RSAES_OAEP_SHA_256', 'RSAES_PKCS1_V1_5', 'RSAES_OAEP_SHA_1']) {
      assert.equal(alg[a].disabled, true, a);
      assert.match(alg[a].reason!, /imports private keys in two parts/, a);
    }
    assert.equal(v.canSubmit, true, v.blocker);
    // The one warning: Huawei's older documentation lists symmetric keys only. Worded with Huawei's names.
    assert.deepEqual(v.problems.map((f) => `${f.severity}:${f.code}:${f.field}`), ['warning:KEY_SPEC_NEWER_DOCS_ONLY:keySpec']);
  }
});

test('Huawei: an algorithm that cannot take a private key is one error on the algorithm, with the fix in Huawei\'s words', () => {
  const key: KeyChoice = { keyId: 'hw-ec', label: 'ec', keySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY', keyState: 'PendingImport', hasMaterial: false };
  // A hand-made choice that is not allowed is replaced by the recommendation…
  const v = huawei({ keyId: 'hw-ec', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_OAEP_SHA_256', wrappingChosen: true }, materialCtx('ECC_NIST_P256'), [key]);
  assert.equal(v.state.algorithm, 'RSA_AES_KEY_WRAP_SHA_256');
  assert.equal(v.canSubmit, true, v.blocker);
  // …and a material of another kind is one error on the material, with "Create a new … key instead" by Huawei's name.
  const w = huawei({ keyId: 'hw-ec' }, materialCtx('SYMMETRIC_DEFAULT'), [key]);
  const errors = w.problems.filter((f) => f.severity === 'error');
  assert.deepEqual(errors.map((f) => `${f.code}:${f.field}`), ['MATERIAL_KIND_MISMATCH:material']);
  assert.match(errors[0].message, /The key is EC_P256 but the material is 32 bytes/);
  assert.ok(errors[0].fixes.some((x) => x.label === 'Create a new AES_256 key instead'), JSON.stringify(errors[0].fixes));
});

test('Huawei: key specs Huawei has no key for are not offered; their material is refused on the key spec', () => {
  const v = huawei({ mode: 'new' }, materialCtx('ECC_NIST_P521'));
  for (const absent of ['HMAC_256', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'SM2']) assert.ok(!v.keySpecOptions.some((o) => o.value === absent), absent);
  const errors = v.problems.filter((f) => f.severity === 'error');
  assert.deepEqual(errors.map((f) => `${f.code}:${f.field}`), ['KEY_SPEC_NOT_SUPPORTED_BY_PROVIDER:keySpec']);
  assert.equal(v.canSubmit, false);
  const short = huawei({ mode: 'new' }, rawCtx(16));
  assert.deepEqual(short.problems.filter((f) => f.severity === 'error').map((f) => `${f.code}:${f.field}`), ['SYMMETRIC_LENGTH:keySpec']);
  assert.match(short.problems[0].message, /must be 32 bytes/);
});

test('Huawei: SM2 material is refused on the key spec as not imported by this tool (not as "China Regions only")', () => {
  const v = huawei({ mode: 'new' }, sm2Ctx());
  assert.deepEqual(v.problems.filter((f) => f.severity === 'error').map((f) => `${f.code}:${f.field}`), ['KEY_SPEC_NOT_SUPPORTED_BY_PROVIDER:keySpec']);
  assert.match(v.problems[0].message, /Huawei Cloud KMS has SM2 keys, but this tool does not import SM2 key material/);
  assert.equal(v.canSubmit, false);
});

test('Huawei: no ImportType, no choice of wrapping key spec, "never expires" or an expiration time bounded like ValidTo', () => {
  const v = huawei({ mode: 'new', importType: 'NEW_KEY_MATERIAL', expirationModel: 'KEY_MATERIAL_EXPIRES' }, materialCtx('SYMMETRIC_DEFAULT'));
  assert.equal(v.terms.importType, false);
  assert.equal(v.importTypeEnabled, false);
  assert.equal(v.state.importType, 'DEFAULT', 'an ImportType carried over from an AWS form is dropped');
  assert.equal(v.terms.wrappingKeySpecFixed, true);
  assert.match(v.terms.wrappingKeySpecNote!, /RSA_2048/);
  assert.deepEqual([v.terms.keyIdName, v.terms.expiryName, v.terms.neverExpires], ['Key ID', 'Expiration time', 'Key material never expires']);
  assert.match(v.terms.expiresOn, /expiration_time/);
  assert.equal(v.state.validTo, '2026-05-30', 'the default date, as for AWS: 90 days');
  assert.deepEqual(v.validToBounds, { min: '2026-03-02', max: '2027-02-28', suggested: '2026-05-30' });
  assert.equal(v.canSubmit, true, v.blocker);
  const far = huawei({ mode: 'new', expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: '2027-06-01' }, materialCtx('SYMMETRIC_DEFAULT'));
  assert.deepEqual(far.problems.map((f) => `${f.code}:${f.field}`), ['VALID_TO_TOO_FAR:validTo']);
  assert.equal(far.problems[0].message, 'The expiration time 2027-06-01 is more than 365 days ahead.');
  const past = huawei({ mode: 'new', expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: '2026-02-01' }, materialCtx('SYMMETRIC_DEFAULT'));
  assert.deepEqual(past.problems.map((f) => f.code), ['VALID_TO_PAST']);
  const none = huawei({ mode: 'new', expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: '' }, materialCtx('SYMMETRIC_DEFAULT'));
  assert.deepEqual(none.todo.map((t) => t.text), ['Pick the date the key material expires (expiration time).']);
});

test('Huawei: no AWS wording anywhere a person reads it (ARN, ValidTo, EXTERNAL, ImportType, AWS spec names)', () => {
  const views = [
    huawei({}),
    huawei({ mode: 'existing' }),
    huawei({ mode: 'new', expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: '' }),
    huawei({ mode: 'new', expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: '2026-02-01' }, materialCtx('SYMMETRIC_DEFAULT')),
    huawei({ mode: 'new', algorithm: 'RSAES_OAEP_SHA_1', wrappingKeySpec: 'RSA_2048', wrappingChosen: true }, materialCtx('SYMMETRIC_DEFAULT')),
    huawei({ mode: 'new' }, materialCtx('ECC_NIST_P256')),
    huawei({ mode: 'new' }, materialCtx('ECC_NIST_P521')),
    huawei({ mode: 'new', keySpec: 'ECC_NIST_P384', keySpecChosen: true }, materialCtx('RSA_2048')),
    huawei({ mode: 'new' }, rawCtx(16)),
    huawei({ mode: 'new' }, sm2Ctx()),
  ];
  for (const v of views) {
    for (const s of humanText(v)) assert.doesNotMatch(s, /ARN|ValidTo|EXTERNAL|ImportType|SYMMETRIC_DEFAULT|ECC_|KMS key|RSA_AES_KEY_WRAP|AWS|China/, s);
  }
});

test('AWS keeps every option and its words: RSA_4096 and SM2 wrapping keys, all algorithms, HMAC specs, ImportType, ValidTo, ARN', () => {
  const v = buildFormView(initialFormState({ mode: 'new', materialId: 'm1' }), { provider: 'aws', keys: [], material: materialCtx('SYMMETRIC_DEFAULT'), now });
  for (const w of ['RSA_2048', 'RSA_3072', 'RSA_4096', 'SM2']) assert.ok(v.wrappingKeySpecOptions.some((o) => o.value === w), w);
  for (const a of ['RSA_AES_KEY_WRAP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1', 'RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5', 'SM2PKE']) assert.ok(v.algorithmOptions.some((o) => o.value === a && o.label === a), a);
  for (const s of ['SYMMETRIC_DEFAULT', 'HMAC_256', 'ECC_NIST_P521', 'ECC_SECG_P256K1']) assert.ok(v.keySpecOptions.some((o) => o.value === s && o.label === s), s);
  assert.equal(v.state.wrappingKeySpec, 'RSA_4096');
  assert.equal(v.terms.importType, true);
  assert.equal(v.importTypeEnabled, true);
  assert.equal(v.terms.wrappingKeySpecFixed, false);
  assert.deepEqual([v.terms.keyIdName, v.terms.expiryName, v.terms.neverExpires, v.terms.expiresOn], ['Key ARN', 'ValidTo', 'Does not expire', 'Expires at ValidTo']);
  const sha1 = buildFormView(initialFormState({ mode: 'new', materialId: 'm1', wrappingKeySpec: 'RSA_4096', algorithm: 'RSAES_OAEP_SHA_1', wrappingChosen: true }), { provider: 'aws', keys: [], material: materialCtx('SYMMETRIC_DEFAULT'), now });
  assert.deepEqual(sha1.problems.map((f) => f.code), ['SHA1_WEAK']);
  const expiring = buildFormView(initialFormState({ mode: 'new', materialId: 'm1', expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: '2027-06-01' }), { provider: 'aws', keys: [], material: materialCtx('SYMMETRIC_DEFAULT'), now });
  assert.equal(expiring.problems[0].message, 'ValidTo 2027-06-01 is more than 365 days ahead.');
});

test('a new key\'s alias: AWS gets alias/<name>, Huawei the bare key_alias; blank means none', () => {
  assert.equal(aliasFor('aws', ' my-key '), 'alias/my-key');
  assert.equal(aliasFor('aws', 'alias/my-key'), 'alias/my-key');
  assert.equal(aliasFor('huawei', 'my-key'), 'my-key');
  assert.equal(aliasFor('huawei', 'alias/my-key'), 'my-key');
  assert.equal(aliasFor('huawei', '   '), undefined);
  assert.equal(aliasFor('aws', undefined), undefined);
});

test('the alias of a new key is checked as the provider checks it, once, on the alias field', () => {
  const sym = materialCtx('SYMMETRIC_DEFAULT');
  const bad = huawei({ mode: 'new', alias: 'my key' }, sym);
  assert.deepEqual(bad.problems.map((f) => `${f.severity}:${f.code}:${f.field}`), ['error:ALIAS_INVALID:alias']);
  assert.match(bad.problems[0].message, /^The key_alias "my key" is not allowed: Huawei Cloud KMS takes 1–255 letters/);
  assert.equal(bad.canSubmit, false);
  assert.deepEqual(huawei({ mode: 'new', alias: 'team/app:key_1-a' }, sym).problems, []);
  assert.deepEqual(huawei({ mode: 'new', alias: 'x'.repeat(255) }, sym).problems, []);
  assert.deepEqual(huawei({ mode: 'new', alias: 'x'.repeat(256) }, sym).problems.map((f) => f.code), ['ALIAS_INVALID']);
  const aws = (alias: string) => buildFormView(initialFormState({ mode: 'new', materialId: 'm1', alias }), { provider: 'aws', keys: [], material: sym, now });
  assert.match(aws('alias/my key').problems[0]?.message ?? '', /^The alias "my key" is not allowed: AWS KMS takes 1–250/);
  assert.deepEqual(aws('alias/my-key').problems, []);
  assert.deepEqual(aws('x'.repeat(251)).problems.map((f) => f.code), ['ALIAS_INVALID'], 'alias/ + 251 characters is over 256');
  // An existing key's alias is not the form's to check.
  const existing: KeyChoice = { keyId: 'hw-sym', label: 'sym', keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', keyState: 'PendingImport', hasMaterial: false };
  assert.deepEqual(huawei({ keyId: 'hw-sym', alias: 'my key' }, sym, [existing]).problems, []);
});

test("the flow's progress and proof read in Huawei's words on the form; AWS's are left as they are", () => {
  assert.equal(inProviderWords('huawei', 'ECC_NIST_P256 material, RSA_2048 wrapping key, RSA_AES_KEY_WRAP_SHA_256'), 'EC_P256 material, RSA_2048 wrapping key, the two-part wrapping');
  assert.equal(inProviderWords('huawei', 'GetPublicKey equals the local public key (SHA256:ab)'), 'get-publickey equals the local public key (SHA256:ab)');
  assert.equal(inProviderWords('huawei', 'Encrypt/Decrypt round trip holds'), 'encrypt-data / decrypt-data round trip holds');
  assert.equal(inProviderWords('huawei', 'SYMMETRIC_DEFAULT material, the KMS key'), 'AES_256 material, the key');
  const aws = 'SYMMETRIC_DEFAULT material, RSA_4096 wrapping key, RSA_AES_KEY_WRAP_SHA_256; GetPublicKey; ValidTo';
  assert.equal(inProviderWords('aws', aws), aws);
});

test('Huawei: the chosen file is described in Huawei\'s words (32 raw bytes fit AES_256, not an HMAC key); AWS unchanged', () => {
  const raw = huawei({ mode: 'new' }, rawCtx(32)).material!.description;
  assert.match(raw, /^32 bytes of raw key material — fits AES_256 \(raw binary\)$/);
  assert.doesNotMatch(raw, /HMAC/);
  assert.match(huawei({ mode: 'new' }, materialCtx('ECC_NIST_P256')).material!.description, /^EC P-256 private key/);
  const aws = buildFormView(initialFormState({ materialId: 'm1', mode: 'new' }), { provider: 'aws', keys: [], material: rawCtx(32), now });
  assert.match(aws.material!.description, /fits symmetric \(AES-256\) or HMAC_256/);
});
