// Commands on parameter bundles and material files: download parameters, wrap (for a key, or from
// the explorer), open a bundle, show the summary, generate test material. No output replaces an
// existing file without a modal question (Overwrite / Keep Both / Cancel), and the key material being
// wrapped is never replaced (src/extension/model/outputPaths.ts).
import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { assertBundleUsable, bundleExpiry, readBundle, type ParameterBundle } from '../../core/bundle';
import { writeFileAtomic } from '../../core/fsutil';
import { defaultMaterialFileName, generateMaterial } from '../../core/generate';
import { parseWrappingPublicKey } from '../../core/publicKey';
import { checkCompatibility, optionMatrix, recommend } from '../../core/rules';
import { runDownloadParameters } from '../../flow/compositions';
import { checkBeforeWrap, materialFacts } from '../../flow/steps/wrap';
import { judgeBundles } from '../model/bundleChoice';
import { bundleLogLine } from '../model/logLines';
import { IMPORTABLE_KEY_SPECS, KEY_SPECS, isKeySpec, type KeySpec } from '../../core/specs';
import { wrapKeyMaterial } from '../../core/wrap';
import { newBundleDir, readMaterialInteractive } from '../importRunner';
import { COMMANDS } from '../model/commandIds';
import { keyLabel, providerForAccount, SANDBOX_ACCOUNT, type AccountRef } from '../model/treeModel';
import { offeredWrapping } from '../model/huaweiAccounts';
import { planOutput, type OverwriteAnswer } from '../model/outputPaths';
import { pickAccountRegion, pickKey, pickKeyForMaterial } from '../pickers';
import type { Services } from '../services';
import { isKeyNode, type KeyNode } from '../tree/nodes';
import { registerCommand, UserCancelled } from './run';

const MATERIAL_EXTS = ['bin', 'der', 'pem', 'key', 'p8', 'pk8', 'p12', 'pfx', 'jwk', 'json', 'b64', 'hex', 'txt'];
const SANDBOX_ACCOUNT_ID = '111122223333';

export async function pickMaterialFile(title: string, allowGenerate = false): Promise<string> {
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, title, openLabel: vscode.l10n.t('Use as Key Material'), defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri, filters: { [vscode.l10n.t('Key material')]: MATERIAL_EXTS, [vscode.l10n.t('All files')]: ['*'] } });
  if (!picked?.[0]) {
    if (allowGenerate) {
      const gen = vscode.l10n.t('Generate Test Key Material');
      const c = await vscode.window.showInformationMessage(vscode.l10n.t('No file chosen.'), gen);
      if (c === gen) {
        const f = await vscode.commands.executeCommand<string | undefined>(COMMANDS.generateMaterial, { keySpec: 'SYMMETRIC_DEFAULT' });
        if (f) return f;
      }
    }
    throw new UserCancelled();
  }
  return picked[0].fsPath;
}

/** The account and region a bundle belongs to: from a stored result, the sandbox's account id, or asked. */
export async function accountForBundle(s: Services, b: ParameterBundle, keyId: string): Promise<{ account: AccountRef; region: string }> {
  const stored = s.results.get(keyId);
  const accounts = await s.accounts.list();
  if (stored) {
    const account = accounts.find((a) => a.id === stored.accountId);
    if (account) return { account, region: stored.region };
  }
  // A key the tree has listed (Huawei key ids name no account or region).
  const listed = s.tree.findKeyNode(keyId);
  if (listed) return { account: listed.account, region: listed.region };
  const arnAccount = b.keyArn?.split(':')[4];
  if (arnAccount === SANDBOX_ACCOUNT_ID) return { account: SANDBOX_ACCOUNT, region: b.region ?? s.sandbox.region };
  const picked = await pickAccountRegion(s, undefined);
  return { account: picked.account, region: b.region ?? picked.region };
}

