import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iou } from '../../src/shared/geometry';
import { Detector } from '../../src/main/inference/detector';
import { providerCandidates } from '../../src/main/inference/devices';
import { bundledVocabPath } from '../../src/main/paths';
import { drawScene, type Orientation } from '../fixtures/images';
import { writeFixtureModels, type FixtureModelPaths } from '../fixtures/model-folders';

let dir: string;
let models: FixtureModelPaths;
const bundledVocab = bundledVocabPath();
const open = (model: string, extra: Partial<Parameters<typeof Detector.open>[0]> = {}) =>
  Detector.open({ model, bundledVocab, device: 'cpu', ...extra });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gl-model-'));
  models = await writeFixtureModels(path.join(dir, 'models'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function scene(name: string, spec: Parameters<typeof drawScene>[0]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, await drawScene(spec));
  return file;
}

describe('Detector with fixture models', () => {
  it('reads flavour A, its default 800×1200 input and the bundled vocabulary', async () => {
    const d = await open(models.flavourA);
    expect(d.info).toMatchObject({
      flavour: 'A',
      sizeRule: { kind: 'fixed', size: { height: 800, width: 1200 } },
      maxTokens: 256,
      tokenizer: bundledVocab,
      device: { requested: 'cpu', provider: 'cpu' },
    });
    await d.close();
  });

  it("reads flavour B with transformers' resize rule, and a descriptor input size for A", async () => {
    const b = await open(models.flavourB);
    expect(b.info).toMatchObject({
      flavour: 'B',
      name: 'Colour fixture B',
      sizeRule: { kind: 'shortest-edge', shortestEdge: 800, longestEdge: 1333 },
    });
    await b.close();
    const small = await open(models.flavourASmall);
    expect(small.info.sizeRule).toEqual({ kind: 'fixed', size: { height: 400, width: 600 } });
    await small.close();
  });

  it('lets the caller override the input size', async () => {
    const d = await open(models.flavourA, { inputSize: { height: 320, width: 480 } });
    const file = await scene('override.png', {
      width: 640,
      height: 480,
      rects: [{ colour: 'green', x1: 10, y1: 10, x2: 200, y2: 100 }],
    });
    const prepared = await d.prepareImage(file);
    expect(prepared.size).toEqual({ width: 480, height: 320 });
    expect(prepared.original).toEqual({ width: 640, height: 480 });
    await d.close();
  });

  it.each(['flavourA', 'flavourB'] as const)(
    'finds each coloured rectangle as one box labelled with its phrase (%s)',
    async (key) => {
      const d = await open(models[key]);
      const file = await scene(`${key}.png`, {
        width: 900,
        height: 600,
        rects: [
          { colour: 'red', x1: 30, y1: 40, x2: 300, y2: 280 },
          { colour: 'green', x1: 500, y1: 300, x2: 880, y2: 590 },
        ],
      });
      const { detections, image } = await d.detect(file, 'Green . RED . blue');
      expect(image).toEqual({ width: 900, height: 600 });
      expect(detections.map((x) => [x.phrase, x.phraseIndex, x.rawText])).toEqual([
        ['red', 1, 'red'],
        ['green', 0, 'green'],
      ]);
      expect(iou(detections[0].box, { x1: 30, y1: 40, x2: 300, y2: 280 })).toBeGreaterThan(0.95);
      expect(iou(detections[1].box, { x1: 500, y1: 300, x2: 880, y2: 590 })).toBeGreaterThan(0.95);
      expect(detections[0].score).toBeCloseTo(1 / (1 + Math.exp(-3)), 5);
      await d.close();
    },
  );

  it.each([1, 2, 3, 4, 5, 6, 7, 8] as Orientation[])(
    'puts boxes in the EXIF-oriented image (orientation %i)',
    async (orientation) => {
      const d = await open(models.flavourASmall);
      const rect = { colour: 'blue' as const, x1: 40, y1: 200, x2: 260, y2: 380 };
      const file = await scene(`o${orientation}.jpg`, {
        width: 300,
        height: 400,
        format: 'jpeg',
        orientation,
        rects: [rect],
      });
      const { detections, image } = await d.detect(file, 'blue .');
      expect(image).toEqual({ width: 300, height: 400 });
      expect(detections).toHaveLength(1);
      expect(iou(detections[0].box, rect)).toBeGreaterThan(0.9);
      await d.close();
    },
  );

  it('applies the box threshold strictly and takes thresholds per call', async () => {
    const d = await open(models.flavourB);
    const file = await scene('faint.png', {
      width: 400,
      height: 300,
      rects: [
        { colour: 'purple', x1: 10, y1: 10, x2: 150, y2: 150 },
        { colour: 'yellow', x1: 200, y1: 100, x2: 390, y2: 290 },
      ],
    });
    const byDefault = await d.detect(file, 'purple . yellow .');
    expect(byDefault.detections.map((x) => x.phrase)).toEqual(['yellow']); // sigmoid(0) = 0.5 > 0.35 > sigmoid(-0.8)
    const lower = await d.detect(file, 'purple . yellow .', { thresholds: { box: 0.3 } });
    expect(lower.detections.map((x) => x.phrase)).toEqual(['yellow', 'purple']);
    const strict = await d.detect(file, 'purple . yellow .', { thresholds: { box: 0.5 } });
    expect(strict.detections).toEqual([]);
    await d.close();
  });

  it('runs a prompt of more than 256 tokens in several passes without losing a phrase', async () => {
    const d = await open(models.flavourASmall);
    const file = await scene('long.png', {
      width: 600,
      height: 400,
      rects: [
        { colour: 'red', x1: 10, y1: 10, x2: 100, y2: 100 },
        { colour: 'orange', x1: 300, y1: 200, x2: 500, y2: 390 },
      ],
    });
    const filler = Array.from({ length: 120 }, (_, i) => `thing number ${i}`);
    const prompt = ['red', ...filler, 'orange'].join(' . ');
    const result = await d.detect(file, prompt);
    expect(result.runs).toBeGreaterThan(1);
    expect(result.detections.map((x) => [x.phrase, x.phraseIndex])).toEqual([
      ['red', 0],
      ['orange', 121],
    ]);
    await d.close();
  });

  it('gives the same boxes in per-phrase mode', async () => {
    const d = await open(models.flavourB);
    const file = await scene('pp.png', {
      width: 500,
      height: 500,
      rects: [
        { colour: 'red', x1: 10, y1: 10, x2: 100, y2: 100 },
        { colour: 'blue', x1: 300, y1: 200, x2: 480, y2: 480 },
      ],
    });
    const together = await d.detect(file, 'red . blue .');
    const apart = await d.detect(file, 'red . blue .', { perPhrase: true });
    expect(apart.runs).toBe(2);
    expect(apart.detections).toEqual(together.detections);
    await d.close();
  });
});

describe('Detector refusals', () => {
  it('refuses flavour C, an unknown model and a file that is not ONNX with named errors', async () => {
    await expect(open(models.flavourC)).rejects.toMatchObject({
      code: 'model-unsupported',
      message: expect.stringContaining('TAO'),
    });
    await expect(open(models.unknown)).rejects.toMatchObject({
      code: 'model-unsupported',
      message: expect.stringContaining('Inputs found: foo'),
    });
    await expect(open(models.notOnnx)).rejects.toMatchObject({
      code: 'model-invalid',
      message: expect.stringContaining('not-onnx.onnx'),
    });
    await expect(open(path.join(dir, 'nope.onnx'))).rejects.toMatchObject({ code: 'model-not-found' });
  });

  it('refuses when the bundled vocabulary is missing and the model brings none', async () => {
    await expect(
      Detector.open({ model: models.flavourB, bundledVocab: path.join(dir, 'missing-vocab.txt') }),
    ).rejects.toMatchObject({
      code: 'tokenizer-missing',
    });
  });

  it('runs under auto on a provider auto tries, having said once why it passed over each one before', async () => {
    const d = await Detector.open({ model: models.flavourB, bundledVocab, device: 'auto' });
    const order = providerCandidates('auto', process.platform);
    const passed = d.info.device.failures.map((f) => f.provider);
    expect(order).toContain(d.info.device.provider);
    expect(new Set(passed).size).toBe(passed.length);
    for (const p of passed) expect(order.indexOf(p)).toBeLessThan(order.indexOf(d.info.device.provider));
    for (const f of d.info.device.failures) expect(f.reason && f.advice).toBeTruthy();
    await d.close();
  });

  it('fails with device-unavailable when an explicit provider cannot load', async () => {
    const absent = process.platform === 'win32' ? 'coreml' : 'dml';
    await expect(open(models.flavourB, { device: absent })).rejects.toMatchObject({
      code: 'device-unavailable',
      message: expect.stringContaining(absent),
    });
  });

  it('reports a broken image with its name and keeps the detector usable', async () => {
    const d = await open(models.flavourB);
    const broken = path.join(dir, 'broken.png');
    await writeFile(broken, Buffer.from('\x89PNG\r\n\x1a\nnot really'));
    await expect(d.detect(broken, 'red .')).rejects.toMatchObject({
      code: 'image-unreadable',
      message: expect.stringContaining('broken.png'),
    });
    const ok = await scene('after.png', {
      width: 100,
      height: 100,
      rects: [{ colour: 'red', x1: 10, y1: 10, x2: 60, y2: 60 }],
    });
    expect((await d.detect(ok, 'red .')).detections).toHaveLength(1);
    await d.close();
  });
});
