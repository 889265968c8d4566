// The sandbox's Huawei Cloud KMS operations (create-key, describe-key, list-keys, get-parameters-for-import,
// import-key-material, delete-imported-key-material, encrypt-data, decrypt-data, sign, verify,
// get-publickey), strict like Huawei: only keys of origin "external" take material, only while pending
// import (state "5"); tokens are sealed, bound to the key and the wrapping algorithm and valid 24 h;
// symmetric material is exactly 32 bytes; asymmetric keys take the two-part form (a temporary AES-256
// key RSA-wrapped in encrypted_key_material, the PKCS#8 private key under it with RFC 5649 in
// encrypted_privatekey); material deleted or expired comes back only as the same material.
// Keys live in the shared Store (state.json, material sealed under master.key) in their own namespace:
// region "huawei:<region>" — AWS's API never lists or resolves them, and Huawei's never sees AWS keys.
// Key specs are kept under the sandbox's internal names (SYMMETRIC_DEFAULT, ECC_NIST_P256…) so the
// shared key cryptography (keycrypto.ts) serves both APIs; this file translates to Huawei's names.
import * as crypto from 'node:crypto';
import { aesKeyUnwrapPad } from '../../core/kwp';
import type { WrappingAlgorithm } from '../../core/specs';
import { KmsError } from '../errors';
import { checkMaterial, generateMaterial, materialId, openToken, parseCiphertext, sandboxUnwrap, sealToken, sign, symmetricDecrypt, symmetricEncrypt, takeWrappingKey, verify, type CheckedMaterial } from '../keycrypto';
import { specClass } from '../model';
import type { KeyRecord, Store } from '../store';
import { HW, HuaweiError } from './errors';

export type Body = Record<string, unknown>;

export const HW_SPECS: Record<string, string> = { AES_256: 'SYMMETRIC_DEFAULT', RSA_2048: 'RSA_2048', RSA_3072: 'RSA_3072', RSA_4096: 'RSA_4096', EC_P256: 'ECC_NIST_P256', EC_P384: 'ECC_NIST_P384', SM2: 'SM2' };
const TO_HW: Record<string, string> = Object.fromEntries(Object.entries(HW_SPECS).map(([h, i]) => [i, h]));
const STATE_CODE: Record<string, string> = { Enabled: '2', Disabled: '3', PendingDeletion: '4', PendingImport: '5', Creating: '1' };
const WRAPPING = new Set(['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5']);
const KEY_ID = /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/;
const B64 = (min: number, max: number) => new RegExp(`^[0-9a-zA-Z+/=]{${min},${max}}$`);
const TOKEN_TTL = 24 * 3600_000;
const secs = (ms: number) => String(Math.floor(ms / 1000));

export interface HuaweiServiceOptions {
  region: string;
  projectId: string;
  domainId: string;
  now: () => number;
  poolTarget: number;
  log?: (line: string) => void;
}

function str(b: Body, name: string, required: true): string;
function str(b: Body, name: string, required?: false): string | undefined;
function str(b: Body, name: string, required = false): string | undefined {
  const v = b[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw HW.missing(`The request lacks the required parameter ${name}.`);
    return undefined;
  }
  if (typeof v !== 'string') throw HW.invalid(`Invalid ${name}: expected a string, got ${typeof v}.`);
  return v;
}

function b64(b: Body, name: string, re: RegExp, required: true): Buffer;
function b64(b: Body, name: string, re: RegExp, required?: false): Buffer | undefined;
function b64(b: Body, name: string, re: RegExp, required = false): Buffer | undefined {
  const s = required ? str(b, name, true) : str(b, name);
  if (s === undefined) return undefined;
  if (!re.test(s)) throw HW.invalid(`Invalid ${name}: it must be Base64 matching ${re.source} (got ${s.length} characters).`);
  return Buffer.from(s, 'base64');
}

export class HuaweiKmsService {
  readonly ns: string;
  constructor(
    private readonly store: Store,
    private readonly o: HuaweiServiceOptions,
  ) {
    this.ns = `huawei:${o.region}`;
  }

