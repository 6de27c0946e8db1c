import { statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, net, protocol, session, shell } from 'electron';
import { messageOf } from '../shared/errors';
import { AppServices } from './app-services';
import { answerImageRequest, imageRouteOf } from './dataset/image-requests';
import { isInside } from './fs/paths';
import { APP_SCHEME, bindIpc, eventSender } from './ipc/bind';
import { DesktopShell } from './ipc/desktop-shell';
import { commandLaunchMessage, commandOfLaunch } from './launch-command';
import { folderArgument, folderOfSecondLaunch, type LaunchData } from './launch-folder';
import { userDataPaths } from './paths';
import { fileSettings } from './settings/settings-store';
import { SECURE_WEB_PREFERENCES } from './window-options';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.join(here, '../renderer');
const IMAGE_SCHEME = 'gl-image';
const EXTERNAL_ALLOW = ['https://github.com/', 'https://huggingface.co/'];

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: IMAGE_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

const emit = eventSender(() => BrowserWindow.getAllWindows().map((w) => w.webContents));
// Settings, models and logs live in the person's own folders, never inside the app bundle; the
// desktop app and `npm run serve` share them (Electron's userData is made the same folder).
const user = userDataPaths();
app.setPath('userData', path.dirname(user.settingsFile));
const settings = fileSettings(user.settingsFile);
const services = new AppServices({
  mode: 'electron',
  emit,
  settings,
  modelsDir: user.modelsDir,
  onDatasetOpened: (root) => desktop.remember(root),
});
// The menu, File → Open Recent, and the window's remembered size and place.
const desktop = new DesktopShell(settings, services.access, emit);
const launch = { cwd: process.cwd(), defaultApp: process.defaultApp === true };

function registerProtocols(): void {
  // The app is served from app://, never file://, so its pages have an origin of their own.
  protocol.handle(APP_SCHEME, (request) => {
    const rel = decodeURIComponent(new URL(request.url).pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.resolve(rendererDir, rel);
    if (!isInside(rendererDir, file, { allowSame: false })) return new Response('not found', { status: 404 });
    return net.fetch(`file://${file}`);
  });
  // Images and thumbnails by opaque id only (gl-image://image/<id>, gl-image://thumb/<id>),
  // resolved inside the opened dataset.
  protocol.handle(IMAGE_SCHEME, async (request) => {
    const url = new URL(request.url);
    const route = imageRouteOf(url.host);
    if (!route) return new Response('not found', { status: 404 });
    const id = url.pathname.replace(/^\/+/, '');
    const ifNoneMatch = request.headers.get('if-none-match') ?? undefined;
    const reply = await answerImageRequest(services.currentDataset(), route, id, request.signal, ifNoneMatch);
    const body = typeof reply.body === 'string' ? reply.body : new Uint8Array(reply.body);
    return new Response(body, { status: reply.status, headers: reply.headers });
  });
}

function createWindow(): BrowserWindow {
  const { options, maximized } = desktop.windowOptions();
  const win = new BrowserWindow({
    ...options,
    show: false,
    title: 'GroundLabel',
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: path.join(here, '../preload/index.cjs') },
  });
  desktop.track(win);
  win.once('ready-to-show', () => {
    if (maximized) win.maximize();
    win.show();
  });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (EXTERNAL_ALLOW.some((prefix) => url.startsWith(prefix))) void shell.openExternal(url);
    return { action: 'deny' };
  });
  const devUrl = process.env['ELECTRON_RENDERER_URL'];
  void win.loadURL(devUrl ?? `${APP_SCHEME}://groundlabel/index.html`);
  return win;
}

/** A folder named on the command line opens before the window, which then finds it open. */
async function openAtLaunch(folder: string): Promise<void> {
  services.access.allow(folder);
  try {
    await services.openDataset(folder);
  } catch (e) {
    dialog.showErrorBox('GroundLabel could not open the folder', messageOf(e));
  }
}

function start(folder: string | null): void {
  void app.whenReady().then(async () => {
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    registerProtocols();
    bindIpc(services);
    await desktop.start();
    if (folder) await openAtLaunch(folder);
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  // Emitted only after ready. The page opens the folder itself, as if picked, so that its edits on
  // their way are saved first.
  app.on('second-instance', (_event, argv, workingDirectory, additionalData) => {
    const win = BrowserWindow.getAllWindows()[0] ?? createWindow();
    if (win.isMinimized()) win.restore();
    win.focus();
    const next = folderOfSecondLaunch(additionalData, argv, { ...launch, cwd: workingDirectory });
    if (!next) return;
    services.access.allow(next);
    // A window made just now has no page to listen yet.
    if (win.webContents.isLoading())
      win.webContents.once('did-finish-load', () => emit('dataset:open-requested', { path: next }));
    else emit('dataset:open-requested', { path: next });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Quitting waits for the last label files and the release of the dataset lock (for a while only:
  // whatever is not written yet is in the journal, and a lock left behind is taken over next time).
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    void Promise.race([Promise.all([services.close(), desktop.flush()]), sleep(5000)])
      .catch(() => undefined)
      .finally(() => {
        closed = true;
        app.quit();
      });
  });
}

// One app at a time: a second launch hands its folder to the first and quits, so two windows never
// write one dataset (the dataset lock would refuse the second one, less helpfully).
const askedCommand = commandOfLaunch(
  process.argv,
  launch,
  (p) => statSync(p, { throwIfNoEntry: false })?.isDirectory() === true,
);
const launchFolder = folderArgument(process.argv, launch);
if (askedCommand) {
  // `groundlabel label …` from a terminal: the command lines run on Node.js, not in the app.
  const message = commandLaunchMessage(
    askedCommand,
    app.isPackaged ? process.resourcesPath : null,
    process.platform,
  );
  process.stderr.write(`${message}\n`);
  if (process.platform === 'win32') dialog.showErrorBox('GroundLabel', message);
  app.exit(2);
} else if (app.requestSingleInstanceLock({ folder: launchFolder } satisfies LaunchData)) start(launchFolder);
else app.quit();
