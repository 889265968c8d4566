// The one logger: a LogOutputChannel ("KMS Key Import") whose every line goes through redaction.
// Users pick the verbosity with "Developer: Set Log Level". Log messages are not localized.
import * as vscode from 'vscode';
import { formatLogLine } from './model/redact';

export class Logger implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor(name = 'KMS Key Import') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  trace(message: string, details?: unknown): void {
    this.channel.trace(formatLogLine(message, details));
  }
  debug(message: string, details?: unknown): void {
    this.channel.debug(formatLogLine(message, details));
  }
  info(message: string, details?: unknown): void {
    this.channel.info(formatLogLine(message, details));
  }
  warn(message: string, details?: unknown): void {
    this.channel.warn(formatLogLine(message, details));
  }
  error(message: string, error?: unknown): void {
    this.channel.error(formatLogLine(message, error instanceof Error ? { error: `${error.name}: ${error.message}` } : error));
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}
