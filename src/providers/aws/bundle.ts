// The entry esbuild bundles to dist/aws.js: everything that needs the AWS SDK, loaded lazily by the
// extension on first use (so activation does no network or credential work and dist/extension.js
// does not carry the SDK). The import flow itself is SDK-free and lives in src/flow.
export { createAwsProvider, AwsKmsProvider, type AwsProviderOptions, type KmsOperation } from './awsProvider';
export { KmsClientFactory, defaultClientFactory, createKmsClient, type KmsClientOptions } from './clientFactory';
export { KmsRetryStrategy, type RetryOptions } from './retry';
export { listAwsAccounts, credentialsFor, providerIdForRegion, sharedFilePaths, parseIni, type AwsAccount, type CredentialSource, type ListAccountsOptions } from './credentials';
export { mapAwsError, toProviderError, missingPermission, type ErrorContext } from './errors';
