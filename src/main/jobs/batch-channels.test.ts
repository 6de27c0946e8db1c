import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMPT, writeDataset } from '../../../test/cli/scenes';
import { writeFixtureModels, type FixtureModelPaths } from '../../../test/fixtures/model-folders';
import { tempFolderAccess } from '../__test__/access';
import { channelCalls } from '../__test__/calls';
import { eventRecorder } from '../__test__/events';
import { AppServices } from '../app-services';
import { dispatch } from '../dispatch';
import { tempDirs } from '../inference/__test__/helpers';
import { readBatchJob } from './batch-file';

const tempDir = tempDirs('batch-channels');
let models: FixtureModelPaths;
const opened: AppServices[] = [];

beforeAll(async () => {
  models = await writeFixtureModels(path.join(await tempDir(), 'models'));
});
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

async function app(root?: string) {
  const recorder = eventRecorder();
  const s = new AppServices({
    mode: 'browser',
    device: 'cpu',
    saveDebounceMs: 600_000,
    emit: recorder.emit,
    access: tempFolderAccess(),
  });
  opened.push(s);
  const { call, fails } = channelCalls(s.handlers);
  const folder = root ?? (await tempDir());
  if (!root) await writeDataset(folder);
  await call('model:open', { path: models.flavourASmall });
  const snapshot = await call('dataset:open', { path: folder });
  const idOf = (relPath: string) => snapshot.images.find((i) => i.relPath === relPath)!.id;
  const finished = () => recorder.next((e) => e.event === 'batch:finished');
  return { s, call, fails, snapshot, idOf, folder, ...recorder, finished };
}

const thresholds = { box: 0.35, text: 0.25, nmsIou: 0.5 };

