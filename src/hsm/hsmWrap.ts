// hsm-wrap: wrap a key for a KMS parameter bundle inside a PKCS#11 HSM, so the key never leaves it in
// plaintext. Order of work, each step refusing with the cause and the fix before anything is written:
//   bundle (readable, not expired, algorithm known) → output free (or --force) → library → token → login →
//   key (found, one, extractable, the KMS key spec, the KMS rules) → mechanisms by discovery → self-test on
//   a throwaway key → the real wrap under the bundle's public key → the file (atomic, 0600).
// Every session object made is destroyed and the session closed, on success and on failure.
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { assertBundleUsable, readBundle, type ParameterBundle } from '../core/bundle';
import { fingerprint } from '../core/encoding';
import { incompatible, invalidInput, isKmsImportError } from '../core/errors';
import { writeFileAtomic } from '../core/fsutil';
import { parseWrappingPublicKey, type WrappingPublicKey } from '../core/publicKey';
import { checkCompatibility, type ProviderId } from '../core/rules';
import type { KeySpec, WrappingAlgorithm } from '../core/specs';
import type { HsmEvidence } from './evidence';
import { describeWrapMechanisms, type WrapPlan } from './mechanisms';
import { collectHsmEvidence } from './proof';
import { hsmFailure, openHsmKey, type HsmKeyFacts, type HsmTarget } from './session';
import { importWrappingKey, runSelfTest, wrapInHsm } from './wrapOps';

export interface HsmWrapOptions extends HsmTarget {
  /** The parameter bundle folder (or zip). */
  bundle: string;
  /** Defaults to EncryptedKeyMaterial.bin in the bundle folder. */
  out?: string;
  force?: boolean;
  /** The KMS key's spec, when known: the HSM key must match it. */
  keySpec?: KeySpec;
  provider?: ProviderId;
  /** Progress lines (never secrets). */
  log?: (line: string) => void;
  /** Also gather the proof's evidence (public key, HMAC of a random message) in the same session. */
  evidence?: boolean;
}

export interface HsmWrapResult {
  file: string;
  bytes: number;
  algorithm: WrappingAlgorithm;
  plan: WrapPlan;
  key: Omit<HsmKeyFacts, 'ecParams'>;
  keySpec: KeySpec;
  selfTest: string;
  mechanisms: string;
  publicKeyFingerprint?: string;
  wrappingKeyFingerprint: string;
  sessionObjectsDestroyed: number;
  /** With opts.evidence: what the proof compares KMS's answers with after the import (evidence.ts). */
  evidence?: HsmEvidence;
  bundle: Pick<ParameterBundle, 'keyId' | 'keyArn' | 'validTo'>;
}

export function defaultOutFile(bundle: ParameterBundle): string {
  const src = bundle.source;
  const dir = existsSync(src) && statSync(src).isDirectory() ? src : path.dirname(src);
  return path.join(dir, 'EncryptedKeyMaterial.bin');
}

export async function hsmWrap(opts: HsmWrapOptions): Promise<HsmWrapResult> {
  const log = opts.log ?? (() => undefined);
  let prepared: Awaited<ReturnType<typeof prepare>>;
  try {
    prepared = await prepare(opts);
  } catch (e) {
    // Nothing reached the HSM: the PIN is dropped here.
    opts.pin.fill(0);
    throw e;
  }
  const { bundle, algorithm, wrappingKey, out } = prepared;
  log(`Opening token "${opts.token}" in ${opts.module}`);
  return wrapPrepared(opts, bundle, algorithm, wrappingKey, out, log);
}

/** The checks that need no HSM: the bundle, its algorithm and expiry, the wrapping key, the output file. */
async function prepare(opts: HsmWrapOptions) {
  const bundle = await readBundle(opts.bundle);
  const algorithm = bundle.wrappingAlgorithm;
  if (!algorithm) throw invalidInput('BUNDLE_ALGORITHM_UNKNOWN', `The bundle ${bundle.source} does not say which wrapping algorithm its parameters are for.`, 'Use a bundle written by kms-import or the console download with its README.txt (it names the algorithm).');
  assertBundleUsable(bundle);
  const wrappingKey = parseWrappingPublicKey(bundle.publicKey, bundle.wrappingKeySpec);
  if (wrappingKey.kind !== 'rsa') throw incompatible('HSM_WRAPPING_KEY_NOT_RSA', 'The bundle\'s wrapping key is SM2; PKCS#11 wrapping here is RSA only.', 'Download parameters with an RSA wrapping key spec.');
  const out = opts.out ?? defaultOutFile(bundle);
  if (existsSync(out) && !opts.force) throw invalidInput('OUTPUT_EXISTS', `${out} already exists.`, 'Give another --out, or --force to replace it.');
  return { bundle, algorithm, wrappingKey, out };
}

