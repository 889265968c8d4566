// The one error model. Every failure the tool raises — the core's refusals, the flow's step errors
// (src/flow/types.ts ImportFlowError), the providers' mapped KMS errors — is a KmsImportError: a kind, a
// code, a message, a fix, the next step the UI can offer (one vocabulary), a cause chain and whether it
// was a cancellation. src/flow/failure.ts maps it to what people see and to the CLI's exit code.
// Nothing here ever carries secret bytes.

export type ErrorKind =
  | 'invalid-input' // the user's file or value is not what is needed (CLI exit 3)
  | 'incompatible' // the combination is refused by the provider's rules (CLI exit 3)
  | 'usage' // a command was called wrongly (CLI exit 2)
  | 'io' // a file could not be read or written (CLI exit 1)
  | 'kms' // the KMS refused or failed a call (exit 3 when it refused the input, else 1)
  | 'cancelled' // the user (or the caller's signal) cancelled (CLI exit 1)
  | 'internal'; // anything else (CLI exit 1)

/** What the user can do next, as a button or a command (the one vocabulary of the extension, the CLI and the providers). */
export type NextStep = 'download-parameters' | 'choose-material' | 'check-permissions' | 'describe-key' | 'retry' | 'none';

export interface ErrorDetails {
  nextStep?: NextStep;
  /** The error this one explains (kept as the standard `cause`). */
  cause?: unknown;
  cancelled?: boolean;
}

export class KmsImportError extends Error {
  /** Recognised by this marker, not instanceof: the CLI's and the extension's lazily loaded chunks each bundle their own copy of this class. */
  readonly kmsImportError = true;
  readonly nextStep: NextStep;
  readonly cancelled: boolean;
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly fix: string,
    details: ErrorDetails = {},
  ) {
    super(message, details.cause !== undefined ? { cause: details.cause } : undefined);
    this.name = 'KmsImportError';
    this.nextStep = details.nextStep ?? 'none';
    this.cancelled = details.cancelled ?? kind === 'cancelled';
  }

  /** One line for a person: what, then the fix. */
  describe(): string {
    return this.fix ? `${this.message}\nFix: ${this.fix}` : this.message;
  }
}

export const invalidInput = (code: string, message: string, fix: string): KmsImportError =>
  new KmsImportError('invalid-input', code, message, fix);

export const incompatible = (code: string, message: string, fix: string): KmsImportError =>
  new KmsImportError('incompatible', code, message, fix);

export const usageError = (message: string, fix: string): KmsImportError => new KmsImportError('usage', 'usage', message, fix);

/** Also true for a KmsImportError from another bundle (the CLI's lazily loaded chunks carry their own copy of this class). */
export function isKmsImportError(e: unknown): e is KmsImportError {
  if (e instanceof KmsImportError) return true;
  const x = e as Partial<KmsImportError> | null;
  return e instanceof Error && (x!.kmsImportError === true || x!.name === 'KmsImportError') && typeof x!.kind === 'string' && typeof x!.code === 'string' && typeof x!.fix === 'string';
}
