// The bundle manifest (kms-import.json): its shape, and the check that every field is what it claims to be —
// format and version, strings, the provider, wrapping algorithm and key spec from their lists, ISO 8601 dates,
// plain file names and SHA-256 hex digests. A manifest that fails is refused as a bad bundle (MANIFEST_INVALID)
// when it is read, before any command writes output.
import { invalidInput } from './errors';
import { isProviderId, type ProviderId } from './rules';
import { isWrappingAlgorithm, isWrappingKeySpec, type WrappingAlgorithm, type WrappingKeySpec } from './specs';

export const MANIFEST_FILE = 'kms-import.json';
export const MANIFEST_FORMAT = 'kms-key-import/parameter-bundle';

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: 1;
  keyArn?: string;
  keyId?: string;
  provider?: ProviderId;
  region?: string;
  wrappingAlgorithm?: WrappingAlgorithm;
  wrappingKeySpec?: WrappingKeySpec;
  validTo?: string;
  issuedAt?: string;
  files: { publicKey: string; importToken: string; readme?: string };
  sha256: { publicKey: string; importToken: string };
}

const FIX = 'Download the parameters again (the manifest is written by this tool; do not edit it), or remove kms-import.json to read the bundle from its other files.';

const show = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
};

const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:\d\d)$/;

/** Parses and checks kms-import.json; throws MANIFEST_INVALID naming the first field that is wrong. */
export function parseManifest(buf: Buffer, source: string): Manifest {
  const bad = (why: string) => invalidInput('MANIFEST_INVALID', `${MANIFEST_FILE} in ${source} is not valid: ${why}.`, FIX);
  let m: unknown;
  try {
    m = JSON.parse(buf.toString('utf8'));
  } catch {
    throw invalidInput('MANIFEST_INVALID', `${MANIFEST_FILE} in ${source} is not valid JSON.`, FIX);
  }
  if (!isObject(m)) throw bad('it is not a JSON object');
  if (m.format !== MANIFEST_FORMAT) throw invalidInput('MANIFEST_INVALID', `${MANIFEST_FILE} in ${source} is not a KMS Key Import manifest.`, 'Remove it, or download the parameters again.');
  if (m.version !== 1) throw bad(`"version" is ${show(m.version)}; this tool reads version 1`);
  for (const k of ['keyArn', 'keyId', 'region'] as const) {
    const v = m[k];
    if (v !== undefined && (typeof v !== 'string' || v.length === 0 || v.length > 2048 || /[\u0000-\u001f]/.test(v))) throw bad(`"${k}" is ${show(v)}, not a non-empty line of text`);
  }
  if (m.provider !== undefined && !(typeof m.provider === 'string' && isProviderId(m.provider))) throw bad(`"provider" is ${show(m.provider)}; it must be aws, aws-cn or huawei`);
  if (m.wrappingAlgorithm !== undefined && !(typeof m.wrappingAlgorithm === 'string' && isWrappingAlgorithm(m.wrappingAlgorithm))) throw bad(`"wrappingAlgorithm" is ${show(m.wrappingAlgorithm)}, not a wrapping algorithm KMS knows`);
  if (m.wrappingKeySpec !== undefined && !(typeof m.wrappingKeySpec === 'string' && isWrappingKeySpec(m.wrappingKeySpec))) throw bad(`"wrappingKeySpec" is ${show(m.wrappingKeySpec)}, not a wrapping key spec KMS knows`);
  for (const k of ['validTo', 'issuedAt'] as const) {
    const v = m[k];
    if (v !== undefined && !(typeof v === 'string' && ISO_DATE.test(v) && !isNaN(new Date(v).getTime()))) throw bad(`"${k}" is ${show(v)}, not an ISO 8601 date and time`);
  }
  const files = m.files;
  if (!isObject(files)) throw bad('"files" is missing or not an object');
  for (const k of ['publicKey', 'importToken', 'readme'] as const) {
    const v = files[k];
    if (v === undefined && k === 'readme') continue;
    if (typeof v !== 'string' || !/^[^/\\\u0000-\u001f]{1,255}$/.test(v) || v === '.' || v === '..') throw bad(`"files.${k}" is ${show(v)}, not a file name in the bundle`);
  }
  if (files.publicKey === files.importToken) throw bad('"files.publicKey" and "files.importToken" name the same file');
  const sha = m.sha256;
  if (!isObject(sha)) throw bad('"sha256" is missing or not an object');
  for (const k of ['publicKey', 'importToken'] as const) {
    if (typeof sha[k] !== 'string' || !/^[0-9a-f]{64}$/.test(sha[k] as string)) throw bad(`"sha256.${k}" is ${show(sha[k])}, not a SHA-256 digest in hex`);
  }
  return m as unknown as Manifest;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
