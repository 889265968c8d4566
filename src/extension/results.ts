// Import results kept per key in workspace state (secret-free), so the summary panel can show the
// proof after a reload. Dates are stored as ISO strings.
import type * as vscode from 'vscode';
import type { ImportFlowResult } from '../flow/types';
import { importResultJson } from '../flow/resultJson';

const KEY = 'kmsImport.results';
/** Bundle folders whose parameters an import used (they are no longer counted down). */
const USED = 'kmsImport.usedBundles';

export interface StoredResult {
  ok: boolean;
  keyId: string;
  keyArn: string;
  keySpec: string;
  keyMaterialId?: string;
  bundleDir?: string;
  parametersValidTo?: string;
  wrappingAlgorithm: string;
  wrappingKeySpec: string;
  expirationModel: string;
  validTo?: string;
  proof: { method: string; holds: boolean; detail: string };
  importedAt: string;
  accountId: string;
  region: string;
}

export function toStored(r: ImportFlowResult, accountId: string, region: string, now = new Date()): StoredResult {
  const { ok, keyId, keyArn, keySpec, keyMaterialId, bundleDir, parametersValidTo, wrappingAlgorithm, wrappingKeySpec, expirationModel, validTo, proof } = importResultJson(r);
  return { ok, keyId, keyArn, keySpec, keyMaterialId, bundleDir, parametersValidTo, wrappingAlgorithm, wrappingKeySpec, expirationModel, validTo, proof: { method: proof.method, holds: proof.holds, detail: proof.detail }, importedAt: now.toISOString(), accountId, region };
}

export class ResultStore {
  private readonly listeners: Array<() => void> = [];
  constructor(private readonly memento: vscode.Memento) {}

  /** Called after every put (the status bar re-renders). */
  onDidChange(f: () => void): void {
    this.listeners.push(f);
  }

  /** Bundle folders an import used, most recent last (at most 500). */
  usedBundles(): Set<string> {
    return new Set(this.memento.get<string[]>(USED, []));
  }

  get(keyId: string): StoredResult | undefined {
    return this.memento.get<Record<string, StoredResult>>(KEY, {})[keyId];
  }

  async put(r: StoredResult): Promise<void> {
    const all = { ...this.memento.get<Record<string, StoredResult>>(KEY, {}), [r.keyId]: r };
    // keep the 200 most recent
    const entries = Object.entries(all).sort((a, b) => b[1].importedAt.localeCompare(a[1].importedAt)).slice(0, 200);
    await this.memento.update(KEY, Object.fromEntries(entries));
    if (r.bundleDir) {
      const used = this.memento.get<string[]>(USED, []).filter((d) => d !== r.bundleDir);
      await this.memento.update(USED, [...used, r.bundleDir].slice(-500));
    }
    for (const f of this.listeners) f();
  }
}
