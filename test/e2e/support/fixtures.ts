// Workspaces and secrets for the e2e tests: key material the test generates (so it can search for it later),
// and a scanner that looks for that material, in every encoding a leak could take, in any text.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

export interface Secret {
  name: string;
  bytes: Buffer;
  /** Also flag any 16-byte window of it (material: yes; an import token: only the whole token counts). */
  partial?: boolean;
}

/** A fresh workspace folder with `material/` for the test's key material. */
export function makeWorkspace(prefix = 'kms-e2e-ws-'): string {
  const ws = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(ws, 'material'), { recursive: true });
  writeFileSync(join(ws, 'README.md'), '# e2e workspace\n');
  return ws;
}

/** Writes random symmetric material (AES-256 / HMAC) to the workspace; returns it as a Secret. */
export function writeSymmetricMaterial(ws: string, rel: string, length = 32): Secret {
  const bytes = randomBytes(length);
  writeFileSync(join(ws, rel), bytes, { mode: 0o600 });
  return { name: rel, bytes, partial: true };
}

/** Writes an RSA private key (PKCS#8 PEM); the Secret is its PKCS#8 DER. */
export function writeRsaMaterial(ws: string, rel: string, bits = 2048): Secret {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  writeFileSync(join(ws, rel), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return { name: rel, bytes: privateKey.export({ type: 'pkcs8', format: 'der' }), partial: true };
}

/**
 * The forms a secret could leak as: hex (both cases), base64, base64url, and for long secrets any 16-byte
 * window of those (a partial leak is a leak). Short windows of base64 are aligned to 3-byte boundaries so the
 * encoding matches wherever the leak starts on one.
 */
export function leakPatterns(secret: Buffer, { minWindow = 16, partial = true } = {}): string[] {
  const out = new Set<string>();
  const add = (b: Buffer) => {
    out.add(b.toString('hex'));
    out.add(b.toString('hex').toUpperCase());
    const b64 = b.toString('base64').replace(/=+$/, '');
    out.add(b64.slice(0, b64.length - (b.length % 3 ? 1 : 0)) || b64);
    const b64u = b.toString('base64url');
    out.add(b64u.slice(0, b64u.length - (b.length % 3 ? 1 : 0)) || b64u);
    out.add(Array.from(b).join(',')); // a Uint8Array serialised as JSON numbers
  };
  add(secret);
  if (partial && secret.length > minWindow) {
    for (let i = 0; i + minWindow <= secret.length; i += minWindow) add(secret.subarray(i, i + minWindow));
  }
  return [...out].filter((p) => p.length >= 16);
}

/** Every place in `text` where one of the secrets appears; [] when it is clean. */
export function findLeaks(text: string, secrets: Secret[]): string[] {
  const found: string[] = [];
  for (const s of secrets) {
    for (const p of leakPatterns(s.bytes, { partial: s.partial ?? true })) {
      const i = text.indexOf(p);
      if (i >= 0) found.push(`${s.name} (as ${p.slice(0, 12)}…) at offset ${i}: …${text.slice(Math.max(0, i - 60), i)}[SECRET]…`);
    }
  }
  return found;
}

/** Writes an EC private key on `curve` (PKCS#8 PEM); the Secret is its PKCS#8 DER. */
export function writeEcMaterial(ws: string, rel: string, curve = 'P-256'): Secret {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: curve });
  writeFileSync(join(ws, rel), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return { name: rel, bytes: privateKey.export({ type: 'pkcs8', format: 'der' }), partial: true };
}
