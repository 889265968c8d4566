// Redaction for everything the extension logs: never key material, never a full import token or
// secret. Applied by the logger to every line and every structured value, whatever the caller passed.
// Key material in any encoding the tool reads (hex in either case, 0x-prefixed, split by colons, spaces
// or line breaks; base64 and base64url, one line or many; PEM) is cut to its first 8 characters, while
// key ids, ARNs, paths, dates, fingerprints and key material ids stay readable (test/extension/redactEncodings.test.ts,
// test/extension/fingerprints.test.ts).

/** Field names whose values are never logged, whatever they hold. */
export const SECRET_FIELDS = new Set(
  ['plaintext', 'material', 'keymaterial', 'bytes', 'importtoken', 'token', 'encryptedkeymaterial', 'ciphertext', 'ciphertextblob', 'privatekey', 'secretaccesskey', 'sessiontoken', 'passphrase', 'password', 'secret', 'credentials', 'mac'].map((s) => s.toLowerCase()),
);

const KEEP = 8;
/** A KMS key material id (an identifier KMS returns, not material) in a field of that name stays whole. */
const KEY_MATERIAL_ID_FIELD = /^(current)?keyMaterialId$/i;
const KEY_MATERIAL_ID = /^[0-9a-f]{64}$/;
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?(-----END \1-----|$)/g;

// Shapes that are identifiers, not secrets, although they look like encoded bytes: key ids and request
// ids (UUIDs), multi-Region key ids (mrk- and 32 hex), SHA256:<base64> fingerprints of public keys and
// tokens (wherever they stand), and KMS key material ids (64 lowercase hex) right after their label
// ("key material id", "KeyMaterialId", "keyMaterialId": …) — the Import Summary shows these in full, so
// the log shows them the same. They are set aside before the rules below run and put back after.
const PROTECTED = new RegExp(
  [
    String.raw`\bmrk-[0-9a-f]{32}\b`,
    String.raw`\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b`,
    String.raw`(?<![A-Za-z0-9])SHA256:[A-Za-z0-9+/]{43}(?![A-Za-z0-9+/=])`,
    String.raw`(?<=\b(?:[Kk]ey ?[Mm]aterial ?[Ii][Dd]|currentKeyMaterialId)["']?[ \t]*[:=]?[ \t]*["']?)[0-9a-f]{64}(?![0-9A-Za-z])`,
  ].join('|'),
  'g',
);
const MARK = '\u0001';
const MARKED = /\u0001(\d+)\u0001/g;

// A line break inside an encoded value: LF, CRLF, or their JSON escapes, then indentation.
const BREAK = String.raw`(?:\r?\n|\\r\\n|\\n)[ \t]*`;
// Hex split by colons, spaces or line breaks (ab:cd:…, AB CD …, xxd -p lines, openssl -text dumps):
// groups of hex digits with separators between them; redacted when they hold 16 bytes or more.
const SPLIT_HEX = new RegExp(String.raw`(?<![0-9A-Za-z_+/-])(?:[0-9A-Fa-f]{2,}(?:[ \t]*:[ \t]*|[ \t]+|[ \t]*:?${BREAK}))+[0-9A-Fa-f]{2,}(?![0-9A-Za-z_+/-])`, 'g');
// Hex in one piece (≥ 32 chars: a 16-byte SM4 key), optionally 0x-prefixed, also inside paths and words.
const HEX_RUN = /\b(?:0x)?[0-9a-fA-F]{32,}\b/g;
// Runs of the base64 and base64url alphabets, across line breaks, with their padding.
const RUN = new RegExp(String.raw`[A-Za-z0-9+/_-]+(?:${BREAK}[A-Za-z0-9+/_-]+)*={0,2}`, 'g');

const charClass = (c: string): number => (c >= 'a' && c <= 'z' ? 0 : c >= 'A' && c <= 'Z' ? 1 : c >= '0' && c <= '9' ? 2 : 3);

