/**
 * Browser mode against another web page on the same machine. The app's page is opened with its
 * tokened address (so any cookie would be set), then a page served from another port of 127.0.0.1
 * tries what a page may do without the token: no-cors fetches and auto-submitted forms to the API,
 * <img> loads of images and thumbnails, an EventSource, and CORS reads. Every one must be refused by
 * the server, nothing on disk may change, and the attacking page may learn nothing.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_DIR } from '../src/main/dataset/project-store';
import type { DatasetSnapshot, ImageDetail, Result } from '../src/shared/ipc/contract';
import type { ProjectMeta } from '../src/shared/project';
import { writeSceneFolder } from '../test/fixtures/images';
import { startApp, type AppUnderTest } from './fixtures/app-server';
import { LabelPage, launchChromium } from './fixtures/label-page';

let app: AppUnderTest;
let browser: Browser;
let dataset: string;
/** A folder outside every allowed one, and one inside: an attack must create .groundlabel in neither. */
let elsewhere: string;
let inside: string;

/** Calls the API as a script on this machine does: with the token, without browser headers. */
async function call<T>(channel: string, body: unknown): Promise<T> {
  const reply = await fetch(`http://127.0.0.1:${app.server.port}/api/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${app.server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const result = (await reply.json()) as Result<T>;
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value;
}

/** Every file the project keeps about the dataset, by path, with its bytes (thumbnails aside). */
async function stored(): Promise<Map<string, string>> {
  const dir = path.join(dataset, STORE_DIR);
  const files = await readdir(dir, { recursive: true, withFileTypes: true });
  const out = new Map<string, string>();
  for (const f of files) {
    const file = path.join(f.parentPath, f.name);
    if (f.isFile() && !path.relative(dir, file).startsWith('thumbs'))
      out.set(path.relative(dir, file), await readFile(file, 'latin1'));
  }
  return out;
}

/** The attacking page: it knows the server's address and the image ids, not the token. */
function attackPage(target: string, ids: readonly string[]): string {
  // The project's own class kept (a class in use cannot go), one added; the revision guessed.
  const evilMeta = (revision: number) =>
    JSON.stringify({
      revision,
      classes: [
        { id: 'c-cat', name: 'cat', color: '#00ff00' },
        { id: 'c-evil', name: 'pwned', color: '#ff0000' },
      ],
      phraseClasses: {},
      promptHistory: [],
    });
  const script = `
const target = ${JSON.stringify(target)};
const ids = ${JSON.stringify(ids)};
const evilMetas = ${JSON.stringify([0, 1, 2, 3].map(evilMeta))};
const evilMeta = evilMetas[1];
const results = {};
const settle = (name, promise) => promise.then((v) => (results[name] = v), (e) => (results[name] = 'error: ' + e.name));
const noCors = (url, body, type) =>
  fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include', body, ...(type && { headers: { 'Content-Type': type } }) })
    .then((r) => r.type + ' ' + r.status);
const cors = (url, init) => fetch(url, { credentials: 'include', ...init }).then(async (r) => 'read ' + r.status + ' ' + (await r.text()));
const image = (url) => new Promise((resolve) => {
  const img = new Image();
  img.onload = () => resolve('loaded ' + img.naturalWidth);
  img.onerror = () => resolve('failed');
  img.src = url;
});
const events = (url) => new Promise((resolve) => {
  const es = new EventSource(url, { withCredentials: true });
  let got = 0;
  es.onmessage = () => (got += 1);
  es.onerror = () => { es.close(); resolve('failed after ' + got + ' messages'); };
});
function form(name, enctype, fields) {
  return new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.name = name;
    frame.onload = () => resolve('submitted');
    document.body.append(frame);
    const f = document.createElement('form');
    f.method = 'POST';
    f.action = target + '/api/project:save';
    f.enctype = enctype;
    f.target = name;
    for (const [k, v] of fields) {
      const input = document.createElement('input');
      input.name = k;
      input.value = v;
      f.append(input);
    }
    document.body.append(f);
    f.submit();
  });
}
Promise.all([
  ...evilMetas.map((meta, i) => settle('no-cors project:save ' + i, noCors(target + '/api/project:save', meta))),
  settle('no-cors project:save as form data', noCors(target + '/api/project:save', evilMeta, 'application/x-www-form-urlencoded')),
  settle('no-cors dataset:open elsewhere', noCors(target + '/api/dataset:open', JSON.stringify({ path: ${JSON.stringify(elsewhere)} }))),
  settle('no-cors dataset:open inside', noCors(target + '/api/dataset:open', JSON.stringify({ path: ${JSON.stringify(inside)} }))),
  settle('cors JSON without the token', cors(target + '/api/dataset:current', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })),
  settle('cors read of the page', cors(target + '/')),
  settle('form text/plain', form('f1', 'text/plain', [[evilMeta.slice(0, -1) + ', "x": "', '"}']])),
  settle('form urlencoded', form('f2', 'application/x-www-form-urlencoded', [['classes', 'pwned']])),
  ...ids.flatMap((id) => [
    settle('img image ' + id, image(target + '/image/' + id)),
    settle('img thumb ' + id, image(target + '/thumb/' + id)),
    settle('img guessed key ' + id, image(target + '/m/guess/image/' + id)),
  ]),
  settle('EventSource old address', events(target + '/api/events')),
  settle('EventSource guessed key', events(target + '/m/guess/events')),
]).then(() => { window.attack = results; });
`;
  return `<!doctype html><title>Not GroundLabel</title><body><script>${script}</script></body>`;
}

/** Serves the attacking page from another port of 127.0.0.1. */
async function serveAttacker(html: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

beforeAll(async () => {
  [app, browser] = await Promise.all([
    startApp({
      dataset: async (dir) => {
        const folder = path.join(dir, 'dataset');
        const spec = {
          width: 96,
          height: 64,
          rects: [{ colour: 'red' as const, x1: 8, y1: 8, x2: 40, y2: 30 }],
        };
        await writeSceneFolder(folder, [
          { relPath: 'a.png', spec },
          { relPath: 'b.png', spec },
        ]);
        return folder;
      },
    }),
    launchChromium(),
  ]);
  dataset = path.join(app.dir, 'dataset');
  elsewhere = await mkdtemp(path.join(os.tmpdir(), 'gl-e2e-elsewhere-'));
  inside = path.join(app.dir, 'dataset', 'sub');
  // A class and a labeled image, so that there is something to lose.
  const current = await call<DatasetSnapshot>('dataset:current', {});
  await call('project:save', { ...current.meta, classes: [{ id: 'c-cat', name: 'cat', color: '#00ff00' }] });
  const [a] = current.images;
  const { doc } = await call<ImageDetail>('image:get', { id: a.id });
  await call('image:save', {
    datasetId: current.datasetId,
    id: a.id,
    baseRevision: doc.revision ?? 0,
    doc: {
      ...doc,
      reviewed: true,
      boxes: [{ id: 'b1', classId: 'c-cat', x1: 8, y1: 8, x2: 40, y2: 30, origin: { kind: 'manual' } }],
    },
  });
  await app.services.currentDataset()!.store.flush();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await rm(elsewhere, { recursive: true, force: true });
});

describe('browser mode against another page on this machine', () => {
  it('keeps the token out of the address bar once the page has it', async () => {
    const ui = await LabelPage.open(browser, app.server.url);
    expect(ui.page.url()).toBe(`http://127.0.0.1:${app.server.port}/`);
    await ui.close();
  });

  it('refuses every request a page of another port sends, changes nothing on disk and leaks nothing', async () => {
    // The app's own page is open in the same browser, as a person would have it.
    const ui = await LabelPage.open(browser, app.server.url);
    await ui.waitForOption('a.png', 'Reviewed, 1 box');
    const before = await stored();
    const ids = app.services
      .currentDataset()!
      .snapshot()
      .images.map((im) => im.id);

    const target = `http://127.0.0.1:${app.server.port}`;
    const attacker = await serveAttacker(attackPage(target, ids));
    const page: Page = await ui.page.context().newPage();
    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(target)) sent.push(r.url().slice(target.length).split('?')[0]);
    });
    const refusedBefore = app.refused.length;
    await page.goto(attacker.url);
    await page.waitForFunction(() => 'attack' in window, undefined, { timeout: 30_000 });
    const seen = (await page.evaluate(() => (window as unknown as { attack: object }).attack)) as Record<
      string,
      string
    >;
    await attacker.close();

    // Nothing changed on disk or in memory, and no folder was opened.
    await app.services.currentDataset()!.store.flush();
    expect(await stored()).toEqual(before);
    expect(
      app.services
        .currentDataset()!
        .store.getMeta()
        .classes.map((c) => c.name),
    ).toEqual(['cat']);
    const meta = JSON.parse(before.get('project.json')!) as ProjectMeta;
    expect(meta.classes.map((c) => c.name)).toEqual(['cat']);
    expect(existsSync(path.join(elsewhere, STORE_DIR))).toBe(false);
    expect(existsSync(path.join(inside, STORE_DIR))).toBe(false);
    expect(app.services.currentDataset()!.root).toBe(dataset);

    // What the attacking page could observe: opaque replies or none, failed loads, no readable body.
    for (const [name, outcome] of Object.entries(seen)) {
      // An opaque reply, or none at all where Cross-Origin-Resource-Policy stops it.
      if (name.startsWith('no-cors')) expect(['opaque 0', 'error: TypeError'], name).toContain(outcome);
      else if (name.startsWith('cors')) expect(outcome, name).toBe('error: TypeError');
      else if (name.startsWith('img')) expect(outcome, name).toBe('failed');
      else if (name.startsWith('EventSource')) expect(outcome, name).toBe('failed after 0 messages');
      else expect(outcome, name).toBe('submitted');
    }
    // What the server did: it heard every request the page sent and turned each one away.
    const refused = app.refused
      .slice(refusedBefore)
      .map((r) => `${r.method} ${r.path.replace(/^\/m\/…/, '/m/guess')}`);
    expect(sent.length).toBeGreaterThanOrEqual(11 + ids.length * 3 + 2);
    // The old image addresses (/image/<id>, /thumb/<id>) are no route any more: 404, nothing served.
    for (const url of sent.filter((u) => u.startsWith('/api/') || u.startsWith('/m/')))
      expect(
        refused.some((r) => r.endsWith(` ${url}`)),
        url,
      ).toBe(true);
    expect(refused.filter((r) => r === 'POST /api/project:save').length).toBeGreaterThanOrEqual(7);
    expect(refused.filter((r) => r === 'POST /api/dataset:open')).toHaveLength(2);

    await ui.close();
  });
});
