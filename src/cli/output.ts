// Output for people (lines) or scripts (--json: one JSON document on stdout). Errors never show stacks.
import type { KmsImportError } from '../core/errors';
import { describeFailure } from '../flow/failure';

export class Output {
  constructor(readonly json: boolean) {}

  result(data: Record<string, unknown>, lines: () => string[]): void {
    if (this.json) process.stdout.write(JSON.stringify({ ok: true, ...data }, null, 2) + '\n');
    else process.stdout.write(lines().join('\n') + '\n');
  }

  /** The JSON's code is describeFailure's: the KMS's own error name for a provider error (also one not in ERROR_CODES), else the tool's code. */
  error(e: KmsImportError): void {
    if (this.json) process.stdout.write(JSON.stringify({ ok: false, error: { kind: e.kind, code: describeFailure(e).code, message: e.message, fix: e.fix } }, null, 2) + '\n');
    else process.stderr.write(`kms-import: ${e.message}\nFix: ${e.fix}\n`);
  }

  unexpected(e: unknown): void {
    const msg = e instanceof Error ? e.message : String(e);
    if (this.json) process.stdout.write(JSON.stringify({ ok: false, error: { kind: 'internal', code: 'INTERNAL', message: msg } }) + '\n');
    else process.stderr.write(`kms-import: unexpected error: ${msg}\nFix: run again with KMS_IMPORT_DEBUG=1 and report the output.\n`);
    if (process.env.KMS_IMPORT_DEBUG && e instanceof Error) process.stderr.write((e.stack ?? '') + '\n');
  }
}

/** The flow's one mapping from an error to its exit code (0 done, 2 usage, 3 refused, 1 anything else). */
export function exitCodeFor(e: unknown): number {
  return describeFailure(e).exitCode;
}
