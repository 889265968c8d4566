// The PKCS#11 binding (src/hsm/pkcs11.ts over koffi) cross-checked with OpenSC's pkcs11-tool on the same
// SoftHSM2 token: keys pkcs11-tool makes are found and described by this tool, the HMAC this tool has the
// HSM compute equals pkcs11-tool's, and the public keys this tool reads (SPKI from CKA_MODULUS /
// CKA_EC_POINT) equal the ones pkcs11-tool exports.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { hsmHmac } from '../../src/hsm/proof';
import { openHsmKey, type HsmKeySession } from '../../src/hsm/session';
import { tempDir } from '../support/openssl';
import { startSoftHsm, type SoftHsm } from '../support/softhsm';

const tmp = tempDir('kms-import-binding-');
let hsm: SoftHsm;
before(() => {
  hsm = startSoftHsm();
});
after(() => {
  hsm.cleanup();
  tmp.cleanup();
});

const tool = (args: string[]) => execFileSync('pkcs11-tool', ['--module', hsm.module, '--token-label', hsm.label, '--login', '--pin', hsm.pin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
function withKey<T>(idHex: string, f: (s: HsmKeySession) => T): T {
  const s = openHsmKey({ module: hsm.module, token: hsm.label, pin: Buffer.from(hsm.pin), keyIdHex: idHex });
  try {
    return f(s);
  } finally {
    s.close();
  }
}

test('a generic secret made by pkcs11-tool: described as HMAC_256, and the HSM HMAC equals pkcs11-tool --sign -m SHA256-HMAC', () => {
  tool(['--keygen', '--key-type', 'GENERIC:32', '--label', 'pt-hmac', '--id', '11', '--extractable']);
  const msg = tmp.write('msg', 'a message to authenticate');
  tool(['--sign', '-m', 'SHA256-HMAC', '--id', '11', '-i', msg, '-o', tmp.path('mac')]);
  const theirs = readFileSync(tmp.path('mac'));
  const ours = withKey('11', (s) => {
    assert.equal(s.facts.keySpec, 'HMAC_256');
    assert.equal(s.facts.extractable, true);
    return hsmHmac(s, 'HMAC_256', readFileSync(msg));
  });
  assert.equal(ours.length, 32);
  assert.deepEqual(ours, theirs);
  writeFileSync(msg, 'another message');
  assert.notDeepEqual(withKey('11', (s) => hsmHmac(s, 'HMAC_256', readFileSync(msg))), theirs);
});

for (const c of [
  { id: '12', type: 'EC:prime256v1', spec: 'ECC_NIST_P256' },
  { id: '13', type: 'rsa:2048', spec: 'RSA_2048' },
]) {
  test(`a ${c.type} key pair made by pkcs11-tool: the SPKI read here equals pkcs11-tool --read-object --type pubkey`, () => {
    tool(['--keypairgen', '--key-type', c.type, '--label', `pt-${c.id}`, '--id', c.id]);
    tool(['--read-object', '--type', 'pubkey', '--id', c.id, '-o', tmp.path(`pub-${c.id}.der`)]);
    const theirs = readFileSync(tmp.path(`pub-${c.id}.der`));
    const facts = withKey(c.id, (s) => s.facts);
    assert.equal(facts.keySpec, c.spec);
    assert.deepEqual(facts.publicKeySpki, theirs);
  });
}
