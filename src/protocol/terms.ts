// Provider words shared by the form and the summary (host and webview): Huawei Cloud KMS's names for key
// specs, for its two-part wrapping of private keys, for key states and for the proof's calls. Pure and
// browser-safe; AWS names pass through unchanged.

/** The provider's own name of a key spec (Huawei: AES_256, EC_P256, EC_P384; the others as named). */
export function providerSpecName(provider: string, spec: string): string {
  if (provider !== 'huawei') return spec;
  return ({ SYMMETRIC_DEFAULT: 'AES_256', ECC_NIST_P256: 'EC_P256', ECC_NIST_P384: 'EC_P384' } as Record<string, string>)[spec] ?? spec;
}

export const HUAWEI_TWO_PART_LABEL = 'Two-part: temporary AES-256 key (RSAES_OAEP_SHA_256) + private key (RFC 5649)';

/** How a wrapping algorithm reads for the provider: Huawei's two-part form of a private key is named as Huawei describes it. */
export function providerAlgorithmLabel(provider: string, algorithm: string): string {
  if (provider === 'huawei' && algorithm === 'RSA_AES_KEY_WRAP_SHA_256') return HUAWEI_TWO_PART_LABEL;
  return algorithm;
}

/** Huawei's console words for key states (AWS's state names are shown as they are). */
export function providerStateName(provider: string, state: string): string {
  if (provider !== 'huawei') return state;
  return ({ PendingImport: 'Pending import', PendingDeletion: 'Pending deletion', Enabled: 'Enabled', Disabled: 'Disabled', Creating: 'To be activated' } as Record<string, string>)[state] ?? state;
}

/** What a proof method did, in the provider's API words. */
export function proofMethodLabel(provider: string, method: string): string {
  if (provider === 'huawei') {
    return ({ 'round-trip': 'encrypt-data / decrypt-data round trip', 'public-key': 'get-publickey equals the local public key', 'not-run': 'not run' } as Record<string, string>)[method] ?? method;
  }
  return method;
}
