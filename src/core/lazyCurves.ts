// The pure-JavaScript curve code — SM2 (./sm2, with SM3) and @noble/curves' P-256, P-384, P-521 and
// secp256k1 — in one module that core code loads with require() on first use (curves.ts loadCurves()).
// The extension's build makes it a chunk of its own (dist/curves.js), so activation neither loads nor
// parses it; everywhere else it is an ordinary module. ES re-exports only: one copy of noble per bundle.
export * as sm2 from './sm2';
export { p256 } from '@noble/curves/p256';
export { p384 } from '@noble/curves/p384';
export { p521 } from '@noble/curves/p521';
export { secp256k1 } from '@noble/curves/secp256k1';
