// AWS China Regions in a real VS Code (code-server + Chromium): "Start Sandbox (China Regions)" runs the
// extension's in-process sandbox in cn-north-1; the tree names the aws-cn partition; the import form
// preselects the SM2 wrapping key with SM2PKE for an RSA-2048 private key; Submit creates the key
// (arn:aws-cn:…), wraps with SM2PKE, imports and proves it (GetPublicKey equals the local public key).
// Switching the sandbox's Region keeps keys per Region. One code-server for the whole file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Workbench } from './support/workbench';
import { waitFor, listFiles } from '../../scripts/vscode-host.mjs';
import { makeWorkspace, writeRsaMaterial, findLeaks, type Secret } from './support/fixtures';

const CN = 'cn-north-1';
/** Region rows (the Sandbox row also names its Region, after its label). */
const CN_ROW = /^\s*cn-north-1/;
const US_ROW = /^\s*us-east-1/;
/** DER of the SM2 curve's OID 1.2.156.10197.1.301 (sm2p256v1), as it appears in an SM2 SubjectPublicKeyInfo. */
const SM2_CURVE_OID = Buffer.from('06082a811ccf5501822d', 'hex');

let wb: Workbench;
let workspace: string;
let stateDir: string;
const secrets: Secret[] = [];
let created: { keyArn: string; keyId: string } | undefined;

function step(name: string, fn: () => Promise<void>) {
  test(name, { timeout: 180_000 }, async () => {
    try {
      await fn();
    } catch (e) {
      await wb?.dumpOnFailure(`china-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`);
      throw e;
    }
  });
}

/** The text of the first tree row containing `text`, whitespace collapsed. */
async function rowText(text: string | RegExp): Promise<string> {
  const row = wb.treeRow(text).first();
  await row.waitFor();
  return (await row.innerText()).replace(/\s+/g, ' ');
}

/** Waits until the tree row containing `text` reads `pattern` (the tree refreshes one node at a time). */
async function waitForRow(text: string | RegExp, pattern: RegExp): Promise<string> {
  await wb.openKeysView();
  let last = '';
  await waitFor(async () => {
    const row = wb.treeRow(text).first();
    if (!(await row.count())) return false;
    return pattern.test((last = (await row.innerText()).replace(/\s+/g, ' ')));
  }, { what: `the row ${text} to read ${pattern} (last: ${last})`, timeoutMs: 60_000 });
  return last;
}

before(async () => {
  workspace = makeWorkspace('kms-e2e-cn-');
  stateDir = mkdtempSync(join(tmpdir(), 'kms-e2e-cn-sandbox-'));
  secrets.push(writeRsaMaterial(workspace, 'material/rsa2048.pem', 2048));
  // The sandbox is NOT started by itself, and its setting says us-east-1: the China Region is chosen in the UI.
  wb = await Workbench.launch({ workspace, settings: { 'kmsImport.sandbox.stateDir': stateDir, 'kmsImport.sandbox.region': 'us-east-1' } });
});

