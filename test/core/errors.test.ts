// isKmsImportError recognises refusals thrown by code from another bundle (the CLI's lazily loaded
// dist/cli-hsm.js and the extension's dist/hsm.js carry their own copy of the class), so they are shown as
// a message and a fix with their exit code, not as an unexpected error. The closed set of codes (ERROR_CODES)
// has no duplicates and holds every rule's finding code; a KMS name outside it gets the fallback code while
// users still see the service's own name; the helpers take ErrorCode, never a free string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ERROR_CODES, KmsImportError, RULE_CODES, UNKNOWN_SERVICE_ERROR, invalidInput, isErrorCode, isKmsImportError, serviceErrorCode } from '../../src/core/errors';
import { checkCompatibility } from '../../src/core/rules';
import { describeFailure } from '../../src/flow/failure';
import { makeProviderError } from '../../src/providers/types';

test('a KmsImportError from another copy of the class is still one; look-alikes are not', () => {
  class OtherCopy extends Error {
    constructor(readonly kind: string, readonly code: string, message: string, readonly fix: string) {
      super(message);
      this.name = 'KmsImportError';
    }
  }
  assert.equal(isKmsImportError(invalidInput('EMPTY_FILE', 'm', 'f')), true);
  assert.equal(isKmsImportError(new OtherCopy('invalid-input', 'HSM_PIN_INCORRECT', 'The PIN is wrong.', 'Give the PIN.')), true);
  assert.equal(new OtherCopy('invalid-input', 'C', 'm', 'f') instanceof KmsImportError, false);
  assert.equal(isKmsImportError(Object.assign(new Error('x'), { name: 'KmsImportError' })), false);
  assert.equal(isKmsImportError({ name: 'KmsImportError', kind: 'usage', code: 'c', fix: 'f', message: 'm' }), false);
  assert.equal(isKmsImportError(null), false);
  assert.equal(isKmsImportError(new TypeError('x')), false);
});

test('the closed set of codes: no duplicates, every rule finding code in it, unknown KMS names fall back', () => {
  assert.equal(new Set(ERROR_CODES).size, ERROR_CODES.length, `duplicates: ${ERROR_CODES.filter((c, i) => ERROR_CODES.indexOf(c) !== i).join(', ')}`);
  // Every finding code the rules can produce (read from the rules' source, so a new rule is covered too).
  const rules = readFileSync(path.join(__dirname, '../../src/core/rules.ts'), 'utf8');
  const ruleCodes = [...rules.matchAll(/\bf\(\s*'(?:error|warning|info)',\s*'([A-Za-z0-9_]+)'/g)].map((m) => m[1]);
  assert.ok(ruleCodes.length >= 30, `found ${ruleCodes.length} rule codes`);
  for (const c of ruleCodes) assert.ok((RULE_CODES as readonly string[]).includes(c) && isErrorCode(c), `rule code ${c} is not in RULE_CODES/ERROR_CODES`);
  // And the ones the rules actually return for a few inputs.
  for (const provider of ['aws', 'aws-cn', 'huawei'] as const) {
    for (const f of checkCompatibility({ provider, keySpec: 'RSA_2048', wrappingKeySpec: 'RSA_2048', algorithm: 'RSAES_OAEP_SHA_1' })) assert.ok(isErrorCode(f.code), f.code);
  }
  assert.equal(serviceErrorCode('ExpiredImportTokenException'), 'ExpiredImportTokenException');
  assert.equal(serviceErrorCode('KMS.2601'), 'KMS.2601');
  assert.equal(serviceErrorCode('SomethingNewException'), UNKNOWN_SERVICE_ERROR);
  assert.equal(isErrorCode('SomethingNewException'), false);
});

test('a provider error with an unknown service name: code is the fallback, the name is kept for what users see', () => {
  const e = makeProviderError({ name: 'SomethingNewException', message: 'new', cause: 'It failed.', action: 'Try again.', nextStep: 'none', retryable: false });
  assert.equal(e.code, UNKNOWN_SERVICE_ERROR);
  assert.equal(e.info.name, 'SomethingNewException');
  assert.equal(describeFailure(e).code, 'SomethingNewException');
  const known = makeProviderError({ name: 'ExpiredImportTokenException', message: '', cause: 'Expired.', action: 'Download.', nextStep: 'download-parameters', retryable: false });
  assert.equal(known.code, 'ExpiredImportTokenException');
});

test('no exported helper of src/core/errors.ts takes a free-form code: string', () => {
  const src = readFileSync(path.join(__dirname, '../../src/core/errors.ts'), 'utf8');
  assert.doesNotMatch(src, /\bcode\??:\s*string\b/);
  assert.match(src, /readonly code: ErrorCode/);
  for (const helper of ['invalidInput', 'incompatible']) assert.match(src, new RegExp(`export const ${helper} = \\(code: ErrorCode,`));
});
