// One file of `kms-import wrap`: read, checked, wrapped and written in synchronous calls, on whichever thread
// took it from the queue (src/cli/wrapPool.ts).
import { isKmsImportError } from '../core/errors';
import { readFileCheckedSync, writeFileAtomicSync } from '../core/fsutil';
import { parseMaterial, type KeyMaterial } from '../core/material';
import { parseWrappingPublicKey, type WrappingPublicKey } from '../core/publicKey';
import type { Finding } from '../core/rules';
import { KEY_SPECS } from '../core/specs';
import { wrapKeyMaterial } from '../core/wrap';
import { checkBeforeWrap } from '../flow/steps/wrap';
import type { WrapFileResult, WrapJob } from './wrapPool';

/** Material files are at most this large (a PKCS#12 or encrypted PEM RSA-4096 file is a few KB). */
const MAX_MATERIAL_BYTES = 4 * 1024 * 1024;

export function publicKeyOf(job: WrapJob): WrappingPublicKey {
  return parseWrappingPublicKey(Buffer.from(job.spki), job.wrappingKeySpec);
}

/** Reads, checks, wraps and writes file `i` of the job. A refusal is a result; anything else (a bug) throws. */
export function wrapFile(job: WrapJob, publicKey: WrappingPublicKey, i: number): WrapFileResult {
  const file = job.materials[i];
  let material: KeyMaterial | undefined;
  try {
    const expectRaw = job.keySpec !== undefined && (KEY_SPECS[job.keySpec].kind === 'symmetric' || KEY_SPECS[job.keySpec].kind === 'hmac');
    material = parseMaterial(readFileCheckedSync(file, MAX_MATERIAL_BYTES), { passphrase: job.passphrase, fileName: file, expectRaw });
    const keySpec = job.keySpec ?? material.keySpec;
    const findings = checkBeforeWrap({ provider: job.provider, keySpec, wrappingKeySpec: publicKey.wrappingKeySpec, algorithm: job.algorithm, material });
    const wrapped = wrapKeyMaterial(material.bytes, publicKey, job.algorithm);
    writeFileAtomicSync(job.targets[i], wrapped, { mode: 0o600, overwrite: job.overwrite });
    return { material: file, out: job.targets[i], keySpec, bytes: wrapped.length, findings: findings.filter((f) => f.severity === 'warning') };
  } catch (e) {
    if (!isKmsImportError(e)) throw e;
    return { material: file, error: { code: e.code, message: e.message, fix: e.fix }, findings: (e as unknown as { findings?: Finding[] }).findings };
  } finally {
    material?.dispose();
  }
}
