import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { saveEdit, viaService } from '../../../test/fixtures/edits';
import { drawScene } from '../../../test/fixtures/images';
import type { ImportMode } from '../../shared/ipc/contract';
import type { ImageDoc } from '../../shared/project';
import { box, cls, meta } from '../__test__/docs';
import { tempFolderAccess } from '../__test__/access';
import { eventRecorder } from '../__test__/events';
import { AppServices } from '../app-services';
import { DatasetService } from '../dataset/dataset-service';
import { STORE_DIR } from '../dataset/project-store';
import { dispatch } from '../dispatch';
import { caught, tempDirs } from '../inference/__test__/helpers';
import { applyLabelImport, previewLabelImport } from './import-service';

const tempDir = tempDirs('import');
const NEVER = 600_000;

let opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.map((d) => d.close()));
  opened = [];
});

async function put(root: string, relPath: string, data: Buffer | string): Promise<void> {
  const file = path.join(root, ...relPath.split('/'));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, data);
}

async function open(root: string): Promise<DatasetService> {
  const d = await DatasetService.open(root, { debounceMs: NEVER });
  opened.push(d);
  return d;
}

/** The cat box a.png already has: the imported cat box at 10,10 → 50,40 is a near-duplicate of it. */
const EXISTING = box('c-cat', { kind: 'manual' }, { x1: 10, y1: 10, x2: 50, y2: 40 });

/**
 * Four 100×80 images. a.png has a reviewed cat box, d.png has only a pending suggestion, b.png and
 * c.png have nothing. The project knows the class "cat".
 */
async function dataset(): Promise<{ root: string; d: DatasetService }> {
  const root = await tempDir();
  const image = await drawScene({ width: 100, height: 80, rects: [] });
  for (const name of ['a.png', 'b.png', 'c.png', 'd.png']) await put(root, name, image);
  const d = await open(root);
  await d.saveMeta(meta([cls('c-cat', 'cat')]));
  const images = viaService(d);
  await saveEdit(images, d.idFor('a.png'), { reviewed: true, boxes: [EXISTING] });
  const pending = box('c-cat', { kind: 'suggestion', score: 0.5, phrase: 'cat', rawText: 'cat' });
  await saveEdit(images, d.idFor('d.png'), { reviewed: false, boxes: [pending] });
  return { root, d };
}

/**
 * A COCO file labelling a.png (a duplicate of its cat box, and a bird reaching outside the image),
 * b.png as a reviewed negative, d.png with one cat, and missing.png, which the dataset lacks.
 * "Cat" is the project's "cat" by name; "bird" is new; "horse" labels nothing.
 */
const COCO = {
  images: [
    { id: 1, file_name: 'a.png', width: 100, height: 80 },
    { id: 2, file_name: 'b.png', width: 100, height: 80 },
    { id: 3, file_name: 'missing.png', width: 100, height: 80 },
    { id: 4, file_name: 'd.png', width: 100, height: 80 },
  ],
  annotations: [
    { id: 1, image_id: 1, category_id: 1, bbox: [10, 10, 40, 30] },
    { id: 2, image_id: 1, category_id: 2, bbox: [60, 50, 50, 40] },
    { id: 3, image_id: 3, category_id: 1, bbox: [1, 1, 5, 5] },
    { id: 4, image_id: 4, category_id: 1, bbox: [20, 20, 30, 30] },
  ],
  categories: [
    { id: 1, name: 'Cat' },
    { id: 2, name: 'bird' },
    { id: 3, name: 'horse' },
  ],
};

async function withCoco(root: string, content: string = JSON.stringify(COCO)): Promise<string> {
  const file = path.join(root, 'labels', 'instances.json');
  await put(root, 'labels/instances.json', content);
  return file;
}

const doc = (d: DatasetService, relPath: string): ImageDoc => d.store.get(relPath)!;
const coords = (doc: ImageDoc) => doc.boxes.map((b) => [b.classId, b.x1, b.y1, b.x2, b.y2, b.origin.kind]);

