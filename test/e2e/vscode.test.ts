// The extension in a real VS Code: code-server's workbench and Node extension host, driven through Chromium,
// against the extension's in-process sandbox (its state folder seeded by the test beforehand).
// One code-server for the whole file; every test leaves the workbench usable for the next.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { Workbench } from './support/workbench';
import { waitFor, listFiles } from '../../scripts/vscode-host.mjs';
import { makeWorkspace, writeSymmetricMaterial, findLeaks, type Secret } from './support/fixtures';
import { withSandboxState, createPendingKey, createImportedKey, writeAgedBundle, writeWrappedMaterial, deleteMaterial } from './support/seed';
import { randomBytes } from 'node:crypto';

const REGION = 'us-east-1';
// The Region's own row: its label starts the row (the Sandbox row reads "running in us-east-1" too).
const REGION_ROW = new RegExp(`^${REGION}`);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Keys seeded before VS Code starts: alias → key id. */
const seeded: Record<string, string> = {};
/** Bundle folders the test wrote itself. */
const seededBundles: Record<string, string> = {};

let wb: Workbench;
let workspace: string;
let stateDir: string;
const secrets: Secret[] = [];

/** Runs a test body; on failure saves a screenshot and the logs under .test-output/screenshots. */
function step(name: string, fn: () => Promise<void>) {
  test(name, { timeout: 180_000 }, async () => {
    try {
      await fn();
    } catch (e) {
      await wb?.dumpOnFailure(name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60));
      throw e;
    }
  });
}

before(async () => {
  workspace = makeWorkspace();
  stateDir = mkdtempSync(join(tmpdir(), 'kms-e2e-sandbox-'));
  secrets.push(writeSymmetricMaterial(workspace, 'material/aes256.bin'));
  await withSandboxState(stateDir, REGION, async (rig) => {
    seeded['e2e/pending-aes'] = await createPendingKey(rig, 'e2e/pending-aes');
    seeded['e2e/pending-hmac'] = await createPendingKey(rig, 'e2e/pending-hmac', 'HMAC_256', 'GENERATE_VERIFY_MAC');
    const m1 = randomBytes(32);
    secrets.push({ name: 'seeded expiring material', bytes: m1, partial: true });
    seeded['e2e/expiring-aes'] = await createImportedKey(rig, 'e2e/expiring-aes', m1, 'SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT', new Date(Date.now() + 12.5 * DAY));
    const m2 = randomBytes(32);
    secrets.push({ name: 'seeded non-expiring material', bytes: m2, partial: true });
    seeded['e2e/forever-aes'] = await createImportedKey(rig, 'e2e/forever-aes', m2, 'SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT');
    [seeded['aws-kms']] = await rig.sandbox.admin.seedKeys(1, { origin: 'AWS_KMS', state: 'Enabled' });

    // For the explorer wrap: a pending key with fresh parameters in the workspace, and material to wrap.
    seeded['e2e/wrap-target'] = await createPendingKey(rig, 'e2e/wrap-target');
    seededBundles.wrap = join(workspace, 'kms-import', 'wrap-target');
    const fresh = await writeAgedBundle(rig, seeded['e2e/wrap-target'], seededBundles.wrap, 0);
    secrets.push({ name: 'wrap-target import token', bytes: fresh.importToken, partial: false });
    secrets.push(writeSymmetricMaterial(workspace, 'material/wrap-me.bin'));

    // For "expired parameters are caught before upload": parameters issued 25 h ago, material already wrapped.
    seeded['e2e/expired-params'] = await createPendingKey(rig, 'e2e/expired-params');
    seededBundles.expired = join(workspace, 'kms-import', 'expired-params');
    const aged = await writeAgedBundle(rig, seeded['e2e/expired-params'], seededBundles.expired, 25 * HOUR);
    const m3 = randomBytes(32);
    secrets.push({ name: 'expired-params material', bytes: m3, partial: true }, { name: 'expired-params import token', bytes: aged.importToken, partial: false });
    writeWrappedMaterial(join(workspace, 'kms-import', 'expired-params'), aged.publicKey, m3);

    // For a KMS error: a key whose material was deleted, and a DIFFERENT material wrapped for it
    // (KMS answers IncorrectKeyMaterialException: only the same material can come back).
    const m4 = randomBytes(32);
    seeded['e2e/reimport-aes'] = await createImportedKey(rig, 'e2e/reimport-aes', m4, 'SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT');
    await deleteMaterial(rig, seeded['e2e/reimport-aes']);
    seededBundles.reimport = join(workspace, 'kms-import', 'reimport-aes');
    const re = await writeAgedBundle(rig, seeded['e2e/reimport-aes'], seededBundles.reimport, 0);
    const m5 = randomBytes(32);
    secrets.push({ name: 'reimport original material', bytes: m4, partial: true }, { name: 'reimport wrong material', bytes: m5, partial: true }, { name: 'reimport import token', bytes: re.importToken, partial: false });
    writeWrappedMaterial(join(workspace, 'kms-import', 'reimport-aes'), re.publicKey, m5);
  });
  wb = await Workbench.launch({
    workspace,
    settings: {
      'kmsImport.sandbox.stateDir': stateDir,
      'kmsImport.sandbox.autoStart': true,
    },
  });
});

