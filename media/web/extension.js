// VS Code for the Web: KMS Key Import needs a local or remote workspace (it reads key material files,
// runs the local KMS sandbox and talks to AWS KMS from the extension host). Every command says so.
'use strict';
const vscode = require('vscode');

function activate(context) {
  const message = vscode.l10n.t('KMS Key Import does not run in VS Code for the Web: it needs local files and a Node.js extension host. Open this folder in VS Code desktop, or in a remote (SSH, container, Codespaces) window.');
  const ext = context.extension;
  const commands = (ext && ext.packageJSON && ext.packageJSON.contributes && ext.packageJSON.contributes.commands) || [];
  for (const c of commands) {
    context.subscriptions.push(vscode.commands.registerCommand(c.command, () => vscode.window.showWarningMessage(message)));
  }
  void vscode.window.showInformationMessage(message);
}

function deactivate() {}

module.exports = { activate, deactivate };
