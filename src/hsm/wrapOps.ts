// Wrapping inside the HSM, and the self-test that runs before the real key is touched.
//
// wrapInHsm: the bundle's wrapping public key becomes a session object (CKA_TOKEN false, CKA_WRAP true);
// the key is wrapped with the chosen plan — CKM_RSA_PKCS_OAEP, CKM_RSA_AES_KEY_WRAP, or RSA-AES composed
// from a session AES-256 key (destroyed right after) — and nothing but the wrapped bytes leaves the HSM.
//
// runSelfTest: the same wrap of a throwaway session key of the same type (extractable, not sensitive, so its
// value or public key is known) under a local RSA key pair; the result is unwrapped here with the core's
// unwrapKeyMaterial (RSA-OAEP, RFC 5649) and must give back exactly that key — for private keys a strict
// PKCS#8 DER with nothing after it whose public key is the throwaway's. A mechanism the HSM turns down
// (OAEP with SHA-256 on SoftHSM, OAEP of private keys) is recorded and another plan chosen; an output that
// does not unwrap to the key (SoftHSM's zero padding before RFC 5649) is refused with its cause.
import * as crypto from 'node:crypto';
import * as asn1 from '../core/asn1';
import { KmsImportError, incompatible } from '../core/errors';
import { parseMaterial } from '../core/material';
import { unwrapKeyMaterial } from '../core/wrap';
import { CKA, CKK, CKM, CKO, CKR, ckmName, ckrName } from './constants';
import { OAEP_HASH_MECHANISM, selectWrapPlan, type HsmCapabilities, type HsmKeyKind, type WrapPlan } from './mechanisms';
import { Pkcs11Error, type Attr } from './pkcs11';
import { ecSpki, rsaSpki, type HsmKeyFacts, type HsmKeySession } from './session';

/** A PKCS#11 failure at one step of a plan. */
export class WrapStepError extends Error {
  constructor(readonly mechanism: number, readonly rv: number) {
    super(`${ckmName(mechanism)}: ${ckrName(rv)}`);
  }
}

/** The RSA public key (SPKI DER) as a session object that may wrap. */
export function importWrappingKey(s: HsmKeySession, spki: Buffer): number {
  const jwk = crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ format: 'jwk' });
  const h = s.hsm;
  return s.track(h.create(s.session, [
    h.ulong(CKA.CLASS, CKO.PUBLIC_KEY), h.ulong(CKA.KEY_TYPE, CKK.RSA), h.bool(CKA.TOKEN, false), h.bool(CKA.WRAP, true), h.bool(CKA.ENCRYPT, true),
    { type: CKA.LABEL, value: Buffer.from('kms-import wrapping key (session)') },
    { type: CKA.MODULUS, value: Buffer.from(jwk.n!, 'base64url') }, { type: CKA.PUBLIC_EXPONENT, value: Buffer.from(jwk.e!, 'base64url') },
  ]));
}

function step<T>(mechanism: number, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Pkcs11Error) throw new WrapStepError(mechanism, e.rv);
    throw e;
  }
}