/** Downloads parameters for a key into a new bundle folder; returns the folder. */
async function downloadParameters(s: Services, node: KeyNode): Promise<string> {
  const provider = providerForAccount(node.account, node.region);
  // Huawei serves RSA_2048 wrapping keys only (offeredWrapping narrows the core's rows to those).
  const { rows: allowed, rec } = offeredWrapping(provider, optionMatrix({ provider, keySpec: node.key.keySpec }).filter((r) => r.allowed), recommend(provider, node.key.keySpec));
  const items = allowed
    .sort((a, b) => Number(b.wrappingKeySpec === rec.wrappingKeySpec && b.algorithm === rec.algorithm) - Number(a.wrappingKeySpec === rec.wrappingKeySpec && a.algorithm === rec.algorithm))
    .map((r) => {
      const warn = checkCompatibility({ provider, keySpec: node.key.keySpec, wrappingKeySpec: r.wrappingKeySpec, algorithm: r.algorithm }).find((f) => f.severity === 'warning');
      return { label: `${r.wrappingKeySpec} · ${r.algorithm}`, description: r.wrappingKeySpec === rec.wrappingKeySpec && r.algorithm === rec.algorithm ? vscode.l10n.t('recommended') : undefined, detail: warn?.message, row: r };
    });
  const pick = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Wrapping key spec and algorithm for {0} ({1})', keyLabel(node.key), node.key.keySpec), ignoreFocusOut: true });
  if (!pick) throw new UserCancelled();
  const kms = await s.accounts.provider(node.account, node.region);
  const dir = await newBundleDir(s, node.key);
  // The flow's download step: the bundle folder is written complete into a temporary sibling, then renamed.
  const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Downloading wrapping key and import token…'), cancellable: true }, async (_p, token) => {
    const c = new AbortController();
    const sub = token.onCancellationRequested(() => c.abort());
    try {
      return await runDownloadParameters({ provider: kms, keyId: node.key.keyId, wrapping: { wrappingAlgorithm: pick.row.algorithm, wrappingKeySpec: pick.row.wrappingKeySpec }, bundleDir: dir, signal: c.signal });
    } finally {
      sub.dispose();
    }
  });
  s.log.info(`Parameters for ${r.keyId} (${r.choice.wrappingKeySpec}, ${r.choice.wrappingAlgorithm}) written to ${r.bundleDir}, valid to ${r.validTo.toISOString()}`);
  s.log.info(bundleLogLine(dir, await readBundle(dir)));
  s.bundlesChanged();
  await s.showSummary({ accountId: node.account.id, region: node.region, keyId: node.key.keyId, bundleDir: dir });
  return dir;
}

/** Bundles in the workspace (kms-import.json manifests), freshest first; node_modules is skipped. */
export async function findBundles(): Promise<Array<{ dir: string; bundle: ParameterBundle }>> {
  const manifests = await vscode.workspace.findFiles('**/kms-import.json', '{**/node_modules/**,**/.git/**}', 500);
  const out: Array<{ dir: string; bundle: ParameterBundle }> = [];
  for (const m of manifests) {
    const dir = path.dirname(m.fsPath);
    try {
      out.push({ dir, bundle: await readBundle(dir) });
    } catch {
      /* an incomplete or foreign bundle: not offered */
    }
  }
  return out.sort((a, b) => (b.bundle.validTo?.getTime() ?? 0) - (a.bundle.validTo?.getTime() ?? 0));
}

/** Modal: an output's name is taken. Overwrite is not offered for the key material itself. */
export async function askOverwrite(existing: string, canOverwrite: boolean): Promise<OverwriteAnswer> {
  const overwrite = vscode.l10n.t('Overwrite');
  const keepBoth = vscode.l10n.t('Keep Both');
  const detail = canOverwrite
    ? vscode.l10n.t('Overwrite replaces it. Keep Both writes the new file under the next free name ({0}-2…).', path.basename(existing, path.extname(existing)))
    : vscode.l10n.t('It is the key material being wrapped, so it is never replaced. Keep Both writes the new file under the next free name.');
  const c = await vscode.window.showWarningMessage(vscode.l10n.t('{0} already exists in {1}.', path.basename(existing), path.dirname(existing)), { modal: true, detail }, ...(canOverwrite ? [overwrite, keepBoth] : [keepBoth]));
  return c === overwrite ? 'overwrite' : c === keepBoth ? 'keep-both' : undefined;
}

/** Writes an output the extension named, after asking if the name is taken; returns where it went. */
async function writeOutput(target: string, data: Buffer, inputs: string[] = []): Promise<string> {
  const plan = await planOutput(target, askOverwrite, inputs);
  if (!plan) throw new UserCancelled();
  // `overwrite` is what permits replacing a file where writeFileAtomic refuses an existing target
  // unless told; where it replaces anyway, the question above has already been asked.
  const opts: Parameters<typeof writeFileAtomic>[2] & { overwrite?: boolean } = { mode: 0o600, overwrite: plan.overwrite };
  await writeFileAtomic(plan.path, data, opts);
  return plan.path;
}

