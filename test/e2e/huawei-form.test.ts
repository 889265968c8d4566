// The import form and the Import Summary for a Huawei Cloud KMS account, in a real VS Code (code-server +
// Chromium) against the extension's in-process sandbox (its Huawei API: the "Huawei Cloud KMS  cn-north-4" row
// under the Sandbox, account sandbox-huawei). "Create Key for Import" from that row's context menu opens a form in
// Huawei's words: "Account: Sandbox · cn-north-4 (Huawei Cloud KMS rules)", key specs by Huawei's names (AES_256,
// EC_P256; no HMAC), the one RSA_2048 wrapping key (fixed), RSAES_OAEP_SHA_256 recommended with SHA-1's warning and
// its one-click fix, no ImportType, "Expiration time". A 32-byte AES file ("fits AES_256") is submitted with an
// expiration time: the form reports it imported and proven (still, when shown again behind the summary), the key
// shows up enabled under the Huawei row, and the summary names the key by its ID (no ARN), Huawei's console files
// with their roles (on one line each), and the encrypt-data / decrypt-data round trip. Then an EC P-256 PEM in a
// new form: EC_P256 to sign with the two-part wrapping preselected, proven by get-publickey and a Huawei KMS
// signature verified locally (both parts "holds" in the summary). No material or token in logs or messages.
// Screenshots at 1000×700 (form-huawei, summary-huawei; into docs/screenshots with KMS_IMPORT_UPDATE_SCREENSHOTS=1).
// One code-server for the whole file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { join, basename } from 'node:path';
import { tmpdir } from 'node:os';
import type { Frame } from 'playwright-core';
import { Workbench } from './support/workbench';
import { waitFor, listFiles } from '../../scripts/vscode-host.mjs';
import { makeWorkspace, writeSymmetricMaterial, writeEcMaterial, findLeaks, type Secret } from './support/fixtures';
import { waitForTreeRow, treeContextMenu } from './support/tree';

const ALIAS = 'e2e/hw-form-aes';
/** The row of the sandbox's Huawei API (its label starts the row). */
const HW_ROW = /^\s*Huawei Cloud KMS\s*cn-north-4/;
const VIEWPORT = { width: 1000, height: 700 };

let wb: Workbench;
let workspace: string;
let stateDir: string;
const secrets: Secret[] = [];

function step(name: string, fn: () => Promise<void>) {
  test(name, { timeout: 180_000 }, async () => {
    try {
      await fn();
    } catch (e) {
      await wb?.dumpOnFailure(`huawei-form-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`);
      throw e;
    }
  });
}

/** The values and texts of a select's options, in order. */
async function options(select: import('playwright-core').Locator): Promise<Array<{ value: string; text: string; disabled: boolean }>> {
  return select.locator('option').evaluateAll((os) => os.map((o) => ({ value: (o as unknown as { value: string }).value, text: (o.textContent ?? '').trim(), disabled: (o as unknown as { disabled: boolean }).disabled })));
}

before(async () => {
  workspace = makeWorkspace('kms-e2e-hwform-');
  stateDir = mkdtempSync(join(tmpdir(), 'kms-e2e-hwform-sandbox-'));
  secrets.push(writeSymmetricMaterial(workspace, 'material/hw-aes256.bin'));
  secrets.push(writeEcMaterial(workspace, 'material/hw-ec-p256.pem'));
  wb = await Workbench.launch({ workspace, settings: { 'kmsImport.sandbox.stateDir': stateDir, 'kmsImport.sandbox.autoStart': true } });
  await wb.page.setViewportSize(VIEWPORT);
});

