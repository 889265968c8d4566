// `npm start -- --check`: builds nothing here (the test run built dist/), installs nothing new (the tools are
// ensured before the tier), starts code-server with the extension and a sample workspace, checks that the
// workbench answers, the extension activates and its sandbox starts, prints the URL and stops everything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { root, stopProcess, waitFor } from '../../scripts/vscode-host.mjs';

test('npm start --check opens VS Code (code-server) with the extension, its sandbox and a sample workspace, then stops', { timeout: 300_000 }, async () => {
  const ws = mkdtempSync(join(tmpdir(), 'kms-start-ws-'));
  let child: ReturnType<typeof spawn> | undefined;
  try {
    child = spawn(process.execPath, [join(root, 'scripts/start.mjs'), '--check', '--workspace', ws], {
      cwd: root,
      env: { ...process.env, KMS_IMPORT_START_NO_BUILD: '1', AWS_CONFIG_FILE: join(ws, '.no-aws-config'), AWS_SHARED_CREDENTIALS_FILE: join(ws, '.no-aws-credentials') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => { out += d; });
    child.stderr!.on('data', (d) => { out += d; });
    const code = await new Promise<number | null>((r) => child!.on('exit', r));
    assert.equal(code, 0, out);
    const url = out.match(/KMS Key Import is running in VS Code: (http:\/\/127\.0\.0\.1:(\d+)\/\?folder=\S+)/);
    assert.ok(url, `no URL printed:\n${out}`);
    assert.match(out, /the "KMS Key Import" view container is in the activity bar/);
    assert.match(out, /the extension's sandbox listens on http:\/\/127\.0\.0\.1:\d+/);
    // Everything it started is gone: nothing answers on its port any more.
    const pid = out.match(/\(pid (\d+)\)/)?.[1];
    assert.ok(pid, out);
    assert.throws(() => process.kill(Number(pid), 0), /ESRCH/, `code-server (pid ${pid}) still runs`);
    await assert.rejects(fetch(`http://127.0.0.1:${url[2]}/healthz`));
    // The sample workspace: test material (private files) and the sandbox switched on.
    for (const f of ['material/aes256.bin', 'material/hmac256.bin', 'material/rsa2048.pem']) {
      assert.ok(existsSync(join(ws, f)), f);
      assert.equal(statSync(join(ws, f)).mode & 0o077, 0, `${f} is private`);
    }
    assert.equal(JSON.parse(readFileSync(join(ws, '.vscode/settings.json'), 'utf8'))['kmsImport.sandbox.autoStart'], true);
  } finally {
    // If the check hangs or the test fails early: SIGTERM lets start.mjs stop its code-server and Chromium.
    if (child && child.exitCode === null && child.signalCode === null) await stopProcess(child);
    rmSync(ws, { recursive: true, force: true });
  }
});

test('npm start serves until Ctrl-C, then stops code-server and exits 0', { timeout: 300_000 }, async () => {
  const ws = mkdtempSync(join(tmpdir(), 'kms-start-ws-'));
  const child = spawn(process.execPath, [join(root, 'scripts/start.mjs'), '--server', '--workspace', ws], {
    cwd: root,
    env: { ...process.env, KMS_IMPORT_START_NO_BUILD: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  try {
    const [, url, port] = await waitFor(() => out.match(/^\s+(http:\/\/127\.0\.0\.1:(\d+)\/\?folder=\S+)\s*$/m) ?? undefined, { what: 'the URL', timeoutMs: 180_000 });
    assert.ok((await fetch(url)).ok, 'the workbench answers while npm start runs');
    const pid = Number(out.match(/\(pid (\d+)\)/)![1]);
    child.kill('SIGINT');
    assert.equal(await exited, 0, out);
    assert.match(out, /\[start\] stopped\./);
    assert.throws(() => process.kill(pid, 0), /ESRCH/, `code-server (pid ${pid}) still runs`);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`));
  } finally {
    if (child.exitCode === null && child.signalCode === null) await stopProcess(child);
    rmSync(ws, { recursive: true, force: true });
  }
});
