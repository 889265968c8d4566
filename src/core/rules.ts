// The compatibility engine: (provider, key spec, wrapping key spec, algorithm, optional material)
// → findings. Every finding names its source sentence so a reader can check the rule.
import type { FindingCode, RuleCode } from './errors';
import {
  KEY_SPECS,
  WRAPPING_ALGORITHMS,
  WRAPPING_KEY_SPECS,
  oaepMaxPayload,
  pkcs1MaxPayload,
  SM2PKE_MAX_PAYLOAD,
  type KeySpec,
  type MaterialKind,
  type WrappingAlgorithm,
  type WrappingKeySpec,
  type EcCurveName,
} from './specs';

export type ProviderId = 'aws' | 'aws-cn' | 'huawei';
export const PROVIDERS: ProviderId[] = ['aws', 'aws-cn', 'huawei'];
export function isProviderId(s: string): s is ProviderId {
  return (PROVIDERS as string[]).includes(s);
}

export interface RuleSet {
  id: ProviderId;
  label: string;
  algorithms: WrappingAlgorithm[];
  wrappingKeySpecs: WrappingKeySpec[];
  symmetricBytes: number;
  symmetricName: string;
  keySpecs: KeySpec[];
  /** Key specs accepted only per newer documentation (warning). */
  newerKeySpecs?: KeySpec[];
  source: string;
}

const AWS_SPECS: KeySpec[] = ['SYMMETRIC_DEFAULT', 'HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1'];

export const RULE_SETS: Record<ProviderId, RuleSet> = {
  aws: {
    id: 'aws',
    label: 'AWS KMS (commercial Regions)',
    algorithms: ['RSA_AES_KEY_WRAP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1', 'RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1'],
    wrappingKeySpecs: ['RSA_4096', 'RSA_3072', 'RSA_2048'],
    symmetricBytes: 32,
    symmetricName: '256-bit AES key',
    keySpecs: AWS_SPECS,
    source: 'sources/000 "AWS KMS supports the following key specs for the RSA wrapping keys…"; kms-api.md §5.1',
  },
  'aws-cn': {
    id: 'aws-cn',
    label: 'AWS KMS (China Regions)',
    algorithms: ['SM2PKE', 'RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1'],
    wrappingKeySpecs: ['SM2', 'RSA_4096', 'RSA_3072', 'RSA_2048'],
    symmetricBytes: 16,
    symmetricName: '128-bit SM4 key',
    keySpecs: [...AWS_SPECS, 'SM2'],
    source: 'sources/000 "SM2 wrapping key spec (China Regions only)"; sources/001 "The RSA_AES_KEY_WRAP_SHA_256 and RSA_AES_KEY_WRAP_SHA_1 wrapping algorithms are not supported in China Regions."',
  },
  huawei: {
    id: 'huawei',
    label: 'Huawei Cloud KMS',
    algorithms: ['RSAES_OAEP_SHA_256', 'RSAES_PKCS1_V1_5', 'RSAES_OAEP_SHA_1'],
    wrappingKeySpecs: ['RSA_4096', 'RSA_3072', 'RSA_2048'],
    symmetricBytes: 32,
    symmetricName: '256-bit symmetric key',
    keySpecs: ['SYMMETRIC_DEFAULT'],
    // Huawei's key specs: RSA_2048/3072/4096, EC_P256/EC_P384 (and SM2, not wrapped here); no P-521, no secp256k1.
    newerKeySpecs: ['RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384'],
    source: 'sources/002 Huawei "You can only import 256-bit symmetric keys." and Table 1 (RSAES_OAEP_SHA_256, RSAES_PKCS1_V1_5, RSAES_OAEP_SHA_1); landscape.md "newer docs also allow RSA/EC private keys"',
  },
};

/** What the engine needs to know of a material file (never its bytes). */
export interface MaterialFacts {
  kind: MaterialKind;
  /** Length of the normalized material (raw bytes or PKCS#8 DER) that will be wrapped. */
  byteLength: number;
  keySpec?: KeySpec;
  modulusBits?: number;
  curve?: EcCurveName;
  primes?: number;
}

