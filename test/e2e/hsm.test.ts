// "Wrap in HSM (PKCS#11)…" in a real VS Code (code-server, the packaged .vsix) against a real SoftHSM2 token and the
// extension's in-process sandbox: on a pending-import HMAC key in the tree, the bundle is picked, the library, token
// and key label are given, the PIN prompt is answered; the key is wrapped inside the HSM in the extension's worker
// thread (koffi from the .vsix), written into the bundle folder (0600), imported as is by the flow and proven by
// the HSM's HMAC. The PIN appears in no log and no file of the user-data folder. "Show CloudHSM CLI Steps" opens
// the commands for the bundle's paths and algorithm.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { writeBundle } from '../../src/core/bundle';
import { Pkcs11Module } from '../../src/hsm/pkcs11';
import { listFiles, waitFor } from '../../scripts/vscode-host.mjs';
import { makeGenericSecret, SOFTHSM_MODULE, type SoftHsm } from '../support/softhsm';
import { makeWorkspace, findLeaks, type Secret } from './support/fixtures';
import { createPendingKey, withSandboxState } from './support/seed';
import { Workbench } from './support/workbench';

const REGION = 'us-east-1';
// The Region's own row: its label starts the row (the Sandbox row reads "running in us-east-1" too).
const REGION_ROW = new RegExp(`^${REGION}`);
const PIN = 'e2e-Hsm-Pin-58213';
const TOKEN = 'e2e-token';
let wb: Workbench;
let workspace: string;
let stateDir: string;
let hsmDir: string;
let keyId: string;
let bundleDir: string;
const secrets: Secret[] = [];

function step(name: string, fn: () => Promise<void>) {
  test(name, { timeout: 240_000 }, async () => {
    try {
      await fn();
    } catch (e) {
      await wb?.dumpOnFailure(name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60));
      throw e;
    }
  });
}

