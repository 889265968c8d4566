// Typed access to the extension's settings (package.json contributes.configuration, "kmsImport.*").
// Restricted settings (endpoints, profiles, bundle folder, sandbox folder/port) take only the user's value
// in untrusted workspaces; the workspace's own is ignored.
import * as vscode from 'vscode';
import type { WrappingAlgorithm, WrappingKeySpec } from '../core/specs';

const SECTION = 'kmsImport';

function cfg(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

/** A machine-level value only (user settings), never the workspace's, unless the workspace is trusted. */
function trusted<T>(key: string, fallback: T): T {
  if (vscode.workspace.isTrusted) return cfg().get<T>(key, fallback);
  const inspected = cfg().inspect<T>(key);
  return (inspected?.globalValue ?? inspected?.defaultValue ?? fallback) as T;
}

export const settings = {
  regions: (): string[] => cfg().get<string[]>('regions', []),
  profiles: (): string[] => trusted<string[]>('profiles', []),
  endpoints: (): Record<string, string> => trusted<Record<string, string>>('endpoints', {}),
  defaultWrappingKeySpec: (): WrappingKeySpec => cfg().get<WrappingKeySpec>('defaultWrappingKeySpec', 'RSA_4096'),
  defaultWrappingAlgorithm: (): WrappingAlgorithm | 'auto' => cfg().get<WrappingAlgorithm | 'auto'>('defaultWrappingAlgorithm', 'auto'),
  bundleFolder: (): string => trusted<string>('bundleFolder', 'kms-import') || 'kms-import',
  sandboxAutoStart: (): boolean => cfg().get<boolean>('sandbox.autoStart', false),
  sandboxRegion: (): string => cfg().get<string>('sandbox.region', 'us-east-1') || 'us-east-1',
  sandboxPort: (): number => trusted<number>('sandbox.port', 0),
  sandboxStateDir: (): string => trusted<string>('sandbox.stateDir', ''),
  listConcurrency: (): number => cfg().get<number>('listConcurrency', 32),
  expiryWarningMinutes: (): number => cfg().get<number>('expiryWarningMinutes', 60),
  affects: (e: vscode.ConfigurationChangeEvent, key: string): boolean => e.affectsConfiguration(`${SECTION}.${key}`),
};
