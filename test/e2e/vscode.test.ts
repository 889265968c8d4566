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
  await wb.screenshot('tree');
});

step('the log and the webview messages carry no key material and no full import token', async () => {
  const logs = wb.logFiles().map((f) => readFileSync(f, 'utf8')).join('\n');
  assert.ok(wb.extensionLog().length > 0, 'the extension wrote nothing to its log');
  assert.deepEqual(findLeaks(logs, secrets), []);
  assert.deepEqual(findLeaks(wb.webviewMessages.join('\n'), secrets), []);
});
