// A real SoftHSM2 token for tests: its own config and token folder in a temporary directory (no prompts,
// about a second), keys generated inside it through the project's own binding. Not a test file itself.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CKA, CKK, CKM, CKO } from '../../src/hsm/constants';
import { Pkcs11Module, type Attr } from '../../src/hsm/pkcs11';

const CANDIDATES = [process.env.KMS_IMPORT_SOFTHSM_MODULE, '/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so', '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so'].filter((p): p is string => Boolean(p));
export const SOFTHSM_MODULE = CANDIDATES.find((p) => existsSync(p)) ?? CANDIDATES[1];

export const TOKEN_LABEL = 'ci-token';
export const USER_PIN = '1234';

export interface SoftHsm {
  dir: string;
  module: string;
  label: string;
  pin: string;
  pinFile: string;
  /** A logged-in session for making keys (closed by cleanup). */
  hsm: Pkcs11Module;
  session: number;
  cleanup(): void;
}

/** Initialises a fresh token; SOFTHSM2_CONF is set for this process (SoftHSM reads it at C_Initialize). */
export function startSoftHsm(): SoftHsm {
  const dir = mkdtempSync(join(tmpdir(), 'kms-import-softhsm-'));
  const conf = join(dir, 'softhsm2.conf');
  mkdirSync(join(dir, 'tokens'));
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = conf;
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', TOKEN_LABEL, '--so-pin', '12345678', '--pin', USER_PIN], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  const pinFile = join(dir, 'pin.txt');
  writeFileSync(pinFile, `${USER_PIN}\n`, { mode: 0o600 });
  const hsm = Pkcs11Module.open(SOFTHSM_MODULE);
  const slot = hsm.slots().find((s) => hsm.tokenInfo(s).label === TOKEN_LABEL)!;
  const session = hsm.openSession(slot);
  hsm.login(session, Buffer.from(USER_PIN));
  return {
    dir, module: SOFTHSM_MODULE, label: TOKEN_LABEL, pin: USER_PIN, pinFile, hsm, session,
    cleanup() {
      try {
        hsm.closeSession(session);
        hsm.finalize();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export interface KeyOptions {
  label: string;
  id?: Buffer;
  extractable?: boolean;
  sensitive?: boolean;
}

function common(h: Pkcs11Module, o: KeyOptions): Attr[] {
  return [
    h.bool(CKA.TOKEN, true), h.bool(CKA.PRIVATE, true), { type: CKA.LABEL, value: Buffer.from(o.label) }, { type: CKA.ID, value: o.id ?? Buffer.from(o.label) },
    h.bool(CKA.EXTRACTABLE, o.extractable ?? true), h.bool(CKA.SENSITIVE, o.sensitive ?? true),
  ];
}

export function makeGenericSecret(s: SoftHsm, bytes: number, o: KeyOptions): number {
  const h = s.hsm;
  return h.generateKey(s.session, { mechanism: CKM.GENERIC_SECRET_KEY_GEN }, [...common(h, o), h.ulong(CKA.CLASS, CKO.SECRET_KEY), h.ulong(CKA.KEY_TYPE, CKK.GENERIC_SECRET), h.ulong(CKA.VALUE_LEN, bytes), h.bool(CKA.SIGN, true), h.bool(CKA.VERIFY, true)]);
}
export function makeAes(s: SoftHsm, bytes: number, o: KeyOptions): number {
  const h = s.hsm;
  return h.generateKey(s.session, { mechanism: CKM.AES_KEY_GEN }, [...common(h, o), h.ulong(CKA.CLASS, CKO.SECRET_KEY), h.ulong(CKA.KEY_TYPE, CKK.AES), h.ulong(CKA.VALUE_LEN, bytes), h.bool(CKA.ENCRYPT, true), h.bool(CKA.DECRYPT, true)]);
}
export function makeRsa(s: SoftHsm, bits: number, o: KeyOptions): number {
  const h = s.hsm;
  const id = o.id ?? Buffer.from(o.label);
  const pub = [h.bool(CKA.TOKEN, true), { type: CKA.LABEL, value: Buffer.from(o.label) }, { type: CKA.ID, value: id }, h.ulong(CKA.MODULUS_BITS, bits), { type: CKA.PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) }, h.bool(CKA.VERIFY, true)];
  const priv = [...common(h, { ...o, id }), h.bool(CKA.SIGN, true)];
  return h.generateKeyPair(s.session, { mechanism: CKM.RSA_PKCS_KEY_PAIR_GEN }, pub, priv).privateKey;
}
/** P-256: CKA_EC_PARAMS is the DER OID 1.2.840.10045.3.1.7. */
export function makeEcP256(s: SoftHsm, o: KeyOptions): number {
  const h = s.hsm;
  const id = o.id ?? Buffer.from(o.label);
  const params = Buffer.from('06082a8648ce3d030107', 'hex');
  const pub = [h.bool(CKA.TOKEN, true), { type: CKA.LABEL, value: Buffer.from(o.label) }, { type: CKA.ID, value: id }, { type: CKA.EC_PARAMS, value: params }, h.bool(CKA.VERIFY, true)];
  const priv = [...common(h, { ...o, id }), h.bool(CKA.SIGN, true)];
  return h.generateKeyPair(s.session, { mechanism: CKM.EC_KEY_PAIR_GEN }, pub, priv).privateKey;
}

/**
 * Puts an existing private key (generated here, so the test also holds its PKCS#8) into the token, with
 * its public key object under the same CKA_ID — for proofs of keys that were imported into KMS another way.
 */
export function putPrivateKey(s: SoftHsm, key: import('node:crypto').KeyObject, o: KeyOptions): number {
  const h = s.hsm;
  const jwk = key.export({ format: 'jwk' });
  const b = (v: string | undefined) => Buffer.from(v!, 'base64url');
  const id = o.id ?? Buffer.from(o.label);
  const label = { type: CKA.LABEL, value: Buffer.from(o.label) };
  if (jwk.kty === 'RSA') {
    h.create(s.session, [h.ulong(CKA.CLASS, CKO.PUBLIC_KEY), h.ulong(CKA.KEY_TYPE, CKK.RSA), h.bool(CKA.TOKEN, true), label, { type: CKA.ID, value: id }, { type: CKA.MODULUS, value: b(jwk.n) }, { type: CKA.PUBLIC_EXPONENT, value: b(jwk.e) }]);
    return h.create(s.session, [
      h.ulong(CKA.CLASS, CKO.PRIVATE_KEY), h.ulong(CKA.KEY_TYPE, CKK.RSA), ...common(h, { ...o, id }), h.bool(CKA.SIGN, true),
      { type: CKA.MODULUS, value: b(jwk.n) }, { type: CKA.PUBLIC_EXPONENT, value: b(jwk.e) }, { type: 0x123, value: b(jwk.d) },
      { type: 0x124, value: b(jwk.p) }, { type: 0x125, value: b(jwk.q) }, { type: 0x126, value: b(jwk.dp) }, { type: 0x127, value: b(jwk.dq) }, { type: 0x128, value: b(jwk.qi) },
    ]);
  }
  const params = Buffer.from('06082a8648ce3d030107', 'hex'); // P-256
  const point = Buffer.concat([Buffer.from([0x04, 0x41, 0x04]), b(jwk.x), b(jwk.y)]);
  h.create(s.session, [h.ulong(CKA.CLASS, CKO.PUBLIC_KEY), h.ulong(CKA.KEY_TYPE, CKK.EC), h.bool(CKA.TOKEN, true), label, { type: CKA.ID, value: id }, { type: CKA.EC_PARAMS, value: params }, { type: CKA.EC_POINT, value: point }]);
  return h.create(s.session, [h.ulong(CKA.CLASS, CKO.PRIVATE_KEY), h.ulong(CKA.KEY_TYPE, CKK.EC), ...common(h, { ...o, id }), h.bool(CKA.SIGN, true), { type: CKA.EC_PARAMS, value: params }, { type: CKA.VALUE, value: b(jwk.d) }]);
}
