// The KMS sandbox: a local AWS KMS that speaks the awsJson1_1 wire protocol on 127.0.0.1, checks SigV4
// signatures against credentials generated for its state directory, keeps its state on disk, and
// follows AWS's import rules strictly. Runs in-process (the extension, tests) or from the CLI.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { AdminInputError, bearerMatches, checkClockOffset, checkFault, checkLatency, checkSeed, type Fault, type FaultKind, type SeedOptions } from './admin';
import { KmsError } from './errors';
import { isChinaRegion } from './model';
import { KmsService } from './service';
import { verifySigV4 } from './sigv4';
import { Store } from './store';
import { warmWrappingKeys } from './keycrypto';
import { createHuaweiApi, type HuaweiSandboxInfo } from './huawei/api';

export interface SandboxOptions {
  port?: number; // default 0 = random
  stateDir?: string; // default: a fresh temp dir (deleted on close unless keepState)
  keepState?: boolean;
  region?: string; // default 'us-east-1'; 'cn-north-1'/'cn-northwest-1' → China rules
  accountId?: string; // default '111122223333'
  wrappingKeyPool?: number; // pre-generated wrapping keys per size (keygen off the request path)
  /** Serve the test controls over HTTP too (POST /__sandbox/admin, bearer = secret access key). Off by default. */
  adminRoute?: boolean;
  /** Connection timeouts (milliseconds); a client that is too slow or idle too long is disconnected. */
  timeouts?: SandboxTimeouts;
  /** The Huawei Cloud region the Huawei KMS API (/v1.0/{project_id}/kms/…) serves; default cn-north-4. */
  huaweiRegion?: string;
  log?: (line: string) => void;
}

export interface SandboxTimeouts {
  /** Time to receive a request's headers (default 10 s; a 408 answer, then the socket is closed). */
  headersMs?: number;
  /** Time to receive a whole request, body included (default 30 s; at least headersMs). */
  requestMs?: number;
  /** Time a keep-alive connection may sit idle between requests (default 65 s: longer than SDK sockets stay pooled unused in practice). */
  idleMs?: number;
}

export const DEFAULT_TIMEOUTS: Required<SandboxTimeouts> = { headersMs: 10_000, requestMs: 30_000, idleMs: 65_000 };

function resolveTimeouts(t: SandboxTimeouts = {}): Required<SandboxTimeouts> {
  const r = { ...DEFAULT_TIMEOUTS, ...Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)) };
  for (const [k, v] of Object.entries(r)) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || v > 3_600_000) throw new Error(`timeouts.${k} must be a whole number of milliseconds from 1 to 3600000 (got ${String(v)}).`);
  }
  if (r.requestMs < r.headersMs) throw new Error(`timeouts.requestMs (${r.requestMs}) must be at least timeouts.headersMs (${r.headersMs}).`);
  return r;
}

export type { Fault, FaultKind, SeedOptions } from './admin';

export interface SandboxAdmin {
  setClockOffset(ms: number): void;
  setLatency(ms: number): void;
  injectFault(f: Fault): void;
  clearFaults(): void;
  seedKeys(n: number, opts: SeedOptions): Promise<string[]>;
  requestCount(operation?: string): number;
}

export interface Sandbox {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  stateDir: string;
  admin: SandboxAdmin;
  /** The Huawei Cloud KMS API on the same port: endpoint, region, AK/SK and project id. */
  huawei: HuaweiSandboxInfo;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const region = opts.region ?? 'us-east-1';
  const timeouts = resolveTimeouts(opts.timeouts);
  if (!/^([a-z]+-){2,3}\d+$/.test(region)) throw new Error(`"${region}" is not an AWS Region name (e.g. us-east-1, cn-north-1).`);
  const tempDir = opts.stateDir === undefined;
  const stateDir = opts.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kms-sandbox-'));
  const log = opts.log ?? (() => undefined);
  const store = new Store(stateDir, log);
  let clockOffset = 0;
  let latency = 0;
  let faults: Array<Fault & { left?: number }> = [];
  const counts = new Map<string, number>();
  let total = 0;
  const poolTarget = opts.wrappingKeyPool ?? 2;
  const service = new KmsService(store, { accountId: opts.accountId ?? '111122223333', defaultRegion: region, now: () => Date.now() + clockOffset, poolTarget, log });
  const hanging = new Set<http.ServerResponse>();
  const sockets = new Set<import('node:net').Socket>();
  if (poolTarget > 0) warmWrappingKeys(2048, Math.min(poolTarget, 2));
  // Huawei's KMS API (src/sandbox/huawei): same store, clock, latency, faults and counts; keys in their own namespace.
  const huawei = createHuaweiApi(store, opts.huaweiRegion ?? 'cn-north-4', {
    now: () => Date.now() + clockOffset,
    latency: () => latency,
    pickFault: (op) => pickFault(op),
    count: (op) => {
      total++;
      counts.set(op, (counts.get(op) ?? 0) + 1);
    },
    onHang: (res) => {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
    },
    log,
    poolTarget,
  });

