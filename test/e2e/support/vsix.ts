// The packaged extension, built once per test run with @vscode/vsce (the same flags as `npm run package`) and
// shared by the e2e test files of that run (a directory lock keeps two files from packing at once).
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { root, packageVsix, waitFor } from '../../../scripts/vscode-host.mjs';

export const repoRoot: string = root;

let cached: Promise<string> | undefined;

/** Path of the .vsix for this test run (packs it on first call). */
export function buildVsix(): Promise<string> {
  cached ??= pack();
  return cached;
}

async function pack(): Promise<string> {
  // Files run by one `node --test` share its pid as their parent: one .vsix per run.
  const dir = join(root, '.test-output', 'e2e', `run-${process.ppid}`);
  const vsix = join(dir, 'kms-key-import.vsix');
  const lock = join(dir, 'lock');
  mkdirSync(dir, { recursive: true });
  await waitFor(() => {
    if (existsSync(vsix)) return true;
    try { mkdirSync(lock); return true; } catch { return false; }
  }, { timeoutMs: 180_000, intervalMs: 250, what: 'the .vsix lock' });
  if (existsSync(vsix)) return vsix;
  try {
    if (!existsSync(join(root, 'dist', 'extension.js'))) {
      const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
      if (r.status !== 0) throw new Error('the build failed');
    }
    const tmp = `${vsix}.tmp.vsix`;
    packageVsix(tmp, { build: false });
    // rename is atomic: the other file sees the .vsix only once it is complete
    (await import('node:fs')).renameSync(tmp, vsix);
    if (!statSync(vsix).size) throw new Error('vsce wrote an empty .vsix');
    return vsix;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
