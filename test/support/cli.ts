// Runs the built CLI (dist/cli.js through bin/kms-import.js) as a user would.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'kms-import.js');

/** `timeoutMs`: the CLI is killed after that long (status -1), so a hang fails the test instead of blocking it. */
export function runCli(args: string[], opts: { env?: Record<string, string>; cwd?: string; input?: string; timeoutMs?: number } = {}): { status: number; stdout: string; stderr: string } {
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` (npm test builds first)');
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...opts.env }, cwd: opts.cwd, input: opts.input, maxBuffer: 64 * 1024 * 1024, timeout: opts.timeoutMs, killSignal: 'SIGKILL' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * runCli without blocking this process: for commands that talk to a sandbox running in this test's own
 * process (a synchronous spawn would stop it from answering).
 */
export function runCliAsync(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` (npm test builds first)');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...opts.env }, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ status: code ?? (signal ? 128 : -1), stdout, stderr }));
  });
}
