import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Detector } from '../../src/main/inference/detector';
import { bundledVocabPath } from '../../src/main/paths';
import { GroundLabelError } from '../../src/shared/errors';
import { drawScene, type SceneRect } from '../fixtures/images';
import { writeFixtureModels, type FixtureModelPaths } from '../fixtures/model-folders';

/** The detector with its model on a worker thread must behave exactly as with it on the main thread. */
let dir: string;
let models: FixtureModelPaths;
const files: string[] = [];
const bundledVocab = bundledVocabPath();
const open = (model: string, thread: 'worker' | 'main') =>
  Detector.open({ model, bundledVocab, device: 'cpu', thread });

const SCENES: SceneRect[][] = [
  [
    { colour: 'red', x1: 30, y1: 40, x2: 300, y2: 280 },
    { colour: 'green', x1: 500, y1: 300, x2: 880, y2: 590 },
  ],
  [{ colour: 'blue', x1: 100, y1: 60, x2: 420, y2: 500 }],
  [
    { colour: 'orange', x1: 10, y1: 10, x2: 200, y2: 200 },
    { colour: 'red', x1: 600, y1: 100, x2: 850, y2: 400 },
  ],
];
const PROMPTS = ['red . green . blue . orange', 'blue .', 'orange . red'];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gl-thread-'));
  models = await writeFixtureModels(path.join(dir, 'models'));
  for (const [i, rects] of SCENES.entries()) {
    const file = path.join(dir, `scene${i}.png`);
    await writeFile(file, await drawScene({ width: 900, height: 600, rects }));
    files.push(file);
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Detector on a worker thread', () => {
  it.each(['flavourA', 'flavourASmall', 'flavourB'] as const)(
    'gives the same detections as on the main thread (%s)',
    async (key) => {
      const [main, worker] = [await open(models[key], 'main'), await open(models[key], 'worker')];
      expect(main.info.thread).toBe('main');
      expect(worker.info.thread).toBe('worker');
      expect({ ...worker.info, thread: 'main' }).toEqual(main.info);
      for (const file of files) {
        for (const prompt of PROMPTS) {
          const expected = await main.detect(file, prompt, { perPhrase: prompt.length < 10 });
          const actual = await worker.detect(file, prompt, { perPhrase: prompt.length < 10 });
          expect(actual.detections).toEqual(expected.detections);
        }
      }
      expect((await worker.detect(files[0], 'red .')).detections).toHaveLength(1);
      await Promise.all([main.close(), worker.close()]);
    },
  );

  it('serves concurrent detect calls, on one prepared image and on several', async () => {
    const main = await open(models.flavourASmall, 'main');
    const expected = [];
    for (const file of files) {
      for (const prompt of PROMPTS) expected.push((await main.detect(file, prompt)).detections);
    }
    await main.close();

    const worker = await open(models.flavourASmall, 'worker');
    const images = await Promise.all(files.map((f) => worker.prepareImage(f)));
    const before = images.map((image) => image.pixels.slice());
    const results = await Promise.all(
      images.flatMap((image) => PROMPTS.map((prompt) => worker.detect(image, prompt))),
    );
    expect(results.map((r) => r.detections)).toEqual(expected);
    // Each image's pixels came back from the thread intact, ready for more prompts.
    const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    images.forEach((image, i) => expect(bytes(image.pixels).equals(bytes(before[i]))).toBe(true));
    await worker.close();
  });

  it('keeps reusing pixel buffers that went to the model thread and back', async () => {
    const d = await open(models.flavourASmall, 'worker');
    const first = await d.prepareImage(files[0]);
    const lent = first.pixels;
    await d.detect(first, 'red .');
    // Moved to the thread and back: a new array holds the data now, the lent one is detached.
    expect(first.pixels === lent).toBe(false);
    expect(lent.length).toBe(0);
    expect(first.pixels.length).toBe(3 * 400 * 600);
    const back = first.pixels;
    d.release(first);
    const second = await d.prepareImage(files[1]);
    expect(second.pixels).toBe(back);
    expect((await d.detect(second, 'blue .')).detections.map((x) => x.phrase)).toEqual(['blue']);
    await d.close();
  });

  it('ends the model thread on close: later detections fail with inference-failed', async () => {
    const d = await open(models.flavourASmall, 'worker');
    const image = await d.prepareImage(files[0]);
    await d.close();
    const error = await d.detect(image, 'red .').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GroundLabelError);
    expect((error as GroundLabelError).code).toBe('inference-failed');
  });

  it.each(['unknown', 'notOnnx', 'flavourC'] as const)(
    'refuses a model that cannot be used with the same error as on the main thread (%s)',
    async (key) => {
      const errorOf = (thread: 'worker' | 'main') =>
        open(models[key], thread).then(
          () => null,
          (e: unknown) => e,
        );
      const [expected, actual] = [await errorOf('main'), await errorOf('worker')];
      expect(expected).toBeInstanceOf(GroundLabelError);
      expect(actual).toBeInstanceOf(GroundLabelError);
      expect((actual as GroundLabelError).toJSON()).toEqual((expected as GroundLabelError).toJSON());
    },
  );
});
