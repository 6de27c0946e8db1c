import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Detector } from '../../src/main/inference/detector';
import { bundledVocabPath } from '../../src/main/paths';
import { drawScene } from '../fixtures/images';
import { writeFixtureModels, type FixtureModelPaths } from '../fixtures/model-folders';

/**
 * Suppression across phrases through the real session. The colour fixture answers any phrase holding
 * a colour word with that colour's box; run phrase by phrase (one query answers one phrase within a
 * pass), "red . red car" puts two phrases on one red object.
 */
let dir: string;
let models: FixtureModelPaths;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gl-cross-'));
  models = await writeFixtureModels(path.join(dir, 'models'));
  file = path.join(dir, 'scene.png');
  const rects = [
    { colour: 'red' as const, x1: 20, y1: 30, x2: 200, y2: 160 },
    { colour: 'green' as const, x1: 300, y1: 200, x2: 460, y2: 380 },
  ];
  await writeFile(file, await drawScene({ width: 500, height: 400, rects }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('suppression across phrases', () => {
  it('keeps one phrase per object above the cross-phrase IoU and reports the pair that collided', async () => {
    const d = await Detector.open({
      model: models.flavourA,
      bundledVocab: bundledVocabPath(),
      device: 'cpu',
    });
    const prompt = 'red . red car . green';
    const plain = await d.detect(file, prompt, { perPhrase: true });
    expect(new Set(plain.detections.map((x) => x.phrase))).toEqual(new Set(['red', 'red car', 'green']));
    expect(plain.collisions).toEqual([]);

    const suppressed = await d.detect(file, prompt, { perPhrase: true, thresholds: { crossIou: 0.5 } });
    expect(suppressed.detections.map((x) => x.phrase).sort()).toEqual(['green', 'red']);
    expect(suppressed.collisions).toEqual([{ kept: 'red', dropped: 'red car', count: 1 }]);
    // Referring expressions are one object each by design: nothing is suppressed across them.
    const rec = await d.detect(file, 'red\nred car', { rec: { topK: 1 }, thresholds: { crossIou: 0.5 } });
    expect(rec.detections).toHaveLength(2);
    await d.close();
  });
});