  async call(action: string, body: Body): Promise<Body | undefined> {
    switch (action) {
      case 'create-key': return this.createKey(body);
      case 'describe-key': return { key_info: this.details(this.key(body)) };
      case 'list-keys': return this.listKeys(body);
      case 'get-parameters-for-import': return this.getParameters(body);
      case 'import-key-material': return this.importMaterial(body);
      case 'delete-imported-key-material': return this.deleteMaterial(body);
      case 'encrypt-data': return this.encrypt(body);
      case 'decrypt-data': return this.decrypt(body);
      case 'sign': return this.sign(body);
      case 'verify': return this.verify(body);
      case 'get-publickey': return this.publicKey(body);
      default: throw HW.badUrl(`Invalid request URL: the sandbox's Huawei KMS API has no action "${action}".`);
    }
  }

  private save(): Promise<void> {
    return this.store.save();
  }

  /** Material expiry (expiration_time): the material is deleted and the key goes back to pending import. */
  private refresh(k: KeyRecord): void {
    const m = k.materials[0];
    if (m?.sealed && m.validTo !== undefined && this.o.now() >= m.validTo) {
      delete m.sealed;
      if (k.state !== 'PendingDeletion') k.state = 'PendingImport';
      this.store.save().catch((e: Error) => this.o.log?.(`state write failed: ${e.message}`));
    }
  }

  private key(b: Body): KeyRecord {
    const id = str(b, 'key_id', true);
    if (!KEY_ID.test(id)) throw HW.badKeyId(`Invalid key_id "${id.slice(0, 64)}": a key id is 36 characters, e.g. 0d0466b0-e727-4d9c-b35d-f84bb474a37f.`);
    const k = this.store.keys.get(`${this.ns}/${id}`);
    if (!k) throw HW.notFound(`The key does not exist: ${id} (project ${this.o.projectId}, region ${this.o.region}).`);
    this.refresh(k);
    return k;
  }

  details(k: KeyRecord): Body {
    const alias = [...this.store.aliases.values()].find((a) => a.region === this.ns && a.targetKeyId === k.keyId)?.aliasName ?? '';
    const m = k.materials[0];
    return {
      key_id: k.keyId,
      domain_id: k.accountId,
      key_alias: alias,
      realm: this.o.region,
      key_spec: TO_HW[k.keySpec] ?? k.keySpec,
      key_usage: k.keyUsage,
      key_description: k.description,
      creation_date: secs(k.creationDate),
      scheduled_deletion_date: k.deletionDate ? secs(k.deletionDate) : '',
      key_state: STATE_CODE[k.state] ?? '2',
      default_key_flag: '0',
      key_type: '1',
      expiration_time: m?.sealed && m.validTo !== undefined ? secs(m.validTo) : '',
      origin: k.origin === 'EXTERNAL' ? 'external' : 'kms',
      key_rotation_enabled: 'false',
      sys_enterprise_project_id: '0',
      keystore_id: '0',
    };
  }

