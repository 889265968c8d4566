// A small PKCS#11 (v2.40 C API) binding over koffi, the FFI this tool uses to drive an HSM's own library.
//
// Why koffi and not pkcs11js: koffi ships prebuilt N-API binaries (as per-platform optional npm packages,
// like esbuild) — `npm ci` needs no compiler, no node-gyp and no install script (this machine's npm does
// not run install scripts, and pkcs11js 2.1.7 has no prebuilt binaries, so it would need a C++ toolchain
// and Node headers on every machine and CI). N-API means the same binary loads in VS Code desktop's
// Electron. And with an FFI the PKCS#11 structs pkcs11js lacks (CK_RSA_AES_KEY_WRAP_PARAMS) are declared
// here. koffi is loaded only when an HSM command runs (dist/cli-hsm.js, dist/hsm-worker.js), never at
// activation. It stays external to the bundles (its loader finds koffi.node relative to its own files): the
// CLI loads node_modules/koffi; the extension's worker loads dist/koffi, copied at build with the build
// platform's @koromix/koffi-<os>-<arch> into dist/@koromix (scripts/build.mjs), so a .vsix is per platform.
// Calls are synchronous: a library that hangs blocks its thread (in the extension, the worker's, not the host's).
//
// Guarantees: every call's CK_RV is checked and turned into a Pkcs11Error naming the function and the
// CKR_ name; the PIN buffer is zeroed after C_Login; functions are taken from C_GetFunctionList (the
// standard entry point), structs are laid out for the platform's CK_ULONG (4 bytes on Windows, packed
// to 1 byte as the Windows headers do) and pointer size. Memory handed to the library is Node Buffers
// kept referenced for the duration of each call.
import { KmsImportError } from '../core/errors';
import { CKA, CKF_RW_SESSION, CKF_SERIAL_SESSION, CKR, CKU_USER, ckrName } from './constants';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Koffi = any;

export class Pkcs11Error extends Error {
  constructor(readonly fn: string, readonly rv: number) {
    super(`${fn} returned ${ckrName(rv)}`);
    this.name = 'Pkcs11Error';
  }
}

export interface Attr {
  type: number;
  value: Buffer;
}
export interface Mechanism {
  mechanism: number;
  parameter?: Buffer;
}
export interface MechanismInfo {
  minKeySize: number;
  maxKeySize: number;
  flags: number;
}
export interface TokenInfo {
  slot: number;
  label: string;
  manufacturer: string;
  model: string;
}

// Indexes of CK_FUNCTION_LIST (pkcs11f.h order).
const FN = {
  C_Initialize: 0, C_Finalize: 1, C_GetSlotList: 4, C_GetTokenInfo: 6, C_GetMechanismList: 7, C_GetMechanismInfo: 8,
  C_OpenSession: 12, C_CloseSession: 13, C_Login: 18, C_Logout: 19, C_CreateObject: 20, C_DestroyObject: 22,
  C_GetAttributeValue: 24, C_FindObjectsInit: 26, C_FindObjects: 27, C_FindObjectsFinal: 28,
  C_SignInit: 42, C_Sign: 43, C_GenerateKey: 58, C_GenerateKeyPair: 59, C_WrapKey: 60,
} as const;
const PROTOS: Record<keyof typeof FN, string> = {
  C_Initialize: 'void *',
  C_Finalize: 'void *',
  C_GetSlotList: 'uint8_t, void *, void *',
  C_GetTokenInfo: 'unsigned long, void *',
  C_GetMechanismList: 'unsigned long, void *, void *',
  C_GetMechanismInfo: 'unsigned long, unsigned long, void *',
  C_OpenSession: 'unsigned long, unsigned long, void *, void *, void *',
  C_CloseSession: 'unsigned long',
  C_Login: 'unsigned long, unsigned long, void *, unsigned long',
  C_Logout: 'unsigned long',
  C_CreateObject: 'unsigned long, void *, unsigned long, void *',
  C_DestroyObject: 'unsigned long, unsigned long',
  C_GetAttributeValue: 'unsigned long, unsigned long, void *, unsigned long',
  C_FindObjectsInit: 'unsigned long, void *, unsigned long',
  C_FindObjects: 'unsigned long, void *, unsigned long, void *',
  C_FindObjectsFinal: 'unsigned long',
  C_SignInit: 'unsigned long, void *, unsigned long',
  C_Sign: 'unsigned long, void *, unsigned long, void *, void *',
  C_GenerateKey: 'unsigned long, void *, void *, unsigned long, void *',
  C_GenerateKeyPair: 'unsigned long, void *, void *, unsigned long, void *, unsigned long, void *, void *',
  C_WrapKey: 'unsigned long, void *, unsigned long, unsigned long, void *, void *',
};

