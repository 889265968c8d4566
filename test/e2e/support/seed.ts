// Seeds the sandbox state folder that the extension's in-process sandbox then opens (setting
// kmsImport.sandbox.stateDir): the test runs its own sandbox on the folder first, with the real provider and
// import flow, and closes it before code-server starts. Same folder → same keys, master key and credentials.
import { startSandbox, type Sandbox } from '../../../src/sandbox/index';
import { createAwsProvider, KmsClientFactory, type AwsKmsProvider } from '../../../src/providers/aws/awsProvider';
import { runImportFlow } from '../../../src/flow/importFlow';
import { parseMaterial } from '../../../src/core/material';
import { writeBundle } from '../../../src/core/bundle';
import { wrapKeyMaterial } from '../../../src/core/wrap';
import { parseWrappingPublicKey } from '../../../src/core/publicKey';
import type { KeySpec, KeyUsage } from '../../../src/core/specs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SeedRig {
  sandbox: Sandbox;
  provider: AwsKmsProvider;
}

/** Opens the sandbox on `stateDir`, runs `fn`, closes it (always). */
export async function withSandboxState<T>(stateDir: string, region: string, fn: (rig: SeedRig) => Promise<T>): Promise<T> {
  const sandbox = await startSandbox({ port: 0, stateDir, keepState: true, region });
  const factory = new KmsClientFactory();
  const provider = createAwsProvider({ region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.credentials, clientFactory: factory, requestTimeoutMs: 10_000 });
  try {
    return await fn({ sandbox, provider });
  } finally {
    provider.dispose();
    factory.disposeAll();
    await sandbox.close();
  }
}

/** An EXTERNAL key created with an alias, still waiting for its material. */
export async function createPendingKey(rig: SeedRig, alias: string, keySpec: KeySpec = 'SYMMETRIC_DEFAULT', keyUsage: KeyUsage = 'ENCRYPT_DECRYPT'): Promise<string> {
  const k = await rig.provider.createKey({ keySpec, keyUsage, alias: `alias/${alias}`, description: `e2e ${alias}` });
  return k.keyId;
}

/** An EXTERNAL key with `material` imported (and proven), expiring at validTo if given. */
export async function createImportedKey(rig: SeedRig, alias: string, material: Buffer, keySpec: KeySpec, keyUsage: KeyUsage, validTo?: Date): Promise<string> {
  const parsed = parseMaterial(Buffer.from(material));
  const r = await runImportFlow({
    provider: rig.provider,
    material: parsed,
    target: { create: { keySpec, keyUsage, alias: `alias/${alias}`, description: `e2e ${alias}` } },
    expiration: validTo ? { model: 'KEY_MATERIAL_EXPIRES', validTo } : { model: 'KEY_MATERIAL_DOES_NOT_EXPIRE' },
  });
  return r.keyId;
}

/** Deletes the imported material of a key (it goes back to PendingImport; only the same material fits again). */
export async function deleteMaterial(rig: SeedRig, keyId: string): Promise<void> {
  await rig.provider.deleteImportedKeyMaterial(keyId);
}

/**
 * Parameters for `keyId` downloaded `ageMs` ago (the sandbox's clock moved back while it issued them), written as a
 * bundle folder: with ageMs > 24 h they have expired, though the token itself is genuine.
 */
export async function writeAgedBundle(rig: SeedRig, keyId: string, dir: string, ageMs: number): Promise<{ validTo: Date; importToken: Buffer; publicKey: Buffer }> {
  rig.sandbox.admin.setClockOffset(-ageMs);
  try {
    const p = await rig.provider.getParametersForImport(keyId, 'RSA_AES_KEY_WRAP_SHA_256', 'RSA_4096');
    const key = await rig.provider.describeKey(keyId);
    await writeBundle(dir, {
      provider: 'aws',
      region: rig.provider.region,
      keyId: key.keyId,
      keyArn: key.arn,
      wrappingAlgorithm: p.wrappingAlgorithm,
      wrappingKeySpec: p.wrappingKeySpec,
      publicKey: p.publicKey,
      importToken: p.importToken,
      validTo: p.parametersValidTo,
      issuedAt: new Date(Date.now() - ageMs),
    });
    return { validTo: p.parametersValidTo, importToken: p.importToken, publicKey: p.publicKey };
  } finally {
    rig.sandbox.admin.setClockOffset(0);
  }
}

/** Wraps `material` for the bundle written by writeAgedBundle and saves EncryptedKeyMaterial.bin next to it. */
export function writeWrappedMaterial(dir: string, publicKey: Buffer, material: Buffer): void {
  const parsed = parseMaterial(Buffer.from(material));
  try {
    const blob = wrapKeyMaterial(parsed.bytes, parseWrappingPublicKey(publicKey), 'RSA_AES_KEY_WRAP_SHA_256');
    writeFileSync(join(dir, 'EncryptedKeyMaterial.bin'), blob, { mode: 0o600 });
  } finally {
    parsed.dispose();
  }
}