/** Wraps `key` under the session wrapping key `wrappingKey` as `plan` says. */
export function wrapInHsm(s: HsmKeySession, plan: WrapPlan, wrappingKey: number, key: number): Buffer {
  const h = s.hsm;
  const o = OAEP_HASH_MECHANISM[plan.hash];
  const oaep = h.oaepParams(o.hashAlg, o.mgf);
  if (plan.kind === 'oaep') return step(CKM.RSA_PKCS_OAEP, () => h.wrap(s.session, { mechanism: CKM.RSA_PKCS_OAEP, parameter: oaep.buf }, wrappingKey, key));
  if (plan.kind === 'rsa-aes-native') {
    const p = h.rsaAesParams(256, oaep);
    return step(CKM.RSA_AES_KEY_WRAP, () => h.wrap(s.session, { mechanism: CKM.RSA_AES_KEY_WRAP, parameter: p.buf }, wrappingKey, key));
  }
  const aes = step(CKM.AES_KEY_GEN, () => s.track(h.generateKey(s.session, { mechanism: CKM.AES_KEY_GEN }, [
    h.ulong(CKA.CLASS, CKO.SECRET_KEY), h.ulong(CKA.KEY_TYPE, CKK.AES), h.ulong(CKA.VALUE_LEN, 32), h.bool(CKA.TOKEN, false),
    h.bool(CKA.WRAP, true), h.bool(CKA.EXTRACTABLE, true), h.bool(CKA.SENSITIVE, true), { type: CKA.LABEL, value: Buffer.from('kms-import session AES key') },
  ])));
  try {
    const wrappedKey = step(plan.aesWrap, () => h.wrap(s.session, { mechanism: plan.aesWrap }, aes, key));
    const wrappedAes = step(CKM.RSA_PKCS_OAEP, () => h.wrap(s.session, { mechanism: CKM.RSA_PKCS_OAEP, parameter: oaep.buf }, wrappingKey, aes));
    return Buffer.concat([wrappedAes, wrappedKey]);
  } finally {
    s.destroy(aes);
  }
}

/** What the self-test learned from a refused step; false when the failure is not about the plan. */
function learn(caps: HsmCapabilities, plan: WrapPlan, keyKind: HsmKeyKind, e: WrapStepError): boolean {
  const oaepStep = e.mechanism === CKM.RSA_PKCS_OAEP;
  if ((oaepStep || e.mechanism === CKM.RSA_AES_KEY_WRAP) && plan.hash === 'sha256' && (e.rv === CKR.ARGUMENTS_BAD || e.rv === CKR.MECHANISM_PARAM_INVALID)) {
    if (oaepStep) {
      caps.oaepHashes = (caps.oaepHashes ?? ['sha1', 'sha256']).filter((x) => x !== 'sha256');
      return true;
    }
  }
  if ([CKR.KEY_NOT_WRAPPABLE, CKR.MECHANISM_INVALID, CKR.MECHANISM_PARAM_INVALID, CKR.ARGUMENTS_BAD, CKR.KEY_TYPE_INCONSISTENT, CKR.KEY_SIZE_RANGE, CKR.FUNCTION_NOT_SUPPORTED].includes(e.rv as never)) {
    const what = keyKind === 'secret' ? 'a secret key' : `an ${keyKind === 'ec' ? 'EC' : 'RSA'} private key`;
    caps.failed = [...(caps.failed ?? []), { mechanism: e.mechanism, keyKind, reason: `${ckmName(e.mechanism)} of ${what} returned ${ckrName(e.rv)} in this HSM` }];
    return true;
  }
  return false;
}

/**
 * Which OAEP hashes the HSM accepts, tried on a throwaway AES-128 session key (C_GetMechanismInfo does not
 * say; SoftHSM 2.6 answers CKR_ARGUMENTS_BAD to SHA-256).
 */
export function probeOaepHashes(s: HsmKeySession, caps: HsmCapabilities, wrapping: number): void {
  if (caps.oaepHashes || !caps.mechanisms.some((m) => m.mechanism === CKM.RSA_PKCS_OAEP)) return;
  const h = s.hsm;
  const key = s.track(h.generateKey(s.session, { mechanism: CKM.AES_KEY_GEN }, [
    h.ulong(CKA.CLASS, CKO.SECRET_KEY), h.ulong(CKA.KEY_TYPE, CKK.AES), h.ulong(CKA.VALUE_LEN, 16), h.bool(CKA.TOKEN, false), h.bool(CKA.EXTRACTABLE, true), { type: CKA.LABEL, value: Buffer.from('kms-import OAEP probe') },
  ]));
  try {
    caps.oaepHashes = (['sha256', 'sha1'] as const).filter((hash) => {
      const o = OAEP_HASH_MECHANISM[hash];
      try {
        h.wrap(s.session, { mechanism: CKM.RSA_PKCS_OAEP, parameter: h.oaepParams(o.hashAlg, o.mgf).buf }, wrapping, key);
        return true;
      } catch (e) {
        if (e instanceof Pkcs11Error && (e.rv === CKR.ARGUMENTS_BAD || e.rv === CKR.MECHANISM_PARAM_INVALID || e.rv === CKR.MECHANISM_INVALID)) return false;
        throw e;
      }
    });
  } finally {
    s.destroy(key);
  }
}

