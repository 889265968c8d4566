// What the import form submits for a Huawei Cloud KMS account works through the one import flow against
// the sandbox's Huawei API (real HTTP, signed requests): the form's choices (Huawei's key spec and usage,
// the RSA_2048 wrapping key, RSAES_PKCS1_V1_5 chosen by hand, the two-part form for private keys, an
// expiration date, a bare key_alias) create the key, import and prove; and what the form refuses, the
// flow refuses before a key is created.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMaterial } from '../../src/core/generate';
import { parseMaterial, summarizeMaterial } from '../../src/core/material';
import type { KeySpec } from '../../src/core/specs';
import { runImportFlow } from '../../src/flow/importFlow';
import { isImportFlowError } from '../../src/flow/types';
import { buildFormView, initialFormState, validToDate } from '../../src/extension/model/formModel';
import { aliasFor } from '../../src/extension/model/formTerms';
import type { FormState } from '../../src/protocol/form';
import { startHuaweiRig } from './huawei-support';

function formFor(spec: KeySpec, bytes: Buffer, state: Partial<FormState>) {
  const m = parseMaterial(bytes);
  try {
    const facts = { kind: m.kind, byteLength: m.byteLength, keySpec: m.keySpec, modulusBits: m.modulusBits, curve: m.curve, primes: m.primes };
    return buildFormView(initialFormState({ mode: 'new', materialId: 'm1', ...state }), { provider: 'huawei', keys: [], material: { summary: { fileName: `${spec}.bin`, ...summarizeMaterial(m) }, facts } });
  } finally {
    m.dispose();
  }
}

test("the Huawei form's submissions import and prove through the flow; its refusals are the flow's", async (t) => {
  const rig = await startHuaweiRig();
  const dir = mkdtempSync(join(tmpdir(), 'kms-hw-form-'));
  t.after(async () => {
    await rig.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const cases: Array<{ spec: KeySpec; state: Partial<FormState>; algorithm: string; usage: string; expires?: boolean }> = [
    { spec: 'SYMMETRIC_DEFAULT', state: { wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_PKCS1_V1_5', wrappingChosen: true, expirationModel: 'KEY_MATERIAL_EXPIRES' }, algorithm: 'RSAES_PKCS1_V1_5', usage: 'ENCRYPT_DECRYPT', expires: true },
    { spec: 'ECC_NIST_P256', state: {}, algorithm: 'RSA_AES_KEY_WRAP_SHA_256', usage: 'SIGN_VERIFY' },
    { spec: 'RSA_2048', state: { keyUsage: 'SIGN_VERIFY', keyUsageChosen: true }, algorithm: 'RSA_AES_KEY_WRAP_SHA_256', usage: 'SIGN_VERIFY' },
  ];
  for (const [i, c] of cases.entries()) {
    const bytes = generateMaterial(c.spec);
    const v = formFor(c.spec, bytes, { ...c.state, alias: `form-${i}` });
    assert.equal(v.canSubmit, true, `${c.spec}: ${v.blocker}`);
    assert.equal(v.state.algorithm, c.algorithm, c.spec);
    assert.equal(v.state.wrappingKeySpec, 'RSA_2048');
    assert.equal(v.state.keyUsage, c.usage);
    const st = v.state;
    const validTo = validToDate(st);
    assert.equal(!!validTo, !!c.expires);
    const result = await runImportFlow({
      provider: rig.provider(),
      material: parseMaterial(bytes),
      target: { create: { keySpec: st.keySpec!, keyUsage: st.keyUsage!, alias: aliasFor(v.provider, st.alias) } },
      wrappingKeySpec: st.wrappingKeySpec,
      wrappingAlgorithm: st.algorithm,
      bundleDir: join(dir, `b${i}`),
      expiration: validTo ? { model: 'KEY_MATERIAL_EXPIRES', validTo } : { model: 'KEY_MATERIAL_DOES_NOT_EXPIRE' },
    });
    assert.equal(result.ok, true, `${c.spec}: ${result.proof.detail}`);
    assert.equal(result.proof.method, c.spec === 'SYMMETRIC_DEFAULT' ? 'round-trip' : 'public-key');
    const key = await rig.provider().describeKey(result.keyId);
    assert.equal(key.keyState, 'Enabled');
    assert.deepEqual(key.aliases, [`form-${i}`], 'the bare key_alias, not alias/…');
    assert.equal(key.keyUsage, c.usage);
    if (validTo) assert.equal(key.validTo?.toISOString(), validTo.toISOString(), "the form's date became expiration_time");
    else assert.equal(key.expirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
  }
  // A private key in a single RSAES_* block: the form never offers it, and the flow refuses it before creating a key.
  const before = (await rig.provider().listKeyDetails()).length;
  await assert.rejects(
    runImportFlow({ provider: rig.provider(), material: parseMaterial(generateMaterial('ECC_NIST_P256')), target: { create: { keySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY' } }, wrappingKeySpec: 'RSA_2048', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', bundleDir: join(dir, 'refused') }),
    (e: unknown) => isImportFlowError(e) && e.step === 'check' && e.code === 'HUAWEI_PRIVATE_KEY_NEEDS_TWO_PART',
  );
  assert.equal((await rig.provider().listKeyDetails()).length, before, 'no key left behind');
});
