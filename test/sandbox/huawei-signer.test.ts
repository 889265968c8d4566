// The Huawei AK/SK signer against the official one: @huaweicloud/huaweicloud-sdk-core's AKSKSigner (a
// pinned dev-dependency, never bundled) on 300 generated requests — methods, paths with encodable
// characters, queries with repeated names and non-ASCII values, mixed-case headers, JSON bodies, dates —
// must give a byte-identical Authorization header; plus the parts the oracle cannot show (date parsing,
// the Authorization parser, the exact bytes of the body).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner') as { AKSKSigner: { sign(req: object, cred: object): Record<string, string> } };
import { canonicalUri, formatSdkDate, parseHuaweiAuthorization, parseSdkDate, sha256Hex, signHuaweiRequest, EMPTY_BODY_SHA256, type QueryParams } from '../../src/core/huaweiSigner';

// A seeded generator: the same 300 requests on every run (a failure names its index).
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACTIONS = ['create-key', 'describe-key', 'list-keys', 'get-parameters-for-import', 'import-key-material', 'delete-imported-key-material', 'encrypt-data', 'decrypt-data', 'sign', 'verify', 'get-publickey'];
// Path characters url.parse keeps as written (its auto-escaped set is left out: the oracle would sign them twice-encoded).
const PATH_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&()*+,;=:@%';
const TEXT_CHARS = 'abcXYZ019 -._~!*()\'&=+/?#[]@$,;:%"<>{}|\\^`éß中😀';

