// `kms-import hsm-wrap`: wrap a key inside a PKCS#11 HSM for a parameter bundle (src/hsm/hsmWrap.ts), or
// print the CloudHSM CLI steps for the bundle (--cloudhsm-steps, no HSM touched). Built as its own chunk
// (dist/cli-hsm.js) that main.ts loads only for this command, so koffi never loads for the others.
// The PIN comes from --pin-file or KMS_IMPORT_HSM_PIN only (never a command-line value), is held in a Buffer
// zeroed after C_Login, and is never printed. `kms-import verify --hsm-module …` (flowCommands.ts) loads this
// chunk too, for pinOf, readHsmEvidence and hsmProver.
import { readBundle } from '../core/bundle';
import { usageError } from '../core/errors';
import { readFileChecked } from '../core/fsutil';
import { isProviderId } from '../core/rules';
import { isKeySpec } from '../core/specs';
import { cloudHsmCliSteps } from '../hsm/cloudhsmSteps';
import { defaultOutFile, hsmWrap } from '../hsm/hsmWrap';
export { hsmProver, readHsmEvidence } from '../hsm/proof';
import { one, parseArgs } from './args';
import type { Output } from './output';

const FLAGS = {
  json: {}, force: {}, 'cloudhsm-steps': {},
  module: { value: true }, token: { value: true }, 'pin-file': { value: true }, 'key-label': { value: true }, 'key-id': { value: true },
  bundle: { value: true }, out: { value: true }, 'key-spec': { value: true }, provider: { value: true },
};

export const HSM_WRAP_USAGE = 'kms-import hsm-wrap --module LIB --token LABEL (--pin-file FILE | env KMS_IMPORT_HSM_PIN) (--key-label L | --key-id HEX) --bundle DIR [--out FILE] [--force] [--key-spec S]\n  kms-import hsm-wrap --cloudhsm-steps --bundle DIR [--key-label L] [--out FILE]';

/** The PIN from --pin-file (trailing newlines dropped) or KMS_IMPORT_HSM_PIN; never a command-line value. */
export async function pinOf(file: string | undefined): Promise<Buffer> {
  if (file) {
    const raw = await readFileChecked(file, 4096);
    let end = raw.length;
    while (end > 0 && (raw[end - 1] === 0x0a || raw[end - 1] === 0x0d)) end--;
    const pin = Buffer.from(raw.subarray(0, end));
    raw.fill(0);
    if (!pin.length) throw usageError(`The PIN file ${file} is empty.`, 'Put the crypto user\'s PIN in it (one line, mode 0600).');
    return pin;
  }
  const env = process.env.KMS_IMPORT_HSM_PIN;
  if (env) return Buffer.from(env, 'utf8');
  throw usageError('The HSM needs the token\'s PIN.', 'Give --pin-file FILE (one line, mode 0600) or set KMS_IMPORT_HSM_PIN.');
}

export async function hsmWrapCommand(argv: string[], out: Output): Promise<number> {
  const p = parseArgs(argv, FLAGS, 'hsm-wrap');
  const bundle = one(p, 'bundle');
  if (!bundle) throw usageError('--bundle is required.', HSM_WRAP_USAGE);
  const label = one(p, 'key-label');
  const id = one(p, 'key-id');
  if (p.bools.has('cloudhsm-steps')) {
    const b = await readBundle(bundle);
    if (!b.wrappingAlgorithm) throw usageError(`The bundle ${bundle} does not name its wrapping algorithm.`, 'Use a bundle written by kms-import or the console download with its README.txt.');
    const text = cloudHsmCliSteps({ bundleDir: defaultOutFile(b).replace(/\/EncryptedKeyMaterial\.bin$/, ''), algorithm: b.wrappingAlgorithm, keyLabel: label, keyId: b.keyId, outFile: one(p, 'out') });
    out.result({ algorithm: b.wrappingAlgorithm, steps: text }, () => [text]);
    return 0;
  }
  const module = one(p, 'module');
  const token = one(p, 'token');
  if (!module) throw usageError('--module is required (the HSM\'s PKCS#11 library).', HSM_WRAP_USAGE);
  if (!token) throw usageError('--token is required (the token label).', HSM_WRAP_USAGE);
  if (!label === !id) throw usageError('Give exactly one of --key-label and --key-id.', HSM_WRAP_USAGE);
  if (id !== undefined && !/^([0-9a-fA-F]{2})+$/.test(id)) throw usageError(`--key-id "${id}" is not hex.`, 'Give the CKA_ID as hex digits, e.g. --key-id 01a2.');
  const keySpec = one(p, 'key-spec');
  if (keySpec !== undefined && !isKeySpec(keySpec)) throw usageError(`Unknown key spec "${keySpec}".`, 'Give the KMS key\'s spec, e.g. --key-spec HMAC_256.');
  const provider = one(p, 'provider');
  if (provider !== undefined && !isProviderId(provider)) throw usageError(`Unknown provider "${provider}".`, 'Use --provider aws, aws-cn or huawei.');
  const pin = await pinOf(one(p, 'pin-file'));
  const progress: string[] = [];
  const r = await hsmWrap({
    module, token, pin, keyLabel: label, keyIdHex: id, bundle, out: one(p, 'out'), force: p.bools.has('force'),
    keySpec: keySpec as Parameters<typeof hsmWrap>[0]['keySpec'], provider: provider as Parameters<typeof hsmWrap>[0]['provider'],
    log: out.json ? undefined : (l) => progress.push(l),
  });
  out.result(
    { file: r.file, bytes: r.bytes, algorithm: r.algorithm, keySpec: r.keySpec, mechanism: r.plan.description, selfTest: r.selfTest, mechanismsOffered: r.mechanisms, publicKeyFingerprint: r.publicKeyFingerprint, wrappingKeyFingerprint: r.wrappingKeyFingerprint, sessionObjectsDestroyed: r.sessionObjectsDestroyed, keyId: r.bundle.keyId },
    () => [
      ...progress.map((l) => `  ${l}`),
      `Wrapped inside the HSM: ${r.file} (${r.bytes} bytes, mode 0600)`,
      `  key: ${r.key.description} → ${r.keySpec}${r.publicKeyFingerprint ? `, public key ${r.publicKeyFingerprint}` : ''}`,
      `  ${r.algorithm} with ${r.plan.description}`,
      `  self-test: ${r.selfTest}`,
      `  ${r.sessionObjectsDestroyed} session object(s) made for this were destroyed`,
      `Next: import it as is (the extension's Import Key Material on this bundle, or aws kms import-key-material --key-id ${r.bundle.keyId ?? '<KeyId>'} --encrypted-key-material fileb://${r.file} --import-token fileb://<bundle>/ImportToken.bin), then prove it against the HSM key.`,
    ],
  );
  return 0;
}
