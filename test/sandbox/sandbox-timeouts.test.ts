// Connection hygiene: a client that sends its headers too slowly, a body too slowly, or leaves a keep-alive
// connection idle is disconnected by the sandbox after the configured timeouts. Real sockets; each test
// waits on the socket's 'close' event (bounded by the test's own timeout), never on a sleep.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { startSandbox, DEFAULT_TIMEOUTS, type Sandbox } from '../../src/sandbox/index';
import { signRequest } from '../../src/sandbox/sigv4';

let sb: Sandbox;
before(async () => {
  sb = await startSandbox({ wrappingKeyPool: 0, timeouts: { headersMs: 300, requestMs: 600, idleMs: 300 } });
});
after(async () => {
  await sb.close();
});

/** Opens a socket, writes `first`, and resolves with everything received once the server closes it. */
function closedByServer(first: string | Buffer): Promise<{ received: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const { port } = new URL(sb.endpoint);
    const start = Date.now();
    let received = '';
    const s = net.connect(Number(port), '127.0.0.1', () => {
      if (first.length) s.write(first);
    });
    s.setEncoding('utf8');
    s.on('data', (d: string) => (received += d));
    s.on('error', reject);
    s.on('close', () => resolve({ received, ms: Date.now() - start }));
  });
}

describe('the sandbox closes slow and idle connections', { timeout: 10_000 }, () => {
  test('defaults are set (header 10 s, request 30 s, idle 65 s)', () => {
    assert.deepEqual(DEFAULT_TIMEOUTS, { headersMs: 10_000, requestMs: 30_000, idleMs: 65_000 });
  });

  test('a connection that never sends a byte is closed', { timeout: 5000 }, async () => {
    const r = await closedByServer('');
    assert.ok(r.ms >= 250, `closed after ${r.ms} ms`);
  });

  test('headers that never finish → 408 and the socket is closed', { timeout: 5000 }, async () => {
    const r = await closedByServer('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: TrentService.ListKeys\r\n');
    assert.match(r.received, /^HTTP\/1\.1 408 /);
  });

  test('a body that never finishes → the socket is closed', { timeout: 5000 }, async () => {
    const r = await closedByServer('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 100\r\n\r\n{"Limit":');
    assert.ok(r.ms >= 550, `closed after ${r.ms} ms`);
    assert.doesNotMatch(r.received, /200 OK/);
  });

  test('an idle keep-alive connection is closed after its answer', { timeout: 5000 }, async () => {
    const host = new URL(sb.endpoint).host;
    const body = Buffer.from('{}');
    const h = signRequest(sb.credentials, sb.region, host, { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' }, body);
    const head = `POST / HTTP/1.1\r\n${Object.entries({ ...h, 'content-length': String(body.length), connection: 'keep-alive' }).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
    const r = await closedByServer(Buffer.concat([Buffer.from(head), body]));
    assert.match(r.received, /^HTTP\/1\.1 200 OK/);
    assert.match(r.received, /"Keys":\[\]/);
  });

  test('timeouts are checked: requestMs below headersMs, or not a whole number, is refused', async () => {
    await assert.rejects(startSandbox({ wrappingKeyPool: 0, timeouts: { headersMs: 500, requestMs: 100 } }), /requestMs \(100\) must be at least timeouts\.headersMs \(500\)/);
    await assert.rejects(startSandbox({ wrappingKeyPool: 0, timeouts: { idleMs: Number.NaN } }), /timeouts\.idleMs must be a whole number/);
  });
});
