// KMS clients: one per (profile/credentials, Region, endpoint), shared and reference-counted; a
// client is destroyed when its last user releases it. createKmsClient builds one with the explicit
// retry strategy (retry.ts), connection and request timeouts, and the middleware that tags each
// failed attempt with its operation (so the strategy can refuse to replay non-idempotent calls).
import { KMSClient } from '@aws-sdk/client-kms';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { KmsRetryStrategy, tagOperation, type RetryOptions } from './retry';

/** What a KMS client is built from (the provider's options add the label, log and factory). */
export interface KmsClientOptions {
  region: string;
  /** Named profile (used for the client cache key and, when `credentials` is absent, resolved with fromIni). */
  profile?: string;
  /** A custom endpoint, e.g. the sandbox's http://127.0.0.1:PORT. */
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  retry?: RetryOptions;
  /** Time to establish a connection (default 5 s). */
  connectionTimeoutMs?: number;
  /** Time without an answer before a request fails (default 30 s). */
  requestTimeoutMs?: number;
}

interface ClientEntry {
  client: KMSClient;
  refs: number;
}

/** Caches KMS clients per (profile, Region, endpoint); a client is destroyed when its last user releases it. */
export class KmsClientFactory {
  private readonly entries = new Map<string, ClientEntry>();

  static keyOf(o: { profile?: string; region: string; endpoint?: string; credentialsId?: string }): string {
    return JSON.stringify([o.profile ?? '', o.credentialsId ?? '', o.region, o.endpoint ?? '']);
  }

  acquire(key: string, create: () => KMSClient): KMSClient {
    let e = this.entries.get(key);
    if (!e) {
      e = { client: create(), refs: 0 };
      this.entries.set(key, e);
    }
    e.refs++;
    return e.client;
  }

  release(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    if (--e.refs <= 0) {
      this.entries.delete(key);
      e.client.destroy();
    }
  }

  /** Number of live clients (for tests and diagnostics). */
  get size(): number {
    return this.entries.size;
  }

  /** Destroys every client (extension deactivation). */
  disposeAll(): void {
    for (const e of this.entries.values()) e.client.destroy();
    this.entries.clear();
  }
}

export const defaultClientFactory = new KmsClientFactory();

/** Builds a KMSClient with the explicit retry strategy, timeouts and the operation tag used by it. */
export function createKmsClient(opts: KmsClientOptions): KMSClient {
  const retryStrategy = new KmsRetryStrategy(opts.retry);
  const client = new KMSClient({
    region: opts.region,
    endpoint: opts.endpoint,
    profile: opts.profile,
    credentials: opts.credentials,
    maxAttempts: retryStrategy.maxAttempts,
    retryStrategy,
    requestHandler: { connectionTimeout: opts.connectionTimeoutMs ?? 5000, requestTimeout: opts.requestTimeoutMs ?? 30000, throwOnRequestTimeout: true },
  });
  // Tags every error with its operation, inside the retry loop, so the strategy can refuse to replay
  // non-idempotent operations after an ambiguous failure.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (e) {
        tagOperation(e, context.commandName?.replace(/Command$/, ''));
        throw e;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'kmsImportOperationTag' },
  );
  return client;
}
