import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iou } from '../../src/shared/geometry';
import { Detector } from '../../src/main/inference/detector';
import { sigmoid } from '../../src/main/inference/postprocess';
import { bundledVocabPath } from '../../src/main/paths';
import { drawScene } from '../fixtures/images';
import { writeFixtureModels, type FixtureModelPaths } from '../fixtures/model-folders';
import { paletteEntry } from '../fixtures/palette';

/**
 * Referring expressions through the real session. The colour fixture gives a colour's query a high
 * logit on the colour word, the word after it two less, and every other word almost nothing; so an
 * expression scores by how many of its words are the colour.
 */
let dir: string;
let models: FixtureModelPaths;
const open = (model: string) => Detector.open({ model, bundledVocab: bundledVocabPath(), device: 'cpu' });
const RED = { colour: 'red' as const, x1: 20, y1: 30, x2: 200, y2: 160 };
const GREEN = { colour: 'green' as const, x1: 300, y1: 200, x2: 460, y2: 380 };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gl-rec-'));
  models = await writeFixtureModels(path.join(dir, 'models'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function scene(name: string, rects: Parameters<typeof drawScene>[0]['rects']): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, await drawScene({ width: 500, height: 400, rects }));
  return file;
}

describe.each(['flavourA', 'flavourB'] as const)(
  'referring expressions with the colour fixture (%s)',
  (key) => {
    it('scores an expression whose tokens all match above one whose tokens half match, on the same box', async () => {
      const d = await open(models[key]);
      const file = await scene(`all-half-${key}.png`, [RED]);
      const { detections } = await d.detect(file, 'red\ncar red', { rec: { topK: 1 } });
      expect(detections.map((x) => [x.phrase, x.phraseIndex])).toEqual([
        ['red', 0],
        ['car red', 1],
      ]);
      const [all, half] = detections;
      expect(iou(all.box, RED)).toBeGreaterThan(0.95);
      expect(iou(half.box, RED)).toBeGreaterThan(0.95);
      const red = sigmoid(paletteEntry('red').logit);
      expect(all.score).toBeCloseTo(red, 5);
      expect(half.score).toBeLessThan(all.score);
      // As a phrase, the half match would score as its best word alone: the two could not be told apart.
      const asPhrase = await d.detect(file, 'car red');
      expect(asPhrase.detections[0].score).toBeCloseTo(red, 5);
      await d.close();
    });

    it('picks the box that matches all of the words, where the best single word points elsewhere', async () => {
      const d = await open(models[key]);
      const file = await scene(`pick-${key}.png`, [RED, GREEN]);
      // Red has the stronger logit, but only green matches two of the three words.
      const prompt = 'green green red';
      const { detections } = await d.detect(file, prompt, { rec: { topK: 1 } });
      expect(detections).toHaveLength(1);
      expect(iou(detections[0].box, GREEN)).toBeGreaterThan(0.95);
      expect(detections[0].phrase).toBe(prompt);
      const phraseMode = await d.detect(file, prompt);
      expect(iou(phraseMode.detections[0].box, RED)).toBeGreaterThan(0.95);
      await d.close();
    });

    it('yields one box per expression by default and up to k distinct objects with top k', async () => {
      const d = await open(models[key]);
      const file = await scene(`topk-${key}.png`, [RED]);
      // The fixture answers each colour with a second, slightly bigger box: the same object again.
      const one = await d.detect(file, 'red', { rec: { topK: 3 } });
      expect(one.detections).toHaveLength(1);
      const unsuppressed = await d.detect(file, 'red', { rec: { topK: 3 }, thresholds: { nmsIou: null } });
      expect(unsuppressed.detections).toHaveLength(2);
      await d.close();
    });
  },
);

describe('long referring-expression prompts', () => {
  it('runs expressions longer than 256 tokens together in separate passes, each answered', async () => {
    const d = await open(models.flavourA);
    const file = await scene('long.png', [RED]);
    const lines = Array.from({ length: 40 }, (_, i) => `red ${i} in the far upper left corner`);
    const prompt = lines.join('\n');
    expect(d.textRuns(prompt, false, true).length).toBeGreaterThan(1);
    const result = await d.detect(file, prompt, { rec: { topK: 1 }, thresholds: { box: 0.1 } });
    expect(result.runs).toBeGreaterThan(1);
    expect(result.detections.map((x) => x.phraseIndex).sort((a, b) => a - b)).toEqual(lines.map((_, i) => i));
    for (const x of result.detections) expect(iou(x.box, RED)).toBeGreaterThan(0.95);
    await d.close();
  });
});
