import { mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunked, exportLabels } from '../../shared/formats';
import type { ExportInput, ExportResult } from '../../shared/formats/types';
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

  it('replaces an earlier export whole, leaving no staging or old folder next to it', async () => {
    const out = path.join(dir, 'out');
    const yolo = { format: 'yolo' as const, outDir: out, imageRoot: images };
    await writeExport(exportLabels('yolo', input(['a.jpg', 'sub/b.png'])), yolo);
    await writeFile(path.join(out, 'labels', 'train.cache'), 'stale');
    const before = (await stat(out)).ino;
    await writeExport(exportLabels('yolo', input(['a.jpg'])), yolo);
    expect((await stat(out)).ino).not.toBe(before);
    expect((await readdir(out, { recursive: true })).map((f) => f.split(path.sep).join('/')).sort()).toEqual([
      '.groundlabel-export',
      'classes.txt',
      'data.yaml',
      'images',
      'images/train',
      'images/train/a.jpg',
      'labels',
      'labels/train',
      'labels/train/a.txt',
    ]);
    expect(await readdir(dir)).toEqual(['dataset', 'out']);
    const linked = path.join(out, 'images', 'train', 'a.jpg');
    expect(await readFile(linked, 'utf8')).toBe('jpeg bytes');
  });

  it("updates a folder holding a person's own files in place, keeping those files and empty folders", async () => {
    const out = path.join(dir, 'out');
    const coco = { format: 'coco' as const, outDir: out, imageRoot: images };
    await mkdir(path.join(out, 'mine', 'empty'), { recursive: true });
    await writeFile(path.join(out, 'mine', 'train.py'), 'print()');
    const before = (await stat(out)).ino;
    await writeExport(exportLabels('coco', input(['a.jpg'])), coco);
    await writeExport(exportLabels('coco', input(['a.jpg', 'sub/b.png'])), coco);
    expect((await stat(out)).ino).toBe(before);
    expect(await readFile(path.join(out, 'mine', 'train.py'), 'utf8')).toBe('print()');
    expect((await stat(path.join(out, 'mine', 'empty'))).isDirectory()).toBe(true);
    const json = JSON.parse(await readFile(path.join(out, 'annotations.json'), 'utf8')) as {
      images: unknown[];
    };
    expect(json.images).toHaveLength(2);
    expect((await readdir(out)).sort()).toEqual(['.groundlabel-export', 'annotations.json', 'mine']);
  });

  it('leaves the earlier export untouched and nothing half-written when an export fails midway', async () => {
    const out = path.join(dir, 'out');
    const yolo = { format: 'yolo' as const, outDir: out, imageRoot: images, copyImages: true };
    await writeExport(exportLabels('yolo', input(['a.jpg'])), yolo);
    const label = path.join(out, 'labels', 'train', 'a.txt');
    const oldLabel = await readFile(label, 'utf8');
    // The second image disappears after the export was planned: copying it fails.
    const failing = exportLabels('yolo', {
      ...input(['a.jpg', 'sub/b.png']),
      images: input(['a.jpg', 'sub/b.png']).images.map((im) => ({ ...im, boxes: [] })),
    });
    await rm(path.join(images, 'sub', 'b.png'));
    await expect(writeExport(failing, yolo)).rejects.toMatchObject({ code: 'io-failed' });
    expect(await readFile(label, 'utf8')).toBe(oldLabel);
    await expect(stat(path.join(out, 'labels', 'train', 'sub', 'b.txt'))).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['dataset', 'out']);
  });

  it('leaves no folder at all when the first export into a new folder fails', async () => {
    const out = path.join(dir, 'exports', 'yolo-1');
    await rm(path.join(images, 'sub', 'b.png'));
    await expect(
      writeExport(exportLabels('yolo', input(['a.jpg', 'sub/b.png'])), {
        format: 'yolo',
        outDir: out,
        imageRoot: images,
        copyImages: true,
      }),
    ).rejects.toMatchObject({ code: 'io-failed' });
    expect(await readdir(path.join(dir, 'exports'))).toEqual([]);
  });

  it('streams chunked text to disk with the bytes of the joined chunks, into a new folder and in place', async () => {
    const line = (i: number) => `line ${i} ${'é'.repeat(i % 7)}\n`;
    const content = chunked(function* () {
      for (let i = 0; i < 20_000; i++) yield line(i);
    });
    const expected = Array.from({ length: 20_000 }, (_, i) => line(i)).join('');
    const result: ExportResult = { files: [{ kind: 'text', path: 'big/all.txt', content }], problems: [] };
    const out = path.join(dir, 'out');
    const options = { format: 'coco' as const, outDir: out, imageRoot: images };
    await writeExport(result, options);
    expect(await readFile(path.join(out, 'big', 'all.txt'), 'utf8')).toBe(expected);
    await writeFile(path.join(out, 'notes.txt'), 'mine');
    await writeExport(result, options);
    expect(await readFile(path.join(out, 'big', 'all.txt'), 'utf8')).toBe(expected);
    expect((await readdir(path.join(out, 'big'))).sort()).toEqual(['all.txt']);
  });

  it('refuses a label path with an image extension and leaves nothing behind', async () => {
    const out = path.join(dir, 'out');
    const result: ExportResult = {
      files: [
        { kind: 'text', path: 'ok.txt', content: 'fine' },
        { kind: 'text', path: 'x.jpg', content: 'not an image' },
      ],
      problems: [],
    };
    await expect(
      writeExport(result, { format: 'coco', outDir: out, imageRoot: images }),
    ).rejects.toMatchObject({
      code: 'io-failed',
    });
    expect(await readdir(dir)).toEqual(['dataset']);
  });

  it('refuses an export folder that is a file', async () => {
    const out = path.join(dir, 'out');
    await writeFile(out, 'a file');
    await expect(
      writeExport(exportLabels('coco', input(['a.jpg'])), { format: 'coco', outDir: out, imageRoot: images }),
    ).rejects.toMatchObject({ code: 'bad-argument' });
    expect(await readFile(out, 'utf8')).toBe('a file');
  });
});