/** Wraps a material file with a bundle's public key; writes EncryptedKeyMaterial.bin next to the bundle. */
async function wrapInto(s: Services, materialFile: string, dir: string, bundle: ParameterBundle, passphrase?: string): Promise<string> {
  assertBundleUsable(bundle);
  if (!bundle.wrappingAlgorithm) throw new Error(vscode.l10n.t('The bundle at {0} does not say which wrapping algorithm it was downloaded for.', dir));
  const { material } = await readMaterialInteractive(materialFile, passphrase);
  try {
    const keySpec = bundle.keyId ? s.tree.knownKeysAll().find((k) => k.keyId === bundle.keyId)?.keySpec : undefined;
    // The flow's check, then the core's wrap: a refusal is a KmsImportError with its fix.
    const findings = checkBeforeWrap({ provider: bundle.provider ?? 'aws', keySpec, wrappingKeySpec: bundle.wrappingKeySpec, algorithm: bundle.wrappingAlgorithm, material: materialFacts(material) });
    for (const w of findings.filter((f) => f.severity === 'warning')) s.log.warn(`wrap: ${w.message}`);
    const pub = parseWrappingPublicKey(bundle.publicKey, bundle.wrappingKeySpec);
    const wrapped = wrapKeyMaterial(material.bytes, pub, bundle.wrappingAlgorithm);
    const out = await writeOutput(path.join(dir, 'EncryptedKeyMaterial.bin'), wrapped, [materialFile]);
    s.log.info(`Wrapped ${path.basename(materialFile)} (${material.description}) with ${bundle.wrappingAlgorithm} for ${bundle.keyId ?? 'the bundle key'} → ${out} (${wrapped.length} bytes)`);
    return out;
  } finally {
    material.dispose();
  }
}

