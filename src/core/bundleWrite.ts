// Writing parameter bundles: the wrapping public key and import token as one set, with a README for people and
// the manifest kms-import.json that binds the pair by SHA-256 (read back by ./bundle.ts). The file names are the
// console's of the provider: AWS's current layout (WrappingPublicKey.bin, ImportToken.bin, README.txt), or for
// Huawei Cloud its console download (wrappingKey_<keyId>_<time>, importToken_<keyId>_<time>, README_<keyId>_<time>.txt;
// sources/002 step 10). Files are written atomically, the token 0600, the manifest last; nothing is replaced unless asked.
import { sha256Hex } from './encoding';
import { invalidInput } from './errors';
import { writeFilesAtomic } from './fsutil';
import { MANIFEST_FILE, MANIFEST_FORMAT, type Manifest } from './manifest';
import type { ParameterBundle } from './bundle';
import type { ProviderId } from './rules';
import type { WrappingAlgorithm, WrappingKeySpec } from './specs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface BundleWriteInput {
  keyArn: string;
  keyId: string;
  provider: ProviderId;
  region: string;
  wrappingAlgorithm: WrappingAlgorithm;
  wrappingKeySpec: WrappingKeySpec;
  validTo: Date;
  issuedAt?: Date;
  publicKey: Buffer;
  importToken: Buffer;
  /** The file names: by default the console layout of the provider (bundleFileNames). */
  layout?: BundleWriteLayout;
}

/** 'console': the AWS console's current names; 'huawei-console': the names Huawei's console downloads. */
export type BundleWriteLayout = 'console' | 'huawei-console';

/**
 * The names a bundle is written under: the AWS console's (WrappingPublicKey.bin, ImportToken.bin, README.txt), or for
 * Huawei Cloud the console download's (sources/002: "wrappingKey_CMK ID_download time", "importToken_…", "README_…"),
 * the time as YYYYMMDDHHMMSS UTC; the manifest kms-import.json is added to both.
 */
export function bundleFileNames(input: Pick<BundleWriteInput, 'provider' | 'keyId' | 'issuedAt' | 'layout'>): { publicKey: string; importToken: string; readme: string } {
  const layout = input.layout ?? (input.provider === 'huawei' ? 'huawei-console' : 'console');
  if (layout === 'console') return { publicKey: 'WrappingPublicKey.bin', importToken: 'ImportToken.bin', readme: 'README.txt' };
  // A key id is 36 characters of [0-9a-z-]; anything else is kept out of the file name (no separators, no '_').
  const id = input.keyId.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 100) || 'key';
  const time = (input.issuedAt ?? new Date()).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return { publicKey: `wrappingKey_${id}_${time}`, importToken: `importToken_${id}_${time}`, readme: `README_${id}_${time}.txt` };
}

function nextSteps(input: BundleWriteInput, files: { publicKey: string; importToken: string }): string[] {
  if (input.provider !== 'huawei') {
    return [
      `  kms-import wrap --material <key file> --bundle <this folder> --out EncryptedKeyMaterial.bin`,
      `  then import EncryptedKeyMaterial.bin with this ${files.importToken}.`,
    ];
  }
  const md = input.wrappingAlgorithm === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256';
  const lines = [
    `  kms-import import --provider huawei --region ${input.region} --key-id ${input.keyId} --bundle <this folder> --material <key file>`,
  ];
  if (input.wrappingAlgorithm === 'RSAES_OAEP_SHA_256' || input.wrappingAlgorithm === 'RSAES_OAEP_SHA_1') {
    lines.push(
      '  or wrap a 32-byte symmetric key with OpenSSL (as in Huawei\'s guide), then import the file as is:',
      `  openssl pkeyutl -in PlaintextKeyMaterial.bin -inkey ${files.publicKey} -out EncryptedKeyMaterial.bin -keyform der -pubin -encrypt -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:${md}`,
      `  kms-import import --provider huawei --region ${input.region} --key-id ${input.keyId} --bundle <this folder> --wrapped EncryptedKeyMaterial.bin`,
    );
  }
  return lines;
}

