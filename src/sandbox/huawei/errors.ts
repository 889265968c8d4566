// Huawei Cloud KMS errors as the service sends them: {"error": {"error_code": "KMS.XXXX", "error_msg": "…"}}
// (KMS's own refusals) and the API gateway's flat {"error_code": "APIG.XXXX", "error_msg": "…",
// "request_id": "…"} (authentication and throttling, answered before KMS sees the request).
// Codes and texts follow Huawei's / Open Telekom Cloud's KMS error appendix (docs/huawei-kms.md); the
// sandbox's messages add what was wrong and what to do. KMS.0101 (internal) is the sandbox's own.

export class HuaweiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
  body(requestId: string): string {
    if (this.code.startsWith('APIG.')) return JSON.stringify({ error_code: this.code, error_msg: this.message, request_id: requestId });
    return JSON.stringify({ error: { error_code: this.code, error_msg: this.message } });
  }
}

const kms = (code: string, status = 400) => (message: string) => new HuaweiError(status, code, message);

export const HW = {
  badUrl: kms('KMS.0201', 404),
  badJson: kms('KMS.0202'),
  tooLong: kms('KMS.0203', 413),
  missing: kms('KMS.0204'),
  badKeyId: kms('KMS.0205'),
  notFound: kms('KMS.0207', 404),
  disabled: kms('KMS.0209'),
  pendingDeletion: kms('KMS.0210'),
  invalid: kms('KMS.0308'),
  notExternal: kms('KMS.0309'),
  notPendingImport: kms('KMS.0310'),
  aliasExists: kms('KMS.1104'),
  notEnabled: kms('KMS.1301'),
  tokenExpired: kms('KMS.2601'),
  expiryInPast: kms('KMS.2602'),
  tokenOtherKey: kms('KMS.2603'),
  not32Bytes: kms('KMS.2604'),
  tokenInvalid: kms('KMS.2605'),
  notSameMaterial: kms('KMS.2606'),
  privateKeyMissing: kms('KMS.2608'),
  privateKeyInvalid: kms('KMS.2609'),
  cannotDelete: kms('KMS.2701'),
  cannotDeletePrivate: kms('KMS.2702'),
  internal: kms('KMS.0101', 500),
  auth: (message: string) => new HuaweiError(401, 'APIG.0301', `Incorrect IAM authentication information: ${message}`),
  throttled: () => new HuaweiError(429, 'APIG.0308', 'The throttling threshold has been reached: policy user over ratelimit (injected by the sandbox). Retry after a short wait.'),
};
