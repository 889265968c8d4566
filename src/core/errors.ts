// Domain errors: every refusal names what is wrong and how to fix it. The CLI and the extension
// show `message` and `fix`; nothing here ever carries secret bytes.

export type ErrorKind =
  | 'invalid-input' // the user's file or value is not what is needed (CLI exit 3)
  | 'incompatible' // the combination is refused by the provider's rules (CLI exit 3)
  | 'usage' // a command was called wrongly (CLI exit 2)
  | 'io' // a file could not be read or written (CLI exit 1)
  | 'internal'; // anything else (CLI exit 1)

export class KmsImportError extends Error {
  /** Recognised by this marker, not instanceof: the CLI's and the extension's lazily loaded chunks each bundle their own copy of this class. */
  readonly kmsImportError = true;
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = 'KmsImportError';
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
