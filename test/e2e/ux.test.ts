// The first hour in the editor (issue 10), as a user sees it in a real VS Code (code-server): a blank form
// shows no error, a file sets the key spec, a second Create opens a clean form, few reasons are in view, the
// explorer wrap looks at the file first, the summary of a bundle not imported does not say done, the status
// bar ignores used parameters, and the form and the summary have no horizontal scrollbar at 500 px; the
// tree's filter menu marks the current filter, and the explorer's "Download new parameters" for an RSA PEM
// offers RSA_2048 keys only; a re-import from the explorer keeps the key's expiration. Screenshots at 1000×700 (docs/screenshots with KMS_IMPORT_UPDATE_SCREENSHOTS=1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Frame } from 'playwright-core';
import { Workbench } from './support/workbench';
import { waitFor } from '../../scripts/vscode-host.mjs';
import { makeWorkspace, writeRsaMaterial, writeSymmetricMaterial } from './support/fixtures';
import { withSandboxState, createPendingKey, createImportedKey, writeAgedBundle, writeWrappedMaterial } from './support/seed';

const REGION = 'us-east-1';
// The Region's own row: its label starts the row (the Sandbox row reads "running in us-east-1" too).
const REGION_ROW = new RegExp(`^${REGION}`);
const HOUR = 3_600_000;
// Screenshots stay small: the window is 1000×700 (the 500 px steps narrow it, then put it back).
const VIEWPORT = { width: 1000, height: 700 };
const EXPIRING_VALID_TO = new Date(Date.now() + 40 * 24 * HOUR);
let wb: Workbench;
let workspace: string;
let stateDir: string;

function step(name: string, fn: () => Promise<void>) {
  test(name, { timeout: 180_000 }, async () => {
    try {
      await fn();
    } catch (e) {
      await wb?.dumpOnFailure(`ux-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`);
      throw e;
    }
  });
}

before(async () => {
  workspace = makeWorkspace('kms-e2e-ux-');
  stateDir = mkdtempSync(join(tmpdir(), 'kms-e2e-ux-sandbox-'));
  writeRsaMaterial(workspace, 'material/rsa2048.pem');
  writeSymmetricMaterial(workspace, 'material/aes256.bin');
  await withSandboxState(stateDir, REGION, async (rig) => {
    // An EC key with fresh parameters: never to be offered for an RSA file.
    const ec = await createPendingKey(rig, 'ux/pending-ec', 'ECC_NIST_P256', 'SIGN_VERIFY');
    // An RSA_2048 key pending import: the one key "Download new parameters" offers for the RSA PEM.
    await createPendingKey(rig, 'ux/pending-rsa', 'RSA_2048', 'SIGN_VERIFY');
    await writeAgedBundle(rig, ec, join(workspace, 'kms-import', 'ec-bundle'), 0);
    // A symmetric key whose parameters expire first (2 h left): the explorer wrap imports them.
    const sym = await createPendingKey(rig, 'ux/pending-aes');
    await writeAgedBundle(rig, sym, join(workspace, 'kms-import', 'sym-bundle'), 22 * HOUR);
    // An imported key with a second bundle, wrapped but never imported: its summary must not say done.
    const m = randomBytes(32);
    const done = await createImportedKey(rig, 'ux/imported-aes', m, 'SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT');
    const b = await writeAgedBundle(rig, done, join(workspace, 'kms-import', 'not-imported'), 0);
    writeWrappedMaterial(join(workspace, 'kms-import', 'not-imported'), b.publicKey, m);
    // A key whose material expires in 40 days, with a wrapped file ready: its re-import keeps that expiry.
    const m2 = randomBytes(32);
    const expiring = await createImportedKey(rig, 'ux/expiring-aes', m2, 'SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT', EXPIRING_VALID_TO);
    const b2 = await writeAgedBundle(rig, expiring, join(workspace, 'kms-import', 'reimport-expiring'), 0);
    writeWrappedMaterial(join(workspace, 'kms-import', 'reimport-expiring'), b2.publicKey, m2);
  });
  wb = await Workbench.launch({ workspace, settings: { 'kmsImport.sandbox.stateDir': stateDir, 'kmsImport.sandbox.autoStart': true } });
  await wb.page.setViewportSize(VIEWPORT);
  await wb.openKeysView();
  await wb.expand(wb.treeRow('Sandbox').first());
  await wb.expand(wb.treeRow(REGION_ROW).first());
  await wb.treeRow('ux/pending-ec').first().waitFor();
});

