// The HSM chunk (dist/hsm.js once the extension uses it): wrapping inside a PKCS#11 HSM and the HSM-side proof. Loaded on first use
// only — it pulls in the koffi FFI and the HSM's library, never at extension activation or CLI start.
export { hsmWrap, defaultOutFile, type HsmWrapOptions, type HsmWrapResult } from './hsmWrap';
export { proveHsmKey, proveWithHsmSession, hsmHmac, hsmPublicKeySpki } from './proof';
export { openHsmKey, type HsmTarget, type HsmKeyFacts, type HsmKeySession } from './session';
export { selectWrapPlan, workableAlgorithms, describeWrapMechanisms, type HsmCapabilities, type WrapPlan } from './mechanisms';
export { cloudHsmCliSteps, type CloudHsmStepsInput } from './cloudhsmSteps';
