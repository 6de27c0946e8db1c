import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDataset, PROMPT } from '../../../test/cli/scenes';
import { writeFixtureModels } from '../../../test/fixtures/model-folders';
import { CLASS_COLORS } from '../../shared/classes';
import type { Events } from '../../shared/ipc/contract';
import { imageStatus, type BoxRecord } from '../../shared/project';
import { box, cls, doc, meta } from '../__test__/docs';
import { DatasetService } from '../dataset/dataset-service';
import { Detector } from '../inference/detector';
import { BUNDLED_VOCAB_PATH, caught, tempDirs } from '../inference/__test__/helpers';
import { batchFile, readBatchJob, writeBatchJob } from './batch-file';
import { BatchService } from './batch';
import type { DetectorLike } from './label-images';

const tempDir = tempDirs('batch');
let detector: Detector;
const open: DatasetService[] = [];

beforeAll(async () => {
  const models = await writeFixtureModels(path.join(await tempDir(), 'models'));
  detector = await Detector.open({
    model: models.flavourASmall,
    device: 'cpu',
    bundledVocab: BUNDLED_VOCAB_PATH,
  });
});
afterAll(async () => {
  await Promise.all(open.map((d) => d.close()));
  await detector?.close();
});

/** A dataset folder with the CLI's scenes (nested folders, a rotated JPEG, a blank and a truncated file). */
async function dataset(): Promise<DatasetService> {
  const root = await tempDir();
  await writeDataset(root);
  const d = await DatasetService.open(root, { debounceMs: 600_000 });
  open.push(d);
  return d;
}

function recorder() {
  const images: Events['batch:image'][] = [];
  const progress: Events['batch:progress'][] = [];
  const finished: Events['batch:finished'][] = [];
  return {
    images,
    progress,
    finished,
    options: {
      onImage: (e: Events['batch:image']) => images.push(e),
      onProgress: (p: Events['batch:progress']) => progress.push(p),
      onFinished: (e: Events['batch:finished']) => finished.push(e),
    },
  };
}

/** The detector, counting how often the model ran on each file, optionally acting after each run. */
function counting(after?: (file: string, runs: number) => void) {
  const runs = new Map<string, number>();
  const wrapped: DetectorLike = {
    prepareImage: (file) => detector.prepareImage(file),
    async detect(image, prompt, options) {
      const result = await detector.detect(image, prompt, options);
      const base = path.basename(image.file);
      runs.set(base, (runs.get(base) ?? 0) + 1);
      after?.(
        base,
        [...runs.values()].reduce((a, b) => a + b, 0),
      );
      return result;
    },
  };
  return { wrapped, runs };
}

const kinds = (boxes: readonly BoxRecord[] | undefined) =>
  (boxes ?? []).map((b) => `${b.origin.kind}:${'phrase' in b.origin ? b.origin.phrase : b.classId}`);

