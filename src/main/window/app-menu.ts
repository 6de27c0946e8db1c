import type { MenuAction } from '../../shared/ipc/menu-actions';
import type { MenuLabels } from './menu-labels';

/**
 * The desktop app's native menu, as data: the glue in ipc/app-menu.ts turns each entry's command
 * into a click. The shortcuts are the page's own (shortcuts/keymap.ts; a test holds the two
 * together): the menu shows them, and the page keeps handling the keys, so a key typed into a text
 * field stays there.
 */
export type MenuCommand =
  | { readonly kind: 'open-folder' }
  | { readonly kind: 'open-recent'; readonly path: string }
  | { readonly kind: 'clear-recent' }
  /** Sent to the page, which runs it as its own shortcut or button would. */
  | { readonly kind: 'page'; readonly action: MenuAction };

type Role =
  | 'appMenu'
  | 'windowMenu'
  | 'quit'
  | 'close'
  | 'minimize'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'selectAll'
  | 'togglefullscreen'
  | 'toggleDevTools';

export interface MenuEntry {
  readonly label?: string;
  readonly role?: Role;
  readonly type?: 'separator';
  readonly accelerator?: string;
  readonly registerAccelerator?: boolean;
  readonly enabled?: boolean;
  readonly submenu?: readonly MenuEntry[];
  readonly command?: MenuCommand;
}

/** A page action and the key the page binds it to, in Electron's accelerator words. */
export interface MenuShortcut {
  readonly action: MenuAction;
  readonly accelerator?: string;
}

const SEPARATOR = 'separator' as const;
type Row = MenuShortcut | typeof SEPARATOR;

/** The Label menu: the editor's shortcuts, in the order a person labels. */
export const LABEL_MENU: readonly Row[] = [
  { action: 'prev', accelerator: 'A' },
  { action: 'next', accelerator: 'D' },
  SEPARATOR,
  { action: 'draw', accelerator: 'W' },
  { action: 'select', accelerator: 'V' },
  { action: 'delete', accelerator: 'Delete' },
  { action: 'duplicate', accelerator: 'CmdOrCtrl+D' },
  SEPARATOR,
  { action: 'undo', accelerator: 'CmdOrCtrl+Z' },
  { action: 'redo', accelerator: 'CmdOrCtrl+Shift+Z' },
  SEPARATOR,
  { action: 'runImage', accelerator: 'I' },
  { action: 'runVisible', accelerator: 'CmdOrCtrl+B' },
  { action: 'accept', accelerator: 'Enter' },
  { action: 'acceptAll', accelerator: 'Shift+Enter' },
  SEPARATOR,
  { action: 'save', accelerator: 'CmdOrCtrl+S' },
];

export const VIEW_MENU: readonly Row[] = [
  { action: 'zoomIn', accelerator: 'CmdOrCtrl+=' },
  { action: 'zoomOut', accelerator: 'CmdOrCtrl+-' },
  { action: 'fit', accelerator: 'CmdOrCtrl+F' },
  SEPARATOR,
  { action: 'stats' },
];

/**
 * How a page shortcut shows in the menu. Windows and Linux show it without taking the key
 * (registerAccelerator: false). macOS cannot show a key without taking it, and it hands the menu only
 * the keys the page left alone (those typed into a text field): a key without Cmd, or Cmd+Z and
 * Cmd+Shift+Z, which there belong to the text field's own undo (the Edit menu), is not shown.
 */
function keyOf(
  shortcut: MenuShortcut,
  platform: NodeJS.Platform,
): Pick<MenuEntry, 'accelerator' | 'registerAccelerator'> {
  const { accelerator } = shortcut;
  if (!accelerator) return {};
  if (platform !== 'darwin') return { accelerator, registerAccelerator: false };
  const textKey =
    !accelerator.startsWith('CmdOrCtrl+') || shortcut.action === 'undo' || shortcut.action === 'redo';
  return textKey ? {} : { accelerator };
}

const rows = (list: readonly Row[], labels: MenuLabels, platform: NodeJS.Platform): MenuEntry[] =>
  list.map((row) =>
    row === SEPARATOR
      ? { type: SEPARATOR }
      : { label: labels[row.action], ...keyOf(row, platform), command: { kind: 'page', action: row.action } },
  );

export interface MenuContext {
  readonly platform: NodeJS.Platform;
  readonly labels: MenuLabels;
  /** Recent dataset folders, most recent first. */
  readonly recent: readonly string[];
  /** A development run: the developer tools are in the View menu. */
  readonly developer: boolean;
}

export function appMenuTemplate({ platform, labels, recent, developer }: MenuContext): MenuEntry[] {
  const mac = platform === 'darwin';
  const openRecent: MenuEntry[] = recent.length
    ? [
        ...recent.map((path): MenuEntry => ({ label: path, command: { kind: 'open-recent', path } })),
        { type: SEPARATOR },
        { label: labels.clearRecent, command: { kind: 'clear-recent' } },
      ]
    : [{ label: labels.noRecent, enabled: false }];
  const file: MenuEntry = {
    label: labels.file,
    submenu: [
      // The page binds no Ctrl+O: the menu takes this key on every platform.
      { label: labels.openFolder, accelerator: 'CmdOrCtrl+O', command: { kind: 'open-folder' } },
      { label: labels.openRecent, submenu: openRecent },
      { type: SEPARATOR },
      { label: labels.import, command: { kind: 'page', action: 'import' } },
      { label: labels.export, command: { kind: 'page', action: 'export' } },
      { type: SEPARATOR },
      { role: mac ? 'close' : 'quit' },
    ],
  };
  // Text fields need these roles (macOS has no other way to copy and paste in them); undo and redo
  // there only, as the page's Ctrl+Z is the labels' undo on Windows and Linux.
  const edit: MenuEntry = {
    label: labels.edit,
    submenu: [
      ...(mac ? [{ role: 'undo' as const }, { role: 'redo' as const }, { type: SEPARATOR }] : []),
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const view: MenuEntry = {
    label: labels.view,
    submenu: [
      ...rows(VIEW_MENU, labels, platform),
      { type: SEPARATOR },
      { role: 'togglefullscreen' },
      ...(developer ? [{ role: 'toggleDevTools' as const }] : []),
    ],
  };
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    file,
    edit,
    { label: labels.label, submenu: rows(LABEL_MENU, labels, platform) },
    view,
    mac ? { role: 'windowMenu' } : { label: labels.window, submenu: [{ role: 'minimize' }] },
    {
      label: labels.help,
      submenu: [{ label: labels.shortcuts, command: { kind: 'page', action: 'shortcuts' } }],
    },
  ];
}
