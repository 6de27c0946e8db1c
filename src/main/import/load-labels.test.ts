import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSceneFolder } from '../../../test/fixtures/images';
import { labelmeFile, labelmeShape } from '../../../test/fixtures/labelme';
import { GroundLabelError } from '../../shared/errors';
import { exportLabels, type ExportInput } from '../../shared/formats';
import { writeExport } from '../export/write-export';
import { loadLabels, OrientedSizes } from './load-labels';

let dir: string;
let images: string;

/** Sizes are the displayed ones: sub/r.jpg is stored 80×40 with EXIF orientation 6. */
const PROJECT: ExportInput = {
  classes: ['car', 'dog'],
  images: [
    {
      relPath: 'a.png',
      width: 64,
      height: 48,
      state: 'reviewed',
      boxes: [{ classId: 0, x1: 4, y1: 8, x2: 20, y2: 40 }],
    },
    { relPath: 'a.jpg', width: 32, height: 32, state: 'reviewed', boxes: [] },
    {
      relPath: 'sub/r.jpg',
      width: 40,
      height: 80,
      state: 'reviewed',
      split: 'val',
      boxes: [{ classId: 1, x1: 0, y1: 50, x2: 40, y2: 80 }],
    },
    { relPath: 'todo.png', width: 16, height: 16, state: 'unlabeled', boxes: [] },
  ],
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gl-import-'));
  images = path.join(dir, 'images');
  await writeSceneFolder(images, [
    { relPath: 'a.png', spec: { width: 64, height: 48, rects: [] } },
    { relPath: 'a.jpg', spec: { width: 32, height: 32, format: 'jpeg', rects: [] } },
    // Stored 80×40, displayed 40×80: every box lives in the displayed image.
    { relPath: 'sub/r.jpg', spec: { width: 40, height: 80, format: 'jpeg', orientation: 6, rects: [] } },
    { relPath: 'todo.png', spec: { width: 16, height: 16, rects: [] } },
  ]);
  // COCO in one file: with a split it writes annotations/instances_{train,val}.json instead.
  const unsplit = { ...PROJECT, images: PROJECT.images.map(({ split: _split, ...im }) => im) };
  for (const format of ['coco', 'yolo', 'voc'] as const) {
    await writeExport(exportLabels(format, format === 'coco' ? unsplit : PROJECT), {
      format,
      outDir: path.join(dir, format),
      imageRoot: images,
    });
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const reviewed = (r: Awaited<ReturnType<typeof loadLabels>>) =>
  r.input.images
    .filter((im) => im.state === 'reviewed')
    .map((im) => [im.relPath, im.width, im.height, im.boxes.length]);

describe('loadLabels', () => {
  it.each([
    ['coco', 'coco/annotations.json'],
    ['yolo', 'yolo'],
    ['voc', 'voc'],
  ] as const)('reads a %s export back with the oriented sizes of the images', async (format, from) => {
    const r = await loadLabels({ format, images, from: path.join(dir, from) });
    expect(r.report).toEqual({ errors: [], clipped: 0, warnings: [] });
    expect(r.input.classes).toEqual(['car', 'dog']);
    expect(reviewed(r)).toEqual([
      ['a.jpg', 32, 32, 0],
      ['a.png', 64, 48, 1],
      ['sub/r.jpg', 40, 80, 1],
    ]);
    expect(r.input.images.find((im) => im.relPath === 'todo.png')?.state).toBe('unlabeled');
  });

  it('reads a YOLO export in place, its images/ folder as the image folder, links and all', async () => {
    const yolo = path.join(dir, 'yolo');
    const r = await loadLabels({ format: 'yolo', images: yolo, from: yolo, followLinksOut: true });
    expect(r.report.errors).toEqual([]);
    expect(reviewed(r)).toEqual([
      ['images/train/a.jpg', 32, 32, 0],
      ['images/train/a_png.png', 64, 48, 1],
      ['images/val/sub/r.jpg', 40, 80, 1],
    ]);
  });

  it('does not take a label folder inside the image folder for images', async () => {
    const inside = path.join(images, 'exports', 'yolo');
    await writeExport(exportLabels('yolo', PROJECT), { format: 'yolo', outDir: inside, imageRoot: images });
    try {
      const r = await loadLabels({ format: 'yolo', images, from: inside });
      expect(r.input.images.map((im) => im.relPath)).toEqual(['a.jpg', 'a.png', 'sub/r.jpg', 'todo.png']);
      expect(r.report.errors).toEqual([]);
    } finally {
      await rm(path.join(images, 'exports'), { recursive: true, force: true });
    }
  });

  it('reads a CVAT "YOLO 1.1" export in place: obj.names for the classes, image lists left alone', async () => {
    const cvat = path.join(dir, 'cvat-yolo');
    await writeSceneFolder(path.join(cvat, 'obj_train_data'), [
      { relPath: 'a.png', spec: { width: 64, height: 48, rects: [] } },
      { relPath: 'b.png', spec: { width: 64, height: 48, rects: [] } },
    ]);
    await writeFile(path.join(cvat, 'obj.names'), 'car\ndog\n');
    await writeFile(
      path.join(cvat, 'obj.data'),
      'classes = 2\ntrain = data/train.txt\nnames = data/obj.names\nbackup = backup/\n',
    );
    await writeFile(path.join(cvat, 'train.txt'), 'data/obj_train_data/a.png\ndata/obj_train_data/b.png\n');
    await writeFile(path.join(cvat, 'obj_train_data', 'a.txt'), '1 0.5 0.5 0.25 0.5\n');
    await writeFile(path.join(cvat, 'obj_train_data', 'b.txt'), '');
    const r = await loadLabels({ format: 'yolo', images: cvat, from: cvat });
    expect(r.report).toEqual({ errors: [], clipped: 0, warnings: [] });
    expect(r.input.classes).toEqual(['car', 'dog']);
    expect(reviewed(r)).toEqual([
      ['obj_train_data/a.png', 64, 48, 1],
      ['obj_train_data/b.png', 64, 48, 0],
    ]);
    expect(r.input.images[0].boxes[0]).toMatchObject({ classId: 1, x1: 24, y1: 12, x2: 40, y2: 36 });
  });

  it('reads LabelMe JSON beside the images, paths from the image folder, embedded images dropped', async () => {
    const folder = path.join(dir, 'labelme');
    await writeSceneFolder(folder, [
      { relPath: 'a.png', spec: { width: 64, height: 48, rects: [] } },
      { relPath: 'sub/b.png', spec: { width: 64, height: 48, rects: [] } },
    ]);
    // LabelMe embeds the image as base64 unless told not to.
    const labelme = (image: string, corners: readonly (readonly [number, number])[]) =>
      labelmeFile(image, { width: 64, height: 48 }, [labelmeShape('cat', corners)], {
        version: '5.4.1',
        imageData: 'iVBORw0KGgo'.repeat(20_000),
      });
    await writeFile(
      path.join(folder, 'a.json'),
      labelme('a.png', [
        [4, 8],
        [20, 40],
      ]),
    );
    await writeFile(
      path.join(folder, 'sub', 'b.json'),
      labelme('b.png', [
        [30, 40],
        [10, 2],
      ]),
    );
    const r = await loadLabels({ format: 'labelme', images: folder, from: folder });
    expect(r.report).toEqual({ errors: [], clipped: 0, warnings: [] });
    expect(r.input.classes).toEqual(['cat']);
    expect(r.input.images.map((im) => [im.relPath, im.boxes])).toEqual([
      ['a.png', [{ classId: 0, x1: 4, y1: 8, x2: 20, y2: 40 }]],
      ['sub/b.png', [{ classId: 0, x1: 10, y1: 2, x2: 30, y2: 40 }]],
    ]);
    // One file from a subfolder pairs the same way.
    const one = await loadLabels({
      format: 'labelme',
      images: folder,
      from: path.join(folder, 'sub', 'b.json'),
    });
    expect(reviewed(one)).toEqual([['sub/b.png', 64, 48, 1]]);
  });

  it('refuses label files over the size limit and links that lead outside the label folder', async () => {
    const from = path.join(dir, 'flat');
    await mkdir(from, { recursive: true });
    await writeFile(path.join(from, 'classes.txt'), 'car\n');
    await writeFile(path.join(from, 'a.txt'), '0 0.5 0.5 0.5 0.5\n'.repeat(100));
    await writeFile(path.join(dir, 'secret.txt'), '0 0.5 0.5 0.5 0.5\n');
    await symlink(path.join(dir, 'secret.txt'), path.join(from, 'a_png.txt'));
    const r = await loadLabels({ format: 'yolo', images, from, limits: { labelFileBytes: 1000 } });
    expect(r.report.errors.map((e) => e.message)).toEqual([
      'a.txt: is 1800 bytes, over the 1000 bytes limit for a label file; not read; a.jpg is left out of the import',
      `a_png.txt: is a link to ${path.join(dir, 'secret.txt')}, outside ${from}; not read; a.png is left out of the import`,
    ]);
    expect(r.rejected).toEqual(['a.jpg', 'a.png']);
  });

  it('reports an image that cannot be read instead of its size', async () => {
    const broken = path.join(dir, 'broken');
    await mkdir(broken, { recursive: true });
    await writeFile(path.join(broken, 'x.jpg'), Buffer.alloc(0));
    await writeFile(
      path.join(dir, 'broken.json'),
      JSON.stringify({
        images: [{ id: 1, file_name: 'x.jpg', width: 1, height: 1 }],
        annotations: [],
        categories: [],
      }),
    );
    const r = await loadLabels({ format: 'coco', images: broken, from: path.join(dir, 'broken.json') });
    expect(r.report.errors.map((e) => e.message)).toEqual([
      'images[0]: x.jpg: file is empty (0 bytes); the image is left out of the import',
    ]);
  });

  it('refuses missing folders and files as bad arguments', async () => {
    await expect(loadLabels({ format: 'coco', images: path.join(dir, 'nope'), from: dir })).rejects.toThrow(
      GroundLabelError,
    );
    await expect(
      loadLabels({ format: 'coco', images, from: path.join(dir, 'nope.json') }),
    ).rejects.toMatchObject({ code: 'bad-argument' });
    await expect(
      loadLabels({ format: 'yolo', images, from: path.join(dir, 'coco', 'annotations.json') }),
    ).rejects.toMatchObject({ code: 'bad-argument' });
  });

  it('reads each image header once', async () => {
    const sizes = new OrientedSizes(images);
    expect(sizes.measure('a.png')).toBe(sizes.measure('a.png'));
    await expect(sizes.measure('../secret.txt')).resolves.toEqual({
      error: '../secret.txt is outside the image folder',
    });
    const lookup = await sizes.lookup(['a.png', 'sub/r.jpg']);
    expect(lookup('sub/r.jpg')).toEqual({ width: 40, height: 80 });
    expect(lookup('todo.png')).toBeUndefined();
  });
});
