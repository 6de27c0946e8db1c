import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { drawScene } from '../../../test/fixtures/images';
import { writeFixtureModels, type FixtureModelPaths } from '../../../test/fixtures/model-folders';
import { DEFAULT_THRESHOLDS } from '../../shared/detection';
import { iou } from '../../shared/geometry';
import type { InferResult } from '../../shared/ipc/contract';
import { BUNDLED_VOCAB_PATH, caught, tempDirs } from '../inference/__test__/helpers';
import { memorySettings } from '../settings/settings-store';
import { ModelService } from './model-service';

const tempDir = tempDirs('model-service');
let modelsDir: string;
let models: FixtureModelPaths;

beforeAll(async () => {
  modelsDir = path.join(await tempDir(), 'models');
  models = await writeFixtureModels(modelsDir);
});

const service = () => new ModelService({ bundledVocab: BUNDLED_VOCAB_PATH, modelsDir, device: 'cpu' });

describe('ModelService without a model', () => {
  it('reports no model, the folder models go in and the models found there', async () => {
    const status = await service().status();
    expect(status).toMatchObject({ loaded: false, maxTokens: 256, defaults: DEFAULT_THRESHOLDS, modelsDir });
    expect(status.available).toEqual(
      [
        models.flavourA,
        models.flavourASmall,
        models.flavourB,
        models.flavourC,
        models.notOnnx,
        models.unknown,
      ].sort(),
    );
  });

  it('lists nothing when the models folder does not exist', async () => {
    const s = new ModelService({
      bundledVocab: BUNDLED_VOCAB_PATH,
      modelsDir: path.join(modelsDir, 'absent'),
    });
    expect((await s.status()).available).toEqual([]);
  });

  it('counts the tokens and passes of a prompt with the bundled vocabulary', async () => {
    const analysis = await service().analyse('Red . green');
    // [CLS] red . green . [SEP]
    expect(analysis).toEqual({
      phrases: ['red', 'green'],
      tokens: 6,
      maxTokens: 256,
      passes: 1,
      repeated: [],
      overlapping: [],
    });
  });

  it('flags repeated phrases and phrases that overlap in meaning', async () => {
    const analysis = await service().analyse('person . girl . car . Person');
    expect(analysis.phrases).toEqual(['person', 'girl', 'car']);
    expect(analysis.repeated).toEqual(['person']);
    expect(analysis.overlapping).toEqual([['person', 'girl']]);
  });

  it('plans several passes for a prompt over the token limit', async () => {
    const prompt = Array.from({ length: 120 }, (_, i) => `thing number ${i}`).join(' . ');
    const analysis = await service().analyse(prompt);
    expect(analysis.tokens).toBeGreaterThan(256);
    expect(analysis.passes).toBeGreaterThan(1);
  });

  it("counts with the loaded model's own vocabulary when it has one", async () => {
    // The same model with a vocabulary of its own, which splits "zebra" into two pieces.
    const folder = path.join(await tempDir(), 'own-vocab');
    await mkdir(folder);
    await copyFile(path.join(models.flavourA, 'model.onnx'), path.join(folder, 'model.onnx'));
    const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '.', '?', 'ze', '##bra'];
    await writeFile(path.join(folder, 'vocab.txt'), `${vocab.join('\n')}\n`);
    const s = service();
    expect((await s.analyse('zebra .')).tokens).toBe(4); // [CLS] zebra . [SEP]
    await s.open(folder);
    expect((await s.analyse('zebra .')).tokens).toBe(5); // [CLS] ze ##bra . [SEP]
    await s.close();
  });

  it('answers an empty prompt with no phrases and no passes', async () => {
    expect(await service().analyse('  .  ')).toMatchObject({ phrases: [], tokens: 0, passes: 0 });
  });

  it('refuses to run with model-not-loaded, naming the models folder', async () => {
    const error = await caught(
      () => service().run([{ relPath: 'a.png', file: 'a.png' }], 'red .', DEFAULT_THRESHOLDS, {}),
      'model-not-loaded',
    );
    expect(error.message).toContain(modelsDir);
  });
});

