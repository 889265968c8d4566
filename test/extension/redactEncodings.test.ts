// Redaction against real key material in every encoding the tool reads (hex in any case, with colons,
// spaces or line breaks; base64 and base64url with and without line breaks; PEM bodies and whole PEM):
// embedded in log lines, no run of 12 consecutive characters of any rendering survives. Ordinary log
// lines (key ids, multi-Region key ids, ARNs, paths, dates, fingerprints) stay as they are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { formatLogLine, redactText } from '../../src/extension/model/redact';

/** The longest run of a rendering allowed to survive. */
const N = 12;

function materials(): Record<string, Buffer> {
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'der' });
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'der' });
  return { 'AES-256': crypto.randomBytes(32), 'HMAC-384 (48 bytes)': crypto.randomBytes(48), 'RSA-2048 PKCS#8': rsa, 'EC P-256 PKCS#8': ec };
}

const lines = (s: string, width: number, eol = '\n') => s.match(new RegExp(`[\\s\\S]{1,${width}}`, 'g'))!.join(eol);
const pairs = (hex: string) => hex.match(/../g)!;

/** Every rendering of the bytes that the tool itself reads (src/core/encoding.ts and material parsing). */
function renderings(b: Buffer): Record<string, string> {
  const hex = b.toString('hex');
  const b64 = b.toString('base64');
  const b64url = b.toString('base64url');
  return {
    hex,
    HEX: hex.toUpperCase(),
    '0x-hex': `0x${hex}`,
    'colon-hex': pairs(hex).join(':'),
    'COLON-HEX': pairs(hex.toUpperCase()).join(':'),
    'space-hex': pairs(hex).join(' '),
    'SPACE-HEX': pairs(hex.toUpperCase()).join(' '),
    'hex, 60 per line (xxd -p)': lines(hex, 60),
    'HEX, 32 per line, CRLF': lines(hex.toUpperCase(), 32, '\r\n'),
    'colon-hex, 15 bytes per line (openssl -text)': pairs(hex).join(':').match(/.{1,45}/g)!.map((l) => `    ${l}`).join('\n'),
    'space-hex, 16 bytes per line': pairs(hex).join(' ').match(/.{1,48}/g)!.map((l) => l.trim()).join('\n'),
    base64: b64,
    'base64, 64 per line': lines(b64, 64),
    'base64, 76 per line, CRLF': lines(b64, 76, '\r\n'),
    base64url: b64url,
    'base64url, 64 per line': lines(b64url, 64),
    'PEM body': lines(b64, 64),
    'PEM body, one line': b64,
    PEM: `-----BEGIN PRIVATE KEY-----\n${lines(b64, 64)}\n-----END PRIVATE KEY-----\n`,
    'PEM, no END line': `-----BEGIN PRIVATE KEY-----\n${lines(b64, 64)}`,
  };
}

/** The ways a value ends up in a log line. */
const embeddings: Array<[string, (r: string) => string]> = [
  ['alone', (r) => r],
  ['in a sentence', (r) => `read material ${r} from the file`],
  ['after a colon', (r) => `material:${r}`],
  ['after =', (r) => `bytes=${r}; done`],
  ['in quotes', (r) => `value "${r}" rejected`],
  ['in parentheses', (r) => `(${r})`],
  ['after a newline', (r) => `parsed:\n${r}\nend`],
  ['as a JSON detail', (r) => formatLogLine('wrap', { note: r, size: 1 })],
  ['as a message with details', (r) => formatLogLine(`bad input ${r}`, { keyId: 'k' })],
];

function assertNoRun(full: string, out: string, what: string): void {
  const rendering = full.trim(); // indentation before the first line is layout, not material
  for (let i = 0; i + N <= rendering.length; i++) {
    const w = rendering.slice(i, i + N);
    if (out.includes(w)) assert.fail(`${what}: "${w}" (characters ${i}–${i + N} of the rendering) survived redaction:\n${out.slice(0, 400)}`);
  }
}

test(`no run of ${N} characters of real material survives, in every rendering and embedding`, () => {
  for (let round = 0; round < 3; round++) {
    for (const [name, bytes] of Object.entries(materials())) {
      for (const [enc, r] of Object.entries(renderings(bytes))) {
        for (const [where, embed] of embeddings) {
          const line = embed(r);
          const out = line.startsWith('wrap {') || line.startsWith('bad input') ? line : redactText(line);
          assertNoRun(r, out, `${name} as ${enc}, ${where}`);
        }
      }
    }
  }
});

test('base64 that starts with / and holds further / is not taken for a path', () => {
  // The reported leak: 48 bytes (HMAC_384) whose base64 is /…/… with no '+' and no segment of 20.
  let found = 0;
  for (let i = 0; found < 20 && i < 2_000_000; i++) {
    const b = crypto.randomBytes(48);
    const s = b.toString('base64');
    if (!s.startsWith('/') || s.includes('+') || s.split('/').some((seg) => seg.length >= 20)) continue;
    found++;
    assertNoRun(s, redactText(`material ${s} end`), `base64 ${s}`);
  }
  assert.equal(found, 20);
});

test('ordinary log lines stay readable', () => {
  const fp = `SHA256:${crypto.createHash('sha256').update('public key').digest('base64').replace(/=+$/, '')}`;
  const keep = [
    'Imported /home/u/kms-import/x/EncryptedKeyMaterial.bin into arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    'Parameters for 1234abcd-12ab-34cd-56ef-1234567890ab (RSA_4096, RSA_AES_KEY_WRAP_SHA_256) written to /home/u/kms-import/payments-20260301T120000Z, valid to 2026-03-02T12:00:00.000Z',
    'Import started: key mrk-1234abcd12ab34cd56ef1234567890ab in 111122223333/us-west-2; material HMAC_384 key (48 bytes); bundle /home/u/work/kms-import/mrk-1234abcd12ab34cd56ef1234567890ab-20260301T120000Z',
    'Imported C:\\Users\\me\\kms-import\\payments-20260301T120000Z\\EncryptedKeyMaterial.bin into alias/payments-key',
    'Replica arn:aws-cn:kms:cn-north-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab is Enabled',
    `Wrapping public key ${fp}, import token ${fp}`,
    'Sandbox listening on http://127.0.0.1:53817 (state /home/u/.config/Code/User/globalStorage/kms-import.kms-key-import/sandbox)',
    'AccessDeniedException: User arn:aws:iam::111122223333:role/Admin is not authorized to perform kms:ImportKeyMaterial; RequestId 7d4f9a2c-1b3e-4f5a-9c8d-0e1f2a3b4c5d',
    'step wrap: done — RSA_AES_KEY_WRAP_SHA_256 with RSA_4096 (KEY_MATERIAL_DOES_NOT_EXPIRE, ECC_NIST_P256)',
    'Bundle /home/alice/Projects/KeyStore/material/kms-import/my-imported-key-20260301T120000Z read; expires 2026-03-02 12:00:00 UTC (23 h 59 min)',
    'Timed out after 30000 ms at 12:30:45; retry 3 of 6',
  ];
  for (const line of keep) assert.equal(redactText(line), line);
});
