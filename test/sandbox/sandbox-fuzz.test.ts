// A bounded fuzzing run over the sandbox's JSON decoding and validation, over real HTTP with correctly
// signed requests: for every operation, bodies mutated from valid ones (and from the corpus) must each end
// in a 200 or a 4xx with an AWS error shape within the time limit — never a 5xx, a dropped connection or
// a hang. An input that fails is kept under test/sandbox/corpus/sandbox-json/ (replayed by
// sandbox-corpus.test.ts). Seeded (FUZZ_SEED to vary it), bounded by count (FUZZ_COUNT, 600) and time (FUZZ_BUDGET_MS, 20 s).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { CreateKeyCommand, EncryptCommand, GenerateMacCommand, SignCommand } from '@aws-sdk/client-kms';
import { OPERATIONS } from '../../src/sandbox/model';
import { startTestSandbox, type TestSandbox } from '../support/sandbox';
import { createExternalKey, getParams, materialFor, wrap } from '../support/sandboxImport';
import { keepInCorpus, mutate, prng, readCorpus, sendAndJudge, type FuzzInput } from '../support/sandboxFuzz';

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const COUNT = Number(process.env.FUZZ_COUNT ?? 600);
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 20_000);

let t: TestSandbox;
const seeds = new Map<string, Buffer[]>();