/** CK_ULONG and pointer layout of this platform. */
class Layout {
  readonly ulong: number;
  readonly ptr: number;
  readonly packed: boolean;
  constructor(koffi: Koffi) {
    this.ulong = koffi.sizeof('unsigned long');
    this.ptr = koffi.sizeof('void *');
    this.packed = process.platform === 'win32';
  }
  readUlong(b: Buffer, off = 0): number {
    return this.ulong === 8 ? Number(b.readBigUInt64LE(off)) : b.readUInt32LE(off);
  }
  writeUlong(b: Buffer, v: number, off = 0): void {
    if (this.ulong === 8) b.writeBigUInt64LE(BigInt(v), off);
    else b.writeUInt32LE(v >>> 0, off);
  }
  isUnavailable(b: Buffer, off = 0): boolean {
    return this.ulong === 8 ? b.readBigUInt64LE(off) === 0xffffffffffffffffn : b.readUInt32LE(off) === 0xffffffff;
  }
  /** Offsets of a struct made of CK_ULONG ('u') and pointer ('p') fields, and its size. */
  struct(fields: ('u' | 'p')[]): { offsets: number[]; size: number } {
    let off = 0;
    let maxAlign = 1;
    const offsets = fields.map((f) => {
      const size = f === 'u' ? this.ulong : this.ptr;
      const align = this.packed ? 1 : size;
      maxAlign = Math.max(maxAlign, align);
      off = Math.ceil(off / align) * align;
      const at = off;
      off += size;
      return at;
    });
    return { offsets, size: Math.ceil(off / maxAlign) * maxAlign };
  }
  ulongBuf(v = 0): Buffer {
    const b = Buffer.alloc(this.ulong);
    this.writeUlong(b, v);
    return b;
  }
}

/** An ulong/pointer struct in a Buffer, with the buffers it points to kept alive. */
export interface Packed {
  buf: Buffer;
  keep: unknown[];
}

/** C_Initialize/C_Finalize are per process: open modules per library path, finalized when the last closes. */
/** koffi's prototype names are process-wide: declared once. */
const protos = new Map<string, unknown>();
const initialized = new Map<string, { count: number; ours: boolean; lib: unknown }>();

export class Pkcs11Module {
  private readonly fns = new Map<string, (...args: unknown[]) => number>();
  private readonly layout: Layout;
  private finalized = false;

  private constructor(private readonly koffi: Koffi, readonly path: string, fnList: bigint) {
    this.layout = new Layout(koffi);
    const versionBytes = 2;
    const first = Math.ceil(versionBytes / (this.layout.packed ? 1 : this.layout.ptr)) * (this.layout.packed ? 1 : this.layout.ptr);
    for (const [name, index] of Object.entries(FN)) {
      const ptr = koffi.decode(fnList, first + index * this.layout.ptr, 'void *');
      let proto = protos.get(name);
      if (!proto) protos.set(name, (proto = koffi.proto(`unsigned long kms_import_${name}_t(${PROTOS[name as keyof typeof FN]})`)));
      this.fns.set(name, (...args: unknown[]) => Number(koffi.call(ptr, proto, ...args)));
    }
  }

