// Extension-host tests (mocha, tdd UI) run by @vscode/test-cli in desktop VS Code: `npm run test:vscode`.
// See .vscode-test.mjs. Plain JavaScript so that no compile step stands between the sources and the run.
const assert = require('node:assert/strict');
const vscode = require('vscode');

const EXTENSION_ID = 'kms-key-import.kms-key-import';

function extension() {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in this VS Code`);
  return ext;
}

async function waitFor(fn, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100)); // poll interval
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = require('node:net').createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

suite('KMS Key Import in the extension host', () => {
  suiteSetup(async () => {
    await extension().activate();
  });

  test('activates', () => {
    assert.equal(extension().isActive, true);
  });

  test('every contributed command is registered, and every registered kmsImport command is contributed', async () => {
    const pj = extension().packageJSON.contributes;
    const contributed = new Set((pj.commands ?? []).map((c) => c.command));
    // VS Code itself registers <viewId>.focus/.open/… for every contributed view: not the extension's commands.
    const viewIds = Object.values(pj.views ?? {}).flat().map((v) => v.id);
    const registered = new Set((await vscode.commands.getCommands(true)).filter((c) => c.startsWith('kmsImport.') && !viewIds.some((v) => c.startsWith(`${v}.`))));
    const notRegistered = [...contributed].filter((c) => !registered.has(c));
    const notContributed = [...registered].filter((c) => !contributed.has(c));
    assert.deepEqual(notRegistered, [], `contributed but not registered: ${notRegistered.join(', ')}`);
    assert.deepEqual(notContributed, [], `registered but not contributed: ${notContributed.join(', ')}`);
  });

  test('every command has the "KMS Import" category and an icon or a palette rule', () => {
    const pj = extension().packageJSON.contributes;
    const hidden = new Set((pj.menus?.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command));
    for (const c of pj.commands) {
      assert.equal(c.category, 'KMS Import', `${c.command} has category ${c.category}`);
      if (!hidden.has(c.command)) assert.ok(typeof c.title === 'string' && c.title.length > 0, `${c.command} has no title`);
    }
  });

  test('the Sandbox starts and stops from its commands', async () => {
    const port = await freePort();
    const config = vscode.workspace.getConfiguration('kmsImport');
    await config.update('sandbox.port', port, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('kmsImport.startSandbox');
      const endpoint = `http://127.0.0.1:${port}/`;
      const listKeys = () => fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' }, body: '{}' });
      const res = await waitFor(() => listKeys().catch(() => undefined), `the sandbox on ${endpoint}`);
      // Unsigned: the sandbox must refuse it the way KMS does.
      assert.ok(res.status >= 400 && res.status < 500, `unsigned request answered ${res.status}`);
      await vscode.commands.executeCommand('kmsImport.stopSandbox');
      await waitFor(async () => !(await listKeys().then(() => true, () => false)), 'the sandbox to stop');
    } finally {
      await config.update('sandbox.port', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('node:crypto primitives the extension relies on exist in this runtime', () => {
    const crypto = require('node:crypto');
    // RSA-OAEP-SHA256 and AES-ECB (RFC 5649 KWP is built on AES-ECB, never on id-aes*-wrap-pad).
    const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const secret = crypto.randomBytes(32);
    const ct = crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, secret);
    assert.deepEqual(crypto.privateDecrypt({ key: privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, ct), secret);
    const c = crypto.createCipheriv('aes-256-ecb', crypto.randomBytes(32), null);
    c.setAutoPadding(false);
    assert.equal(Buffer.concat([c.update(Buffer.alloc(16)), c.final()]).length, 16);
  });
});