export async function pickBundle(s: Services, keyId: string | undefined, title: string, node?: KeyNode): Promise<{ dir: string; bundle: ParameterBundle }> {
  const now = new Date();
  const all = (await findBundles()).filter((b) => !keyId || b.bundle.keyId === keyId);
  const fresh = all.filter((b) => !bundleExpiry(b.bundle, now).expired);
  const download = { label: `$(cloud-download) ${vscode.l10n.t('Download new parameters…')}`, description: '', dir: '' };
  const items = [
    ...fresh.map((b) => ({ label: path.relative(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', b.dir) || b.dir, description: `${b.bundle.wrappingKeySpec ?? '?'} · ${b.bundle.wrappingAlgorithm ?? '?'} · ${bundleExpiry(b.bundle, now).label}`, detail: b.bundle.keyArn, dir: b.dir })),
    download,
  ];
  const pick = await vscode.window.showQuickPick(items, { title, ignoreFocusOut: true });
  if (!pick) throw new UserCancelled();
  if (pick === download) {
    const target = node ?? (await pickKey(s, undefined, 'external', vscode.l10n.t('Download parameters for which key?')));
    const dir = await downloadParameters(s, target);
    return { dir, bundle: await readBundle(dir) };
  }
  return all.find((b) => b.dir === pick.dir)!;
}

async function generate(s: Services, arg: unknown): Promise<string | undefined> {
  let keySpec: KeySpec | undefined;
  const wanted = (arg as { keySpec?: unknown } | undefined)?.keySpec;
  if (typeof wanted === 'string' && isKeySpec(wanted) && KEY_SPECS[wanted].importability === 'importable') keySpec = wanted;
  if (isKeyNode(arg)) keySpec = arg.key.keySpec;
  if (!keySpec) {
    const pick = await vscode.window.showQuickPick(
      IMPORTABLE_KEY_SPECS.map((k) => ({ label: k, description: KEY_SPECS[k].chinaOnly ? vscode.l10n.t('China Regions only') : KEY_SPECS[k].kind })),
      { title: vscode.l10n.t('Key spec of the test material') },
    );
    if (!pick) throw new UserCancelled();
    keySpec = pick.label;
  }
  // On a key: its own rules (a Huawei key takes 32-byte AES even while the sandbox runs in China); else the sandbox's Region.
  const china = isKeyNode(arg) ? providerForAccount(arg.account, arg.region) === 'aws-cn' : s.sandbox.region.startsWith('cn-');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? s.context.globalStorageUri;
  const target = await vscode.window.showSaveDialog({ title: vscode.l10n.t('Save test key material (plaintext: for trials only)'), defaultUri: vscode.Uri.joinPath(folder, defaultMaterialFileName(keySpec)), saveLabel: vscode.l10n.t('Save Test Material') });
  if (!target) throw new UserCancelled();
  const bytes = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Generating {0} material…', keySpec) }, async () => generateMaterial(keySpec!, { china }));
  let written: string;
  try {
    await fs.mkdir(path.dirname(target.fsPath), { recursive: true });
    written = await writeOutput(target.fsPath, bytes);
  } finally {
    bytes.fill(0);
  }
  s.log.info(`Generated ${keySpec} test material → ${written} (mode 0600)`);
  // The walkthrough ticks its step on the outcome, and hands this file to the import form.
  s.lastGenerated = written;
  void vscode.commands.executeCommand('setContext', 'kmsImport.walkthrough.generated', true);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Test key material written to {0}', path.basename(written)), 5000);
  return written;
}

export function registerBundleCommands(s: Services): vscode.Disposable[] {
  const { log } = s;
  return [
    registerCommand(COMMANDS.downloadParameters, vscode.l10n.t('Download Wrapping Key and Import Token'), log, async (arg) => {
      const node = await pickKey(s, arg, 'external', vscode.l10n.t('Download parameters for which key?'));
      return downloadParameters(s, node);
    }),
    registerCommand(COMMANDS.wrapMaterial, vscode.l10n.t('Wrap Key Material'), log, async (arg) => {
      const node = await pickKey(s, arg, 'external', vscode.l10n.t('Wrap material for which key?'));
      const file = await pickMaterialFile(vscode.l10n.t('Choose the key material to wrap for {0}', keyLabel(node.key)), true);
      const { dir, bundle } = await pickBundle(s, node.key.keyId, vscode.l10n.t('Parameters to wrap with'), node);
      const out = await wrapInto(s, file, dir, bundle);
      await announceWrapped(s, out);
      return out;
    }),
    registerCommand(COMMANDS.wrapFile, vscode.l10n.t('Wrap for KMS Import'), log, async (arg) => {
      const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
      const file = uri?.fsPath ?? (await pickMaterialFile(vscode.l10n.t('Choose the key material to wrap')));
      return wrapFileLookingFirst(s, file);
    }),
    registerCommand(COMMANDS.openBundle, vscode.l10n.t('Open Parameter Bundle'), log, async (arg) => {
      const uri =
        arg instanceof vscode.Uri
          ? arg
          : (await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectFolders: true, canSelectMany: false, title: vscode.l10n.t('Open a parameter bundle (folder or the console\'s zip)'), filters: { [vscode.l10n.t('Bundles')]: ['zip', 'json'], [vscode.l10n.t('All files')]: ['*'] } }))?.[0];
      if (!uri) throw new UserCancelled();
      return showBundleSummary(s, uri);
    }),
    registerCommand(COMMANDS.showSummary, vscode.l10n.t('Show Import Summary'), log, async (arg) => {
      if (arg instanceof vscode.Uri) return showBundleSummary(s, arg);
      const node = await pickKey(s, arg, 'external', vscode.l10n.t('Summary of which key?'));
      await s.showSummary({ accountId: node.account.id, region: node.region, keyId: node.key.keyId });
    }),
    registerCommand(COMMANDS.generateMaterial, vscode.l10n.t('Generate Test Key Material'), log, (arg) => generate(s, arg)),
  ];
}

async function showBundleSummary(s: Services, uri: vscode.Uri): Promise<void> {
  const dir = path.basename(uri.fsPath) === 'kms-import.json' ? path.dirname(uri.fsPath) : uri.fsPath;
  const b = await readBundle(dir);
  const keyId = b.keyId ?? b.keyArn?.split('/').pop();
  if (!keyId) throw new Error(vscode.l10n.t('The bundle at {0} does not say which key it belongs to.', dir));
  const { account, region } = await accountForBundle(s, b, keyId);
  await s.showSummary({ accountId: account.id, region, keyId, bundleDir: dir });
}

async function announceWrapped(s: Services, out: string, materialFile?: string): Promise<void> {
  const importNow = vscode.l10n.t('Import Key Material');
  s.bundlesChanged();
  void vscode.window.showInformationMessage(vscode.l10n.t('Wrote {0}.', path.relative(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', out) || out), importNow).then(async (c) => {
    // The file itself: with Keep Both it is not the bundle's EncryptedKeyMaterial.bin. The material
    // file is known here, so the import is proven with it right away.
    if (c === importNow) await vscode.commands.executeCommand(COMMANDS.importMaterial, vscode.Uri.file(out), materialFile ? { proveWith: materialFile } : undefined);
  });
}

/**
 * The explorer's "Wrap for KMS Import…": the file is read first (a certificate or public key is refused
 * before any question), then only the bundles it can be wrapped for are offered — unused, unexpired,
 * compatible with the file (the flow's checkBeforeWrap), the key's own spec first — under a first item
 * that creates a key for the file (the import form, with the file already in it). The others are listed
 * last, marked, with the reason.
 */
async function wrapFileLookingFirst(s: Services, file: string): Promise<string | undefined> {
  const read = await readMaterialInteractive(file);
  const passphrase = read.passphrase;
  let facts;
  try {
    facts = materialFacts(read.material);
  } finally {
    read.material.dispose();
  }
  const known = s.tree.knownKeysAll();
  const bundles = await findBundles();
  const judged = judgeBundles(
    bundles.map((b) => ({ dir: b.dir, provider: b.bundle.provider, keyId: b.bundle.keyId, keySpec: b.bundle.keyId ? known.find((k) => k.keyId === b.bundle.keyId)?.keySpec : undefined, wrappingKeySpec: b.bundle.wrappingKeySpec, wrappingAlgorithm: b.bundle.wrappingAlgorithm, validTo: b.bundle.validTo })),
    facts,
    s.results.usedBundles(),
  );
  const now = new Date();
  const rel = (dir: string) => path.relative(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', dir) || dir;
  type Item = vscode.QuickPickItem & { action: 'create' | 'bundle' | 'download' | 'unusable'; dir?: string; reason?: string };
  const spec = facts.keySpec;
  const items: Item[] = [
    ...(spec ? [{ label: `$(add) ${vscode.l10n.t('Create a KMS key for this {0} key and download parameters', spec)}`, detail: vscode.l10n.t('Opens the import form with this file: create, download, wrap, import and prove.'), action: 'create' as const }] : []),
    ...judged.filter((b) => b.usable).map((b): Item => {
      const bundle = bundles.find((x) => x.dir === b.dir)!.bundle;
      return { label: `$(package) ${rel(b.dir)}`, description: `${b.keySpec ?? vscode.l10n.t('key spec unknown')} · ${b.wrappingKeySpec ?? '?'} · ${b.wrappingAlgorithm ?? '?'} · ${bundleExpiry(bundle, now).label}`, detail: bundle.keyArn, action: 'bundle', dir: b.dir };
    }),
    { label: `$(cloud-download) ${vscode.l10n.t('Download new parameters for an existing key…')}`, action: 'download' },
  ];
  const unusable = judged.filter((b) => !b.usable);
  if (unusable.length) {
    items.push({ label: vscode.l10n.t('Not usable with this file'), kind: vscode.QuickPickItemKind.Separator, action: 'unusable' });
    items.push(...unusable.map((b): Item => ({ label: `$(circle-slash) ${rel(b.dir)}`, description: b.keySpec ?? '', detail: b.reason, action: 'unusable', dir: b.dir, reason: b.reason })));
  }
  const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Wrap {0} ({1}) for…', path.basename(file), spec ?? facts.kind), ignoreFocusOut: true, matchOnDetail: true });
  if (!pick) throw new UserCancelled();
  if (pick.action === 'create') {
    const { account, region } = await pickAccountRegion(s, undefined);
    s.showForm({ mode: 'new', accountId: account.id, region }, file);
    return undefined;
  }
  if (pick.action === 'unusable') {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} cannot take {1}: {2}', rel(pick.dir!), path.basename(file), pick.reason ?? ''));
    throw new UserCancelled();
  }
  let dir = pick.dir;
  if (pick.action === 'download') {
    // Only keys whose key spec fits the file, under "Create a KMS key for this … key".
    const target = await pickKeyForMaterial(s, facts, spec ?? facts.kind);
    if ('create' in target) {
      s.showForm({ mode: 'new', accountId: target.account.id, region: target.region }, file);
      return undefined;
    }
    dir = await downloadParameters(s, target);
  }
  const out = await wrapInto(s, file, dir!, await readBundle(dir!), passphrase);
  await announceWrapped(s, out, file);
  return out;
}
