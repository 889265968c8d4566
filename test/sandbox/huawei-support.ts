// Shared by the Huawei tests: a sandbox (its Huawei API on the same port) and the huawei provider over
// HTTP against it, plus helpers that wrap material the way Huawei's guide does.
import assert from 'node:assert/strict';
import { parseWrappingPublicKey } from '../../src/core/publicKey';
import { wrapKeyMaterial } from '../../src/core/wrap';
import type { KeySpec, WrappingAlgorithm } from '../../src/core/specs';
import { HuaweiKmsProvider, type HuaweiProviderOptions } from '../../src/providers/huawei/huaweiProvider';
import { signHuaweiRequest } from '../../src/core/huaweiSigner';
import { isProviderError, type ImportParameters, type ProviderErrorInfo } from '../../src/providers/types';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index';

export interface HuaweiRig {
  sandbox: Sandbox;
  provider(extra?: Partial<HuaweiProviderOptions>): HuaweiKmsProvider;
  /** A raw signed POST to the sandbox's Huawei API (for wire-level checks). */
  raw(action: string, body: unknown, tweak?: { headers?: Record<string, string>; project?: string; date?: Date; secretKey?: string; accessKey?: string }): Promise<{ status: number; json: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startHuaweiRig(opts: SandboxOptions = {}): Promise<HuaweiRig> {
  const sandbox = await startSandbox({ wrappingKeyPool: 2, adminRoute: true, ...opts });
  const providers: HuaweiKmsProvider[] = [];
  const hw = sandbox.huawei;
  return {
    sandbox,
    provider(extra = {}) {
      const p = new HuaweiKmsProvider({ region: hw.region, projectId: hw.projectId, endpoint: hw.endpoint, credentials: { accessKey: hw.accessKey, secretKey: hw.secretKey }, retry: { baseDelayMs: 5, throttlingBaseDelayMs: 5, maxDelayMs: 20 }, ...extra });
      providers.push(p);
      return p;
    },
    async raw(action, body, tweak = {}) {
      const project = tweak.project ?? hw.projectId;
      const url = `${hw.endpoint}/v1.0/${project}/kms/${action}`;
      const text = JSON.stringify(body);
      const headers = signHuaweiRequest({ method: 'POST', url, headers: { 'Content-Type': 'application/json', 'X-Project-Id': project, ...(tweak.headers ?? {}) }, body: text }, { accessKey: tweak.accessKey ?? hw.accessKey, secretKey: tweak.secretKey ?? hw.secretKey }, tweak.date);
      delete headers.host;
      const res = await fetch(url, { method: 'POST', headers, body: text });
      const t = await res.text();
      return { status: res.status, json: t ? (JSON.parse(t) as Record<string, unknown>) : {} };
    },
    async close() {
      for (const p of providers) p.dispose();
      await sandbox.close();
    },
  };
}

export async function failure(p: Promise<unknown>): Promise<ProviderErrorInfo> {
  try {
    await p;
  } catch (e) {
    assert.ok(isProviderError(e), `expected a ProviderError, got ${String(e)}`);
    assert.equal(e.message, `${e.info.cause} ${e.info.action}`);
    return e.info;
  }
  assert.fail('the call succeeded');
}

/** Wraps material for the parameters: RSAES_* for raw bytes; RSA_AES_KEY_WRAP_SHA_256 (the two-part form) for PKCS#8. */
export function wrapFor(params: ImportParameters, bytes: Buffer, algorithm: WrappingAlgorithm = params.wrappingAlgorithm): Buffer {
  return wrapKeyMaterial(bytes, parseWrappingPublicKey(params.publicKey), algorithm);
}

export const ASYMMETRIC: KeySpec[] = ['RSA_2048', 'ECC_NIST_P256'];
