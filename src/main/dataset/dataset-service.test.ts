import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { editOf, saveEdit, viaService } from '../../../test/fixtures/edits';
import { drawScene } from '../../../test/fixtures/images';
import type { ImageDoc } from '../../shared/project';
import { box, cls, doc, meta } from '../__test__/docs';
import { caught, tempDirs } from '../inference/__test__/helpers';
import { DatasetService } from './dataset-service';
import { fingerprint } from './fingerprint';
import { orientedImageBytes } from './image-source';
import { STORE_DIR } from './project-store';

const tempDir = tempDirs('dataset');
const NEVER = 600_000;

const png = (width = 40, height = 30) =>
  drawScene({ width, height, rects: [{ colour: 'red', x1: 2, y1: 2, x2: 10, y2: 10 }] });

async function put(root: string, relPath: string, data: Buffer | string): Promise<void> {
  const file = path.join(root, ...relPath.split('/'));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, data);
}

/** A dataset with images at the top, in a subfolder, in exports/ and in hidden folders. */
async function dataset(): Promise<string> {
  const root = await tempDir();
  const image = await png();
  await put(root, 'b.png', image);
  await put(root, 'a.png', image);
  await put(root, 'sub/c.png', image);
  await put(root, 'notes.txt', 'not an image');
  await put(root, 'exports/yolo-2024/images/a.png', image);
  await put(root, '.git/objects/x.png', image);
  await put(root, `${STORE_DIR}/thumb.png`, image);
  return root;
}

describe('DatasetService.open', () => {
  it('lists the images in a stable order, leaving out exports/, hidden folders and other files', async () => {
    const d = await DatasetService.open(await dataset(), { debounceMs: NEVER });
    expect(d.relPaths).toEqual(['a.png', 'b.png', 'sub/c.png']);
    expect(d.snapshot().images.map((i) => [i.relPath, i.status, i.boxes])).toEqual([
      ['a.png', 'unlabeled', 0],
      ['b.png', 'unlabeled', 0],
      ['sub/c.png', 'unlabeled', 0],
    ]);
    await d.close();
  });

  it('gives opaque ids that say nothing of the path and stay the same across opens', async () => {
    const root = await dataset();
    await put(root, 'sub/holiday-photo.png', await png());
    const first = await DatasetService.open(root, { debounceMs: NEVER });
    const ids = first.snapshot().images.map((i) => i.id);
    expect(new Set(ids).size).toBe(4);
    for (const [i, id] of ids.entries()) {
      expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(first.relPathOf(id)).toBe(first.relPaths[i]);
    }
    // Ids are hashes that change with the folder: a one-letter name shows up in one by chance now and
    // then, a word of five letters or more practically never.
    expect(first.idFor('sub/holiday-photo.png')).not.toMatch(/holiday|photo/);
    await first.close();
    const second = await DatasetService.open(root, { debounceMs: NEVER });
    expect(second.snapshot().images.map((i) => i.id)).toEqual(ids);
    await second.close();
  });

  it('refuses a path that is not a folder', async () => {
    const root = await tempDir();
    await caught(() => DatasetService.open(path.join(root, 'missing')), 'image-not-found');
    await writeFile(path.join(root, 'file.png'), await png());
    await caught(() => DatasetService.open(path.join(root, 'file.png')), 'image-not-found');
  });

  it('answers an unknown id with image-not-found', async () => {
    const d = await DatasetService.open(await dataset(), { debounceMs: NEVER });
    await caught(() => d.image('no-such-id'), 'image-not-found');
    await caught(() => d.fileOf('no-such-id'), 'image-not-found');
    await d.close();
  });
});