describe('ModelService with a fixture model', () => {
  it('reports the loaded model', async () => {
    const s = service();
    const status = await s.open(models.flavourB);
    expect(status).toMatchObject({
      loaded: true,
      name: 'Colour fixture B',
      flavour: 'B',
      provider: 'cpu',
      maxTokens: 256,
      modelsDir,
    });
    expect(status.file).toContain('fixture-b');
    await s.close();
    expect((await s.status()).loaded).toBe(false);
  });

  it('keeps the loaded model when another fails to open', async () => {
    const s = service();
    await s.open(models.flavourB);
    await caught(() => s.open(models.notOnnx), 'model-invalid');
    expect(await s.status()).toMatchObject({ loaded: true, flavour: 'B', openedFrom: models.flavourB });
    await s.close();
  });

  it('gives detections per image and an error for a broken one, in order, with progress', async () => {
    const dir = await tempDir();
    const good = path.join(dir, 'good.png');
    const broken = path.join(dir, 'broken.png');
    await writeFile(
      good,
      await drawScene({
        width: 320,
        height: 240,
        rects: [{ colour: 'red', x1: 20, y1: 30, x2: 150, y2: 200 }],
      }),
    );
    await writeFile(broken, 'not an image');
    const s = service();
    await s.open(models.flavourB);
    const seen: [string, number, number][] = [];
    const results = await s.run(
      [
        { relPath: 'good.png', file: good },
        { relPath: 'broken.png', file: broken },
      ],
      'red . blue',
      DEFAULT_THRESHOLDS,
      {},
      (r: InferResult, done, total) => seen.push([r.relPath, done, total]),
    );
    expect(results.map((r) => r.relPath)).toEqual(['good.png', 'broken.png']);
    expect(results[0].error).toBeUndefined();
    expect(results[0].detections?.map((d) => d.phrase)).toEqual(['red']);
    expect(iou(results[0].detections![0].box, { x1: 20, y1: 30, x2: 150, y2: 200 })).toBeGreaterThan(0.9);
    expect(results[1].detections).toBeUndefined();
    expect(results[1].error?.code).toBe('image-unreadable');
    expect(results[1].error?.message).toContain('broken.png');
    expect(seen).toEqual([
      ['good.png', 1, 2],
      ['broken.png', 2, 2],
    ]);
    await s.close();
  });
});

describe('ModelService remembering the last model', () => {
  it('opens the model a person opened last again at the next start', async () => {
    const settings = memorySettings();
    const first = new ModelService({ bundledVocab: BUNDLED_VOCAB_PATH, modelsDir, device: 'cpu', settings });
    await first.open(models.flavourB, { remember: true });
    await first.close();
    const next = new ModelService({ bundledVocab: BUNDLED_VOCAB_PATH, modelsDir, device: 'cpu', settings });
    const restoring = next.restoreLast();
    expect(await next.status()).toMatchObject({ loaded: false, restoring: models.flavourB });
    expect(await restoring).toMatchObject({ loaded: true, name: 'Colour fixture B' });
    expect((await next.status()).restoring).toBeUndefined();
    await next.close();
  });

  it('does not remember a model opened by a command line', async () => {
    const settings = memorySettings();
    const s = new ModelService({ bundledVocab: BUNDLED_VOCAB_PATH, modelsDir, device: 'cpu', settings });
    await s.open(models.flavourB);
    expect(await settings.get('lastModel')).toBeNull();
    await s.close();
  });

  it('keeps the model a person opens while the last one is still opening in the background', async () => {
    const settings = memorySettings({ lastModel: models.flavourA });
    const s = new ModelService({ bundledVocab: BUNDLED_VOCAB_PATH, modelsDir, device: 'cpu', settings });
    const restoring = s.restoreLast();
    await s.open(models.flavourB, { remember: true });
    await restoring;
    expect(await s.status()).toMatchObject({ loaded: true, flavour: 'B' });
    expect(await settings.get('lastModel')).toBe(models.flavourB);
    await s.close();
  });

  it('says why the model opened last could not be opened again, and keeps it remembered', async () => {
    const gone = path.join(modelsDir, 'gone.onnx');
    const settings = memorySettings({ lastModel: gone });
    const s = new ModelService({ bundledVocab: BUNDLED_VOCAB_PATH, modelsDir, device: 'cpu', settings });
    const status = await s.restoreLast();
    expect(status.loaded).toBe(false);
    expect(status.restoreError).toContain(`The model opened last (${gone}) could not be opened`);
    expect(await settings.get('lastModel')).toBe(gone);
  });
});
