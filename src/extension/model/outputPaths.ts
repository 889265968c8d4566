// Where the extension writes files whose names it picked (parameter bundles, EncryptedKeyMaterial.bin
// next to a bundle, generated test material): inside the workspace's bundle folder only, never over an
// existing file unless the person says so, and never over the key material being read. No vscode
// import: the question is asked through a callback, so the decisions are tested with real files.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { KmsImportError } from '../../core/errors';

export const DEFAULT_BUNDLE_FOLDER = 'kms-import';

/** What a bundle folder is named after: the key (its aliases and id), or, for a key not created yet, its alias or spec. */
export interface BundleNameSource {
  aliases?: string[];
  keyId?: string;
  /** Only for a key that does not exist yet (no id to name it by). */
  keySpec?: string;
}

/** 20260301T120000Z: UTC, to the second, sortable. */
export const bundleStamp = (now: Date): string => now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/**
 * The one name of a bundle folder the extension makes: `<alias or short key id>-<UTC time>`, e.g.
 * `payments-20260301T120000Z` or `1234abcd-20260301T120000Z` — the key's label in the Keys view (its
 * alias, else the first 8 characters of its id; mrk- ids the first 12). A key the import is about to
 * create has no id yet: its alias, else its key spec (`rsa_2048-…`). A rotation adds `-rotation` before
 * the time. Characters other than letters, digits, `_`, `.` and `-` become `-`; at most 60 before the time.
 */
export function bundleFolderName(src: BundleNameSource, now: Date, purpose?: 'rotation'): string {
  const alias = src.aliases?.find((a) => !a.startsWith('alias/aws/')) ?? src.aliases?.[0];
  const id = src.keyId ? src.keyId.slice(0, src.keyId.startsWith('mrk-') ? 12 : 8) : undefined;
  const label = alias?.replace(/^alias\//, '') || id || src.keySpec?.toLowerCase() || 'key';
  const safe = label.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[.-]+/, '').slice(0, 60) || 'key';
  return `${safe}${purpose ? `-${purpose}` : ''}-${bundleStamp(now)}`;
}

/** Whether `target` is `root` or lies under it (lexically: no `..` step out, not another drive). */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(target));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * The folder parameter bundles go to: the setting resolved against the workspace folder if it stays
 * inside it; otherwise the default folder, with the reason (the setting can come from the workspace's
 * own .vscode/settings.json, so it must not send files elsewhere).
 */
export function bundleBase(workspaceFolder: string, configured: string | undefined): { base: string; refused?: string } {
  const value = configured?.trim() || DEFAULT_BUNDLE_FOLDER;
  const base = path.resolve(workspaceFolder, value);
  if (isInside(workspaceFolder, base)) return { base };
  return {
    base: path.resolve(workspaceFolder, DEFAULT_BUNDLE_FOLDER),
    refused: `kmsImport.bundleFolder "${value}" is outside the workspace folder ${workspaceFolder}; parameter bundles go to ${DEFAULT_BUNDLE_FOLDER}/ instead. Set it to a folder inside the workspace.`,
  };
}

/** The real path of `p`'s nearest existing ancestor, with the rest appended (symbolic links followed). */
async function realPathOfNearest(p: string): Promise<string> {
  const rest: string[] = [];
  let cur = path.resolve(p);
  for (;;) {
    try {
      return path.join(await fs.realpath(cur), ...rest.reverse());
    } catch (e) {
      const parent = path.dirname(cur);
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || parent === cur) throw e;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

/**
 * bundleBase, with symbolic links followed: a folder in the workspace that is a link to somewhere
 * else is refused too. Throws when even the default folder leads outside the workspace.
 */
export async function checkedBundleBase(workspaceFolder: string, configured: string | undefined): Promise<{ base: string; refused?: string }> {
  const root = await fs.realpath(workspaceFolder);
  const first = bundleBase(workspaceFolder, configured);
  if (isInside(root, await realPathOfNearest(first.base))) return first;
  const fallback = path.resolve(workspaceFolder, DEFAULT_BUNDLE_FOLDER);
  const why = `${first.base} leads outside the workspace folder (a symbolic link)`;
  if (first.base !== fallback && isInside(root, await realPathOfNearest(fallback))) {
    return { base: fallback, refused: `${why}; parameter bundles go to ${DEFAULT_BUNDLE_FOLDER}/ instead.` };
  }
  throw new KmsImportError('io', 'BUNDLE_FOLDER_OUTSIDE', `${why}.`, `Remove the link, or set kmsImport.bundleFolder (user settings) to a folder inside the workspace.`);
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** `p` if nothing is there, else the first free `name-2.ext`, `name-3.ext`, … beside it. */
export async function freePath(p: string): Promise<string> {
  if (!(await exists(p))) return p;
  const ext = path.extname(p);
  const stem = p.slice(0, p.length - ext.length);
  for (let i = 2; i < 10_000; i++) {
    const candidate = `${stem}-${i}${ext}`;
    if (!(await exists(candidate))) return candidate;
  }
  throw new KmsImportError('io', 'NO_FREE_NAME', `Every name from ${path.basename(p)} to ${path.basename(stem)}-9999${ext} is taken in ${path.dirname(p)}.`, 'Move older outputs out of that folder, then try again.');
}

async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    const [x, y] = await Promise.all([fs.stat(a), fs.stat(b)]);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return path.resolve(a) === path.resolve(b);
  }
}

export type OverwriteAnswer = 'overwrite' | 'keep-both' | undefined;

/** What the person is asked when an output's name is taken; `canOverwrite` is false for the material itself. */
export type AskOverwrite = (existing: string, canOverwrite: boolean) => Promise<OverwriteAnswer>;

/**
 * Where an output whose name the extension picked goes. Free name: written there. Taken: the person
 * chooses to overwrite or keep both (the new file gets the next free name), or cancels (undefined).
 * A file in `inputs` (the key material being wrapped) is never overwritten, whatever the answer.
 */
export async function planOutput(target: string, ask: AskOverwrite, inputs: string[] = []): Promise<{ path: string; overwrite: boolean } | undefined> {
  if (!(await exists(target))) return { path: target, overwrite: false };
  let isInput = false;
  for (const i of inputs) if (await sameFile(i, target)) isInput = true;
  const answer = await ask(target, !isInput);
  if (answer === 'overwrite' && !isInput) return { path: target, overwrite: true };
  if (answer === 'keep-both' || answer === 'overwrite') return { path: await freePath(target), overwrite: false };
  return undefined;
}
