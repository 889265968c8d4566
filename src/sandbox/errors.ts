// KMS errors as the service sends them over awsJson1_1: {"__type": <shape name>, "message": <text>}
// with the HTTP status modeled for the shape (kms-api.md §3.2). Unmodeled AWS errors
// (ValidationException, ThrottlingException, signature errors) use the statuses AWS uses.
// This is the server's wire error, not the client's error model: the client (src/providers/aws/errors.ts)
// maps it by its name (__type) to a KmsImportError whose code is that name (AWS_ERROR_NAMES in
// src/core/errors.ts; a name not listed there gets the code KMS_ERROR and keeps its name in the info).

const STATUS: Record<string, number> = {
  DependencyTimeoutException: 503,
  KMSInternalException: 500,
  KeyUnavailableException: 500,
  KMSInvalidStateException: 409,
  DisabledException: 409,
  AlreadyExistsException: 409,
  ConflictException: 409,
  NotFoundException: 404,
  DryRunOperationException: 412,
  // Unmodeled
  AccessDeniedException: 400,
  UnrecognizedClientException: 400,
  InvalidSignatureException: 400,
  IncompleteSignatureException: 400,
  MissingAuthenticationTokenException: 400,
  ThrottlingException: 400,
  ValidationException: 400,
  SerializationException: 400,
  UnknownOperationException: 400,
};

export class KmsError extends Error {
  readonly status: number;
  constructor(
    readonly type: string,
    message: string,
    status?: number,
  ) {
    super(message);
    this.name = type;
    this.status = status ?? STATUS[type] ?? 400;
  }
  body(): string {
    return JSON.stringify({ __type: this.type, message: this.message });
  }
}

export const kmsError = (type: string, message: string): KmsError => new KmsError(type, message);
export const validation = (message: string): KmsError => new KmsError('ValidationException', message);
