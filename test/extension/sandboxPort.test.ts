// The sandbox keeps its port across reloads: the setting wins, else the remembered port, else a free one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { portOf, sandboxPortPlan } from '../../src/extension/model/sandboxPort';

test('port plan: setting, else remembered then free, else free', () => {
  assert.deepEqual(sandboxPortPlan(4566, 51234), [4566]);
  assert.deepEqual(sandboxPortPlan(0, 51234), [51234, 0]);
  assert.deepEqual(sandboxPortPlan(0, undefined), [0]);
  assert.deepEqual(sandboxPortPlan(0, 80), [0], 'a privileged port is not reused');
  assert.equal(portOf('http://127.0.0.1:51234'), 51234);
  assert.equal(portOf('http://127.0.0.1:51234/'), 51234);
});
