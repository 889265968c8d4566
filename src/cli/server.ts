// The CLI's server-side commands (sandbox, demo), bundled apart from the wrapping commands as
// dist/cli-server.js so that `kms-import wrap` never loads the sandbox or the AWS SDK.
export { runSandboxCommand } from './sandboxCommand';
export { runDemoCommand } from './demoCommand';
