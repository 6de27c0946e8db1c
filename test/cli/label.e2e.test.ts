import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { writeSceneFolder, type SceneTruth } from '../fixtures/images';
import { writeFixtureModels, type FixtureModelPaths } from '../fixtures/model-folders';
import { runCli } from './run-cli';
import { expectedRects, matchBoxes, PROMPT, writeDataset, type FoundBox } from './scenes';

let dir: string;
let models: FixtureModelPaths;
let images: string;
let truth: SceneTruth[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gl-cli-'));
  models = await writeFixtureModels(path.join(dir, 'models'));
  images = path.join(dir, 'images');
  truth = await writeDataset(images);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `label` with the small fixture model on the test images, writing to `out` under the temp folder. */
const labelSmall = (out: string, ...args: string[]) =>
  runCli('label.ts', [
    '--model',
    models.flavourASmall,
    '--images',
    images,
    ...args,
    '--out',
    path.join(dir, out),
  ]);

const label = (model: string, out: string, ...extra: string[]) =>
  runCli('label.ts', [
    '--model',
    model,
    '--images',
    images,
    '--prompt',
    PROMPT,
    '--out',
    path.join(dir, out),
    ...extra,
  ]);

interface Coco {
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: {
    id: number;
    image_id: number;
    category_id: number;
    bbox: [number, number, number, number];
    area: number;
    iscrowd: number;
  }[];
  categories: { id: number; name: string }[];
}

const readCoco = async (out: string): Promise<Coco> =>
  JSON.parse(await readFile(path.join(dir, out, 'annotations.json'), 'utf8')) as Coco;

function cocoBoxes(coco: Coco, relPath: string): FoundBox[] {
  const image = coco.images.find((i) => i.file_name === relPath);
  if (!image) return [];
  const name = (id: number) => coco.categories.find((c) => c.id === id)?.name ?? '?';
  return coco.annotations
    .filter((a) => a.image_id === image.id)
    .map(({ bbox: [x, y, w, h], category_id }) => ({
      x1: x,
      y1: y,
      x2: x + w,
      y2: y + h,
      label: name(category_id),
    }));
}

function expectBoxesMatchTruth(found: (relPath: string) => FoundBox[]): void {
  for (const t of truth) {
    const boxes = found(t.relPath);
    const expected = expectedRects(t);
    expect(boxes, t.relPath).toHaveLength(expected.length);
    for (const score of matchBoxes(expected, boxes)) expect(score, t.relPath).toBeGreaterThanOrEqual(0.9);
  }
}

describe('npm run label', () => {
  it('labels a folder with a flavour A model and writes COCO boxes on the drawn rectangles', async () => {
    const run = await label(models.flavourA, 'coco-a', '--format', 'coco');
    expect(run.code).toBe(1); // broken.jpg failed, everything else was written
    expect(run.stderr).toMatch(/broken\.jpg: \[image-unreadable\]/);
    const coco = await readCoco('coco-a');
    // Purple found nothing (below the box threshold everywhere): it is no category.
    expect(coco.categories.map((c) => [c.id, c.name])).toEqual(
      ['red', 'green', 'blue', 'orange', 'yellow'].map((n, i) => [i + 1, n]),
    );
    expect(run.stderr).toContain('1 class found nothing and is left out: purple');
    expect(coco.images.map((i) => i.file_name).sort()).toEqual(truth.map((t) => t.relPath).sort());
    expect(coco.images.find((i) => i.file_name === 'e-rotated.jpg')).toMatchObject({
      width: 480,
      height: 640,
    });
    expect(coco.annotations.map((a) => a.id)).toEqual(coco.annotations.map((_, i) => i + 1));
    expectBoxesMatchTruth((rel) => cocoBoxes(coco, rel));
  });

  it('writes the Ultralytics YOLO layout with a flavour B model', async () => {
    const run = await label(models.flavourB, 'yolo-b', '--format', 'yolo');
    expect(run.code).toBe(1);
    const out = path.join(dir, 'yolo-b');
    const data = parseYaml(await readFile(path.join(out, 'data.yaml'), 'utf8')) as Record<string, unknown>;
    expect(data).not.toHaveProperty('path');
    expect(data.train).toBe('images/train');
    expect(data.names).toEqual({ 0: 'red', 1: 'green', 2: 'blue', 3: 'orange', 4: 'yellow' });
    const names = data.names as Record<number, string>;
    expect((await readFile(path.join(out, 'classes.txt'), 'utf8')).trim().split('\n')).toEqual(
      Object.values(names),
    );

    const found = new Map<string, FoundBox[]>();
    for (const t of truth) {
      const stem = t.relPath.replace(/\.[^.]+$/, '');
      // The image entry resolves to the original file, so Ultralytics pairs images/ with labels/.
      expect((await stat(path.join(out, 'images', 'train', t.relPath))).size).toBe(
        (await stat(path.join(images, t.relPath))).size,
      );
      const text = await readFile(path.join(out, 'labels', 'train', `${stem}.txt`), 'utf8');
      const rows = text
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(' '));
      for (const row of rows) {
        expect(row).toHaveLength(5);
        for (const v of row.slice(1)) {
          expect(v).toMatch(/^\d\.\d{6}$/);
          expect(Number(v)).toBeGreaterThanOrEqual(0);
          expect(Number(v)).toBeLessThanOrEqual(1);
        }
      }
      found.set(
        t.relPath,
        rows.map(([c, cx, cy, w, h]) => ({
          label: names[Number(c)],
          x1: (Number(cx) - Number(w) / 2) * t.width,
          y1: (Number(cy) - Number(h) / 2) * t.height,
          x2: (Number(cx) + Number(w) / 2) * t.width,
          y2: (Number(cy) + Number(h) / 2) * t.height,
        })),
      );
    }
    expect(await readFile(path.join(out, 'labels', 'train', 'd-empty.txt'), 'utf8')).toBe('');
    expectBoxesMatchTruth((rel) => found.get(rel) ?? []);
    expect(await readdir(path.join(out, 'labels', 'train'))).not.toContain('broken.txt');
  });

  it("writes Pascal VOC with 1-based corners using the model folder's input size", async () => {
    const run = await label(models.flavourASmall, 'voc', '--format', 'voc');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('400×600');
    const found = new Map<string, FoundBox[]>();
    for (const t of truth) {
      const xml = await readFile(
        path.join(dir, 'voc', 'Annotations', `${t.relPath.replace(/\.[^.]+$/, '')}.xml`),
        'utf8',
      );
      expect(xml).toContain(`<width>${t.width}</width>`);
      expect(xml).toContain(`<height>${t.height}</height>`);
      const objects = [...xml.matchAll(/<object>([\s\S]*?)<\/object>/g)].map(([, o]) => {
        const num = (tag: string) => Number(new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(o)?.[1]);
        const label = /<name>([^<]+)<\/name>/.exec(o)?.[1] ?? '?';
        // 1-based inclusive corners back to 0-based edges
        return { label, x1: num('xmin') - 1, y1: num('ymin') - 1, x2: num('xmax'), y2: num('ymax') };
      });
      for (const o of objects) {
        expect(Number.isInteger(o.x1) && o.x1 >= 0 && o.x2 <= t.width && o.y2 <= t.height).toBe(true);
      }
      found.set(t.relPath, objects);
    }
    expectBoxesMatchTruth((rel) => found.get(rel) ?? []);
  });

  it('keeps the duplicate boxes when NMS is off', async () => {
    await label(models.flavourASmall, 'no-nms', '--nms-iou', 'off');
    const coco = await readCoco('no-nms');
    const expected = truth.reduce((n, t) => n + expectedRects(t).length, 0);
    expect(coco.annotations).toHaveLength(expected * 2);
  });

  it('maps several phrases to one class with --classes', async () => {
    await label(models.flavourB, 'classes', '--classes', 'red=warm, orange=warm, yellow=warm');
    const coco = await readCoco('classes');
    expect(coco.categories.map((c) => c.name)).toEqual(['warm', 'green', 'blue']);
    const labels = cocoBoxes(coco, 'sub/deeper/c.png').map((b) => b.label);
    expect(labels).toEqual(['warm', 'warm']);
  });

  it('splits a prompt over 256 tokens into several passes and still finds every phrase', async () => {
    const fillers = Array.from({ length: 100 }, (_, i) => `filler object ${i}`).join(' . ');
    const prompt = `${fillers} . ${PROMPT}`;
    const run = await labelSmall('long', '--prompt', prompt);
    expect(run.stderr).toMatch(/106 phrases in [2-9] passes/);
    const coco = await readCoco('long');
    // Only the five phrases that found something are categories, not 106 mostly empty ones.
    expect(coco.categories.map((c) => c.name)).toEqual(['red', 'green', 'blue', 'orange', 'yellow']);
    expect(run.stderr).toContain(
      '101 classes found nothing and are left out: filler object 0, filler object 1,',
    );
    const byName = (rel: string) => cocoBoxes(coco, rel);
    expectBoxesMatchTruth(byName);
  });

  it('finds the same boxes with one pass per phrase', async () => {
    const run = await label(models.flavourB, 'per-phrase', '--per-phrase');
    expect(run.code).toBe(1);
    const coco = await readCoco('per-phrase');
    expectBoxesMatchTruth((rel) => cocoBoxes(coco, rel));
  });

  it('labels with referring expressions (--rec): each expression its best box per image, named by its class', async () => {
    const run = await labelSmall(
      'rec',
      '--prompt',
      'red\nblue thing',
      '--classes',
      'blue thing=blue',
      '--rec',
    );
    expect(run.stderr).toContain('prompt: 2 referring expressions, each yielding its best box');
    const coco = await readCoco('rec');
    expect(coco.categories.map((c) => c.name)).toEqual(['red', 'blue']);
    // a.png holds a red and a blue rectangle, c.png a yellow and a red one, b.jpg neither colour.
    expect(cocoBoxes(coco, 'a.png').map((b) => b.label)).toEqual(['red', 'blue']);
    expect(cocoBoxes(coco, 'sub/deeper/c.png').map((b) => b.label)).toEqual(['red']);
    expect(cocoBoxes(coco, 'sub/b.jpg')).toEqual([]);
    for (const t of truth) {
      const want = t.rects.filter((r) => r.colour === 'red' || r.colour === 'blue');
      for (const score of matchBoxes(want, cocoBoxes(coco, t.relPath)))
        expect(score, t.relPath).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('drops a box of another phrase on the same object with --cross-iou, and says which phrases collided', async () => {
    const run = await labelSmall('cross', '--prompt', 'red . red car', '--per-phrase', '--cross-iou', '0.5');
    expect(run.code, run.stderr).toBe(1); // broken.jpg
    expect(run.stderr).toMatch(
      /\d+ box(?:es)? dropped where two phrases claimed one object \(--cross-iou\):\n {2}"red car" under "red": \d+ times?/,
    );
    const coco = JSON.parse(await readFile(path.join(dir, 'cross', 'annotations.json'), 'utf8')) as Coco;
    expect(coco.categories.map((c) => c.name)).toEqual(['red']);
  });

  it('warns that a prompt without " . " is one phrase, and how to write it', async () => {
    const run = await labelSmall('one-phrase', '--prompt', 'red, blue');
    expect(run.stderr).toContain(
      'warning: the prompt has no " . ", so it is one phrase, "red, blue"; if you meant 2 phrases, write --prompt "red . blue ."',
    );
  });

  it('warns of phrases that overlap in meaning, as the app does', async () => {
    const run = await labelSmall('overlap', '--prompt', 'person . girl . red');
    expect(run.stderr).toContain(
      'warning: phrases that overlap in meaning, each object going to only one of them: "person" and "girl"; run them separately, or see how often they collide with --cross-iou',
    );
  });

  it('labels with a built-in class list (--preset), in passes of at most 256 tokens', async () => {
    const run = await labelSmall('objects365', '--preset', 'objects365');
    expect(run.code, run.stderr).toBe(1); // broken.jpg
    expect(run.stderr).toMatch(/prompt: 365 phrases in [3-9] passes of ≤ 256 tokens each/);
  });

  it('takes --top-k only with --rec, as a whole number', async () => {
    const alone = await label(models.flavourB, 'never', '--top-k', '2');
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--top-k is the number of boxes per referring expression; pass --rec too');
    const zero = await label(models.flavourB, 'never', '--rec', '--top-k', '0');
    expect(zero.stderr).toContain('--top-k must be a whole number from 1 to 20, got "0"');
  });

  it('refuses a model that is not Grounding DINO, naming its inputs', async () => {
    const run = await label(models.unknown, 'never');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('[model-unsupported]');
    expect(run.stderr).toContain('Inputs found: foo float32[1,4]');
    await expect(stat(path.join(dir, 'never'))).rejects.toThrow();
  });

  it('names the option when an argument is wrong', async () => {
    const run = await label(models.flavourB, 'never', '--box-threshold', '1.5');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--box-threshold must be a number between 0 and 1');
  });

  it('says it wrote the images where the model found nothing as negatives', async () => {
    const run = await label(models.flavourASmall, 'told', '--format', 'coco');
    // d-empty.png has nothing to find; f-faint.png's purple scores below the box threshold.
    expect(run.stderr).toContain('images: 7 (4 with boxes, 2 where the model found nothing, 1 failed)');
    expect(run.stderr).toContain(
      '2 images where the model found nothing: exported as negatives (a label run decides for every image it looked at; in the app they wait until a person marks them negative)',
    );
    const coco = await readCoco('told');
    const empty = coco.images.find((i) => i.file_name === 'd-empty.png')!;
    expect(coco.annotations.filter((a) => a.image_id === empty.id)).toEqual([]);
  });
});

describe('npm run label never reads its own output', () => {
  const own = () => path.join(dir, 'own');
  const run = (out: string, ...extra: string[]) =>
    runCli('label.ts', [
      '--model',
      models.flavourASmall,
      '--images',
      own(),
      '--prompt',
      'red . blue',
      '--out',
      out,
      '--format',
      'yolo',
      ...extra,
    ]);
  const counted = (r: { stderr: string }) => /images: (\d+) \(/.exec(r.stderr)?.[1];

  beforeAll(async () => {
    await writeSceneFolder(own(), [
      {
        relPath: 'a.png',
        spec: { width: 64, height: 48, rects: [{ colour: 'red', x1: 4, y1: 4, x2: 40, y2: 40 }] },
      },
      { relPath: 'b.png', spec: { width: 64, height: 48, rects: [] } },
      { relPath: 'sub/c.png', spec: { width: 64, height: 48, rects: [] } },
    ]);
    const outside = path.join(dir, 'outside.png');
    await writeFile(outside, await readFile(path.join(images, 'a.png')));
    await symlink(outside, path.join(own(), 'escape.png'));
    await mkdir(path.join(own(), 'exports', 'yolo-earlier', 'images'), { recursive: true });
    await writeFile(path.join(own(), 'exports', 'yolo-earlier', 'images', 'x.png'), 'an earlier export');
  });

  it('labels the same 3 images on every run with --out inside --images, to the same or another folder', async () => {
    // The links YOLO writes into images/train are never listed as images by the next run.
    for (const out of ['out', 'out', 'out-2', 'out-3']) {
      const r = await run(path.join(own(), out));
      expect(r.code, r.stderr).toBe(0);
      expect(counted(r)).toBe('3');
    }
    const train = await readdir(path.join(own(), 'out-3', 'labels', 'train'), { recursive: true });
    expect(train.filter((f) => f.endsWith('.txt')).sort()).toEqual([
      'a.txt',
      'b.txt',
      path.join('sub', 'c.txt'),
    ]);
  });

  it('never follows a link to an image outside --images', async () => {
    const r = await run(path.join(dir, 'own-out'), '--copy-images');
    expect(counted(r)).toBe('3');
    await expect(stat(path.join(dir, 'own-out', 'labels', 'train', 'escape.txt'))).rejects.toThrow();
  });

  it.each([
    ['a file', () => path.join(own(), 'a.png'), 'is a file'],
    ['inside a file', () => path.join(own(), 'a.png', 'out'), 'is a file, not a folder'],
    ['the image folder', () => own(), 'is the image folder or contains it'],
  ])('refuses --out that is %s before the model loads or any image runs', async (_what, out, message) => {
    const r = await run(out());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    // Neither the model's line nor any progress: nothing was run.
    expect(r.stderr).not.toMatch(/^(model|input size|images):/m);
  });

  it('writes nothing when no image could be labeled', async () => {
    const broken = path.join(dir, 'only-broken');
    await mkdir(broken);
    await writeFile(path.join(broken, 'x.jpg'), 'not a jpeg');
    const out = path.join(dir, 'only-broken-out');
    const r = await runCli('label.ts', [
      '--model',
      models.flavourASmall,
      '--images',
      broken,
      '--prompt',
      'red',
      '--out',
      out,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`nothing written to ${out}: no image could be labeled`);
    expect(r.stderr).toContain('x.jpg: [image-unreadable]');
    await expect(stat(out)).rejects.toThrow();
  });
});