describe('BatchService', () => {
  it('writes suggestions into the store, keeps accepted and manual boxes, and records a bad image', async () => {
    const d = await dataset();
    // a.png: red was accepted already, a manual box was drawn, and an old suggestion is pending.
    await d.store.putMeta(meta([cls('warm', 'warm', '#e6194b')], { phraseClasses: { red: 'warm' } }));
    const acceptedRed: BoxRecord = {
      ...box('warm', { kind: 'accepted', score: 0.9, phrase: 'red' }),
      x1: 100,
      y1: 50,
      x2: 300,
      y2: 200,
    };
    const drawn = box('warm', { kind: 'manual' }, { x1: 500, y1: 10, x2: 600, y2: 60 });
    const stale = box('warm', { kind: 'suggestion', score: 0.5, phrase: 'red', rawText: 'red' });
    await d.store.putImage(doc('a.png', { boxes: [acceptedRed, drawn, stale] }));

    const events = recorder();
    const batch = await BatchService.open({ dataset: d, ...events.options, saveEvery: 2 });
    const { jobId } = await batch.start(detector, { prompt: PROMPT });
    const status = await batch.wait();

    const m = d.store.getMeta();
    // Only the phrases that found something have a class, made as the images came (blue on a.png,
    // green and orange on b.jpg, yellow on c.png); red keeps its mapping, new ones get the next free
    // colours. Purple (below the box threshold everywhere) has none.
    expect(m.classes.map((c) => c.name)).toEqual(['warm', 'blue', 'green', 'orange', 'yellow']);
    expect(m.classes.slice(1).map((c) => c.color)).toEqual(CLASS_COLORS.slice(1, 5));
    expect(Object.keys(m.phraseClasses)).toEqual(['red', 'blue', 'green', 'orange', 'yellow']);
    expect(m.promptHistory[0]).toBe(PROMPT);
    const classOf = (phrase: string) => m.phraseClasses[phrase];

    const a = d.store.get('a.png')!;
    expect(kinds(a.boxes)).toEqual(['accepted:red', 'manual:warm', 'suggestion:blue']);
    expect(a.boxes[0]).toBe(acceptedRed);
    expect(a.boxes[2].classId).toBe(classOf('blue'));
    expect(a.reviewed).toBe(false);
    const b = d.store.get('sub/b.jpg')!;
    expect(kinds(b.boxes)).toEqual(['suggestion:green', 'suggestion:orange']);
    expect(b.boxes.map((x) => x.classId)).toEqual([classOf('green'), classOf('orange')]);
    expect(d.store.get('e-rotated.jpg')).toMatchObject({ width: 480, height: 640 });
    // Nothing found: the run is recorded, so the image is told apart from an untouched one.
    expect(d.store.get('d-empty.png')).toMatchObject({
      reviewed: false,
      boxes: [],
      modelRun: { prompt: PROMPT },
    });
    expect(imageStatus(d.store.get('d-empty.png'))).toBe('nothing-found');

    expect(status).toMatchObject({
      jobId,
      state: 'done',
      total: 7,
      done: 7,
      labeled: 6,
      // d-empty.png has nothing to find; f-faint.png's purple scores below the box threshold.
      nothingFound: 2,
      failed: 1,
      skipped: 0,
      resumable: false,
    });
    expect(status!.failures).toEqual([
      {
        id: d.idFor('broken.jpg'),
        relPath: 'broken.jpg',
        code: 'image-unreadable',
        message: expect.stringContaining('broken.jpg'),
      },
    ]);
    // A file that cannot be decoded gets its own state, not "unlabeled" for ever.
    expect(events.images.map((e) => [e.relPath, e.outcome, e.status])).toContainEqual([
      'broken.jpg',
      'failed',
      'unreadable',
    ]);
    expect(d.isUnreadable('broken.jpg')).toBe(true);
    expect(d.entry('broken.jpg')).toMatchObject({
      status: 'unreadable',
      unreadable: expect.stringContaining('broken.jpg'),
    });
    expect(events.images.find((e) => e.relPath === 'sub/b.jpg')).toMatchObject({
      id: d.idFor('sub/b.jpg'),
      status: 'suggested',
      boxes: 2,
    });
    expect(events.progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(events.progress.at(-1)).toMatchObject({ total: 7, etaSeconds: 0 });
    expect(events.progress.every((p) => p.rate > 0)).toBe(true);
    expect(events.finished).toEqual([{ status }]);

    const saved = await readBatchJob(d.root);
    expect(saved).toMatchObject({
      jobId,
      state: 'done',
      prompt: PROMPT,
      perPhrase: false,
      skipReviewed: false,
    });
    expect(saved!.done.sort()).toEqual([
      'a.png',
      'd-empty.png',
      'e-rotated.jpg',
      'f-faint.png',
      'sub/b.jpg',
      'sub/deeper/c.png',
    ]);
    expect(saved!.failures.map((f) => [f.relPath, f.code])).toEqual([['broken.jpg', 'image-unreadable']]);
  });

  it('sums up the batch: per-class suggestions and the images to look at first', async () => {
    const d = await dataset();
    const batch = await BatchService.open({ dataset: d });
    await batch.start(detector, { prompt: PROMPT });
    const status = (await batch.wait())!;
    const byName = Object.fromEntries(status.perClass.map((c) => [c.name, c.suggestions]));
    expect(byName).toEqual({ red: 2, green: 1, blue: 2, orange: 1, yellow: 1 });
    expect(status.withSuggestions).toBe(4);
    const reasons = (r: string) => status.lookFirst.filter((l) => l.reason === r);
    expect(reasons('failed').map((l) => l.relPath)).toEqual(['broken.jpg']);
    // Listed only where an image stands out: best scores below the middle one, least sure first; no
    // image has more boxes than the middle one (2, 2, 2, 1), so none is listed for its boxes.
    const low = reasons('low-score');
    const tops = [...new Set(low.map((l) => l.topScore!))];
    expect(low.map((l) => l.relPath)).toEqual(['e-rotated.jpg', 'sub/b.jpg']);
    expect(tops).toEqual([...tops].sort((x, y) => x - y));
    expect(reasons('many-boxes')).toEqual([]);
    // The summary follows the store: accepting a suggestion takes it out of the pending counts.
    const e = d.store.get('e-rotated.jpg')!;
    await d.store.putImage({
      ...e,
      reviewed: true,
      boxes: e.boxes.map((x) => ({ ...x, origin: { kind: 'manual' as const } })),
    });
    expect(Object.fromEntries(batch.status()!.perClass.map((c) => [c.name, c.suggestions])).blue).toBe(1);
  });

  it('skips images a person has already reviewed', async () => {
    const d = await dataset();
    await d.store.putImage(doc('sub/b.jpg', { width: 1200, height: 800, reviewed: true }));
    await d.store.putImage(doc('a.png', { boxes: [box('x', { kind: 'manual' })] }));
    const { wrapped, runs } = counting();
    const batch = await BatchService.open({ dataset: d });
    await batch.start(wrapped, { prompt: PROMPT, skipReviewed: true });
    const status = await batch.wait();
    expect(status).toMatchObject({ state: 'done', skipped: 2, done: 7, total: 7 });
    expect(runs.has('b.jpg')).toBe(false);
    expect(runs.has('a.png')).toBe(false);
    expect(d.store.get('sub/b.jpg')!.boxes).toEqual([]);
    expect((await readBatchJob(d.root))!.skipped.sort()).toEqual(['a.png', 'sub/b.jpg']);
  });

  it('runs on the images asked for, in order, and refuses a second batch while one runs', async () => {
    const d = await dataset();
    const batch = await BatchService.open({ dataset: d });
    const order: string[] = [];
    const spy: DetectorLike = {
      prepareImage: (f) => detector.prepareImage(f),
      detect: async (image, prompt, o) => (
        order.push(path.basename(image.file)),
        detector.detect(image, prompt, o)
      ),
    };
    await batch.start(spy, { prompt: 'red . blue', relPaths: ['sub/deeper/c.png', 'a.png'] });
    const error = await caught(() => batch.start(spy, { prompt: 'red' }), 'batch-running');
    expect(error.message).toMatch(/already running .*"red \. blue".* of 2 images/);
    await caught(() => batch.resume(spy), 'batch-running');
    expect(await batch.wait()).toMatchObject({ state: 'done', total: 2, labeled: 2 });
    expect(order).toEqual(['c.png', 'a.png']);
    await caught(() => batch.start(spy, { prompt: 'red', relPaths: ['nope.png'] }), 'image-not-found');
    await caught(() => batch.start(spy, { prompt: ' . ' }), 'prompt-empty');
  });

  it('hands every image it ran back to the detector, so its buffers are reused', async () => {
    const d = await dataset();
    const detected: string[] = [];
    const released: string[] = [];
    const spy: DetectorLike = {
      prepareImage: (f) => detector.prepareImage(f),
      detect: async (image, prompt, o) => (detected.push(image.file), detector.detect(image, prompt, o)),
      release: (image) => (released.push(image.file), detector.release(image)),
    };
    const batch = await BatchService.open({ dataset: d });
    await batch.start(spy, { prompt: PROMPT });
    expect(await batch.wait()).toMatchObject({ state: 'done' });
    expect(detected.length).toBeGreaterThan(0);
    expect(released.sort()).toEqual(detected.sort());
  });

  it('cancels mid-way, saves the job, and a resume after a restart runs every other image exactly once', async () => {
    const d = await dataset();
    const batch = await BatchService.open({ dataset: d, saveEvery: 100, lookahead: 2 });
    const { wrapped, runs } = counting((_file, total) => {
      if (total === 3) void batch.cancel();
    });
    await batch.start(wrapped, { prompt: PROMPT });
    const stopped = (await batch.wait())!;
    expect(stopped).toMatchObject({ state: 'cancelled', resumable: true, total: 7 });
    // a.png, broken.jpg (failed before the model), d-empty.png, e-rotated.jpg and f-faint.png, which was
    // already handed to the model when the cancel came; the rest not reached.
    expect(stopped.done).toBe(5);
    const onDisk = (await readBatchJob(d.root))!;
    expect(onDisk.state).toBe('cancelled');
    expect(onDisk.done).toEqual(['a.png', 'd-empty.png', 'e-rotated.jpg', 'f-faint.png']);
    expect(onDisk.failures.map((f) => f.relPath)).toEqual(['broken.jpg']);

    // A new service, as after restarting the app, picks the job up from batch.json.
    const events = recorder();
    const again = await BatchService.open({ dataset: d, ...events.options });
    expect(again.status()).toMatchObject({
      jobId: stopped.jobId,
      state: 'cancelled',
      resumable: true,
      done: 5,
    });
    const { jobId } = await again.resume(wrapped);
    expect(jobId).toBe(stopped.jobId);
    const status = await again.wait();
    expect(status).toMatchObject({ state: 'done', done: 7, labeled: 6, failed: 1, resumable: false });
    // broken.jpg never reaches the model; every other image ran exactly once over both runs.
    expect(Object.fromEntries(runs)).toEqual({
      'a.png': 1,
      'b.jpg': 1,
      'c.png': 1,
      'd-empty.png': 1,
      'e-rotated.jpg': 1,
      'f-faint.png': 1,
    });
    expect(events.progress.map((p) => p.done)).toEqual([6, 7]);
    expect(events.images.map((e) => e.relPath)).toEqual(['sub/b.jpg', 'sub/deeper/c.png']);
    await caught(() => again.resume(wrapped), 'batch-not-found');
  });

  it('treats a job left "running" on disk (the process died) as resumable', async () => {
    const d = await dataset();
    const now = new Date().toISOString();
    await writeBatchJob(d.root, {
      version: 1,
      jobId: 'j1',
      state: 'running',
      prompt: 'red .',
      thresholds: { box: 0.3 },
      perPhrase: false,
      skipReviewed: false,
      relPaths: ['a.png', 'sub/deeper/c.png'],
      done: ['a.png'],
      skipped: [],
      failures: [],
      collisions: [],
      startedAt: now,
      updatedAt: now,
    });
    const batch = await BatchService.open({ dataset: d });
    expect(batch.status()).toMatchObject({ state: 'cancelled', resumable: true, done: 1, total: 2 });
    await batch.resume(detector);
    expect(await batch.wait()).toMatchObject({ state: 'done', done: 2 });
    expect(kinds(d.store.get('sub/deeper/c.png')?.boxes)).toEqual(['suggestion:red']);
    expect(d.store.get('a.png')).toBeUndefined();
  });

  it('says why there is nothing to resume, also when batch.json is damaged', async () => {
    const d = await dataset();
    const batch = await BatchService.open({ dataset: d });
    expect(batch.status()).toBeNull();
    expect((await caught(() => batch.resume(detector), 'batch-not-found')).message).toContain(
      'no batch was started',
    );
    await writeFile(batchFile(d.root), '{ torn');
    const damaged = await BatchService.open({ dataset: d });
    expect((await caught(() => damaged.resume(detector), 'batch-not-found')).message).toContain(
      'not valid JSON',
    );
    await damaged.start(detector, { prompt: 'red', relPaths: ['a.png'] });
    await damaged.wait();
    expect(JSON.parse(await readFile(batchFile(d.root), 'utf8'))).toMatchObject({
      state: 'done',
      done: ['a.png'],
    });
  });
});
