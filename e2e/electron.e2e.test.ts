import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WebPreferences } from 'electron';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageLinuxApp } from '../packaging/__test__/package-app';
import { appRoot } from '../src/main/paths';
import { drawScene } from '../test/fixtures/images';
import { writeFixtureModels } from '../test/fixtures/model-folders';
import { ensureRendererBuilt } from './fixtures/app-server';
import { electronBinary } from './fixtures/electron-binary';

const binary = electronBinary();
// The app runs with Chromium's sandbox, as shipped; Chromium will not start it as root on Linux.
const asRoot = process.platform === 'linux' && process.getuid?.() === 0;
if (!binary) {
  console.warn(
    'Skipping the Electron spec: no Electron binary in node_modules/electron/dist. ' +
      'It runs where `npx install-electron` (or the first `npm start`) could download Electron; browser mode covers the UI here.',
  );
} else if (asRoot) {
  console.warn('Skipping the Electron spec: Chromium refuses to run sandboxed as root; run it as a user.');
}

/**
 * The packaged app on Linux: electron-builder lays it out (asar, unpacked native code, pruned
 * binaries) from this Electron, and this Electron runs its app.asar. The packaged binary itself is
 * not started: its fuses turn off the inspector that Playwright drives Electron through.
 */
async function appUnderTest(work: string): Promise<string> {
  const arch = process.arch === 'x64' || process.arch === 'arm64' ? process.arch : null;
  if (process.platform === 'linux' && arch) {
    const packaged = await packageLinuxApp(path.dirname(binary!), path.join(work, 'dist'), arch);
    return packaged.asar;
  }
  console.warn(
    `The Electron spec runs the built app (out/), not a packaged one: packaging here is checked on Linux only.`,
  );
  return path.join(appRoot(), 'out', 'main', 'index.js');
}

/** What main records of the next navigation the page attempts (see "denies … navigation"). */
interface NavigationAttempt {
  readonly url: string;
  readonly prevented: boolean;
}
type WithAttempt = typeof globalThis & { navigationAttempt?: Promise<NavigationAttempt> };
/** Part of WebContents that Electron keeps but no longer declares in its types. */
type WithPreferences = { getLastWebPreferences(): WebPreferences | null };

