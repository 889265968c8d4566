// Commands on keys: create (through the form), import (form or a wrapped file from the explorer),
// verify (the proof), delete material, import new material (rotation of symmetric keys).
import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { assertBundleUsable, readBundle } from '../../core/bundle';
import { isKmsImportError } from '../../core/errors';
import { readFileChecked } from '../../core/fsutil';
import type { KeyMaterial } from '../../core/material';
import { KEY_SPECS, type ExpirationModel } from '../../core/specs';
import { readPublicKeyForProof } from '../../core/verify';
import { runProof } from '../../flow/compositions';
import type { ExpirationChoice } from '../../flow/steps/upload';
import { rotateImportedMaterial } from '../../flow/rotation';
import { newBundleDir, readMaterialInteractive } from '../importRunner';
import { reimportExpiry } from '../model/formGuide';
import { COMMANDS } from '../model/commandIds';
import { expirationPickPlan, validToProblem } from '../model/expirationPick';
import { proofLogLine, stepLogLine } from '../model/logLines';
import { keyLabel, type AccountRef } from '../model/treeModel';
import { pickAccountRegion, pickKey } from '../pickers';
import type { Services } from '../services';
import { isAccountNode, isKeyNode, isRegionNode } from '../tree/nodes';
import { registerCommand, UserCancelled } from './run';
import { accountForBundle, pickMaterialFile } from './bundleCommands';
import { keyNodeFor, uploadWrappedFile } from './wrappedImport';

/** A wrapped key (RSA-4096 OAEP, or RSA-AES of an RSA-4096 PKCS#8) is a few KB; a public key or certificate well under 1 MiB. */
const WRAPPED_FILE_MAX_BYTES = 64 * 1024;
const PUBLIC_KEY_FILE_MAX_BYTES = 1024 * 1024;

