// Redaction for everything the extension logs: never key material, never a full import token or
// secret. Applied by the logger to every line and every structured value, whatever the caller passed.

/** Field names whose values are never logged, whatever they hold. */
export const SECRET_FIELDS = new Set(
  ['plaintext', 'material', 'keymaterial', 'bytes', 'importtoken', 'token', 'encryptedkeymaterial', 'ciphertext', 'ciphertextblob', 'privatekey', 'secretaccesskey', 'sessiontoken', 'passphrase', 'password', 'secret', 'credentials', 'mac'].map((s) => s.toLowerCase()),
);

const KEEP = 8;
// Long runs that look like encoded binary: hex (≥ 32 chars: a 16-byte SM4 key) or base64 (≥ 24 chars
// with upper case, lower case and digits: a 16-byte key). Key ids and ARNs (UUIDs with dashes) stay.
const HEX_RUN = /\b[0-9a-fA-F]{32,}\b/g;
const B64_RUN = /[A-Za-z0-9+/]{24,}={0,2}/g;
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?(-----END \1-----|$)/g;

/** Shortens anything that looks like encoded bytes to its first 8 characters and a length. */
export function redactText(text: string): string {
  return text
    .replace(PEM_BLOCK, (_m, label: string) => `[${label} redacted]`)
    .replace(HEX_RUN, (m) => `${m.slice(0, KEEP)}…[${m.length} hex chars redacted]`)
    .replace(B64_RUN, (m) => (/[0-9]/.test(m) && /[a-z]/.test(m) && /[A-Z]/.test(m) ? `${m.slice(0, KEEP)}…[${m.length} chars redacted]` : m));
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