describe('batch and accept channels', () => {
  it('runs a batch on the ids asked for, reports progress per image, and refuses a second one meanwhile', async () => {
    const { call, fails, idOf, events, finished } = await app();
    const ids = [idOf('a.png'), idOf('sub/b.jpg'), idOf('broken.jpg')];
    const done = finished();
    const { jobId } = await call('batch:start', { ids, prompt: PROMPT, thresholds });
    const refused = await fails('batch:start', { prompt: 'red', thresholds });
    expect(refused.code).toBe('batch-running');
    expect(refused.message).toMatch(/A batch is already running on .* Cancel it or wait/);
    // The batch holds the detector: another model may not replace it under the running job.
    const swap = await fails('model:open', { path: models.flavourB });
    expect(swap.code).toBe('batch-running');
    await done;
    expect((await call('model:status', {})).flavour).toBe('A');
    const status = await call('batch:status', {});
    expect(status).toMatchObject({ jobId, state: 'done', total: 3, done: 3, labeled: 2, failed: 1 });
    const images = events.flatMap((e) => (e.event === 'batch:image' ? [e.payload] : []));
    expect(images.map((i) => [i.id, i.status, i.boxes])).toEqual([
      [ids[0], 'suggested', 2],
      [ids[1], 'suggested', 2],
      [ids[2], 'unreadable', 0],
    ]);
    const progress = events.flatMap((e) => (e.event === 'batch:progress' ? [e.payload] : []));
    expect(progress.map((p) => `${p.done}/${p.total} ${p.relPath}`)).toEqual([
      '1/3 a.png',
      '2/3 sub/b.jpg',
      '3/3 broken.jpg',
    ]);
    const detail = await call('image:get', { id: ids[0] });
    expect(detail.doc.boxes.map((b) => b.origin.kind)).toEqual(['suggestion', 'suggestion']);
  });

  it('refuses to accept while the batch runs, then accepts suggestions above a score across the dataset, per class, and undoes it', async () => {
    const { call, fails, idOf, finished } = await app();
    const done = finished();
    await call('batch:start', { prompt: PROMPT, thresholds });
    await fails('suggestions:accept', { minScore: 0 }).then((e) => expect(e.code).toBe('batch-running'));
    await done;
    const { meta } = (await call('dataset:current', {}))!;
    const red = meta.phraseClasses['red'];
    const accept = await call('suggestions:accept', { minScore: 0.1, classIds: [red] });
    expect(accept).toMatchObject({ accepted: 2, images: 2 });
    expect(accept.entries.map((e) => [e.relPath, e.status])).toEqual([
      ['a.png', 'suggested'],
      ['sub/deeper/c.png', 'suggested'],
    ]);
    const a = (await call('image:get', { id: idOf('a.png') })).doc;
    expect(a.reviewed).toBe(true);
    expect(a.boxes.map((b) => `${b.origin.kind}:${b.classId === red ? 'red' : 'other'}`)).toEqual([
      'accepted:red',
      'suggestion:other',
    ]);

    const all = await call('suggestions:accept', { minScore: 0 });
    expect(all).toMatchObject({ accepted: 5, images: 4 });
    expect(all.entries.every((e) => e.status === 'reviewed')).toBe(true);
    const undo = await call('suggestions:accept-undo', { token: all.token });
    expect(undo).toMatchObject({ restored: 4, skipped: [] });
    expect(undo.entries.find((e) => e.relPath === 'a.png')).toMatchObject({ status: 'suggested', boxes: 2 });
    // The same document as before, two writes later: the accept and its undo.
    expect((await call('image:get', { id: idOf('a.png') })).doc).toEqual({ ...a, revision: a.revision! + 2 });
  });

  it('shows images where the batch found nothing as such, marks them all negative in one step, and undoes it', async () => {
    const { call, fails, idOf, events, finished } = await app();
    const done = finished();
    await call('batch:start', { prompt: PROMPT, thresholds });
    await fails('nothing-found:mark-negative', {}).then((e) => expect(e.code).toBe('batch-running'));
    const end = await done;
    expect(end.event === 'batch:finished' && end.payload.status).toMatchObject({
      labeled: 6,
      nothingFound: 2,
    });
    const images = events.flatMap((e) => (e.event === 'batch:image' ? [e.payload] : []));
    expect(
      images
        .filter((e) => e.status === 'nothing-found')
        .map((e) => e.relPath)
        .sort(),
    ).toEqual(['d-empty.png', 'f-faint.png']);
    const before = (await call('dataset:stats', {})).images;
    // The image the model could not read is unreadable, not work waiting to be done.
    expect(before).toMatchObject({ 'nothing-found': 2, unreadable: 1, unlabeled: 0, negative: 0 });
    const exportBefore = await call('export:preview', { format: 'coco' });
    expect(exportBefore.leftOut['nothing-found']).toBe(2);

    const marked = await call('nothing-found:mark-negative', {});
    expect(marked.entries.map((e) => [e.relPath, e.status])).toEqual([
      ['d-empty.png', 'negative'],
      ['f-faint.png', 'negative'],
    ]);
    expect((await call('image:get', { id: idOf('d-empty.png') })).doc).toMatchObject({
      reviewed: true,
      boxes: [],
    });
    expect((await call('export:preview', { format: 'coco' })).negatives).toBe(2);

    const undo = await call('nothing-found:mark-negative-undo', { token: marked.token });
    expect(undo).toMatchObject({ restored: 2, skipped: [] });
    expect(undo.entries.every((e) => e.status === 'nothing-found')).toBe(true);
    expect((await call('dataset:stats', {})).images).toEqual(before);
  });

  it('cancels, and closing the app mid-batch leaves a job the next session resumes', async () => {
    const first = await app();
    await first.call('batch:start', { prompt: PROMPT, thresholds });
    const cancelled = await first.call('batch:cancel', {});
    expect(cancelled).toMatchObject({ state: 'cancelled', resumable: true });
    expect(cancelled!.done).toBeLessThan(7);
    await first.call('batch:resume', {});
    await first.s.close();
    const job = (await readBatchJob(first.folder))!;
    expect(job.state).toBe('cancelled');

    const second = await app(first.folder);
    const status = await second.call('batch:status', {});
    expect(status).toMatchObject({ jobId: job.jobId, state: 'cancelled', resumable: true });
    const done = second.finished();
    await second.call('batch:resume', {});
    expect((await done).payload).toMatchObject({ status: { state: 'done', done: 7, total: 7 } });
    expect((await second.fails('batch:resume', {})).code).toBe('batch-not-found');
  });

  it('needs a model and an open dataset', async () => {
    const recorder = eventRecorder();
    const s = new AppServices({
      mode: 'browser',
      device: 'cpu',
      emit: recorder.emit,
      access: tempFolderAccess(),
    });
    opened.push(s);
    const start = await dispatch(s.handlers, 'batch:start', { prompt: 'red', thresholds });
    expect(!start.ok && start.error.code).toBe('dataset-not-open');
    await dispatch(s.handlers, 'dataset:open', { path: await tempDir() });
    const noModel = await dispatch(s.handlers, 'batch:start', { prompt: 'red', thresholds });
    expect(!noModel.ok && noModel.error.code).toBe('model-not-loaded');
    expect(await dispatch(s.handlers, 'batch:status', {})).toEqual({ ok: true, value: null });
  });
});
