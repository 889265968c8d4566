// Which wrapping algorithm and wrapping key spec the sandbox accepts for a KMS key, as AWS documents it
// (kms-api.md §5.1, sources 000 and 001). These are the sandbox's own statement of the facts, not the
// core's rules (src/core/rules.ts): the sandbox stands in for AWS when the core is tested against it, so
// it must not share the code under test. Each refusal names the rule and what to use instead.
import type { WrappingAlgorithm } from '../core/specs';
import { kmsError, validation } from './errors';
import { isChinaRegion } from './model';

/**
 * Refused by GetParametersForImport, the first call that knows all three of the KMS key's spec, the
 * wrapping key spec and the wrapping algorithm (the key material itself is never seen before import).
 * ImportKeyMaterial applies the same check to the token's algorithm and key spec, for tokens issued
 * before this rule existed.
 */
export function checkWrappingChoice(keySpec: string, algorithm: WrappingAlgorithm, wrappingKeySpec: string, region: string): void {
  const china = isChinaRegion(region);
  if (algorithm === 'RSAES_PKCS1_V1_5') throw kmsError('UnsupportedOperationException', 'The RSAES_PKCS1_V1_5 wrapping algorithm is not supported (KMS stopped supporting it on October 10, 2023). Use RSAES_OAEP_SHA_256 or RSA_AES_KEY_WRAP_SHA_256.');
  if (wrappingKeySpec === 'SM2' || algorithm === 'SM2PKE') {
    if (!china) throw kmsError('UnsupportedOperationException', `${wrappingKeySpec === 'SM2' ? 'The SM2 wrapping key spec' : 'The SM2PKE wrapping algorithm'} is available only in the China Regions (cn-north-1, cn-northwest-1).`);
    if (wrappingKeySpec !== 'SM2' || algorithm !== 'SM2PKE') throw validation('The SM2PKE wrapping algorithm requires the SM2 wrapping key spec, and the SM2 wrapping key spec requires SM2PKE.');
  }
  if (china && algorithm.startsWith('RSA_AES_KEY_WRAP')) throw kmsError('UnsupportedOperationException', `The ${algorithm} wrapping algorithm is not supported in the China Regions. Use RSAES_OAEP_SHA_256, RSAES_OAEP_SHA_1 or SM2PKE.`);
  // Sources 000 and 001 (AWS developer guide, "Download the wrapping public key and import token"):
  //   "The following combination is NOT supported: ECC_NIST_P521 key material, the RSA_2048 public wrapping
  //    key spec, and an RSAES_OAEP_SHA_* wrapping algorithm."
  // and GetParametersForImportRequest.WrappingKeySpec (kms-api.md §5.1): "You cannot use an RSA_2048 public
  // key to directly wrap an ECC_NIST_P521 private key. Instead, use an RSA_AES wrapping algorithm or choose
  // a longer RSA public key." The rule is the service's, not arithmetic: a P-521 PKCS#8 without its public
  // key fits in RSA_2048 OAEP, so without this check the sandbox would issue the parameters and import it.
  if (keySpec === 'ECC_NIST_P521' && wrappingKeySpec === 'RSA_2048' && algorithm.startsWith('RSAES_OAEP_')) {
    throw kmsError(
      'UnsupportedOperationException',
      `ECC_NIST_P521 key material cannot be wrapped with an RSA_2048 wrapping key and ${algorithm} ("The following combination is NOT supported: ECC_NIST_P521 key material, the RSA_2048 public wrapping key spec, and an RSAES_OAEP_SHA_* wrapping algorithm."). Use WrappingKeySpec RSA_3072 or RSA_4096, or an RSA_AES_KEY_WRAP_SHA_* wrapping algorithm.`,
    );
  }
}
