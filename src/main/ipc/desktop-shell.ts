/**
 * The desktop window's surroundings: its native menu, File → Open Recent, and the size and place
 * it comes back at. The decisions are in ../window (tested without electron); this applies them.
 */
import { existsSync } from 'node:fs';
import {
  app,
  BrowserWindow,
  dialog,
  Menu,
  screen,
  type BrowserWindowConstructorOptions,
  type KeyboardEvent,
  type MenuItemConstructorOptions,
} from 'electron';
import { messageOf } from '../../shared/errors';
import type { Events } from '../../shared/ipc/contract';
import type { FolderAccess } from '../fs/folder-access';
import type { SettingsStore } from '../settings/settings-store';
import { appMenuTemplate, type MenuCommand, type MenuEntry } from '../window/app-menu';
import { menuLabelsFor } from '../window/menu-labels';
import { withoutRecentFolder, withRecentFolder } from '../window/recent-folders';
import { MIN_WINDOW_SIZE, windowOpening, type WindowPlace } from '../window/window-state';

type Emit = <E extends 'dataset:open-requested' | 'menu:action'>(event: E, payload: Events[E]) => void;

function toElectron(
  entries: readonly MenuEntry[],
  run: (command: MenuCommand, byKey: boolean) => void,
): MenuItemConstructorOptions[] {
  return entries.map(({ command, submenu, ...rest }) => ({
    ...rest,
    ...(submenu && { submenu: toElectron(submenu, run) }),
    ...(command && {
      click: (_item: unknown, _win: unknown, event: KeyboardEvent) =>
        run(command, event.triggeredByAccelerator === true),
    }),
  }));
}

export class DesktopShell {
  private recent: string[] = [];
  private place: WindowPlace | null = null;
  private placeSaved: Promise<void> = Promise.resolve();
  // The system's language is known once the app is ready.
  private labels = menuLabelsFor('en');

  constructor(
    private readonly settings: SettingsStore,
    private readonly access: FolderAccess,
    private readonly emit: Emit,
  ) {}

  /** Reads the recent folders and the window's last place, and sets the menu. After app ready. */
  async start(): Promise<void> {
    this.labels = menuLabelsFor(app.getLocale());
    this.recent = (await this.settings.get('recentFolders')) ?? [];
    this.place = await this.settings.get('window');
    this.setMenu();
  }

  /** A dataset folder opened: first in File → Open Recent, now and next time. */
  remember(root: string): void {
    this.setRecent(withRecentFolder(this.recent, root));
  }

  /** The window's size, place and minimum size, where it was last closed if that still shows. */
  windowOptions(): { options: BrowserWindowConstructorOptions; maximized: boolean } {
    const primary = screen.getPrimaryDisplay();
    const areas = [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map(
      (d) => d.workArea,
    );
    const opening = windowOpening(this.place, areas);
    return {
      options: { ...opening.bounds, minWidth: MIN_WINDOW_SIZE.width, minHeight: MIN_WINDOW_SIZE.height },
      maximized: opening.maximized,
    };
  }

  /** Remembers the window's place whenever it closes. */
  track(win: BrowserWindow): void {
    win.on('close', () => void this.savePlace(win));
  }

  /** Saves the place of the window still open (quitting on macOS closes it only afterwards). */
  async flush(): Promise<void> {
    const win = BrowserWindow.getAllWindows()[0];
    if (win && !win.isDestroyed()) void this.savePlace(win);
    await this.placeSaved;
  }

  private savePlace(win: BrowserWindow): Promise<void> {
    const bounds = win.getNormalBounds();
    this.place = { ...bounds, maximized: win.isMaximized() };
    this.placeSaved = this.settings.set('window', this.place).catch((e: unknown) => {
      console.warn(`The window's place was not saved: ${messageOf(e)}`);
    });
    return this.placeSaved;
  }

  private setRecent(list: string[]): void {
    this.recent = list;
    this.setMenu();
    this.settings.set('recentFolders', list).catch((e: unknown) => {
      console.warn(`The recent folders were not saved: ${messageOf(e)}`);
    });
  }

  private setMenu(): void {
    const template = appMenuTemplate({
      platform: process.platform,
      labels: this.labels,
      recent: this.recent,
      developer: !app.isPackaged,
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(toElectron(template, (c, byKey) => this.run(c, byKey))));
  }

  private run(command: MenuCommand, byKey: boolean): void {
    switch (command.kind) {
      case 'page':
        // macOS hands a menu only the keys the page left alone, typed into a text field: they stay there.
        if (!byKey) this.emit('menu:action', { action: command.action });
        return;
      case 'open-folder':
        void this.pickAndOpen();
        return;
      case 'clear-recent':
        this.setRecent([]);
        return;
      case 'open-recent':
        if (!existsSync(command.path)) {
          this.setRecent(withoutRecentFolder(this.recent, command.path));
          void dialog.showMessageBox({
            type: 'warning',
            message: this.labels.recentGone.replace('{path}', command.path),
          });
          return;
        }
        this.open(command.path);
    }
  }

  private async pickAndOpen(): Promise<void> {
    const win = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
    const options = { properties: ['openDirectory' as const] };
    const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    const picked = result.canceled ? undefined : result.filePaths[0];
    if (picked) this.open(picked);
  }

  /** The page opens the folder itself, as if picked, so its edits on their way are saved first. */
  private open(folder: string): void {
    this.access.allow(folder);
    this.emit('dataset:open-requested', { path: folder });
  }
}
