// The sandbox's Huawei Cloud KMS endpoint: POST /v1.0/{project_id}/kms/<action> on the sandbox's port.
// Every request must carry a valid AK/SK signature ("SDK-HMAC-SHA256", checked with the same signer the
// provider uses) made with this state directory's Huawei access key, an X-Sdk-Date within 15 minutes of
// the current time (the test controls' clock offset moves token and material expiry, not this window),
// and this sandbox's project id (in the path and, when sent, in X-Project-Id); otherwise the API
// gateway's 401 APIG.0301 answers with what was wrong. An X-Security-Token (temporary credentials) must
// be signed; the sandbox issues no temporary credentials, so its value is not checked further. The
// shared test controls (latency, injected faults — throttling answers 429 APIG.0308 — and request
// counts) apply, keyed by action name. The Huawei credentials are derived from the state directory's
// own (no extra file): stable across restarts, different for every state directory.
import * as crypto from 'node:crypto';
import type * as http from 'node:http';
import { canonicalRequest, huaweiSignature, parseHuaweiAuthorization, parseSdkDate, queryOf, sha256Hex, stringToSign } from '../../core/huaweiSigner';
import type { Store } from '../store';
import { HW, HuaweiError } from './errors';
import { HuaweiKmsService, type Body } from './service';

export interface HuaweiSandboxInfo {
  /** Base URL for HUAWEICLOUD_KMS_ENDPOINT. */
  endpoint: string;
  region: string;
  accessKey: string;
  secretKey: string;
  projectId: string;
  domainId: string;
}

export interface HuaweiHooks {
  now: () => number;
  latency: () => number;
  /** The shared fault picker: returns the injected fault for this operation, if any. */
  pickFault: (op: string) => 'throttling' | 'internal' | 'dependency-timeout' | 'reset' | 'hang' | undefined;
  count: (op: string) => void;
  onHang: (res: http.ServerResponse) => void;
  log: (line: string) => void;
  poolTarget: number;
}

const SKEW_MS = 15 * 60_000;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function huaweiCredentialsFor(store: Store): { accessKey: string; secretKey: string; projectId: string; domainId: string } {
  const d = (label: string) => crypto.createHmac('sha256', store.credentials.secretAccessKey).update(`kms-sandbox huawei ${label}`).digest();
  return {
    accessKey: 'HWSBX' + d('ak').toString('hex').toUpperCase().slice(0, 15),
    // 40 alphanumerics, always (a Base64 text with its +/= removed can come out shorter).
    secretKey: Array.from(Buffer.concat([d('sk'), d('sk2')]).subarray(0, 40), (b) => ALNUM[b % ALNUM.length]).join(''),
    projectId: d('project').toString('hex').slice(0, 32),
    domainId: d('domain').toString('hex').slice(0, 32),
  };
}

export interface HuaweiApi {
  handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void>;
  info(endpoint: string): HuaweiSandboxInfo;
  service: HuaweiKmsService;
}

