// Which PKCS#11 mechanism wraps a key for a KMS parameter bundle — chosen from what the HSM reports
// (C_GetMechanismList / C_GetMechanismInfo), never assumed. Pure: no binding, no I/O.
//
//  RSAES_OAEP_SHA_*        → CKM_RSA_PKCS_OAEP (hash and MGF1 the same, no label);
//  RSA_AES_KEY_WRAP_SHA_*  → CKM_RSA_AES_KEY_WRAP (0x1054, 256-bit AES) where offered, otherwise composed in the HSM
//                            as CloudHSM's documentation does it: a session AES-256 key (CKM_AES_KEY_GEN), the key
//                            wrapped with CKM_AES_KEY_WRAP_PAD (0x210A) or CKM_AES_KEY_WRAP_KWP (0x210B), the AES key
//                            wrapped with CKM_RSA_PKCS_OAEP, the two concatenated (RSA part first).
// When nothing fits, the refusal names what the HSM offers and the parameters that would work.
import { incompatible, type KmsImportError } from '../core/errors';
import { WRAPPING_ALGORITHMS, type WrappingAlgorithm } from '../core/specs';
import { CKF, CKM, ckmName } from './constants';

export type OaepHash = 'sha1' | 'sha256';
/** What is being wrapped: a secret key (AES, HMAC) or a private key (PKCS#8 when wrapped). */
export type HsmKeyKind = 'secret' | 'rsa' | 'ec';

export interface MechanismOffer {
  mechanism: number;
  flags: number;
  minKeySize?: number;
  maxKeySize?: number;
}

export interface HsmCapabilities {
  mechanisms: MechanismOffer[];
  /** OAEP hashes the HSM accepts. Unknown until probed: undefined means "not known to fail". */
  oaepHashes?: OaepHash[];
  /** Mechanisms that failed when tried (e.g. CKM_RSA_PKCS_OAEP of a private key: CKR_KEY_NOT_WRAPPABLE), by mechanism. */
  failed?: { mechanism: number; keyKind: HsmKeyKind; reason: string }[];
}

export type WrapPlan =
  | { kind: 'oaep'; algorithm: WrappingAlgorithm; hash: OaepHash; description: string }
  | { kind: 'rsa-aes-native'; algorithm: WrappingAlgorithm; hash: OaepHash; description: string }
  | { kind: 'rsa-aes-composed'; algorithm: WrappingAlgorithm; hash: OaepHash; aesWrap: number; description: string };

export const OAEP_HASH_MECHANISM: Record<OaepHash, { hashAlg: number; mgf: number; name: string }> = {
  sha1: { hashAlg: CKM.SHA_1, mgf: 1 /* CKG_MGF1_SHA1 */, name: 'SHA-1' },
  sha256: { hashAlg: CKM.SHA256, mgf: 2 /* CKG_MGF1_SHA256 */, name: 'SHA-256' },
};

function offers(caps: HsmCapabilities, mechanism: number, flag: number): boolean {
  return caps.mechanisms.some((m) => m.mechanism === mechanism && (m.flags & flag) !== 0);
}
function failedFor(caps: HsmCapabilities, mechanism: number, keyKind: HsmKeyKind): string | undefined {
  return caps.failed?.find((f) => f.mechanism === mechanism && f.keyKind === keyKind)?.reason;
}
const hashOk = (caps: HsmCapabilities, h: OaepHash) => !caps.oaepHashes || caps.oaepHashes.includes(h);

