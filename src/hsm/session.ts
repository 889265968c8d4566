// An HSM session for one key: load the PKCS#11 library, find the token by label, log in, find the key by
// label or CKA_ID and describe it (class, type, size, the KMS key spec it matches, whether it may leave
// by wrapping, its public key as SPKI). Every failure becomes a KmsImportError that names the cause and
// the fix; the PIN is never logged or kept (zeroed after C_Login). close() destroys every session object
// made through track(), logs out and finalizes, whatever happened before.
import { existsSync } from 'node:fs';
import * as asn1 from '../core/asn1';
import { KmsImportError, incompatible, invalidInput } from '../core/errors';
import { spkiFromPkcs1 } from '../core/publicKey';
import { CURVES, type KeySpec } from '../core/specs';
import { CKA, CKF, CKK, CKO, CKR, ckrName } from './constants';
import type { HsmCapabilities, HsmKeyKind } from './mechanisms';
import { Pkcs11Error, Pkcs11Module } from './pkcs11';

export interface HsmTarget {
  module: string;
  token: string;
  /** The PIN bytes; zeroed by openHsmKey. */
  pin: Buffer;
  keyLabel?: string;
  /** CKA_ID as hex. */
  keyIdHex?: string;
}

export interface HsmKeyFacts {
  kind: HsmKeyKind;
  keyType: number;
  /** The KMS key spec this key matches, when it matches one. */
  keySpec?: KeySpec;
  description: string;
  extractable: boolean;
  /** Secret keys: CKA_VALUE_LEN. */
  valueLen?: number;
  /** RSA: modulus bits. */
  bits?: number;
  /** EC: CKA_EC_PARAMS (DER OID). */
  ecParams?: Buffer;
  /** Asymmetric keys: the public key as SubjectPublicKeyInfo DER, read from the HSM. */
  publicKeySpki?: Buffer;
}

export interface HsmKeySession {
  hsm: Pkcs11Module;
  slot: number;
  session: number;
  key: number;
  facts: HsmKeyFacts;
  tokenManufacturer: string;
  /** Registers a session object to destroy on close. */
  track(handle: number): number;
  /** Destroys one tracked object now. */
  destroy(handle: number): void;
  capabilities(): HsmCapabilities;
  close(): { destroyed: number };
}

export function hsmFailure(e: unknown, doing: string): KmsImportError {
  if (e instanceof KmsImportError) return e;
  if (e instanceof Pkcs11Error) {
    return new KmsImportError('internal', 'HSM_ERROR', `The HSM refused ${doing}: ${e.fn} returned ${ckrName(e.rv)}.`, 'Check the token and key attributes in the HSM (CKA_WRAP on wrapping keys, CKA_EXTRACTABLE on the key), then try again.');
  }
  return new KmsImportError('internal', 'HSM_ERROR', `The HSM failed while ${doing}: ${e instanceof Error ? e.message : String(e)}.`, 'Check the PKCS#11 library and the token, then try again.');
}

function loadModule(path: string): Pkcs11Module {
  if (!existsSync(path)) {
    throw invalidInput('HSM_MODULE_NOT_FOUND', `The PKCS#11 library ${path} does not exist.`, 'Give the path of your HSM\'s PKCS#11 library with --module (SoftHSM2: /usr/lib/softhsm/libsofthsm2.so; CloudHSM: /opt/cloudhsm/lib/libcloudhsm_pkcs11.so).');
  }
  try {
    return Pkcs11Module.open(path);
  } catch (e) {
    if (e instanceof KmsImportError) throw e; // koffi itself is missing: not the library's fault
    const why = e instanceof Pkcs11Error ? `${e.fn} returned ${ckrName(e.rv)}` : (e instanceof Error ? e.message : String(e)).split('\n')[0];
    throw invalidInput('HSM_MODULE_LOAD_FAILED', `The PKCS#11 library ${path} could not be loaded: ${why}.`, 'Give the HSM vendor\'s PKCS#11 library for this machine\'s architecture (a .so, .dylib or .dll exporting C_GetFunctionList), with its configuration in place.');
  }
}

function ulongOf(s: HsmKeySession | { hsm: Pkcs11Module; session: number }, key: number, type: number): number | undefined {
  return s.hsm.ulongAttribute(s.session, key, type);
}

const HMAC_SPEC: Record<number, KeySpec> = { 28: 'HMAC_224', 32: 'HMAC_256', 48: 'HMAC_384', 64: 'HMAC_512' };
const HMAC_KEY_TYPES: number[] = [CKK.GENERIC_SECRET, CKK.SHA224_HMAC, CKK.SHA256_HMAC, CKK.SHA384_HMAC, CKK.SHA512_HMAC];

