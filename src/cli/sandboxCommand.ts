// Placeholder until the sandbox command lands (owned by the sandbox work); replace this file whole.
import { usageError } from '../core/errors';

export async function runSandboxCommand(_argv: string[]): Promise<number> {
  throw usageError('kms-import sandbox is not available in this build yet.', 'Update to a build that includes it.');
}
