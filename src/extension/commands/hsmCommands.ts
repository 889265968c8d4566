// Commands for keys held in a PKCS#11 HSM (CloudHSM or any other):
//  "Wrap in HSM (PKCS#11)…" on a pending-import key or a bundle folder — asks for the library, the token, the key
//    and the PIN (from SecretStorage, or a password prompt; never logged, never in settings), wraps inside the HSM
//    in a worker thread (dist/hsm-worker.js: koffi and the synchronous PKCS#11 calls never run on the extension
//    host's main thread, and never load at activation), writes the wrapped file into the bundle folder, then hands
//    over to the flow's upload-as-is (runWrappedImport) with the HSM's evidence as the proof step;
//  "Show CloudHSM CLI Steps" — the CloudHSM CLI commands for this bundle's paths and algorithm, in an editor.
// The worker cannot be interrupted inside a PKCS#11 call, so the wrap itself is not cancellable; the import is.
import * as vscode from 'vscode';
import { existsSync, promises as fs } from 'node:fs';
import { readFileChecked } from '../../core/fsutil';
import * as path from 'node:path';
import { assertBundleUsable, readBundle, type ParameterBundle } from '../../core/bundle';
import { isKmsImportError } from '../../core/errors';
import type { ImportFlowResult } from '../../flow/types';
import { cloudHsmCliSteps } from '../../hsm/cloudhsmSteps';
import { hsmProver } from '../../hsm/evidence';
import { runHsmWrapInWorker } from '../../hsm/workerProtocol';
import { COMMANDS } from '../model/commandIds';
import { planOutput } from '../model/outputPaths';
import type { AccountRef } from '../model/treeModel';
import { pickKey } from '../pickers';
import type { Services } from '../services';
import { isKeyNode } from '../tree/nodes';
import { accountForBundle, askOverwrite, pickBundle } from './bundleCommands';
import { currentExpiry, pickExpiration } from './keyCommands';
import { registerCommand, UserCancelled } from './run';
import { uploadWrappedFile } from './wrappedImport';

const LAST = 'kmsImport.hsm.last';
const SOFTHSM = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so', '/opt/homebrew/lib/softhsm/libsofthsm2.so'];
const CLOUDHSM = '/opt/cloudhsm/lib/libcloudhsm_pkcs11.so';

interface Target {
  dir: string;
  bundle: ParameterBundle;
  keyId: string;
  account: AccountRef;
  region: string;
}

/** The bundle and key a command acts on: a bundle folder (explorer) or a key (tree, palette) and one of its bundles. */
async function targetOf(s: Services, arg: unknown, title: string): Promise<Target> {
  if (arg instanceof vscode.Uri) {
    const dir = path.basename(arg.fsPath) === 'kms-import.json' ? path.dirname(arg.fsPath) : arg.fsPath;
    const bundle = await readBundle(dir);
    const keyId = bundle.keyId ?? bundle.keyArn?.split('/').pop();
    if (!keyId) throw new Error(vscode.l10n.t('The bundle at {0} does not say which key it belongs to.', dir));
    const { account, region } = await accountForBundle(s, bundle, keyId);
    return { dir: (await fs.stat(dir)).isDirectory() ? dir : path.dirname(dir), bundle, keyId, account, region };
  }
  const node = await pickKey(s, arg, 'pending', title);
  const { dir, bundle } = await pickBundle(s, node.key.keyId, vscode.l10n.t('Parameters to wrap with'), isKeyNode(arg) ? arg : node);
  return { dir, bundle, keyId: node.key.keyId, account: node.account, region: node.region };
}

async function ask(title: string, value: string | undefined, prompt: string, validate?: (v: string) => string | undefined): Promise<string> {
  const v = await vscode.window.showInputBox({ title, value, prompt, ignoreFocusOut: true, validateInput: (x) => (!x.trim() ? vscode.l10n.t('Required') : validate?.(x.trim())) });
  if (v === undefined) throw new UserCancelled();
  return v.trim();
}

const pinKey = (module: string, token: string) => `kmsImport.hsmPin:${module}\u0000${token}`;