  const admin: SandboxAdmin = {
    setClockOffset: (ms) => {
      clockOffset = checkClockOffset(ms);
    },
    setLatency: (ms) => {
      latency = checkLatency(ms);
    },
    injectFault: (f) => {
      const fault = checkFault(f);
      faults.push({ ...fault, left: fault.count });
    },
    clearFaults: () => {
      faults = [];
    },
    seedKeys: async (n, o) => {
      const seed = checkSeed(n, o, isChinaRegion(region));
      return service.seed(seed.n, seed.opts);
    },
    requestCount: (op) => (op === undefined ? total : counts.get(op) ?? 0),
  };

  function pickFault(op: string): FaultKind | undefined {
    for (const f of faults) {
      if (f.operation && f.operation !== op) continue;
      if (f.left !== undefined && f.left <= 0) continue;
      const roll = crypto.randomBytes(4).readUInt32BE(0) / 0x100000000;
      if (roll >= f.rate) continue;
      if (f.left !== undefined) f.left--;
      faults = faults.filter((x) => x.left === undefined || x.left > 0);
      return f.kind;
    }
    return undefined;
  }

  function send(res: http.ServerResponse, status: number, body: string, requestId: string): void {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  async function handleAdmin(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse, requestId: string): Promise<void> {
    if (!opts.adminRoute) return send(res, 404, JSON.stringify({ __type: 'NotFound', message: 'The test-control route is off (start the sandbox with adminRoute / --test-controls).' }), requestId);
    if (!bearerMatches(req.headers.authorization, store.credentials.secretAccessKey)) return send(res, 403, JSON.stringify({ __type: 'AccessDeniedException', message: 'The test-control route needs "Authorization: Bearer <secret access key>".' }), requestId);
    let a: Record<string, unknown>;
    try {
      a = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      return send(res, 400, JSON.stringify({ __type: 'SerializationException', message: 'The admin request body is not JSON.' }), requestId);
    }
    if (typeof a !== 'object' || a === null || Array.isArray(a)) return send(res, 400, JSON.stringify({ __type: 'SerializationException', message: 'The admin request body must be a JSON object {"action": …}.' }), requestId);
    try {
      let result: unknown = {};
      switch (a.action) {
        case 'setClockOffset':
          admin.setClockOffset(a.ms as number);
          break;
        case 'setLatency':
          admin.setLatency(a.ms as number);
          break;
        case 'injectFault':
          admin.injectFault(a.fault as Fault);
          break;
        case 'clearFaults':
          admin.clearFaults();
          break;
        case 'seedKeys':
          result = { keyIds: await admin.seedKeys(a.n as number, a.options as SeedOptions) };
          break;
        case 'requestCount':
          if (a.operation !== undefined && typeof a.operation !== 'string') throw new AdminInputError(`requestCount: operation must be an operation name (got ${typeof a.operation}).`);
          result = { count: admin.requestCount(a.operation as string | undefined) };
          break;
        default:
          return send(res, 400, JSON.stringify({ __type: 'ValidationException', message: `Unknown admin action '${String(a.action)}': use setClockOffset, setLatency, injectFault, clearFaults, seedKeys or requestCount.` }), requestId);
      }
      send(res, 200, JSON.stringify(result), requestId);
    } catch (e) {
      if (e instanceof AdminInputError) return send(res, 400, JSON.stringify({ __type: 'ValidationException', message: e.message }), requestId);
      log(`admin ${String(a.action)} internal error: ${(e as Error).stack ?? String(e)}`);
      send(res, 500, JSON.stringify({ __type: 'KMSInternalException', message: 'The KMS sandbox hit an internal error in a test control; see its log.' }), requestId);
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const requestId = crypto.randomUUID();
    const url = req.url ?? '/';
    if (url.startsWith('/__sandbox/')) return handleAdmin(req, body, res, requestId);
    if (url.startsWith('/v1.0/')) return huawei.handle(req, res, body);
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith('TrentService.') ? target.slice('TrentService.'.length) : '';
    total++;
    if (op) counts.set(op, (counts.get(op) ?? 0) + 1);
    try {
      if (req.method !== 'POST' || (url !== '/' && !url.startsWith('/?'))) throw new KmsError('UnknownOperationException', `The KMS sandbox serves POST / (awsJson1_1); got ${req.method} ${url}.`, 404);
      if (!op) throw new KmsError('UnknownOperationException', `Missing or unknown X-Amz-Target '${target}': expected TrentService.<Operation>.`);
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      const scope = verifySigV4({ method: req.method, path: url, headers: req.headers, body }, (ak) => (ak === store.credentials.accessKeyId ? store.credentials.secretAccessKey : undefined), (r) => service.regionServed(r), Date.now());
      const fault = pickFault(op);
      if (fault === 'reset') {
        log(`${op} → fault: connection reset`);
        req.socket.destroy();
        return;
      }
      if (fault === 'hang') {
        log(`${op} → fault: no response`);
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (fault === 'throttling') throw new KmsError('ThrottlingException', 'Rate exceeded');
      if (fault === 'internal') throw new KmsError('KMSInternalException', 'The request was rejected because an internal exception occurred (injected by the sandbox). The request can be retried.');
      if (fault === 'dependency-timeout') throw new KmsError('DependencyTimeoutException', 'The system timed out while trying to fulfill the request (injected by the sandbox). You can retry the request.');
      const result = await service.call(op, body, scope.region);
      send(res, 200, JSON.stringify(result), requestId);
      log(`${op} 200`);
    } catch (e) {
      const err = e instanceof KmsError ? e : new KmsError('KMSInternalException', 'The KMS sandbox hit an internal error; see its log.', 500);
      if (!(e instanceof KmsError)) log(`${op} internal error: ${(e as Error).stack ?? String(e)}`);
      else log(`${op} ${err.status} ${err.type}: ${err.message}`);
      send(res, err.status, err.body(), requestId);
    }
  }

  // Node checks header and request deadlines on a timer: every quarter of the shorter one (≤ 1 s).
  const checkEvery = Math.max(10, Math.min(1000, Math.floor(Math.min(timeouts.headersMs, timeouts.requestMs) / 4)));
  const server = http.createServer({ headersTimeout: timeouts.headersMs, requestTimeout: timeouts.requestMs, connectionsCheckingInterval: checkEvery }, (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        send(res, 413, JSON.stringify({ __type: 'ValidationException', message: 'Request body too large.' }), crypto.randomUUID());
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (size <= MAX_BODY) void handle(req, res, Buffer.concat(chunks));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // Idle keep-alive connections are closed after idleMs. A server-side idle timeout can race with a
  // client reusing a pooled socket at that very moment (a spurious ECONNRESET), so the default is long
  // (65 s); the SDK retries such a reset, and the flow reconciles an ImportKeyMaterial instead.
  server.keepAliveTimeout = timeouts.idleMs;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as import('node:net').AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  log(`KMS sandbox listening on ${endpoint} (region ${region}, state ${stateDir})`);

  let closed = false;
  return {
    endpoint,
    region,
    credentials: { ...store.credentials },
    stateDir,
    admin,
    huawei: huawei.info(endpoint),
    async close() {
      if (closed) return;
      closed = true;
      for (const r of hanging) r.destroy();
      const done = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await done;
      await store.close();
      if (tempDir && !opts.keepState) fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export { waitForPool, warmWrappingKeys, sandboxUnwrap, checkMaterial } from './keycrypto';
