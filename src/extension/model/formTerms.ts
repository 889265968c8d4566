// What the import form offers and says per provider, without vscode or the DOM. For Huawei Cloud KMS:
// only Huawei's key specs (by Huawei's names: AES_256, RSA_*, EC_P256, EC_P384), Huawei's usages, its one
// RSA_2048 wrapping key, its algorithms (the two-part form of a private key named as Huawei describes it),
// "never expires" or an expiration_time, and no AWS-only control (ImportType, rotation, multi-Region) or
// AWS wording (KMS key ARN, ValidTo, origin EXTERNAL) where Huawei's words differ. AWS is unchanged.
import { RULE_SETS, type Finding, type ProviderId } from '../../core/rules';
import { IMPORTABLE_KEY_SPECS, KEY_SPECS, type KeySpec, type KeyUsage, type WrappingAlgorithm, type WrappingKeySpec } from '../../core/specs';
import { providerAlgorithmLabel, providerSpecName, type FormTerms } from '../../protocol/form';

export function formTerms(provider: ProviderId): FormTerms {
  if (provider === 'huawei') {
    return {
      providerLabel: RULE_SETS.huawei.label,
      keyIdName: 'Key ID',
      expiryName: 'Expiration time',
      neverExpires: 'Key material never expires',
      expiresOn: 'Key material expires on (expiration_time)',
      importType: false,
      wrappingKeySpecFixed: true,
      wrappingKeySpecNote: 'Huawei Cloud KMS hands out an RSA_2048 wrapping key with every import token.',
      noKeys: 'No external keys pending import here: create a new key',
      aliasPlaceholder: 'optional key_alias, e.g. my-imported-key (one is generated if empty)',
    };
  }
  return {
    providerLabel: RULE_SETS[provider].label,
    keyIdName: 'Key ARN',
    expiryName: 'ValidTo',
    neverExpires: 'Does not expire',
    expiresOn: 'Expires at ValidTo',
    importType: true,
    wrappingKeySpecFixed: false,
    noKeys: 'No EXTERNAL keys here: create a new key',
    aliasPlaceholder: 'optional, e.g. my-imported-key',
  };
}

/** The key specs a new key can have: every importable one for AWS (refused ones shown with the reason); Huawei's own only. */
export function offeredKeySpecs(provider: ProviderId): KeySpec[] {
  if (provider !== 'huawei') return IMPORTABLE_KEY_SPECS;
  const r = RULE_SETS.huawei;
  return IMPORTABLE_KEY_SPECS.filter((s) => r.keySpecs.includes(s) || r.newerKeySpecs?.includes(s));
}

/** Key usages of a key spec under the provider (Huawei: encrypt/decrypt and sign/verify only; EC keys sign). */
export function offeredUsages(provider: ProviderId, spec: KeySpec): KeyUsage[] {
  const all = KEY_SPECS[spec].usages;
  return provider === 'huawei' ? all.filter((u) => u === 'ENCRYPT_DECRYPT' || u === 'SIGN_VERIFY') : all;
}

/** Wrapping key specs and algorithms the form lists: all for AWS (refused ones disabled with the reason), the provider's own for Huawei. */
export function offeredWrapping(provider: ProviderId, all: { specs: WrappingKeySpec[]; algorithms: WrappingAlgorithm[] }): { specs: WrappingKeySpec[]; algorithms: WrappingAlgorithm[] } {
  if (provider !== 'huawei') return all;
  return { specs: RULE_SETS.huawei.wrappingKeySpecs, algorithms: RULE_SETS.huawei.algorithms };
}

/** What the chosen file is, in the provider's words (Huawei: 32 raw bytes fit AES_256 only — it has no HMAC keys). */
export function materialInProviderWords(provider: ProviderId, description: string): string {
  if (provider !== 'huawei') return description;
  return inProviderWords(provider, description.replace(/\bsymmetric \(AES-256\) or HMAC_256\b/g, 'AES_256'));
}

/** Huawei's names in a text written with AWS's: key spec names, "KMS key", origin EXTERNAL, ValidTo. */
export function inProviderWords(provider: ProviderId, text: string): string {
  if (provider !== 'huawei') return text;
  return text
    .replace(/\b(SYMMETRIC_DEFAULT|ECC_NIST_P256|ECC_NIST_P384)\b/g, (s) => providerSpecName(provider, s))
    // Curves Huawei has no key spec for, named by their curve.
    .replace(/\bECC_NIST_P521\b/g, 'EC P-521')
    .replace(/\bECC_SECG_P256K1\b/g, 'EC secp256k1')
    .replace(/\s*\(RSA_AES_KEY_WRAP_SHA_256 here\)/g, '')
    .replace(/\bRSA_AES_KEY_WRAP_SHA_256\b/g, 'the two-part wrapping')
    .replace(/\bthe KMS key\b/g, 'the key')
    .replace(/\bKMS key\b/g, 'key')
    .replace(/\borigin EXTERNAL\b/g, 'origin external')
    .replace(/\bValidTo\b/g, 'expiration time')
    // The proof's calls by Huawei's API names.
    .replace(/\bGetPublicKey\b/g, 'get-publickey')
    .replace(/\bEncrypt\/Decrypt\b/g, 'encrypt-data / decrypt-data');
}

/** A finding in the provider's words (code and source unchanged). */
export function findingInProviderWords<F extends Finding>(provider: ProviderId, f: F): F {
  return provider === 'huawei' ? { ...f, message: inProviderWords(provider, f.message), fix: inProviderWords(provider, f.fix) } : f;
}

/** An option label for people: the provider's spec or algorithm name. */
export const specLabel = (provider: ProviderId, spec: string): string => providerSpecName(provider, spec);
export const algorithmLabel = (provider: ProviderId, algorithm: string): string => providerAlgorithmLabel(provider, algorithm);

/** The alias a new key is created with: AWS's "alias/<name>"; Huawei's key_alias is the bare name. */
export function aliasFor(provider: ProviderId, alias: string | undefined): string | undefined {
  const name = alias?.trim().replace(/^alias\//, '');
  if (!name) return undefined;
  return provider === 'huawei' ? name : `alias/${name}`;
}
