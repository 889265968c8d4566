// Extension-host tests in desktop VS Code, for contributors whose machine can download it:
//   npm run test:vscode        (@vscode/test-cli → @vscode/test-electron downloads VS Code stable)
// Not part of `npm test`: this machine cannot download VS Code; there the same extension runs in code-server
// (test/e2e, `node scripts/test.mjs e2e`). Desktop VS Code runs extensions on Electron's BoringSSL, so this is
// also where the "no OpenSSL-only primitives" rule is proven for real.
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'extension-host',
  files: 'test/vscode/**/*.test.js',
  version: process.env.KMS_IMPORT_VSCODE_VERSION ?? 'stable',
  workspaceFolder: './test/vscode/workspace',
  // Only this extension: no other extension's activation or commands in the way.
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  env: { KMS_IMPORT_TEST: '1' },
  mocha: { ui: 'tdd', timeout: 60_000, color: true },
});