export function registerKeyCommands(s: Services): vscode.Disposable[] {
  const { log } = s;
  return [
    registerCommand(COMMANDS.createKey, vscode.l10n.t('Create Key for Import'), log, async (arg) => {
      const { account, region } = isRegionNode(arg) || isAccountNode(arg) || isKeyNode(arg) ? await pickAccountRegion(s, arg) : await pickAccountRegion(s, undefined);
      // From the walkthrough: the material generated in its previous step goes into the form.
      const useGenerated = (arg as { useGenerated?: unknown } | undefined)?.useGenerated === true;
      s.showForm({ mode: 'new', accountId: account.id, region, keyId: undefined }, useGenerated ? s.lastGenerated : undefined);
    }),
    registerCommand(COMMANDS.importMaterial, vscode.l10n.t('Import Key Material'), log, async (arg, opts) => {
      const proveWith = (opts as { proveWith?: unknown } | undefined)?.proveWith;
      if (arg instanceof vscode.Uri) return importFromBundle(s, arg, typeof proveWith === 'string' ? proveWith : undefined);
      const node = await pickKey(s, arg, 'external', vscode.l10n.t('Import key material into which key?'));
      // A re-import keeps the key's expiration model and ValidTo.
      s.showForm({ mode: 'existing', accountId: node.account.id, region: node.region, keyId: node.key.keyId, keySpec: node.key.keySpec, ...reimportExpiry(node.key) });
    }),
    registerCommand(COMMANDS.verifyKey, vscode.l10n.t('Verify Imported Key'), log, async (arg) => {
      const node = await pickKey(s, arg, 'external', vscode.l10n.t('Verify which key?'));
      const asymmetric = KEY_SPECS[node.key.keySpec].kind === 'rsa' || KEY_SPECS[node.key.keySpec].kind === 'ec';
      const file = await pickMaterialFile(
        asymmetric
          ? vscode.l10n.t('Choose the key material you imported into {0}, or its public key or certificate (when the private key stays in an HSM)', keyLabel(node.key))
          : vscode.l10n.t('Choose the key material you imported into {0}', keyLabel(node.key)),
      );
      const { material } = await readProofInput(file, asymmetric);
      try {
        const provider = await s.accounts.provider(node.account, node.region);
        // The flow's proof composition: DescribeKey, then the prove step.
        const { key, proof } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Proving the import of {0}…', keyLabel(node.key)), cancellable: true }, async (_p, token) => {
          const c = new AbortController();
          const sub = token.onCancellationRequested(() => c.abort());
          try {
            return await runProof({ provider, keyId: node.key.keyId, proofInput: material, signal: c.signal });
          } finally {
            sub.dispose();
          }
        });
        log.info(proofLogLine(key.keyId, proof));
        const prev = s.results.get(key.keyId);
        await s.results.put({
          ...(prev ?? { ok: proof.holds, keyId: key.keyId, keyArn: key.arn, keySpec: key.keySpec, wrappingAlgorithm: '', wrappingKeySpec: '', expirationModel: key.expirationModel ?? '', accountId: node.account.id, region: node.region }),
          ok: proof.holds,
          keyMaterialId: (proof.method === 'round-trip' ? proof.keyMaterialId : undefined) ?? key.currentKeyMaterialId ?? prev?.keyMaterialId,
          proof: { method: proof.method, holds: proof.holds, detail: proof.detail },
          importedAt: new Date().toISOString(),
        });
        if (proof.holds) void vscode.window.showInformationMessage(vscode.l10n.t('Proof holds for {0}: {1}', keyLabel(node.key), proof.detail));
        else void vscode.window.showErrorMessage(vscode.l10n.t('Proof failed for {0}: {1}', keyLabel(node.key), proof.detail));
        return proof;
      } finally {
        material.dispose();
      }
    }),
    registerCommand(COMMANDS.deleteMaterial, vscode.l10n.t('Delete Imported Key Material'), log, async (arg) => {
      const node = await pickKey(s, arg, 'external', vscode.l10n.t('Delete the imported material of which key?'));
      const del = vscode.l10n.t('Delete Key Material');
      const c = await vscode.window.showWarningMessage(
        vscode.l10n.t('Delete the imported key material of {0}?', keyLabel(node.key)),
        { modal: true, detail: vscode.l10n.t('The key becomes unusable (PendingImport) until you import the same material again. Data encrypted under it cannot be decrypted meanwhile.') },
        del,
      );
      if (c !== del) throw new UserCancelled();
      const provider = await s.accounts.provider(node.account, node.region);
      await provider.deleteImportedKeyMaterial(node.key.keyId);
      log.info(`Deleted imported key material of ${node.key.keyId}`);
      await s.tree.refreshKey(node.account, node.region, node.key.keyId);
      void vscode.window.showInformationMessage(vscode.l10n.t('Deleted the imported key material of {0}: the key now waits for an import (pending import).', keyLabel(node.key)));
    }),
    registerCommand(COMMANDS.importNewMaterial, vscode.l10n.t('Import New Key Material'), log, async (arg) => {
      const node = await pickKey(s, arg, 'external', vscode.l10n.t('Rotate which symmetric key?'));
      if (KEY_SPECS[node.key.keySpec]?.kind !== 'symmetric') throw new Error(vscode.l10n.t('Only symmetric encryption keys can take new key material; {0} is {1}.', keyLabel(node.key), node.key.keySpec));
      const file = await pickMaterialFile(vscode.l10n.t('Choose the NEW key material for {0}', keyLabel(node.key)), true);
      const { material } = await readMaterialInteractive(file);
      const provider = await s.accounts.provider(node.account, node.region);
      // Multi-Region: the primary gets NEW material, each replica the same material as EXISTING, then the primary rotates.
      const current = await provider.describeKey(node.key.keyId);
      const replicas = await Promise.all((current.replicaRegions ?? []).map(async (r) => ({ provider: await s.accounts.provider(node.account, r), keyId: current.keyId })));
      if (replicas.length) log.info(`Rotation of ${current.keyId}: primary in ${node.region}, replicas in ${current.replicaRegions!.join(', ')}`);
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Importing new key material'), cancellable: true }, async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        try {
          return await rotateImportedMaterial({
            provider,
            keyId: node.key.keyId,
            material,
            replicas,
            bundleRoot: await newBundleDir(s, node.key, 'rotation'),
            signal: controller.signal,
            onStep: (e) => {
              log.info(stepLogLine(e, `rotation ${e.target} `));
              if (e.status === 'running') progress.report({ message: `${e.target}: ${e.id}` });
            },
          });
        } finally {
          sub.dispose();
          material.dispose();
        }
      });
      log.info(`Rotation of ${node.key.keyId}: ${result.ok ? 'done' : 'FAILED'}; key material id ${result.keyMaterialId ?? '?'}; proof ${result.proof.detail}`);
      await s.tree.refreshKey(node.account, node.region, node.key.keyId);
      if (result.ok) void vscode.window.showInformationMessage(vscode.l10n.t('New key material is current for {0}. {1}', keyLabel(node.key), result.proof.detail));
      else void vscode.window.showErrorMessage(vscode.l10n.t('Rotation of {0} did not complete: {1}', keyLabel(node.key), result.proof.detail));
      return result.ok;
    }),
  ];
}

/** Explorer: "Import Key Material" on a bundle folder or zip. With EncryptedKeyMaterial.bin next to the
 * parameters, it is uploaded as is; otherwise the form opens for the bundle's key. Given a wrapped
 * file itself (EncryptedKeyMaterial-2.bin after Keep Both), that file is uploaded with its folder's bundle. */
