// Test key material, as in sources/001 ("Generate key material for testing"): symmetric 32 bytes
// (16 for SM4 in China Regions), HMAC 28/32/48/64 bytes, RSA and EC private keys as PKCS#8 DER.
// EC keys (secp256k1 and SM2 included) are made from a random scalar in pure JS, so this works where
// the runtime lacks those curves. For testing and rehearsal only: production keys come from an HSM.
import * as crypto from 'node:crypto';
import * as asn1 from './asn1';
import { curveOrder } from './curves';
import { usageError } from './errors';
import { parseMaterial } from './material';
import { CURVES, KEY_SPECS, type KeySpec } from './specs';

export function generateMaterial(keySpec: KeySpec, opts: { china?: boolean } = {}): Buffer {
  const info = KEY_SPECS[keySpec];
  switch (info.kind) {
    case 'symmetric':
      return crypto.randomBytes(opts.china ? 16 : 32);
    case 'hmac':
      return crypto.randomBytes(info.materialBytes!);
    case 'rsa': {
      const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: info.modulusBits!, publicExponent: 65537 });
      return privateKey.export({ format: 'der', type: 'pkcs8' });
    }
    case 'ec': {
      const curve = info.curve!;
      const size = CURVES[curve].bytes;
      const n = curveOrder(curve);
      for (;;) {
        const d = crypto.randomBytes(size);
        if (curve === 'P-521') d[0] &= 0x01;
        const v = BigInt('0x' + d.toString('hex'));
        if (v === BigInt(0) || v >= n) {
          d.fill(0);
          continue;
        }
        const sec1 = asn1.seq(asn1.integer(1), asn1.octets(d), asn1.explicit(0, asn1.oid(CURVES[curve].oid)));
        d.fill(0);
        const m = parseMaterial(sec1);
        sec1.fill(0);
        return m.bytes;
      }
    }
    default:
      throw usageError(`${keySpec} key material cannot be generated: it is not importable.`, 'Choose SYMMETRIC_DEFAULT, HMAC_*, RSA_* or ECC_* (or SM2).');
  }
}

/** The file name sources/001 uses for each kind of test material. */
export function defaultMaterialFileName(keySpec: KeySpec): string {
  const info = KEY_SPECS[keySpec];
  if (info.kind === 'symmetric') return 'PlaintextKeyMaterial.bin';
  if (info.kind === 'hmac') return `${keySpec}_PlaintextKey.bin`;
  return `${keySpec}_PrivateKey.der`;
}
