// Running the openssl CLI from tests (the real tool, as in the documented pipeline of sources/001).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function openssl(args: string[], input?: Buffer): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
}

export function tempDir(prefix = 'kms-import-test-'): { dir: string; path: (name: string) => string; write: (name: string, data: Buffer | string) => string; read: (name: string) => Buffer; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    path: (name) => join(dir, name),
    write: (name, data) => {
      writeFileSync(join(dir, name), data);
      return join(dir, name);
    },
    read: (name) => readFileSync(join(dir, name)),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Generates a private key with OpenSSL and returns it as PKCS#8 DER (sources/001's commands). */
export function opensslGenPkcs8(kind: 'rsa' | 'ec', param: string): Buffer {
  const pem = kind === 'rsa' ? openssl(['genpkey', '-algorithm', 'rsa', '-pkeyopt', `rsa_keygen_bits:${param}`]) : openssl(['genpkey', '-algorithm', 'ec', '-pkeyopt', `ec_paramgen_curve:${param}`]);
  return openssl(['pkcs8', '-topk8', '-outform', 'der', '-nocrypt'], pem);
}

export function opensslPublicDer(privateKeyDer: Buffer): Buffer {
  return openssl(['pkey', '-inform', 'der', '-pubout', '-outform', 'der'], privateKeyDer);
}

export const VECTORS = join(__dirname, '..', '..', '..', 'shared', 'vectors', 'wycheproof');
