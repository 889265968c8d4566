// An ImportFlowResult as plain JSON (dates as ISO strings, steps without their timestamps, findings without
// the info notes): the one shape the CLI's --json answers, the demo's report and the extension's stored
// results are cut from. Nothing secret is in a result, so nothing here redacts. No vscode, no SDK.
import type { Finding } from '../core/rules';
import type { ImportFlowResult, ProofOutcome, StepEvent } from './types';

export interface ImportResultJson {
  ok: boolean;
  keyId: string;
  keyArn: string;
  keySpec: ImportFlowResult['keySpec'];
  keyState?: ImportFlowResult['keyState'];
  createdKey: boolean;
  keyMaterialId?: string;
  bundleDir?: string;
  parametersValidTo?: string;
  wrappingAlgorithm: ImportFlowResult['wrappingAlgorithm'];
  wrappingKeySpec: ImportFlowResult['wrappingKeySpec'];
  expirationModel: ImportFlowResult['expirationModel'];
  validTo?: string;
  importType?: ImportFlowResult['importType'];
  proof: ProofOutcome;
  findings: Array<Pick<Finding, 'severity' | 'code' | 'message'>>;
  steps: Array<Pick<StepEvent, 'id' | 'status' | 'detail'>>;
}

export function importResultJson(r: ImportFlowResult): ImportResultJson {
  return {
    ok: r.ok,
    keyId: r.keyId,
    keyArn: r.keyArn,
    keySpec: r.keySpec,
    keyState: r.keyState,
    createdKey: r.createdKey,
    keyMaterialId: r.keyMaterialId,
    bundleDir: r.bundleDir,
    parametersValidTo: r.parametersValidTo?.toISOString(),
    wrappingAlgorithm: r.wrappingAlgorithm,
    wrappingKeySpec: r.wrappingKeySpec,
    expirationModel: r.expirationModel,
    validTo: r.validTo?.toISOString(),
    importType: r.importType,
    proof: r.proof,
    findings: r.findings.filter((f) => f.severity !== 'info').map((f) => ({ severity: f.severity, code: f.code, message: f.message })),
    steps: r.steps.map((s) => ({ id: s.id, status: s.status, detail: s.detail })),
  };
}
