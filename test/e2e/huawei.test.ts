// Huawei Cloud KMS in a real VS Code (code-server + Chromium): the extension's in-process sandbox shows its
// Huawei Cloud KMS API as a row under the Sandbox ("Huawei Cloud KMS  cn-north-4 · 1 key"), with a pending-import AES_256 key created beforehand through
// that API (the Huawei provider, signed AK/SK requests). Through the tree's own commands: Download Wrapping Key
// and Import Token (Huawei's RSA_2048 + RSAES_OAEP_SHA_256), Wrap Key Material, Import Key Material, Verify
// Imported Key, Delete Imported Key Material — the key's row follows each state. Then a Huawei Cloud account is
// added with the sandbox's AK/SK (its region lists the key), edited to a wrong SK (its region shows the refusal
// with Edit and Remove), and removed.
// One code-server for the whole file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { createPublicKey } from 'node:crypto';
import { Workbench } from './support/workbench';
import { waitFor, listFiles } from '../../scripts/vscode-host.mjs';
import { makeWorkspace, writeSymmetricMaterial, findLeaks, type Secret } from './support/fixtures';
import { withSandboxState } from './support/seed';
import { waitForTreeRow, treeContextMenu, treeContextMenuEntries } from './support/tree';
import { createHuaweiProvider } from '../../src/providers/huawei/huaweiProvider';
import { readBundle } from '../../src/core/bundle';

const ALIAS = 'e2e/hw-aes';
/** The row of the sandbox's Huawei API (its label starts the row). */
const HW_ROW = /^\s*Huawei Cloud KMS\s*cn-north-4/;
const CN4_ROW = /^\s*cn-north-4/;

let wb: Workbench;
let workspace: string;
let stateDir: string;
let hw: { accessKey: string; secretKey: string; projectId: string };
let keyId = '';
const secrets: Secret[] = [];

function step(name: string, fn: () => Promise<void>) {
  test(name, { timeout: 180_000 }, async () => {
    try {
      await fn();
    } catch (e) {
      await wb?.dumpOnFailure(`huawei-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`);
      throw e;
    }
  });
}

/**
 * Answers a file dialog that is followed by another quick pick (the shared helper waits for the quick input to
 * close, which it does not here): types the path, waits until the dialog holds it, presses OK, waits for the next title.
 */
async function answerFileDialogThen(path: string, okLabel: string, nextTitle: string): Promise<void> {
  const widget = wb.page.locator('.quick-input-widget');
  const input = widget.locator('input').first();
  await input.waitFor();
  await waitFor(async () => (await input.inputValue()).endsWith('/') && (await widget.locator('.monaco-list-row').count()) > 0, { what: 'the file dialog to list its start folder' });
  await input.fill(path);
  await widget.locator('.monaco-list-row').filter({ hasText: path.split('/').pop()! }).first().waitFor();
  await waitFor(async () => (await input.inputValue()) === path, { what: `the file dialog to hold ${path}` });
  await widget.locator('.monaco-button').filter({ hasText: okLabel }).first().click();
  await waitFor(async () => (await input.getAttribute('aria-label'))?.includes(nextTitle), { what: `the quick pick "${nextTitle}"` });
}

/** Answers the input box whose prompt contains `prompt` (waiting for it: each question replaces the last). */
async function answerPrompt(prompt: string, value: string): Promise<void> {
  await wb.page.locator('.quick-input-widget .quick-input-message').filter({ hasText: prompt }).first().waitFor();
  await wb.answerInput(value);
}

/** Presses a button of the modal dialog (showWarningMessage with modal: true). */
async function answerModal(button: string): Promise<void> {
  const b = wb.page.locator('.monaco-dialog-box .monaco-button').filter({ hasText: button }).first();
  await b.waitFor();
  await b.click();
  await b.waitFor({ state: 'detached' });
}

