// PKCS#12 (.p12/.pfx) key extraction with node-forge (Node has no PKCS#12 parser), loaded lazily as its own chunk.
// Guarantees: no key derivation runs with more than MAX_KDF_ITERATIONS iterations — the MAC's and every readable
// bag's PBE/PBKDF2 count are read and checked before node-forge sees the file, and node-forge's key-derivation
// functions are guarded by the same check for anything nested deeper (inside encrypted contents). PBKDF2 runs on
// node:crypto, not node-forge's JavaScript (PBKDF2-SHA-256 with 1,000,000 iterations: 0.4 s measured here).
import * as crypto from 'node:crypto';
import * as asn1 from './asn1';
import { invalidInput, type ErrorCode } from './errors';
import { checkIterations, checkPbeAlgorithm, iterationCount } from './pbes2';

type Forge = typeof import('node-forge');

const OID_DATA = '1.2.840.113549.1.7.1';
const OID_ENCRYPTED_DATA = '1.2.840.113549.1.7.6';
const OID_SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const OID_SAFE_CONTENTS_BAG = '1.2.840.113549.1.12.10.1.6';

const refuse = (code: ErrorCode, what: string, fix: string) => invalidInput(code, what, fix);

/** The PKCS#12's one private key as PKCS#8 DER (the caller zeroes it). */
export function pkcs12PrivateKey(der: Buffer, passphrase: string): Buffer {
  checkPfxIterations(der);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const forge = guard(require('node-forge') as Forge);
  let p12: import('node-forge').pkcs12.Pkcs12Pfx;
  try {
    const a = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(a, false, passphrase);
  } catch (e) {
    if ((e as { code?: string }).code === 'KDF_ITERATIONS') throw e;
    const msg = (e as Error)?.message || '';
    if (/password|MAC|decrypt/i.test(msg)) throw refuse('WRONG_PASSPHRASE', 'The PKCS#12 password is wrong (the integrity check failed).', 'Give the password the .p12/.pfx was exported with.');
    throw refuse('CORRUPT_KEY', `The PKCS#12 file could not be read (${msg.split('\n')[0] || 'malformed'}).`, 'Export it again, or export the private key as PKCS#8.');
  }
  const bags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  if (bags.length === 0) throw refuse('PKCS12_NO_KEY', 'The PKCS#12 file holds no private key (certificates only).', 'Export the .p12/.pfx with its private key.');
  if (bags.length > 1) throw refuse('PKCS12_MANY_KEYS', `The PKCS#12 file holds ${bags.length} private keys; this tool imports one key at a time.`, 'Export the one key you want to import.');
  const bag = bags[0] as { key?: import('node-forge').pki.rsa.PrivateKey | null; asn1?: import('node-forge').asn1.Asn1 };
  try {
    if (bag.key) return Buffer.from(forge.asn1.toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key))).getBytes(), 'binary');
    if (bag.asn1) return Buffer.from(forge.asn1.toDer(bag.asn1).getBytes(), 'binary');
  } catch (e) {
    throw refuse('CORRUPT_KEY', `The PKCS#12 key bag could not be read (${(e as Error)?.message?.split('\n')[0] || 'malformed'}).`, 'Export it again, or export the private key as PKCS#8.');
  }
  throw refuse('PKCS12_NO_KEY', 'The PKCS#12 key bag is empty.', 'Export the .p12/.pfx again.');
}

// ---------------------------------------------------------------------------------------------
// The counts, read before node-forge runs

/**
 * Checks the MAC iteration count and the PBE/PBKDF2 count of every encrypted content and shrouded key bag that can
 * be read without decrypting. Parts that are not strict DER are passed over here (node-forge reads BER); the guarded
 * key-derivation functions still bound them.
 */
export function checkPfxIterations(der: Buffer): void {
  const pfx = tryRead(() => asn1.children(asn1.parse(der)));
  if (!pfx) return;
  const mac = pfx[2]?.tag === asn1.Tag.SEQUENCE ? tryRead(() => asn1.children(pfx[2])) : undefined;
  // MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
  if (mac?.[2]?.tag === asn1.Tag.INTEGER) checkIterations(iterationCount(mac[2], 'MAC iterations'), 'PKCS#12 integrity check (MAC)');
  const authSafe = tryRead(() => dataContent(pfx[1]));
  const contentInfos = authSafe && tryRead(() => asn1.children(asn1.parse(authSafe)));
  for (const ci of contentInfos ?? []) {
    const parts = tryRead(() => asn1.children(ci));
    if (!parts || parts[0]?.tag !== asn1.Tag.OID) continue;
    const type = tryRead(() => asn1.oidOf(parts[0], 'contentType'));
    if (type === OID_DATA) {
      const safeContents = tryRead(() => dataContent(ci));
      if (safeContents) checkSafeContents(safeContents, 0);
    } else if (type === OID_ENCRYPTED_DATA) {
      // [0] { EncryptedData ::= SEQUENCE { version, EncryptedContentInfo ::= SEQUENCE { type, algorithm, [0] content } } }
      const alg = tryRead(() => asn1.children(asn1.children(asn1.children(asn1.children(parts[1])[0])[1])[1]));
      if (alg) checkPbe(alg, 'PKCS#12 encrypted contents');
    }
  }
}