  private async createKey(b: Body): Promise<Body> {
    const alias = str(b, 'key_alias', true);
    if (!/^[a-zA-Z0-9:/_-]{1,255}$/.test(alias)) throw HW.invalid(`Invalid key_alias "${alias.slice(0, 64)}": 1-255 characters of letters, digits, ':', '/', '_' and '-'.`);
    if (alias.startsWith('KMS')) throw HW.invalid(`Invalid key_alias "${alias}": aliases starting with KMS are reserved for default keys.`);
    const hwSpec = str(b, 'key_spec') ?? 'AES_256';
    if (hwSpec === 'SM4') throw HW.invalid('Invalid key_spec SM4: the sandbox does not implement SM4 keys (no SM4 in the runtimes it runs in). Use AES_256.');
    const spec = HW_SPECS[hwSpec];
    if (!spec) throw HW.invalid(`Invalid key_spec "${hwSpec}": use one of ${Object.keys(HW_SPECS).join(', ')} (or SM4).`);
    const cls = specClass(spec);
    const usage = str(b, 'key_usage') ?? (cls === 'ec' ? 'SIGN_VERIFY' : 'ENCRYPT_DECRYPT');
    const allowed = cls === 'symmetric' ? ['ENCRYPT_DECRYPT'] : cls === 'ec' ? ['SIGN_VERIFY'] : ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'];
    if (!allowed.includes(usage)) throw HW.invalid(`Invalid key_usage "${usage}" for key_spec ${hwSpec}: use ${allowed.join(' or ')}.`);
    const origin = str(b, 'origin') ?? 'kms';
    if (origin !== 'kms' && origin !== 'external') throw HW.invalid(`Invalid origin "${origin}": use kms, or external for a key that takes imported material.`);
    const description = str(b, 'key_description') ?? '';
    if (description.length > 255) throw HW.invalid('Invalid key_description: at most 255 characters.');
    if (this.store.aliases.has(`${this.ns}/${alias}`)) throw HW.aliasExists(`The key alias ${alias} already exists. Choose another alias.`);
    const now = this.o.now();
    const keyId = crypto.randomUUID();
    const k: KeyRecord = {
      keyId, region: this.ns, arn: `${this.ns}:${this.o.projectId}:key/${keyId}`, accountId: this.o.domainId, creationDate: now, description,
      keySpec: spec, keyUsage: usage, origin: origin === 'external' ? 'EXTERNAL' : 'AWS_KMS', state: origin === 'external' ? 'PendingImport' : 'Enabled',
      enabledWanted: true, multiRegion: false, tags: [], materials: [], rotationsOnDemand: 0, everImported: false,
    };
    if (origin === 'kms') {
      const material = await generateMaterial(spec, false);
      const c = checkMaterial(spec, false, material);
      this.putMaterial(k, c, undefined);
      material.fill(0);
    }
    this.store.keys.set(`${this.ns}/${keyId}`, k);
    this.store.aliases.set(`${this.ns}/${alias}`, { aliasName: alias, region: this.ns, targetKeyId: keyId, creationDate: now, lastUpdatedDate: now });
    await this.save();
    return { key_info: { key_id: keyId, domain_id: this.o.domainId } };
  }

  private putMaterial(k: KeyRecord, c: CheckedMaterial, validTo: number | undefined): void {
    const id = materialId(this.store.idKey, k.keyId, c.identity);
    k.materials = [{ id, sealed: this.store.seal(c.bytes, `${k.keyId}/${id}`), state: 'CURRENT', importedAt: this.o.now(), expirationModel: validTo === undefined ? 'KEY_MATERIAL_DOES_NOT_EXPIRE' : 'KEY_MATERIAL_EXPIRES', validTo }];
    if (c.publicKeySpki) k.publicKey = c.publicKeySpki.toString('base64');
  }

