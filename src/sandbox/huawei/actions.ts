// The actions of Huawei's KMS API that the sandbox serves (POST /v1.0/{project_id}/kms/<action>). The test
// controls name them for per-operation faults, beside AWS's operation names. No imports.
export const HUAWEI_ACTIONS = [
  'create-key',
  'describe-key',
  'list-keys',
  'get-parameters-for-import',
  'import-key-material',
  'delete-imported-key-material',
  'encrypt-data',
  'decrypt-data',
  'sign',
  'verify',
  'get-publickey',
] as const;

export const isHuaweiAction = (x: string): boolean => (HUAWEI_ACTIONS as readonly string[]).includes(x);