describe('DatasetService.fileOf', () => {
  it('resolves an id to the real file inside the dataset, following links that stay inside', async () => {
    const root = await dataset();
    await symlink(path.join(root, 'a.png'), path.join(root, 'link-inside.png'));
    const d = await DatasetService.open(root, { debounceMs: NEVER });
    expect(await d.fileOf(d.idFor('sub/c.png'))).toBe(path.join(d.root, 'sub', 'c.png'));
    expect(await d.fileOf(d.idFor('link-inside.png'))).toBe(path.join(d.root, 'a.png'));
    await d.close();
  });

  it('leaves out a link that points outside the dataset, and refuses one turned outside later with forbidden', async () => {
    const root = await dataset();
    const outside = path.join(await tempDir(), 'secret.png');
    await writeFile(outside, await png());
    await symlink(outside, path.join(root, 'escape.png'));
    await symlink(path.join(root, 'a.png'), path.join(root, 'turned.png'));
    const d = await DatasetService.open(root, { debounceMs: NEVER });
    expect(d.relPaths).not.toContain('escape.png');
    // Listed while it pointed inside; pointed outside after the folder was opened.
    const id = d.idFor('turned.png');
    await unlink(path.join(root, 'turned.png'));
    await symlink(outside, path.join(root, 'turned.png'));
    const error = await caught(() => d.fileOf(id), 'forbidden');
    expect(error.message).toContain('turned.png');
    await caught(() => d.image(id), 'forbidden');
    await d.close();
  });
});

describe('DatasetService.image', () => {
  it('gives a fresh, unreviewed document with the image size when nothing is stored', async () => {
    const root = await tempDir();
    await put(root, 'plain.png', await png(64, 48));
    const d = await DatasetService.open(root, { debounceMs: NEVER });
    const id = d.idFor('plain.png');
    expect(await d.image(id)).toEqual({
      id,
      doc: {
        relPath: 'plain.png',
        width: 64,
        height: 48,
        reviewed: false,
        boxes: [],
        identity: await fingerprint(path.join(root, 'plain.png')),
        revision: 0,
      },
    });
    await d.close();
  });

  it('gives an EXIF-rotated photo its displayed size, width and height swapped from the stored raster', async () => {
    const root = await tempDir();
    const rotated = await drawScene({
      width: 300,
      height: 200,
      format: 'jpeg',
      orientation: 6,
      rects: [{ colour: 'blue', x1: 10, y1: 10, x2: 100, y2: 60 }],
    });
    const stored = await sharp(rotated).metadata();
    expect([stored.width, stored.height, stored.orientation]).toEqual([200, 300, 6]);
    await put(root, 'rotated.jpg', rotated);
    const d = await DatasetService.open(root, { debounceMs: NEVER });
    const { doc: fresh } = await d.image(d.idFor('rotated.jpg'));
    expect([fresh.width, fresh.height]).toEqual([300, 200]);
    await d.close();
  });

  it('gives the stored document once one is saved', async () => {
    const root = await dataset();
    const d = await DatasetService.open(root, { debounceMs: NEVER });
    await d.saveMeta(meta([cls('c1', 'cat')]));
    const id = d.idFor('a.png');
    const saved = doc('a.png', { width: 40, height: 30, reviewed: true, boxes: [box('c1')] });
    expect(await saveEdit(viaService(d), id, saved)).toEqual({ status: 'reviewed', revision: 1 });
    expect(await d.image(id)).toEqual({
      id,
      doc: { ...saved, identity: await fingerprint(path.join(root, 'a.png')), revision: 1 },
    });
    expect(d.entry('a.png')).toEqual({
      id,
      relPath: 'a.png',
      status: 'reviewed',
      boxes: 1,
      classIds: [saved.boxes[0].classId],
      width: 40,
      height: 30,
    });
    await d.close();
  });

  it('shows an image whose label file is damaged read-only, with the reason, and refuses to save it', async () => {
    const root = await dataset();
    await put(root, `${STORE_DIR}/labels/b.png.json`, '{ not json');
    const d = await DatasetService.open(root, { debounceMs: NEVER });
    const id = d.idFor('b.png');
    const detail = await d.image(id);
    expect(detail.readOnlyReason).toContain('b.png.json');
    expect(detail.doc).toEqual({
      relPath: 'b.png',
      width: 40,
      height: 30,
      reviewed: false,
      boxes: [],
      identity: await fingerprint(path.join(root, 'b.png')),
      revision: 0,
    });
    expect(Object.keys(d.snapshot().readOnly)).toEqual(['b.png']);
    await caught(() => saveEdit(viaService(d), id, { reviewed: true }), 'label-file-invalid');
    await d.close();
    expect(await readFile(path.join(root, STORE_DIR, 'labels', 'b.png.json'), 'utf8')).toBe('{ not json');
  });
});

