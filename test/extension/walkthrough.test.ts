// The walkthrough ticks a step on its outcome (a context key the extension sets after success), never
// when a command merely starts; its import step hands the generated material to the form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8'));

test('walkthrough steps complete on outcomes, not on command starts', () => {
  const steps = pkg.contributes.walkthroughs[0].steps as Array<{ id: string; completionEvents: string[] }>;
  const events = Object.fromEntries(steps.map((s) => [s.id, s.completionEvents]));
  assert.deepEqual(events, {
    startSandbox: ['onContext:kmsImport.sandboxRunning'],
    generate: ['onContext:kmsImport.walkthrough.generated'],
    import: ['onContext:kmsImport.walkthrough.imported'],
    summary: ['onContext:kmsImport.walkthrough.summaryShown'],
  });
  const src = ['src/extension/commands/bundleCommands.ts', 'src/extension/extension.ts', 'src/extension/webviews/summaryPanel.ts'].map((f) => readFileSync(join(root, f), 'utf8')).join('\n');
  for (const key of ['kmsImport.walkthrough.generated', 'kmsImport.walkthrough.imported', 'kmsImport.walkthrough.summaryShown']) assert.ok(src.includes(`'${key}'`), `${key} is set somewhere`);
  const link = /command:kmsImport\.createKey\?([^)]+)\)/.exec(nls['walkthrough.import.description'])!;
  assert.deepEqual(JSON.parse(decodeURIComponent(link[1])), [{ useGenerated: true }]);
});
