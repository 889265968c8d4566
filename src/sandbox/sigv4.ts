// AWS Signature Version 4 verification (node:crypto HMAC-SHA256 only) for the sandbox's loopback
// endpoint. It recomputes the signature of the request from its method, path, query, signed headers
// and body, and compares it in constant time. A signature must bind the whole request: host, date,
// operation (X-Amz-Target) and content type among the signed headers, and the SHA-256 of the body
// (no UNSIGNED-PAYLOAD), so a captured request cannot be replayed as another operation or with
// another body. Errors say what is wrong in AWS's words plus a hint.
import * as crypto from 'node:crypto';
import { KmsError } from './errors';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SignedRequest {
  method: string;
  path: string; // raw path with query
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface VerifiedScope {
  region: string;
  date: string;
}

const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');
const hmac = (key: Buffer | string, data: string) => crypto.createHmac('sha256', key).update(data, 'utf8').digest();

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac('AWS4' + secret, date), region), service), 'aws4_request');
}

function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function canonicalQuery(query: string): string {
  if (!query) return '';
  return query
    .split('&')
    .filter(Boolean)
    .map((p) => {
      const i = p.indexOf('=');
      const k = decodeURIComponent((i < 0 ? p : p.slice(0, i)).replace(/\+/g, ' '));
      const v = i < 0 ? '' : decodeURIComponent(p.slice(i + 1).replace(/\+/g, ' '));
      return [uriEncode(k), uriEncode(v)] as const;
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function canonicalPath(path: string): string {
  // S3 is the only service that does not normalise; KMS paths are "/" in practice.
  const segs = path.split('/').map((s) => uriEncode(decodeURIComponent(s)));
  const p = segs.join('/');
  return p.startsWith('/') ? p : '/' + p;
}

function header(h: SignedRequest['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
}

const sigErr = (msg: string) => new KmsError('InvalidSignatureException', msg);

/** Headers every request's signature must cover (their AWS spelling, for messages). */
const REQUIRED_SIGNED = ['Host', 'X-Amz-Date', 'X-Amz-Target', 'Content-Type'];

/**
 * Verifies the request. `lookup` returns the secret for an access key id or undefined.
 * `regionOk` says whether a scope region is served. Throws KmsError on any failure.
 */
export function verifySigV4(
  req: SignedRequest,
  lookup: (accessKeyId: string) => string | undefined,
  regionOk: (region: string) => boolean,
  nowMs: number,
): VerifiedScope {
  const auth = header(req.headers, 'authorization');
  if (!auth) {
    throw new KmsError('MissingAuthenticationTokenException', 'Request is missing Authentication Token. The KMS sandbox accepts only requests signed with SigV4 using the credentials it printed at start (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).');
  }
  const m = /^AWS4-HMAC-SHA256\s+(.*)$/.exec(auth.trim());
  if (!m) throw new KmsError('IncompleteSignatureException', `Authorization header requires the AWS4-HMAC-SHA256 scheme (got '${auth.split(/\s/)[0]}').`);
  const parts: Record<string, string> = {};
  for (const kv of m[1].split(',')) {
    const i = kv.indexOf('=');
    if (i > 0) parts[kv.slice(0, i).trim()] = kv.slice(i + 1).trim();
  }
  for (const need of ['Credential', 'SignedHeaders', 'Signature']) {
    if (!parts[need]) throw new KmsError('IncompleteSignatureException', `Authorization header requires '${need}' parameter.`);
  }
  const cred = parts.Credential.split('/');
  if (cred.length !== 5 || cred[4] !== 'aws4_request') throw new KmsError('IncompleteSignatureException', `Credential should be scoped to a valid region, service and 'aws4_request': '${parts.Credential}'.`);
  const [akid, date, region, service] = cred;
  const secret = lookup(akid);
  if (secret === undefined) {
    throw new KmsError('UnrecognizedClientException', `The security token included in the request is invalid. The KMS sandbox does not know the access key '${akid}': use the AWS_ACCESS_KEY_ID it printed for its state directory.`);
  }
  if (service !== 'kms') throw sigErr(`Credential should be scoped to correct service: 'kms', not '${service}'.`);
  if (!regionOk(region)) throw sigErr(`Credential should be scoped to a valid region, not '${region}'.`);
  const amzDate = header(req.headers, 'x-amz-date') ?? '';
  const dm = /^(\d{8})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!dm) throw new KmsError('IncompleteSignatureException', "Authorization requires an 'X-Amz-Date' header in ISO 8601 basic format (yyyyMMdd'T'HHmmss'Z').");
  if (dm[1] !== date) throw sigErr(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${dm[1]}'.`);
  const t = Date.UTC(+dm[1].slice(0, 4), +dm[1].slice(4, 6) - 1, +dm[1].slice(6, 8), +dm[2], +dm[3], +dm[4]);
  if (Math.abs(nowMs - t) > 15 * 60 * 1000) throw sigErr(`Signature expired: ${amzDate} is now earlier or later than 15 minutes from the current time.`);

  const signed = parts.SignedHeaders.split(';');
  // What @aws-sdk/client-kms signs (captured): amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;
  // x-amz-content-sha256;x-amz-date;x-amz-target;x-amz-user-agent. The AWS CLI (botocore): content-type;host;
  // x-amz-date;x-amz-target, with the body's SHA-256 in the canonical request. Both cover these four.
  const missing = REQUIRED_SIGNED.filter((h) => !signed.includes(h.toLowerCase()));
  if (missing.length) {
    throw new KmsError(
      'IncompleteSignatureException',
      `${missing.map((h) => `'${h}'`).join(', ')} must be ${missing.length > 1 ? "'SignedHeaders'" : "a 'SignedHeader'"} in the AWS Authorization (signed: '${parts.SignedHeaders}'). The KMS sandbox needs the host, the date, the operation and the content type signed, so a signed request cannot be replayed as another operation; AWS SDKs and the AWS CLI sign them.`,
    );
  }
  const q = req.path.indexOf('?');
  const rawPath = q < 0 ? req.path : req.path.slice(0, q);
  const query = q < 0 ? '' : req.path.slice(q + 1);
  const canonHeaders = signed.map((h) => `${h}:${(header(req.headers, h) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const payloadHash = sha256(req.body);
  const claimed = header(req.headers, 'x-amz-content-sha256');
  if (claimed !== undefined && !/^[0-9a-f]{64}$/.test(claimed)) {
    // UNSIGNED-PAYLOAD, STREAMING-…: the signature would not cover the body, so the body could be swapped.
    throw new KmsError('IncompleteSignatureException', `x-amz-content-sha256 '${claimed.slice(0, 64)}' is not accepted: the KMS sandbox needs the body signed. Sign the hex SHA-256 of the request body (AWS SDKs and the AWS CLI do).`);
  }
  if (claimed !== undefined && claimed !== payloadHash) {
    throw sigErr('The provided x-amz-content-sha256 header does not match what was computed.');
  }
  // The canonical request always carries the SHA-256 of the body received: the signature binds the body.
  const canonical = [req.method, canonicalPath(rawPath), canonicalQuery(query), canonHeaders, parts.SignedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const expected = crypto.createHmac('sha256', signingKey(secret, date, region, service)).update(toSign, 'utf8').digest();
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(parts.Signature) ? parts.Signature : '', 'hex');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    throw sigErr(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. ' +
        `(KMS sandbox: access key '${akid}' is known, so the secret access key is wrong or the request was altered after signing; use the AWS_SECRET_ACCESS_KEY the sandbox printed for its state directory.)`,
    );
  }
  return { region, date };
}

/** Signs a request (used by the admin client and tests that need raw HTTP). */
export function signRequest(creds: Credentials, region: string, host: string, headers: Record<string, string>, body: Buffer, now = new Date()): Record<string, string> {
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const all: Record<string, string> = { ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), host, 'x-amz-date': amzDate };
  const names = Object.keys(all).sort();
  const canonHeaders = names.map((h) => `${h}:${all[h].trim()}\n`).join('');
  const canonical = ['POST', '/', '', canonHeaders, names.join(';'), sha256(body)].join('\n');
  const scope = `${date}/${region}/kms/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const sig = crypto.createHmac('sha256', signingKey(creds.secretAccessKey, date, region, 'kms')).update(toSign).digest('hex');
  return { ...all, authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${sig}` };
}