export interface CheckInput {
  provider: ProviderId;
  keySpec?: KeySpec;
  wrappingKeySpec?: WrappingKeySpec;
  algorithm?: WrappingAlgorithm;
  material?: MaterialFacts;
  /** The signing algorithm a proof or a Sign call will use (SM2DSA is China-only, with SM2 keys). */
  signingAlgorithm?: string;
}

export type Severity = 'error' | 'warning' | 'info';
export interface Finding {
  severity: Severity;
  code: FindingCode;
  message: string;
  fix: string;
  source: string;
}

const SRC = {
  rsaNeedsRsaAes: 'kms-api.md §5.1 "To import an RSA private key, you must use an RSA_AES wrapping algorithm."; sources/001 "RSAES_OAEP_SHA_1 is not supported for RSA private keys."',
  rsaCnSm2pke: 'sources/000 "An RSA_AES_KEY_WRAP_SHA_* wrapping algorithm is required for wrapping RSA private key material, except in China Regions, where you must use the SM2PKE wrapping algorithm."',
  p521: 'sources/000 "The following combination is NOT supported: ECC_NIST_P521 key material, the RSA_2048 public wrapping key spec, and an RSAES_OAEP_SHA_* wrapping algorithm."',
  rsaAesCn: 'sources/001 "The RSA_AES_KEY_WRAP_SHA_256 and RSA_AES_KEY_WRAP_SHA_1 wrapping algorithms are not supported in China Regions."',
  sm2Cn: 'sources/000 "SM2 wrapping key spec (China Regions only)"; "SM2PKE (China Regions only)"',
  sm2KeyCn: 'sources/001 "SM2 private keys (China Regions only)"',
  pkcs1: 'sources/000 "RSAES_PKCS1_V1_5 (Deprecated; as of October 10, 2023, AWS KMS does not support the RSAES_PKCS1_V1_5 wrapping algorithm)"',
  hmacLen: 'sources/001 "The length of your HMAC key must match the length defined by the key spec of the KMS key. For example, if the KMS key is HMAC_384, you must import a 384-bit (48-byte) key."',
  symLen: 'sources/001 "This command generates a 256-bit symmetric key (32-byte random string)… In China Regions only, you must generate a 128-bit symmetric key (16-byte random string)."',
  huaweiSym: 'sources/002 "You can only import 256-bit symmetric keys."',
  oaepLimit: 'RFC 8017 §7.1.1: OAEP carries at most k − 2·hLen − 2 bytes (landscape.md: gcloud checks modulus_bytes - 2*hash_len - 2)',
  pkcs1Limit: 'RFC 8017 §7.2.1: PKCS#1 v1.5 carries at most k − 11 bytes',
  prefer4096: 'sources/000 "RSA_4096 (preferred)… we recommend using the longest wrapping public key that is practical."',
  preferSha256: 'sources/004 "We recommend that you use the SHA-256 hashing algorithm whenever possible."',
  sha1Huawei: 'sources/002 "The RSAES_OAEP_SHA_1 encryption algorithm is no longer secure."',
  huaweiTwoPart: 'huawei-kms.md "Asymmetric import (Huawei\'s guide): a temporary 32-byte AES key, RSA-OAEP-SHA-256-wrapped into encrypted_key_material; the private key as PKCS#8 DER wrapped under it with RFC 5649"',
  ciphertextLimit: 'kms-api.md §1 ImportKeyMaterial: EncryptedKeyMaterial is a blob of 1–6144 bytes',
  sm2pkeMaterial: 'sources/000 "The following table shows the wrapping algorithms that are supported for each type of key material…": rows "128-bit SM4 key (China Regions only)", "Asymmetric RSA private key", "Asymmetric elliptic curve (ECC) private key", "Asymmetric SM2 private key (China Regions only)"; "…except in China Regions, where you must use the SM2PKE wrapping algorithm."',
  sm2WrapAsym: 'sources/000 "AWS KMS supports the following key spec for the SM2 wrapping keys used to import asymmetric key material."',
  sm2pkeFormat: 'sources/000 "SM2PKE (China Regions only) – An elliptic curve based encryption algorithm defined by OSCCA in GM/T 0003.4-2012."; sources/001 "To encrypt your key material using an SM2 public key (China Regions only), use the SM2OfflineOperationHelper class." (neither states the byte format)',
  sm2dsa: 'kms-api.md §5.6 "`SM2` key spec: China Regions only."; CreateKey KeySpec: "SM2 key pairs … (China Regions only)"; SigningAlgorithmSpec SM2DSA is the SM2 key pair\'s signing algorithm',
  twoPrimes: 'KMS RSA key specs are two-prime keys (vectors/README.md: "KMS key material itself must be two-prime")',
};