describe('previewLabelImport', () => {
  it('counts matched, missing and annotated images, boxes, clipped boxes and new classes, writing nothing', async () => {
    const { root, d } = await dataset();
    const file = await withCoco(root);
    const before = await readFile(file, 'utf8');
    const preview = await previewLabelImport(d, { format: 'coco', path: 'labels/instances.json' });
    expect(preview).toMatchObject({
      matched: 3,
      notFound: 1,
      annotated: 2,
      annotatedBoxes: 2,
      boxes: 3,
      negatives: 1,
      clipped: 1,
      rejected: 0,
      newClasses: ['bird'],
    });
    expect(preview.problems).toEqual([
      {
        level: 'warning',
        message:
          'images[2].file_name "missing.png" is not in the image folder; the entry and its annotations are left out',
      },
    ]);
    expect(d.store.getMeta().classes.map((c) => c.name)).toEqual(['cat']);
    expect(d.store.get('b.png')).toBeUndefined();
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('reads a flat YOLO folder by a path relative to the dataset, and counts its unpaired label files', async () => {
    const { root, d } = await dataset();
    await put(root, 'yolo/classes.txt', 'dog\ncat\n');
    await put(root, 'yolo/c.txt', '0 0.5 0.5 0.2 0.25\n1 0.25 0.25 0.1 0.1\n');
    await put(root, 'yolo/zzz.txt', '0 0.5 0.5 0.2 0.2\n');
    const preview = await previewLabelImport(d, { format: 'yolo', path: 'yolo' });
    expect(preview).toMatchObject({ matched: 1, notFound: 1, annotated: 0, boxes: 2, newClasses: ['dog'] });
  });

  it('reads a Pascal VOC folder and counts the XML files with no image in the dataset', async () => {
    const { root, d } = await dataset();
    const xml = (name: string, cls: string) =>
      `<annotation><filename>${name}</filename><size><width>100</width><height>80</height><depth>3</depth></size>` +
      `<object><name>${cls}</name><bndbox><xmin>11</xmin><ymin>11</ymin><xmax>50</xmax><ymax>40</ymax></bndbox></object></annotation>`;
    await put(root, 'voc/c.xml', xml('c.png', 'cat'));
    await put(root, 'voc/nowhere.xml', xml('nowhere.png', 'cat'));
    const preview = await previewLabelImport(d, { format: 'voc', path: path.join(root, 'voc') });
    expect(preview).toMatchObject({ matched: 1, notFound: 1, boxes: 1, newClasses: [] });
    // Not an error: a label folder often covers more images than the dataset has.
    expect(preview.problems).toEqual([
      {
        level: 'warning',
        message: 'nowhere.xml: no image in the image folder for it (looked for nowhere.* and "nowhere.png")',
      },
    ]);
  });

  it('refuses a malformed file, a missing path and a path of the wrong kind with the path named', async () => {
    const { root, d } = await dataset();
    const file = await withCoco(root, '{"images": [');
    const e = await caught(() => previewLabelImport(d, { format: 'coco', path: file }), 'label-file-invalid');
    expect(e.message).toContain(file);
    expect(e.message).toContain('instances.json: not valid JSON');
    const missing = await caught(
      () => previewLabelImport(d, { format: 'coco', path: 'nope.json' }),
      'bad-argument',
    );
    expect(missing.message).toBe(`${path.join(root, 'nope.json')} does not exist`);
    const wrong = await caught(() => previewLabelImport(d, { format: 'yolo', path: file }), 'bad-argument');
    expect(wrong.message).toContain('is not a YOLO dataset folder');
  });
});

describe('applyLabelImport', () => {
  async function applied(mode: ImportMode) {
    const { root, d } = await dataset();
    await withCoco(root);
    const aBefore = doc(d, 'a.png');
    const result = await applyLabelImport(d, { format: 'coco', path: 'labels/instances.json', mode });
    const bird = d.store.getMeta().classes.find((c) => c.name === 'bird');
    return { root, d, result, aBefore, bird: bird?.id };
  }

  it('merges: keeps existing boxes, leaves out near-duplicates, and makes the new class', async () => {
    const { root, d, result, bird } = await applied('merge');
    expect(result).toMatchObject({
      images: 3,
      boxes: 2,
      duplicates: 1,
      merged: 2,
      replaced: 0,
      skipped: 0,
      newClasses: ['bird'],
    });
    expect(d.store.getMeta().classes.map((c) => c.name)).toEqual(['cat', 'bird']);
    expect(result.meta).toEqual(d.store.getMeta());
    expect(coords(doc(d, 'a.png'))).toEqual([
      ['c-cat', 10, 10, 50, 40, 'manual'],
      [bird, 60, 50, 100, 80, 'manual'],
    ]);
    expect(doc(d, 'a.png').boxes[0]).toEqual(EXISTING);
    // The pending suggestion stays pending next to the imported box.
    expect(doc(d, 'd.png').boxes.map((b) => b.origin.kind)).toEqual(['suggestion', 'manual']);
    expect(doc(d, 'd.png').reviewed).toBe(true);
    expect(doc(d, 'b.png')).toMatchObject({ reviewed: true, boxes: [], width: 100, height: 80 });
    expect(d.store.get('c.png')).toBeUndefined();
    expect(result.entries.map((e) => [e.relPath, e.status, e.boxes])).toEqual([
      ['a.png', 'reviewed', 2],
      ['b.png', 'negative', 0],
      ['d.png', 'suggested', 2],
    ]);
    // Saved through the journal: a fresh open reads the same documents.
    const saved = { a: doc(d, 'a.png'), b: doc(d, 'b.png'), meta: d.store.getMeta() };
    await d.close();
    opened = opened.filter((o) => o !== d);
    const again = await open(root);
    expect(doc(again, 'a.png')).toEqual(saved.a);
    expect(doc(again, 'b.png')).toEqual(saved.b);
    expect(again.store.getMeta()).toEqual(saved.meta);
  });

  it('replaces the boxes of annotated images with the imported ones', async () => {
    const { d, result, bird } = await applied('replace');
    expect(result).toMatchObject({ images: 3, boxes: 3, duplicates: 0, merged: 0, replaced: 2, skipped: 0 });
    expect(coords(doc(d, 'a.png'))).toEqual([
      ['c-cat', 10, 10, 50, 40, 'manual'],
      [bird, 60, 50, 100, 80, 'manual'],
    ]);
    expect(doc(d, 'a.png').boxes[0].id).not.toBe(EXISTING.id);
    expect(coords(doc(d, 'd.png'))).toEqual([['c-cat', 20, 20, 50, 50, 'manual']]);
  });

  it('skips annotated images, leaving them exactly as they were, and imports the rest', async () => {
    const { d, result, aBefore } = await applied('skip');
    expect(result).toMatchObject({ images: 1, boxes: 0, merged: 0, replaced: 0, skipped: 2, newClasses: [] });
    expect(doc(d, 'a.png')).toBe(aBefore);
    expect(doc(d, 'd.png').boxes.map((b) => b.origin.kind)).toEqual(['suggestion']);
    expect(doc(d, 'b.png')).toMatchObject({ reviewed: true, boxes: [] });
    // Only the classes of boxes actually imported are created.
    expect(d.store.getMeta().classes.map((c) => c.name)).toEqual(['cat']);
    expect(result.entries.map((e) => e.relPath)).toEqual(['b.png']);
  });

  it('loses nothing already saved when the input is rejected', async () => {
    const { root, d } = await dataset();
    const before = { a: doc(d, 'a.png'), d: doc(d, 'd.png'), meta: d.store.getMeta() };
    const bad = JSON.stringify({ ...COCO, categories: [{ id: 1, name: '' }] });
    await withCoco(root, bad);
    await caught(
      () => applyLabelImport(d, { format: 'coco', path: 'labels/instances.json', mode: 'replace' }),
      'label-file-invalid',
    );
    expect(doc(d, 'a.png')).toBe(before.a);
    expect(doc(d, 'd.png')).toBe(before.d);
    expect(d.store.get('b.png')).toBeUndefined();
    expect(d.store.getMeta()).toBe(before.meta);
    await d.close();
    opened = opened.filter((o) => o !== d);
    const again = await open(root);
    expect(doc(again, 'a.png')).toEqual(before.a);
    expect(again.store.getMeta()).toEqual(before.meta);
  });

  it('leaves an image whose label file cannot be read alone, and says so', async () => {
    const root = await tempDir();
    const image = await drawScene({ width: 100, height: 80, rects: [] });
    await put(root, 'a.png', image);
    await put(root, 'b.png', image);
    await put(root, `${STORE_DIR}/labels/a.png.json`, '{ torn');
    const d = await open(root);
    await withCoco(root);
    const result = await applyLabelImport(d, {
      format: 'coco',
      path: 'labels/instances.json',
      mode: 'replace',
    });
    expect(result.images).toBe(1);
    expect(result.problems[0]).toMatchObject({ level: 'error' });
    expect(result.problems[0].message).toMatch(
      /^a\.png: .*could not be read.*its imported labels are left out$/,
    );
    expect(await readFile(path.join(root, STORE_DIR, 'labels', 'a.png.json'), 'utf8')).toBe('{ torn');
  });
});

describe('import channels', () => {
  it('preview and apply through the contract, and refuse without a dataset', async () => {
    const { root } = await dataset();
    await withCoco(root);
    const s = new AppServices({
      mode: 'browser',
      device: 'cpu',
      saveDebounceMs: NEVER,
      emit: eventRecorder().emit,
      access: tempFolderAccess(),
    });
    opened.push(s);
    const none = await dispatch(s.handlers, 'import:preview', { format: 'coco', path: 'x.json' });
    expect(none).toMatchObject({ ok: false, error: { code: 'dataset-not-open' } });
    // The dataset opened above is closed first: one store per folder at a time.
    await Promise.all(opened.filter((o) => o !== s).map((o) => o.close()));
    opened = [s];
    await s.openDataset(root);
    const preview = await dispatch(s.handlers, 'import:preview', {
      format: 'coco',
      path: 'labels/instances.json',
    });
    expect(preview).toMatchObject({ ok: true, value: { matched: 3, annotated: 2 } });
    const noMode = await dispatch(s.handlers, 'import:apply', {
      format: 'coco',
      path: 'labels/instances.json',
    });
    expect(noMode).toMatchObject({ ok: false, error: { code: 'bad-argument' } });
    const done = await dispatch(s.handlers, 'import:apply', {
      format: 'coco',
      path: 'labels/instances.json',
      mode: 'skip',
    });
    expect(done).toMatchObject({ ok: true, value: { images: 1, skipped: 2 } });
  });
});
