// Shared by the provider-* and flow-* tests: a sandbox per test file and providers on it, plus
// helpers that generate test material. Not a test file itself.
import { generateMaterial } from '../../src/core/generate';
import { parseMaterial, type KeyMaterial } from '../../src/core/material';
import type { KeySpec } from '../../src/core/specs';
import { KmsClientFactory, createAwsProvider, type AwsKmsProvider, type AwsProviderOptions } from '../../src/providers/aws/awsProvider';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';

export interface Rig {
  sandbox: Sandbox;
  factory: KmsClientFactory;
  /** A provider on the sandbox with fast retries (so throttling tests take milliseconds). */
  provider(extra?: Partial<AwsProviderOptions>): AwsKmsProvider;
  close(): Promise<void>;
}

export async function startRig(opts: { region?: string } = {}): Promise<Rig> {
  const sandbox = await startSandbox({ port: 0, region: opts.region });
  const factory = new KmsClientFactory();
  const made: AwsKmsProvider[] = [];
  return {
    sandbox,
    factory,
    provider(extra = {}) {
      const p = createAwsProvider({
        region: sandbox.region,
        endpoint: sandbox.endpoint,
        credentials: sandbox.credentials,
        clientFactory: factory,
        retry: { maxAttempts: 4, baseDelayMs: 5, throttlingBaseDelayMs: 5, maxDelayMs: 50 },
        ...extra,
      });
      made.push(p);
      return p;
    },
    async close() {
      for (const p of made) p.dispose();
      factory.disposeAll();
      await sandbox.close();
    },
  };
}

export function material(keySpec: KeySpec, opts: { china?: boolean } = {}): KeyMaterial {
  const raw = generateMaterial(keySpec, opts);
  try {
    const m = parseMaterial(raw);
    // parseMaterial classifies raw bytes by length; the key spec decides for symmetric/HMAC material.
    return m;
  } finally {
    raw.fill(0);
  }
}