before(async () => {
  // A token of its own, with a PIN distinctive enough to search for.
  hsmDir = mkdtempSync(join(tmpdir(), 'kms-e2e-softhsm-'));
  mkdirSync(join(hsmDir, 'tokens'));
  const conf = join(hsmDir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(hsmDir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = conf;
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', TOKEN, '--so-pin', '12345678', '--pin', PIN], { stdio: ['ignore', 'pipe', 'pipe'] });
  const h = Pkcs11Module.open(SOFTHSM_MODULE);
  const session = h.openSession(h.slots().find((s) => h.tokenInfo(s).label === TOKEN)!);
  h.login(session, Buffer.from(PIN));
  makeGenericSecret({ hsm: h, session } as SoftHsm, 32, { label: 'e2e-hmac' });
  h.closeSession(session);
  h.finalize();

  workspace = makeWorkspace();
  stateDir = mkdtempSync(join(tmpdir(), 'kms-e2e-sandbox-'));
  await withSandboxState(stateDir, REGION, async (rig) => {
    keyId = await createPendingKey(rig, 'e2e/hsm-hmac', 'HMAC_256', 'GENERATE_VERIFY_MAC');
    // SoftHSM wraps a generic secret with CKM_RSA_PKCS_OAEP and SHA-1 only: parameters for RSAES_OAEP_SHA_1.
    const p = await rig.provider.getParametersForImport(keyId, 'RSAES_OAEP_SHA_1', 'RSA_2048');
    const key = await rig.provider.describeKey(keyId);
    bundleDir = join(workspace, 'kms-import', 'hsm-hmac');
    await writeBundle(bundleDir, { provider: 'aws', region: REGION, keyId, keyArn: key.arn, wrappingAlgorithm: p.wrappingAlgorithm, wrappingKeySpec: p.wrappingKeySpec, publicKey: p.publicKey, importToken: p.importToken, validTo: p.parametersValidTo });
    secrets.push({ name: 'hsm bundle import token', bytes: p.importToken, partial: false });
  });
  wb = await Workbench.launch({
    workspace,
    settings: { 'kmsImport.sandbox.stateDir': stateDir, 'kmsImport.sandbox.autoStart': true, 'explorer.compactFolders': false },
    env: { SOFTHSM2_CONF: conf },
  });
});

after(async () => {
  await wb?.close();
  for (const d of [workspace, stateDir, hsmDir]) if (d) rmSync(d, { recursive: true, force: true });
});

/** Right-clicks a row of the keys tree and picks a context-menu entry. */
async function treeContextMenu(label: string, entry: string): Promise<void> {
  const row = wb.treeRow(label).first();
  await row.waitFor();
  await row.click({ button: 'right' });
  const item = wb.page.locator('.context-view .action-item, .monaco-menu .action-item').filter({ hasText: entry }).first();
  await item.waitFor();
  await item.hover();
  await waitFor(async () => (await item.getAttribute('class'))?.includes('focused'), { what: `the menu entry "${entry}" to take focus`, timeoutMs: 10_000 });
  await wb.page.keyboard.press('Enter');
}

step('Wrap in HSM (PKCS#11) on a pending-import key: PIN asked, wrapped in the HSM, imported as is, proven by the HSM\'s HMAC', async () => {
  await wb.openKeysView();
  await wb.expand(wb.treeRow('Sandbox').first());
  await wb.page.mouse.move(900, 600); // the Sandbox row's hover tooltip would cover the region row
  await wb.expand(wb.treeRow(REGION_ROW).first());
  await wb.treeRow('e2e/hsm-hmac').first().waitFor();
  await wb.clearNotifications();
  await treeContextMenu('e2e/hsm-hmac', 'Wrap in HSM (PKCS#11)');
  await wb.pickQuickItem('kms-import/hsm-hmac', { type: false });
  await wb.answerInput(SOFTHSM_MODULE);
  await wb.answerInput(TOKEN);
  await wb.answerInput('e2e-hmac');
  // The PIN prompt is a password box.
  const pinBox = wb.page.locator('.quick-input-widget input[type="password"]');
  await pinBox.waitFor();
  await wb.answerInput(PIN);
  await wb.pickQuickItem('Key material does not expire', { type: false });
  const toast = wb.notification(/Wrapped inside the HSM, imported and proven/);
  await toast.waitFor({ timeout: 120_000 });
  assert.match((await toast.innerText()).replace(/\s+/g, ' '), /GenerateMac \(HMAC_SHA_256\) equals the HSM's HMAC of a random message/);

  const wrapped = join(bundleDir, 'EncryptedKeyMaterial.bin');
  assert.ok(existsSync(wrapped));
  assert.equal(statSync(wrapped).size, 256, 'RSAES_OAEP_SHA_1 under RSA_2048: 256 bytes');
  assert.equal(statSync(wrapped).mode & 0o077, 0, 'the wrapped file is private (0600)');
  const row = wb.treeRow('e2e/hsm-hmac').first();
  await waitFor(async () => /enabled/.test(await row.innerText()), { what: 'the key to be enabled', timeoutMs: 30_000 });
  assert.match((await row.innerText()).replace(/\s+/g, ' '), /does not expire · HMAC_256 · GENERATE_VERIFY_MAC · enabled · EXTERNAL/);

  // The wrap ran in the worker (its progress lines are logged), then the flow's steps.
  const log = wb.extensionLog();
  assert.match(log, /hsm: Self-test passed/);
  assert.match(log, /step import: done/);
  assert.match(log, /step prove: done/);
  // The PIN is in no log and no file of the user-data folder (settings, state); nor is the import token.
  const logs = wb.logFiles().map((f) => readFileSync(f, 'utf8')).join('\n');
  assert.equal(logs.includes(PIN), false, 'the PIN is in a log');
  for (const f of listFiles(join(wb.scratch, 'user-data'))) assert.equal(readFileSync(f).includes(PIN), false, `the PIN is in ${f}`);
  assert.deepEqual(findLeaks(logs, secrets), []);
});

step('Show CloudHSM CLI Steps on the bundle folder opens the commands for its paths and algorithm', async () => {
  await wb.clearNotifications();
  await wb.revealInExplorer('kms-import/hsm-hmac/kms-import.json');
  await wb.explorerContextMenu('hsm-hmac', 'Show CloudHSM CLI Steps');
  const editor = wb.page.locator('.editor-instance .view-lines').first();
  await waitFor(async () => /key wrap rsa-oaep/.test((await editor.innerText().catch(() => '')).replace(/\u00a0/g, ' ')), { what: 'the CloudHSM CLI steps in an editor', timeoutMs: 60_000 });
  const text = (await editor.innerText()).replace(/\u00a0/g, ' ');
  assert.match(text, /--hash-function sha1 --mgf mgf1-sha1/);
  assert.ok(text.includes(join(bundleDir, 'WrappingPublicKey')), 'the bundle\'s own path is in the steps');
});