export function renderReadme(input: BundleWriteInput, files: { publicKey: string; importToken: string }): string {
  const lines = [
    'KMS key import parameters',
    '=========================',
    '',
    `Key ARN:            ${input.keyArn}`,
    `Key ID:             ${input.keyId}`,
    `Provider:           ${input.provider}`,
    `Region:             ${input.region}`,
    `Wrapping algorithm: ${input.wrappingAlgorithm}`,
    `Wrapping key spec:  ${input.wrappingKeySpec}`,
    `Issued at:          ${(input.issuedAt ?? new Date()).toISOString()}`,
    `Valid to:           ${input.validTo.toISOString()}`,
    '',
    'Files',
    `  ${files.publicKey}  wrapping public key (DER), SHA-256 ${sha256Hex(input.publicKey)}`,
    `  ${files.importToken}  import token, SHA-256 ${sha256Hex(input.importToken)}`,
    `  ${MANIFEST_FILE}  the same facts for tools`,
    '',
    'The wrapping public key and import token are one set: use them together, with the',
    `wrapping algorithm above, before they expire (24 hours after they were issued).`,
    '',
    'Next step',
    ...nextSteps(input, files),
    '',
  ];
  return lines.join('\n');
}

/**
 * `overwrite` false (the default): a file of the bundle that exists with other contents is refused (OUTPUT_EXISTS)
 * before anything is written, one with the same contents is left as it is, and none is replaced meanwhile.
 */
export async function writeBundle(dir: string, input: BundleWriteInput, opts: { overwrite?: boolean } = {}): Promise<{ dir: string; files: string[] }> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const names = bundleFileNames(input);
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    version: 1,
    keyArn: input.keyArn,
    keyId: input.keyId,
    provider: input.provider,
    region: input.region,
    wrappingAlgorithm: input.wrappingAlgorithm,
    wrappingKeySpec: input.wrappingKeySpec,
    validTo: input.validTo.toISOString(),
    issuedAt: (input.issuedAt ?? new Date()).toISOString(),
    files: names,
    sha256: { publicKey: sha256Hex(input.publicKey), importToken: sha256Hex(input.importToken) },
  };
  // Token and key first, manifest last: a reader never sees a manifest that names missing files.
  await writeFilesAtomic(dir, [
    { name: names.publicKey, data: input.publicKey, mode: 0o644 },
    { name: names.importToken, data: input.importToken, mode: 0o600 },
    { name: names.readme, data: renderReadme(input, names), mode: 0o644 },
    { name: MANIFEST_FILE, data: JSON.stringify(manifest, null, 2) + '\n', mode: 0o644 },
  ], { overwrite: opts.overwrite ?? false });
  return { dir, files: [names.publicKey, names.importToken, names.readme, MANIFEST_FILE].map((n) => path.join(dir, n)) };
}

/** Writes the canonical layout for any bundle that was read (`kms-import bundle --normalize`). */
export async function normalizeBundle(b: ParameterBundle, dir: string, opts: { overwrite?: boolean } = {}): Promise<{ dir: string; files: string[] }> {
  const missing = (['keyId', 'wrappingAlgorithm', 'wrappingKeySpec', 'validTo'] as const).filter((k) => b[k] === undefined);
  if (missing.length) {
    throw invalidInput('BUNDLE_FACTS_MISSING', `The bundle does not say its ${missing.join(', ')}; a canonical bundle needs them.`, 'Keep the README that came with the download, or download the parameters again with this tool.');
  }
  return writeBundle(dir, {
    keyArn: b.keyArn ?? b.keyId!,
    keyId: b.keyId!,
    provider: b.provider ?? 'aws',
    region: b.region ?? 'unknown',
    wrappingAlgorithm: b.wrappingAlgorithm!,
    wrappingKeySpec: b.wrappingKeySpec!,
    validTo: b.validTo!,
    issuedAt: b.issuedAt,
    publicKey: b.publicKey,
    importToken: b.importToken,
    // The canonical names whatever the provider: a folder normalized in place keeps one set of files.
    layout: 'console',
  }, opts);
}