async function wrapPrepared(opts: HsmWrapOptions, bundle: ParameterBundle, algorithm: WrappingAlgorithm, wrappingKey: WrappingPublicKey, out: string, log: (line: string) => void): Promise<HsmWrapResult> {
  const s = openHsmKey(opts);
  try {
    const facts = s.facts;
    log(`Key: ${facts.description}${facts.keySpec ? ` (${facts.keySpec})` : ''}`);
    if (!facts.keySpec) throw incompatible('HSM_KEY_SPEC_NONE', `The HSM key is a ${facts.description}, which matches no KMS key spec.`, 'KMS imports AES-256 (SYMMETRIC_DEFAULT), HMAC keys of 28/32/48/64 bytes, RSA 2048/3072/4096 and EC P-256/P-384/P-521/secp256k1 keys.');
    if (opts.keySpec && opts.keySpec !== facts.keySpec) {
      throw incompatible('HSM_KEY_SPEC_MISMATCH', `The HSM key is a ${facts.description} (${facts.keySpec}), but the KMS key is ${opts.keySpec}.`, `Choose the HSM key that matches ${opts.keySpec}, or create a KMS key with key spec ${facts.keySpec}.`);
    }
    const findings = checkCompatibility({ provider: opts.provider ?? bundle.provider ?? 'aws', keySpec: facts.keySpec, wrappingKeySpec: bundle.wrappingKeySpec ?? wrappingKey.wrappingKeySpec, algorithm });
    const error = findings.find((f) => f.severity === 'error');
    if (error) throw incompatible(error.code, error.message, error.fix ?? '');
    if (!facts.extractable) {
      throw incompatible('HSM_KEY_NOT_EXTRACTABLE', `The HSM key (${facts.description}) has CKA_EXTRACTABLE false: the HSM will not wrap it, so it cannot leave this HSM by wrapping.`, 'Nothing can change that for this key (CKA_EXTRACTABLE cannot be set back to true). Generate or import the key anew with CKA_EXTRACTABLE true, or keep using it in this HSM.');
    }
    const caps = s.capabilities();
    log(`Wrapping mechanisms offered: ${describeWrapMechanisms(caps)}`);
    const localBits = facts.kind === 'secret' ? 2048 : wrappingKey.bits;
    const test = runSelfTest(s, caps, algorithm, facts, localBits);
    const mechanisms = describeWrapMechanisms(caps);
    log(`Self-test passed: ${test.detail}`);
    const handle = importWrappingKey(s, wrappingKey.spki);
    let wrapped: Buffer;
    try {
      wrapped = wrapInHsm(s, test.plan, handle, s.key);
    } catch (e) {
      throw hsmFailure(e, `wrapping the key with ${test.plan.description}`);
    }
    const k = Math.ceil(wrappingKey.bits / 8);
    if (test.plan.kind === 'oaep' ? wrapped.length !== k : wrapped.length < k + 24) {
      throw incompatible('HSM_WRAP_LENGTH', `The HSM returned ${wrapped.length} bytes for ${test.plan.description}; ${algorithm} under RSA-${wrappingKey.bits} needs ${test.plan.kind === 'oaep' ? `exactly ${k}` : `more than ${k + 16}`}.`, 'Check the HSM library version; nothing was written.');
    }
    await writeFileAtomic(out, wrapped, { mode: 0o600, overwrite: opts.force === true });
    log(`Wrote ${out} (${wrapped.length} bytes)`);
    const evidence = opts.evidence ? collectHsmEvidence(s) : undefined;
    const destroyed = s.close().destroyed;
    const { ecParams: _omit, ...key } = facts;
    void _omit;
    return {
      file: out, bytes: wrapped.length, algorithm, plan: test.plan, key, keySpec: facts.keySpec, selfTest: test.detail, mechanisms,
      publicKeyFingerprint: facts.publicKeySpki ? fingerprint(facts.publicKeySpki) : undefined, wrappingKeyFingerprint: wrappingKey.fingerprint,
      sessionObjectsDestroyed: destroyed, evidence, bundle: { keyId: bundle.keyId, keyArn: bundle.keyArn, validTo: bundle.validTo },
    };
  } catch (e) {
    throw isKmsImportError(e) ? e : hsmFailure(e, 'wrapping the key');
  } finally {
    s.close();
  }
}
