import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, net, protocol, session, shell } from 'electron';
import { AppServices } from './app-services';
import { answerImageRequest, imageRouteOf } from './dataset/image-requests';
import { isInside } from './fs/paths';
import { APP_SCHEME, bindIpc, eventSender } from './ipc/bind';
import { SECURE_WEB_PREFERENCES } from './window-options';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.join(here, '../renderer');
const IMAGE_SCHEME = 'gl-image';
const EXTERNAL_ALLOW = ['https://github.com/', 'https://huggingface.co/'];

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: IMAGE_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

const services = new AppServices({
  mode: 'electron',
  emit: eventSender(() => BrowserWindow.getAllWindows().map((w) => w.webContents)),
});

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
    const reply = await answerImageRequest(services.currentDataset(), route, id, request.signal);
    const body = typeof reply.body === 'string' ? reply.body : new Uint8Array(reply.body);
    return new Response(body, { status: reply.status, headers: reply.headers });
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    show: false,
    title: 'GroundLabel',
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: path.join(here, '../preload/index.cjs') },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (EXTERNAL_ALLOW.some((prefix) => url.startsWith(prefix))) void shell.openExternal(url);
    return { action: 'deny' };
  });
  const devUrl = process.env['ELECTRON_RENDERER_URL'];
  void win.loadURL(devUrl ?? `${APP_SCHEME}://groundlabel/index.html`);
  return win;
}

void app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  registerProtocols();
  bindIpc(services);
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('before-quit', () => {
  void services.close();
});
