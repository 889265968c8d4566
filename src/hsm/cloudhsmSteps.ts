// "Show CloudHSM CLI Steps": the commands of sources/004 (How to migrate asymmetric keys from CloudHSM to
// AWS KMS) filled in with one bundle's paths and algorithm. Pure: the text only, no I/O.
//
// Values follow the CloudHSM CLI reference for `key wrap rsa-oaep` / `key wrap rsa-aes`: --hash-function
// takes sha1|sha224|sha256|sha384|sha512 and --mgf mgf1-sha1|…|mgf1-sha512 (the blog post writes
// "SHA-256", which the CLI's option list does not show). `key import pem` gets `--attributes wrap=true`,
// the attribute the post's output shows ("wrap": true). Paths are single-quoted for a POSIX shell.
import { incompatible } from '../core/errors';
import { WRAPPING_ALGORITHMS, type WrappingAlgorithm } from '../core/specs';

export interface CloudHsmStepsInput {
  /** The bundle folder (holds WrappingPublicKey.bin). */
  bundleDir: string;
  algorithm: WrappingAlgorithm;
  /** The label of the key in CloudHSM to wrap (a placeholder when unknown). */
  keyLabel?: string;
  /** The label to give the imported wrapping key. */
  wrappingKeyLabel?: string;
  keyId?: string;
  publicKeyFile?: string;
  importTokenFile?: string;
  outFile?: string;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const join = (dir: string, name: string) => `${dir.replace(/\/+$/, '')}/${name}`;

export function cloudHsmCliSteps(input: CloudHsmStepsInput): string {
  const alg = WRAPPING_ALGORITHMS[input.algorithm];
  if ((alg.scheme !== 'oaep' && alg.scheme !== 'rsa-aes') || !alg.hash) {
    throw incompatible('CLOUDHSM_ALGORITHM', `CloudHSM CLI cannot wrap for ${input.algorithm}.`, 'Download parameters for RSAES_OAEP_SHA_256 (EC, HMAC and AES keys) or RSA_AES_KEY_WRAP_SHA_256 (RSA keys).');
  }
  const hash = alg.hash; // sha1 | sha256
  const der = input.publicKeyFile ?? join(input.bundleDir, 'WrappingPublicKey.bin');
  const pem = der.replace(/\.bin$|\.der$/i, '') + '.pem';
  const out = input.outFile ?? join(input.bundleDir, 'EncryptedKeyMaterial.bin');
  const token = input.importTokenFile ?? join(input.bundleDir, 'ImportToken.bin');
  const keyLabel = input.keyLabel ?? '<key-label>';
  const wrapLabel = input.wrappingKeyLabel ?? `kms-wrapping-key${input.keyId ? `-${input.keyId.slice(0, 8)}` : ''}`;
  const verb = alg.scheme === 'oaep' ? 'rsa-oaep' : 'rsa-aes';
  return [
    `# CloudHSM CLI steps for ${input.algorithm} (sources/004: How to migrate asymmetric keys from CloudHSM to AWS KMS)`,
    '',
    '# 1. CloudHSM CLI imports PEM: convert the wrapping public key from DER.',
    `openssl rsa -pubin -in ${q(der)} -inform DER -outform PEM -out ${q(pem)}`,
    '',
    '# 2. Start CloudHSM CLI and log in as the crypto user who owns the key (only the owner can wrap it).',
    '/opt/cloudhsm/bin/cloudhsm-cli interactive',
    'login --username <YourUserName> --role crypto-user',
    '',
    '# 3. Import the wrapping key with the wrap attribute set.',
    `key import pem --path ${q(pem)} --label ${wrapLabel} --key-type-class rsa-public --attributes wrap=true`,
    '',
    `# 4. Wrap the key inside the HSM (${alg.scheme === 'oaep' ? 'RSA-OAEP' : 'RSA-AES: an AES key wrapped with RSA-OAEP, the key wrapped with the AES key'}; its extractable attribute must be true).`,
    `key wrap ${verb} --payload-filter attr.label=${keyLabel} --wrapping-filter attr.label=${wrapLabel} --hash-function ${hash} --mgf mgf1-${hash} --path ${q(out)}`,
    '',
    '# 5. (Optional, for the proof) export the public key of an asymmetric key.',
    `key generate-file --encoding pem --path ${q(join(input.bundleDir, 'HsmPublicKey.pem'))} --filter attr.label=${keyLabel}`,
    '',
    '# 6. Import the wrapped file as is (or: kms-import / the extension\'s Import Key Material on this bundle).',
    `aws kms import-key-material --key-id ${input.keyId ?? '<KMS KeyID>'} --encrypted-key-material fileb://${out} --import-token fileb://${token} --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE`,
    '',
  ].join('\n');
}
