// Step "create key": create a KMS key with no key material (Origin EXTERNAL), or describe the key the
// user chose and check that it can take imported material (origin EXTERNAL; PendingImport, or
// Enabled/Disabled for a re-import). No vscode, no SDK.
import type { CreateKeyRequest, KeyInfo, KmsProvider } from '../../providers/types';
import type { FlowRun } from '../run';

export type KeyTarget = { keyId: string } | { create: CreateKeyRequest };

export async function resolveKey(run: FlowRun, provider: KmsProvider, target: KeyTarget): Promise<KeyInfo> {
  const key = 'create' in target ? await createExternalKey(run, provider, target.create) : await describeImportTarget(run, provider, target.keyId);
  Object.assign(run.partial, { keyId: key.keyId, keyArn: key.arn, keySpec: key.keySpec, keyState: key.keyState });
  return key;
}

async function createExternalKey(run: FlowRun, provider: KmsProvider, req: CreateKeyRequest): Promise<KeyInfo> {
  return run.step('create-key', `CreateKey ${req.keySpec} (${req.keyUsage}), origin EXTERNAL`, async () => {
    const key = await provider.createKey(req, { signal: run.signal });
    run.partial.createdKey = true;
    return key;
  }, (key) => `Created ${key.arn} (${key.keyState})`);
}

async function describeImportTarget(run: FlowRun, provider: KmsProvider, keyId: string): Promise<KeyInfo> {
  return run.step('create-key', `DescribeKey ${keyId}`, async () => {
    const key = await provider.describeKey(keyId, { signal: run.signal });
    assertImportable(run, key);
    return key;
  }, (key) => ({ status: 'skipped', detail: `Using existing key ${key.arn} (${key.keySpec}, ${key.keyState})` }));
}

/** Refuses a key that cannot take imported material, with the way out. */
export function assertImportable(run: FlowRun, key: KeyInfo): void {
  if (key.origin !== 'EXTERNAL') {
    run.refuse('create-key', 'KEY_NOT_EXTERNAL', `Key ${key.arn} was created with key material origin ${key.origin}; only keys with origin EXTERNAL take imported material.`, 'Create a key with key material origin External, or choose one.');
  }
  if (key.keyState !== 'PendingImport' && key.keyState !== 'Enabled' && key.keyState !== 'Disabled') {
    run.refuse('create-key', 'KEY_STATE', `Key ${key.arn} is ${key.keyState}; import needs PendingImport (or Enabled/Disabled for a re-import).`, key.keyState === 'PendingDeletion' ? 'Cancel the key deletion first.' : 'Wait until the key is usable, or choose another key.');
  }
}