/** A throwaway session key like the real one: value (secret) or public key (private) known. */
function throwaway(s: HsmKeySession, facts: HsmKeyFacts): { key: number; value?: Buffer; spki?: Buffer } {
  const h = s.hsm;
  const base: Attr[] = [h.bool(CKA.TOKEN, false), h.bool(CKA.EXTRACTABLE, true), h.bool(CKA.SENSITIVE, false), { type: CKA.LABEL, value: Buffer.from('kms-import self-test key') }];
  if (facts.kind === 'secret') {
    const aes = facts.keyType === CKK.AES;
    const key = s.track(h.generateKey(s.session, { mechanism: aes ? CKM.AES_KEY_GEN : CKM.GENERIC_SECRET_KEY_GEN }, [
      ...base, h.ulong(CKA.CLASS, CKO.SECRET_KEY), h.ulong(CKA.KEY_TYPE, aes ? CKK.AES : CKK.GENERIC_SECRET), h.ulong(CKA.VALUE_LEN, facts.valueLen ?? 32),
    ]));
    return { key, value: h.attribute(s.session, key, CKA.VALUE) };
  }
  const pubBase: Attr[] = [h.bool(CKA.TOKEN, false), h.bool(CKA.VERIFY, true)];
  if (facts.kind === 'rsa') {
    const pair = h.generateKeyPair(s.session, { mechanism: CKM.RSA_PKCS_KEY_PAIR_GEN }, [...pubBase, h.ulong(CKA.MODULUS_BITS, facts.bits ?? 2048), { type: CKA.PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) }], [...base, h.bool(CKA.SIGN, true)]);
    s.track(pair.publicKey);
    s.track(pair.privateKey);
    const n = h.attribute(s.session, pair.publicKey, CKA.MODULUS)!;
    const e = h.attribute(s.session, pair.publicKey, CKA.PUBLIC_EXPONENT)!;
    return { key: pair.privateKey, spki: rsaSpki(n, e) };
  }
  const pair = h.generateKeyPair(s.session, { mechanism: CKM.EC_KEY_PAIR_GEN }, [...pubBase, { type: CKA.EC_PARAMS, value: facts.ecParams! }], [...base, h.bool(CKA.SIGN, true)]);
  s.track(pair.publicKey);
  s.track(pair.privateKey);
  return { key: pair.privateKey, spki: ecSpki(facts.ecParams!, h.attribute(s.session, pair.publicKey, CKA.EC_POINT)!) };
}

export interface SelfTestResult {
  plan: WrapPlan;
  detail: string;
}

const PADDING_FIX = 'Use an HSM library whose RSA-AES wrap keeps the exact PKCS#8 length (CKM_RSA_AES_KEY_WRAP or an RFC 5649 CKM_AES_KEY_WRAP_KWP), e.g. CloudHSM\'s PKCS#11 library or CloudHSM CLI "key wrap rsa-aes"; for EC keys, RSAES_OAEP_SHA_256 parameters on an HSM that OAEP-wraps private keys. Nothing was written and the real key was not wrapped.';

