// The log and the Import Summary show the same identifiers: a real import into the sandbox (the flow the
// form's Submit runs), its log lines built and redacted as the extension's logger does, and what the
// summary shows for it — the fingerprints of the bundle's wrapping public key and import token (computed
// as summaryPanel.ts does), the proof's detail with its fingerprints, and the key material id — each found
// verbatim in the log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBundle } from '../../src/core/bundle';
import { fingerprint } from '../../src/core/encoding';
import type { KeySpec } from '../../src/core/specs';
import { runImportFlow } from '../../src/flow/importFlow';
import { bundleLogLine, proofLogLine, stepLogLine } from '../../src/extension/model/logLines';
import { formatLogLine, redactText } from '../../src/extension/model/redact';
import { material, startRig, type Rig } from '../sandbox/flow-support';

let rig: Rig;
let dir: string;
before(async () => {
  rig = await startRig();
  dir = mkdtempSync(join(tmpdir(), 'kms-fp-'));
});
after(async () => {
  await rig?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function importAndLog(keySpec: KeySpec, keyUsage: 'ENCRYPT_DECRYPT' | 'SIGN_VERIFY') {
  const log: string[] = [];
  const bundleDir = join(dir, keySpec);
  const result = await runImportFlow({
    provider: rig.provider(),
    material: material(keySpec),
    target: { create: { keySpec, keyUsage } },
    bundleDir,
    onStep: (e) => log.push(formatLogLine(stepLogLine(e))),
  });
  const b = await readBundle(bundleDir);
  log.push(formatLogLine(bundleLogLine(bundleDir, b)), formatLogLine(`Import finished: ${proofLogLine(result.keyId, result.proof)}`));
  // What the summary shows: the files' fingerprints, "<method>: <detail>", the key material id.
  const summary = { publicKey: fingerprint(b.publicKey), importToken: fingerprint(b.importToken), proof: `${result.proof.method}: ${result.proof.detail}`, keyMaterialId: result.keyMaterialId };
  return { text: log.join('\n'), summary, result };
}

test('RSA_2048: the wrapping key, token and proof fingerprints read the same in the log as in the summary', async () => {
  const { text, summary, result } = await importAndLog('RSA_2048', 'SIGN_VERIFY');
  assert.ok(result.ok);
  assert.equal(result.proof.method, 'public-key');
  assert.ok(text.includes(`step wrap: running — ${result.wrappingAlgorithm} with wrapping key ${summary.publicKey}`), text);
  assert.ok(text.includes(`wrapping public key ${summary.publicKey}, import token ${summary.importToken}`), text);
  assert.ok(text.includes(`public-key holds: ${result.proof.detail}`), text);
  const fps = summary.proof.match(/SHA256:[A-Za-z0-9+/]{43}/g) ?? [];
  assert.ok(fps.length >= 1);
  for (const f of fps) assert.ok(text.includes(f), `${f} missing from the log`);
});

test('SYMMETRIC_DEFAULT: the key material id reads the same in the log (import step and proof) as in the summary', async () => {
  const { text, summary, result } = await importAndLog('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT');
  assert.ok(result.ok);
  assert.match(summary.keyMaterialId ?? '', /^[0-9a-f]{64}$/);
  assert.ok(text.includes(`key material id ${summary.keyMaterialId}`), text);
  assert.ok(text.includes(`round-trip holds: ${result.proof.detail}`), text);
});

test('the identifiers stay wherever they stand; the same shapes without their label are still cut', () => {
  const id = 'a'.repeat(8) + '0123456789abcdef'.repeat(3) + 'b'.repeat(8);
  assert.equal(redactText(`key material id ${id}`), `key material id ${id}`);
  assert.equal(formatLogLine('x', { keyMaterialId: id, currentKeyMaterialId: id }), `x {"keyMaterialId":"${id}","currentKeyMaterialId":"${id}"}`);
  assert.doesNotMatch(redactText(`material ${id}`), new RegExp(id));
  assert.doesNotMatch(formatLogLine('x', { plaintextHex: id }), new RegExp(id));
  const fp = fingerprint(Buffer.from('public key'));
  assert.equal(redactText(`key_${fp}`), `key_${fp}`);
});
