// AES Key Wrap with Padding (RFC 5649) built on AES-ECB, the inner layer of RSA_AES_KEY_WRAP_SHA_*.
// Deliberately not `id-aes256-wrap-pad`: BoringSSL (VS Code desktop's Electron) has no such cipher.
import * as crypto from 'node:crypto';
import { invalidInput } from './errors';

const AIV_PREFIX = Buffer.from('a65959a6', 'hex');

function ecbName(kek: Buffer): string {
  if (kek.length === 16) return 'aes-128-ecb';
  if (kek.length === 24) return 'aes-192-ecb';
  if (kek.length === 32) return 'aes-256-ecb';
  throw invalidInput('KWP_KEK_LENGTH', `AES key wrap needs a 16, 24 or 32-byte key; got ${kek.length} bytes.`, 'Use a 32-byte AES key.');
}

function ecb(kek: Buffer, decrypt: boolean): crypto.Cipher | crypto.Decipher {
  const c = decrypt ? crypto.createDecipheriv(ecbName(kek), kek, null) : crypto.createCipheriv(ecbName(kek), kek, null);
  c.setAutoPadding(false);
  return c;
}

/** A ^= t, with t the 64-bit big-endian step counter (t < 2^53 for any input we accept). */
function xorCounter(a: Buffer, t: number): void {
  a[7] ^= t & 0xff;
  a[6] ^= (t >>> 8) & 0xff;
  a[5] ^= (t >>> 16) & 0xff;
  a[4] ^= (t >>> 24) & 0xff;
  if (t > 0xffffffff) a.writeUInt32BE((a.readUInt32BE(0) ^ Math.floor(t / 0x100000000)) >>> 0, 0);
}

/** RFC 5649 §4.1 wrap. */
export function aesKeyWrapPad(kek: Buffer, plaintext: Buffer): Buffer {
  if (plaintext.length === 0) throw invalidInput('KWP_EMPTY', 'There is nothing to wrap: the key material is empty.', 'Choose a file that holds the key material.');
  const mli = plaintext.length;
  const padded = Buffer.alloc(Math.ceil(mli / 8) * 8);
  plaintext.copy(padded);
  const aiv = Buffer.alloc(8);
  AIV_PREFIX.copy(aiv);
  aiv.writeUInt32BE(mli, 4);
  try {
    const cipher = ecb(kek, false);
    if (padded.length === 8) {
      return cipher.update(Buffer.concat([aiv, padded]));
    }
    const n = padded.length / 8;
    const r = padded; // modified in place; it is our own copy
    // block = A ‖ R[i]. Each cipher output becomes the next input: its first half is the new A (after the
    // counter), its second half goes back to R[i], and R[i+1] is loaded over it.
    let block = Buffer.alloc(16);
    aiv.copy(block, 0);
    for (let k = 0; k < 8; k++) block[8 + k] = r[k];
    // Byte loops, not Buffer#copy: for 8-byte moves the loop is several times faster (the hot path of the wrap).
    for (let j = 0; j <= 5; j++) {
      for (let i = 1; i <= n; i++) {
        const out = cipher.update(block);
        block.fill(0);
        block = out;
        const off = (i - 1) * 8;
        const nextOff = i === n ? 0 : off + 8;
        for (let k = 0; k < 8; k++) {
          r[off + k] = block[8 + k];
          block[8 + k] = r[nextOff + k];
        }
        xorCounter(block, n * j + i);
      }
    }
    const a = Buffer.from(block.subarray(0, 8));
    block.fill(0);
    return Buffer.concat([a, r]);
  } finally {
    padded.fill(0);
  }
}

/** RFC 5649 §4.2 unwrap with every integrity check; throws on any tampering. */
export function aesKeyUnwrapPad(kek: Buffer, ciphertext: Buffer): Buffer {
  const bad = () => invalidInput('KWP_INTEGRITY', 'AES key unwrap failed: the wrapped key material is corrupt or was wrapped with another key.', 'Wrap the material again with the current wrapping public key.');
  if (ciphertext.length < 16 || ciphertext.length % 8 !== 0) throw bad();
  const decipher = ecb(kek, true);
  let a: Buffer;
  let p: Buffer;
  if (ciphertext.length === 16) {
    const out = decipher.update(ciphertext);
    a = out.subarray(0, 8);
    p = Buffer.from(out.subarray(8));
    out.fill(0, 8);
  } else {
    const n = ciphertext.length / 8 - 1;
    a = Buffer.from(ciphertext.subarray(0, 8));
    p = Buffer.from(ciphertext.subarray(8));
    const block = Buffer.alloc(16);
    for (let j = 5; j >= 0; j--) {
      for (let i = n; i >= 1; i--) {
        xorCounter(a, n * j + i);
        a.copy(block, 0);
        p.copy(block, 8, (i - 1) * 8, i * 8);
        const b = decipher.update(block);
        b.copy(a, 0, 0, 8);
        b.copy(p, (i - 1) * 8, 8, 16);
        b.fill(0);
      }
    }
    block.fill(0);
  }
  // Check the alternative IV and padding in constant-ish time; any failure is the same error.
  let ok = a.subarray(0, 4).equals(AIV_PREFIX);
  const mli = a.readUInt32BE(4);
  const n8 = p.length;
  if (mli <= n8 - 8 || mli > n8) ok = false;
  if (ok) {
    for (let i = mli; i < n8; i++) if (p[i] !== 0) ok = false;
  }
  if (!ok) {
    p.fill(0);
    throw bad();
  }
  const out = Buffer.from(p.subarray(0, mli));
  p.fill(0);
  return out;
}
