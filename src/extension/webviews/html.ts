// The HTML shell of both panels: strict CSP with a fresh crypto nonce, only dist/webview resources,
// (the panel's CSS is emitted by esbuild next to its script: form.js → form.css),
// the first state embedded in a data attribute so the first paint needs no round trip.
import * as crypto from 'node:crypto';
import type * as vscode from 'vscode';

export function nonce(): string {
  return crypto.randomBytes(18).toString('base64');
}

export function escapeAttribute(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function csp(cspSource: string, n: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    `script-src 'nonce-${n}'`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function webviewOptions(extensionUri: vscode.Uri, joinPath: (base: vscode.Uri, ...p: string[]) => vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: [joinPath(extensionUri, 'dist', 'webview')] };
}

export function renderHtml(opts: { webview: vscode.Webview; extensionUri: vscode.Uri; joinPath: (base: vscode.Uri, ...p: string[]) => vscode.Uri; script: string; title: string; initial: unknown; lang?: string }): string {
  const n = nonce();
  const { webview } = opts;
  const asset = (f: string) => webview.asWebviewUri(opts.joinPath(opts.extensionUri, 'dist', 'webview', f)).toString();
  return `<!DOCTYPE html>
<html lang="${escapeAttribute(opts.lang ?? 'en')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp(webview.cspSource, n))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('codicon.css')}">
<link rel="stylesheet" href="${asset(opts.script.replace(/\.js$/, '.css'))}">
<title>${escapeAttribute(opts.title)}</title>
</head>
<body>
<main id="app" data-initial="${escapeAttribute(JSON.stringify(opts.initial))}"></main>
<script nonce="${n}" src="${asset(opts.script)}"></script>
</body>
</html>`;
}
