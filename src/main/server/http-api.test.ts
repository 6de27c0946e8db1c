import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { drawScene } from '../../../test/fixtures/images';
import { writeFixtureModels, type FixtureModelPaths } from '../../../test/fixtures/model-folders';
import { DEFAULT_THRESHOLDS } from '../../shared/detection';
import { iou } from '../../shared/geometry';
import type { DatasetSnapshot, ImageDetail, InferResult } from '../../shared/ipc/contract';
import { box, cls, meta } from '../__test__/docs';
import { tempDirs } from '../inference/__test__/helpers';
import {
  api,
  fromPage,
  mediaKey,
  request,
  startTestServer,
  subscribe,
  value,
  writeRenderer,
} from './__test__/http-client';

const tempDir = tempDirs('http-api');

const RED = { x1: 40, y1: 30, x2: 200, y2: 150 };

let base: string;
let rendererDir: string;
let datasetDir: string;
let models: FixtureModelPaths;

beforeAll(async () => {
  base = await tempDir();
  rendererDir = await writeRenderer(path.join(base, 'renderer'));
  datasetDir = path.join(base, 'dataset');
  await mkdir(datasetDir);
  await writeFile(
    path.join(datasetDir, 'red.png'),
    await drawScene({ width: 320, height: 240, rects: [{ colour: 'red', ...RED }] }),
  );
  await writeFile(path.join(datasetDir, 'plain.png'), await drawScene({ width: 64, height: 48, rects: [] }));
  await writeFile(path.join(base, 'outside.png'), await drawScene({ width: 10, height: 10, rects: [] }));
  models = await writeFixtureModels(path.join(base, 'models'));
});

const start = () => startTestServer(rendererDir, [datasetDir]);

/** A dataset whose escape.png is replaced, once it is open, by a link to a file outside it. */
async function withEscape() {
  const folder = path.join(await tempDir(), 'escape');
  await mkdir(folder);
  await writeFile(path.join(folder, 'escape.png'), await drawScene({ width: 10, height: 10, rects: [] }));
  const server = await startTestServer(rendererDir, [folder]);
  const snapshot = await value<DatasetSnapshot>(server, 'dataset:open', { path: folder });
  await rm(path.join(folder, 'escape.png'));
  await symlink(path.join(base, 'outside.png'), path.join(folder, 'escape.png'));
  return { server, id: idOf(snapshot, 'escape.png') };
}

const idOf = (snapshot: DatasetSnapshot, relPath: string) =>
  snapshot.images.find((i) => i.relPath === relPath)!.id;

describe('browser-mode API', () => {
  it('answers app:info', async () => {
    const server = await start();
    expect(await value(server, 'app:info')).toMatchObject({
      mode: 'browser',
      platform: process.platform,
      version: expect.any(String),
    });
  });

  it('answers an unknown channel, a GET on a channel and a bad body without running anything', async () => {
    const server = await start();
    const post = (target: string, body: string) =>
      request(server, target, { method: 'POST', headers: fromPage(server), body });
    expect((await post('/api/nope', '{}')).status).toBe(404);
    expect((await post('/api/toString', '{}')).status).toBe(404);
    expect((await request(server, '/api/app:info', { headers: fromPage(server) })).status).toBe(405);
    const bad = await post('/api/dataset:open', '{"path": ');
    expect(JSON.parse(bad.text)).toEqual({
      ok: false,
      error: { code: 'bad-argument', message: 'dataset:open: the request body is not valid JSON' },
    });
    const missing = await api(server, 'dataset:open', {});
    expect(missing).toEqual({
      ok: false,
      error: { code: 'bad-argument', message: expect.stringContaining('path') },
    });
  });

  it('opens a dataset, gives and saves an image, and shows its status in dataset:current', async () => {
    const server = await start();
    const snapshot = await value<DatasetSnapshot>(server, 'dataset:open', { path: datasetDir });
    expect(snapshot.images.map((i) => i.relPath)).toEqual(['plain.png', 'red.png']);
    const red = idOf(snapshot, 'red.png');
    await value(server, 'project:save', meta([cls('c1', 'red')]));
    const detail = await value<ImageDetail>(server, 'image:get', { id: red });
    expect(detail.doc).toMatchObject({
      relPath: 'red.png',
      width: 320,
      height: 240,
      reviewed: false,
      boxes: [],
    });
    const saved = await value(server, 'image:save', {
      datasetId: snapshot.datasetId,
      id: red,
      baseRevision: detail.doc.revision ?? 0,
      doc: { ...detail.doc, reviewed: true, boxes: [box('c1', { kind: 'manual' }, RED)] },
    });
    expect(saved).toMatchObject({ status: 'reviewed' });
    const current = await value<DatasetSnapshot>(server, 'dataset:current');
    expect(current.images.find((i) => i.id === red)).toMatchObject({ status: 'reviewed', boxes: 1 });
  });

  it('pushes save:status over the event stream after image:save', async () => {
    const server = await start();
    const snapshot = await value<DatasetSnapshot>(server, 'dataset:open', { path: datasetDir });
    const plain = idOf(snapshot, 'plain.png');
    const { doc } = await value<ImageDetail>(server, 'image:get', { id: plain });
    const stream = await subscribe(server);
    const saving = stream.next('save:status', (d) => d.state === 'saving');
    const saved = stream.next('save:status', (d) => d.state === 'saved');
    await value(server, 'image:save', {
      datasetId: snapshot.datasetId,
      id: plain,
      baseRevision: doc.revision ?? 0,
      doc: { ...doc, reviewed: true },
    });
    expect(await saving).toEqual({ state: 'saving' });
    expect(await saved).toEqual({ state: 'saved' });
    stream.close();
  });

  it('ends the open event streams when it closes', async () => {
    const server = await start();
    const stream = await subscribe(server);
    await server.close();
    await stream.ended;
  });
});

