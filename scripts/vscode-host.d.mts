// Types for scripts/vscode-host.mjs (used by the e2e tests and the benchmark, which are TypeScript).
import type { ChildProcess } from 'node:child_process';

export const root: string;
export const CODE_SERVER_VERSION: string;
export const NODE_MAJOR: string;
export const VSCE_FLAGS: string[];

export interface ToolPaths {
  cache: string;
  nodeDir: string;
  node: string;
  codeServerDir: string;
  codeServer: string;
  chromium: string;
}

export interface CodeServerHandle {
  pid: number;
  port: number;
  url: string;
  folderUrl: string;
  userDataDir: string;
  extensionsDir: string;
  workspace?: string;
  logsDir: string;
  output(): string;
  exited(): { code: number | null; signal: NodeJS.Signals | null } | null;
  stop(): Promise<void>;
}

export function toolPaths(cache?: string): ToolPaths;
export function removeStaleStaging(cache: string): void;
export function cleanInstallEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
export function nodeEnv(t?: ToolPaths, extra?: Record<string, string>): NodeJS.ProcessEnv;
export function ensureTools(opts?: { apt?: boolean }): ToolPaths;
export function readZip(bytes: Uint8Array): Map<string, Buffer>;
export function unpackVsix(vsixPath: string, extensionsDir: string): string;
export function installExtensionDir(extensionsDir: string, from?: string): string;
export function packageVsix(outFile: string, opts?: { build?: boolean }): string;
export function freePort(): Promise<number>;
export function waitFor<T>(fn: () => T | Promise<T>, opts?: { timeoutMs?: number; intervalMs?: number; what?: string }): Promise<NonNullable<T>>;
export function startCodeServer(opts?: {
  workspace?: string;
  extensionsDir?: string;
  userDataDir?: string;
  settings?: Record<string, unknown>;
  env?: Record<string, string>;
  port?: number;
  tools?: ToolPaths;
}): Promise<CodeServerHandle>;
export function stopProcess(child: ChildProcess | number, opts?: { timeoutMs?: number }): Promise<void>;
export function listFiles(dir: string): string[];
