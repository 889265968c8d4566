// The facts a parameter download's README states (AWS console, Huawei console, or ours) — key, Region, provider,
// wrapping algorithm and key spec, expiry — read loosely from free text; a date that does not parse is left out,
// never returned as an invalid Date.
import { isProviderId, type ProviderId } from './rules';
import { ALL_WRAPPING_ALGORITHMS, isWrappingKeySpec, type WrappingKeySpec } from './specs';
import type { ParameterBundle } from './bundle';

/** Epoch seconds or milliseconds, or a date string; undefined when it does not parse. */
export function parseDateLoose(s: string): Date | undefined {
  const t = s.trim();
  if (/^\d{9,11}(\.\d+)?$/.test(t)) return new Date(Number(t) * 1000);
  if (/^\d{12,14}$/.test(t)) return new Date(Number(t));
  const d = new Date(t.replace(/ UTC$/, 'Z').replace(/^(\d{4}-\d\d-\d\d) (\d)/, '$1T$2'));
  return isNaN(d.getTime()) ? undefined : d;
}

/** Reads the facts a README (AWS console, Huawei console, or ours) states. */
export function parseReadme(text: string): Partial<Pick<ParameterBundle, 'keyArn' | 'keyId' | 'region' | 'wrappingAlgorithm' | 'wrappingKeySpec' | 'validTo' | 'provider'>> {
  const out: Partial<Pick<ParameterBundle, 'keyArn' | 'keyId' | 'region' | 'wrappingAlgorithm' | 'wrappingKeySpec' | 'validTo' | 'provider'>> = {};
  const arn = /arn:(aws(?:-cn|-us-gov)?):kms:([a-z0-9-]+):(\d{12}):key\/((?:mrk-)?[0-9a-f-]{32,36})/i.exec(text);
  if (arn) {
    out.keyArn = arn[0];
    out.region = arn[2];
    out.keyId = arn[4];
    out.provider = arn[1] === 'aws-cn' ? 'aws-cn' : 'aws';
  } else {
    const id = /\b((?:mrk-[0-9a-f]{32})|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/i.exec(text);
    if (id) out.keyId = id[1];
  }
  // Longest names first so RSAES_OAEP_SHA_256 is not read as RSAES_OAEP_SHA_1 … (word boundaries).
  for (const alg of [...ALL_WRAPPING_ALGORITHMS].sort((a, b) => b.length - a.length)) {
    if (new RegExp(`\\b${alg}\\b`).test(text)) {
      out.wrappingAlgorithm = alg;
      break;
    }
  }
  const spec = /wrapping (?:public )?key spec[^\n:]*[:=]?\s*(RSA_2048|RSA_3072|RSA_4096|SM2)\b/i.exec(text) ?? /\b(RSA_2048|RSA_3072|RSA_4096)\b/.exec(text);
  if (spec && isWrappingKeySpec(spec[1].toUpperCase())) out.wrappingKeySpec = spec[1].toUpperCase() as WrappingKeySpec;
  const exp = /(?:expir\w*|valid(?:\s+until|\s+to|To)|ParametersValidTo)[^\n\d]*([0-9][0-9T:\-+. Z/]*(?:UTC|GMT|Z)?)/i.exec(text);
  if (exp) {
    const d = parseDateLoose(exp[1].replace(/[.\s]+$/, ''));
    if (d) out.validTo = d;
  }
  const region = /\bregion\s*[:=]\s*([a-z]{2}(?:-[a-z]+)+-\d)\b/i.exec(text);
  if (region && !out.region) out.region = region[1];
  const prov = /\bprovider\s*[:=]\s*(aws-cn|aws|huawei)\b/i.exec(text);
  if (prov && isProviderId(prov[1])) out.provider = prov[1] as ProviderId;
  return out;
}