after(async () => {
  await wb?.close();
  rmSync(workspace, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

/** The page width of a webview and how wide its content is (a horizontal scrollbar when scroll > client). */
const widths = (f: Frame) => f.evaluate('({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })') as Promise<{ scroll: number; client: number }>;

/** Visible error findings in the form. */
const visibleErrors = (f: Frame) => f.locator('.finding[data-severity="error"]:visible').count();

/** Opens the Keys view's "…" menu and returns the texts of its filter entries (as shown). */
async function openFilterMenu(): Promise<string[]> {
  await wb.openKeysView();
  const more = wb.page.locator('.sidebar .codicon-toolbar-more:visible').first();
  await more.click();
  const entries = wb.page.locator('.context-view .action-item, .monaco-menu .action-item').filter({ hasText: /Show (Keys Pending Import|External Keys|All Keys)/ });
  await entries.first().waitFor();
  return (await entries.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** Chooses an entry of the open menu (hover to focus it, then Enter: the menu ignores an immediate click). */
async function chooseMenuEntry(text: string | RegExp): Promise<void> {
  const item = wb.page.locator('.context-view .action-item, .monaco-menu .action-item').filter({ hasText: text }).first();
  await item.hover();
  await waitFor(async () => (await item.getAttribute('class'))?.includes('focused'), { what: `the menu entry ${text} to take focus` });
  await wb.page.keyboard.press('Enter');
  await item.waitFor({ state: 'detached' });
}

step('the filter menu shows a check mark on the current filter, and moves it when another is chosen', async () => {
  await wb.openKeysView();
  await wb.setSidebarWidth(480); // the rows' descriptions (expiry, spec, state) in the screenshots
  let entries = await openFilterMenu();
  assert.deepEqual(entries.filter((t) => t.startsWith('✓')), ['✓ Show All Keys'], entries.join(' | '));
  assert.ok(entries.includes('Show Keys Pending Import'), entries.join(' | '));
  await chooseMenuEntry(/^\s*Show Keys Pending Import\s*$/);
  // The tree follows: the imported key is filtered out, the pending ones stay.
  await wb.treeRow('ux/imported-aes').first().waitFor({ state: 'detached' });
  await wb.treeRow('ux/pending-rsa').first().waitFor();
  entries = await openFilterMenu();
  assert.deepEqual(entries.filter((t) => t.startsWith('✓')), ['✓ Show Keys Pending Import'], entries.join(' | '));
  assert.ok(entries.includes('Show All Keys'), entries.join(' | '));
  await wb.screenshot('tree-filter-menu');
  await chooseMenuEntry(/^\s*Show All Keys\s*$/);
  await wb.treeRow('ux/imported-aes').first().waitFor();
  await wb.screenshot('tree-icons', undefined, { docs: false });
  await wb.setSidebarWidth(300);
});

step('a blank form shows no error: a neutral checklist, announced as a status', async () => {
  await wb.runCommand('KMS Import: Create Key for Import');
  await wb.pickQuickItem('Sandbox: AWS KMS', { type: false });
  const form = await wb.webviewFrame('[data-testid="todo-MATERIAL_REQUIRED"]');
  assert.equal(await visibleErrors(form), 0);
  assert.equal(await form.locator('[data-testid="error"]:visible').count(), 0);
  assert.equal(await form.locator('#findings').getAttribute('role'), 'status');
  assert.equal(await form.locator('#findings').getAttribute('aria-live'), 'polite');
  assert.equal(await form.locator('[data-testid="submit"]').isDisabled(), true);
  await wb.screenshot('form-blank', undefined, { docs: false });
});

step('choosing an RSA PEM in a fresh form sets RSA_2048 and an RSA_AES algorithm, with no error and few reasons in view', async () => {
  const form = await wb.webviewFrame('[data-testid="material-choose"]');
  await form.locator('[data-testid="material-choose"]').click();
  await wb.answerFileDialog(join(workspace, 'material', 'rsa2048.pem'), 'Use as Key Material');
  await waitFor(async () => (await form.locator('[data-testid="key-spec"]').inputValue()) === 'RSA_2048', { what: 'the key spec to follow the file' });
  assert.match(await form.locator('[data-testid="algorithm"]').inputValue(), /^RSA_AES_KEY_WRAP_SHA_/);
  assert.equal(await visibleErrors(form), 0);
  const reasons = await form.locator('.reason:visible').count();
  assert.ok(reasons <= 3, `${reasons} reason lines in view`);
  // The ValidTo input is bounded, with a default, once the material is to expire.
  await form.locator('[data-testid="expiration-model"]').selectOption('KEY_MATERIAL_EXPIRES');
  await waitFor(async () => (await form.locator('[data-testid="valid-to"]').inputValue()) !== '', { what: 'a default ValidTo' });
  assert.ok(await form.locator('[data-testid="valid-to"]').getAttribute('max'));
  assert.match((await form.locator('[data-testid="algorithm"]').getAttribute('aria-describedby')) ?? '', /algorithm-why/);
  await form.locator('[data-testid="submit"]:not([disabled])').waitFor();
  await wb.screenshot('form-rsa');
});

step('a second Create opens a clean form', async () => {
  await wb.runCommand('KMS Import: Create Key for Import');
  // The account chosen for the first form comes first, marked, so Enter takes it again.
  // (once the account pick has replaced the command palette's list)
  await wb.page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: 'Sandbox: Huawei Cloud KMS' }).first().waitFor();
  const first = wb.page.locator('.quick-input-widget .monaco-list-row').first();
  assert.match(await first.innerText(), /Sandbox: AWS KMS[\s\S]*last used/);
  await wb.pickQuickItem('Sandbox: AWS KMS', { type: false });
  const form = await wb.webviewFrame('[data-testid="todo-MATERIAL_REQUIRED"]');
  assert.match(await form.locator('[data-testid="material-summary"]').innerText(), /No file chosen/);
  assert.equal(await form.locator('[data-testid="submit"]').isDisabled(), true);
  assert.equal(await form.locator('[data-testid="expiration-model"]').inputValue(), 'KEY_MATERIAL_DOES_NOT_EXPIRE');
});

step('the form at 500 px wide has no horizontal scrollbar', async () => {
  const form = await wb.webviewFrame('[data-testid="submit"]');
  await wb.page.setViewportSize({ width: 500 + 48 + 2, height: VIEWPORT.height });
  try {
    await wb.runCommand('View: Close Primary Side Bar').catch(() => {});
    await waitFor(async () => (await widths(form)).client <= 520, { what: 'the form to be ≤ 520 px wide' });
    const { scroll, client } = await widths(form);
    assert.ok(scroll <= client, `scrollWidth ${scroll} > clientWidth ${client}`);
    await wb.screenshot('form-500px');
  } finally {
    await wb.page.setViewportSize(VIEWPORT);
  }
});

step('the explorer wrap of an RSA PEM does not preselect an EC bundle', async () => {
  await wb.revealInExplorer('material/rsa2048.pem');
  await wb.explorerContextMenu('rsa2048.pem', 'Wrap for KMS Import');
  const focused = wb.page.locator('.quick-input-widget .monaco-list-row.focused');
  await focused.waitFor();
  assert.match(await focused.innerText(), /Create a KMS key for this RSA_2048 key/);
  const ec = wb.page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: 'ec-bundle' }).first();
  await ec.waitFor();
  assert.match(await ec.innerText(), /ECC_NIST_P256/);
  assert.equal(await ec.locator('.codicon-circle-slash').count(), 1, 'the EC bundle is marked as not usable');
  await wb.screenshot('wrap-pick');
  await wb.page.keyboard.press('Escape');
});

step("the explorer's Download new parameters for an RSA PEM lists the RSA_2048 key only, under Create a KMS key", async () => {
  await wb.revealInExplorer('material/rsa2048.pem');
  await wb.explorerContextMenu('rsa2048.pem', 'Wrap for KMS Import');
  await wb.pickQuickItem('Download new parameters for an existing key', { type: false });
  await wb.pickQuickItem('Sandbox: AWS KMS', { type: false });
  const rows = wb.page.locator('.quick-input-widget .monaco-list-row');
  await rows.filter({ hasText: 'ux/pending-rsa' }).first().waitFor();
  const texts = await rows.allInnerTexts();
  assert.match(texts[0] ?? '', /Create a KMS key for this RSA_2048 key/);
  assert.match(await wb.page.locator('.quick-input-widget .monaco-list-row.focused').innerText(), /Create a KMS key for this RSA_2048 key/, 'nothing that does not fit is preselected');
  for (const t of texts) assert.doesNotMatch(t, /SYMMETRIC_DEFAULT|ECC_NIST_P256|ux\/pending-aes|ux\/imported-aes|ux\/pending-ec/, `offered: ${t}`);
  assert.match(texts.join('\n'), /ux\/pending-rsa[\s\S]*RSA_2048/);
  // The second quick pick fades in over the first: the screenshot waits for its animations to end.
  await wb.page.evaluate("Promise.all([...document.querySelectorAll('.quick-input-widget')].flatMap((el) => el.getAnimations({ subtree: true })).map((a) => a.finished)).then(() => true)");
  await wb.screenshot('wrap-download-pick');
  await wb.page.keyboard.press('Escape');
});

step("the explorer's re-import preselects the key's expiration and starts the date at its ValidTo", async () => {
  await wb.revealInExplorer('kms-import/reimport-expiring/kms-import.json');
  await wb.explorerContextMenu('reimport-expiring', 'Import Key Material');
  const focused = wb.page.locator('.quick-input-widget .monaco-list-row.focused');
  await focused.waitFor();
  assert.match(await focused.innerText(), /Key material expires…[\s\S]*current/);
  await wb.page.keyboard.press('Enter');
  const input = wb.page.locator('.quick-input-widget input');
  await waitFor(async () => (await input.inputValue()) === EXPIRING_VALID_TO.toISOString().slice(0, 10), { what: "the date box to hold the key's ValidTo" });
  await wb.page.keyboard.press('Escape');
});

step('the summary of a bundle not imported does not say done', async () => {
  await wb.revealInExplorer('kms-import/not-imported/kms-import.json');
  await wb.explorerContextMenu('not-imported', 'Show Import Summary');
  const panel = await wb.webviewFrame('[data-testid="bundle-stage"]');
  const next = await panel.locator('[data-testid="next-step"]').innerText();
  assert.doesNotMatch(next, /Done/);
  assert.match(next, /has not been imported/);
  assert.match(await panel.locator('[data-testid="bundle-stage"]').innerText(), /wrapped, not imported/);
  assert.equal(await panel.locator('[data-testid="proof"]').getAttribute('data-holds'), 'unknown', "another import's proof is not shown");
});

step('the summary at 500 px wide has no horizontal scrollbar', async () => {
  const panel = await wb.webviewFrame('[data-testid="bundle-stage"]');
  await wb.page.setViewportSize({ width: 550, height: VIEWPORT.height });
  try {
    await wb.runCommand('View: Close Primary Side Bar').catch(() => {});
    await waitFor(async () => (await widths(panel)).client <= 520, { what: 'the summary to be ≤ 520 px wide' });
    const { scroll, client } = await widths(panel);
    assert.ok(scroll <= client, `scrollWidth ${scroll} > clientWidth ${client}`);
    await wb.screenshot('summary-500px');
  } finally {
    await wb.page.setViewportSize(VIEWPORT);
  }
});

step('after the explorer wrap and import, the status bar no longer counts the used parameters down', async () => {
  const status = wb.page.locator('.statusbar-item').filter({ hasText: /KMS parameters/ }).first();
  await status.waitFor();
  assert.match(await status.innerText(), /expires in 1 h \d+ min|expires in 2 h/, 'the sym bundle (2 h left) is the nearest');
  await wb.clearNotifications();
  await wb.revealInExplorer('material/aes256.bin');
  await wb.explorerContextMenu('aes256.bin', 'Wrap for KMS Import');
  await wb.pickQuickItem('kms-import/sym-bundle', { type: false });
  await waitFor(() => existsSync(join(workspace, 'kms-import', 'sym-bundle', 'EncryptedKeyMaterial.bin')), { what: 'the wrapped file' });
  const toast = wb.notification(/Wrote .*EncryptedKeyMaterial\.bin/);
  await toast.waitFor();
  await toast.locator('a.monaco-button, .monaco-button').filter({ hasText: 'Import Key Material' }).first().click();
  await wb.pickQuickItem('Key material does not expire', { type: false });
  await wb.notification(/Imported and proven/).waitFor();
  await waitFor(async () => /expires in 2[23] h/.test(await status.innerText()), { what: 'the status bar to skip the used parameters' });
});
