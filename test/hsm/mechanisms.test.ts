// The mechanism choice (src/hsm/mechanisms.ts, pure) against recorded mechanism lists: SoftHSM2 2.6.1's as
// C_GetMechanismList/C_GetMechanismInfo reported it on this machine, and AWS CloudHSM's from its documentation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CKF, CKM } from '../../src/hsm/constants';
import { describeWrapMechanisms, selectWrapPlan, workableAlgorithms, type HsmCapabilities, type OaepHash } from '../../src/hsm/mechanisms';

function load(name: string, extra: Partial<HsmCapabilities> = {}): HsmCapabilities {
  const j = JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as { mechanisms: { mechanism: string; flags: number }[]; oaepHashes?: OaepHash[] };
  return { mechanisms: j.mechanisms.map((m) => ({ mechanism: Number(m.mechanism), flags: m.flags })), oaepHashes: j.oaepHashes, ...extra };
}
const softhsm = () => load('softhsm-2.6.1.json');
/** SoftHSM after the self-test's probe: OAEP only with SHA-1 (CKR_ARGUMENTS_BAD for SHA-256). */
const softhsmProbed = () => load('softhsm-2.6.1.json', { oaepHashes: ['sha1'] });
const cloudhsm = () => load('cloudhsm-client-sdk5.json');
const plan = (r: ReturnType<typeof selectWrapPlan>) => ('plan' in r ? r.plan : assert.fail(r.refusal.message));
const refusal = (r: ReturnType<typeof selectWrapPlan>) => ('refusal' in r ? r.refusal : assert.fail(`expected a refusal, got ${r.plan.description}`));

test('the recorded SoftHSM list: OAEP and AES_KEY_WRAP_PAD for wrapping, no RSA_AES_KEY_WRAP, no KWP', () => {
  const c = softhsm();
  const wraps = (m: number) => c.mechanisms.some((x) => x.mechanism === m && (x.flags & CKF.WRAP) !== 0);
  assert.equal(wraps(CKM.RSA_PKCS_OAEP), true);
  assert.equal(wraps(CKM.AES_KEY_WRAP_PAD), true);
  assert.equal(wraps(CKM.RSA_AES_KEY_WRAP), false);
  assert.equal(wraps(CKM.AES_KEY_WRAP_KWP), false);
  assert.match(describeWrapMechanisms(c), /CKM_RSA_PKCS_OAEP/);
});

test('SoftHSM: OAEP for secret keys; RSA-AES composed from AES_KEY_WRAP_PAD and OAEP', () => {
  const oaep = plan(selectWrapPlan(softhsm(), 'RSAES_OAEP_SHA_1', 'secret'));
  assert.deepEqual([oaep.kind, oaep.hash], ['oaep', 'sha1']);
  assert.equal(oaep.description, 'CKM_RSA_PKCS_OAEP (SHA-1, MGF1-SHA-1, no label)');
  const rsaAes = plan(selectWrapPlan(softhsm(), 'RSA_AES_KEY_WRAP_SHA_1', 'rsa'));
  assert.equal(rsaAes.kind, 'rsa-aes-composed');
  assert.equal(rsaAes.kind === 'rsa-aes-composed' && rsaAes.aesWrap, CKM.AES_KEY_WRAP_PAD);
});

test('SoftHSM after the probe: SHA-256 refused with the SHA-1 parameters that would work', () => {
  const e = refusal(selectWrapPlan(softhsmProbed(), 'RSAES_OAEP_SHA_256', 'secret'));
  assert.equal(e.code, 'HSM_NO_MECHANISM');
  assert.match(e.message, /does OAEP only with SHA-1/);
  assert.match(e.fix, /^Download parameters for RSAES_OAEP_SHA_1 \(this HSM could also do RSA_AES_KEY_WRAP_SHA_1\)/);
  const r = refusal(selectWrapPlan(softhsmProbed(), 'RSA_AES_KEY_WRAP_SHA_256', 'rsa'));
  assert.match(r.fix, /^Download parameters for RSA_AES_KEY_WRAP_SHA_1 and/);
  assert.deepEqual(workableAlgorithms(softhsmProbed(), 'secret'), ['RSA_AES_KEY_WRAP_SHA_1', 'RSAES_OAEP_SHA_1']);
});

