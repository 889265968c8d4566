// Source guards for the AWS provider and the listing: the provider stays typed over the SDK's command
// types (no `any`, no untyped command, every call through the one typed `send`), and there is one
// listing with one cache (src/flow/listing.ts) that everything else uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const read = (rel: string) => readFileSync(join(root, rel), 'utf8');
const sources = (dir: string): string[] =>
  readdirSync(join(root, dir), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
// Comments may name what is forbidden; code may not.
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

test('the AWS provider has no `any` and no untyped command', () => {
  const files = sources('src/providers/aws');
  assert.ok(files.includes(join('src/providers/aws', 'awsProvider.ts')) && files.includes(join('src/providers/aws', 'retry.ts')) && files.includes(join('src/providers/aws', 'clientFactory.ts')));
  for (const f of files) {
    const c = code(read(f));
    assert.doesNotMatch(c, /\bas\s+any\b|:\s*any\b|<any>|\bany\[\]/, `${f}: an 'any' type`);
    assert.doesNotMatch(c, /command\s*:\s*unknown/, `${f}: an untyped command`);
    assert.doesNotMatch(c, /eslint-disable/, `${f}: a silenced lint rule`);
  }
  const provider = code(read('src/providers/aws/awsProvider.ts'));
  assert.equal(provider.match(/\.send\(command\b/g)?.length, 1, 'one place sends commands to the client');
  assert.equal(provider.match(/new \w+Command\(/g), null, 'commands are built from the typed table only');
});

test('one listing with one cache: nothing outside src/flow/listing.ts pages through ListKeys or caches listings', () => {
  const files = sources('src').filter((f) => !f.startsWith(join('src', 'sandbox')) && !f.startsWith(join('src', 'providers')));
  const listers = files.filter((f) => /\.listKeys\(/.test(code(read(f))));
  assert.deepEqual(listers, [join('src', 'flow', 'listing.ts')]);
  const definitions = files.filter((f) => /function listKeysDetailed\b|class \w*Key\w*Cache\b/.test(code(read(f))));
  assert.deepEqual(definitions, [join('src', 'flow', 'listing.ts')]);
});
