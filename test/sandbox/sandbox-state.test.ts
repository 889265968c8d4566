// State folder hygiene: a --state folder open to others (0777) is tightened to 0700 before any secret is
// written into it, and temporary files of atomic writes left by a killed process are removed at start
// (those of a live process are kept).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ListKeysCommand } from '@aws-sdk/client-kms';
import { startTestSandbox } from '../support/sandbox';

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('state folder hygiene', () => {
  test('an existing state folder with mode 0777 is tightened to 0700 (and says so in the log)', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-state-'));
    try {
      const dir = path.join(base, 'open');
      fs.mkdirSync(dir);
      fs.chmodSync(dir, 0o777);
      const lines: string[] = [];
      const t = await startTestSandbox({ stateDir: dir, wrappingKeyPool: 0, log: (l) => lines.push(l) });
      try {
        assert.equal(mode(dir).toString(8), '700');
        assert.ok(lines.some((l) => l.includes('had mode 777; changed to 700')), lines.join('\n'));
        for (const f of ['master.key', 'credentials.json']) assert.equal(mode(path.join(dir, f)).toString(8), '600', f);
        assert.ok((await t.kms.send(new ListKeysCommand({}))).Keys);
      } finally {
        await t.close();
      }
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });

  test('temporary files left by a killed process are removed at start; a live process’s are kept', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-state-'));
    try {
      const first = await startTestSandbox({ stateDir: dir, wrappingKeyPool: 0 });
      await first.close();
      const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
      const stale = [`state.json.${dead}.0a1b2c3d4e5f.tmp`, `credentials.json.${dead}.00ff00ff00ff.tmp`, `master.key.${dead}.123456abcdef.tmp`];
      const live = `state.json.${process.ppid}.abcdefabcdef.tmp`;
      const unrelated = 'notes.txt';
      for (const f of [...stale, live, unrelated]) fs.writeFileSync(path.join(dir, f), '{"half":', { mode: 0o600 });
      const lines: string[] = [];
      const again = await startTestSandbox({ stateDir: dir, wrappingKeyPool: 0, log: (l) => lines.push(l) });
      try {
        const left = fs.readdirSync(dir);
        for (const f of stale) assert.ok(!left.includes(f), `${f} should be gone`);
        assert.ok(left.includes(live), 'the live process’s temp file is kept');
        assert.ok(left.includes(unrelated));
        assert.ok(lines.some((l) => l.includes(`left by process ${dead}`)));
      } finally {
        await again.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
