// Every mapped error, produced for real by the sandbox and seen through the provider; and the retry
// strategy as the sandbox counts it (throttling and 5xx retried, 4xx not, ImportKeyMaterial not replayed).
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseWrappingPublicKey } from '../../src/core/publicKey';
import { wrapKeyMaterial } from '../../src/core/wrap';
import { isProviderError, type KmsProvider, type ProviderErrorInfo } from '../../src/providers/types';
import type { KeySpec, KeyUsage } from '../../src/core/specs';
import { KmsClientFactory } from '../../src/providers/aws/awsProvider';
import { material, startRig, type Rig } from './flow-support';

let rig: Rig;
let provider: KmsProvider;
before(async () => {
  rig = await startRig();
  provider = rig.provider();
});
afterEach(() => {
  rig.sandbox.admin.clearFaults();
  rig.sandbox.admin.setClockOffset(0);
});
after(async () => rig.close());

async function failure(p: Promise<unknown>): Promise<ProviderErrorInfo> {
  try {
    await p;
  } catch (e) {
    assert.ok(isProviderError(e), `expected a ProviderError, got ${String(e)}`);
    assert.equal(e.message, `${e.info.cause} ${e.info.action}`);
    return e.info;
  }
  assert.fail('the call succeeded');
}

async function newKey(keySpec: KeySpec = 'SYMMETRIC_DEFAULT', keyUsage: KeyUsage = 'ENCRYPT_DECRYPT') {
  return provider.createKey({ keySpec, keyUsage });
}

