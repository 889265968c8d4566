// isKmsImportError recognises refusals thrown by code from another bundle (the CLI's lazily loaded
// dist/cli-hsm.js and the extension's dist/hsm.js carry their own copy of the class), so they are shown as
// a message and a fix with their exit code, not as an unexpected error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KmsImportError, invalidInput, isKmsImportError } from '../../src/core/errors';

test('a KmsImportError from another copy of the class is still one; look-alikes are not', () => {
  class OtherCopy extends Error {
    constructor(readonly kind: string, readonly code: string, message: string, readonly fix: string) {
      super(message);
      this.name = 'KmsImportError';
    }
  }
  assert.equal(isKmsImportError(invalidInput('X', 'm', 'f')), true);
  assert.equal(isKmsImportError(new OtherCopy('invalid-input', 'HSM_PIN_INCORRECT', 'The PIN is wrong.', 'Give the PIN.')), true);
  assert.equal(new OtherCopy('invalid-input', 'C', 'm', 'f') instanceof KmsImportError, false);
  assert.equal(isKmsImportError(Object.assign(new Error('x'), { name: 'KmsImportError' })), false);
  assert.equal(isKmsImportError({ name: 'KmsImportError', kind: 'usage', code: 'c', fix: 'f', message: 'm' }), false);
  assert.equal(isKmsImportError(null), false);
  assert.equal(isKmsImportError(new TypeError('x')), false);
});