function generate(i: number) {
  const r = rng(1000 + i);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const str = (chars: string, min: number, max: number) => {
    const arr = Array.from(chars);
    let s = '';
    const n = min + Math.floor(r() * (max - min + 1));
    for (let k = 0; k < n; k++) s += pick(arr);
    return s;
  };
  const project = crypto.createHash('md5').update(String(i)).digest('hex');
  let path: string;
  if (i % 3 === 0) path = `/v1.0/${project}/kms/${pick(ACTIONS)}`;
  else {
    const segs = Array.from({ length: 1 + Math.floor(r() * 4) }, () => str(PATH_CHARS, 0, 8).replace(/%(?![0-9A-F]{2})/g, '%25'));
    path = '/' + segs.join('/') + (r() < 0.3 ? '/' : '');
  }
  let query: QueryParams | undefined;
  if (r() < 0.5) {
    query = {};
    const n = 1 + Math.floor(r() * 4);
    for (let k = 0; k < n; k++) query[str('abcXYZ_-.~ %é', 1, 6)] = r() < 0.25 ? [str(TEXT_CHARS, 0, 6), str(TEXT_CHARS, 0, 6)] : str(TEXT_CHARS, 0, 10);
  }
  const headers: Record<string, string> = {};
  if (r() < 0.8) headers['Content-Type'] = pick(['application/json', 'application/json;charset=UTF-8', 'text/plain']);
  if (r() < 0.7) headers['X-Project-Id'] = project;
  const extra = Math.floor(r() * 4);
  for (let k = 0; k < extra; k++) headers[pick(['X-', 'x-', 'Custom-', 'a']) + str('abcdefXYZ0189-', 1, 10)] = str('abc XYZ019-_=/;:,.', 0, 20);
  let data: unknown;
  if (r() < 0.8) data = { key_id: crypto.randomUUID(), n: Math.floor(r() * 1e6), text: str(TEXT_CHARS, 0, 30), nested: r() < 0.5 ? { a: [1, 'b', null], ok: true } : undefined };
  const method = pick(['POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH']);
  const when = new Date(Date.UTC(2020, 0, 1) + Math.floor(r() * 12 * 365 * 86400) * 1000);
  const ak = str('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 20, 20);
  const sk = str('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 40, 40);
  return { method, path, query, headers, data, when, ak, sk, host: pick(['kms.cn-north-4.myhuaweicloud.com', 'kms.ap-southeast-1.myhuaweicloud.com', '127.0.0.1:18443']) };
}

describe('Huawei SDK-HMAC-SHA256 signer', () => {
  test('300 generated requests: Authorization byte-identical to the official AKSKSigner', () => {
    let compared = 0;
    for (let i = 0; i < 300; i++) {
      const g = generate(i);
      const endpoint = `https://${g.host}${g.path}`;
      const date = formatSdkDate(g.when);
      const oracle = AKSKSigner.sign(
        { endpoint, method: g.method, queryParams: g.query, headers: { ...g.headers, 'X-Sdk-Date': date }, data: g.data },
        { getAk: () => g.ak, getSk: () => g.sk },
      );
      const ours = signHuaweiRequest({ method: g.method, url: endpoint, query: g.query, headers: g.headers, body: g.data === undefined ? undefined : JSON.stringify(g.data) }, { accessKey: g.ak, secretKey: g.sk }, g.when);
      assert.equal(ours.Authorization, oracle.Authorization, `request #${i}: ${g.method} ${g.path} ${JSON.stringify(g.query)}`);
      assert.equal(ours['X-Sdk-Date'], date);
      compared++;
    }
    assert.equal(compared, 300);
  });

  test('the query taken from the URL signs as the same query given as parameters', () => {
    const when = new Date(Date.UTC(2026, 11, 1, 15, 4, 5));
    const creds = { accessKey: 'AK', secretKey: 'SK' };
    const a = signHuaweiRequest({ method: 'GET', url: 'https://h/v1.0/p/kms/x?b=2&a=%C3%A9+1&a=0' }, creds, when);
    const b = signHuaweiRequest({ method: 'GET', url: 'https://h/v1.0/p/kms/x', query: { a: ['é 1', '0'], b: '2' } }, creds, when);
    assert.equal(a.Authorization, b.Authorization);
  });

  test('the body is signed as its exact bytes (whitespace changes the signature)', () => {
    const when = new Date(Date.UTC(2026, 11, 1));
    const creds = { accessKey: 'AK', secretKey: 'SK' };
    const s1 = signHuaweiRequest({ method: 'POST', url: 'https://h/a', body: '{"a":1}' }, creds, when).Authorization;
    const s2 = signHuaweiRequest({ method: 'POST', url: 'https://h/a', body: '{"a": 1}' }, creds, when).Authorization;
    assert.notEqual(s1, s2);
    assert.equal(sha256Hex(''), EMPTY_BODY_SHA256);
    assert.equal(sha256Hex(Buffer.from('{"a":1}')), sha256Hex('{"a":1}'));
  });

  test('canonical URI: segments encoded, a slash always appended', () => {
    assert.equal(canonicalUri('/v1.0/abc/kms/list-keys'), '/v1.0/abc/kms/list-keys/');
    assert.equal(canonicalUri('/a b/c~d/'), '/a%20b/c~d/');
    assert.equal(canonicalUri('/x%41'), '/x%2541/');
  });

  test('X-Sdk-Date: formatted in UTC, parsed strictly', () => {
    assert.equal(formatSdkDate(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678))), '20260102T030405Z');
    assert.equal(parseSdkDate('20260102T030405Z'), Date.UTC(2026, 0, 2, 3, 4, 5));
    for (const bad of ['20260102T030405', '2026-01-02T03:04:05Z', '20261332T000000Z', '20260230T000000Z', '']) assert.equal(parseSdkDate(bad), undefined, bad);
  });

  test('Authorization parser: the signer output round-trips, malformed headers are refused', () => {
    const h = signHuaweiRequest({ method: 'POST', url: 'https://h/v1.0/p/kms/describe-key', headers: { 'Content-Type': 'application/json', 'X-Project-Id': 'p' }, body: '{}' }, { accessKey: 'HWAK', secretKey: 'S', securityToken: 'tok' });
    const p = parseHuaweiAuthorization(h.Authorization);
    assert.deepEqual(p?.signedHeaders, ['content-type', 'host', 'x-project-id', 'x-sdk-date', 'x-security-token']);
    assert.equal(p?.access, 'HWAK');
    assert.equal(h['X-Security-Token'], 'tok');
    for (const bad of ['', 'SDK-HMAC-SHA256 Access=a', 'AWS4-HMAC-SHA256 Credential=x', h.Authorization.replace(/Signature=.*/, 'Signature=zz')]) assert.equal(parseHuaweiAuthorization(bad), undefined, bad);
  });
});
