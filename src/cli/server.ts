// The CLI's server-side commands (sandbox, demo, and the flow commands against a KMS), bundled apart from the wrapping commands as
// dist/cli-server.js so that `kms-import wrap` never loads the sandbox or the AWS SDK.
export { runSandboxCommand } from './sandboxCommand';
export { runDemoCommand } from './demoCommand';
export { createKeyCommand, deleteMaterialCommand, getParametersCommand, importCommand, listCommand, verifyCommand } from './flowCommands';
