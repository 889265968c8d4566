// Sandbox state on disk: state.json (keys, aliases; written atomically: temp file + rename, mode 0600),
// master.key (32 random bytes, 0600) that seals key material at rest (AES-256-GCM) and import tokens,
// and credentials.json (the access key pair generated for this directory, 0600). The folder itself is
// 0700 (tightened at start if it is open to others), and temporary files left by a killed process are
// removed at start.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { invalidInput } from '../core/errors';
import type { Credentials } from './sigv4';

export type KeyState = 'Creating' | 'Enabled' | 'Disabled' | 'PendingDeletion' | 'PendingImport' | 'PendingReplicaDeletion' | 'Unavailable' | 'Updating';
export type MaterialState = 'CURRENT' | 'NON_CURRENT' | 'PENDING_ROTATION' | 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION';

export interface MaterialRecord {
  id: string;
  /** Sealed material (base64), absent while the material is deleted or expired (PENDING_IMPORT). */
  sealed?: string;
  state: MaterialState;
  description?: string;
  expirationModel?: 'KEY_MATERIAL_EXPIRES' | 'KEY_MATERIAL_DOES_NOT_EXPIRE';
  validTo?: number;
  rotationDate?: number;
  rotationType?: 'AUTOMATIC' | 'ON_DEMAND';
  importedAt?: number;
}

export interface KeyRecord {
  keyId: string;
  region: string;
  arn: string;
  accountId: string;
  creationDate: number;
  description: string;
  keySpec: string;
  keyUsage: string;
  origin: 'AWS_KMS' | 'EXTERNAL';
  state: KeyState;
  /** State to return to when material is imported again (Enabled or Disabled). */
  enabledWanted: boolean;
  deletionDate?: number;
  pendingWindowInDays?: number;
  multiRegion: boolean;
  multiRegionType?: 'PRIMARY' | 'REPLICA';
  /** For replicas: the primary's region. For primaries: replica regions. */
  primaryRegion?: string;
  replicaRegions?: string[];
  tags: Array<{ TagKey: string; TagValue: string }>;
  policy?: string;
  materials: MaterialRecord[];
  /** Public key (SPKI DER, base64) of asymmetric keys, kept while material is deleted (for the "same material" check). */
  publicKey?: string;
  rotationsOnDemand: number;
  /** Material ever imported (drives the ImportType default). */
  everImported: boolean;
}

export interface AliasRecord {
  aliasName: string;
  region: string;
  targetKeyId: string;
  creationDate: number;
  lastUpdatedDate: number;
}

export interface StateFile {
  version: 1;
  keys: KeyRecord[];
  aliases: AliasRecord[];
}

function writeAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, data, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

async function writeAtomicAsync(file: string, data: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  await fs.promises.writeFile(tmp, data, { mode: 0o600 });
  await fs.promises.rename(tmp, file);
}

/**
 * The state folder holds the master key and the credentials: nobody else may read it or put files in it.
 * A folder open to the group or others (e.g. 0777) is tightened to 0700; if that is not allowed (another
 * user's folder, a read-only mount) the sandbox refuses to start and says how to fix it.
 */
function secureDir(dir: string, log: (line: string) => void): void {
  const st = fs.statSync(dir);
  if (!st.isDirectory()) throw invalidInput('SANDBOX_STATE_NOT_DIR', `The sandbox state path ${dir} is not a folder.`, 'Pass a folder with --state (it is created if missing).');
  if (process.platform === 'win32' || (st.mode & 0o077) === 0) return;
  const was = (st.mode & 0o777).toString(8).padStart(3, '0');
  try {
    fs.chmodSync(dir, 0o700);
  } catch (e) {
    throw invalidInput(
      'SANDBOX_STATE_OPEN',
      `The sandbox state folder ${dir} has mode ${was} (others can read or change it) and its mode could not be changed to 700 (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`,
      `Run "chmod 700 ${dir}" as its owner, or use a folder of your own with --state.`,
    );
  }
  log(`state folder ${dir} had mode ${was}; changed to 700`);
}

/** Is the process with this id alive? (EPERM: alive but not ours.) */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files of atomic writes (`<file>.<pid>.<random>.tmp`) left by a process that
 * died mid-write (kill -9, power loss). Files of a live process, this one included, are left alone.
 */
function removeStaleTemps(dir: string, log: (line: string) => void): void {
  for (const name of fs.readdirSync(dir)) {
    const m = /^(?:state\.json|master\.key|credentials\.json)\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || alive(pid)) continue;
    try {
      fs.rmSync(path.join(dir, name), { force: true });
      log(`removed ${name}, left by process ${pid} which has ended`);
    } catch {
      // Not ours to remove: it does no harm beyond the disk space.
    }
  }
}

