import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { drawScene, type SceneRect } from '../../test/fixtures/images';
import { writeFixtureModels } from '../../test/fixtures/model-folders';
import { sampleImages } from '../shared/compare';
import { DEFAULT_THRESHOLDS } from '../shared/detection';
import type { Channel, Reply, Request } from '../shared/ipc/contract';
import { tempFolderAccess } from './__test__/access';
import { eventRecorder } from './__test__/events';
import { AppServices } from './app-services';
import { STORE_DIR } from './dataset/project-store';
import { dispatch } from './dispatch';
import { tempDirs } from './inference/__test__/helpers';

const tempDir = tempDirs('compare');
let open: AppServices[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

async function setUp(count: number) {
  const { events, emit, next } = eventRecorder();
  const s = new AppServices({ mode: 'browser', device: 'cpu', emit, access: tempFolderAccess() });
  open.push(s);
  const root = await tempDir();
  for (let i = 0; i < count; i++) {
    // Every image has a red rectangle; the odd ones a green one too.
    const rects: SceneRect[] = [{ colour: 'red', x1: 5, y1: 5, x2: 40, y2: 30 }];
    if (i % 2) rects.push({ colour: 'green', x1: 45, y1: 32, x2: 78, y2: 58 });
    await writeFile(path.join(root, `img${i}.png`), await drawScene({ width: 80, height: 60, rects }));
  }
  const models = await writeFixtureModels(path.join(await tempDir(), 'models'));
  await s.models.open(models.flavourASmall);
  await s.openDataset(root);
  const call = async <C extends Channel>(channel: C, request: Request<C>): Promise<Reply<C>> => {
    const result = await dispatch(s.handlers, channel, request);
    if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
    return result.value as Reply<C>;
  };
  return { s, root, call, events, next };
}

const variants = [
  { prompt: 'red . green', thresholds: DEFAULT_THRESHOLDS },
  { prompt: 'red . blue', thresholds: DEFAULT_THRESHOLDS },
];

describe('compare:run', () => {
  it('counts each variant’s boxes per class on a seeded sample, and leaves the project untouched', async () => {
    const { s, root, call, events } = await setUp(6);
    const metaBefore = s.currentDataset()!.store.getMeta();
    const report = await call('compare:run', { variants, sample: { size: 4, seed: 'x' } });
    expect(report).toMatchObject({ images: 4, sampled: 4, cancelled: false, failures: [] });
    const sample = sampleImages(s.currentDataset()!.relPaths, 4, 'x');
    const withGreen = sample.filter((p) => /[13579]\.png$/.test(p));
    expect(withGreen.length).toBeGreaterThan(0); // the seed picks some of each
    expect(report.classes).toEqual(['red', 'green']);
    expect(report.table).toEqual([
      [4, 4],
      [withGreen.length, 0],
    ]);
    // Only the variant asking for green finds it: those images are where the two disagree.
    expect(report.disagreements).toEqual(withGreen.map((relPath) => ({ relPath, boxes: [2, 1], score: 1 })));
    // The same seed picks the same images.
    expect(await call('compare:run', { variants, sample: { size: 4, seed: 'x' } })).toEqual(report);
    expect(events.filter((e) => e.event === 'compare:progress').at(-1)?.payload).toEqual({
      done: 4,
      total: 4,
    });
    // Nothing was written: no label file, the same meta, no journal left behind.
    const store = s.currentDataset()!.store;
    expect(store.getMeta()).toBe(metaBefore);
    expect(await readdir(path.join(root, STORE_DIR, 'labels'))).toEqual([]);
  });

  it('runs on the images named instead of a sample', async () => {
    const { s, call } = await setUp(4);
    const d = s.currentDataset()!;
    const report = await call('compare:run', { variants, ids: [d.idFor('img1.png'), d.idFor('img3.png')] });
    expect(report.disagreements.map((x) => x.relPath)).toEqual(['img1.png', 'img3.png']);
    expect(report.table).toEqual([
      [2, 2],
      [2, 0],
    ]);
  });

  it('stops on cancel after the images on the model, reporting those, and refuses a second run meanwhile', async () => {
    const { s, call, next } = await setUp(12);
    const first = next((e) => e.event === 'compare:progress');
    const running = dispatch(s.handlers, 'compare:run', { variants, sample: { size: 12, seed: '1' } });
    await first;
    const second = await dispatch(s.handlers, 'compare:run', { variants });
    expect(second).toMatchObject({ ok: false, error: { code: 'compare-running' } });
    const batch = await dispatch(s.handlers, 'batch:start', {
      prompt: 'red',
      thresholds: DEFAULT_THRESHOLDS,
    });
    expect(batch).toMatchObject({ ok: false, error: { code: 'compare-running' } });
    expect(await call('compare:cancel', {})).toEqual({ cancelled: true });
    const result = await running;
    if (!result.ok) throw new Error(result.error.message);
    const report = result.value as Reply<'compare:run'>;
    expect(report.cancelled).toBe(true);
    expect(report.images).toBeLessThan(12);
    expect(report.sampled).toBe(12);
    expect(await call('compare:cancel', {})).toEqual({ cancelled: false });
  });
});