after(async () => {
  await wb?.close();
  rmSync(workspace, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

step("Create Key for Import on the Sandbox's Huawei Cloud KMS row opens a form in Huawei's words", async () => {
  await wb.openKeysView();
  await wb.waitForLog(/Sandbox listening on http:\/\/127\.0\.0\.1:\d+ \(us-east-1; Huawei Cloud KMS API cn-north-4\)/);
  await wb.expand(wb.treeRow('Sandbox').first());
  await wb.page.mouse.move(900, 600); // the Sandbox row's hover tooltip would cover the rows below it
  await wb.expand(wb.treeRow(HW_ROW).first());
  await waitForTreeRow(wb, HW_ROW, /0 keys|no keys/i);
  await treeContextMenu(wb, HW_ROW, 'Create Key for Import');
  const form = await wb.webviewFrame('[data-testid="where"][data-provider="huawei"]');
  // The sandbox's Huawei API is named as the Sandbox (it read "Huawei Cloud KMS · cn-north-4 (Huawei Cloud KMS rules)").
  assert.equal(await form.locator('[data-testid="where"]').innerText(), 'Account: Sandbox · cn-north-4 (Huawei Cloud KMS rules)');

  // Key specs by Huawei's names; no HMAC (Huawei imports no HMAC keys).
  const specs = await options(form.locator('[data-testid="key-spec"]'));
  const specTexts = specs.map((o) => o.text);
  assert.ok(specTexts.some((t) => t.startsWith('AES_256')), specTexts.join(' | '));
  assert.ok(specTexts.some((t) => t.startsWith('EC_P256')), specTexts.join(' | '));
  assert.ok(!specs.some((o) => /HMAC/.test(o.value) || /HMAC/.test(o.text)), `no HMAC key spec: ${specTexts.join(' | ')}`);
  assert.ok(!specTexts.some((t) => /SYMMETRIC_DEFAULT|ECC_NIST_P256/.test(t)), `AWS names shown: ${specTexts.join(' | ')}`);

  // The one wrapping key Huawei serves: RSA_2048, fixed.
  const wks = form.locator('[data-testid="wrapping-key-spec"]');
  assert.equal(await wks.isDisabled(), true, 'the wrapping key spec cannot be chosen');
  assert.equal(await wks.inputValue(), 'RSA_2048');
  const wksValues = (await options(wks)).map((o) => o.value);
  assert.ok(!wksValues.includes('RSA_4096') && !wksValues.some((v) => v.startsWith('SM2')), `wrapping key specs offered: ${wksValues.join(' | ')}`);

  // The algorithms: OAEP SHA-256 recommended, SHA-1 and PKCS#1 v1.5 offered.
  const algorithm = form.locator('[data-testid="algorithm"]');
  const algs = await options(algorithm);
  const alg = (v: string) => algs.find((o) => o.value === v);
  assert.equal(alg('RSAES_OAEP_SHA_256')?.text, 'RSAES_OAEP_SHA_256 (recommended)', JSON.stringify(algs));
  assert.equal(alg('RSAES_OAEP_SHA_1')?.disabled, false, JSON.stringify(algs));
  assert.equal(alg('RSAES_PKCS1_V1_5')?.disabled, false, JSON.stringify(algs));
  assert.equal(algs.filter((o) => /recommended/.test(o.text)).length, 1, JSON.stringify(algs));

  // Huawei has no ImportType; its expiration is an "Expiration time".
  assert.equal(await form.locator('#row-import-type').isHidden(), true, 'no ImportType row for Huawei');
  assert.equal(await form.locator('#row-valid-to').isHidden(), true, 'no date while the material never expires');
});

step('choosing RSAES_OAEP_SHA_1 shows one warning, whose fix sets RSAES_OAEP_SHA_256 again', async () => {
  const form = await wb.webviewFrame('[data-testid="where"][data-provider="huawei"]');
  const algorithm = form.locator('[data-testid="algorithm"]');
  await form.locator('[data-testid="key-spec"]').selectOption('SYMMETRIC_DEFAULT');
  await waitFor(async () => (await algorithm.inputValue()) === 'RSAES_OAEP_SHA_256', { what: 'the recommended algorithm for AES_256' });
  await algorithm.selectOption('RSAES_OAEP_SHA_1');
  const warning = form.locator('[data-testid="algorithm-findings"] [data-testid="finding-SHA1_INSECURE"][data-severity="warning"]');
  await warning.waitFor();
  assert.equal(await form.locator('[data-testid="algorithm-findings"] .finding').count(), 1, 'exactly one finding on the algorithm');
  assert.equal(await form.locator('[data-testid="finding-SHA1_INSECURE"]').count(), 1, 'the warning is shown once');
  await form.locator('[data-testid="fix-SHA1_INSECURE-0"]').click();
  await waitFor(async () => (await algorithm.inputValue()) === 'RSAES_OAEP_SHA_256', { what: 'the fix to set RSAES_OAEP_SHA_256' });
  await warning.waitFor({ state: 'detached' });
});

let keyId = '';

step('a 32-byte AES file with an expiration time: submit imports and proves it; the key is enabled under the Huawei row', async () => {
  const form = await wb.webviewFrame('[data-testid="where"][data-provider="huawei"]');
  await form.locator('[data-testid="alias"]').fill(ALIAS);
  await form.locator('[data-testid="alias"]').press('Tab');
  await form.locator('[data-testid="material-choose"]').click();
  await wb.answerFileDialog(join(workspace, 'material', 'hw-aes256.bin'), 'Use as Key Material');
  const summary = form.locator('[data-testid="material-summary"]');
  await waitFor(async () => /hw-aes256\.bin/.test(await summary.innerText()), { what: 'the material summary' });
  assert.match(await summary.innerText(), /hw-aes256\.bin: 32 bytes of raw key material — fits AES_256 \(raw binary\)/, 'Huawei has no HMAC keys: the file fits AES_256');
  assert.equal(await form.locator('[data-testid="key-spec"]').inputValue(), 'SYMMETRIC_DEFAULT');
  assert.equal(await form.locator('[data-testid="algorithm"]').inputValue(), 'RSAES_OAEP_SHA_256');
  await form.locator('[data-testid="expiration-model"]').selectOption('KEY_MATERIAL_EXPIRES');
  await form.locator('#row-valid-to').waitFor();
  assert.equal(await form.locator('#row-valid-to label').innerText(), 'Expiration time');
  await waitFor(async () => (await form.locator('[data-testid="valid-to"]').inputValue()) !== '', { what: 'a default expiration time' });
  await form.locator('[data-testid="finding-none"]').waitFor();
  await form.locator('[data-testid="submit"]:not([disabled])').waitFor();
  await wb.screenshot('form-huawei');

  const before = (await wb.hostMessages('result', 0)).length;
  await form.locator('[data-testid="submit"]').click();
  // The result reaches the form (on the wire: the summary that opens once the import is proven may hide the form).
  const [result] = (await wb.hostMessages<{ result: { ok: boolean; keyId: string; keyArn: string; proof: { holds: boolean; method: string; detail: string } } }>('result', before + 1, 120_000)).slice(before);
  assert.equal(result.result.ok, true, JSON.stringify(result));
  assert.equal(result.result.proof.holds, true, JSON.stringify(result.result.proof));
  assert.equal(result.result.proof.method, 'round-trip');
  keyId = result.result.keyId;
  assert.match(keyId, /^[0-9a-f-]{36}$/);
  assert.doesNotMatch(result.result.keyArn, /^arn:/, 'a Huawei key has no ARN');
  const steps = await wb.hostMessages<{ step: string; status: string }>('progress');
  for (const s of ['create-key', 'download-parameters', 'check', 'wrap', 'import', 'prove']) {
    assert.ok(steps.some((m) => m.step === s && m.status === 'done'), `step ${s} reported done`);
  }

  await wb.openKeysView();
  assert.match(await waitForTreeRow(wb, ALIAS, /enabled/), /e2e\/hw-form-aes\s*expires in \d+ d · AES_256 · ENCRYPT_DECRYPT · enabled · EXTERNAL/);
  // Under the Huawei row (the key is listed by the Huawei API only), not under the AWS Region.
  const labels = (await wb.page.locator('.sidebar .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  const at = (re: RegExp) => labels.findIndex((l) => re.test(l));
  assert.ok(at(HW_ROW) >= 0 && at(HW_ROW) < at(/^e2e\/hw-form-aes/), labels.join(' | '));
  assert.equal(labels.filter((l) => l.startsWith(ALIAS)).length, 1, labels.join(' | '));
  assert.match(wb.extensionLog(), /Huawei Cloud KMS: Sandbox \(Huawei Cloud, cn-north-4\) \(account sandbox-huawei\)/);
  for (const f of listFiles(join(workspace, 'kms-import'))) {
    if (basename(f).startsWith('importToken_')) secrets.push({ name: `form token ${f}`, bytes: readFileSync(f), partial: false });
  }
  assert.ok(secrets.length > 1, 'the bundle holds an importToken_… file');
});

step('the form, shown again, still says imported and proven', async () => {
  await wb.showEditorTab('Import Key Material');
  const form = await wb.webviewFrame('[data-testid="result"][data-ok="true"]');
  assert.match(await form.locator('[data-testid="result"]').innerText(), /Imported and proven\.[\s\S]*Key ID/);
  assert.equal(await form.locator('[data-testid="result"]').getAttribute('data-proof'), 'holds');
});

step('the Import Summary: key ID (no ARN), AES_256, Huawei\'s console files with roles, the round trip, no import as the next step', async () => {
  await wb.showEditorTab(/Import Summary/);
  const panel = await wb.webviewFrame('[data-testid="proof"][data-holds="true"]');
  assert.equal(await panel.locator('[data-testid="where"][data-provider="huawei"]').innerText(), 'Sandbox · cn-north-4 · Huawei Cloud KMS');
  assert.equal(await panel.locator('[data-testid="key-id"]').innerText(), keyId);
  assert.equal(await panel.locator('[data-testid="key-arn"]').count(), 0, 'a Huawei key has no ARN');
  assert.equal(await panel.locator('[data-testid="key-spec"]').innerText(), 'AES_256 · ENCRYPT_DECRYPT');
  const fileOf = async (role: string) => (await panel.locator(`[data-testid="files"] tr[data-role="${role}"] td`).first().innerText()).trim();
  assert.match(await fileOf('wrapping public key'), new RegExp(`^wrappingKey_${keyId}_`));
  assert.match(await fileOf('import token'), new RegExp(`^importToken_${keyId}_`));
  assert.equal(await panel.locator('[data-testid="proof-check-round-trip"][data-holds="true"]').count(), 1);
  assert.match(await panel.locator('[data-testid="proof-check-round-trip"]').innerText(), /encrypt-data/);
  const next = panel.locator('[data-testid="next-step"]');
  assert.notEqual(await next.getAttribute('data-primary'), 'importMaterial');
  assert.match(await next.innerText(), /^\s*Next: Done\. At its expiration_time Huawei Cloud KMS deletes the material/);
  assert.match(await panel.locator('[data-testid="bundle-stage"]').innerText(), /imported and proven/);
  // Huawei's long file names wrap; the roles, sizes and headers stay on one line ("READM E" was the bug).
  assert.deepEqual(await wrappedFileCells(panel), []);
  await wb.screenshot('summary-huawei');
});

/** The files table's short cells (headers, roles, sizes) whose text runs over more than one line. */
function wrappedFileCells(panel: Frame): Promise<string[]> {
  return panel.evaluate(`[...document.querySelectorAll('[data-testid="files"] th, [data-testid="files"] td:not(.mono)')]
    .filter((c) => { const r = document.createRange(); r.selectNodeContents(c); return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size > 1; })
    .map((c) => c.textContent)`) as Promise<string[]>;
}

const EC_ALIAS = 'e2e/hw-form-ec';

step('an EC P-256 PEM in a new form: EC_P256 to sign, the two-part wrapping preselected; submit imports and proves it', async () => {
  await wb.openKeysView();
  await treeContextMenu(wb, HW_ROW, 'Create Key for Import');
  // A clean form (the summary says data-provider="huawei" too: the form is found by its own parts).
  const form = await wb.webviewFrame('[data-testid="material-summary"]:has-text("No file chosen")');
  assert.equal(await form.locator('[data-testid="where"][data-provider="huawei"]').count(), 1);
  await form.locator('[data-testid="alias"]').fill(EC_ALIAS);
  await form.locator('[data-testid="alias"]').press('Tab');
  await form.locator('[data-testid="material-choose"]').click();
  await wb.answerFileDialog(join(workspace, 'material', 'hw-ec-p256.pem'), 'Use as Key Material');
  const keySpec = form.locator('[data-testid="key-spec"]');
  await waitFor(async () => (await keySpec.inputValue()) === 'ECC_NIST_P256', { what: 'the key spec to follow the file' });
  assert.match(await form.locator('[data-testid="option-ECC_NIST_P256"]').innerText(), /^EC_P256/);
  assert.equal(await form.locator('[data-testid="key-usage"]').inputValue(), 'SIGN_VERIFY');
  assert.equal(await form.locator('[data-testid="algorithm"]').inputValue(), 'RSA_AES_KEY_WRAP_SHA_256');
  assert.match(await form.locator('[data-testid="option-RSA_AES_KEY_WRAP_SHA_256"]').innerText(), /^Two-part: /);
  assert.equal(await form.locator('[data-testid="wrapping-key-spec"]').inputValue(), 'RSA_2048');
  await form.locator('[data-testid="finding-none"]').waitFor();

  const before = (await wb.hostMessages('result', 0)).length;
  await form.locator('[data-testid="submit"]:not([disabled])').click();
  const [result] = (await wb.hostMessages<{ result: { ok: boolean; keyId: string; proof: { holds: boolean; method: string; detail: string } } }>('result', before + 1, 120_000)).slice(before);
  assert.equal(result.result.ok, true, JSON.stringify(result));
  assert.equal(result.result.proof.holds, true, JSON.stringify(result.result.proof));
  assert.equal(result.result.proof.method, 'public-key');
  assert.match(result.result.proof.detail, /get-publickey/);
  await wb.openKeysView();
  assert.match(await waitForTreeRow(wb, EC_ALIAS, /enabled/), /e2e\/hw-form-ec\s*does not expire · EC_P256 · SIGN_VERIFY · enabled · EXTERNAL/);

  await wb.showEditorTab(/Import Summary/);
  const panel = await wb.webviewFrame('[data-testid="proof-check-signature"][data-holds="true"]');
  assert.equal(await panel.locator('[data-testid="where"][data-provider="huawei"]').count(), 1);
  assert.equal(await panel.locator('[data-testid="key-id"]').innerText(), result.result.keyId);
  assert.equal(await panel.locator('[data-testid="key-arn"]').count(), 0);
  assert.equal(await panel.locator('[data-testid="key-spec"]').innerText(), 'EC_P256 · SIGN_VERIFY');
  assert.equal(await panel.locator('[data-testid="proof-check-public-key"][data-holds="true"]').count(), 1);
  assert.match(await panel.locator('[data-testid="wrapping-algorithm"]').innerText(), /^Two-part: /);
  assert.match((await panel.locator('[data-testid="files"] tr[data-role="wrapping public key"] td').first().innerText()).trim(), new RegExp(`^wrappingKey_${result.result.keyId}_`));
  assert.notEqual(await panel.locator('[data-testid="next-step"]').getAttribute('data-primary'), 'importMaterial');
  assert.deepEqual(await wrappedFileCells(panel), []);
  for (const f of listFiles(join(workspace, 'kms-import'))) {
    if (basename(f).startsWith(`importToken_${result.result.keyId}`)) secrets.push({ name: `form token ${f}`, bytes: readFileSync(f), partial: false });
  }
});

step('the log and the webview messages carry neither the key material nor the import token', async () => {
  const logs = wb.logFiles().map((f) => readFileSync(f, 'utf8')).join('\n');
  assert.deepEqual(findLeaks(logs, secrets), []);
  assert.deepEqual(findLeaks(wb.webviewMessages.join('\n'), secrets), []);
});