describe('mapped errors, produced by the sandbox', () => {
  test('ExpiredImportTokenException (sandbox clock 25 h ahead) → download new parameters', async () => {
    const k = await newKey();
    const m = material('SYMMETRIC_DEFAULT');
    const p = await provider.getParametersForImport(k.keyId, 'RSAES_OAEP_SHA_256', 'RSA_4096');
    const wrapped = wrapKeyMaterial(m.bytes, parseWrappingPublicKey(p.publicKey), 'RSAES_OAEP_SHA_256');
    rig.sandbox.admin.setClockOffset(25 * 3600_000);
    const info = await failure(provider.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapped, importToken: p.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
    assert.equal(info.name, 'ExpiredImportTokenException');
    assert.equal(info.nextStep, 'download-parameters');
    assert.equal(info.retryable, false);
    assert.match(info.cause, /expired/);
    assert.match(info.action, /Download new import parameters/);
    m.dispose();
  });

  test('InvalidCiphertextException (wrapped with OAEP SHA-1, token for SHA-256) names algorithm, public key and the likely mismatch', async () => {
    const k = await newKey();
    const m = material('SYMMETRIC_DEFAULT');
    const p = await provider.getParametersForImport(k.keyId, 'RSAES_OAEP_SHA_256', 'RSA_4096');
    const pub = parseWrappingPublicKey(p.publicKey);
    const wrapped = wrapKeyMaterial(m.bytes, pub, 'RSAES_OAEP_SHA_1');
    const info = await failure(
      provider.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapped, importToken: p.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', context: { wrappingAlgorithm: 'RSAES_OAEP_SHA_1', wrappingKeySpec: 'RSA_4096', publicKeyFingerprint: pub.fingerprint } }),
    );
    assert.equal(info.name, 'InvalidCiphertextException');
    assert.ok(info.cause.includes('RSAES_OAEP_SHA_1'));
    assert.ok(info.cause.includes(pub.fingerprint));
    assert.match(info.cause, /RSAES_OAEP_SHA_256 instead of RSAES_OAEP_SHA_1/);
    assert.match(info.action, /SAME parameter bundle/);
    assert.equal(info.nextStep, 'download-parameters');
    assert.equal((await provider.describeKey(k.keyId)).keyState, 'PendingImport');
    m.dispose();
  });

  test('InvalidImportTokenException (token of another key)', async () => {
    const a = await newKey();
    const b = await newKey();
    const m = material('SYMMETRIC_DEFAULT');
    const pa = await provider.getParametersForImport(a.keyId, 'RSAES_OAEP_SHA_256', 'RSA_4096');
    const info = await failure(
      provider.importKeyMaterial({ keyId: b.keyId, encryptedKeyMaterial: wrapKeyMaterial(m.bytes, parseWrappingPublicKey(pa.publicKey), 'RSAES_OAEP_SHA_256'), importToken: pa.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }),
    );
    assert.equal(info.name, 'InvalidImportTokenException');
    assert.match(info.cause, /another KMS key/);
    assert.equal(info.nextStep, 'download-parameters');
    m.dispose();
  });

  test('IncorrectKeyMaterialException (different material into an HMAC key) says what differs', async () => {
    const k = await newKey('HMAC_256', 'GENERATE_VERIFY_MAC');
    const m1 = material('HMAC_256');
    const m2 = material('HMAC_256');
    const p1 = await provider.getParametersForImport(k.keyId, 'RSAES_OAEP_SHA_256', 'RSA_4096');
    await provider.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapKeyMaterial(m1.bytes, parseWrappingPublicKey(p1.publicKey), 'RSAES_OAEP_SHA_256'), importToken: p1.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
    const p2 = await provider.getParametersForImport(k.keyId, 'RSAES_OAEP_SHA_256', 'RSA_4096');
    const info = await failure(
      provider.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapKeyMaterial(m2.bytes, parseWrappingPublicKey(p2.publicKey), 'RSAES_OAEP_SHA_256'), importToken: p2.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', context: { keySpec: 'HMAC_256', materialImportedBefore: true } }),
    );
    assert.equal(info.name, 'IncorrectKeyMaterialException');
    assert.match(info.cause, /HMAC_256 key .* already has key material, and the material you imported is different/);
    assert.match(info.cause, /KMS says: The key material is not the same key material that was previously imported/);
    assert.equal(info.nextStep, 'choose-material');
    m1.dispose();
    m2.dispose();
  });

  test('IncorrectKeyMaterialException on a first import of a truncated PKCS#8 shows the KMS message, never "differs from before"', async () => {
    const k = await newKey('ECC_NIST_P256', 'SIGN_VERIFY');
    const m = material('ECC_NIST_P256');
    const truncated = Buffer.from(m.bytes.subarray(0, m.bytes.length - 20));
    m.dispose();
    // As the HSM path sends it (no key spec, nothing known about earlier imports), and as the flow sends it.
    for (const context of [{ wrappingAlgorithm: 'RSAES_OAEP_SHA_256' as const, wrappingKeySpec: 'RSA_4096' as const }, { keySpec: 'ECC_NIST_P256' as const, materialImportedBefore: false }]) {
      const p = await provider.getParametersForImport(k.keyId, 'RSAES_OAEP_SHA_256', 'RSA_4096');
      const info = await failure(provider.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapKeyMaterial(truncated, parseWrappingPublicKey(p.publicKey), 'RSAES_OAEP_SHA_256'), importToken: p.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', context }));
      assert.equal(info.name, 'IncorrectKeyMaterialException');
      assert.match(info.cause, /^KMS refused the key material/);
      assert.match(info.cause, /KMS says: The key material is not a valid private key for ECC_NIST_P256: .+DER-encoded PKCS#8/);
      assert.doesNotMatch(`${info.cause} ${info.action}`, /differs|previously imported into this key|already has key material/);
      assert.equal(info.nextStep, 'choose-material');
    }
    assert.equal((await provider.describeKey(k.keyId)).keyState, 'PendingImport');
  });

  test('NotFoundException, UnsupportedOperationException (AWS_KMS origin) and KMSInvalidStateException are mapped', async () => {
    const nf = await failure(provider.describeKey('11111111-2222-3333-4444-555555555555'));
    assert.equal(nf.name, 'NotFoundException');
    assert.match(nf.cause, /not found/);

    const [generated] = await rig.sandbox.admin.seedKeys(1, { origin: 'AWS_KMS', state: 'Enabled' });
    const un = await failure(provider.getParametersForImport(generated, 'RSAES_OAEP_SHA_256', 'RSA_4096'));
    assert.equal(un.name, 'UnsupportedOperationException');
    assert.match(un.action, /Origin EXTERNAL/);

    const k = await newKey();
    const st = await failure(provider.encrypt(k.keyId, Buffer.from('x')));
    assert.equal(st.name, 'KMSInvalidStateException');
    assert.equal(st.nextStep, 'describe-key');
  });

  test('UnsupportedOperationException for a parameter (SM2PKE outside China) names the choice, not the key origin', async () => {
    const k = await newKey();
    const info = await failure(provider.getParametersForImport(k.keyId, 'SM2PKE', 'SM2'));
    assert.equal(info.name, 'UnsupportedOperationException');
    assert.doesNotMatch(info.cause, /Origin EXTERNAL/);
    assert.match(info.cause, /China Regions/);
    assert.match(info.action, /another wrapping algorithm or wrapping key spec than SM2PKE \/ SM2/);
  });

  test('wrong credentials are refused with a clear cause and action', async () => {
    const p = rig.provider({ credentials: { accessKeyId: 'AKIAWRONGWRONGWRONG0', secretAccessKey: 'not-the-secret' } });
    const info = await failure(p.listKeys());
    assert.equal(info.retryable, false);
    assert.equal(info.nextStep, 'check-permissions');
  });

  test('AccessDeniedException names the missing permission (a stub server: the sandbox has no IAM)', async () => {
    // The one fault the sandbox cannot make: it has no IAM policies. The real client talks HTTP to a stub.
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-123' });
        res.end(JSON.stringify({ __type: 'AccessDeniedException', message: 'User: arn:aws:iam::111122223333:user/dev is not authorized to perform: kms:ImportKeyMaterial on resource: arn:aws:kms:us-east-1:111122223333:key/abc because no identity-based policy allows the kms:ImportKeyMaterial action' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const p = rig.provider({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, clientFactory: new KmsClientFactory() });
    try {
      const info = await failure(p.importKeyMaterial({ keyId: 'abc', encryptedKeyMaterial: Buffer.alloc(512, 1), importToken: Buffer.alloc(32, 2), expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
      assert.equal(info.name, 'AccessDeniedException');
      assert.match(info.cause, /lack kms:ImportKeyMaterial/);
      assert.match(info.action, /Grant kms:ImportKeyMaterial/);
      assert.equal(info.nextStep, 'check-permissions');
      assert.equal(info.requestId, 'req-123');
      assert.equal(info.retryable, false);
    } finally {
      p.dispose();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('retry strategy, as the sandbox counts requests', () => {
  test('throttling is retried and absorbed', async () => {
    const k = await newKey();
    const n0 = rig.sandbox.admin.requestCount('DescribeKey');
    rig.sandbox.admin.injectFault({ operation: 'DescribeKey', rate: 1, kind: 'throttling', count: 2 });
    const d = await provider.describeKey(k.keyId);
    assert.equal(d.keyId, k.keyId);
    assert.equal(rig.sandbox.admin.requestCount('DescribeKey') - n0, 3);
  });

  test('throttling beyond the attempts surfaces as retryable, not ambiguous', async () => {
    const n0 = rig.sandbox.admin.requestCount('ListKeys');
    rig.sandbox.admin.injectFault({ operation: 'ListKeys', rate: 1, kind: 'throttling', count: 10 });
    const info = await failure(provider.listKeys());
    assert.equal(rig.sandbox.admin.requestCount('ListKeys') - n0, 4);
    assert.equal(info.retryable, true);
    assert.equal(info.ambiguous, false);
    assert.equal(info.nextStep, 'retry');
  });

  test('5xx (KMSInternalException, DependencyTimeout) on a read is retried', async () => {
    const k = await newKey();
    for (const kind of ['internal', 'dependency-timeout'] as const) {
      const n0 = rig.sandbox.admin.requestCount('DescribeKey');
      rig.sandbox.admin.injectFault({ operation: 'DescribeKey', rate: 1, kind, count: 1 });
      assert.equal((await provider.describeKey(k.keyId)).keyId, k.keyId);
      assert.equal(rig.sandbox.admin.requestCount('DescribeKey') - n0, 2, kind);
    }
  });

  test('4xx is not retried', async () => {
    const n0 = rig.sandbox.admin.requestCount('DescribeKey');
    await failure(provider.describeKey('11111111-2222-3333-4444-555555555555'));
    assert.equal(rig.sandbox.admin.requestCount('DescribeKey') - n0, 1);
  });

  test('ImportKeyMaterial is not replayed after a 5xx: one request, ambiguous, describe-key next', async () => {
    const k = await newKey();
    const m = material('SYMMETRIC_DEFAULT');
    const p = await provider.getParametersForImport(k.keyId, 'RSAES_OAEP_SHA_256', 'RSA_4096');
    const n0 = rig.sandbox.admin.requestCount('ImportKeyMaterial');
    rig.sandbox.admin.injectFault({ operation: 'ImportKeyMaterial', rate: 1, kind: 'internal', count: 1 });
    const info = await failure(provider.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapKeyMaterial(m.bytes, parseWrappingPublicKey(p.publicKey), 'RSAES_OAEP_SHA_256'), importToken: p.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
    assert.equal(rig.sandbox.admin.requestCount('ImportKeyMaterial') - n0, 1);
    assert.equal(info.ambiguous, true);
    assert.equal(info.retryable, true);
    assert.equal(info.nextStep, 'describe-key');
    m.dispose();
  });

  test('ImportKeyMaterial IS retried when throttled (a throttled request never takes effect)', async () => {
    const k = await newKey();
    const m = material('SYMMETRIC_DEFAULT');
    const p = await provider.getParametersForImport(k.keyId, 'RSAES_OAEP_SHA_256', 'RSA_4096');
    const n0 = rig.sandbox.admin.requestCount('ImportKeyMaterial');
    rig.sandbox.admin.injectFault({ operation: 'ImportKeyMaterial', rate: 1, kind: 'throttling', count: 1 });
    const out = await provider.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapKeyMaterial(m.bytes, parseWrappingPublicKey(p.publicKey), 'RSAES_OAEP_SHA_256'), importToken: p.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
    assert.match(out.keyMaterialId ?? '', /^[a-f0-9]{64}$/);
    assert.equal(rig.sandbox.admin.requestCount('ImportKeyMaterial') - n0, 2);
    m.dispose();
  });

  test('a connection reset on a read is retried; on ImportKeyMaterial it is ambiguous and not replayed', async () => {
    const k = await newKey();
    const n0 = rig.sandbox.admin.requestCount('DescribeKey');
    rig.sandbox.admin.injectFault({ operation: 'DescribeKey', rate: 1, kind: 'reset', count: 1 });
    assert.equal((await provider.describeKey(k.keyId)).keyId, k.keyId);
    assert.equal(rig.sandbox.admin.requestCount('DescribeKey') - n0, 2);

    const m = material('SYMMETRIC_DEFAULT');
    const p = await provider.getParametersForImport(k.keyId, 'RSAES_OAEP_SHA_256', 'RSA_4096');
    const i0 = rig.sandbox.admin.requestCount('ImportKeyMaterial');
    rig.sandbox.admin.injectFault({ operation: 'ImportKeyMaterial', rate: 1, kind: 'reset', count: 1 });
    const info = await failure(provider.importKeyMaterial({ keyId: k.keyId, encryptedKeyMaterial: wrapKeyMaterial(m.bytes, parseWrappingPublicKey(p.publicKey), 'RSAES_OAEP_SHA_256'), importToken: p.importToken, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
    assert.equal(rig.sandbox.admin.requestCount('ImportKeyMaterial') - i0, 1);
    assert.equal(info.ambiguous, true);
    assert.match(info.cause, /connection was lost during ImportKeyMaterial/);
    m.dispose();
  });

  test('a hanging request times out (requestTimeout) and is reported as a lost connection', async () => {
    const p = rig.provider({ requestTimeoutMs: 300, retry: { maxAttempts: 1 }, clientFactory: new KmsClientFactory() });
    rig.sandbox.admin.injectFault({ operation: 'ListKeys', rate: 1, kind: 'hang', count: 1 });
    const info = await failure(p.listKeys());
    assert.equal(info.retryable, true);
    assert.match(info.cause, /no answer in time|connection was lost/);
  });
});