before(async () => {
  workspace = makeWorkspace('kms-e2e-hw-');
  stateDir = mkdtempSync(join(tmpdir(), 'kms-e2e-hw-sandbox-'));
  secrets.push(writeSymmetricMaterial(workspace, 'material/aes256.bin'));
  // A pending-import AES_256 key, created through the sandbox's Huawei API with the Huawei provider.
  await withSandboxState(stateDir, 'us-east-1', async (rig) => {
    const info = rig.sandbox.huawei;
    hw = { accessKey: info.accessKey, secretKey: info.secretKey, projectId: info.projectId };
    const p = createHuaweiProvider({ region: info.region, projectId: info.projectId, credentials: { accessKey: info.accessKey, secretKey: info.secretKey }, endpoint: info.endpoint, requestTimeoutMs: 10_000 });
    try {
      keyId = (await p.createKey({ keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', alias: ALIAS })).keyId;
    } finally {
      p.dispose();
    }
  });
  wb = await Workbench.launch({ workspace, settings: { 'kmsImport.sandbox.stateDir': stateDir, 'kmsImport.sandbox.autoStart': true, 'explorer.compactFolders': false } });
});

after(async () => {
  await wb?.close();
  rmSync(workspace, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

step('the Sandbox shows its Huawei Cloud KMS API (cn-north-4) with the pending-import AES_256 key', async () => {
  await wb.openKeysView();
  await wb.waitForLog(/Sandbox listening on http:\/\/127\.0\.0\.1:\d+ \(us-east-1; Huawei Cloud KMS API cn-north-4\)/);
  await wb.expand(wb.treeRow('Sandbox').first());
  await wb.page.mouse.move(900, 600); // the Sandbox row's hover tooltip would cover the rows below it
  await wb.expand(wb.treeRow(HW_ROW).first());
  assert.match(await waitForTreeRow(wb, HW_ROW, /1 key/), /Huawei Cloud KMS\s*cn-north-4 · 1 key/);
  assert.match(await waitForTreeRow(wb, ALIAS, /pending import/), /e2e\/hw-aes\s*AES_256 · ENCRYPT_DECRYPT · pending import · EXTERNAL/);
  // The sandbox's Huawei API is not a top-level account of its own.
  assert.equal(await wb.page.locator('.sidebar .monaco-list-row[aria-level="1"]').filter({ hasText: 'Huawei Cloud KMS' }).count(), 0);
  await wb.screenshot('tree-huawei', undefined, { docs: false });
});

let bundleDir = '';

step('Download Wrapping Key and Import Token on the key: Huawei\'s RSA_2048 wrapping key with RSAES_OAEP_SHA_256', async () => {
  await wb.clearNotifications();
  await treeContextMenu(wb, ALIAS, 'Download Wrapping Key and Import Token');
  // Huawei's rules: RSA_2048 wrapping keys only, OAEP SHA-256 recommended (never AWS's RSA_4096).
  const rows = wb.page.locator('.quick-input-widget .monaco-list-row');
  await rows.first().waitFor();
  const offered = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
  assert.ok(offered.every((t) => t.startsWith('RSA_2048 · ')), offered.join(' | '));
  assert.match(offered[0], /^RSA_2048 · RSAES_OAEP_SHA_256\s*recommended/);
  await wb.pickQuickItem('RSA_2048 · RSAES_OAEP_SHA_256', { type: false });
  const manifest = await waitFor(() => listFiles(join(workspace, 'kms-import')).find((f) => f.endsWith('kms-import.json')), { what: 'the bundle folder', timeoutMs: 60_000 });
  bundleDir = dirname(manifest);
  const b = await readBundle(bundleDir);
  assert.equal(b.provider, 'huawei');
  assert.equal(b.keyId, keyId);
  assert.equal(b.wrappingKeySpec, 'RSA_2048');
  assert.equal(b.wrappingAlgorithm, 'RSAES_OAEP_SHA_256');
  assert.equal(createPublicKey({ key: b.publicKey, format: 'der', type: 'spki' }).asymmetricKeyDetails?.modulusLength, 2048);
  secrets.push({ name: 'huawei import token', bytes: b.importToken, partial: false });
});

step('Wrap Key Material, then Import Key Material: the key becomes enabled in the tree', async () => {
  await wb.openKeysView();
  await wb.clearNotifications();
  await treeContextMenu(wb, ALIAS, 'Wrap Key Material');
  await answerFileDialogThen(join(workspace, 'material', 'aes256.bin'), 'Use as Key Material', 'Parameters to wrap with');
  await wb.pickQuickItem(relative(workspace, bundleDir), { type: false });
  const wrapped = join(bundleDir, 'EncryptedKeyMaterial.bin');
  await waitFor(() => existsSync(wrapped), { what: 'the wrapped file' });
  assert.equal(statSync(wrapped).size, 256, 'RSAES_OAEP_SHA_256 under RSA_2048: one 256-byte block');
  assert.equal(statSync(wrapped).mode & 0o077, 0, 'the wrapped file is private (0600)');
  const toast = wb.notification(/Wrote .*EncryptedKeyMaterial\.bin/);
  await toast.waitFor();
  await toast.locator('a.monaco-button, .monaco-button').filter({ hasText: 'Import Key Material' }).first().click();
  await wb.pickQuickItem('Key material does not expire', { type: false });
  await wb.notification(/Imported the wrapped key material into/).waitFor({ timeout: 120_000 });
  await wb.openKeysView();
  assert.match(await waitForTreeRow(wb, ALIAS, /enabled/), /e2e\/hw-aes\s*does not expire · AES_256 · ENCRYPT_DECRYPT · enabled · EXTERNAL/);
  const log = wb.extensionLog();
  assert.match(log, /step import: done/);
  // The Huawei API did it: the extension's provider for the Sandbox's Huawei side (the key exists only there).
  assert.match(log, /Huawei Cloud KMS: Sandbox \(Huawei Cloud, cn-north-4\) \(account sandbox-huawei\)/);
  assert.match(log, new RegExp(`Parameters for ${keyId} \\(RSA_2048, RSAES_OAEP_SHA_256\\)`));
});

step('the enabled Huawei key offers Verify and Delete Imported Key Material, not rotation; Verify proves the import', async () => {
  const entries = await treeContextMenuEntries(wb, ALIAS);
  assert.ok(entries.some((e) => e.startsWith('Verify Imported Key')), entries.join(' | '));
  assert.ok(entries.some((e) => e.startsWith('Delete Imported Key Material')), entries.join(' | '));
  assert.ok(!entries.some((e) => /Import New Key Material/.test(e)), `no rotation on a Huawei key: ${entries.join(' | ')}`);
  await wb.clearNotifications();
  await treeContextMenu(wb, ALIAS, 'Verify Imported Key');
  await wb.answerFileDialog(join(workspace, 'material', 'aes256.bin'), 'Use as Key Material');
  const toast = wb.notification(/Proof holds for e2e\/hw-aes/);
  await toast.waitFor({ timeout: 120_000 });
});

step('Delete Imported Key Material: the key is pending import again', async () => {
  await wb.clearNotifications();
  await treeContextMenu(wb, ALIAS, 'Delete Imported Key Material');
  await answerModal('Delete Key Material');
  assert.match(await waitForTreeRow(wb, ALIAS, /pending import/), /AES_256 · ENCRYPT_DECRYPT · pending import · EXTERNAL/);
  assert.match(wb.extensionLog(), new RegExp(`Deleted imported key material of ${keyId}`));
});

step('Add Huawei Cloud Account… (the sandbox\'s AK/SK and project): its region lists the key, with the SK from the secret storage', async () => {
  const endpoint = (await wb.waitForLog(/Sandbox listening on (http:\/\/127\.0\.0\.1:\d+)/))[1];
  await wb.runCommand('KMS Import: Add Huawei Cloud Account…');
  await answerPrompt('A name for the account', 'e2e-huawei');
  await answerPrompt('Access key ID (AK)', hw.accessKey);
  await wb.page.locator('.quick-input-widget .quick-input-message').filter({ hasText: 'Secret access key (SK)' }).first().waitFor();
  assert.equal(await wb.page.locator('.quick-input-widget input[type="password"]').count(), 1, 'the SK is asked in a password box');
  await wb.answerInput(hw.secretKey);
  await answerPrompt('Project ID of the region', hw.projectId);
  await answerPrompt('Region(s)', 'cn-north-4');
  await answerPrompt('KMS endpoint (optional', endpoint);
  await wb.openKeysView();
  assert.match(await waitForTreeRow(wb, 'e2e-huawei', /Huawei Cloud/), /e2e-huawei\s*Huawei Cloud · cn-north-4/);
  await wb.expand(wb.treeRow('e2e-huawei').first());
  await wb.page.mouse.move(900, 600);
  await wb.expand(wb.treeRow(CN4_ROW).first());
  assert.match(await waitForTreeRow(wb, CN4_ROW, /key/), /cn-north-4\s*1 key/);
  // The same key, listed twice: under the Sandbox's Huawei row and under the account (same project).
  await waitFor(async () => (await wb.treeRow(ALIAS).count()) === 2, { what: 'the key under the added account too' });
  assert.match(wb.extensionLog(), /Huawei Cloud KMS: e2e-huawei \(cn-north-4\) \(account huawei:e2e-huawei\)/);
});

step('Edit Huawei Cloud Account… with a wrong SK: the region says the credentials were refused, with Edit and Remove; Remove deletes it', async () => {
  await treeContextMenu(wb, 'e2e-huawei', 'Edit Huawei Cloud Account');
  await answerPrompt('Access key ID (AK)', hw.accessKey);
  await answerPrompt('Secret access key (SK)', 'Wrong-Secret-Key-0000');
  await answerPrompt('Project ID of the region', hw.projectId);
  await answerPrompt('Region(s)', 'cn-north-4');
  const endpointBox = wb.page.locator('.quick-input-widget .quick-input-message').filter({ hasText: 'KMS endpoint (optional' }).first();
  await endpointBox.waitFor();
  assert.match(await wb.page.locator('.quick-input-widget input').first().inputValue(), /^http:\/\/127\.0\.0\.1:\d+$/, 'the endpoint is prefilled');
  await wb.page.locator('.quick-input-widget input').first().press('Enter');
  await wb.openKeysView();
  await wb.expand(wb.treeRow('e2e-huawei').first());
  await wb.expand(wb.treeRow(CN4_ROW).first());
  assert.match(await waitForTreeRow(wb, 'credentials were refused', /Click to edit the account/), /The credentials were refused \(APIG\.0301\)/);
  await wb.treeRow('Remove this account').first().waitFor();
  await wb.treeRow('Remove this account').first().click();
  await answerModal('Remove');
  await waitFor(async () => (await wb.treeRow('e2e-huawei').count()) === 0, { what: 'the account to leave the tree' });
  assert.match(wb.extensionLog(), /Huawei Cloud account "e2e-huawei" removed, with its SK/);
  secrets.push({ name: 'sandbox Huawei SK', bytes: Buffer.from(hw.secretKey), partial: false });
});

step('the log and the webview messages carry neither the key material nor the import token, nor the typed SK', async () => {
  const logs = wb.logFiles().map((f) => readFileSync(f, 'utf8')).join('\n');
  assert.deepEqual(findLeaks(logs, secrets), []);
  assert.deepEqual(findLeaks(wb.webviewMessages.join('\n'), secrets), []);
  assert.equal(logs.includes('Wrong-Secret-Key-0000'), false, 'the SK typed is in a log');
});