/** The public key of an EC key from CKA_EC_PARAMS and CKA_EC_POINT (a DER OCTET STRING, or the raw point). */
export function ecSpki(params: Buffer, point: Buffer): Buffer {
  let raw = point;
  if (point[0] === asn1.Tag.OCTET_STRING) {
    try {
      const t = asn1.readTlv(point);
      if (t.end === point.length) raw = t.value;
    } catch {
      /* the raw point */
    }
  }
  return asn1.seq(asn1.seq(asn1.oid(asn1.OID.ecPublicKey), params), asn1.bitString(raw));
}
export function rsaSpki(modulus: Buffer, exponent: Buffer): Buffer {
  return spkiFromPkcs1(asn1.seq(asn1.integer(modulus), asn1.integer(exponent)));
}

function describeKey(hsm: Pkcs11Module, session: number, key: number): HsmKeyFacts {
  const s = { hsm, session };
  const cls = ulongOf(s, key, CKA.CLASS);
  const keyType = ulongOf(s, key, CKA.KEY_TYPE) ?? -1;
  const extractable = hsm.boolAttribute(session, key, CKA.EXTRACTABLE) ?? false;
  if (cls === CKO.SECRET_KEY) {
    const valueLen = ulongOf(s, key, CKA.VALUE_LEN);
    if (keyType === CKK.AES) {
      return { kind: 'secret', keyType, valueLen, extractable, keySpec: valueLen === 32 ? 'SYMMETRIC_DEFAULT' : undefined, description: `AES-${(valueLen ?? 0) * 8} secret key` };
    }
    if (HMAC_KEY_TYPES.includes(keyType)) {
      return { kind: 'secret', keyType, valueLen, extractable, keySpec: valueLen ? HMAC_SPEC[valueLen] : undefined, description: `${valueLen ?? '?'}-byte generic secret (HMAC) key` };
    }
    return { kind: 'secret', keyType, valueLen, extractable, description: `secret key of type 0x${keyType.toString(16)}` };
  }
  if (cls === CKO.PRIVATE_KEY) {
    const id = hsm.attribute(session, key, CKA.ID);
    const pub = id?.length ? hsm.find(session, [hsm.ulong(CKA.CLASS, CKO.PUBLIC_KEY), { type: CKA.ID, value: id }], 2)[0] : undefined;
    const attr = (type: number) => hsm.attribute(session, key, type) ?? (pub !== undefined ? hsm.attribute(session, pub, type) : undefined);
    if (keyType === CKK.RSA) {
      const n = attr(CKA.MODULUS);
      const e = attr(CKA.PUBLIC_EXPONENT);
      const bits = n ? bitLength(n) : undefined;
      const keySpec = bits === 2048 ? 'RSA_2048' : bits === 3072 ? 'RSA_3072' : bits === 4096 ? 'RSA_4096' : undefined;
      return { kind: 'rsa', keyType, bits, extractable, keySpec, publicKeySpki: n && e ? rsaSpki(n, e) : undefined, description: `RSA ${bits ?? '?'}-bit private key` };
    }
    if (keyType === CKK.EC) {
      const params = attr(CKA.EC_PARAMS);
      const point = pub !== undefined ? hsm.attribute(session, pub, CKA.EC_POINT) : hsm.attribute(session, key, CKA.EC_POINT);
      let curve: string | undefined;
      try {
        curve = params ? asn1.oidOf(asn1.parse(params), 'EC parameters') : undefined;
      } catch {
        curve = undefined;
      }
      const named = Object.entries(CURVES).find(([, c]) => c.oid === curve);
      return { kind: 'ec', keyType, ecParams: params, extractable, keySpec: named?.[1].spec, publicKeySpki: params && point ? ecSpki(params, point) : undefined, description: `EC private key on ${named?.[0] ?? curve ?? 'an unknown curve'}` };
    }
    throw incompatible('HSM_KEY_TYPE_UNSUPPORTED', `The key is a private key of PKCS#11 type 0x${keyType.toString(16)}, which KMS does not import.`, 'Choose an RSA (2048/3072/4096), EC (P-256/P-384/P-521, secp256k1), AES-256 or HMAC key.');
  }
  throw invalidInput('HSM_NOT_A_KEY', `The object found is not a private or secret key (class ${cls}).`, 'Give the label or id of the private key (not its public key or certificate) or of the secret key.');
}

