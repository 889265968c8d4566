// The HSM code: wrapping inside a PKCS#11 HSM and the HSM-side proof. It pulls in the koffi FFI and the HSM's library, so it is
// loaded on first use only — dist/cli-hsm.js for the CLI, dist/hsm-worker.js (a worker thread) for the extension — never at
// extension activation or CLI start. The extension's main bundle imports only evidence.ts, workerProtocol.ts and cloudhsmSteps.ts.
export { hsmWrap, defaultOutFile, type HsmWrapOptions, type HsmWrapResult } from './hsmWrap';
export { proveHsmKey, proveWithHsmSession, hsmHmac, hsmPublicKeySpki, collectHsmEvidence, readHsmEvidence } from './proof';
export { hsmProver, proveWithHsmEvidence, type HsmEvidence, type HsmProofOutcome } from './evidence';
export { runHsmWrapInWorker, type HsmWorkerJob, type HsmWorkerMessage } from './workerProtocol';
export { openHsmKey, type HsmTarget, type HsmKeyFacts, type HsmKeySession } from './session';
export { selectWrapPlan, workableAlgorithms, describeWrapMechanisms, type HsmCapabilities, type WrapPlan } from './mechanisms';
export { cloudHsmCliSteps, type CloudHsmStepsInput } from './cloudhsmSteps';