function corrupt(file: string, why: string) {
  return invalidInput('SANDBOX_STATE_CORRUPT', `The sandbox state file ${file} is corrupt (${why}).`, `Restore it, or start afresh with another --state directory (or delete ${path.dirname(file)}, which deletes the sandbox's keys).`);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw corrupt(file, (e as Error).message);
  }
}

export class Store {
  readonly keys = new Map<string, KeyRecord>(); // `${region}/${keyId}`
  readonly aliases = new Map<string, AliasRecord>(); // `${region}/${aliasName}`
  readonly credentials: Credentials;
  private readonly sealKey: Buffer;
  readonly tokenKey: Buffer;
  readonly idKey: Buffer;
  private writing: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private closed = false;

  constructor(
    readonly dir: string,
    log: (line: string) => void = () => undefined,
  ) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    secureDir(dir, log);
    removeStaleTemps(dir, log);
    const keyFile = path.join(dir, 'master.key');
    let master: Buffer;
    if (fs.existsSync(keyFile)) {
      master = fs.readFileSync(keyFile);
      if (master.length !== 32) throw corrupt(keyFile, `expected 32 bytes, found ${master.length}`);
    } else {
      master = crypto.randomBytes(32);
      writeAtomic(keyFile, master);
    }
    fs.chmodSync(keyFile, 0o600);
    const derive = (info: string) => Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), Buffer.from(info), 32));
    this.sealKey = derive('kms-sandbox material seal v1');
    this.tokenKey = derive('kms-sandbox import token v1');
    this.idKey = derive('kms-sandbox key material id v1');
    master.fill(0);

    const credFile = path.join(dir, 'credentials.json');
    if (fs.existsSync(credFile)) {
      this.credentials = readJson(credFile) as Credentials;
      if (typeof this.credentials?.accessKeyId !== 'string' || typeof this.credentials?.secretAccessKey !== 'string') throw corrupt(credFile, 'accessKeyId / secretAccessKey missing');
    } else {
      this.credentials = {
        accessKeyId: 'AKIASBX' + crypto.randomBytes(10).toString('hex').toUpperCase().slice(0, 13),
        secretAccessKey: crypto.randomBytes(30).toString('base64').replace(/[+/=]/g, 'x'),
      };
      writeAtomic(credFile, JSON.stringify(this.credentials, null, 2) + '\n');
    }
    fs.chmodSync(credFile, 0o600);

    const stateFile = path.join(dir, 'state.json');
    if (fs.existsSync(stateFile)) {
      const s = readJson(stateFile) as StateFile;
      if (s?.version !== 1 || !Array.isArray(s.keys) || !Array.isArray(s.aliases)) throw corrupt(stateFile, 'not a version 1 sandbox state');
      for (const k of s.keys) this.keys.set(`${k.region}/${k.keyId}`, k);
      for (const a of s.aliases) this.aliases.set(`${a.region}/${a.aliasName}`, a);
    }
  }

  seal(plain: Buffer, aad: string): string {
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', this.sealKey, iv);
    c.setAAD(Buffer.from(aad));
    const ct = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64');
  }

  unseal(sealed: string, aad: string): Buffer {
    const b = Buffer.from(sealed, 'base64');
    const d = crypto.createDecipheriv('aes-256-gcm', this.sealKey, b.subarray(0, 12));
    d.setAAD(Buffer.from(aad));
    d.setAuthTag(b.subarray(12, 28));
    return Buffer.concat([d.update(b.subarray(28)), d.final()]);
  }

  private snapshot(): string {
    const s: StateFile = { version: 1, keys: [...this.keys.values()], aliases: [...this.aliases.values()] };
    return JSON.stringify(s);
  }

  /** Persists the current state; resolves once a write that includes every change made so far is on disk. */
  save(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.queued) return this.queued;
    if (!this.writing) {
      this.writing = writeAtomicAsync(path.join(this.dir, 'state.json'), this.snapshot()).finally(() => {
        this.writing = null;
      });
      return this.writing;
    }
    this.queued = this.writing.then(
      () => {
        this.queued = null;
        return this.save();
      },
      () => {
        this.queued = null;
        return this.save();
      },
    );
    return this.queued;
  }

  async close(): Promise<void> {
    while (this.writing || this.queued) await (this.queued ?? this.writing);
    this.closed = true;
  }
}
