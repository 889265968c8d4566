// The explorer's import asks for the expiration like the form: a re-import preselects the key's current
// expiration model and starts the date box at its ValidTo; a new key, "does not expire" and 90 days.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expirationPickPlan, validToProblem } from '../../src/extension/model/expirationPick';

const now = new Date('2026-03-01T12:00:00Z');

test('a key whose material expires: "expires" first (preselected, marked current), its ValidTo in the box', () => {
  const p = expirationPickPlan({ expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: new Date('2026-05-20T00:00:00Z') }, now);
  assert.deepEqual(p.order, ['KEY_MATERIAL_EXPIRES', 'KEY_MATERIAL_DOES_NOT_EXPIRE']);
  assert.equal(p.current, 'KEY_MATERIAL_EXPIRES');
  assert.equal(p.validTo, '2026-05-20');
});

test('a key whose material does not expire keeps that first', () => {
  const p = expirationPickPlan({ expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }, now);
  assert.deepEqual(p.order, ['KEY_MATERIAL_DOES_NOT_EXPIRE', 'KEY_MATERIAL_EXPIRES']);
  assert.equal(p.current, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
});

test('a pending-import key (no model yet) or an unknown one: "does not expire" first, nothing marked current, the 90-day default', () => {
  for (const key of [{}, undefined]) {
    const p = expirationPickPlan(key, now);
    assert.deepEqual(p.order, ['KEY_MATERIAL_DOES_NOT_EXPIRE', 'KEY_MATERIAL_EXPIRES']);
    assert.equal(p.current, undefined);
    assert.equal(p.validTo, '2026-05-30');
  }
});

test('a ValidTo already past gets the default; the box accepts tomorrow … 365 days only', () => {
  const p = expirationPickPlan({ expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: new Date('2026-02-01T00:00:00Z') }, now);
  assert.equal(p.order[0], 'KEY_MATERIAL_EXPIRES');
  assert.equal(p.validTo, '2026-05-30');
  assert.equal(validToProblem('2026-03-02', p), undefined);
  assert.equal(validToProblem(p.max, p), undefined);
  assert.equal(validToProblem('2026-03-01', p), 'range');
  assert.equal(validToProblem('2027-03-02', p), 'range');
  assert.equal(validToProblem('2026-3-2', p), 'format');
});
