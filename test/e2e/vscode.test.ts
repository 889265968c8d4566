// The extension in a real VS Code: code-server's workbench and Node extension host, driven through Chromium,
// against the extension's in-process sandbox (its state folder seeded by the test beforehand).
// One code-server for the whole file; every test leaves the workbench usable for the next.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Workbench } from './support/workbench';
import { makeWorkspace, writeSymmetricMaterial, findLeaks, type Secret } from './support/fixtures';
import { withSandboxState, createPendingKey, createImportedKey, writeAgedBundle } from './support/seed';
import { randomBytes } from 'node:crypto';

const REGION = 'us-east-1';
const DAY = 86_400_000;
/** Keys seeded before VS Code starts: alias → key id. */
const seeded: Record<string, string> = {};

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
  await wb.expand(wb.treeRow(REGION).first());
  const text = async (alias: string) => {
    const row = wb.treeRow(alias).first();
    await row.waitFor();
    return (await row.innerText()).replace(/\s+/g, ' ');
  };
  assert.match(await text('e2e/pending-aes'), /SYMMETRIC_DEFAULT · ENCRYPT_DECRYPT · PendingImport · EXTERNAL/);
  assert.match(await text('e2e/pending-hmac'), /HMAC_256 · GENERATE_VERIFY_MAC · PendingImport · EXTERNAL/);
  assert.match(await text('e2e/expiring-aes'), /SYMMETRIC_DEFAULT · ENCRYPT_DECRYPT · Enabled · EXTERNAL · expires in 12 d/);
  assert.match(await text('e2e/forever-aes'), /Enabled · EXTERNAL · does not expire/);
  assert.match(await text(seeded['aws-kms']), /SYMMETRIC_DEFAULT · ENCRYPT_DECRYPT · Enabled · AWS_KMS/);
  // Pending-import keys come first.
  const labels = await wb.page.locator('.sidebar .monaco-list-row').allInnerTexts();
  const at = (s: string) => labels.findIndex((l) => l.includes(s));
  assert.ok(at('e2e/pending-aes') < at('e2e/expiring-aes') && at('e2e/pending-hmac') < at(seeded['aws-kms']), `order: ${labels.join(' | ')}`);
  await wb.setSidebarWidth(720);
  await wb.screenshot('tree');
  await wb.setSidebarWidth(380);
});

step('the log and the webview messages carry no key material and no full import token', async () => {
  const logs = wb.logFiles().map((f) => readFileSync(f, 'utf8')).join('\n');
  assert.ok(wb.extensionLog().length > 0, 'the extension wrote nothing to its log');
  assert.deepEqual(findLeaks(logs, secrets), []);
  assert.deepEqual(findLeaks(wb.webviewMessages.join('\n'), secrets), []);
});