export function createHuaweiApi(store: Store, region: string, hooks: HuaweiHooks): HuaweiApi {
  if (!/^[a-z]{2}-[a-z]+-\d+$/.test(region)) throw new Error(`"${region}" is not a Huawei Cloud region name (e.g. cn-north-4, ap-southeast-1).`);
  const creds = huaweiCredentialsFor(store);
  const service = new HuaweiKmsService(store, { region, projectId: creds.projectId, domainId: creds.domainId, now: hooks.now, poolTarget: hooks.poolTarget, log: hooks.log });

  function send(res: http.ServerResponse, status: number, text: string, requestId: string): void {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'x-request-id': requestId, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  function header(req: http.IncomingMessage, name: string): string | undefined {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(',') : v;
  }

  function authenticate(req: http.IncomingMessage, url: { pathname: string; search: string }, body: Buffer, projectInPath: string): void {
    const auth = parseHuaweiAuthorization(header(req, 'authorization') ?? '');
    if (!auth) throw HW.auth('the Authorization header is missing or not "SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names>, Signature=<hex>". Sign the request with your AK/SK.');
    if (auth.access !== creds.accessKey) throw HW.auth(`the access key ${auth.access.slice(0, 24)} is not known here. Use this sandbox's HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK (kms-import sandbox prints them).`);
    for (const need of ['host', 'x-sdk-date']) if (!auth.signedHeaders.includes(need)) throw HW.auth(`the signed headers must include ${need}.`);
    const signed: Record<string, string> = {};
    for (const n of auth.signedHeaders) {
      const v = header(req, n);
      if (v === undefined) throw HW.auth(`the signed header ${n} is not in the request.`);
      signed[n] = v;
    }
    const date = parseSdkDate(signed['x-sdk-date']);
    if (date === undefined) throw HW.auth(`X-Sdk-Date "${signed['x-sdk-date'].slice(0, 32)}" is not YYYYMMDDTHHMMSSZ.`);
    if (Math.abs(Date.now() - date) > SKEW_MS) throw HW.auth(`the request time ${signed['x-sdk-date']} is more than 15 minutes from the server's time (${new Date().toISOString()}): the signature has expired. Check the clock and sign again.`);
    const { canonical } = canonicalRequest(req.method ?? 'POST', url.pathname, url.search ? queryOf(url.search) : undefined, signed, sha256Hex(body));
    const want = Buffer.from(huaweiSignature(creds.secretKey, stringToSign(signed['x-sdk-date'], canonical)));
    const got = Buffer.from(auth.signature);
    if (want.length !== got.length || !crypto.timingSafeEqual(want, got)) throw HW.auth('verify aksk signature fail: the signature does not match the request (wrong secret key, or the method, path, query, signed headers or body changed after signing).');
    if (projectInPath !== creds.projectId) throw HW.auth(`the project id ${projectInPath.slice(0, 40)} in the path is not a project of this account (region ${region}). Use HUAWEICLOUD_SDK_PROJECT_ID=${creds.projectId}.`);
    if (header(req, 'x-security-token') !== undefined && signed['x-security-token'] === undefined) throw HW.auth('X-Security-Token is sent but not signed: temporary credentials must sign it (list it in SignedHeaders).');
    const xp = signed['x-project-id'] ?? header(req, 'x-project-id');
    if (xp !== undefined && xp !== projectInPath) throw HW.auth(`X-Project-Id ${xp.slice(0, 40)} differs from the project id ${projectInPath} in the path.`);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const requestId = crypto.randomUUID().replace(/-/g, '');
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    // The path exactly as sent (no normalisation): it is what the client signed.
    const url = { pathname: q < 0 ? raw : raw.slice(0, q), search: q < 0 ? '' : raw.slice(q) };
    const m = /^\/v1\.0\/([^/]+)\/kms\/([a-z-]+)$/.exec(url.pathname);
    const action = m?.[2] ?? '';
    hooks.count(action || 'huawei-unknown');
    try {
      if (!m || req.method !== 'POST') throw HW.badUrl(`Invalid request URL: the sandbox's Huawei KMS API serves POST /v1.0/{project_id}/kms/<action>; got ${req.method} ${url.pathname}.`);
      const lat = hooks.latency();
      if (lat > 0) await new Promise((r) => setTimeout(r, lat));
      authenticate(req, url, body, m[1]);
      const fault = hooks.pickFault(action);
      if (fault === 'reset') {
        hooks.log(`huawei ${action} → fault: connection reset`);
        req.socket.destroy();
        return;
      }
      if (fault === 'hang') {
        hooks.log(`huawei ${action} → fault: no response`);
        hooks.onHang(res);
        return;
      }
      if (fault === 'throttling') throw HW.throttled();
      if (fault === 'internal' || fault === 'dependency-timeout') throw HW.internal('Internal error (injected by the sandbox). The request can be retried.');
      let input: unknown;
      try {
        input = body.length ? JSON.parse(body.toString('utf8')) : {};
      } catch {
        throw HW.badJson('The JSON format of the request message is invalid.');
      }
      if (!input || typeof input !== 'object' || Array.isArray(input)) throw HW.badJson('The request message must be a JSON object.');
      const out = await service.call(action, input as Body);
      send(res, 200, out === undefined ? '' : JSON.stringify(out), requestId);
      hooks.log(`huawei ${action} 200`);
    } catch (e) {
      const err = e instanceof HuaweiError ? e : HW.internal('The KMS sandbox hit an internal error; see its log.');
      if (!(e instanceof HuaweiError)) hooks.log(`huawei ${action} internal error: ${(e as Error).stack ?? String(e)}`);
      else hooks.log(`huawei ${action} ${err.status} ${err.code}: ${err.message}`);
      send(res, err.status, err.body(requestId), requestId);
    }
  }

  return {
    handle,
    service,
    info: (endpoint) => ({ endpoint, region, accessKey: creds.accessKey, secretKey: creds.secretKey, projectId: creds.projectId, domainId: creds.domainId }),
  };
}