/**
 * Whether a base64-alphabet run looks like encoded bytes rather than words: it has a digit, a '+', '='
 * padding, switches between lower case, upper case and digits on almost every other character, or (20
 * characters or more) mixes in far more capitals than words and names do.
 */
export function looksRandom(run: string): boolean {
  if (!/[A-Za-z]/.test(run)) return false;
  if (/[0-9+]|=$/.test(run)) return true;
  const body = run.replace(/=+$/, '');
  if (switchRatio(body) >= 0.4) return true;
  // Letters only, yet a third to four fifths capitals over 20 characters or more: base64 of random bytes
  // that happened to draw no digit (about 1 in 150 for 18 bytes), not a word or a CamelCase name
  // (whose capitals are a fifth or fewer) nor an upper-case constant.
  const upper = (body.match(/[A-Z]/g)?.length ?? 0) / body.length;
  return body.length >= 20 && /[a-z]/.test(body) && upper >= 0.35 && upper <= 0.8;
}

function switchRatio(body: string): number {
  let switches = 0;
  for (let i = 1; i < body.length; i++) if (charClass(body[i]) !== charClass(body[i - 1])) switches++;
  return switches / (body.length - 1);
}

/** Mean length of the words a run splits into at case and digit boundaries (CamelCase, 2026, ABC). */
function meanWordLength(body: string): number {
  return body.length / (body.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+|[^A-Za-z0-9]+/g)?.length ?? 1);
}

/**
 * Whether a run that may hold separators (/, -, _, line breaks) is encoded bytes: a piece between
 * separators of 20 characters or more that looks random (the rule for one-piece base64), or the
 * whole run, separators removed, breaking into words of fewer than 4 characters on average (4.5 from
 * 32 characters on) at case and digit boundaries (random base64: about 1.9; paths, names, CamelCase
 * and dates: 4.5 and more),
 * or padded with '=' and mixed-case.
 */
export function runIsEncoded(run: string): boolean {
  const pieces = run.split(/[/_\s\\-]+/);
  if (pieces.some((p) => p.length >= 20 && looksRandom(p))) return true;
  const body = pieces.join('').replace(/=+$/, '');
  if (body.length < 16 || !/[A-Za-z]/.test(body)) return false;
  // Base64 padding on a mixed-case run is encoding, whatever its words.
  if (/=$/.test(run) && /[a-z]/.test(body) && /[A-Z]/.test(body)) return true;
  // Longer runs average out: random ones stay near 1.9, so the bar can sit higher.
  return meanWordLength(body) < (body.length >= 32 ? 4.5 : 4);
}

const cut = (m: string, what: string) => `${m.slice(0, KEEP)}…[${m.length} ${what} redacted]`;

/** Shortens anything that looks like encoded bytes to its first 8 characters and a length. */
export function redactText(text: string): string {
  const kept: string[] = [];
  let t = text
    .replaceAll(MARK, '?')
    .replace(PEM_BLOCK, (_m, label: string) => `[${label} redacted]`)
    .replace(PROTECTED, (m) => `${MARK}${kept.push(m) - 1}${MARK}`);
  t = t
    .replace(SPLIT_HEX, (m) => (m.replace(/[^0-9A-Fa-f]/g, '').length >= 32 ? cut(m, 'hex chars') : m))
    .replace(HEX_RUN, (m) => cut(m, 'hex chars'))
    .replace(RUN, (m) => (runIsEncoded(m) ? cut(m, 'chars') : m));
  return t.replace(MARKED, (_m, i: string) => kept[Number(i)] ?? '');
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
      out[k] = SECRET_FIELDS.has(k.toLowerCase()) ? (v === undefined ? undefined : '[redacted]') : KEY_MATERIAL_ID_FIELD.test(k) && typeof v === 'string' && KEY_MATERIAL_ID.test(v) ? v : redactValue(v, depth + 1);
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
