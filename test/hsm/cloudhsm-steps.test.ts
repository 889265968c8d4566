// "Show CloudHSM CLI Steps" text (src/hsm/cloudhsmSteps.ts, pure): the commands of sources/004 with the
// bundle's paths and algorithm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cloudHsmCliSteps } from '../../src/hsm/cloudhsmSteps';

test('RSAES_OAEP_SHA_256 (an EC key, as in sources/004): key import pem then key wrap rsa-oaep with SHA-256', () => {
  const t = cloudHsmCliSteps({ bundleDir: '/work/kms-import/abc-2026', algorithm: 'RSAES_OAEP_SHA_256', keyLabel: 'ec-priv-import-to-kms', keyId: '1234abcd-12ab' });
  const lines = t.split('\n');
  assert.ok(lines.includes("openssl rsa -pubin -in '/work/kms-import/abc-2026/WrappingPublicKey.bin' -inform DER -outform PEM -out '/work/kms-import/abc-2026/WrappingPublicKey.pem'"));
  assert.ok(lines.includes('login --username <YourUserName> --role crypto-user'));
  assert.ok(lines.includes("key import pem --path '/work/kms-import/abc-2026/WrappingPublicKey.pem' --label kms-wrapping-key-1234abcd --key-type-class rsa-public --attributes wrap=true"));
  assert.ok(lines.includes("key wrap rsa-oaep --payload-filter attr.label=ec-priv-import-to-kms --wrapping-filter attr.label=kms-wrapping-key-1234abcd --hash-function sha256 --mgf mgf1-sha256 --path '/work/kms-import/abc-2026/EncryptedKeyMaterial.bin'"));
  assert.ok(lines.some((l) => l.startsWith('aws kms import-key-material --key-id 1234abcd-12ab --encrypted-key-material fileb:///work/kms-import/abc-2026/EncryptedKeyMaterial.bin --import-token fileb:///work/kms-import/abc-2026/ImportToken.bin')));
});

test('RSA_AES_KEY_WRAP_SHA_1: key wrap rsa-aes with sha1; quotes in paths are escaped for the shell', () => {
  const t = cloudHsmCliSteps({ bundleDir: "/tmp/it's here", algorithm: 'RSA_AES_KEY_WRAP_SHA_1' });
  assert.match(t, /key wrap rsa-aes --payload-filter attr\.label=<key-label> --wrapping-filter attr\.label=kms-wrapping-key --hash-function sha1 --mgf mgf1-sha1 --path '\/tmp\/it'\\''s here\/EncryptedKeyMaterial\.bin'/);
});

test('algorithms CloudHSM CLI cannot do for KMS are refused', () => {
  assert.throws(() => cloudHsmCliSteps({ bundleDir: '/x', algorithm: 'SM2PKE' }), /CloudHSM CLI cannot wrap for SM2PKE/);
  assert.throws(() => cloudHsmCliSteps({ bundleDir: '/x', algorithm: 'RSAES_PKCS1_V1_5' }), /cannot wrap for RSAES_PKCS1_V1_5/);
});
