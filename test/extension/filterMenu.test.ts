// The Keys view's filter menu marks the current filter: for each filter, package.json's "…" menu shows
// the plain command while another filter is on and the "✓ " command while it is on — exactly one of the
// two at any time — and both set the same filter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECK_MARK, FILTER_MENU, filterMenuWhen } from '../../src/extension/model/filterMenu';
import { KEY_FILTERS } from '../../src/extension/model/treeModel';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8'));
type MenuItem = { command: string; when?: string; group?: string };
const viewTitle: MenuItem[] = pkg.contributes.menus['view/title'];
const titleOf = (command: string): string => {
  const c = pkg.contributes.commands.find((x: { command: string }) => x.command === command);
  assert.ok(c, `${command} is contributed`);
  return nls[c.title.replace(/^%|%$/g, '')];
};

/** The filter menu's entries shown when `current` is the filter (evaluating the two when-clause shapes used). */
function shown(current: string): MenuItem[] {
  return viewTitle.filter((e) => e.group?.startsWith('1_filter')).filter((e) => {
    const m = /^view == kmsImport\.keys && kmsImport\.filter (==|!=) (\w+)$/.exec(e.when ?? '');
    assert.ok(m, `unexpected when-clause ${e.when}`);
    return m[1] === '==' ? current === m[2] : current !== m[2];
  });
}

test('every filter has a plain and a checked entry in the "…" menu, at the same place', () => {
  assert.deepEqual(FILTER_MENU.map((f) => f.filter), KEY_FILTERS);
  for (const f of FILTER_MENU) {
    const plain = viewTitle.find((e) => e.command === f.command && e.group?.startsWith('1_filter'));
    const checked = viewTitle.find((e) => e.command === f.checkedCommand);
    assert.equal(plain?.when, filterMenuWhen(f.filter, false));
    assert.equal(checked?.when, filterMenuWhen(f.filter, true));
    assert.equal(plain?.group, checked?.group);
    assert.equal(titleOf(f.checkedCommand), `${CHECK_MARK} ${titleOf(f.command)}`);
    assert.ok(!titleOf(f.command).includes(CHECK_MARK));
  }
});

test('whatever the current filter, the menu shows each filter once and the check mark on the current one only', () => {
  for (const current of KEY_FILTERS) {
    const items = shown(current);
    assert.equal(items.length, FILTER_MENU.length, current);
    const checked = items.filter((e) => titleOf(e.command).startsWith(CHECK_MARK));
    assert.deepEqual(checked.map((e) => e.command), [FILTER_MENU.find((f) => f.filter === current)!.checkedCommand], current);
  }
});

test('the checked entries are menu-only (hidden from the palette)', () => {
  const hidden = new Set(pkg.contributes.menus.commandPalette.filter((e: MenuItem) => e.when === 'false').map((e: MenuItem) => e.command));
  for (const f of FILTER_MENU) {
    assert.ok(hidden.has(f.checkedCommand), f.checkedCommand);
    assert.ok(!hidden.has(f.command), f.command);
  }
});