before(async () => {
  t = await startTestSandbox({ wrappingKeyPool: 2 });
  const kms = t.kms;
  const sym = (await kms.send(new CreateKeyCommand({ Description: 'fuzz' }))).KeyMetadata!.KeyId!;
  const victim = (await kms.send(new CreateKeyCommand({ Description: 'fuzz victim' }))).KeyMetadata!.KeyId!;
  const hmac = (await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata!.KeyId!;
  const ec = (await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!.KeyId!;
  const ext = await createExternalKey(kms, 'SYMMETRIC_DEFAULT');
  const msg = Buffer.from('fuzz message');
  const ct = Buffer.from((await kms.send(new EncryptCommand({ KeyId: sym, Plaintext: msg, EncryptionContext: { a: 'b' } }))).CiphertextBlob!);
  const mac = Buffer.from((await kms.send(new GenerateMacCommand({ KeyId: hmac, MacAlgorithm: 'HMAC_SHA_256', Message: msg }))).Mac!);
  const sig = Buffer.from((await kms.send(new SignCommand({ KeyId: ec, Message: msg, SigningAlgorithm: 'ECDSA_SHA_256' }))).Signature!);
  const p = await getParams(kms, ext);
  const wrapped = wrap(materialFor('SYMMETRIC_DEFAULT'), p.publicKey, 'RSAES_OAEP_SHA_256');
  const b64 = (b: Buffer) => b.toString('base64');
  const valid: Record<string, unknown> = {
    CreateKey: { Description: 'fuzz', Tags: [{ TagKey: 'a', TagValue: 'b' }], MultiRegion: false },
    DescribeKey: { KeyId: sym, GrantTokens: ['g'] },
    ListKeys: { Limit: 5 },
    ListAliases: { KeyId: sym, Limit: 5 },
    CreateAlias: { AliasName: 'alias/fuzz', TargetKeyId: sym },
    DeleteAlias: { AliasName: 'alias/fuzz' },
    UpdateKeyDescription: { KeyId: sym, Description: 'described' },
    ListResourceTags: { KeyId: sym, Limit: 10 },
    TagResource: { KeyId: sym, Tags: [{ TagKey: 'k', TagValue: 'v' }] },
    UntagResource: { KeyId: sym, TagKeys: ['k'] },
    EnableKey: { KeyId: victim },
    DisableKey: { KeyId: victim },
    ScheduleKeyDeletion: { KeyId: victim, PendingWindowInDays: 7 },
    CancelKeyDeletion: { KeyId: victim },
    GetParametersForImport: { KeyId: ext, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' },
    ImportKeyMaterial: { KeyId: ext, ImportToken: b64(p.token), EncryptedKeyMaterial: b64(wrapped), ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: Date.now() / 1000 + 86400 },
    DeleteImportedKeyMaterial: { KeyId: ext },
    ListKeyRotations: { KeyId: sym, IncludeKeyMaterial: 'ALL_KEY_MATERIAL', Limit: 5 },
    RotateKeyOnDemand: { KeyId: sym },
    ReplicateKey: { KeyId: sym, ReplicaRegion: 'us-west-2', Description: 'r' },
    GetPublicKey: { KeyId: ec },
    Sign: { KeyId: ec, Message: b64(msg), SigningAlgorithm: 'ECDSA_SHA_256', MessageType: 'RAW' },
    Verify: { KeyId: ec, Message: b64(msg), Signature: b64(sig), SigningAlgorithm: 'ECDSA_SHA_256' },
    Encrypt: { KeyId: sym, Plaintext: b64(msg), EncryptionContext: { a: 'b' } },
    Decrypt: { CiphertextBlob: b64(ct), EncryptionContext: { a: 'b' } },
    GenerateMac: { KeyId: hmac, MacAlgorithm: 'HMAC_SHA_256', Message: b64(msg) },
    VerifyMac: { KeyId: hmac, MacAlgorithm: 'HMAC_SHA_256', Message: b64(msg), Mac: b64(mac) },
  };
  for (const [op, body] of Object.entries(valid)) seeds.set(op, [Buffer.from(JSON.stringify(body))]);
  for (const c of readCorpus()) if (seeds.has(c.operation)) seeds.get(c.operation)!.push(c.body);
});
after(async () => {
  await t?.close();
});

describe('fuzzing the sandbox’s JSON decoding over signed HTTP', () => {
  test('every operation has a valid seed body that the sandbox accepts or refuses cleanly', async () => {
    assert.deepEqual([...seeds.keys()].sort(), Object.keys(OPERATIONS).sort());
    for (const [operation, [body]] of seeds) {
      const v = await sendAndJudge(t.sandbox, { operation, body });
      assert.ok(v.ok, `${operation}: ${v.detail}`);
    }
  });

  test(`${COUNT} mutated bodies (seed ${SEED}): each a 200 or a 4xx AWS error within the time limit`, { timeout: 60_000 }, async () => {
    const r = prng(SEED);
    const ops = [...seeds.keys()].sort();
    const started = Date.now();
    const failures: string[] = [];
    const statuses = new Map<string, number>();
    let sent = 0;
    for (let i = 0; i < COUNT && Date.now() - started < BUDGET_MS; i++) {
      const operation = ops[i % ops.length];
      const pool = seeds.get(operation)!;
      const input: FuzzInput = { operation, body: mutate(pool[Math.floor(r() * pool.length)], r) };
      const v = await sendAndJudge(t.sandbox, input);
      sent++;
      statuses.set(String(v.status ?? 'none'), (statuses.get(String(v.status ?? 'none')) ?? 0) + 1);
      if (!v.ok) failures.push(`${operation}: ${v.detail} → kept as ${keepInCorpus(input, v)}`);
    }
    assert.deepEqual(failures, []);
    // The run is bounded by time as well as count; on a fast machine it sends them all.
    assert.ok(sent >= Math.min(COUNT, ops.length * 4), `only ${sent} inputs were sent in ${BUDGET_MS} ms`);
    assert.ok((statuses.get('400') ?? 0) > sent / 4, `mostly refusals expected: ${JSON.stringify([...statuses])}`);
  });

  test('the generator is deterministic: the same seed gives the same inputs', () => {
    const run = () => {
      const r = prng(SEED);
      const h = crypto.createHash('sha256');
      for (let i = 0; i < 200; i++) h.update(mutate(seeds.get('Encrypt')![0], r));
      return h.digest('hex');
    };
    assert.equal(run(), run());
  });
});