  /** Loads the library, takes its function list and calls C_Initialize. Throws the loader's message when it cannot load. */
  static open(path: string): Pkcs11Module {
    let koffi: Koffi;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      koffi = require('koffi');
    } catch (e) {
      throw new KmsImportError('internal', 'HSM_FFI_MISSING', `The PKCS#11 binding (koffi) could not load for ${process.platform}-${process.arch}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}.`, 'Install the build of the extension for this platform (each .vsix carries the koffi binary of one platform), or run npm install for the CLI.');
    }
    const lib = koffi.load(path);
    const getList = lib.func('unsigned long C_GetFunctionList(_Out_ void **ppFunctionList)');
    const out: unknown[] = [null];
    const rv = Number(getList(out));
    if (rv !== CKR.OK) throw new Pkcs11Error('C_GetFunctionList', rv);
    const list = typeof out[0] === 'bigint' ? out[0] : BigInt(koffi.address(out[0]));
    if (list === 0n) throw new Pkcs11Error('C_GetFunctionList', CKR.GENERAL_ERROR);
    const m = new Pkcs11Module(koffi, path, list);
    const known = initialized.get(path);
    if (known) {
      known.count++;
      return m;
    }
    const init = m.call('C_Initialize', null);
    if (init !== CKR.OK && init !== CKR.CRYPTOKI_ALREADY_INITIALIZED) throw new Pkcs11Error('C_Initialize', init);
    initialized.set(path, { count: 1, ours: init === CKR.OK, lib });
    return m;
  }

  private call(name: keyof typeof FN, ...args: unknown[]): number {
    return this.fns.get(name)!(...args);
  }
  private check(name: keyof typeof FN, ...args: unknown[]): void {
    const rv = this.call(name, ...args);
    if (rv !== CKR.OK) throw new Pkcs11Error(name, rv);
  }

  finalize(): void {
    if (this.finalized) return;
    this.finalized = true;
    const known = initialized.get(this.path);
    if (known && --known.count > 0) return;
    initialized.delete(this.path);
    if (known?.ours) this.call('C_Finalize', null);
  }

  // ---- structs -------------------------------------------------------------------------------

  /** A CK_ULONG/pointer struct; pointer fields take Buffers (or null). */
  pack(fields: ('u' | 'p')[], values: (number | Buffer | null)[]): Packed {
    const { offsets, size } = this.layout.struct(fields);
    const buf = Buffer.alloc(size);
    const keep: unknown[] = [];
    fields.forEach((f, i) => {
      const v = values[i];
      if (f === 'u') this.layout.writeUlong(buf, v as number, offsets[i]);
      else this.writePtr(buf, offsets[i], v as Buffer | null, keep);
    });
    return { buf, keep };
  }
  private writePtr(buf: Buffer, off: number, v: Buffer | null, keep: unknown[]): void {
    const addr = v && v.length ? BigInt(this.koffi.address(v)) : 0n;
    if (v) keep.push(v);
    if (this.layout.ptr === 8) buf.writeBigUInt64LE(addr, off);
    else buf.writeUInt32LE(Number(addr), off);
  }
  private template(attrs: Attr[]): Packed {
    const { offsets, size } = this.layout.struct(['u', 'p', 'u']);
    const buf = Buffer.alloc(size * Math.max(1, attrs.length));
    const keep: unknown[] = [];
    attrs.forEach((a, i) => {
      this.layout.writeUlong(buf, a.type, i * size + offsets[0]);
      this.writePtr(buf, i * size + offsets[1], a.value, keep);
      this.layout.writeUlong(buf, a.value.length, i * size + offsets[2]);
    });
    return { buf, keep };
  }
  private mechanism(m: Mechanism): Packed {
    return this.pack(['u', 'p', 'u'], [m.mechanism, m.parameter ?? null, m.parameter?.length ?? 0]);
  }
  /** Attribute value helpers. */
  bool(type: number, v: boolean): Attr {
    return { type, value: Buffer.from([v ? 1 : 0]) };
  }
  ulong(type: number, v: number): Attr {
    return { type, value: this.layout.ulongBuf(v) };
  }
  readUlong(b: Buffer): number {
    return this.layout.readUlong(b);
  }
  /** CK_RSA_PKCS_OAEP_PARAMS { hashAlg, mgf, source, pSourceData, ulSourceDataLen } with no label. */
  oaepParams(hashAlg: number, mgf: number): Packed {
    return this.pack(['u', 'u', 'u', 'p', 'u'], [hashAlg, mgf, 1 /* CKZ_DATA_SPECIFIED */, null, 0]);
  }
  /** CK_RSA_AES_KEY_WRAP_PARAMS { ulAESKeyBits, pOAEPParams }. */
  rsaAesParams(aesKeyBits: number, oaep: Packed): Packed {
    const p = this.pack(['u', 'p'], [aesKeyBits, oaep.buf]);
    p.keep.push(oaep);
    return p;
  }

  // ---- slots, tokens, mechanisms ---------------------------------------------------------------

  slots(): number[] {
    const count = this.layout.ulongBuf();
    this.check('C_GetSlotList', 1, null, count);
    const n = this.layout.readUlong(count);
    const list = Buffer.alloc(Math.max(1, n) * this.layout.ulong);
    this.check('C_GetSlotList', 1, list, count);
    return Array.from({ length: this.layout.readUlong(count) }, (_, i) => this.layout.readUlong(list, i * this.layout.ulong));
  }
  tokenInfo(slot: number): TokenInfo {
    const info = Buffer.alloc(1024);
    this.check('C_GetTokenInfo', slot, info);
    const text = (from: number, len: number) => info.subarray(from, from + len).toString('utf8').replace(/[\s\0]+$/, '');
    return { slot, label: text(0, 32), manufacturer: text(32, 32), model: text(64, 16) };
  }
  mechanisms(slot: number): number[] {
    const count = this.layout.ulongBuf();
    this.check('C_GetMechanismList', slot, null, count);
    const list = Buffer.alloc(Math.max(1, this.layout.readUlong(count)) * this.layout.ulong);
    this.check('C_GetMechanismList', slot, list, count);
    return Array.from({ length: this.layout.readUlong(count) }, (_, i) => this.layout.readUlong(list, i * this.layout.ulong));
  }
  mechanismInfo(slot: number, mechanism: number): MechanismInfo | undefined {
    const { offsets, size } = this.layout.struct(['u', 'u', 'u']);
    const info = Buffer.alloc(size);
    const rv = this.call('C_GetMechanismInfo', slot, mechanism, info);
    if (rv === CKR.MECHANISM_INVALID) return undefined;
    if (rv !== CKR.OK) throw new Pkcs11Error('C_GetMechanismInfo', rv);
    return { minKeySize: this.layout.readUlong(info, offsets[0]), maxKeySize: this.layout.readUlong(info, offsets[1]), flags: this.layout.readUlong(info, offsets[2]) };
  }

  // ---- sessions --------------------------------------------------------------------------------

  openSession(slot: number): number {
    const h = this.layout.ulongBuf();
    this.check('C_OpenSession', slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, null, null, h);
    return this.layout.readUlong(h);
  }
  closeSession(session: number): void {
    this.call('C_CloseSession', session);
  }
  /** Logs the user in; the PIN buffer is zeroed whatever happens. False when this application was logged in already. */
  login(session: number, pin: Buffer): boolean {
    try {
      const rv = this.call('C_Login', session, CKU_USER, pin, pin.length);
      if (rv !== CKR.OK && rv !== CKR.USER_ALREADY_LOGGED_IN) throw new Pkcs11Error('C_Login', rv);
      return rv === CKR.OK;
    } finally {
      pin.fill(0);
    }
  }
  logout(session: number): void {
    this.call('C_Logout', session);
  }

  // ---- objects ---------------------------------------------------------------------------------

  find(session: number, attrs: Attr[], max = 16): number[] {
    const t = this.template(attrs);
    this.check('C_FindObjectsInit', session, t.buf, attrs.length);
    try {
      const handles = Buffer.alloc(max * this.layout.ulong);
      const count = this.layout.ulongBuf();
      this.check('C_FindObjects', session, handles, max, count);
      return Array.from({ length: this.layout.readUlong(count) }, (_, i) => this.layout.readUlong(handles, i * this.layout.ulong));
    } finally {
      this.call('C_FindObjectsFinal', session);
    }
  }
  create(session: number, attrs: Attr[]): number {
    const t = this.template(attrs);
    const h = this.layout.ulongBuf();
    this.check('C_CreateObject', session, t.buf, attrs.length, h);
    return this.layout.readUlong(h);
  }
  destroy(session: number, object: number): number {
    return this.call('C_DestroyObject', session, object);
  }
  /** One attribute's value; undefined when the object has none or it is sensitive. */
  attribute(session: number, object: number, type: number): Buffer | undefined {
    const probe = this.template([{ type, value: Buffer.alloc(0) }]);
    const rv = this.call('C_GetAttributeValue', session, object, probe.buf, 1);
    if (rv === CKR.ATTRIBUTE_SENSITIVE || rv === CKR.ATTRIBUTE_TYPE_INVALID) return undefined;
    if (rv !== CKR.OK) throw new Pkcs11Error('C_GetAttributeValue', rv);
    const lenOffset = this.layout.struct(['u', 'p', 'u']).offsets[2];
    if (this.layout.isUnavailable(probe.buf, lenOffset)) return undefined;
    const value = Buffer.alloc(this.layout.readUlong(probe.buf, lenOffset));
    const t = this.template([{ type, value }]);
    this.check('C_GetAttributeValue', session, object, t.buf, 1);
    return value.subarray(0, this.layout.readUlong(t.buf, lenOffset));
  }
  boolAttribute(session: number, object: number, type: number): boolean | undefined {
    const v = this.attribute(session, object, type);
    return v === undefined ? undefined : v[0] !== 0;
  }
  ulongAttribute(session: number, object: number, type: number): number | undefined {
    const v = this.attribute(session, object, type);
    return v === undefined ? undefined : this.layout.readUlong(v);
  }
  labelOf(session: number, object: number): string | undefined {
    return this.attribute(session, object, CKA.LABEL)?.toString('utf8');
  }

  // ---- crypto ----------------------------------------------------------------------------------

  generateKey(session: number, mechanism: Mechanism, attrs: Attr[]): number {
    const m = this.mechanism(mechanism);
    const t = this.template(attrs);
    const h = this.layout.ulongBuf();
    this.check('C_GenerateKey', session, m.buf, t.buf, attrs.length, h);
    return this.layout.readUlong(h);
  }
  generateKeyPair(session: number, mechanism: Mechanism, publicAttrs: Attr[], privateAttrs: Attr[]): { publicKey: number; privateKey: number } {
    const m = this.mechanism(mechanism);
    const pub = this.template(publicAttrs);
    const priv = this.template(privateAttrs);
    const hPub = this.layout.ulongBuf();
    const hPriv = this.layout.ulongBuf();
    this.check('C_GenerateKeyPair', session, m.buf, pub.buf, publicAttrs.length, priv.buf, privateAttrs.length, hPub, hPriv);
    return { publicKey: this.layout.readUlong(hPub), privateKey: this.layout.readUlong(hPriv) };
  }
  /** C_WrapKey, asking the length first. */
  wrap(session: number, mechanism: Mechanism, wrappingKey: number, key: number): Buffer {
    const m = this.mechanism(mechanism);
    const len = this.layout.ulongBuf();
    this.check('C_WrapKey', session, m.buf, wrappingKey, key, null, len);
    const out = Buffer.alloc(this.layout.readUlong(len));
    this.check('C_WrapKey', session, m.buf, wrappingKey, key, out, len);
    return out.subarray(0, this.layout.readUlong(len));
  }
  sign(session: number, mechanism: Mechanism, key: number, data: Buffer): Buffer {
    const m = this.mechanism(mechanism);
    this.check('C_SignInit', session, m.buf, key);
    const len = this.layout.ulongBuf(1024);
    const out = Buffer.alloc(1024);
    this.check('C_Sign', session, data, data.length, out, len);
    return Buffer.from(out.subarray(0, this.layout.readUlong(len)));
  }
}