function bitLength(n: Buffer): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  return i === n.length ? 0 : (n.length - i) * 8 - Math.clz32(n[i]) + 24;
}

export function openHsmKey(target: HsmTarget): HsmKeySession {
  const pin = target.pin;
  let hsm: Pkcs11Module | undefined;
  let session: number | undefined;
  // Login state is the application's, shared by its sessions: log out only if this call logged in.
  let loggedIn = false;
  try {
    hsm = loadModule(target.module);
    const h = hsm;
    const tokens = h.slots().map((s) => h.tokenInfo(s));
    const token = tokens.find((t) => t.label === target.token);
    if (!token) {
      throw invalidInput('HSM_TOKEN_NOT_FOUND', `No token labelled "${target.token}" in ${target.module}${tokens.length ? ` (tokens: ${tokens.map((t) => `"${t.label}"`).join(', ')})` : ' (it reports no token)'}.`, 'Give the token\'s label with --token (softhsm2-util --show-slots or pkcs11-tool -L lists them).');
    }
    session = h.openSession(token.slot);
    try {
      loggedIn = h.login(session, pin);
    } catch (e) {
      if (e instanceof Pkcs11Error && (e.rv === CKR.PIN_INCORRECT || e.rv === CKR.PIN_INVALID || e.rv === CKR.PIN_LEN_RANGE)) {
        throw invalidInput('HSM_PIN_INCORRECT', `The PIN for token "${target.token}" is wrong (${ckrName(e.rv)}).`, 'Give the crypto user\'s PIN with --pin-file FILE or KMS_IMPORT_HSM_PIN; repeated wrong PINs may lock the token.');
      }
      if (e instanceof Pkcs11Error && e.rv === CKR.PIN_LOCKED) throw invalidInput('HSM_PIN_LOCKED', `The user PIN of token "${target.token}" is locked.`, 'Have the security officer unlock or reset the user PIN.');
      throw e;
    }
    const query = target.keyIdHex !== undefined ? { type: CKA.ID, value: Buffer.from(target.keyIdHex, 'hex') } : { type: CKA.LABEL, value: Buffer.from(target.keyLabel ?? '', 'utf8') };
    const what = target.keyIdHex !== undefined ? `id ${target.keyIdHex}` : `label "${target.keyLabel}"`;
    const found = [CKO.PRIVATE_KEY, CKO.SECRET_KEY].flatMap((cls) => h.find(session!, [h.ulong(CKA.CLASS, cls), query], 4));
    if (!found.length) throw invalidInput('HSM_KEY_NOT_FOUND', `No private or secret key with ${what} on token "${target.token}".`, 'Give the key\'s CKA_LABEL with --key-label or its CKA_ID (hex) with --key-id (pkcs11-tool --list-objects --login shows them).');
    if (found.length > 1) throw invalidInput('HSM_KEY_AMBIGUOUS', `${found.length} keys have ${what} on token "${target.token}".`, 'Choose the key by its CKA_ID with --key-id HEX.');
    const key = found[0];
    const facts = describeKey(h, session, key);
    const made: number[] = [];
    const s = session;
    let closed = false;
    return {
      hsm: h, slot: token.slot, session: s, key, facts, tokenManufacturer: token.manufacturer,
      track(handle) {
        made.push(handle);
        return handle;
      },
      destroy(handle) {
        const i = made.indexOf(handle);
        if (i >= 0) made.splice(i, 1);
        h.destroy(s, handle);
      },
      capabilities() {
        return { mechanisms: h.mechanisms(token.slot).map((m) => ({ mechanism: m, flags: h.mechanismInfo(token.slot, m)?.flags ?? 0 })) };
      },
      close() {
        if (closed) return { destroyed: 0 };
        closed = true;
        let destroyed = 0;
        for (const o of made.splice(0)) if (h.destroy(s, o) === CKR.OK) destroyed++;
        if (loggedIn) h.logout(s);
        h.closeSession(s);
        h.finalize();
        return { destroyed };
      },
    };
  } catch (e) {
    pin.fill(0);
    if (hsm && session !== undefined) {
      if (loggedIn) hsm.logout(session);
      hsm.closeSession(session);
    }
    hsm?.finalize();
    throw hsmFailure(e, 'opening the key');
  }
}

/** CKF flag check used by callers that need a mechanism for one function. */
export function hasMechanism(caps: HsmCapabilities, mechanism: number, flag: number = CKF.WRAP): boolean {
  return caps.mechanisms.some((m) => m.mechanism === mechanism && (m.flags & flag) !== 0);
}