function checkSafeContents(der: Buffer, depth: number): void {
  if (depth > 4) return;
  for (const bag of tryRead(() => asn1.children(asn1.parse(der))) ?? []) {
    const parts = tryRead(() => asn1.children(bag));
    if (!parts || parts[0]?.tag !== asn1.Tag.OID || parts[1]?.tag !== 0xa0) continue;
    const type = tryRead(() => asn1.oidOf(parts[0], 'bagId'));
    const value = tryRead(() => asn1.children(parts[1])[0]);
    if (!value) continue;
    if (type === OID_SHROUDED_KEY_BAG) {
      const alg = tryRead(() => asn1.children(asn1.children(value)[0]));
      if (alg) checkPbe(alg, 'PKCS#12 key bag');
    } else if (type === OID_SAFE_CONTENTS_BAG) {
      checkSafeContents(value.raw, depth + 1);
    }
  }
}

function checkPbe(alg: asn1.Node[], what: string): void {
  try {
    checkPbeAlgorithm(alg, what);
  } catch (e) {
    if (!(e instanceof asn1.Asn1Error)) throw e;
  }
}

/** ContentInfo of type data: [0] EXPLICIT OCTET STRING (or a constructed one, in chunks). */
function dataContent(ci: asn1.Node | undefined): Buffer {
  const parts = asn1.children(asn1.expect(ci, asn1.Tag.SEQUENCE, 'ContentInfo'));
  const content = asn1.children(asn1.expect(parts[1], 0xa0, 'content'))[0];
  if (content?.tag === 0x24) return Buffer.concat(asn1.children(content).map((c) => asn1.expect(c, asn1.Tag.OCTET_STRING, 'data chunk').value));
  return asn1.expect(content, asn1.Tag.OCTET_STRING, 'data').value;
}

function tryRead<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof asn1.Asn1Error) return undefined;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// node-forge's key derivation: bounded, and on native hashes

const GUARDED = Symbol.for('kms-import.forge-guarded');

type ForgeBuffer = import('node-forge').util.ByteStringBuffer;
type ForgeMd = { algorithm: string };

function guard(forge: Forge): Forge {
  const f = forge as unknown as Record<symbol, boolean> & {
    pbe: { generatePkcs12Key: (...a: unknown[]) => ForgeBuffer };
    pkcs12: { generateKey: (...a: unknown[]) => ForgeBuffer };
    pkcs5: { pbkdf2: (...a: unknown[]) => unknown };
  };
  if (f[GUARDED]) return forge;
  // The PKCS#12 key derivation stays node-forge's: one node:crypto hash object per iteration is slower than its
  // JavaScript SHA-1/SHA-256 (measured: 200,000 iterations 1.0–1.9 s native, 0.5–1.1 s node-forge).
  const pkcs12Key = f.pbe.generatePkcs12Key;
  const boundedPkcs12Key = (password: unknown, salt: unknown, id: unknown, iter: unknown, ...rest: unknown[]): ForgeBuffer => {
    checkIterations(Number(iter), 'PKCS#12 key derivation');
    return pkcs12Key(password, salt, id, iter, ...rest);
  };
  f.pbe.generatePkcs12Key = boundedPkcs12Key;
  f.pkcs12.generateKey = boundedPkcs12Key;
  const pbkdf2 = f.pkcs5.pbkdf2;
  // node-forge runs PBKDF2 in JavaScript when given its own digest object (as its PBES2 code does): run it natively.
  f.pkcs5.pbkdf2 = (p: unknown, s: unknown, c: unknown, dkLen: unknown, md?: unknown, ...rest: unknown[]) => {
    checkIterations(Number(c), 'PKCS#12 key bag (PBKDF2)');
    const name = md === undefined || md === null ? 'sha1' : typeof md === 'string' ? md : (md as ForgeMd).algorithm?.replace('/', '-');
    if (typeof p === 'string' && typeof s === 'string' && typeof dkLen === 'number' && rest.length === 0 && name && crypto.getHashes().includes(name)) {
      return crypto.pbkdf2Sync(Buffer.from(p, 'binary'), Buffer.from(s, 'binary'), Number(c), dkLen, name).toString('binary');
    }
    return pbkdf2(p, s, c, dkLen, md, ...rest);
  };
  f[GUARDED] = true;
  return forge;
}
