// The log lines of the import flow's steps and proofs, in one place so the log and the Import Summary
// name the same things the same way: the wrapping key's fingerprint (wrap step), the key material id
// (import step), the proof's fingerprints (prove step) — identifiers the logger's redaction keeps
// (model/redact.ts), so they read in the log exactly as the summary shows them
// (test/extension/fingerprints.test.ts). No vscode import.
import { fingerprint } from '../../core/encoding';
import type { StepEvent } from '../../flow/types';

/** "step wrap: running — RSAES_OAEP_SHA_256 with wrapping key SHA256:…"; `prefix` e.g. "rotation primary ". */
export const stepLogLine = (e: Pick<StepEvent, 'id' | 'status' | 'detail'>, prefix = ''): string => `${prefix}step ${e.id}: ${e.status}${e.detail ? ` — ${e.detail}` : ''}`;

/** "Proof for <key id>: public-key holds: GetPublicKey equals the local public key (SHA256:…)". */
export const proofLogLine = (keyId: string, proof: { method: string; holds: boolean; detail: string }): string => `Proof for ${keyId}: ${proof.method} ${proof.holds ? 'holds' : 'FAILED'}: ${proof.detail}`;

/** "Parameters in <dir>: wrapping public key SHA256:…, import token SHA256:…" — the fingerprints the summary lists for those files. */
export const bundleLogLine = (dir: string, b: { publicKey: Buffer; importToken: Buffer }): string =>
  `Parameters in ${dir}: wrapping public key ${fingerprint(b.publicKey)}, import token ${fingerprint(b.importToken)}`;
