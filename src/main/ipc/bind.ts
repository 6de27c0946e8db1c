import { stat } from 'node:fs/promises';
import { BrowserWindow, dialog, ipcMain, type WebContents } from 'electron';
import {
  CHANNELS,
  OPEN_DROPPED,
  PICK_FOLDER,
  PICK_MODEL,
  type EventName,
  type Events,
} from '../../shared/ipc/contract';
import type { AppServices } from '../app-services';
import { dispatch } from '../dispatch';

/** The app's own pages are served from this scheme; IPC from any other frame is refused. */
export const APP_SCHEME = 'app';

const trusted = (frameUrl: string | undefined): boolean => {
  if (!frameUrl) return false;
  if (frameUrl.startsWith(`${APP_SCHEME}://`)) return true;
  // electron-vite's dev server during `npm run dev`
  const dev = process.env['ELECTRON_RENDERER_URL'];
  return !!dev && frameUrl.startsWith(dev);
};

/** Binds every channel of the contract to ipcMain, checking the sender frame and the payload. */
export function bindIpc(services: AppServices): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, request: unknown) => {
      if (!trusted(event.senderFrame?.url)) {
        return {
          ok: false,
          error: {
            code: 'forbidden',
            message: `IPC from ${event.senderFrame?.url ?? 'an unknown frame'} refused`,
          },
        };
      }
      return dispatch(services.handlers, channel, request);
    });
  }
  ipcMain.handle(PICK_FOLDER, async (event) => {
    if (!trusted(event.senderFrame?.url)) return null;
    const win = BrowserWindow.fromWebContents(event.sender);
    const options = { properties: ['openDirectory' as const] };
    const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    const picked = result.canceled ? null : (result.filePaths[0] ?? null);
    // What the person picks in the system's dialog is theirs to open, import from and export into.
    if (picked !== null) services.access.allow(picked);
    return picked;
  });
  ipcMain.handle(PICK_MODEL, async (event, kind: unknown) => {
    if (!trusted(event.senderFrame?.url)) return null;
    const win = BrowserWindow.fromWebContents(event.sender);
    const options: Electron.OpenDialogOptions =
      kind === 'folder'
        ? { properties: ['openDirectory'] }
        : { properties: ['openFile'], filters: [{ name: 'ONNX model', extensions: ['onnx'] }] };
    const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  });
  // A folder dropped onto the window is chosen as surely as one picked in the dialog.
  ipcMain.handle(OPEN_DROPPED, async (event, dropped: unknown) => {
    if (!trusted(event.senderFrame?.url) || typeof dropped !== 'string' || dropped === '') return null;
    if (!(await stat(dropped).catch(() => null))?.isDirectory()) return null;
    services.access.allow(dropped);
    return dropped;
  });
}

/** main → renderer events, sent to every window of the app. */
export function eventSender(all: () => WebContents[]) {
  return <E extends EventName>(event: E, payload: Events[E]) => {
    for (const wc of all()) if (!wc.isDestroyed()) wc.send(`event:${event}`, payload);
  };
}
