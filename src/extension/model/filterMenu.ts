// The Keys view's filter menu, with a check mark on the current filter. VS Code has no `toggled` for
// commands an extension contributes (menusExtensionPoint reads command, title, icon, enablement only),
// so each filter has two commands: the plain one, shown while another filter is on, and a "✓ " one,
// shown while it is on — chosen by the `kmsImport.filter` context key (src/extension/tree/keysTree.ts).
// No vscode import: package.json is checked against this table in plain Node (test/extension/filterMenu.test.ts).
import { COMMANDS } from './commandIds';

export type MenuFilter = 'pending' | 'external' | 'all';

export interface FilterMenuEntry {
  filter: MenuFilter;
  /** Shown when the filter is not the current one. */
  command: string;
  /** Shown, with a check mark in its title, when the filter is the current one. */
  checkedCommand: string;
}

export const FILTER_MENU: readonly FilterMenuEntry[] = [
  { filter: 'pending', command: COMMANDS.filterPending, checkedCommand: COMMANDS.filterPendingChecked },
  { filter: 'external', command: COMMANDS.filterExternal, checkedCommand: COMMANDS.filterExternalChecked },
  { filter: 'all', command: COMMANDS.filterAll, checkedCommand: COMMANDS.filterAllChecked },
];

/** The check mark VS Code's own menus draw, put in front of the current filter's title. */
export const CHECK_MARK = '✓';

/** The when-clause of a filter's menu entry in the Keys view's "…" menu. */
export const filterMenuWhen = (filter: MenuFilter, checked: boolean): string => `view == kmsImport.keys && kmsImport.filter ${checked ? '==' : '!='} ${filter}`;
