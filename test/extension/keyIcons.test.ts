// One icon per key state in the Keys view: every state a user must tell apart has its own codicon, a
// key that cannot be used shows that whatever its material, and the material's expiry shows on an
// enabled EXTERNAL key (expired, expiring within 7 days).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyInfo } from '../../src/providers/types';
import { EXPIRING_SOON_MS, keyIcon, keyIconState } from '../../src/extension/model/keyIcons';

const now = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const key = (over: Partial<KeyInfo>): KeyInfo =>
  ({ keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', arn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', keyState: 'Enabled', origin: 'EXTERNAL', ...over }) as KeyInfo;

const cases: Array<[string, Partial<KeyInfo>, string]> = [
  ['pending import', { keyState: 'PendingImport' }, 'pending-import'],
  ['enabled, material does not expire', { expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }, 'enabled'],
  ['enabled, material expires in 30 d', { expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: new Date(now.getTime() + 30 * DAY) }, 'enabled'],
  ['enabled, material expires in 6 d', { expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: new Date(now.getTime() + 6 * DAY) }, 'expiring-soon'],
  ['material expired (ValidTo passed, state not yet updated)', { expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: new Date(now.getTime() - 1000) }, 'expired'],
  ['disabled', { keyState: 'Disabled', validTo: new Date(now.getTime() + 6 * DAY) }, 'disabled'],
  ['pending deletion', { keyState: 'PendingDeletion', validTo: new Date(now.getTime() - 1000) }, 'pending-deletion'],
  ['replica pending deletion', { keyState: 'PendingReplicaDeletion' }, 'pending-deletion'],
  ['unavailable', { keyState: 'Unavailable' }, 'unavailable'],
  ['creating', { keyState: 'Creating' }, 'changing'],
  ['an AWS_KMS key, enabled', { origin: 'AWS_KMS' }, 'enabled-kms'],
];

test('each key state maps to its icon state', () => {
  for (const [what, over, state] of cases) assert.equal(keyIconState(key(over), now), state, what);
});

test('the states a user tells apart have distinct codicons', () => {
  const byState = new Map(cases.map(([, over]) => { const i = keyIcon(key(over), now); return [i.state, i.id]; }));
  const ids = [...byState.values()];
  assert.equal(new Set(ids).size, ids.length, `shared codicons: ${[...byState].map(([s, i]) => `${s}=${i}`).join(', ')}`);
  assert.equal(byState.size, 9);
});

test('warnings and errors are colored; the boundary of "expiring soon" is 7 days', () => {
  assert.equal(keyIcon(key({ keyState: 'PendingImport' }), now).color, 'list.warningForeground');
  assert.equal(keyIcon(key({ keyState: 'PendingDeletion' }), now).color, 'list.errorForeground');
  assert.equal(keyIcon(key({ validTo: new Date(now.getTime() - 1) }), now).color, 'list.errorForeground');
  assert.equal(keyIconState(key({ validTo: new Date(now.getTime() + EXPIRING_SOON_MS) }), now), 'enabled');
  assert.equal(keyIconState(key({ validTo: new Date(now.getTime() + EXPIRING_SOON_MS - 1) }), now), 'expiring-soon');
});

test('every icon is a codicon VS Code ships and every color a theme color it defines', () => {
  // The codicon font's names (@vscode/codicons, a dev dependency: the webviews use it too).
  const css = readFileSync(join(__dirname, '..', '..', 'node_modules', '@vscode', 'codicons', 'dist', 'codicon.css'), 'utf8');
  const names = new Set([...css.matchAll(/\.codicon-([a-z0-9-]+):before/g)].map((m) => m[1]));
  assert.ok(names.size > 300);
  const colors = new Set(['list.warningForeground', 'list.errorForeground', 'disabledForeground', 'testing.iconPassed']);
  for (const [what, over] of cases) {
    const i = keyIcon(key(over), now);
    assert.match(i.id, /^[a-z]+(-[a-z]+)*$/, what);
    assert.ok(names.has(i.id), `${i.id} is not a codicon`);
    if (i.color) assert.ok(colors.has(i.color), `${i.color}`);
  }
});
