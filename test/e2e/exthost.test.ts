// The extension-host suite (test/vscode, mocha "tdd", normally run by @vscode/test-cli in desktop VS Code) run here
// inside code-server's extension host: a small runner extension loads mocha in the host, runs the suite against
// the installed extension and writes the results to a file, which this test reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync, existsSync, copyFileSync, readdirSync, rmSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Workbench } from './support/workbench';
import { makeWorkspace } from './support/fixtures';
import { root, waitFor } from '../../scripts/vscode-host.mjs';

interface MochaResult { passed: string[]; failed: Array<{ title: string; error: string }>; total: number }

function writeRunnerExtension(dir: string, resultsFile: string): void {
  mkdirSync(join(dir, 'tests'), { recursive: true });
  for (const f of readdirSync(join(root, 'test/vscode'))) {
    if (f.endsWith('.test.js')) copyFileSync(join(root, 'test/vscode', f), join(dir, 'tests', f));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'exthost-test-runner', publisher: 'kms-key-import-tests', version: '0.0.1', engines: { vscode: '^1.85.0' },
    main: './runner.js', activationEvents: ['onStartupFinished'],
  }));
  writeFileSync(join(dir, 'runner.js'), `
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require(${JSON.stringify(join(root, 'node_modules/mocha'))});
exports.activate = () => {
  const mocha = new Mocha({ ui: 'tdd', timeout: 60000, reporter: function () {} });
  for (const f of fs.readdirSync(path.join(__dirname, 'tests'))) mocha.addFile(path.join(__dirname, 'tests', f));
  const out = { passed: [], failed: [], total: 0 };
  const runner = mocha.run(() => fs.writeFileSync(${JSON.stringify(resultsFile)}, JSON.stringify(out)));
  runner.on('pass', (t) => out.passed.push(t.fullTitle()));
  runner.on('fail', (t, err) => out.failed.push({ title: t.fullTitle(), error: String(err && err.stack || err) }));
  runner.on('test end', () => out.total++);
};
`);
}

test('the extension-host suite (test/vscode) passes inside code-server\'s extension host', { timeout: 300_000 }, async () => {
  const workspace = makeWorkspace();
  const scratch = mkdtempSync(join(tmpdir(), 'kms-exthost-'));
  const resultsFile = join(scratch, 'results.json');
  const wb = await Workbench.launch({
    workspace,
    settings: { 'kmsImport.sandbox.stateDir': join(scratch, 'sandbox') },
    beforeStart: (extensionsDir) => writeRunnerExtension(join(extensionsDir, 'kms-key-import-tests.exthost-test-runner-0.0.1'), resultsFile),
  });
  try {
    await waitFor(() => existsSync(resultsFile), { what: 'the mocha run in the extension host', timeoutMs: 180_000 });
    const r: MochaResult = JSON.parse(readFileSync(resultsFile, 'utf8'));
    assert.deepEqual(r.failed, [], r.failed.map((f) => `${f.title}\n${f.error}`).join('\n\n'));
    assert.ok(r.passed.length >= 5, `only ${r.passed.length} extension-host tests ran: ${r.passed.join(', ')}`);
    assert.equal(r.total, r.passed.length);
  } catch (e) {
    await wb.dumpOnFailure('exthost-suite');
    throw e;
  } finally {
    await wb.close();
    rmSync(workspace, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
});
