// Preload (node --import) that makes node:crypto behave like BoringSSL in VS Code desktop's Electron
// for the gaps that matter here: no AES key-wrap ciphers (id-aes*-wrap, id-aes*-wrap-pad), no SM4,
// no secp256k1 or SM2 curves, no SM3 hash. Code under test that depends on them fails, as it would in VS Code.
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';

const badCipher = (name) => /wrap|sm4/i.test(String(name));
const badHash = (name) => /sm3/i.test(String(name ?? ''));
const badCurve = (name) => /secp256k1|sm2/i.test(String(name ?? ''));
const unsupported = (what) => Object.assign(new Error(`Unsupported (BoringSSL simulation): ${what}`), { code: 'ERR_CRYPTO_UNKNOWN_CIPHER' });

function checkKey(key) {
  if (key && key.asymmetricKeyType === 'sm2') throw unsupported('SM2 key');
  if (key && key.asymmetricKeyType === 'ec' && badCurve(key.asymmetricKeyDetails?.namedCurve)) throw unsupported(`curve ${key.asymmetricKeyDetails.namedCurve}`);
  return key;
}

const orig = {
  createCipheriv: crypto.createCipheriv,
  createDecipheriv: crypto.createDecipheriv,
  getCiphers: crypto.getCiphers,
  getCurves: crypto.getCurves,
  createPrivateKey: crypto.createPrivateKey,
  createPublicKey: crypto.createPublicKey,
  generateKeyPairSync: crypto.generateKeyPairSync,
  generateKeyPair: crypto.generateKeyPair,
  createECDH: crypto.createECDH,
  createHash: crypto.createHash,
  createHmac: crypto.createHmac,
  getHashes: crypto.getHashes,
};
crypto.createCipheriv = function (name, ...rest) { if (badCipher(name)) throw unsupported(`cipher ${name}`); return orig.createCipheriv.call(this, name, ...rest); };
crypto.createDecipheriv = function (name, ...rest) { if (badCipher(name)) throw unsupported(`cipher ${name}`); return orig.createDecipheriv.call(this, name, ...rest); };
crypto.getCiphers = () => orig.getCiphers().filter((c) => !badCipher(c));
crypto.getCurves = () => orig.getCurves().filter((c) => !badCurve(c));
crypto.createPrivateKey = (...a) => checkKey(orig.createPrivateKey(...a));
crypto.createPublicKey = (...a) => checkKey(orig.createPublicKey(...a));
crypto.generateKeyPairSync = (type, o) => { if (type === 'sm2' || badCurve(o?.namedCurve)) throw unsupported(`curve ${o?.namedCurve ?? type}`); return orig.generateKeyPairSync(type, o); };
crypto.generateKeyPair = (type, o, cb) => { if (type === 'sm2' || badCurve(o?.namedCurve)) { process.nextTick(cb, unsupported(`curve ${o?.namedCurve ?? type}`)); return; } return orig.generateKeyPair(type, o, cb); };
crypto.createECDH = (name) => { if (badCurve(name)) throw unsupported(`curve ${name}`); return orig.createECDH(name); };
crypto.createHash = function (name, ...rest) { if (badHash(name)) throw unsupported(`hash ${name}`); return orig.createHash.call(this, name, ...rest); };
crypto.createHmac = function (name, ...rest) { if (badHash(name)) throw unsupported(`hash ${name}`); return orig.createHmac.call(this, name, ...rest); };
crypto.getHashes = () => orig.getHashes().filter((h) => !badHash(h));
syncBuiltinESMExports();
globalThis.__KMS_IMPORT_BORINGSSL_SIMULATION__ = true;
