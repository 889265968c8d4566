// The tree's item menus as package.json declares them, and a check of their `viewItem` clauses
// (== and =~) against a context value: tests assert which actions a node offers from the real manifest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
const itemMenus: Array<{ command: string; when: string }> = pkg.contributes.menus['view/item/context'];

/** Whether the item context menu shows `command` on a node with this context value. */
export function shows(command: string, contextValue: string): boolean {
  return itemMenus
    .filter((m) => m.command === command)
    .some((m) => {
      const eq = /viewItem == ([^\s&]+)/.exec(m.when);
      if (eq) return eq[1] === contextValue;
      const re = /viewItem =~ \/(.+?)\/(?=\s|$)/.exec(m.when);
      return re ? new RegExp(re[1]).test(contextValue) : false;
    });
}