  private listKeys(b: Body): Body {
    const limitText = str(b, 'limit');
    const limit = limitText === undefined ? 1000 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 2000 || !/^\d+$/.test(limitText ?? '1')) throw HW.invalid(`Invalid limit "${limitText}": a number from 1 to 2000, as a string.`);
    const markerText = str(b, 'marker');
    const start = markerText === undefined ? 0 : Number(markerText);
    if (!Number.isInteger(start) || start < 0 || !/^\d+$/.test(markerText ?? '0')) throw HW.invalid(`Invalid marker "${markerText}": pass next_marker from the previous page.`);
    const spec = str(b, 'key_spec') ?? 'AES_256';
    if (spec !== 'ALL' && spec !== 'SM4' && !HW_SPECS[spec]) throw HW.invalid(`Invalid key_spec "${spec}": one of ${Object.keys(HW_SPECS).join(', ')}, SM4 or ALL.`);
    const state = str(b, 'key_state');
    if (state !== undefined && !/^[1-5]$/.test(state)) throw HW.invalid(`Invalid key_state "${state}": 1 to 5.`);
    const keys = [...this.store.keys.values()]
      .filter((k) => k.region === this.ns)
      .map((k) => (this.refresh(k), k))
      .filter((k) => (spec === 'ALL' || HW_SPECS[spec] === k.keySpec) && (state === undefined || STATE_CODE[k.state] === state))
      .sort((a, b2) => a.creationDate - b2.creationDate || a.keyId.localeCompare(b2.keyId));
    const page = keys.slice(start, start + limit);
    const truncated = start + limit < keys.length;
    return { keys: page.map((k) => k.keyId), key_details: page.map((k) => this.details(k)), next_marker: truncated ? String(start + limit) : '', truncated: truncated ? 'true' : 'false', total: keys.length };
  }

  private async getParameters(b: Body): Promise<Body> {
    const k = this.key(b);
    const alg = str(b, 'wrapping_algorithm', true);
    if (alg === 'SM2_ENCRYPT') throw HW.invalid('Invalid wrapping_algorithm SM2_ENCRYPT: the sandbox does not implement SM2 wrapping. Use RSAES_OAEP_SHA_256.');
    if (!WRAPPING.has(alg)) throw HW.invalid(`Invalid wrapping_algorithm "${alg}": use RSAES_OAEP_SHA_256, RSAES_OAEP_SHA_1 or RSAES_PKCS1_V1_5.`);
    if (k.origin !== 'EXTERNAL') throw HW.notExternal(`The key must be an imported one: ${k.keyId} has origin kms. Create a key with origin external.`);
    if (k.state !== 'PendingImport') throw HW.notPendingImport(`The key is not in the Pending import status (state ${STATE_CODE[k.state]}): ${k.keyId}. Material can be imported only into a key pending import; delete the imported material first to import it again.`);
    const pair = await takeWrappingKey(2048, this.o.poolTarget);
    const now = this.o.now();
    const expires = now + TOKEN_TTL;
    const token = sealToken(this.store.tokenKey, { keyId: k.keyId, region: this.ns, algorithm: alg as WrappingAlgorithm, wrappingKeySpec: 'RSA_2048', issued: now, expires, wrappingPrivateKey: pair.privateDer });
    return { key_id: k.keyId, public_key: pair.publicDer.toString('base64'), import_token: token.toString('base64'), expiration_time: Math.floor(expires / 1000) };
  }

  private async importMaterial(b: Body): Promise<undefined> {
    const k = this.key(b);
    const tokenBytes = b64(b, 'import_token', B64(200, 6144), true);
    const wrapped = b64(b, 'encrypted_key_material', B64(344, 360), true);
    const wrappedPrivate = b64(b, 'encrypted_privatekey', B64(200, 6144));
    const exp = b.expiration_time;
    if (exp !== undefined && exp !== null && (typeof exp !== 'number' || !Number.isInteger(exp) || exp < 0)) throw HW.invalid('Invalid expiration_time: seconds since 1970-01-01 as an integer.');
    if (k.origin !== 'EXTERNAL') throw HW.notExternal(`The key must be an imported one: ${k.keyId} has origin kms.`);
    if (k.state !== 'PendingImport') throw HW.notPendingImport(`The key is not in the Pending import status (state ${STATE_CODE[k.state]}): ${k.keyId} already has material.`);
    const t = openToken(this.store.tokenKey, tokenBytes);
    if (!t || t.region !== this.ns) throw HW.tokenInvalid('Token verification failed: the import_token is not one issued by get-parameters-for-import here, or it was altered. Use the token exactly as returned.');
    if (t.keyId !== k.keyId) throw HW.tokenOtherKey(`The key_id does not match the key_id in the token: the token was issued for ${t.keyId}, not ${k.keyId}.`);
    const now = this.o.now();
    if (now >= t.expires) throw HW.tokenExpired(`The import token expired at ${new Date(t.expires).toISOString()} (tokens are valid 24 hours). Get new parameters for import and wrap the material again.`);
    let validTo: number | undefined;
    if (typeof exp === 'number') {
      validTo = exp * 1000;
      if (validTo <= now) throw HW.expiryInPast(`The expiration time of the imported key material (${new Date(validTo).toISOString()}) must be later than the current time.`);
    }
    let unwrapped: Buffer;
    try {
      unwrapped = sandboxUnwrap(wrapped, t.wrappingPrivateKey, t.algorithm);
    } catch (e) {
      if (e instanceof KmsError && e.type === 'InvalidCiphertextException') throw HW.tokenInvalid(`Token verification failed: encrypted_key_material could not be decrypted with ${t.algorithm} and the wrapping key of this import token. Wrap with the public key and the algorithm of the same get-parameters-for-import answer.`);
      throw e;
    } finally {
      t.wrappingPrivateKey.fill(0);
    }
    let checked: CheckedMaterial;
    try {
      checked = specClass(k.keySpec) === 'symmetric' ? this.symmetric(unwrapped) : this.asymmetric(k, unwrapped, wrappedPrivate);
    } finally {
      unwrapped.fill(0);
    }
    const id = materialId(this.store.idKey, k.keyId, checked.identity);
    if (k.everImported && k.materials[0] && k.materials[0].id !== id) throw HW.notSameMaterial(`When you re-import the material of ${k.keyId}, it must be the material imported earlier; this is different material.`);
    this.putMaterial(k, checked, validTo);
    checked.bytes.fill(0);
    k.everImported = true;
    k.state = k.enabledWanted ? 'Enabled' : 'Disabled';
    await this.save();
    return undefined;
  }

  private symmetric(material: Buffer): CheckedMaterial {
    if (material.length !== 32) throw HW.not32Bytes(`The length of the external key in plaintext must be 32 bytes (256 bits); the decrypted material is ${material.length} bytes.`);
    return { identity: Buffer.from(material), bytes: Buffer.from(material) };
  }

  private asymmetric(k: KeyRecord, tempKey: Buffer, wrappedPrivate: Buffer | undefined): CheckedMaterial {
    const hw = TO_HW[k.keySpec];
    if (!wrappedPrivate) throw HW.privateKeyMissing(`The asymmetric private key is missing: a ${hw} key needs encrypted_privatekey (the PKCS#8 private key wrapped with RFC 5649 under the temporary AES-256 key carried in encrypted_key_material).`);
    if (tempKey.length !== 32) throw HW.privateKeyInvalid(`encrypted_key_material carries a ${tempKey.length}-byte key; for an asymmetric key it must carry the temporary 32-byte AES-256 key that wraps the private key.`);
    let pkcs8: Buffer;
    try {
      pkcs8 = aesKeyUnwrapPad(tempKey, wrappedPrivate);
    } catch {
      throw HW.privateKeyInvalid('The asymmetric private key is invalid: encrypted_privatekey does not unwrap (RFC 5649, AES-256) under the temporary key in encrypted_key_material.');
    }
    try {
      return checkMaterial(k.keySpec, false, pkcs8);
    } catch (e) {
      if (e instanceof KmsError) throw HW.privateKeyInvalid(`The asymmetric private key is invalid for ${hw}: ${e.message.replace(/KMS key/g, 'key')}`);
      throw e;
    } finally {
      pkcs8.fill(0);
    }
  }

  private async deleteMaterial(b: Body): Promise<undefined> {
    const k = this.key(b);
    if (k.origin !== 'EXTERNAL') throw HW.notExternal(`The key must be an imported one: ${k.keyId} has origin kms.`);
    if (specClass(k.keySpec) !== 'symmetric') throw HW.cannotDeletePrivate(`Imported private key material cannot be deleted (${k.keyId} is ${TO_HW[k.keySpec]}). Schedule the key's deletion instead.`);
    if (k.state !== 'Enabled' && k.state !== 'Disabled') throw HW.cannotDelete(`Key material can be deleted only when the key is Enabled or Disabled; ${k.keyId} is in state ${STATE_CODE[k.state]}.`);
    const m = k.materials[0];
    if (m) delete m.sealed;
    k.state = 'PendingImport';
    await this.save();
    return undefined;
  }

  /** Material for a cryptographic operation: the key must be enabled and have the usage. */
  private usable(k: KeyRecord, usage: string): Buffer {
    if (k.state === 'Disabled') throw HW.disabled(`The key has been disabled and cannot be used: ${k.keyId}.`);
    if (k.state === 'PendingDeletion') throw HW.pendingDeletion(`The key is in the Pending deletion status and cannot be used: ${k.keyId}.`);
    if (k.state !== 'Enabled') throw HW.notEnabled(`The key is not enabled (state ${STATE_CODE[k.state]}): ${k.keyId}${k.state === 'PendingImport' ? ' is pending import' : ''}.`);
    if (k.keyUsage !== usage) throw HW.invalid(`Invalid key usage: this operation needs a ${usage} key; ${k.keyId} is ${k.keyUsage}.`);
    const m = k.materials[0];
    return this.store.unseal(m.sealed!, `${k.keyId}/${m.id}`);
  }

  private encrypt(b: Body): Body {
    const k = this.key(b);
    const plain = str(b, 'plain_text', true);
    const alg = str(b, 'encryption_algorithm') ?? 'SYMMETRIC_DEFAULT';
    if (alg !== 'SYMMETRIC_DEFAULT' || specClass(k.keySpec) !== 'symmetric') throw HW.invalid(`Invalid encryption_algorithm ${alg} for ${TO_HW[k.keySpec]}: the sandbox's encrypt-data serves AES_256 keys with SYMMETRIC_DEFAULT.`);
    const bytes = Buffer.from(plain, 'utf8');
    if (bytes.length > 4096) throw HW.invalid('Invalid plain_text: at most 4096 bytes.');
    const key = this.usable(k, 'ENCRYPT_DECRYPT');
    try {
      return { key_id: k.keyId, cipher_text: symmetricEncrypt(k.keyId, k.materials[0].id, key, bytes).toString('base64') };
    } finally {
      key.fill(0);
    }
  }

  private decrypt(b: Body): Body {
    const blob = b64(b, 'cipher_text', /^[0-9a-zA-Z+/=]{1,8192}$/, true);
    const ref = parseCiphertext(blob);
    if (!ref) throw HW.invalid('Invalid cipher_text: it is not a ciphertext returned by encrypt-data.');
    const given = str(b, 'key_id');
    if (given !== undefined && given !== ref.keyId) throw HW.invalid(`Invalid cipher_text: it was encrypted under key ${ref.keyId}, not ${given}.`);
    const k = this.key({ key_id: ref.keyId });
    const key = this.usable(k, 'ENCRYPT_DECRYPT');
    try {
      const plain = ref.materialId === k.materials[0].id ? symmetricDecrypt(blob, key) : undefined;
      if (!plain) throw HW.invalid('Invalid cipher_text: it does not decrypt under this key (altered, or made under other material).');
      return { key_id: k.keyId, plain_text: plain.toString('utf8') };
    } finally {
      key.fill(0);
    }
  }

  private signInput(b: Body): { k: KeyRecord; message: Buffer; alg: string; type: string } {
    const k = this.key(b);
    const message = b64(b, 'message', /^[0-9a-zA-Z+/=]{1,8192}$/, true);
    const alg = str(b, 'signing_algorithm', true);
    const type = str(b, 'message_type') ?? 'DIGEST';
    if (type !== 'DIGEST' && type !== 'RAW') throw HW.invalid(`Invalid message_type "${type}": DIGEST or RAW.`);
    const cls = specClass(k.keySpec);
    const ok = cls === 'rsa' ? /^RSASSA_(PSS|PKCS1_V1_5)_SHA_(256|384|512)$/.test(alg) : cls === 'ec' ? /^ECDSA_SHA_(256|384|512)$/.test(alg) : cls === 'sm2' ? alg === 'SM2DSA_SM3' : false;
    if (!ok) throw HW.invalid(`Invalid signing_algorithm ${alg} for a ${TO_HW[k.keySpec]} key.`);
    return { k, message, alg, type };
  }

  private sign(b: Body): Body {
    const { k, message, alg, type } = this.signInput(b);
    const pkcs8 = this.usable(k, 'SIGN_VERIFY');
    try {
      return { key_id: k.keyId, signature: sign(k.keySpec, pkcs8, alg, message, type).toString('base64') };
    } catch (e) {
      if (e instanceof KmsError) throw HW.invalid(e.message);
      throw e;
    } finally {
      pkcs8.fill(0);
    }
  }

  private verify(b: Body): Body {
    const { k, message, alg, type } = this.signInput(b);
    const signature = b64(b, 'signature', /^[0-9a-zA-Z+/=]{1,2048}$/, true);
    this.usable(k, 'SIGN_VERIFY').fill(0);
    let valid: boolean;
    try {
      valid = verify(k.keySpec, Buffer.from(k.publicKey!, 'base64'), alg, message, type, signature);
    } catch (e) {
      if (e instanceof KmsError) throw HW.invalid(e.message);
      throw e;
    }
    return { key_id: k.keyId, signature_valid: valid ? 'true' : 'false' };
  }

  private publicKey(b: Body): Body {
    const k = this.key(b);
    if (specClass(k.keySpec) === 'symmetric') throw HW.invalid(`Invalid key: ${k.keyId} is AES_256; get-publickey serves asymmetric keys.`);
    if (k.state !== 'Enabled' && k.state !== 'Disabled') this.usable(k, k.keyUsage);
    const der = Buffer.from(k.publicKey!, 'base64');
    const pem = `-----BEGIN PUBLIC KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PUBLIC KEY-----\n`;
    return { key_id: k.keyId, public_key: pem };
  }
}

export { HuaweiError };