/** Checks one unwrapped self-test result against the throwaway key; returns the PKCS#8 length or throws the refusal. */
function checkUnwrapped(out: Buffer, t: { value?: Buffer; spki?: Buffer }, plan: WrapPlan, facts: HsmKeyFacts): number {
  if (t.value) {
    if (out.length !== t.value.length || !crypto.timingSafeEqual(out, t.value)) {
      throw incompatible('HSM_SELF_TEST_FAILED', `The HSM's ${plan.description} of a test ${facts.description} did not unwrap to that key (${out.length} bytes instead of ${t.value.length}).`, PADDING_FIX);
    }
    return out.length;
  }
  let end: number;
  try {
    end = asn1.readTlv(out).end;
  } catch {
    end = -1;
  }
  if (end > 0 && end < out.length && out.subarray(end).every((b) => b === 0)) {
    throw incompatible('HSM_ZERO_PADDING', `The HSM pads the key with zeros before its AES key wrap: a test ${facts.description} wrapped with ${plan.description} came back as its ${end}-byte PKCS#8 followed by ${out.length - end} zero bytes. KMS refuses such material as corrupt (SoftHSM 2.x does this, issues #305/#307).`, PADDING_FIX);
  }
  if (end !== out.length) throw incompatible('HSM_SELF_TEST_FAILED', `The HSM's ${plan.description} of a test ${facts.description} did not unwrap to a PKCS#8 private key.`, PADDING_FIX);
  const m = parseMaterial(out);
  if (!m.publicKeySpki || !t.spki || !m.publicKeySpki.equals(t.spki)) {
    throw incompatible('HSM_SELF_TEST_FAILED', `The HSM's ${plan.description} of a test ${facts.description} unwrapped to a different key.`, PADDING_FIX);
  }
  m.bytes.fill(0);
  return out.length;
}

/**
 * Runs the self-test and returns the plan that passed it. `caps` is updated with what was learned.
 * For RSA keys composed with an AES key wrap, a test key whose PKCS#8 length is a multiple of 8 cannot
 * tell a zero-padding HSM from a correct one, so new test keys are made until one's length is not (up to
 * 24; if none is, the test refuses as inconclusive rather than pass): only then is the result conclusive.
 */
export function runSelfTest(s: HsmKeySession, caps: HsmCapabilities, algorithm: Parameters<typeof selectWrapPlan>[1], facts: HsmKeyFacts, localBits: number): SelfTestResult {
  const local = crypto.generateKeyPairSync('rsa', { modulusLength: localBits });
  const localSpki = local.publicKey.export({ format: 'der', type: 'spki' });
  const wrapping = importWrappingKey(s, localSpki);
  try {
    probeOaepHashes(s, caps, wrapping);
    const MAX_LENGTH_TRIES = 24;
    for (let attempt = 0, tries = 0; attempt < 6 + MAX_LENGTH_TRIES; attempt++) {
      const sel = selectWrapPlan(caps, algorithm, facts.kind);
      if ('refusal' in sel) throw sel.refusal;
      const plan = sel.plan;
      const t = throwaway(s, facts);
      let blob: Buffer;
      try {
        blob = wrapInHsm(s, plan, wrapping, t.key);
      } catch (e) {
        if (e instanceof WrapStepError && learn(caps, plan, facts.kind, e)) continue;
        throw e;
      }
      let out: Buffer;
      try {
        out = unwrapKeyMaterial(blob, local.privateKey, algorithm);
      } catch (e) {
        throw incompatible('HSM_SELF_TEST_FAILED', `The HSM's ${plan.description} of a test ${facts.description} could not be unwrapped as ${algorithm} (${e instanceof KmsImportError ? e.message : String(e)}).`, PADDING_FIX);
      }
      try {
        const len = checkUnwrapped(out, t, plan, facts);
        tries++;
        if (facts.kind === 'rsa' && plan.kind === 'rsa-aes-composed' && len % 8 === 0) {
          if (tries < MAX_LENGTH_TRIES) continue;
          throw incompatible('HSM_SELF_TEST_INCONCLUSIVE', `${MAX_LENGTH_TRIES} test ${facts.description} keys all had a PKCS#8 length that is a multiple of 8, so the HSM's ${plan.description} could not be checked for zero padding.`, 'Run the command again; if it keeps happening, wrap with RSAES_OAEP parameters or use the HSM vendor\'s tool.');
        }
        return { plan, detail: `a test ${facts.description} wrapped by the HSM with ${plan.description} unwrapped to exactly that key (${len} bytes)` };
      } finally {
        out.fill(0);
        t.value?.fill(0);
      }
    }
    throw incompatible('HSM_SELF_TEST_FAILED', `The HSM's wrap of a test ${facts.description} did not settle on a working mechanism.`, PADDING_FIX);
  } finally {
    s.destroy(wrapping);
  }
}
