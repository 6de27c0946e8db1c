import { mkdir, mkdtemp, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportLabels } from '../../shared/formats';
import type { ExportInput } from '../../shared/formats/types';
import { writeExport } from './write-export';

let dir: string;
let images: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gl-export-'));
  images = path.join(dir, 'dataset');
  await mkdir(path.join(images, 'sub'), { recursive: true });
  await writeFile(path.join(images, 'a.jpg'), 'jpeg bytes');
  await writeFile(path.join(images, 'sub', 'b.png'), 'png bytes');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const input = (reviewed: string[]): ExportInput => ({
  classes: ['cat'],
  images: ['a.jpg', 'sub/b.png'].map((relPath) => ({
    relPath,
    width: 100,
    height: 50,
    state: reviewed.includes(relPath) ? ('reviewed' as const) : ('unlabeled' as const),
    boxes: reviewed.includes(relPath) ? [{ classId: 0, x1: 10, y1: 10, x2: 30, y2: 40 }] : [],
  })),
});

describe('writeExport', () => {
  it('links YOLO images to the originals so that images/ and labels/ pair up', async () => {
    const out = path.join(dir, 'out');
    await writeExport(exportLabels('yolo', input(['a.jpg', 'sub/b.png'])), {
      format: 'yolo',
      outDir: out,
      imageRoot: images,
    });
    const linked = path.join(out, 'images', 'train', 'sub', 'b.png');
    expect(await readFile(linked, 'utf8')).toBe('png bytes');
    expect(path.resolve(path.dirname(linked), await readlink(linked))).toBe(
      path.join(images, 'sub', 'b.png'),
    );
    expect(await readFile(path.join(out, 'labels', 'train', 'sub', 'b.txt'), 'utf8')).toBe(
      '0 0.200000 0.500000 0.200000 0.600000\n',
    );
  });

  it('copies images when asked to', async () => {
    const out = path.join(dir, 'out');
    await writeExport(exportLabels('yolo', input(['a.jpg'])), {
      format: 'yolo',
      outDir: out,
      imageRoot: images,
      copyImages: true,
    });
    const copied = path.join(out, 'images', 'train', 'a.jpg');
    expect((await stat(copied)).isFile()).toBe(true);
    await expect(readlink(copied)).rejects.toThrow();
  });

  it('removes the label, image and cache files of an earlier export that no longer apply', async () => {
    const out = path.join(dir, 'out');
    await writeExport(exportLabels('yolo', input(['a.jpg', 'sub/b.png'])), {
      format: 'yolo',
      outDir: out,
      imageRoot: images,
    });
    await writeFile(path.join(out, 'labels', 'train.cache'), 'stale');
    await writeFile(path.join(out, 'notes.txt'), 'mine');
    await writeExport(exportLabels('yolo', input(['a.jpg'])), {
      format: 'yolo',
      outDir: out,
      imageRoot: images,
    });
    await expect(stat(path.join(out, 'labels', 'train', 'sub', 'b.txt'))).rejects.toThrow();
    await expect(stat(path.join(out, 'images', 'train', 'sub', 'b.png'))).rejects.toThrow();
    await expect(stat(path.join(out, 'labels', 'train.cache'))).rejects.toThrow();
    expect(await readFile(path.join(out, 'notes.txt'), 'utf8')).toBe('mine');
    expect(await readFile(path.join(out, 'labels', 'train', 'a.txt'), 'utf8')).not.toBe('');
  });

  it('refuses to export into the image folder or a folder that contains it', async () => {
    for (const outDir of [images, dir]) {
      await expect(
        writeExport(exportLabels('coco', input(['a.jpg'])), { format: 'coco', outDir, imageRoot: images }),
      ).rejects.toMatchObject({
        code: 'bad-argument',
      });
    }
    await expect(stat(path.join(images, 'annotations.json'))).rejects.toThrow();
  });

  it('accepts an export folder inside the dataset', async () => {
    const out = path.join(images, 'exports', 'coco-1');
    await writeExport(exportLabels('coco', input(['a.jpg'])), {
      format: 'coco',
      outDir: out,
      imageRoot: images,
    });
    const coco = JSON.parse(await readFile(path.join(out, 'annotations.json'), 'utf8')) as {
      annotations: unknown[];
    };
    expect(coco.annotations).toHaveLength(1);
  });
});