test('a mechanism that failed for a key kind is not chosen again, and the refusal says why', () => {
  const c = softhsmProbed();
  c.failed = [{ mechanism: CKM.RSA_PKCS_OAEP, keyKind: 'ec', reason: 'CKM_RSA_PKCS_OAEP of an EC private key returned CKR_KEY_NOT_WRAPPABLE in this HSM' }];
  const e = refusal(selectWrapPlan(c, 'RSAES_OAEP_SHA_1', 'ec'));
  assert.match(e.message, /EC private key with RSAES_OAEP_SHA_1: CKM_RSA_PKCS_OAEP of an EC private key returned CKR_KEY_NOT_WRAPPABLE/);
  assert.match(e.fix, /RSA_AES_KEY_WRAP_SHA_1/);
  // The same failure does not affect secret keys.
  assert.equal(plan(selectWrapPlan(c, 'RSAES_OAEP_SHA_1', 'secret')).kind, 'oaep');
});

test('CloudHSM: CKM_RSA_AES_KEY_WRAP natively, OAEP with SHA-256', () => {
  const rsa = plan(selectWrapPlan(cloudhsm(), 'RSA_AES_KEY_WRAP_SHA_256', 'rsa'));
  assert.deepEqual([rsa.kind, rsa.hash], ['rsa-aes-native', 'sha256']);
  assert.equal(rsa.description, 'CKM_RSA_AES_KEY_WRAP (AES-256, OAEP SHA-256)');
  const ec = plan(selectWrapPlan(cloudhsm(), 'RSAES_OAEP_SHA_256', 'ec'));
  assert.deepEqual([ec.kind, ec.hash], ['oaep', 'sha256']);
  assert.deepEqual(workableAlgorithms(cloudhsm(), 'rsa'), ['RSA_AES_KEY_WRAP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1']);
  assert.deepEqual(workableAlgorithms(cloudhsm(), 'secret'), ['RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1', 'RSAES_OAEP_SHA_1']);
});

test('CloudHSM without CKM_RSA_AES_KEY_WRAP (a failure recorded) cannot compose RSA-AES: it has no AES_KEY_WRAP_PAD/KWP', () => {
  const c = cloudhsm();
  c.failed = [{ mechanism: CKM.RSA_AES_KEY_WRAP, keyKind: 'rsa', reason: 'x' }];
  const e = refusal(selectWrapPlan(c, 'RSA_AES_KEY_WRAP_SHA_256', 'rsa'));
  assert.match(e.message, /missing CKM_AES_KEY_WRAP_PAD or CKM_AES_KEY_WRAP_KWP/);
});

test('KWP (0x210B) is preferred to AES_KEY_WRAP_PAD when both are offered', () => {
  const c = softhsm();
  c.mechanisms.push({ mechanism: CKM.AES_KEY_WRAP_KWP, flags: CKF.WRAP });
  const p = plan(selectWrapPlan(c, 'RSA_AES_KEY_WRAP_SHA_1', 'ec'));
  assert.equal(p.kind === 'rsa-aes-composed' && p.aesWrap, CKM.AES_KEY_WRAP_KWP);
});

test('an HSM with no RSA wrapping at all: the refusal lists what it offers', () => {
  const e = refusal(selectWrapPlan({ mechanisms: [{ mechanism: CKM.AES_KEY_WRAP, flags: CKF.WRAP }] }, 'RSAES_OAEP_SHA_256', 'secret'));
  assert.match(e.fix, /It offers CKM_AES_KEY_WRAP\./);
  assert.equal(refusal(selectWrapPlan(cloudhsm(), 'RSAES_PKCS1_V1_5', 'secret')).code, 'HSM_NO_MECHANISM');
});
