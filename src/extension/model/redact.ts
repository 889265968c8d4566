// Redaction for everything the extension logs: never key material, never a full import token or
// secret. Applied by the logger to every line and every structured value, whatever the caller passed.

/** Field names whose values are never logged, whatever they hold. */
export const SECRET_FIELDS = new Set(
  ['plaintext', 'material', 'keymaterial', 'bytes', 'importtoken', 'token', 'encryptedkeymaterial', 'ciphertext', 'ciphertextblob', 'privatekey', 'secretaccesskey', 'sessiontoken', 'passphrase', 'password', 'secret', 'credentials', 'mac'].map((s) => s.toLowerCase()),
);

const KEEP = 8;
// Long runs that look like encoded binary: hex (≥ 32 chars: a 16-byte SM4 key) or base64 (≥ 20 chars
// that look random: a 16-byte key is 22). Key ids and ARNs (UUIDs with dashes), paths and words stay.
const HEX_RUN = /\b[0-9a-fA-F]{32,}\b/g;
const B64_RUN = /[A-Za-z0-9+/]{20,}={0,2}/g;

const charClass = (c: string): number => (c >= 'a' && c <= 'z' ? 0 : c >= 'A' && c <= 'Z' ? 1 : c >= '0' && c <= '9' ? 2 : 3);

/**
 * Whether a base64-alphabet run looks like encoded bytes rather than words: it has a digit, a '+', '='
 * padding, or switches between lower case, upper case and digits on almost every other character.
 */
export function looksRandom(run: string): boolean {
  if (!/[A-Za-z]/.test(run)) return false;
  if (/[0-9+]|=$/.test(run)) return true;
  const body = run.replace(/=+$/, '');
  let switches = 0;
  for (let i = 1; i < body.length; i++) if (charClass(body[i]) !== charClass(body[i - 1])) switches++;
  return switches / (body.length - 1) >= 0.4;
}

// Absolute paths (/…/…, ~/…, C:\…) are kept as they are, apart from hex runs inside them.
const PATH_TOKEN = /(^|[\s'"(=])((?:~|[A-Za-z]:)?[\\/][^\s'"()]*[\\/][^\s'"()]*)/g;
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?(-----END \1-----|$)/g;

/** Shortens anything that looks like encoded bytes to its first 8 characters and a length. */
export function redactText(text: string): string {
  const hex = (t: string) => t.replace(HEX_RUN, (m) => `${m.slice(0, KEEP)}…[${m.length} hex chars redacted]`);
  const b64 = (t: string) => t.replace(B64_RUN, (m) => (looksRandom(m) ? `${m.slice(0, KEEP)}…[${m.length} chars redacted]` : m));
  const noPem = text.replace(PEM_BLOCK, (_m, label: string) => `[${label} redacted]`);
  // Split into path tokens and the rest; only the rest gets the base64 rule.
  let out = '';
  let last = 0;
  for (const m of noPem.matchAll(PATH_TOKEN)) {
    const start = m.index! + m[1].length;
    const token = m[2];
    // A token with '+' or '=' padding is base64, not a path; a path's segments are checked one by one.
    const kept = /[+]|=$/.test(token) ? b64(hex(token)) : token.split(/([\\/])/).map((seg) => b64(hex(seg))).join('');
    out += b64(hex(noPem.slice(last, start))) + kept;
    last = start + token.length;
  }
  return out + b64(hex(noPem.slice(last)));
}

/** A JSON-safe copy with secret fields masked, Buffers reduced to their length, strings redacted. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (value instanceof Error) return redactText(`${value.name}: ${value.message}`);
  if (depth > 5) return '[…]';
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_FIELDS.has(k.toLowerCase()) ? (v === undefined ? undefined : '[redacted]') : redactValue(v, depth + 1);
    }
    return out;
  }
  return String(value);
}

/** One log line from a message and optional structured details. */
export function formatLogLine(message: string, details?: unknown): string {
  const base = redactText(message);
  if (details === undefined) return base;
  let json: string;
  try {
    json = JSON.stringify(redactValue(details));
  } catch {
    json = '[unserializable]';
  }
  return `${base} ${json}`;
}