describe('DatasetService.save', () => {
  it('refuses a document whose path is not the image of the id, and stores nothing', async () => {
    const root = await dataset();
    const d = await DatasetService.open(root, { debounceMs: NEVER });
    const edit = await editOf(viaService(d), d.idFor('b.png'), { reviewed: true });
    const error = await caught(() => d.save({ ...edit, id: d.idFor('a.png') }), 'bad-argument');
    expect(error.message).toContain('b.png');
    expect(d.store.get('a.png')).toBeUndefined();
    expect(d.store.get('b.png')).toBeUndefined();
    await d.close();
    expect(existsSync(path.join(root, STORE_DIR, 'labels', 'b.png.json'))).toBe(false);
  });

  it('returns the status derived from the boxes', async () => {
    const d = await DatasetService.open(await dataset(), { debounceMs: NEVER });
    await d.saveMeta(meta([cls('c1', 'cat')]));
    const images = viaService(d);
    const id = d.idFor('a.png');
    const statusAfter = async (change: Pick<ImageDoc, 'reviewed' | 'boxes'>) =>
      (await saveEdit(images, id, change)).status;
    expect(await statusAfter({ reviewed: true, boxes: [] })).toBe('negative');
    const suggested = box('c1', { kind: 'suggestion', score: 0.5, phrase: 'x', rawText: 'x' });
    expect(await statusAfter({ reviewed: false, boxes: [suggested] })).toBe('suggested');
    expect(await statusAfter({ reviewed: false, boxes: [] })).toBe('unlabeled');
    await d.close();
  });
});

describe('orientedImageBytes', () => {
  it('sends a plain 8-bit PNG or JPEG untouched', async () => {
    const root = await tempDir();
    const pngBytes = await png();
    const jpegBytes = await drawScene({ width: 40, height: 30, format: 'jpeg', rects: [] });
    await put(root, 'a.png', pngBytes);
    await put(root, 'a.jpg', jpegBytes);
    const p = await orientedImageBytes(path.join(root, 'a.png'));
    expect(p.contentType).toBe('image/png');
    expect(p.data.equals(pngBytes)).toBe(true);
    const j = await orientedImageBytes(path.join(root, 'a.jpg'));
    expect(j.contentType).toBe('image/jpeg');
    expect(j.data.equals(jpegBytes)).toBe(true);
  });

  it('re-encodes a rotated JPEG upright, in its displayed size', async () => {
    const root = await tempDir();
    await put(
      root,
      'r.jpg',
      await drawScene({ width: 300, height: 200, format: 'jpeg', orientation: 8, rects: [] }),
    );
    const out = await orientedImageBytes(path.join(root, 'r.jpg'));
    expect(out.contentType).toBe('image/jpeg');
    const m = await sharp(out.data).metadata();
    expect([m.format, m.width, m.height, m.orientation ?? 1]).toEqual(['jpeg', 300, 200, 1]);
  });

  it('re-encodes a 16-bit PNG and a TIFF into something a browser shows', async () => {
    const root = await tempDir();
    const raw = { raw: { width: 8, height: 6, channels: 3 as const } };
    const deepPng = await sharp(Buffer.alloc(8 * 6 * 3, 200), raw)
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    expect((await sharp(deepPng).metadata()).depth).toBe('ushort');
    await put(root, 'deep.png', deepPng);
    await put(
      root,
      'scan.tif',
      await sharp(Buffer.alloc(8 * 6 * 3, 90), raw)
        .tiff()
        .toBuffer(),
    );
    const deep = await orientedImageBytes(path.join(root, 'deep.png'));
    expect(deep.contentType).toBe('image/png');
    expect((await sharp(deep.data).metadata()).depth).toBe('uchar');
    const scan = await orientedImageBytes(path.join(root, 'scan.tif'));
    expect(scan.contentType).toBe('image/jpeg');
    expect((await sharp(scan.data).metadata()).format).toBe('jpeg');
  });

  it('reports a file that is not an image as image-unreadable, naming it', async () => {
    const root = await tempDir();
    await put(root, 'broken.png', '\x89PNG\r\n\x1a\nnot really');
    const error = await caught(() => orientedImageBytes(path.join(root, 'broken.png')), 'image-unreadable');
    expect(error.message).toContain('broken.png');
  });
});
