// The keys tree as a user works it in the e2e tests: wait until a row reads something, list a row's context
// menu, choose one of its entries. Every wait is bounded; nothing sleeps.
import { waitFor } from '../../../scripts/vscode-host.mjs';
import type { Workbench } from './workbench';

const MENU_ITEMS = '.context-view .action-item, .monaco-menu .action-item';

/** Waits until the tree row containing `text` reads `pattern`; returns its text (whitespace collapsed). */
export async function waitForTreeRow(wb: Workbench, text: string | RegExp, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  let last = '';
  await waitFor(async () => {
    const row = wb.treeRow(text).first();
    if (!(await row.count())) return false;
    return pattern.test((last = (await row.innerText()).replace(/\s+/g, ' ')));
  }, { what: `the row ${text} to read ${pattern} (last: ${last})`, timeoutMs });
  return last;
}

/** The entries of a tree row's context menu (the menu is closed again). */
export async function treeContextMenuEntries(wb: Workbench, label: string | RegExp): Promise<string[]> {
  const row = wb.treeRow(label).first();
  await row.click({ button: 'right' });
  const items = wb.page.locator(MENU_ITEMS);
  await items.first().waitFor();
  const texts = (await items.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
  await wb.page.keyboard.press('Escape');
  return texts;
}

/** Right-clicks a row of the keys tree and picks a context-menu entry (hover to focus it, then Enter: the menu ignores an immediate click). */
export async function treeContextMenu(wb: Workbench, label: string | RegExp, entry: string): Promise<void> {
  const row = wb.treeRow(label).first();
  await row.waitFor();
  await row.click({ button: 'right' });
  const item = wb.page.locator(MENU_ITEMS).filter({ hasText: entry }).first();
  await item.waitFor();
  await item.hover();
  await waitFor(async () => (await item.getAttribute('class'))?.includes('focused'), { what: `the menu entry "${entry}" to take focus`, timeoutMs: 10_000 });
  await wb.page.keyboard.press('Enter');
}