const f = (severity: Severity, code: RuleCode, message: string, fix: string, source: string): Finding => ({ severity, code, message, fix, source });

/** Runs every rule; findings are ordered errors first, then warnings, then info. */
export function checkCompatibility(input: CheckInput): Finding[] {
  const out: Finding[] = [];
  const rules = RULE_SETS[input.provider];
  const { keySpec, wrappingKeySpec, algorithm, material } = input;
  const alg = algorithm ? WRAPPING_ALGORITHMS[algorithm] : undefined;
  const spec = keySpec ? KEY_SPECS[keySpec] : undefined;
  const kind: MaterialKind | undefined = spec?.kind ?? material?.kind;
  const isChina = input.provider === 'aws-cn';

  // --- key spec ---
  if (spec) {
    if (spec.importability === 'not-importable') {
      out.push(f('error', 'KEY_SPEC_NOT_IMPORTABLE', `${spec.spec} keys cannot be created with imported key material.`, 'Choose an importable key spec (symmetric, HMAC, RSA or ECC), or let KMS generate the key (Origin AWS_KMS).', spec.source));
    } else if (spec.importability === 'unconfirmed') {
      out.push(f('warning', 'KEY_SPEC_IMPORT_UNCONFIRMED', `Whether ${spec.spec} key material can be imported is not confirmed by AWS documentation, and this tool cannot wrap it.`, 'Use a documented key spec, or try the import in a test account first.', spec.source));
    }
    if (spec.spec === 'SM2' && !isChina) {
      out.push(f('error', 'SM2_KEY_CHINA_ONLY', 'SM2 keys exist only in the AWS China Regions.', 'Choose the provider aws-cn (cn-north-1 or cn-northwest-1), or use an ECC_NIST_* key spec.', SRC.sm2KeyCn));
    }
    if (spec.importability === 'importable' && !rules.keySpecs.includes(spec.spec) && spec.spec !== 'SM2') {
      if (rules.newerKeySpecs?.includes(spec.spec)) {
        out.push(f('warning', 'KEY_SPEC_NEWER_DOCS_ONLY', `${rules.label}: older documentation allows only 256-bit symmetric keys; newer documentation also allows RSA and EC private keys.`, 'Check that your region offers asymmetric import before you rely on it.', rules.source));
      } else {
        out.push(f('error', 'KEY_SPEC_NOT_SUPPORTED_BY_PROVIDER', `${rules.label} does not import ${spec.spec} key material.`, `Use one of: ${[...rules.keySpecs, ...(rules.newerKeySpecs ?? [])].join(', ')}.`, rules.source));
      }
    }
  }

  // --- wrapping key spec and algorithm vs provider ---
  if (wrappingKeySpec && !rules.wrappingKeySpecs.includes(wrappingKeySpec)) {
    out.push(
      wrappingKeySpec === 'SM2'
        ? f('error', 'SM2_WRAPPING_CHINA_ONLY', 'The SM2 wrapping key spec is offered only in the AWS China Regions.', 'For a China Region (cn-north-1, cn-northwest-1), choose the provider aws-cn (--provider aws-cn); elsewhere use RSA_4096 (preferred), RSA_3072 or RSA_2048.', SRC.sm2Cn)
        : f('error', 'WRAPPING_KEY_SPEC_UNSUPPORTED', `${rules.label} does not offer the ${wrappingKeySpec} wrapping key spec.`, `Use one of: ${rules.wrappingKeySpecs.join(', ')}.`, rules.source),
    );
  }
  // Huawei's asymmetric import is two-part (huawei-kms.md): a temporary AES-256 key RSA-OAEP-SHA-256-wrapped, the PKCS#8
  // key under it (RFC 5649) — what RSA_AES_KEY_WRAP_SHA_256 produces; the provider sends its two parts apart.
  const huaweiTwoPart = input.provider === 'huawei' && algorithm === 'RSA_AES_KEY_WRAP_SHA_256' && (kind === 'rsa' || kind === 'ec');
  if (algorithm && !rules.algorithms.includes(algorithm) && !huaweiTwoPart) {
    if (algorithm === 'RSAES_PKCS1_V1_5') {
      out.push(f('error', 'PKCS1_V1_5_REFUSED', 'AWS KMS has refused the RSAES_PKCS1_V1_5 wrapping algorithm since October 10, 2023.', 'Download new parameters with RSAES_OAEP_SHA_256 (or RSA_AES_KEY_WRAP_SHA_256 for RSA private keys).', SRC.pkcs1));
    } else if (algorithm.startsWith('RSA_AES_KEY_WRAP') && isChina) {
      out.push(f('error', 'RSA_AES_NOT_IN_CHINA', `${algorithm} is not supported in the AWS China Regions.`, kind === 'rsa' ? 'Use the SM2 wrapping key spec with SM2PKE for RSA private keys in China Regions.' : 'Use RSAES_OAEP_SHA_256 (or SM2PKE with the SM2 wrapping key spec).', SRC.rsaAesCn));
    } else if (algorithm === 'SM2PKE') {
      out.push(f('error', 'SM2PKE_CHINA_ONLY', 'SM2PKE is offered only in the AWS China Regions.', 'For a China Region, choose the provider aws-cn (--provider aws-cn); elsewhere use RSAES_OAEP_SHA_256, or RSA_AES_KEY_WRAP_SHA_256 for RSA private keys.', SRC.sm2Cn));
    } else {
      out.push(f('error', 'ALGORITHM_NOT_OFFERED', `${rules.label} does not offer the ${algorithm} wrapping algorithm${input.provider === 'huawei' && algorithm.startsWith('RSA_AES_KEY_WRAP') ? ' for this key material (RSA_AES_KEY_WRAP_SHA_256 is its two-part form, for RSA and EC private keys only)' : ''}.`, `Use one of: ${rules.algorithms.join(', ')}.`, rules.source));
    }
  }
  if (input.provider === 'huawei' && alg && (kind === 'rsa' || kind === 'ec') && alg.scheme !== 'rsa-aes') {
    out.push(f('error', 'HUAWEI_NEEDS_TWO_PART', `Huawei Cloud KMS imports ${kind === 'rsa' ? 'RSA' : 'EC'} private keys only in its two-part form (a temporary AES-256 key wrapped with RSAES_OAEP_SHA_256, the private key wrapped under it), not with ${algorithm} alone.`, 'Use RSA_AES_KEY_WRAP_SHA_256 with the RSA_2048 wrapping key: this tool sends its two parts as Huawei asks.', SRC.huaweiTwoPart));
  }
  if (alg && wrappingKeySpec) {
    if (alg.scheme === 'sm2pke' && wrappingKeySpec !== 'SM2') {
      out.push(f('error', 'SM2PKE_NEEDS_SM2_KEY', `SM2PKE wraps with an SM2 public key, not ${wrappingKeySpec}.`, 'Download parameters with the SM2 wrapping key spec, or choose an RSA wrapping algorithm.', SRC.sm2Cn));
    }
    if (alg.scheme !== 'sm2pke' && wrappingKeySpec === 'SM2') {
      out.push(f('error', 'SM2_KEY_NEEDS_SM2PKE', `The SM2 wrapping key spec works only with SM2PKE, not ${algorithm}.`, 'Choose SM2PKE, or an RSA wrapping key spec.', SRC.sm2Cn));
    }
  }

  // --- algorithm vs material ---
  if (alg && kind === 'rsa') {
    if (isChina && alg.scheme !== 'sm2pke') {
      out.push(f('error', 'RSA_NEEDS_SM2PKE_IN_CHINA', 'In the AWS China Regions, RSA private keys must be wrapped with SM2PKE.', 'Download parameters with the SM2 wrapping key spec and SM2PKE.', SRC.rsaCnSm2pke));
    } else if (!isChina && alg.scheme !== 'rsa-aes' && input.provider !== 'huawei') {
      out.push(f('error', 'RSA_NEEDS_RSA_AES', `RSA private keys are too large for ${algorithm}: they must be wrapped with RSA_AES_KEY_WRAP_SHA_*.`, 'Download new parameters with RSA_AES_KEY_WRAP_SHA_256 (RSA_4096 wrapping key preferred).', SRC.rsaNeedsRsaAes));
    }
  }
  const isP521 = keySpec === 'ECC_NIST_P521' || material?.curve === 'P-521';
  if (isP521 && wrappingKeySpec === 'RSA_2048' && alg?.scheme === 'oaep') {
    out.push(f('error', 'P521_RSA2048_OAEP', 'ECC_NIST_P521 key material cannot be wrapped with an RSA_2048 public key and RSAES_OAEP_*.', 'Use a larger wrapping key (RSA_3072 or RSA_4096) or an RSA_AES_KEY_WRAP_SHA_* algorithm.', SRC.p521));
  }

  // --- material vs key spec ---
  if (material) {
    out.push(...materialFindings(input, rules));
  } else if (spec && (spec.kind === 'symmetric' || spec.kind === 'hmac') && alg && wrappingKeySpec && WRAPPING_KEY_SPECS[wrappingKeySpec].kind === 'rsa') {
    const len = spec.kind === 'symmetric' ? rules.symmetricBytes : spec.materialBytes!;
    out.push(...payloadFindings(len, alg.algorithm, WRAPPING_KEY_SPECS[wrappingKeySpec].bits, 'the key material'));
  }

  // --- advice ---
  if (wrappingKeySpec && wrappingKeySpec !== 'RSA_4096' && WRAPPING_KEY_SPECS[wrappingKeySpec].kind === 'rsa' && input.provider !== 'huawei') {
    out.push(f('info', 'PREFER_RSA_4096', 'RSA_4096 is the preferred wrapping key spec.', 'Choose RSA_4096 unless your HSM cannot use it.', SRC.prefer4096));
  }
  if (alg?.hash === 'sha1') {
    out.push(
      input.provider === 'huawei'
        ? f('warning', 'SHA1_INSECURE', `${algorithm} uses SHA-1, which Huawei Cloud flags as no longer secure.`, 'Use RSAES_OAEP_SHA_256 unless your HSM supports only SHA-1.', SRC.sha1Huawei)
        : f('warning', 'SHA1_WEAK', `${algorithm} uses SHA-1.`, `Prefer ${alg.scheme === 'rsa-aes' ? 'RSA_AES_KEY_WRAP_SHA_256' : 'RSAES_OAEP_SHA_256'} unless your HSM supports only SHA-1.`, SRC.preferSha256),
    );
  }
  if (alg?.scheme === 'pkcs1' && input.provider === 'huawei') {
    out.push(f('warning', 'PKCS1_LEGACY', 'RSAES_PKCS1_V1_5 is a legacy padding; Huawei offers it only for HSMs without OAEP.', 'Use RSAES_OAEP_SHA_256 if your HSM supports OAEP.', 'sources/002 "If the HSMs do not support OAEP, use RSAES_PKCS1_V1_5 to encrypt the key material."'));
  }
  if (alg?.scheme === 'sm2pke' && isChina) {
    if (kind === 'hmac') {
      out.push(f('warning', 'SM2PKE_HMAC_UNDOCUMENTED', 'AWS documents the SM2 wrapping key for asymmetric key material and 128-bit SM4 keys; HMAC keys wrapped with SM2PKE are not documented.', 'Prefer RSAES_OAEP_SHA_256 with an RSA_4096 wrapping key for HMAC keys in China Regions.', SRC.sm2WrapAsym));
    }
    out.push(f('info', 'SM2PKE_FORMAT', 'SM2PKE output is written as the GM/T 0009 DER SEQUENCE { C1x, C1y, C3, C2 }, as `openssl pkeyutl -encrypt` writes it; AWS\'s pages name GM/T 0003.4 but do not state the byte format.', "If KMS refuses the wrapped material, wrap with AWS's SM2OfflineOperationHelper and import that file.", SRC.sm2pkeFormat));
  }

  // --- signing algorithm (the proof after import, Sign) ---
  const sig = input.signingAlgorithm;
  if (sig === 'SM2DSA' && !isChina) {
    out.push(f('error', 'SM2DSA_CHINA_ONLY', 'SM2DSA signs with SM2 keys, which exist only in the AWS China Regions.', 'Choose the provider aws-cn, or an ECDSA_* signing algorithm with an ECC_NIST_* key.', SRC.sm2dsa));
  }
  if (sig === 'SM2DSA' && keySpec && keySpec !== 'SM2') {
    out.push(f('error', 'SM2DSA_NEEDS_SM2_KEY', `SM2DSA signs only with SM2 keys, not ${keySpec}.`, keySpec.startsWith('ECC_') ? 'Use an ECDSA_SHA_* signing algorithm.' : 'Use a signing algorithm of the key spec.', SRC.sm2dsa));
  }
  if (keySpec === 'SM2' && sig && sig !== 'SM2DSA') {
    out.push(f('error', 'SM2_KEY_SIGNS_WITH_SM2DSA', `SM2 keys sign with SM2DSA, not ${sig}.`, 'Use SM2DSA.', SRC.sm2dsa));
  }

  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  return dedupe(out).sort((a, b) => rank[a.severity] - rank[b.severity]);
}