after(async () => {
  await wb?.close();
  rmSync(workspace, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

step('Start Sandbox (China Regions) runs the sandbox in cn-north-1; the tree shows the aws-cn partition', async () => {
  await wb.openKeysView();
  assert.match(await rowText('Sandbox'), /starts on demand in us-east-1/);
  await wb.runCommand('KMS Import: Start Sandbox (China Regions)');
  await wb.waitForLog(/Sandbox listening on http:\/\/127\.0\.0\.1:\d+ \(cn-north-1[;)]/);
  assert.match(await waitForRow('Sandbox', /running in cn-north-1/), /local · running in cn-north-1/);
  await wb.expand(wb.treeRow('Sandbox').first());
  assert.match(await waitForRow(CN_ROW, /aws-cn · China Regions/), /^\s*cn-north-1\s*aws-cn · China Regions/);
  await wb.expand(wb.treeRow(CN_ROW).first());
  await waitForRow(CN_ROW, /aws-cn · China Regions · 0 keys/);
  assert.equal(await wb.treeRow(US_ROW).count(), 0, 'the sandbox serves one Region at a time');
});

step('the import form in cn-north-1 preselects SM2 + SM2PKE for an RSA-2048 private key; Submit imports and proves it', async () => {
  await wb.clearNotifications();
  await wb.runCommand('KMS Import: Create Key for Import');
  await wb.pickQuickItem('Sandbox: AWS KMS', { type: false });
  const form = await wb.webviewFrame('[data-testid="submit"]');
  await waitFor(async () => /cn-north-1 \(AWS KMS \(China Regions\) rules\)/.test(await form.locator('[data-testid="where"]').innerText()), { what: 'the form to name the China Region' });
  assert.equal(await form.locator('[data-testid="where"]').getAttribute('data-provider'), 'aws-cn');
  await form.locator('[data-testid="material-choose"]').click();
  await wb.answerFileDialog(join(workspace, 'material', 'rsa2048.pem'), 'Use as Key Material');
  const summary = form.locator('[data-testid="material-summary"]');
  await waitFor(async () => /rsa2048\.pem/.test(await summary.innerText()), { what: 'the material summary' });
  assert.match(await summary.innerText(), /RSA/);
  // The key spec comes from the material; SM2 with SM2PKE is preselected, the RSA wrapping keys say why not.
  await waitFor(async () => (await form.locator('[data-testid="key-spec"]').inputValue()) === 'RSA_2048', { what: 'the key spec RSA_2048' });
  assert.equal(await form.locator('[data-testid="wrapping-key-spec"]').inputValue(), 'SM2');
  assert.equal(await form.locator('[data-testid="algorithm"]').inputValue(), 'SM2PKE');
  assert.match(await form.locator('[data-testid="option-SM2PKE"]').textContent() ?? '', /recommended/);
  // (The key-spec list has an RSA_4096 option too: the wrapping key's select is named.)
  const rsa4096 = form.locator('[data-testid="wrapping-key-spec"] [data-testid="option-RSA_4096"]');
  assert.notEqual(await rsa4096.getAttribute('disabled'), null);
  assert.equal(await rsa4096.getAttribute('title'), 'In the AWS China Regions, RSA private keys must be wrapped with SM2PKE.');
  const rsaAes = form.locator('[data-testid="algorithm"] [data-testid="option-RSA_AES_KEY_WRAP_SHA_256"]');
  assert.notEqual(await rsaAes.getAttribute('disabled'), null);
  assert.match((await rsaAes.getAttribute('title')) ?? '', /not supported in the AWS China Regions/);
  assert.equal(await form.locator('[data-testid="finding-SM2PKE_FORMAT"]').count(), 1, 'the SM2PKE format note is shown');
  assert.equal(await form.locator('.finding[data-severity="error"]').count(), 0);
  await form.locator('[data-testid="alias"]').fill('e2e/china-rsa');
  await form.locator('[data-testid="alias"]').press('Tab');
  await wb.screenshot('form-china', undefined, { docs: false });

  const before = (await wb.hostMessages('result', 0)).length;
  await form.locator('[data-testid="submit"]').click();
  const [result] = (await wb.hostMessages<{ result: { ok: boolean; keyId: string; keyArn: string; proof: { holds: boolean; method: string; detail: string } } }>('result', before + 1, 120_000)).slice(before);
  assert.equal(result.result.ok, true, JSON.stringify(result));
  assert.equal(result.result.proof.holds, true, JSON.stringify(result.result.proof));
  assert.equal(result.result.proof.method, 'public-key');
  assert.match(result.result.keyArn, /^arn:aws-cn:kms:cn-north-1:\d{12}:key\/[0-9a-f-]{36}$/);
  const steps = await wb.hostMessages<{ step: string; status: string }>('progress');
  for (const s of ['create-key', 'download-parameters', 'check', 'wrap', 'import', 'prove']) {
    assert.ok(steps.some((m) => m.step === s && m.status === 'done'), `step ${s} reported done`);
  }
  created = { keyArn: result.result.keyArn, keyId: result.result.keyId };

  // The parameters it downloaded: an SM2 wrapping public key (the sm2p256v1 curve's OID in its SPKI).
  const bundleFiles = listFiles(join(workspace, 'kms-import'));
  const spki = bundleFiles.find((f) => f.endsWith('WrappingPublicKey.bin'));
  assert.ok(spki, `a WrappingPublicKey.bin in ${bundleFiles.join(', ')}`);
  assert.ok(readFileSync(spki).includes(SM2_CURVE_OID), 'the wrapping public key is an SM2 key');
  for (const f of bundleFiles) if (f.endsWith('ImportToken.bin')) secrets.push({ name: `token ${f}`, bytes: readFileSync(f), partial: false });

  // The summary opens beside the form: the proof holds, for the aws-cn ARN.
  const panel = await wb.webviewFrame('[data-testid="proof"][data-holds="true"]', 120_000);
  assert.ok((await panel.locator('body').innerText()).includes(created.keyArn), 'the summary names the arn:aws-cn key ARN');
  await wb.screenshot('summary-china', undefined, { docs: false });
  assert.match(await waitForRow('e2e/china-rsa', /enabled/), /does not expire · RSA_2048 · \w+ · enabled · EXTERNAL/);
});

step('Choose Sandbox Region… moves the sandbox to us-east-1 and back; the China key stays in cn-north-1', async () => {
  assert.ok(created, 'needs the key created in cn-north-1');
  await wb.runCommand('KMS Import: Choose Sandbox Region');
  await wb.pickQuickItem('us-east-1');
  await wb.waitForLog(/Sandbox listening on http:\/\/127\.0\.0\.1:\d+ \(us-east-1[;)]/);
  await waitForRow('Sandbox', /running in us-east-1/);
  await wb.expand(wb.treeRow('Sandbox').first());
  await wb.expand(wb.treeRow(US_ROW).first());
  const us = await waitForRow(US_ROW, /keys/);
  assert.doesNotMatch(us, /aws-cn/);
  assert.equal(await wb.treeRow('e2e/china-rsa').count(), 0, 'a cn-north-1 key is not listed in us-east-1');
  await wb.runCommand('KMS Import: Choose Sandbox Region');
  await wb.pickQuickItem(CN);
  await waitForRow('Sandbox', /running in cn-north-1/);
  await wb.expand(wb.treeRow('Sandbox').first());
  await wb.expand(wb.treeRow(CN_ROW).first());
  assert.match(await waitForRow('e2e/china-rsa', /enabled/), /RSA_2048 · \w+ · enabled · EXTERNAL/);
});

step('the log and the webview messages carry neither the RSA private key nor an import token', async () => {
  assert.ok(wb.extensionLog().length > 0, 'the extension wrote its log');
  const logs = wb.logFiles().map((f) => readFileSync(f, 'utf8')).join('\n');
  assert.deepEqual(findLeaks(logs, secrets), []);
  assert.deepEqual(findLeaks(wb.webviewMessages.join('\n'), secrets), []);
});