/** The plan for one algorithm, or why it does not fit (undefined reason = fits). */
function tryPlan(caps: HsmCapabilities, algorithm: WrappingAlgorithm, keyKind: HsmKeyKind): { plan?: WrapPlan; why?: string } {
  const info = WRAPPING_ALGORITHMS[algorithm];
  const hash = info.hash as OaepHash | undefined;
  if (info.scheme === 'pkcs1' || info.scheme === 'sm2pke' || !hash) return { why: `${algorithm} is not wrapped inside an HSM by this tool` };
  const oaep = offers(caps, CKM.RSA_PKCS_OAEP, CKF.WRAP);
  const hashName = OAEP_HASH_MECHANISM[hash].name;
  if (info.scheme === 'oaep') {
    if (!oaep) return { why: 'the HSM does not offer CKM_RSA_PKCS_OAEP for wrapping' };
    if (!hashOk(caps, hash)) return { why: `the HSM does OAEP only with ${caps.oaepHashes!.map((h) => OAEP_HASH_MECHANISM[h].name).join(', ')}` };
    const failed = failedFor(caps, CKM.RSA_PKCS_OAEP, keyKind);
    if (failed) return { why: failed };
    return { plan: { kind: 'oaep', algorithm, hash, description: `CKM_RSA_PKCS_OAEP (${hashName}, MGF1-${hashName}, no label)` } };
  }
  // rsa-aes
  if (offers(caps, CKM.RSA_AES_KEY_WRAP, CKF.WRAP) && hashOk(caps, hash) && !failedFor(caps, CKM.RSA_AES_KEY_WRAP, keyKind)) {
    return { plan: { kind: 'rsa-aes-native', algorithm, hash, description: `CKM_RSA_AES_KEY_WRAP (AES-256, OAEP ${hashName})` } };
  }
  const aesWrap = [CKM.AES_KEY_WRAP_KWP, CKM.AES_KEY_WRAP_PAD].find((m) => offers(caps, m, CKF.WRAP) && !failedFor(caps, m, keyKind));
  const missing: string[] = [];
  if (!offers(caps, CKM.AES_KEY_GEN, CKF.GENERATE)) missing.push('CKM_AES_KEY_GEN');
  if (aesWrap === undefined) missing.push('CKM_AES_KEY_WRAP_PAD or CKM_AES_KEY_WRAP_KWP');
  if (!oaep) missing.push('CKM_RSA_PKCS_OAEP');
  if (missing.length) return { why: `the HSM offers neither CKM_RSA_AES_KEY_WRAP nor the parts to compose it (missing ${missing.join(', ')})` };
  if (!hashOk(caps, hash)) return { why: `the HSM does OAEP only with ${caps.oaepHashes!.map((h) => OAEP_HASH_MECHANISM[h].name).join(', ')}` };
  return { plan: { kind: 'rsa-aes-composed', algorithm, hash, aesWrap: aesWrap!, description: `RSA-AES composed in the HSM: a session AES-256 key, ${ckmName(aesWrap!)} of the key, CKM_RSA_PKCS_OAEP (${hashName}) of the AES key` } };
}

/** The wrapping algorithms KMS accepts for this kind of key (RSA private keys need RSA_AES_*, sources/000). */
export function kmsAlgorithmsFor(keyKind: HsmKeyKind): WrappingAlgorithm[] {
  const rsaAes: WrappingAlgorithm[] = ['RSA_AES_KEY_WRAP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1'];
  return keyKind === 'rsa' ? rsaAes : ['RSAES_OAEP_SHA_256', ...rsaAes, 'RSAES_OAEP_SHA_1'];
}

/** The algorithms this HSM can do for this key kind, preferred first. */
export function workableAlgorithms(caps: HsmCapabilities, keyKind: HsmKeyKind): WrappingAlgorithm[] {
  return kmsAlgorithmsFor(keyKind).filter((a) => tryPlan(caps, a, keyKind).plan);
}

/** A one-line summary of the HSM's wrapping mechanisms, for messages. */
export function describeWrapMechanisms(caps: HsmCapabilities): string {
  const names = caps.mechanisms.filter((m) => (m.flags & CKF.WRAP) !== 0).map((m) => ckmName(m.mechanism));
  const hashes = caps.oaepHashes ? ` (OAEP with ${caps.oaepHashes.map((h) => OAEP_HASH_MECHANISM[h].name).join(', ')} only)` : '';
  return names.length ? `${names.join(', ')}${hashes}` : 'no wrapping mechanism';
}

/** Chooses how to wrap `keyKind` for `algorithm`, or returns the refusal that says what would work. */
export function selectWrapPlan(caps: HsmCapabilities, algorithm: WrappingAlgorithm, keyKind: HsmKeyKind): { plan: WrapPlan } | { refusal: KmsImportError } {
  const r = tryPlan(caps, algorithm, keyKind);
  if (r.plan) return { plan: r.plan };
  // The same scheme first (OAEP asked → OAEP with another hash), then the others.
  const scheme = WRAPPING_ALGORITHMS[algorithm].scheme;
  const alternatives = workableAlgorithms(caps, keyKind).sort((a, b) => Number(WRAPPING_ALGORITHMS[a].scheme !== scheme) - Number(WRAPPING_ALGORITHMS[b].scheme !== scheme));
  const fix = alternatives.length
    ? `Download parameters for ${alternatives[0]}${alternatives.length > 1 ? ` (this HSM could also do ${alternatives.slice(1).join(', ')})` : ''} and run hsm-wrap again.`
    : `This HSM cannot wrap this key for KMS. It offers ${describeWrapMechanisms(caps)}. Use an HSM (or library) with CKM_RSA_AES_KEY_WRAP or CKM_RSA_PKCS_OAEP with SHA-256, or CloudHSM CLI (key wrap rsa-aes / rsa-oaep).`;
  return { refusal: incompatible('HSM_NO_MECHANISM', `This HSM cannot wrap a ${keyKind === 'secret' ? 'secret' : `${keyKind.toUpperCase()} private`} key with ${algorithm}: ${r.why}.`, fix) };
}
