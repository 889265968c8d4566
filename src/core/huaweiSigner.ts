// Huawei Cloud AK/SK request signing ("SDK-HMAC-SHA256"), pure and dependency-free (node:crypto only).
// Guarantees: for the same method, path, query, headers and body bytes it produces the Authorization
// header byte-for-byte as @huaweicloud/huaweicloud-sdk-core's AKSKSigner does (checked on hundreds of
// generated requests in test/sandbox/huawei-signer.test.ts), and it signs the EXACT body bytes sent.
// Placement: the provider (src/providers/huawei) signs with it and the sandbox (src/sandbox/huawei)
// verifies with it. It lives here, next to its main user, because it imports nothing but node:crypto:
// no SDK, no vscode, no sandbox or provider state, so either side may import it without pulling the
// other in. (src/core is for key-material domain code; a transport signature does not belong there.)
//
// The canonical request, joined by "\n": method; canonical URI (each '/'-separated segment of the path
// as sent URI-encoded, a '/' always appended); the query sorted by name (values of a repeated name
// sorted), "name=value" URI-encoded and joined by '&'; every signed header as "lowercase-name:value\n",
// sorted; the signed header names joined by ';'; the hex SHA-256 of the body bytes. String to sign:
// "SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex SHA-256 of the canonical request>"; signature: hex HMAC-SHA256
// keyed with the secret key.
import * as crypto from 'node:crypto';

export const HUAWEI_SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface HuaweiCredentials {
  accessKey: string;
  secretKey: string;
  /** Temporary credentials: sent (and signed) as X-Security-Token. */
  securityToken?: string;
}

export type QueryParams = Record<string, string | string[]>;

export interface SignableRequest {
  method: string;
  /** Absolute URL; its path is signed as written, its query (when `query` is absent) parsed and canonicalised. */
  url: string | URL;
  /** Headers to send and sign (host and X-Sdk-Date are added). */
  headers?: Record<string, string>;
  query?: QueryParams;
  body?: Uint8Array | string;
}

/** RFC 3986 encoding: everything but A-Z a-z 0-9 - . _ ~ percent-encoded (UTF-8, upper-case hex). */
export function huaweiUriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function canonicalUri(path: string): string {
  const p = path.split('/').map(huaweiUriEncode).join('/');
  return p.endsWith('/') ? p : p + '/';
}

export function canonicalQuery(q: QueryParams | undefined): string {
  if (!q) return '';
  const out: string[] = [];
  for (const name of Object.keys(q).sort()) {
    const v = q[name];
    const values = Array.isArray(v) ? [...v].sort() : [v];
    for (const x of values) out.push(`${huaweiUriEncode(name)}=${huaweiUriEncode(x)}`);
  }
  return out.join('&');
}

/** The query of a URL as name → value(s), decoded (as a server sees it). */
export function queryOf(search: string): QueryParams {
  const q: QueryParams = {};
  for (const [k, v] of new URLSearchParams(search)) {
    const prev = q[k];
    q[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return q;
}

export function sha256Hex(body: Uint8Array | string | undefined): string {
  if (body === undefined || body.length === 0) return EMPTY_BODY_SHA256;
  return crypto.createHash('sha256').update(body).digest('hex');
}

/** Signed header names (lower-case, sorted) and the canonical header block for them. */
export function canonicalHeaders(headers: Record<string, string>): { names: string; block: string } {
  const lower = new Map<string, string>();
  for (const [k, v] of Object.entries(headers)) lower.set(k.toLowerCase(), v);
  const names = [...lower.keys()].sort();
  return { names: names.join(';'), block: names.map((n) => `${n}:${lower.get(n)}\n`).join('') };
}

export function canonicalRequest(method: string, path: string, query: QueryParams | undefined, headers: Record<string, string>, bodyHash: string): { canonical: string; signedHeaders: string } {
  const h = canonicalHeaders(headers);
  return { canonical: [method.toUpperCase(), canonicalUri(path), canonicalQuery(query), h.block, h.names, bodyHash].join('\n'), signedHeaders: h.names };
}

export function stringToSign(sdkDate: string, canonical: string): string {
  return `${HUAWEI_SIGNING_ALGORITHM}\n${sdkDate}\n${crypto.createHash('sha256').update(canonical).digest('hex')}`;
}

export function huaweiSignature(secretKey: string, toSign: string): string {
  return crypto.createHmac('sha256', secretKey).update(toSign).digest('hex');
}

/** "YYYYMMDDTHHMMSSZ" in UTC. */
export function formatSdkDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** Milliseconds since the epoch of an X-Sdk-Date value, or undefined when it is not "YYYYMMDDTHHMMSSZ". */
export function parseSdkDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Number.isNaN(t) || formatSdkDate(new Date(t)) !== s ? undefined : t;
}

/**
 * Signs a request: returns every header to send (the given ones, host, X-Sdk-Date, X-Security-Token for
 * temporary credentials, and Authorization). Every given header is signed.
 */
export function signHuaweiRequest(req: SignableRequest, creds: HuaweiCredentials, now: Date = new Date()): Record<string, string> {
  const url = typeof req.url === 'string' ? new URL(req.url) : req.url;
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  const has = (n: string) => Object.keys(headers).some((k) => k.toLowerCase() === n);
  if (!has('x-sdk-date')) headers['X-Sdk-Date'] = formatSdkDate(now);
  if (!has('host')) headers.host = url.host;
  if (creds.securityToken && !has('x-security-token')) headers['X-Security-Token'] = creds.securityToken;
  const sdkDate = Object.entries(headers).find(([k]) => k.toLowerCase() === 'x-sdk-date')![1];
  const query = req.query ?? (url.search ? queryOf(url.search) : undefined);
  const { canonical, signedHeaders } = canonicalRequest(req.method, url.pathname, query, headers, sha256Hex(req.body));
  const signature = huaweiSignature(creds.secretKey, stringToSign(sdkDate, canonical));
  headers.Authorization = `${HUAWEI_SIGNING_ALGORITHM} Access=${creds.accessKey}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}

export interface ParsedAuthorization {
  access: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses "SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…"; undefined when malformed. */
export function parseHuaweiAuthorization(value: string): ParsedAuthorization | undefined {
  const m = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(value.trim());
  if (!m) return undefined;
  return { access: m[1], signedHeaders: m[2].split(';'), signature: m[3] };
}
