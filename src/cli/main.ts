// kms-import: the command-line tool over the same core as the extension.
// Exit codes: 0 done, 2 usage error, 3 refused (incompatible or invalid input), 1 anything else.
import { isKmsImportError, usageError } from '../core/errors';
import { bundle, check, generate, inspect, wrap } from './commands';
import { Output, exitCodeFor } from './output';
import type { WrapPool } from './wrapPool';

const USAGE = `kms-import — bring your own key into AWS KMS / Huawei Cloud KMS, safely and provably

Usage:
  kms-import inspect FILE…                       what each file is (never prints secret bytes)
  kms-import check --key-spec S --wrapping-key-spec W --algorithm A [--provider aws|aws-cn|huawei] [--material FILE]
  kms-import wrap --material FILE… (--bundle DIR|ZIP | --public-key FILE --algorithm A)
                  [--key-spec S] [--provider P] [--jobs N] (--out FILE | --out-dir DIR) [--force]
  kms-import generate --key-spec S [--out FILE] [--provider aws-cn] [--force]   test material (mode 0600)
  kms-import bundle DIR|ZIP|JSON [--algorithm A] [--wrapping-key-spec W]
                  [--normalize [--out DIR] [--force]]                 summary and expiry of a parameter download
  kms-import sandbox [--port N] [--state DIR]                         a local AWS KMS for rehearsal and tests
  kms-import demo                                                     the whole flow against the sandbox
  kms-import hsm-wrap --module LIB --token LABEL (--pin-file F | KMS_IMPORT_HSM_PIN) (--key-label L | --key-id HEX) --bundle DIR [--out FILE] [--force]
                                                                      wrap inside a PKCS#11 HSM (--cloudhsm-steps: the CloudHSM CLI commands)

The flow against AWS KMS, its China Regions, Huawei Cloud KMS (--provider huawei), or the sandbox:
  kms-import create-key --key-spec S [--key-usage U] [--alias A] [--description D]
  kms-import get-parameters --key-id K [--wrapping-key-spec W] [--algorithm A] --out-dir DIR
  kms-import import --key-id K --bundle DIR (--material FILE | --wrapped FILE [--public-key FILE])
                    [--valid-to ISO8601 | --no-expiry] [--import-type NEW_KEY_MATERIAL|EXISTING_KEY_MATERIAL]
  kms-import import --key-spec S --material FILE [--key-usage U] [--alias A] [--out-dir DIR]
                                                   create, parameters, wrap, import and prove in one go
  kms-import verify --key-id K (--material FILE | --public-key FILE)  exit 0 when the proof holds, 3 when not
  kms-import verify --key-id K --hsm-module LIB --token LABEL (--key-label L | --hsm-key-id HEX) [--pin-file F]
                                                   the proof against the key in a PKCS#11 HSM (--key-id is the KMS key)
  kms-import list [--pending | --external]
  kms-import delete-material --key-id K
Connection, as the AWS CLI reads it: --profile P (else AWS_PROFILE, else the default credential chain),
  --region R (else AWS_REGION, AWS_DEFAULT_REGION or the profile's region; cn-* use the aws-cn partition),
  --endpoint-url U (else AWS_ENDPOINT_URL_KMS or AWS_ENDPOINT_URL; the sandbox's http://127.0.0.1:PORT).
Huawei Cloud KMS only with --provider huawei on each command (never chosen from the environment):
  --region R (a Huawei region such as cn-north-4 or ap-southeast-1; else HUAWEICLOUD_SDK_REGION),
  --project-id P (else HUAWEICLOUD_SDK_PROJECT_ID), --endpoint-url U (else HUAWEICLOUD_KMS_ENDPOINT),
  credentials from HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary ones).
  AES_256 (SYMMETRIC_DEFAULT), RSA_2048/3072/4096 and ECC_NIST_P256/P384 keys; RSA_2048 wrapping key; no HMAC keys,
  no rotation (--import-type NEW_KEY_MATERIAL), no multi-Region keys.

Every command takes --json. Encrypted keys: --passphrase-file FILE or KMS_IMPORT_PASSPHRASE.
wrap shares batches of 48 files or more with worker threads; --jobs N sets the threads (--jobs 1: one).
bundle: --algorithm and --wrapping-key-spec state what a download does not say (the GetParametersForImport JSON
names neither); they must agree with the bundle and its public key.
Outputs never replace an existing file unless --force is given, and never an input file (not even with --force).
Inputs must be regular files: devices, FIFOs and sockets are refused.
Exit codes: 0 done, 2 usage error, 3 refused (incompatible or invalid input), 1 anything else.
`;

type Command = (argv: string[], out: Output) => Promise<number>;

// Commands that start servers load their modules on demand, so the wrapping commands start fast.
const COMMANDS: Record<string, Command> = {
  inspect,
  check,
  wrap,
  generate,
  bundle,
  sandbox: async (argv) => loadServer().runSandboxCommand(argv),
  demo: async (argv) => loadServer().runDemoCommand(argv),
  'create-key': async (argv) => loadServer().createKeyCommand(argv),
  'get-parameters': async (argv) => loadServer().getParametersCommand(argv),
  import: async (argv) => loadServer().importCommand(argv),
  verify: async (argv) => loadServer().verifyCommand(argv),
  list: async (argv) => loadServer().listCommand(argv),
  'delete-material': async (argv) => loadServer().deleteMaterialCommand(argv),
  'hsm-wrap': async (argv, out) => loadHsm().hsmWrapCommand(argv, out),
};

/** dist/cli-hsm.js (koffi and the HSM code) only for hsm-wrap; src/cli/hsmCommand.ts from source. */
function loadHsm(): typeof import('./hsmCommand') {
  const name = __filename.endsWith('.ts') ? './hsmCommand' : './cli-hsm.js';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(name);
}

/** dist/cli-server.js in the build; src/cli/server.ts when run from source (tests with tsx). */
function loadServer(): typeof import('./server') {
  const name = __filename.endsWith('.ts') ? './server' : './cli-server.js';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(name);
}

/** `prestarted.wrapPool`: the worker threads bin/kms-import.js started for a large `wrap` before this bundle loaded. */
export async function main(argv: string[], prestarted: { wrapPool?: WrapPool } = {}): Promise<number> {
  try {
    return await dispatch(argv, prestarted.wrapPool);
  } finally {
    await prestarted.wrapPool?.close();
  }
}

async function dispatch(argv: string[], wrapPool: WrapPool | undefined): Promise<number> {
  const [cmd, ...rest] = argv;
  const out = new Output(rest.includes('--json'));
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(USAGE);
    return cmd ? 0 : 2;
  }
  if (cmd === '--version') {
    process.stdout.write(`${process.env.KMS_IMPORT_VERSION ?? 'dev'}\n`);
    return 0;
  }
  const run: Command | undefined = cmd === 'wrap' ? (a, o) => wrap(a, o, wrapPool) : COMMANDS[cmd];
  try {
    if (!run) throw usageError(`Unknown command "${cmd}".`, 'Run "kms-import --help" for the commands.');
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(USAGE);
      return 0;
    }
    return await run(rest, out);
  } catch (e) {
    if (isKmsImportError(e)) out.error(e);
    else out.unexpected(e);
    return exitCodeFor(e);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`kms-import: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