after(async () => {
  await wb?.close();
  rmSync(workspace, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

step('the extension activates in VS Code and its view lists the Sandbox account', async () => {
  await wb.openKeysView();
  await wb.treeRow('Sandbox').first().waitFor();
  const [line] = await wb.waitForLog(/Activated in [\d.]+ ms/);
  assert.match(line, /Activated in/);
});

step('the tree lists the seeded keys with their states and material expiry', async () => {
  await wb.openKeysView();
  await wb.expand(wb.treeRow('Sandbox').first());
  await wb.expand(wb.treeRow(REGION_ROW).first());
  const text = async (alias: string) => {
    const row = wb.treeRow(alias).first();
    await row.waitFor();
    return (await row.innerText()).replace(/\s+/g, ' ');
  };
  assert.match(await text('e2e/pending-aes'), /SYMMETRIC_DEFAULT · ENCRYPT_DECRYPT · pending import · EXTERNAL/);
  assert.match(await text('e2e/pending-hmac'), /HMAC_256 · GENERATE_VERIFY_MAC · pending import · EXTERNAL/);
  assert.match(await text('e2e/expiring-aes'), /expires in 12 d · SYMMETRIC_DEFAULT · ENCRYPT_DECRYPT · enabled · EXTERNAL/);
  assert.match(await text('e2e/forever-aes'), /does not expire · .*enabled · EXTERNAL/);
  // A key without alias shows its short id, so state and expiry stay in view.
  assert.match(await text(`${seeded['aws-kms'].slice(0, 8)}…`), /SYMMETRIC_DEFAULT · ENCRYPT_DECRYPT · enabled · AWS_KMS/);
  // Pending-import keys come first.
  const labels = await wb.page.locator('.sidebar .monaco-list-row').allInnerTexts();
  const at = (s: string) => labels.findIndex((l) => l.includes(s));
  assert.ok(at('e2e/pending-aes') < at('e2e/expiring-aes') && at('e2e/pending-hmac') < at(seeded['aws-kms'].slice(0, 8)), `order: ${labels.join(' | ')}`);
  // The status bar counts down to the nearest expiry of the (fresh) parameter bundles in the workspace.
  const status = wb.page.locator('.statusbar-item').filter({ hasText: /KMS parameters/ }).first();
  await status.waitFor();
  assert.match(await status.innerText(), /KMS parameters:? expires in 23 h \d+ min/);
  await wb.setSidebarWidth(720);
  await wb.screenshot('tree');
  await wb.setSidebarWidth(380);
});

/** Waits until the tree row of `alias` shows `pattern` (the tree refreshes one node at a time). */
async function waitForKeyRow(alias: string, pattern: RegExp): Promise<string> {
  await wb.openKeysView();
  let last = '';
  const row = wb.treeRow(alias).first();
  await row.waitFor();
  await waitFor(async () => pattern.test((last = (await row.innerText()).replace(/\s+/g, ' '))), { what: `${alias} to show ${pattern} (last: ${last})`, timeoutMs: 30_000 });
  return last;
}

step('explorer: right-click material → Wrap for KMS Import… writes EncryptedKeyMaterial.bin, which then imports', async () => {
  const bundleDir = join(workspace, 'kms-import', 'wrap-target');
  await wb.clearNotifications();
  await wb.revealInExplorer('material/wrap-me.bin');
  await wb.explorerContextMenu('wrap-me.bin', 'Wrap for KMS Import');
  await wb.pickQuickItem('kms-import/wrap-target', { type: false });
  const wrapped = join(bundleDir, 'EncryptedKeyMaterial.bin');
  await waitFor(() => existsSync(wrapped), { what: 'EncryptedKeyMaterial.bin' });
  // RSA_AES_KEY_WRAP_SHA_256 with RSA_4096: 512 bytes of RSA-OAEP + 40 bytes of KWP over 32 bytes.
  assert.equal(statSync(wrapped).size, 512 + 40);
  assert.equal(statSync(wrapped).mode & 0o077, 0, 'the wrapped file is private (0600)');
  const toast = wb.notification(/Wrote .*EncryptedKeyMaterial\.bin/);
  await toast.waitFor();
  await toast.locator('a.monaco-button, .monaco-button').filter({ hasText: 'Import Key Material' }).first().click();
  await wb.pickQuickItem('Key material does not expire', { type: false });
  // The explorer wrap knows the material file: the import is proven with it at once.
  await wb.notification(/Imported and proven/).waitFor();
  assert.match(await waitForKeyRow('e2e/wrap-target', /enabled/), /does not expire · .*enabled · EXTERNAL/);
});

step('expired parameters are caught before upload', async () => {
  await wb.clearNotifications();
  await wb.revealInExplorer('kms-import/expired-params/kms-import.json');
  await wb.explorerContextMenu('expired-params', 'Import Key Material');
  const toast = wb.notification(/expired/);
  await toast.waitFor();
  const text = (await toast.innerText()).replace(/\s+/g, ' ');
  assert.match(text, /expired 1 h/);
  assert.match(text, /KMS would refuse them/);
  assert.doesNotMatch(text, /ExpiredImportTokenException/, 'the extension must refuse before KMS does');
  // Nothing was uploaded: the key still waits for its material.
  await wb.page.keyboard.press('Escape');
  assert.match(await waitForKeyRow('e2e/expired-params', /pending import/), /pending import · EXTERNAL/);
});

step('a KMS error shows its mapped cause and action', async () => {
  await wb.clearNotifications();
  await wb.revealInExplorer('kms-import/reimport-aes/kms-import.json');
  await wb.explorerContextMenu('reimport-aes', 'Import Key Material');
  await wb.pickQuickItem('Key material does not expire', { type: false });
  const toast = wb.notification(/IncorrectKeyMaterial|Choose the material file/);
  await toast.waitFor();
  const text = (await toast.innerText()).replace(/\s+/g, ' ');
  // The mapped action for a symmetric key whose material was deleted: bring the same material back.
  assert.match(text, /Choose the material file that matches the key \(the same one imported before\)/);
  assert.match(await waitForKeyRow('e2e/reimport-aes', /pending import/), /pending import/);
  await wb.screenshot('error', undefined, { docs: false });
});

let created: { keyArn: string; keyId: string } | undefined;

step('the import form: Create Key for Import → download, wrap, import and a proven import', async () => {
  await wb.clearNotifications();
  await wb.runCommand('KMS Import: Create Key for Import');
  await wb.pickQuickItem('Sandbox: AWS KMS', { type: false });
  const form = await wb.webviewFrame('[data-testid="submit"]');
  await form.locator('[data-testid="key-spec"]').selectOption('SYMMETRIC_DEFAULT');
  await form.locator('[data-testid="alias"]').fill('e2e/created-in-form');
  await form.locator('[data-testid="alias"]').press('Tab');
  // The material file comes from the host's file dialog (code-server: the simple dialog, a path input).
  await form.locator('[data-testid="material-choose"]').click();
  await wb.answerFileDialog(join(workspace, 'material', 'aes256.bin'), 'Use as Key Material');
  const summary = form.locator('[data-testid="material-summary"]');
  await waitFor(async () => /aes256\.bin/.test(await summary.innerText()), { what: 'the material summary' });
  assert.match(await summary.innerText(), /32/, 'the summary describes 32 bytes of symmetric material');
  // The recommendation is preselected; choices that cannot work are disabled with a reason.
  assert.equal(await form.locator('[data-testid="wrapping-key-spec"]').inputValue(), 'RSA_4096');
  assert.match(await form.locator('[data-testid="algorithm"]').inputValue(), /^(RSAES_OAEP_SHA_256|RSA_AES_KEY_WRAP_SHA_256)$/);
  // A choice that cannot work is disabled, with the reason on demand (its tooltip, "Why not the others?").
  assert.notEqual(await form.locator('[data-testid="option-RSAES_PKCS1_V1_5"]').getAttribute('disabled'), null);
  assert.match((await form.locator('[data-testid="option-RSAES_PKCS1_V1_5"]').getAttribute('title')) ?? '', /refused/);
  await form.locator('[data-testid="algorithm-why"] summary').click();
  assert.match(await form.locator('[data-testid="algorithm-why"]').innerText(), /RSAES_PKCS1_V1_5.*refused/);
  await form.locator('[data-testid="finding-none"]').waitFor();
  await wb.screenshot('form');

  const resultsBefore = (await wb.hostMessages('result', 0)).length;
  await form.locator('[data-testid="submit"]').click();
  // The host reports each step and then the result to the form (seen on the wire: the form tab may be hidden
  // by the summary panel that opens when the import is proven).
  const [result] = (await wb.hostMessages<{ result: { ok: boolean; keyId: string; keyArn: string; proof: { holds: boolean; method: string; detail: string } } }>('result', resultsBefore + 1, 120_000)).slice(resultsBefore);
  assert.equal(result.result.ok, true, JSON.stringify(result));
  assert.equal(result.result.proof.holds, true, JSON.stringify(result.result.proof));
  assert.match(result.result.proof.detail, /Encrypt\/Decrypt round trip/);
  const steps = await wb.hostMessages<{ step: string; status: string }>('progress');
  for (const step of ['create-key', 'download-parameters', 'check', 'wrap', 'import', 'prove']) {
    assert.ok(steps.some((m) => m.step === step && m.status === 'done'), `step ${step} reported done`);
  }
  const keyArn = result.result.keyArn;
  assert.match(keyArn, /^arn:aws:kms:us-east-1:\d{12}:key\/[0-9a-f-]{36}$/);
  assert.match(await waitForKeyRow('e2e/created-in-form', /enabled/), /does not expire · SYMMETRIC_DEFAULT · ENCRYPT_DECRYPT · enabled · EXTERNAL/);
  created = { keyArn, keyId: result.result.keyId };
  // The parameters it downloaded went into the workspace bundle folder; collect their token for the leak scan.
  for (const f of listFiles(join(workspace, 'kms-import'))) {
    if (f.endsWith('ImportToken.bin') && !Object.values(seededBundles).includes(dirname(f))) secrets.push({ name: `form token ${f}`, bytes: readFileSync(f), partial: false });
  }
});

step('the summary panel shows the key, the parameters countdown, the files and the proof', async () => {
  assert.ok(created, 'needs the key created by the form test');
  // The summary panel opens by itself once the import is proven.
  const panel = await wb.webviewFrame('[data-testid="proof"][data-holds="true"]');
  const text = await panel.locator('body').innerText();
  assert.ok(text.includes(created.keyArn), 'the summary names the key ARN');
  // The import used these parameters: no countdown any more, and the stage says so.
  assert.match(await panel.locator('[data-testid="countdown"]').innerText(), /used: no longer needed/);
  assert.match(await panel.locator('[data-testid="bundle-stage"]').innerText(), /imported and proven/);
  assert.ok(await panel.locator('[data-testid="file-ImportToken.bin"]').count(), 'the files table lists ImportToken.bin');
  assert.ok(await panel.locator('[data-testid="file-WrappingPublicKey.bin"]').count(), 'the files table lists WrappingPublicKey.bin');
  assert.match(await panel.locator('[data-testid="next-step"]').innerText(), /Next:/);
  // Tall enough to show the proof at the bottom of the panel.
  await wb.page.setViewportSize({ width: 1440, height: 1240 });
  await panel.locator('[data-testid="proof"]').waitFor();
  await wb.screenshot('summary');
  await wb.page.setViewportSize({ width: 1440, height: 900 });
});

step('reload restores the summary panel', async () => {
  assert.ok(created, 'needs the key created by the form test');
  await wb.reloadWindow();
  // Restored by the extension's WebviewPanelSerializer (titled by alias once the key is described).
  await wb.showEditorTab(new RegExp(`Import Summary: (e2e/created-in-form|${created.keyId.slice(0, 8)})`));
  const panel = await wb.webviewFrame('[data-testid="proof"][data-holds="true"]', 120_000);
  assert.ok((await panel.locator('body').innerText()).includes(created.keyArn), 'the restored summary is the same key');
});

step('the log and the webview messages carry no key material and no full import token', async () => {
  // The recorder saw both directions of the form's protocol and the HTML of the panels: the scan covers them.
  const wire = wb.webviewMessages.join('\n');
  assert.match(wire, /^webview->host .*"type":"submit"/m, 'the form\'s submit was recorded');
  assert.match(wire, /^host->webview .*"type":"result"/m, 'the host\'s result was recorded');
  assert.match(wire, /^host->webview .*"channel":"content"/m, 'the panels\' HTML was recorded');
  const logs = wb.logFiles().map((f) => readFileSync(f, 'utf8')).join('\n');
  assert.ok(wb.extensionLog().length > 0, 'the extension wrote nothing to its log');
  assert.deepEqual(findLeaks(logs, secrets), []);
  assert.deepEqual(findLeaks(wb.webviewMessages.join('\n'), secrets), []);
});
