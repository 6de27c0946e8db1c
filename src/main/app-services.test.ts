import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { drawScene } from '../../test/fixtures/images';
import { CHANNELS } from '../shared/ipc/contract';
import { viaCalls, editOf, saveEdit } from '../../test/fixtures/edits';
import { box, cls, meta } from './__test__/docs';
import { tempFolderAccess } from './__test__/access';
import { channelCalls } from './__test__/calls';
import { eventRecorder } from './__test__/events';
import { AppServices } from './app-services';
import { STORE_DIR } from './dataset/project-store';
import { tempDirs } from './inference/__test__/helpers';
import { appRoot, userDataPaths } from './paths';

const tempDir = tempDirs('app-services');
const NEVER = 600_000;

let open: AppServices[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

function services(saveDebounceMs = NEVER) {
  const { events, emit, next } = eventRecorder();
  const s = new AppServices({
    mode: 'electron',
    device: 'cpu',
    saveDebounceMs,
    emit,
    access: tempFolderAccess(),
  });
  open.push(s);
  const { call, fails } = channelCalls(s.handlers);
  return { s, events, next, call, fails };
}

async function folder(names: readonly string[]): Promise<string> {
  const root = await tempDir();
  for (const name of names) {
    const file = path.join(root, ...name.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(
      file,
      await drawScene({ width: 80, height: 60, rects: [{ colour: 'green', x1: 5, y1: 5, x2: 40, y2: 30 }] }),
    );
  }
  return root;
}

describe('AppServices', () => {
  it('has a handler for every channel of the contract', () => {
    const { s } = services();
    expect(Object.keys(s.handlers).sort()).toEqual([...CHANNELS].sort());
  });

  it('tells the version, mode and platform', async () => {
    const { call } = services();
    const { version } = JSON.parse(await readFile(path.join(appRoot(), 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(await call('app:info', {})).toEqual({ version, mode: 'electron', platform: process.platform });
  });

  it('answers dataset channels with dataset-not-open until a folder is opened', async () => {
    const { call, fails } = services();
    expect(await call('dataset:current', {})).toBeNull();
    const doc = {
      relPath: 'a.png',
      identity: { size: 1, hash: '0123456789abcdef' },
      width: 1,
      height: 1,
      reviewed: true,
      boxes: [],
    };
    expect((await fails('image:get', { id: 'x' })).code).toBe('dataset-not-open');
    expect((await fails('image:save', { datasetId: 'x', id: 'x', baseRevision: 0, doc })).code).toBe(
      'dataset-not-open',
    );
    expect((await fails('project:save', meta([]))).code).toBe('dataset-not-open');
    expect(
      (
        await fails('infer:run', {
          ids: ['x'],
          prompt: 'red',
          thresholds: { box: 0.3, text: 0.2, nmsIou: null },
        })
      ).code,
    ).toBe('dataset-not-open');
    expect((await fails('export:preview', { format: 'yolo' })).code).toBe('dataset-not-open');
    expect((await fails('export:run', { format: 'yolo' })).code).toBe('dataset-not-open');
  });

  it('opens a dataset, gives and saves an image, and shows its new status', async () => {
    const root = await folder(['a.png', 'b/c.png']);
    const { call, events } = services();
    const snapshot = await call('dataset:open', { path: root });
    expect(snapshot.images.map((i) => [i.relPath, i.status])).toEqual([
      ['a.png', 'unlabeled'],
      ['b/c.png', 'unlabeled'],
    ]);
    expect(snapshot.readOnly).toEqual({});
    const beforeSaves = events.length;
    await call('project:save', meta([cls('c1', 'cat')]));
    const id = snapshot.images[1].id;
    const identity = { size: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{32}$/) };
    const { doc } = await call('image:get', { id });
    expect(doc).toEqual({
      relPath: 'b/c.png',
      width: 80,
      height: 60,
      reviewed: false,
      boxes: [],
      identity,
      revision: 0,
    });

    const edited = { ...doc, reviewed: true, boxes: [box('c1')] };
    const images = viaCalls(call, snapshot.datasetId);
    expect(await saveEdit(images, id, edited)).toEqual({ status: 'reviewed', revision: 1 });
    // Both edits wait for one write: "saving" is said once for them.
    expect(events.slice(beforeSaves).filter((e) => e.event !== 'dataset:meta')).toEqual([
      { event: 'save:status', payload: { state: 'saving' } },
    ]);
    expect((await call('image:get', { id })).doc).toEqual({ ...edited, identity, revision: 1 });
    const current = await call('dataset:current', {});
    expect(current?.images[1]).toEqual({
      id,
      relPath: 'b/c.png',
      status: 'reviewed',
      boxes: 1,
      classIds: [edited.boxes[0].classId],
      width: 80,
      height: 60,
    });
  });

  it('fills in image sizes in the background after opening, and keeps them for the next snapshot', async () => {
    const { call, next } = services();
    const root = await folder(['a.png', 'b/c.png']);
    const snapshot = await call('dataset:open', { path: root });
    expect(snapshot.images.every((im) => im.width === undefined)).toBe(true);
    const meta = await next((e) => e.event === 'dataset:meta');
    expect(meta.payload).toEqual({
      root: snapshot.root,
      entries: snapshot.images.map((im) => ({ id: im.id, width: 80, height: 60 })),
    });
    const current = await call('dataset:current', {});
    expect(current?.images.map((im) => [im.width, im.height])).toEqual([
      [80, 60],
      [80, 60],
    ]);
  });

  it('refuses to save a document under the id of another image', async () => {
    const root = await folder(['a.png', 'b.png']);
    const { call, fails } = services();
    const { datasetId, images } = await call('dataset:open', { path: root });
    const [a, b] = images;
    const edit = await editOf(viaCalls(call, datasetId), b.id, { reviewed: true });
    const error = await fails('image:save', { ...edit, id: a.id });
    expect(error.code).toBe('bad-argument');
  });

  it('reports the label files written after the quiet time as saved', async () => {
    const root = await folder(['a.png']);
    const { call, events, next } = services(5);
    const { datasetId, images } = await call('dataset:open', { path: root });
    const saved = next((e) => e.event === 'save:status' && e.payload.state === 'saved');
    await saveEdit(viaCalls(call, datasetId), images[0].id, { reviewed: true });
    await saved;
    expect(events.map((e) => e.event === 'save:status' && e.payload.state)).toEqual(['saving', 'saved']);
    expect(existsSync(path.join(root, STORE_DIR, 'labels', 'a.png.json'))).toBe(true);
  });

  it('saves the project settings', async () => {
    const root = await folder(['a.png']);
    const { call, fails } = services();
    await call('dataset:open', { path: root });
    const m = meta([cls('c1', 'cat')], { promptHistory: ['cat .'] });
    expect(await call('project:save', m)).toEqual({ ...m, revision: 1 });
    expect((await call('dataset:current', {}))?.meta).toEqual({ ...m, revision: 1 });
    // Saved again on the revision it was read at: refused, and the stored settings stay.
    const stale = { ...m, classes: [] };
    expect((await fails('project:save', stale)).code).toBe('edit-conflict');
    expect((await call('dataset:current', {}))?.meta.classes).toEqual(m.classes);
  });

  it('writes the edits of the previous dataset when another is opened', async () => {
    const first = await folder(['a.png']);
    const second = await folder(['z.png']);
    const { call } = services();
    const { datasetId, images } = await call('dataset:open', { path: first });
    await saveEdit(viaCalls(call, datasetId), images[0].id, { reviewed: true });
    await call('dataset:open', { path: second });
    expect(existsSync(path.join(first, STORE_DIR, 'labels', 'a.png.json'))).toBe(true);
    expect((await call('dataset:current', {}))?.images.map((i) => i.relPath)).toEqual(['z.png']);
  });

  it('keeps the current dataset when another fails to open', async () => {
    const good = await folder(['a.png']);
    const damaged = await folder(['b.png']);
    await mkdir(path.join(damaged, STORE_DIR));
    await writeFile(path.join(damaged, STORE_DIR, 'project.json'), '{"classes": [');
    const { call, fails } = services();
    await call('dataset:open', { path: good });
    const error = await fails('dataset:open', { path: damaged });
    expect(error.code).toBe('label-file-invalid');
    expect(error.message).toContain('project.json');
    expect((await fails('dataset:open', { path: path.join(good, 'missing') })).code).toBe('image-not-found');
    expect((await call('dataset:current', {}))?.images.map((i) => i.relPath)).toEqual(['a.png']);
  });

  it('analyses a prompt and reports no model loaded', async () => {
    const { call, fails } = services();
    expect(await call('prompt:analyse', { prompt: 'cat . dog' })).toMatchObject({
      phrases: ['cat', 'dog'],
      passes: 1,
      maxTokens: 256,
    });
    const status = await call('model:status', {});
    expect(status).toMatchObject({ loaded: false, modelsDir: userDataPaths().modelsDir });
    const root = await folder(['a.png']);
    const [a] = (await call('dataset:open', { path: root })).images;
    const error = await fails('infer:run', {
      ids: [a.id],
      prompt: 'red',
      thresholds: { box: 0.3, text: 0.2, nmsIou: null },
    });
    expect(error.code).toBe('model-not-loaded');
    expect(error.message).toContain(userDataPaths().modelsDir);
    expect(
      (
        await fails('infer:run', {
          ids: ['unknown-id'],
          prompt: 'red',
          thresholds: { box: 0.3, text: 0.2, nmsIou: null },
        })
      ).code,
    ).toBe('image-not-found');
  });

  it('previews and runs an export of the saved labels into exports/, which the dataset then leaves out', async () => {
    const root = await folder(['a.png', 'b.png', 'c.png']);
    const { call, events } = services();
    const snapshot = await call('dataset:open', { path: root });
    await call('project:save', meta([cls('c1', 'cat'), cls('c2', 'dog', '#00ff00')]));
    const [a, b] = snapshot.images;
    const images = viaCalls(call, snapshot.datasetId);
    await saveEdit(images, a.id, { reviewed: true, boxes: [box('c1'), box('c2')] });
    await saveEdit(images, b.id, { reviewed: true });

    const preview = await call('export:preview', { format: 'coco', classIds: ['c2'] });
    expect(preview).toEqual({
      reviewed: 2,
      negatives: 1,
      leftOut: { unlabeled: 1, suggested: 0, 'nothing-found': 0 },
      boxesPerClass: [{ name: 'dog', boxes: 1 }],
      problems: [],
      val: 0,
    });

    const { outDir, summary } = await call('export:run', { format: 'coco' });
    expect(summary).toMatchObject({ reviewed: 2, negatives: 1, leftOut: { unlabeled: 1 }, problems: [] });
    expect(path.dirname(outDir)).toBe(path.join(snapshot.root, 'exports'));
    expect((await readdir(outDir, { recursive: true })).length).toBeGreaterThan(0);
    // The export flushed the edits first.
    expect(existsSync(path.join(root, STORE_DIR, 'labels', 'a.png.json'))).toBe(true);
    const progress = events.flatMap((e) => (e.event === 'export:progress' ? [e.payload] : []));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)?.done).toBe(progress.at(-1)?.total);

    const reopened = await call('dataset:open', { path: root });
    expect(reopened.images.map((i) => i.relPath)).toEqual(['a.png', 'b.png', 'c.png']);
  });
});