describe('browser-mode images', () => {
  it('answers 404 while no dataset is open', async () => {
    const server = await start();
    expect((await request(server, `/m/${await mediaKey(server)}/image/anything`)).status).toBe(404);
  });

  it('serves an image by id under the media key, and 404 for an unknown or malformed id', async () => {
    const server = await start();
    const snapshot = await value<DatasetSnapshot>(server, 'dataset:open', { path: datasetDir });
    const m = `/m/${await mediaKey(server)}`;
    const reply = await request(server, `${m}/image/${idOf(snapshot, 'red.png')}`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^image\//);
    expect(reply.body.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect((await request(server, `${m}/image/unknown-id`)).status).toBe(404);
    expect((await request(server, `${m}/image/${encodeURIComponent('../red.png')}`)).status).toBe(404);
    expect((await request(server, `${m}/image/%E0%A4%A`)).status).toBe(404);
  });

  it('refuses an image that links outside the dataset with 403', async () => {
    const { server, id } = await withEscape();
    const m = `/m/${await mediaKey(server)}`;
    expect((await request(server, `${m}/image/${id}`)).status).toBe(403);
    expect((await request(server, `${m}/thumb/${id}`)).status).toBe(403);
  });

  it('has the browser revalidate an image, answers 304 while the file is the same, and the new bytes once it is replaced', async () => {
    const folder = path.join(await tempDir(), 'replaced');
    await mkdir(folder);
    const file = path.join(folder, 'frame.png');
    await writeFile(file, await drawScene({ width: 64, height: 48, rects: [] }));
    const server = await startTestServer(rendererDir, [folder]);
    const snapshot = await value<DatasetSnapshot>(server, 'dataset:open', { path: folder });
    const url = `/m/${await mediaKey(server)}/image/${idOf(snapshot, 'frame.png')}`;

    const first = await request(server, url);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"image-.+"$/);
    const again = await request(server, url, { headers: { 'if-none-match': etag } });
    expect([again.status, again.body.length]).toEqual([304, 0]);

    // Another picture under the same name, renamed over the old one as editors save.
    const next = await drawScene({
      width: 80,
      height: 60,
      rects: [{ colour: 'blue', x1: 1, y1: 1, x2: 40, y2: 30 }],
    });
    await writeFile(`${file}.new`, next);
    await rename(`${file}.new`, file);
    const replaced = await request(server, url, { headers: { 'if-none-match': etag } });
    expect(replaced.status).toBe(200);
    expect(replaced.headers.etag).not.toBe(etag);
    expect(replaced.body.equals(first.body)).toBe(false);
  });
});

describe('browser-mode inference', () => {
  it('opens a fixture model and finds the red rectangle, pushing infer:progress', async () => {
    const server = await start();
    const status = await value(server, 'model:open', { path: models.flavourB });
    expect(status).toMatchObject({ loaded: true, flavour: 'B', name: 'Colour fixture B' });
    const snapshot = await value<DatasetSnapshot>(server, 'dataset:open', { path: datasetDir });
    const stream = await subscribe(server);
    const progress = stream.next('infer:progress');
    const results = await value<InferResult[]>(server, 'infer:run', {
      ids: [idOf(snapshot, 'red.png')],
      prompt: 'red . blue .',
      thresholds: DEFAULT_THRESHOLDS,
    });
    expect(results).toHaveLength(1);
    expect(results[0].relPath).toBe('red.png');
    expect(results[0].detections?.map((d) => d.phrase)).toEqual(['red']);
    expect(iou(results[0].detections![0].box, RED)).toBeGreaterThan(0.9);
    expect(await progress).toEqual({ done: 1, total: 1, result: results[0] });
    stream.close();
  });

  it('refuses to run without a model with model-not-loaded', async () => {
    const server = await start();
    const snapshot = await value<DatasetSnapshot>(server, 'dataset:open', { path: datasetDir });
    const result = await api(server, 'infer:run', {
      ids: [idOf(snapshot, 'red.png')],
      prompt: 'red',
      thresholds: DEFAULT_THRESHOLDS,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'model-not-loaded' } });
  });

  it('refuses to run on an image that links outside the dataset with forbidden', async () => {
    const { server, id } = await withEscape();
    await value(server, 'model:open', { path: models.flavourB });
    const result = await api(server, 'infer:run', {
      ids: [id],
      prompt: 'red',
      thresholds: DEFAULT_THRESHOLDS,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
