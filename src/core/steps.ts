// The six steps of the import job, with the one set of words people see for them: the flow's events, the
// CLI's lines, the extension's progress and the form's checklist all use these. No imports: browser-safe.
export type StepId = 'create-key' | 'download-parameters' | 'check' | 'wrap' | 'import' | 'prove';
export type StepStatus = 'running' | 'done' | 'skipped' | 'failed' | 'cancelled';

export const STEP_LABELS: Readonly<Record<StepId, string>> = {
  'create-key': 'Create key',
  'download-parameters': 'Download parameters',
  check: 'Check compatibility',
  wrap: 'Wrap key material',
  import: 'Import key material',
  prove: 'Prove the import',
};