function dedupe(list: Finding[]): Finding[] {
  const seen = new Set<string>();
  return list.filter((x) => (seen.has(x.code) ? false : (seen.add(x.code), true)));
}

function materialFindings(input: CheckInput, rules: RuleSet): Finding[] {
  const out: Finding[] = [];
  const m = input.material!;
  const spec = input.keySpec ? KEY_SPECS[input.keySpec] : undefined;
  const isChina = input.provider === 'aws-cn';

  if (m.kind === 'rsa' && m.primes !== undefined && m.primes !== 2) {
    out.push(f('error', 'RSA_MULTI_PRIME', `The RSA private key has ${m.primes} primes; KMS takes only two-prime RSA keys.`, 'Export or generate a standard two-prime RSA key.', SRC.twoPrimes));
  }
  if (spec) {
    // kind agreement
    const rawKinds: MaterialKind[] = ['symmetric', 'hmac'];
    const kindsAgree = spec.kind === m.kind || (rawKinds.includes(spec.kind) && rawKinds.includes(m.kind));
    if (!kindsAgree) {
      out.push(f('error', 'MATERIAL_KIND_MISMATCH', `The key is ${spec.spec} but the material is ${describeFacts(m)}.`, `Choose the material file that matches ${spec.spec}, or create the KMS key with key spec ${m.keySpec ?? 'that matches the material'}.`, spec.source));
    } else if (spec.kind === 'symmetric') {
      const want = rules.symmetricBytes;
      if (m.byteLength !== want) {
        out.push(f('error', 'SYMMETRIC_LENGTH', `Symmetric key material for ${rules.label} must be ${want} bytes (${rules.symmetricName}); this file has ${m.byteLength}.`, isChina ? 'Use a 16-byte (128-bit SM4) key: openssl rand -out PlaintextKeyMaterial.bin 16' : 'Use a 32-byte (256-bit) key: openssl rand -out PlaintextKeyMaterial.bin 32', input.provider === 'huawei' ? SRC.huaweiSym : SRC.symLen));
      }
    } else if (spec.kind === 'hmac') {
      if (m.byteLength !== spec.materialBytes) {
        out.push(f('error', 'HMAC_LENGTH', `${spec.spec} takes exactly ${spec.materialBytes} bytes of key material; this file has ${m.byteLength}.`, `Use a ${spec.materialBytes}-byte key${hmacSpecFor(m.byteLength) ? `, or create the KMS key as ${hmacSpecFor(m.byteLength)}` : ''}.`, SRC.hmacLen));
      }
    } else if (spec.kind === 'rsa' && m.modulusBits !== undefined && m.modulusBits !== spec.modulusBits) {
      out.push(f('error', 'RSA_SIZE_MISMATCH', `The key is ${spec.spec} but the RSA private key is ${m.modulusBits}-bit.`, m.keySpec ? `Create the KMS key with key spec ${m.keySpec}, or choose a ${spec.modulusBits}-bit key.` : `Choose a ${spec.modulusBits}-bit RSA key.`, spec.source));
    } else if (spec.kind === 'ec' && m.curve && m.curve !== spec.curve) {
      out.push(f('error', 'CURVE_MISMATCH', `The key is ${spec.spec} (${spec.curve}) but the private key is on curve ${m.curve}.`, m.keySpec ? `Create the KMS key with key spec ${m.keySpec}, or choose a ${spec.curve} key.` : `Choose a ${spec.curve} key.`, spec.source));
    }
  } else if (m.kind === 'symmetric' && m.byteLength !== rules.symmetricBytes && !hmacSpecFor(m.byteLength)) {
    out.push(f('error', 'SYMMETRIC_LENGTH', `Symmetric key material must be ${rules.symmetricBytes} bytes; this file has ${m.byteLength}.`, `Use a ${rules.symmetricBytes}-byte key.`, SRC.symLen));
  }
  if (m.keySpec === 'SM2' && !isChina) {
    out.push(f('error', 'SM2_KEY_CHINA_ONLY', 'The material is an SM2 private key; SM2 keys exist only in the AWS China Regions.', 'Choose the provider aws-cn, or use an ECC_NIST_* key.', SRC.sm2KeyCn));
  }
  const alg = input.algorithm ? WRAPPING_ALGORITHMS[input.algorithm] : undefined;
  if (alg && input.wrappingKeySpec && WRAPPING_KEY_SPECS[input.wrappingKeySpec].kind === 'rsa') {
    out.push(...payloadFindings(m.byteLength, alg.algorithm, WRAPPING_KEY_SPECS[input.wrappingKeySpec].bits, describeFacts(m)));
  } else if (alg?.scheme === 'sm2pke') {
    out.push(...payloadFindings(m.byteLength, alg.algorithm, 256, describeFacts(m)));
  }
  return out;
}

