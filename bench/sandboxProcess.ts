// A sandbox in its own process (as KMS would be), so that the client's CPU (SigV4 signing, parsing) and
// the server's do not share one event loop. Shared by the sandbox and listing benchmarks.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export interface SandboxProcess {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

/** Starts `startSandbox(options)` in a child process; resolves once it listens (and, if asked, its wrapping-key pools are full). */
export async function startSandboxProcess(options: Record<string, unknown>, waitForPools: Array<[bits: number, size: number]> = []): Promise<SandboxProcess> {
  const script = `const { startSandbox, waitForPool } = require('./src/sandbox/index');
startSandbox(${JSON.stringify(options)}).then(async (s) => {
  await Promise.all(${JSON.stringify(waitForPools)}.map(([bits, size]) => waitForPool(bits, size)));
  process.stdout.write(JSON.stringify({ endpoint: s.endpoint, region: s.region, credentials: s.credentials }) + '\\n');
  process.stdin.on('end', () => s.close().then(() => process.exit(0)));
  process.stdin.resume();
});`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: path.join(__dirname, '..'), stdio: ['pipe', 'pipe', 'inherit'] });
  const info = await new Promise<Omit<SandboxProcess, 'close'>>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited (${code})`)));
  });
  return {
    ...info,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}
