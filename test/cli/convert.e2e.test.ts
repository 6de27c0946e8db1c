import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSceneFolder } from '../fixtures/images';
import { writeXAnyLabelingFolder } from '../fixtures/labelme';
import { runCli } from './run-cli';

let dir: string;
let images: string;

interface Coco {
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: {
    id: number;
    image_id: number;
    category_id: number;
    bbox: [number, number, number, number];
  }[];
  categories: { id: number; name: string }[];
}

/** Categories 5, 9, 2 (not 1…K), an EXIF-rotated image, a.jpg next to a.png, a negative, an unlabeled image. */
const SOURCE: Coco = {
  images: [
    { id: 10, file_name: 'a.jpg', width: 320, height: 240 },
    { id: 11, file_name: 'a.png', width: 200, height: 100 },
    { id: 12, file_name: 'sub/rotated.jpg', width: 120, height: 160 },
    { id: 13, file_name: 'sub/empty.png', width: 64, height: 64 },
  ],
  annotations: [
    { id: 1, image_id: 10, category_id: 9, bbox: [10, 20, 100, 50] },
    { id: 2, image_id: 10, category_id: 2, bbox: [200, 100, 120, 140] },
    { id: 3, image_id: 11, category_id: 5, bbox: [0, 0, 37, 99] },
    { id: 4, image_id: 12, category_id: 5, bbox: [30, 90, 60, 70] },
  ],
  categories: [
    { id: 5, name: 'cat' },
    { id: 9, name: 'dog' },
    { id: 2, name: 'bird' },
  ],
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gl-convert-'));
  images = path.join(dir, 'images');
  await writeSceneFolder(images, [
    { relPath: 'a.jpg', spec: { width: 320, height: 240, format: 'jpeg', rects: [] } },
    { relPath: 'a.png', spec: { width: 200, height: 100, rects: [] } },
    {
      relPath: 'sub/rotated.jpg',
      spec: { width: 120, height: 160, format: 'jpeg', orientation: 6, rects: [] },
    },
    { relPath: 'sub/empty.png', spec: { width: 64, height: 64, rects: [] } },
    { relPath: 'todo.png', spec: { width: 50, height: 50, rects: [] } },
  ]);
  await writeFile(path.join(dir, 'source.json'), JSON.stringify(SOURCE));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const convert = (from: string, fromFormat: string, to: string, out: string, ...extra: string[]) =>
  runCli('convert.ts', [
    '--images',
    images,
    '--from',
    path.join(dir, from),
    '--from-format',
    fromFormat,
    '--to',
    to,
    '--out',
    path.join(dir, out),
    ...extra,
  ]);

/** Boxes per image as `[class name, x1, y1, x2, y2]`, images by file name. */
function boxesOf(coco: Coco): Record<string, [string, number, number, number, number][]> {
  const name = (id: number) => coco.categories.find((c) => c.id === id)!.name;
  return Object.fromEntries(
    coco.images.map((im) => [
      im.file_name,
      coco.annotations
        .filter((a) => a.image_id === im.id)
        .map(({ category_id, bbox: [x, y, w, h] }): [string, number, number, number, number] => [
          name(category_id),
          x,
          y,
          x + w,
          y + h,
        ]),
    ]),
  );
}

describe('npm run convert', () => {
  it('converts COCO → YOLO → VOC → COCO and gives back the same boxes', async () => {
    const toYolo = await convert('source.json', 'coco', 'yolo', 'yolo');
    expect(toYolo.stderr).toContain('warning: categories: ids 5, 9, 2 are not 1…3');
    expect(toYolo.code, toYolo.stderr).toBe(0);
    const toVoc = await convert('yolo', 'yolo', 'voc', 'voc');
    expect(toVoc.code, toVoc.stderr).toBe(0);
    // VOC has no class list: without --classes the names come in order of first appearance.
    const toCoco = await convert(
      'voc',
      'voc',
      'coco',
      'coco',
      '--classes',
      path.join(dir, 'yolo', 'classes.txt'),
    );
    expect(toCoco.code, toCoco.stderr).toBe(0);

    const back = JSON.parse(await readFile(path.join(dir, 'coco', 'annotations.json'), 'utf8')) as Coco;
    expect(back.categories.map((c) => [c.id, c.name])).toEqual([
      [1, 'cat'],
      [2, 'dog'],
      [3, 'bird'],
    ]);
    // Oriented sizes throughout: the rotated photo is 120×160 as displayed.
    expect(back.images.map((im) => [im.file_name, im.width, im.height])).toEqual([
      ['a.jpg', 320, 240],
      ['a.png', 200, 100],
      ['sub/empty.png', 64, 64],
      ['sub/rotated.jpg', 120, 160],
    ]);
    const want = boxesOf(SOURCE);
    const got = boxesOf(back);
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const [file, boxes] of Object.entries(want)) {
      expect(
        got[file].map((b) => b[0]),
        file,
      ).toEqual(boxes.map((b) => b[0]));
      // Whole-pixel boxes come back exactly: the VOC writer snaps YOLO's rounding noise to the pixel edge.
      boxes.forEach((b, i) =>
        b
          .slice(1)
          .forEach((v, k) =>
            expect(Math.abs((got[file][i][k + 1] as number) - (v as number)), file).toBeLessThanOrEqual(1e-9),
          ),
      );
    }
  });

  it('rejects a YOLO file with a 6th column: exit 1, the line named, the file untouched, the rest written', async () => {
    const from = path.join(dir, 'bad-yolo');
    await mkdir(path.join(from, 'labels', 'train'), { recursive: true });
    await writeFile(
      path.join(from, 'data.yaml'),
      'train: images/train\nval: images/train\nnames: [cat, dog]\n',
    );
    const bad = '0 0.5 0.5 0.2 0.2\n1 0.5 0.5 0.1 0.1 0.97\n';
    await writeFile(path.join(from, 'labels', 'train', 'a.txt'), bad);
    await writeFile(path.join(from, 'labels', 'train', 'a_png.txt'), '1 0.5 0.5 0.5 0.5\n');
    const run = await convert('bad-yolo', 'yolo', 'coco', 'from-bad');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: labels/train/a.txt:2: 6 columns, expected 5 (class cx cy w h)');
    expect(run.stderr).toContain(
      'error: labels/train/a.txt: 1 bad line; its image is left out of the import (the file is not changed)',
    );
    expect(await readFile(path.join(from, 'labels', 'train', 'a.txt'), 'utf8')).toBe(bad);
    const written = JSON.parse(
      await readFile(path.join(dir, 'from-bad', 'annotations.json'), 'utf8'),
    ) as Coco;
    expect(written.images.map((im) => im.file_name)).toEqual(['a.png']);
  });

  it('reads X-AnyLabeling JSON beside the images: rectangles kept, other shapes counted and left out', async () => {
    const folder = path.join(dir, 'xany');
    await writeXAnyLabelingFolder(folder, 'jpeg');
    const run = await runCli('convert.ts', [
      '--images',
      folder,
      '--from',
      folder,
      '--from-format',
      'labelme',
      '--to',
      'coco',
      '--out',
      path.join(dir, 'from-labelme'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('street.json: 1 shape is not a rectangle (polygon) and is left out');
    const written = JSON.parse(
      await readFile(path.join(dir, 'from-labelme', 'annotations.json'), 'utf8'),
    ) as Coco;
    expect(boxesOf(written)).toEqual({
      'night/alley.png': [['person', 120, 10, 150, 90]],
      'street.jpg': [['car', 10, 20, 110, 70]],
    });
    const to = await convert('xany', 'labelme', 'labelme', 'x');
    expect(to.code).toBe(2);
    expect(to.stderr).toContain('--to must be one of coco, yolo, voc, got "labelme"');
  });

  it('writes nothing for input it cannot read at all', async () => {
    await writeFile(path.join(dir, 'broken.json'), '{"images": [');
    const run = await convert('broken.json', 'coco', 'yolo', 'from-broken');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error: broken\.json: not valid JSON/);
    expect(run.stderr).toContain('nothing written: the input was rejected');
    await expect(readdir(path.join(dir, 'from-broken'))).rejects.toThrow();
  });

  it('exits 2 for bad arguments, an output folder overlapping the input included', async () => {
    const missing = await runCli('convert.ts', ['--images', images]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error [bad-argument]: missing --from, --from-format, --to, --out');
    const format = await convert('source.json', 'coco', 'csv', 'x');
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--to must be one of coco, yolo, voc, got "csv"');
    const overlap = await convert('yolo', 'yolo', 'coco', 'yolo/converted');
    expect(overlap.code).toBe(2);
    expect(overlap.stderr).toMatch(/overlaps --from/);
  });
});