function payloadFindings(len: number, algorithm: WrappingAlgorithm, bits: number, what: string): Finding[] {
  const alg = WRAPPING_ALGORITHMS[algorithm];
  if (alg.scheme === 'oaep') {
    const max = oaepMaxPayload(bits, alg.hashBytes!);
    if (len > max) return [f('error', 'OAEP_PAYLOAD_TOO_LARGE', `${what} is ${len} bytes; ${algorithm} with an RSA-${bits} key carries at most ${max}.`, 'Use RSA_AES_KEY_WRAP_SHA_256, or a larger wrapping key.', SRC.oaepLimit)];
  } else if (alg.scheme === 'pkcs1') {
    const max = pkcs1MaxPayload(bits);
    if (len > max) return [f('error', 'PKCS1_PAYLOAD_TOO_LARGE', `${what} is ${len} bytes; RSAES_PKCS1_V1_5 with an RSA-${bits} key carries at most ${max}.`, 'Use a larger wrapping key.', SRC.pkcs1Limit)];
  } else if (alg.scheme === 'sm2pke') {
    if (len > SM2PKE_MAX_PAYLOAD) return [f('error', 'CIPHERTEXT_TOO_LARGE', `${what} is ${len} bytes; wrapped with SM2PKE it would exceed the 6144 bytes ImportKeyMaterial takes.`, 'Check that the file holds one private key only.', SRC.ciphertextLimit)];
  } else if (alg.scheme === 'rsa-aes') {
    const total = bits / 8 + 8 * Math.ceil(len / 8) + 8;
    if (total > 6144) return [f('error', 'CIPHERTEXT_TOO_LARGE', `The wrapped material would be ${total} bytes; ImportKeyMaterial takes at most 6144.`, 'Check that the file holds one private key only.', SRC.ciphertextLimit)];
  }
  return [];
}

