// kms-import sandbox [--port N] [--state DIR] [--region R] [--test-controls]
// Starts the local KMS sandbox in the foreground, prints its endpoint and the credentials generated
// for its state directory (AWS's, and Huawei Cloud's for its Huawei KMS API on the same port), and
// stops cleanly on SIGINT/SIGTERM.
import * as os from 'node:os';
import * as path from 'node:path';
import { usageError } from '../core/errors';
import { startSandbox } from '../sandbox/index';
import { one, parseArgs } from './args';

export function defaultSandboxStateDir(): string {
  return path.join(os.homedir(), '.kms-import', 'sandbox');
}

export async function runSandboxCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { port: { value: true }, state: { value: true }, region: { value: true }, 'test-controls': {}, verbose: {}, json: {} }, 'sandbox');
  if (p.positionals.length) throw usageError(`Unexpected argument "${p.positionals[0]}" for "kms-import sandbox".`, 'Usage: kms-import sandbox [--port N] [--state DIR] [--region R] [--test-controls]');
  const portText = one(p, 'port');
  const port = portText === undefined ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port must be a TCP port number (0-65535), not "${portText}".`, 'Give --port 0 (or leave it out) for a random free port.');
  const region = one(p, 'region') ?? 'us-east-1';
  if (!/^([a-z]+-){2,3}\d+$/.test(region)) throw usageError(`--region "${region}" is not an AWS Region name.`, 'Give a Region such as us-east-1, or cn-north-1 for China Region rules.');
  const stateDir = path.resolve(one(p, 'state') ?? defaultSandboxStateDir());
  const verbose = p.bools.has('verbose');
  let sandbox;
  try {
    sandbox = await startSandbox({ port, stateDir, region, adminRoute: p.bools.has('test-controls'), wrappingKeyPool: 2, log: verbose ? (l) => process.stderr.write(l + '\n') : undefined });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw usageError(`Port ${port} on 127.0.0.1 is already in use.`, 'Choose another --port, or leave it out for a random free port.');
    if (err.code === 'EACCES') throw usageError(`Cannot use ${err.path ?? `port ${port}`}: permission denied.`, 'Choose a state directory you can write (--state DIR) or a port above 1023.');
    throw e;
  }
  const lines = [
    `KMS sandbox listening on ${sandbox.endpoint}`,
    `AWS_ACCESS_KEY_ID=${sandbox.credentials.accessKeyId}`,
    `AWS_SECRET_ACCESS_KEY=${sandbox.credentials.secretAccessKey}`,
    `AWS_REGION=${sandbox.region}`,
    `AWS_DEFAULT_REGION=${sandbox.region}`,
    `AWS_ENDPOINT_URL_KMS=${sandbox.endpoint}`,
    `HUAWEICLOUD_SDK_AK=${sandbox.huawei.accessKey}`,
    `HUAWEICLOUD_SDK_SK=${sandbox.huawei.secretKey}`,
    `HUAWEICLOUD_SDK_PROJECT_ID=${sandbox.huawei.projectId}`,
    `HUAWEICLOUD_KMS_ENDPOINT=${sandbox.huawei.endpoint}`,
    `# Huawei Cloud KMS API: POST /v1.0/{project_id}/kms/<action> (region ${sandbox.huawei.region})`,
    `# state: ${stateDir}${p.bools.has('test-controls') ? ' (test controls on: POST /__sandbox/admin)' : ''}`,
    '# Ctrl+C stops the sandbox.',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await sandbox.close();
  process.stdout.write('KMS sandbox stopped.\n');
  return 0;
}
