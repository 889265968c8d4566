// How the sandbox finds and types an operation, over signed HTTP: every operation of the model (OPERATIONS)
// reaches its own shape and handler (an empty body gets exactly that operation's required-member errors, or
// its answer), names that exist only on JavaScript objects (toString, constructor, __proto__, …) are unknown
// operations whatever the body, and a validated request carries decoded values of the types Req<Op> states
// (the @ts-expect-error lines are checked by the typecheck tier).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OPERATIONS, type OperationName, type Req } from '../../src/sandbox/model';
import { signRequest } from '../../src/sandbox/sigv4';
import { validateInput } from '../../src/sandbox/validate';
import { startTestSandbox, type TestSandbox } from '../support/sandbox';

let t: TestSandbox;
before(async () => {
  t = await startTestSandbox({ wrappingKeyPool: 0 });
});
after(async () => {
  await t?.close();
});

async function raw(op: string, body: string) {
  const data = Buffer.from(body);
  const host = new URL(t.sandbox.endpoint).host;
  const base = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `TrentService.${op}` };
  const { host: _h, ...headers } = signRequest(t.sandbox.credentials, t.sandbox.region, host, base, data) as Record<string, string>;
  const res = await fetch(t.sandbox.endpoint + '/', { method: 'POST', headers, body: data });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const camel = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

describe('dispatch by operation name', () => {
  test('every operation of the model reaches its own shape and handler', async () => {
    const answered: Record<string, unknown> = {};
    for (const op of Object.keys(OPERATIONS) as OperationName[]) {
      const required: readonly string[] = OPERATIONS[op].required;
      const r = await raw(op, '{}');
      if (required.length === 0) {
        assert.equal(r.status, 200, `${op}: ${JSON.stringify(r.json)}`);
        answered[op] = Object.keys(r.json).sort();
        continue;
      }
      assert.equal(r.status, 400, op);
      assert.equal(r.json.__type, 'ValidationException', `${op}: ${JSON.stringify(r.json)}`);
      const n = required.length;
      const expected = `${n} validation error${n > 1 ? 's' : ''} detected: ${required.map((m) => `Value null at '${camel(m)}' failed to satisfy constraint: Member must not be null`).join('; ')}`;
      assert.equal(r.json.message, expected, op);
    }
    // The operations without required members answer with their own response shapes.
    assert.deepEqual(answered, { CreateKey: ['KeyMetadata'], ListKeys: ['Keys', 'Truncated'], ListAliases: ['Aliases', 'Truncated'] });
  });

  test('names inherited by JavaScript objects are unknown operations, before the body is read', async () => {
    for (const op of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'call', 'seed', 'opCreateKey']) {
      for (const body of ['{}', '{"Limit":', 'not json']) {
        const r = await raw(op, body);
        assert.equal(r.status, 400, `${op} ${body}`);
        assert.deepEqual(r.json, { __type: 'UnknownOperationException', message: `The KMS sandbox does not implement the operation ${op}.` }, `${op} ${body}`);
      }
    }
    // A served operation with a body that is not JSON is still a SerializationException.
    assert.equal((await raw('ListKeys', '{"Limit":')).json.__type, 'SerializationException');
  });
});

describe('requests typed from the shapes', () => {
  test('a validated ImportKeyMaterial holds Buffers for blobs, epoch milliseconds for ValidTo, and only the members sent', () => {
    const p: Req<'ImportKeyMaterial'> = validateInput(
      { KeyId: 'k', ImportToken: Buffer.from('token').toString('base64'), EncryptedKeyMaterial: Buffer.from([1, 2, 3]).toString('base64'), ValidTo: 1_800_000_000.5, ExpirationModel: 'KEY_MATERIAL_EXPIRES' },
      OPERATIONS.ImportKeyMaterial,
    );
    assert.deepEqual(p.EncryptedKeyMaterial, Buffer.from([1, 2, 3]));
    assert.equal(p.ImportToken.toString(), 'token');
    assert.equal(p.ValidTo, 1_800_000_000_500);
    assert.equal(p.ExpirationModel, 'KEY_MATERIAL_EXPIRES');
    assert.deepEqual(Object.keys(p).sort(), ['EncryptedKeyMaterial', 'ExpirationModel', 'ImportToken', 'KeyId', 'ValidTo']);
  });

  test('the compiler holds handlers to the model: enum values, decoded blobs and required members', () => {
    const ok: Req<'Encrypt'> = { KeyId: 'k', Plaintext: Buffer.from('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256', EncryptionContext: { a: 'b' } };
    // @ts-expect-error EncryptionAlgorithm is one of the model's EncryptionAlgorithmSpec values
    const badAlgorithm: Req<'Encrypt'> = { KeyId: 'k', Plaintext: Buffer.from('x'), EncryptionAlgorithm: 'AES_256' };
    // @ts-expect-error Plaintext is a blob, decoded to a Buffer (not left as base64 text)
    const base64Left: Req<'Encrypt'> = { KeyId: 'k', Plaintext: 'eA==' };
    // @ts-expect-error KeyId is required by the Sign shape
    const noKey: Req<'Sign'> = { Message: Buffer.from('x'), SigningAlgorithm: 'ECDSA_SHA_256' };
    // @ts-expect-error Tags are {TagKey, TagValue} structures with both members required
    const halfTag: Req<'TagResource'> = { KeyId: 'k', Tags: [{ TagKey: 'a' }] };
    // The values exist only for the compiler; at run time the objects are what was written.
    assert.deepEqual([ok, badAlgorithm, base64Left, noKey, halfTag].map((x) => Object.keys(x).length), [4, 3, 2, 2, 2]);
  });
});
