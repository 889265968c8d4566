// Recognising how bytes are encoded: PEM, base64 text, hex text, JSON, DER or plain binary.

export interface PemBlock {
  label: string;
  headers: Record<string, string>;
  der: Buffer;
}

const PEM_RE = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

export function isProbablyText(buf: Buffer): boolean {
  if (buf.length === 0) return false;
  const n = Math.min(buf.length, 4096);
  for (let i = 0; i < n; i++) {
    const c = buf[i];
    if (c === 9 || c === 10 || c === 13) continue;
    if (c < 32 || c > 126) return false;
  }
  return true;
}

export function parsePem(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(PEM_RE)) {
    const headers: Record<string, string> = {};
    const lines = m[2].split(/\r?\n/);
    const body: string[] = [];
    let inHeaders = true;
    for (const line of lines) {
      const h = inHeaders ? /^([A-Za-z-]+):\s*(.*)$/.exec(line) : null;
      if (h) {
        headers[h[1]] = h[2];
        continue;
      }
      inHeaders = false;
      body.push(line.trim());
    }
    const b64 = body.join('');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) continue;
    out.push({ label: m[1], headers, der: Buffer.from(b64, 'base64') });
  }
  return out;
}

/** Strict base64 (standard or URL alphabet, whitespace allowed); undefined if the text is not base64. */
export function decodeBase64Text(text: string): Buffer | undefined {
  const t = text.replace(/\s+/g, '');
  if (t.length < 4) return undefined;
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(t) && t.length % 4 === 0) return Buffer.from(t, 'base64');
  if (/^[A-Za-z0-9_-]+$/.test(t) && t.length % 4 !== 1) return Buffer.from(t, 'base64url');
  return undefined;
}

/** Hex text (optionally with 0x, colons or whitespace); undefined if the text is not hex. */
export function decodeHexText(text: string): Buffer | undefined {
  let t = text.trim().replace(/^0x/i, '');
  t = t.replace(/[\s:]+/g, '');
  if (t.length === 0 || t.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(t)) return undefined;
  return Buffer.from(t, 'hex');
}

export function sha256Hex(b: Buffer): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('node:crypto').createHash('sha256').update(b).digest('hex');
}

/** A short, stable fingerprint for display: SHA256:<base64, no padding> like OpenSSH. */
export function fingerprint(b: Buffer): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return 'SHA256:' + require('node:crypto').createHash('sha256').update(b).digest('base64').replace(/=+$/, '');
}
