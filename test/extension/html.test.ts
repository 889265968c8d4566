// The panels' HTML shell: strict CSP with a fresh nonce, only dist/webview resources, the first state
// escaped into an attribute (no script injection through data).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csp, escapeAttribute, nonce, renderHtml } from '../../src/extension/webviews/html';

const fakeWebview = { cspSource: 'https://file+.vscode-resource.vscode-cdn.net', asWebviewUri: (u: { path: string }) => ({ toString: () => `https://res${u.path}` }) };
const join = (base: { path: string }, ...p: string[]) => ({ path: [base.path, ...p].join('/') });

test('CSP: default-src none, scripts by nonce only, no unsafe-*', () => {
  const c = csp('https://x', 'N0NCE');
  assert.match(c, /^default-src 'none'/);
  assert.match(c, /script-src 'nonce-N0NCE'/);
  assert.match(c, /connect-src 'none'/);
  assert.doesNotMatch(c, /unsafe-/);
});

test('nonces are fresh and long enough', () => {
  const seen = new Set(Array.from({ length: 50 }, () => nonce()));
  assert.equal(seen.size, 50);
  for (const n of seen) assert.ok(Buffer.from(n, 'base64').length >= 16);
});

test('the shell loads only dist/webview assets and escapes the initial state', () => {
  const html = renderHtml({ webview: fakeWebview as never, extensionUri: { path: '/ext' } as never, joinPath: join as never, script: 'form.js', title: 'T"<', initial: { x: '"><script>alert(1)</script>' } });
  assert.ok(!html.includes('<script>alert(1)'), 'state is escaped');
  assert.match(html, /src="https:\/\/res\/ext\/dist\/webview\/form\.js"/);
  assert.match(html, /href="https:\/\/res\/ext\/dist\/webview\/form\.css"/);
  assert.match(html, /href="https:\/\/res\/ext\/dist\/webview\/codicon\.css"/);
  const n = /nonce="([^"]+)"/.exec(html)![1];
  assert.ok(html.includes(`'nonce-${n}'`), 'the script nonce is the CSP nonce');
  assert.equal((html.match(/<script/g) ?? []).length, 1, 'one script, no inline code');
  assert.equal(escapeAttribute('a&"<>'), 'a&amp;&quot;&lt;&gt;');
});