async function importFromBundle(s: Services, uri: vscode.Uri, proveWith?: string): Promise<void> {
  const given = /^EncryptedKeyMaterial(-\d+)?\.bin$/.test(path.basename(uri.fsPath)) && (await fs.stat(uri.fsPath)).isFile() ? uri.fsPath : undefined;
  const bundlePath = given ? path.dirname(given) : uri.fsPath;
  const bundle = await readBundle(bundlePath);
  const keyId = bundle.keyId ?? bundle.keyArn?.split('/').pop();
  if (!keyId) throw new Error(vscode.l10n.t('The bundle at {0} does not say which key it belongs to (no manifest or README).', uri.fsPath));
  const { account, region } = await accountForBundle(s, bundle, keyId);
  const dir = (await fs.stat(bundlePath)).isDirectory() ? bundlePath : path.dirname(bundlePath);
  const wrappedFile = given ?? path.join(dir, 'EncryptedKeyMaterial.bin');
  // Through the core's checked reader (a regular file of bounded size: never a FIFO or a device); absent → the form.
  const wrapped = (await fs.stat(wrappedFile).catch(() => undefined)) ? await readFileChecked(wrappedFile, WRAPPED_FILE_MAX_BYTES) : undefined;
  if (!wrapped) {
    s.showForm({ mode: 'existing', accountId: account.id, region, keyId });
    return;
  }
  assertBundleUsable(bundle);
  const expiration = await pickExpiration(await currentExpiry(s, account, region, keyId));
  // The material file the wrap used (explorer wrap): the import is proven with it, no second question.
  const proofMaterial = proveWith ? (await readMaterialInteractive(proveWith)).material : undefined;
  const result = await uploadWrappedFile(s, { account, region, keyId, bundle, bundleDir: dir, file: wrappedFile, wrapped, expiration, proofInput: proofMaterial }).finally(() => proofMaterial?.dispose());
  if (proofMaterial) {
    if (result.proof.holds) void vscode.window.showInformationMessage(vscode.l10n.t('Imported and proven: {0}', result.proof.detail));
    else void vscode.window.showErrorMessage(vscode.l10n.t('Imported, but the proof failed: {0}', result.proof.detail));
    return;
  }
  const verify = vscode.l10n.t('Verify Imported Key');
  // Not awaited: the command is done; the notification's button is an offer.
  void vscode.window.showInformationMessage(vscode.l10n.t('Imported the wrapped key material into {0}. Prove the import with Verify Imported Key: choose the key material, or, for a key held in an HSM, its public key or certificate.', keyId), verify).then(async (c) => {
    if (c === verify) await vscode.commands.executeCommand(COMMANDS.verifyKey, await keyNodeFor(s, account.id, region, keyId));
  });
}

/**
 * Asks how long imported material lives: no expiry, or until a date within 365 days. On a re-import the
 * key's current expiration model comes first (preselected) and the date box starts at its ValidTo
 * (model/expirationPick.ts), as in the import form.
 */
export async function pickExpiration(current?: { expirationModel?: string; validTo?: Date }): Promise<ExpirationChoice> {
  const plan = expirationPickPlan(current);
  const labels: Record<ExpirationModel, string> = {
    KEY_MATERIAL_DOES_NOT_EXPIRE: vscode.l10n.t('Key material does not expire'),
    KEY_MATERIAL_EXPIRES: vscode.l10n.t('Key material expires…'),
  };
  const expPick = await vscode.window.showQuickPick(
    plan.order.map((model) => ({ label: labels[model], description: model === plan.current ? vscode.l10n.t('current') : undefined, model })),
    // Kept open when focus moves (the notification whose button started the import closes as it opens).
    { title: vscode.l10n.t('Expiration of the imported material'), ignoreFocusOut: true },
  );
  if (!expPick) throw new UserCancelled();
  if (expPick.model !== 'KEY_MATERIAL_EXPIRES') return { model: expPick.model };
  const v = await vscode.window.showInputBox({
    title: vscode.l10n.t('ValidTo (yyyy-mm-dd, {0} … {1})', plan.min, plan.max),
    value: plan.validTo,
    ignoreFocusOut: true,
    validateInput: (x) => (validToProblem(x, plan) ? vscode.l10n.t('A date from {0} to {1}, as yyyy-mm-dd', plan.min, plan.max) : undefined),
  });
  if (!v) throw new UserCancelled();
  return { model: expPick.model, validTo: new Date(`${v}T00:00:00Z`) };
}

/** The key's expiration as KMS has it now (for pickExpiration); the tree's copy if DescribeKey fails. */
export async function currentExpiry(s: Services, account: AccountRef, region: string, keyId: string): Promise<{ expirationModel?: string; validTo?: Date } | undefined> {
  try {
    return await (await s.accounts.provider(account, region)).describeKey(keyId);
  } catch (e) {
    s.log.warn(`Could not describe ${keyId} for its expiration`, e);
    return s.tree.knownKeysAll().find((k) => k.keyId === keyId);
  }
}

/**
 * The material to prove against. For asymmetric keys wrapped inside an HSM (CloudHSM, PKCS#11) the private
 * key never leaves it: its exported public key or certificate proves the import just as well.
 */
async function readProofInput(file: string, asymmetric: boolean): Promise<{ material: Pick<KeyMaterial, 'bytes' | 'publicKeySpki' | 'dispose'> }> {
  try {
    return await readMaterialInteractive(file);
  } catch (e) {
    if (!asymmetric || !isKmsImportError(e) || !['PUBLIC_KEY_NOT_MATERIAL', 'CERTIFICATE_NOT_MATERIAL'].includes(e.code)) throw e;
    const spki = readPublicKeyForProof(await readFileChecked(file, PUBLIC_KEY_FILE_MAX_BYTES));
    return { material: { bytes: Buffer.alloc(0), publicKeySpki: spki, dispose: () => undefined } };
  }
}
