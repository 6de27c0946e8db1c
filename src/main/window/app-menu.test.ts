import { describe, expect, it } from 'vitest';
import { actionFor, type KeyLike } from '../../renderer/src/shortcuts/keymap';
import { MENU_ACTIONS } from '../../shared/ipc/menu-actions';
import { appMenuTemplate, LABEL_MENU, VIEW_MENU, type MenuEntry, type MenuShortcut } from './app-menu';
import { menuLabelsFor } from './menu-labels';

const en = menuLabelsFor('en-US');
const shortcuts = [...LABEL_MENU, ...VIEW_MENU].filter((r): r is MenuShortcut => r !== 'separator');

/** The key press an Electron accelerator stands for, as the page's keymap sees it (Ctrl on Windows and Linux). */
function keyOfAccelerator(accelerator: string): KeyLike {
  const parts = accelerator.split('+');
  // 'CmdOrCtrl+=' and 'CmdOrCtrl+-' name a key that is itself a sign.
  const key = accelerator.endsWith('++') ? '+' : parts[parts.length - 1]!;
  return { key, ctrlKey: parts.includes('CmdOrCtrl'), shiftKey: parts.includes('Shift') };
}

const all = (entries: readonly MenuEntry[]): MenuEntry[] =>
  entries.flatMap((e) => [e, ...all(e.submenu ?? [])]);
const entryOf = (entries: readonly MenuEntry[], label: string): MenuEntry | undefined =>
  all(entries).find((e) => e.label === label);

describe('the native menu', () => {
  it('shows for each action the very key the page binds to it', () => {
    for (const { action, accelerator } of shortcuts) {
      if (!accelerator) continue;
      expect(actionFor(keyOfAccelerator(accelerator))?.type, accelerator).toBe(action);
    }
  });

  it('carries every action the page offers', () => {
    const menu = appMenuTemplate({ platform: 'linux', labels: en, recent: [], developer: false });
    const sent = all(menu).flatMap((e) => (e.command?.kind === 'page' ? [e.command.action] : []));
    expect([...sent].sort()).toEqual([...MENU_ACTIONS].sort());
  });

  it('on Windows and Linux shows the shortcuts without taking the keys from the page, except Ctrl+O', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const menu = all(appMenuTemplate({ platform, labels: en, recent: [], developer: false }));
      const keyed = menu.filter((e) => e.accelerator);
      expect(keyed.filter((e) => e.registerAccelerator !== false).map((e) => e.label)).toEqual([
        en.openFolder,
      ]);
      expect(entryOf(menu, en.draw)).toMatchObject({ accelerator: 'W', registerAccelerator: false });
      expect(menu.some((e) => e.role === 'undo')).toBe(false);
    }
  });

  it('on macOS shows only the Cmd shortcuts other than undo and redo, which stay with text fields', () => {
    const menu = appMenuTemplate({ platform: 'darwin', labels: en, recent: [], developer: false });
    const entries = all(menu);
    expect(entryOf(menu, en.draw)?.accelerator).toBeUndefined();
    expect(entryOf(menu, en.undo)?.accelerator).toBeUndefined();
    expect(entryOf(menu, en.save)?.accelerator).toBe('CmdOrCtrl+S');
    expect(entries.filter((e) => e.role === 'undo' || e.role === 'redo')).toHaveLength(2);
    expect(menu[0]).toEqual({ role: 'appMenu' });
  });

  it('lists recent folders under File → Open Recent, most recent first, with a way to clear them', () => {
    const menu = appMenuTemplate({
      platform: 'linux',
      labels: en,
      recent: ['/data/b', '/data/a'],
      developer: false,
    });
    expect(entryOf(menu, en.openRecent)?.submenu).toEqual([
      { label: '/data/b', command: { kind: 'open-recent', path: '/data/b' } },
      { label: '/data/a', command: { kind: 'open-recent', path: '/data/a' } },
      { type: 'separator' },
      { label: en.clearRecent, command: { kind: 'clear-recent' } },
    ]);
    const empty = appMenuTemplate({ platform: 'linux', labels: en, recent: [], developer: false });
    expect(entryOf(empty, en.openRecent)?.submenu).toEqual([{ label: en.noRecent, enabled: false }]);
  });

  it('speaks Chinese on a Chinese system, and has the developer tools only in a development run', () => {
    const zh = appMenuTemplate({
      platform: 'linux',
      labels: menuLabelsFor('zh-CN'),
      recent: [],
      developer: false,
    });
    expect(zh.map((e) => e.label)).toEqual(['文件', '编辑', '标注', '视图', '窗口', '帮助']);
    expect(all(zh).some((e) => e.role === 'toggleDevTools')).toBe(false);
    const dev = appMenuTemplate({ platform: 'linux', labels: en, recent: [], developer: true });
    expect(all(dev).some((e) => e.role === 'toggleDevTools')).toBe(true);
  });
});
