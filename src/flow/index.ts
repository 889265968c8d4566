// The import flow's public API (SDK-free; used by the CLI and the VS Code extension).
export { runImportFlow, type ImportFlowOptions, type ExpirationChoice } from './importFlow';
export { rotateImportedMaterial, type RotationOptions, type RotationResult } from './rotation';
export { proveImport } from './proof';
export { listKeysDetailed, listKeysSequential, KeyListCache, type ListKeysDetailedOptions, type ListResult, type ListProgress, type KeyListFailure, type KeyListing, type KeyListCacheOptions } from './listing';
export { ImportFlowError, isImportFlowError, STEP_LABELS, type ImportFlowResult, type ProofOutcome, type StepEvent, type StepId, type StepStatus } from './types';