describe.skipIf(!binary || asRoot)('the Electron app', () => {
  let app: ElectronApplication;
  let page: Page;
  let dir: string;
  let packagedDir: string;

  beforeAll(async () => {
    ensureRendererBuilt();
    dir = await mkdtemp(path.join(os.tmpdir(), 'gl-electron-'));
    await writeFile(
      path.join(dir, 'a.png'),
      await drawScene({
        width: 320,
        height: 240,
        rects: [{ colour: 'red', x1: 10, y1: 10, x2: 100, y2: 90 }],
      }),
    );
    packagedDir = await mkdtemp(path.join(os.tmpdir(), 'gl-electron-app-'));
    app = await _electron.launch({
      executablePath: binary!,
      args: [await appUnderTest(packagedDir)],
      cwd: dir,
      // Settings (recent folders, the window's place) go to a folder of the test's own.
      env: { ...process.env, XDG_CONFIG_HOME: path.join(packagedDir, 'config') },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  afterAll(async () => {
    await app?.close();
    await rm(dir, { recursive: true, force: true });
    await rm(packagedDir, { recursive: true, force: true });
  });

  it('starts with one window titled GroundLabel, served from the app scheme', async () => {
    expect(await page.title()).toBe('GroundLabel');
    expect(page.url()).toMatch(/^app:\/\//);
  });

  it('runs the renderer sandboxed and isolated, with web security on: no Node, only the named API', async () => {
    const exposed = await page.evaluate(() => ({
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
      // contextBridge refuses to expose anything unless context isolation is on
      api: typeof window.api?.['dataset:open'],
      ipc: typeof (window.api as unknown as { invoke?: unknown })?.invoke,
    }));
    expect(exposed).toEqual({
      require: 'undefined',
      process: 'undefined',
      api: 'function',
      ipc: 'undefined',
    });
    const settings = await app.evaluate(({ app: electronApp, BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0].webContents as unknown as WithPreferences;
      return {
        noSandbox: electronApp.commandLine.hasSwitch('no-sandbox'),
        prefs: contents.getLastWebPreferences(),
      };
    });
    expect(settings.noSandbox).toBe(false);
    expect(settings.prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
    });
  });

  it('refuses the page a local file as such, which only web security decides', async () => {
    // The page's CSP refuses file: images too, but Chromium checks it after web security and words its
    // refusal differently: with webSecurity off, only the CSP message would come (checked in Chromium
    // with and without --disable-web-security).
    const url = pathToFileURL(path.join(dir, 'a.png')).href;
    const [message, loaded] = await Promise.all([
      page.waitForEvent('console', { predicate: (m) => m.text().includes(url), timeout: 10_000 }),
      page.evaluate(
        (src) =>
          new Promise<boolean>((resolve) => {
            const img = new Image();
            img.onload = () => resolve(true);
            img.onerror = () => resolve(false);
            img.src = src;
          }),
        url,
      ),
    ]);
    expect(loaded).toBe(false);
    expect(message.text()).toBe(`Not allowed to load local resource: ${url}`);
  });

  it('denies new windows and navigation away from the app', async () => {
    // window.open asks main synchronously; the deny comes back as null.
    expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);

    // Record the next will-navigate after the app's own handler has seen it, then navigate.
    await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0].webContents;
      (globalThis as WithAttempt).navigationAttempt = new Promise((resolve) => {
        contents.once('will-navigate', (event) =>
          resolve({ url: event.url, prevented: event.defaultPrevented }),
        );
      });
    });
    await page.evaluate(() => {
      location.href = 'https://example.com/';
    });
    const attempt = await app.evaluate(() => (globalThis as WithAttempt).navigationAttempt);
    expect(attempt).toEqual({ url: 'https://example.com/', prevented: true });
    expect(await page.evaluate(() => location.protocol)).toBe('app:');
  });

  it('does one labeling round trip through the preload API', async () => {
    const status = await page.evaluate(async (folder) => {
      const api = window.api!;
      const opened = await api['dataset:open']({ path: folder });
      if (!opened.ok) throw new Error(opened.error.message);
      // A box names a class the project has: the backend refuses any other.
      const classes = [{ id: 'c1', name: 'cat', color: '#ff0000' }];
      const meta = await api['project:save']({ classes, phraseClasses: {}, promptHistory: [] });
      if (!meta.ok) throw new Error(meta.error.message);
      const id = opened.value.images[0].id;
      const image = await api['image:get']({ id });
      if (!image.ok) throw new Error(image.error.message);
      const { doc } = image.value;
      if (!doc.identity) throw new Error(`image:get gave ${doc.relPath} without its file's fingerprint`);
      const { identity } = doc;
      const box = {
        id: 'b1',
        classId: 'c1',
        x1: 10,
        y1: 10,
        x2: 100,
        y2: 90,
        origin: { kind: 'manual' as const },
      };
      // Saved as the editor does: naming the folder, the revision it read and the file's fingerprint.
      const saved = await api['image:save']({
        datasetId: opened.value.datasetId,
        id,
        baseRevision: doc.revision ?? 0,
        doc: { ...doc, identity, reviewed: true, boxes: [box] },
      });
      if (!saved.ok) throw new Error(saved.error.message);
      const current = await api['dataset:current']({});
      return current.ok ? current.value?.images[0].status : current.error.message;
    }, dir);
    expect(status).toBe('reviewed');
  });

  it('has a minimum size, a menu showing the shortcuts, and the folder opened under File → Open Recent', async () => {
    const opened = await realpath(dir);
    await expect
      .poll(() =>
        app.evaluate(({ Menu }, folder) => {
          type Item = { label: string; accelerator?: string | null; submenu?: { items: Item[] } | null };
          const all = (items: Item[]): Item[] => items.flatMap((i) => [i, ...all(i.submenu?.items ?? [])]);
          return all((Menu.getApplicationMenu()?.items ?? []) as Item[]).some((i) => i.label === folder);
        }, opened),
      )
      .toBe(true);
    const shown = await app.evaluate(({ BrowserWindow, Menu }) => {
      type Item = { accelerator?: string | null; submenu?: { items: Item[] } | null };
      const all = (items: Item[]): Item[] => items.flatMap((i) => [i, ...all(i.submenu?.items ?? [])]);
      return {
        min: BrowserWindow.getAllWindows()[0].getMinimumSize(),
        keys: all((Menu.getApplicationMenu()?.items ?? []) as Item[]).map((i) => i.accelerator ?? ''),
      };
    });
    expect(shown.min).toEqual([800, 600]);
    expect(shown.keys).toEqual(expect.arrayContaining(['CmdOrCtrl+O', 'CmdOrCtrl+S', 'CmdOrCtrl+B']));
  });

  it('opens a model with the unpacked ONNX Runtime, on a thread of its own', async () => {
    const models = await writeFixtureModels(path.join(packagedDir, 'models'));
    const status = await page.evaluate(async (file) => {
      const opened = await window.api!['model:open']({ path: file });
      if (!opened.ok) throw new Error(opened.error.message);
      return opened.value;
    }, models.flavourASmall);
    expect(status.loaded).toBe(true);
    expect(status.threadFallback).toBeUndefined();
  });

  it('serves a thumbnail and the full image over the image scheme', async () => {
    const sizes = await page.evaluate(async (folder) => {
      const api = window.api!;
      const opened = await api['dataset:open']({ path: folder });
      if (!opened.ok) throw new Error(opened.error.message);
      const id = opened.value.images[0].id;
      const load = (src: string) =>
        new Promise<number[]>((resolve, reject) => {
          const img = new Image();
          img.onload = () => resolve([img.naturalWidth, img.naturalHeight]);
          img.onerror = () => reject(new Error(`${src} did not load`));
          img.src = src;
        });
      return [await load(api.thumbUrl(id)), await load(api.imageUrl(id))];
    }, dir);
    expect(sizes).toEqual([
      [128, 96],
      [320, 240],
    ]);
  });
});