export function hmacSpecFor(len: number): KeySpec | undefined {
  return ({ 28: 'HMAC_224', 32: 'HMAC_256', 48: 'HMAC_384', 64: 'HMAC_512' } as Record<number, KeySpec>)[len];
}

export function describeFacts(m: MaterialFacts): string {
  switch (m.kind) {
    case 'rsa':
      return `an RSA ${m.modulusBits ?? '?'}-bit private key`;
    case 'ec':
      return `an EC private key on ${m.curve ?? 'an unknown curve'}`;
    case 'hmac':
    case 'symmetric':
      return `${m.byteLength} bytes of raw key material`;
    default:
      return 'key material of an unsupported type';
  }
}

export function hasErrors(findings: Finding[]): boolean {
  return findings.some((x) => x.severity === 'error');
}

/** The recommended wrapping choice for a key spec under a provider (issue 4: preselected in the form). */
export function recommend(provider: ProviderId, keySpec?: KeySpec): { wrappingKeySpec: WrappingKeySpec; algorithm: WrappingAlgorithm } {
  const kind = keySpec ? KEY_SPECS[keySpec].kind : undefined;
  // China Regions: SM2PKE for every private key (RSA keys have no other way in there: no RSA_AES_*).
  if (provider === 'aws-cn' && (kind === 'rsa' || kind === 'ec')) return { wrappingKeySpec: 'SM2', algorithm: 'SM2PKE' };
  if (provider === 'aws' && kind === 'rsa') return { wrappingKeySpec: 'RSA_4096', algorithm: 'RSA_AES_KEY_WRAP_SHA_256' };
  // Huawei: always an RSA_2048 wrapping key; private keys in the two-part form, symmetric keys with OAEP SHA-256.
  if (provider === 'huawei') return { wrappingKeySpec: 'RSA_2048', algorithm: kind === 'rsa' || kind === 'ec' ? 'RSA_AES_KEY_WRAP_SHA_256' : 'RSAES_OAEP_SHA_256' };
  return { wrappingKeySpec: 'RSA_4096', algorithm: 'RSAES_OAEP_SHA_256' };
}

/** Which (wrapping key spec, algorithm) pairs are possible at all for the input, with the first error for each refused one. */
export function optionMatrix(input: Omit<CheckInput, 'wrappingKeySpec' | 'algorithm'>): Array<{ wrappingKeySpec: WrappingKeySpec; algorithm: WrappingAlgorithm; allowed: boolean; reason?: string }> {
  const rows: Array<{ wrappingKeySpec: WrappingKeySpec; algorithm: WrappingAlgorithm; allowed: boolean; reason?: string }> = [];
  for (const wrappingKeySpec of Object.keys(WRAPPING_KEY_SPECS) as WrappingKeySpec[]) {
    for (const algorithm of Object.keys(WRAPPING_ALGORITHMS) as WrappingAlgorithm[]) {
      const err = checkCompatibility({ ...input, wrappingKeySpec, algorithm }).find((x) => x.severity === 'error');
      rows.push({ wrappingKeySpec, algorithm, allowed: !err, reason: err?.message });
    }
  }
  return rows;
}
