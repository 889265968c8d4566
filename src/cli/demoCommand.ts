// Placeholder until the demo command lands (owned by the demo work); replace this file whole.
import { usageError } from '../core/errors';

export async function runDemoCommand(_argv: string[]): Promise<number> {
  throw usageError('kms-import demo is not available in this build yet.', 'Update to a build that includes it.');
}
