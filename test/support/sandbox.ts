// Shared test helper: a sandbox plus a ready @aws-sdk/client-kms client pointed at it.
//   const t = await startTestSandbox(); … t.kms.send(new DescribeKeyCommand(…)); … await t.close();
//   or: test('…', () => withSandbox(async ({ kms, sandbox }) => { … }));
import { KMSClient } from '@aws-sdk/client-kms';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index';

export interface TestSandbox {
  sandbox: Sandbox;
  kms: KMSClient;
  /** A client for another Region of the same sandbox (multi-Region keys). */
  clientFor(region: string, extra?: { maxAttempts?: number }): KMSClient;
  close(): Promise<void>;
}

export interface TestSandboxOptions extends SandboxOptions {
  /** SDK attempts (default 3, the SDK default). */
  maxAttempts?: number;
}

export async function startTestSandbox(opts: TestSandboxOptions = {}): Promise<TestSandbox> {
  const { maxAttempts, ...sbOpts } = opts;
  const sandbox = await startSandbox({ wrappingKeyPool: 2, ...sbOpts });
  const clients: KMSClient[] = [];
  const clientFor = (region: string, extra: { maxAttempts?: number } = {}) => {
    const c = new KMSClient({
      endpoint: sandbox.endpoint,
      region,
      credentials: { ...sandbox.credentials },
      maxAttempts: extra.maxAttempts ?? maxAttempts ?? 3,
    });
    clients.push(c);
    return c;
  };
  const kms = clientFor(sandbox.region);
  return {
    sandbox,
    kms,
    clientFor,
    async close() {
      for (const c of clients) c.destroy();
      await sandbox.close();
    },
  };
}

export async function withSandbox<T>(fn: (t: TestSandbox) => Promise<T>, opts: TestSandboxOptions = {}): Promise<T> {
  const t = await startTestSandbox(opts);
  try {
    return await fn(t);
  } finally {
    await t.close();
  }
}