async function wrapInHsm(s: Services, arg: unknown): Promise<ImportFlowResult> {
  const t = await targetOf(s, arg, vscode.l10n.t('Wrap in the HSM for which key?'));
  assertBundleUsable(t.bundle);
  const last = s.context.globalState.get<{ module?: string; token?: string; keyLabel?: string }>(LAST) ?? {};
  const title = vscode.l10n.t('Wrap in HSM (PKCS#11) for {0}', t.keyId);
  const module = await ask(title, last.module ?? [...SOFTHSM, CLOUDHSM].find((p) => existsSync(p)), vscode.l10n.t('The HSM\'s PKCS#11 library (CloudHSM: {0})', CLOUDHSM), (v) => (existsSync(v) ? undefined : vscode.l10n.t('No file at {0}', v)));
  const token = await ask(title, last.token, vscode.l10n.t('The token label'));
  const keyRef = await ask(title, last.keyLabel, vscode.l10n.t('The label of the key in the HSM, or id:HEX for its CKA_ID'), (v) => (v.startsWith('id:') && !/^id:([0-9a-fA-F]{2})+$/.test(v) ? vscode.l10n.t('id: takes hex digits, e.g. id:01a2') : undefined));
  await s.context.globalState.update(LAST, { module, token, keyLabel: keyRef });
  const stored = await s.context.secrets.get(pinKey(module, token));
  const pinText = stored ?? (await vscode.window.showInputBox({ title, prompt: vscode.l10n.t('PIN of the crypto user for token "{0}" (not stored unless you choose so afterwards)', token), password: true, ignoreFocusOut: true, validateInput: (x) => (x ? undefined : vscode.l10n.t('Required')) }));
  if (!pinText) throw new UserCancelled();
  const plan = await planOutput(path.join(t.dir, 'EncryptedKeyMaterial.bin'), askOverwrite, []);
  if (!plan) throw new UserCancelled();
  const keySpec = s.tree.knownKeysAll().find((k) => k.keyId === t.keyId)?.keySpec;
  const workerFile = path.join(s.context.extensionUri.fsPath, 'dist', 'hsm-worker.js');
  let wrapped;
  try {
    wrapped = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Wrapping inside the HSM…') }, (progress) =>
      runHsmWrapInWorker(
        workerFile,
        { module, token, bundle: t.dir, out: plan.path, force: plan.overwrite, keySpec, keyLabel: keyRef.startsWith('id:') ? undefined : keyRef, keyIdHex: keyRef.startsWith('id:') ? keyRef.slice(3) : undefined },
        Buffer.from(pinText, 'utf8'),
        (line) => {
          s.log.info(`hsm: ${line}`);
          progress.report({ message: line });
        },
      ),
    );
  } catch (e) {
    if (stored && isKmsImportError(e) && e.code === 'HSM_PIN_INCORRECT') await s.context.secrets.delete(pinKey(module, token));
    throw e;
  }
  s.log.info(`Wrapped inside the HSM: ${wrapped.file} (${wrapped.bytes} bytes, ${wrapped.algorithm} with ${wrapped.plan.description}; self-test: ${wrapped.selfTest})`);
  s.bundlesChanged();
  const result = await importWrapped(s, t, wrapped.file, hsmProver(wrapped.evidence!));
  if (!stored) {
    const remember = vscode.l10n.t('Remember PIN');
    void vscode.window.showInformationMessage(vscode.l10n.t('Keep the PIN of token "{0}" in VS Code\'s secret storage for the next wrap?', token), remember).then(async (c) => {
      if (c === remember) await s.context.secrets.store(pinKey(module, token), pinText);
    });
  }
  return result;
}

/** The flow's upload-as-is of the wrapped file, proven with the HSM's evidence. */
async function importWrapped(s: Services, t: Target, file: string, proofInput: ReturnType<typeof hsmProver>): Promise<ImportFlowResult> {
  const expiration = await pickExpiration(await currentExpiry(s, t.account, t.region, t.keyId));
  const wrapped = await readFileChecked(file, 64 * 1024);
  const r = await uploadWrappedFile(s, { account: t.account, region: t.region, keyId: t.keyId, bundle: t.bundle, bundleDir: t.dir, file, wrapped, expiration, proofInput });
  if (r.ok) void vscode.window.showInformationMessage(vscode.l10n.t('Wrapped inside the HSM, imported and proven: {0}', r.proof.detail));
  else void vscode.window.showErrorMessage(vscode.l10n.t('Imported, but the proof failed for {0}: {1}', t.keyId, r.proof.detail));
  return r;
}

async function showCloudHsmSteps(s: Services, arg: unknown): Promise<string> {
  const t = await targetOf(s, arg, vscode.l10n.t('CloudHSM CLI steps for which key?'));
  if (!t.bundle.wrappingAlgorithm) throw new Error(vscode.l10n.t('The bundle at {0} does not say which wrapping algorithm it was downloaded for.', t.dir));
  const text = cloudHsmCliSteps({ bundleDir: t.dir, algorithm: t.bundle.wrappingAlgorithm, keyId: t.keyId, keyLabel: s.context.globalState.get<{ keyLabel?: string }>(LAST)?.keyLabel });
  const doc = await vscode.workspace.openTextDocument({ language: 'shellscript', content: text });
  await vscode.window.showTextDocument(doc, { preview: false });
  s.log.info(`CloudHSM CLI steps for ${t.keyId} (${t.bundle.wrappingAlgorithm}, ${t.dir}) opened`);
  return text;
}

export function registerHsmCommands(s: Services): vscode.Disposable[] {
  return [
    registerCommand(COMMANDS.wrapInHsm, vscode.l10n.t('Wrap in HSM (PKCS#11)'), s.log, (arg) => wrapInHsm(s, arg)),
    registerCommand(COMMANDS.showCloudHsmSteps, vscode.l10n.t('Show CloudHSM CLI Steps'), s.log, (arg) => showCloudHsmSteps(s, arg)),
  ];
}
