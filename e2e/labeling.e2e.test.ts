/**
 * The whole labeling round trip through the real UI in browser mode (the same renderer and handlers
 * Electron uses, over HTTP): open a folder, run a prompt, review suggestions with the mouse and the
 * keyboard, undo/redo, reload, and export COCO and YOLO through the dialog, checking the files on disk.
 * Screenshots of the key screens go to e2e/screenshots/ (gitignored).
 */
import { existsSync, lstatSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { BoxRecord, ImageDoc } from '../src/shared/project';
import { expectedRects, matchBoxes, PROMPT, writeDataset } from '../test/cli/scenes';
import type { SceneTruth } from '../test/fixtures/images';
import { startApp, type AppUnderTest } from './fixtures/app-server';
import { comparable, LabelPage, launchChromium } from './fixtures/label-page';

const ALL_IMAGES = [
  'a.png',
  'broken.jpg',
  'd-empty.png',
  'e-rotated.jpg',
  'f-faint.png',
  'sub/b.jpg',
  'sub/deeper/c.png',
];
/** What the review below leaves reviewed; the rest stays unlabeled (or pending) and out of exports. */
const EXPORTED = ['a.png', 'd-empty.png', 'sub/b.jpg', 'sub/deeper/c.png'];
const LEFT_OUT = ['broken.jpg', 'e-rotated.jpg', 'f-faint.png'];
/** Where the blue box's bottom-right handle is dragged to on a.png, in image pixels. */
const RESIZED_CORNER = { x: 620, y: 470 };

let app: AppUnderTest;
let browser: Browser;
let ui: LabelPage;
let folder: string;
let truth: SceneTruth[];
/** Each image's document as the UI showed it once reviewed; the exports are checked against it. */
const finalDocs = new Map<string, ImageDoc>();

const byPhrase = (boxes: readonly BoxRecord[], phrase: string): BoxRecord => {
  const found = boxes.filter((b) => b.origin.kind !== 'manual' && b.origin.phrase === phrase);
  expect(found, `one box for "${phrase}"`).toHaveLength(1);
  return found[0];
};

async function walk(dir: string, root = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full, root)));
    else out.push(path.relative(root, full).split(path.sep).join('/'));
  }
  return out.sort();
}

const classNames = () =>
  app.services
    .currentDataset()!
    .store.getMeta()
    .classes.map((c) => c.name);
const classNameOf = (classId: string) =>
  app.services
    .currentDataset()!
    .store.getMeta()
    .classes.find((c) => c.id === classId)?.name;

beforeAll(async () => {
  // Started without a dataset: the folder is opened through the UI.
  [app, browser] = await Promise.all([startApp({ model: 'flavourB' }), launchChromium()]);
  folder = path.join(app.dir, 'data');
  truth = await writeDataset(folder);
  ui = await LabelPage.open(browser, app.server.url);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

// One review, step by step: each `it` after the first starts where the one before it left off (the
// same page, folder and edits), says so with "then", and the steps never run shuffled.
describe('labeling in browser mode', { shuffle: false }, () => {
  it('opens the folder typed into "Folder path" and fits the first image', async () => {
    await ui.waitForCanvasName('No image open');
    await ui.openFolder(folder);
    expect(await ui.imageNames()).toEqual(ALL_IMAGES);
    for (const rel of ALL_IMAGES) await ui.waitForOption(rel, 'Unlabeled, no boxes');
    // Thumbnails fill in from the server; the truncated JPEG is marked, keeping its name.
    const thumb = ui.option('a.png').locator('img');
    await expect
      .poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);
    await expect
      .poll(() => ui.option('broken.jpg').getAttribute('aria-description'))
      .toBe('Image unreadable');
    const h = await ui.waitForImage('a.png');
    // Fitted: the whole 640×480 image is inside the canvas, centred.
    expect(h.view.x).toBeGreaterThanOrEqual(0);
    expect(h.view.y).toBeGreaterThanOrEqual(0);
    expect(h.view.x + 640 * h.view.scale).toBeLessThanOrEqual(h.canvas.width + 0.5);
    expect(h.view.y + 480 * h.view.scale).toBeLessThanOrEqual(h.canvas.height + 0.5);
    expect(Math.min(h.view.x, h.view.y)).toBeCloseTo(16, 0);
    await ui.waitForCanvasName('Image canvas: a.png, no boxes, 0 selected');
    await ui.screenshot('labeling-01-opened');
  });

  it('then runs the prompt on the visible images and puts each suggestion on its rectangle (IoU ≥ 0.9)', async () => {
    await ui.setPrompt(PROMPT);
    await ui.runOnVisible();
    // The truncated JPEG fails on its own; every other image was looked at.
    await ui.page.getByText(/^Failed on 1 image/).waitFor();
    for (const scene of truth) {
      const h = await ui.selectImage(scene.relPath);
      const doc = h.doc!;
      expect([doc.width, doc.height], `${scene.relPath} is shown in its EXIF-oriented size`).toEqual([
        scene.width,
        scene.height,
      ]);
      const want = expectedRects(scene);
      expect(doc.boxes.map((b) => b.origin.kind)).toEqual(want.map(() => 'suggestion'));
      const found = doc.boxes.map((b) => ({
        ...b,
        label: b.origin.kind === 'suggestion' ? b.origin.phrase : '',
      }));
      const ious = matchBoxes(want, found);
      for (const [i, v] of ious.entries())
        expect(v, `${scene.relPath}: ${want[i].colour}`).toBeGreaterThanOrEqual(0.9);
      await ui.waitForOption(
        scene.relPath,
        want.length
          ? `Has suggestions, ${want.length === 1 ? '1 box' : `${want.length} boxes`}`
          : 'Nothing found, no boxes',
      );
      if (scene.relPath === 'sub/b.jpg') await ui.screenshot('labeling-02-suggestions');
    }
    // Each phrase that found something got a class, in the order the images found them: that order
    // is the export order. Purple found nothing, so it has none (and no empty category in exports).
    expect(classNames()).toEqual(['red', 'blue', 'green', 'orange', 'yellow']);
  });

  it('then accepts a selected suggestion with Enter', async () => {
    await ui.selectImage('a.png');
    const red = byPhrase(await ui.boxes(), 'red');
    await ui.selectBox(red.id);
    await ui.waitForCanvasName('Image canvas: a.png, 2 boxes, 1 selected');
    await ui.page.keyboard.press('Enter');
    await ui.waitForHookState(
      (h, id) => h.doc?.boxes.find((b) => b.id === id)?.origin.kind === 'accepted',
      red.id,
    );
    const after = await ui.box(red.id);
    expect(after.origin).toEqual({
      kind: 'accepted',
      phrase: 'red',
      score: (red.origin as { score: number }).score,
    });
    expect([after.x1, after.y1, after.x2, after.y2]).toEqual([red.x1, red.y1, red.x2, red.y2]);
    expect(byPhrase(await ui.boxes(), 'blue').origin.kind).toBe('suggestion');
  });

  it('then resizes a suggestion by dragging its corner handle, which accepts it', async () => {
    const blue = byPhrase(await ui.boxes(), 'blue');
    await ui.selectBox(blue.id);
    await ui.dragHandle(blue.id, 'se', RESIZED_CORNER);
    const h = await ui.waitForHookState(
      (v, id) => v.doc?.boxes.find((b) => b.id === id)?.x2 === 620,
      blue.id,
    );
    const after = h.doc!.boxes.find((b) => b.id === blue.id)!;
    // Only the dragged corner moved, to whole image pixels; the opposite corner stayed put.
    expect(after).toMatchObject({ x1: blue.x1, y1: blue.y1, x2: RESIZED_CORNER.x, y2: RESIZED_CORNER.y });
    expect(after.origin).toEqual({
      kind: 'accepted',
      phrase: 'blue',
      score: (blue.origin as { score: number }).score,
    });
    expect(h.selection).toEqual([blue.id]);
    await expect
      .poll(() =>
        ui.page
          .getByTestId('selection-coords')
          .textContent()
          .then((t) => t?.trim()),
      )
      .toBe(`${Math.round(blue.x1 * 10) / 10}, ${Math.round(blue.y1 * 10) / 10} – 620, 470`);
    await ui.waitForOption('a.png', 'Reviewed, 2 boxes');
    await ui.screenshot('labeling-03-resized');
  });

  it('then accepts every suggestion of another image with "Accept all"', async () => {
    const before = (await ui.selectImage('sub/b.jpg')).doc!.boxes;
    await ui.button('Accept all').click();
    const h = await ui.waitForHookState(
      (v) => !!v.doc?.boxes.every((b) => b.origin.kind === 'accepted'),
      null,
    );
    expect(h.doc!.boxes.map((b) => [b.id, b.x1, b.y1, b.x2, b.y2])).toEqual(
      before.map((b) => [b.id, b.x1, b.y1, b.x2, b.y2]),
    );
    await ui.waitForOption('sub/b.jpg', 'Reviewed, 2 boxes');
    await expect.poll(() => ui.button('Accept all').isDisabled()).toBe(true);
  });

  it('then rejects a suggestion with Delete; undo and redo move the document back and forth', async () => {
    const before = (await ui.selectImage('sub/deeper/c.png')).doc!;
    const yellow = byPhrase(before.boxes, 'yellow');
    await ui.selectBox(yellow.id);
    await ui.page.keyboard.press('Delete');
    const rejected = (await ui.waitForHookState((h) => h.doc?.boxes.length === 1, null)).doc!;
    expect(rejected.boxes.map((b) => b.origin.kind === 'suggestion' && b.origin.phrase)).toEqual(['red']);
    expect(rejected.reviewed).toBe(true);

    // Ctrl+Z brings the suggestion back exactly (same id, still pending); Ctrl+Shift+Z and Ctrl+Y reject it again.
    await ui.page.keyboard.press('Control+z');
    expect((await ui.waitForHookState((h) => h.doc?.boxes.length === 2, null)).doc).toEqual(before);
    await ui.page.keyboard.press('Control+Shift+z');
    expect((await ui.waitForHookState((h) => h.doc?.boxes.length === 1, null)).doc).toEqual(rejected);
    // The toolbar buttons do the same.
    await ui.button('Undo').click();
    expect((await ui.waitForHookState((h) => h.doc?.boxes.length === 2, null)).doc).toEqual(before);
    await ui.page.keyboard.press('Control+y');
    expect((await ui.waitForHookState((h) => h.doc?.boxes.length === 1, null)).doc).toEqual(rejected);

    // Accept what is left, so the image is fully reviewed.
    const red = byPhrase(rejected.boxes, 'red');
    await ui.selectBox(red.id);
    await ui.button('Accept selected').click();
    await ui.waitForHookState((h) => h.doc?.boxes[0]?.origin.kind === 'accepted', null);
    await ui.waitForOption('sub/deeper/c.png', 'Reviewed, 1 box');
  });

  it('then marks an image with nothing on it as a reviewed negative', async () => {
    await ui.selectImage('d-empty.png');
    await ui.button('Mark reviewed negative').click();
    const h = await ui.waitForHookState((v) => v.doc?.reviewed === true, null);
    expect(h.doc!.boxes).toEqual([]);
    await ui.waitForOption('d-empty.png', 'Reviewed negative, no boxes');
    await ui.screenshot('labeling-04-negative');
  });

  it('then finds everything saved after a reload: the same boxes with the same origins', async () => {
    await ui.waitSaved();
    const rows = new Map<string, string>();
    for (const rel of ALL_IMAGES) {
      if (rel === 'broken.jpg') continue;
      finalDocs.set(rel, (await ui.selectImage(rel)).doc!);
      rows.set(rel, await ui.optionStatus(rel));
    }
    expect([rows.get('a.png'), rows.get('d-empty.png')]).toEqual([
      'Reviewed, 2 boxes',
      'Reviewed negative, no boxes',
    ]);
    await ui.page.reload();
    await ui.waitForHook();
    await ui.imageList.getByRole('option').first().waitFor();
    // The folder and the prompt come back with the page.
    await expect
      .poll(() => ui.page.getByRole('textbox', { name: 'Folder path' }).inputValue())
      .toBe(app.services.currentDataset()!.root);
    await expect.poll(() => ui.promptField.inputValue()).toBe(PROMPT);
    for (const [rel, doc] of finalDocs) {
      const h = await ui.selectImage(rel);
      expect(h.doc!.reviewed, rel).toBe(doc.reviewed);
      expect(comparable(h.doc!.boxes), rel).toEqual(comparable(doc.boxes));
      // The row's name, status and box count, whether or not the image sizes have come in yet.
      await expect.poll(() => ui.optionStatus(rel), { message: rel }).toBe(rows.get(rel));
    }
    const a = finalDocs.get('a.png')!;
    expect(a.boxes.map((b) => b.origin.kind)).toEqual(['accepted', 'accepted']);
    expect(finalDocs.get('e-rotated.jpg')!.boxes.map((b) => b.origin.kind)).toEqual(['suggestion']);
    await ui.selectImage('a.png');
    await ui.screenshot('labeling-05-reloaded');
  });

  it('then exports COCO through the dialog: ids from 1, contiguous categories, boxes as accepted', async () => {
    const outDir = await ui.exportAs('COCO detection JSON');
    await ui.screenshot('labeling-06-export-coco');
    await ui.closeExport();
    expect(path.dirname(outDir)).toBe(path.join(app.services.currentDataset()!.root, 'exports'));
    expect(path.basename(outDir)).toMatch(/^coco-/);
    const coco = JSON.parse(await readFile(path.join(outDir, 'annotations.json'), 'utf8')) as {
      info: unknown;
      images: { id: number; file_name: string; width: number; height: number }[];
      annotations: {
        id: number;
        image_id: number;
        category_id: number;
        bbox: number[];
        area: number;
        iscrowd: number;
        segmentation: unknown[];
        score?: number;
      }[];
      categories: { id: number; name: string }[];
    };
    expect(coco.info).toBeTruthy();
    expect(coco.categories).toEqual(
      classNames().map((name, i) => expect.objectContaining({ id: i + 1, name })),
    );
    expect(coco.images.map((im) => im.file_name).sort()).toEqual(EXPORTED);
    expect(coco.images.map((im) => im.id)).toEqual(coco.images.map((_, i) => i + 1));
    for (const im of coco.images) {
      const t = truth.find((s) => s.relPath === im.file_name)!;
      expect([im.width, im.height]).toEqual([t.width, t.height]);
    }
    expect(coco.annotations.map((a) => a.id)).toEqual(coco.annotations.map((_, i) => i + 1));
    const imageIdOf = new Map(coco.images.map((im) => [im.file_name, im.id]));
    const expected = EXPORTED.flatMap((rel) =>
      finalDocs.get(rel)!.boxes.map((b) => ({
        image_id: imageIdOf.get(rel),
        category_id: classNames().indexOf(classNameOf(b.classId)!) + 1,
        bbox: [b.x1, b.y1, b.x2 - b.x1, b.y2 - b.y1],
      })),
    );
    expect(coco.annotations).toHaveLength(5);
    for (const want of expected) {
      const got = coco.annotations.find(
        (a) => a.image_id === want.image_id && a.category_id === want.category_id,
      );
      expect(got, JSON.stringify(want)).toBeDefined();
      got!.bbox.forEach((v, i) => expect(v).toBeCloseTo(want.bbox[i], 5));
      expect(got!.area).toBeCloseTo(want.bbox[2] * want.bbox[3], 3);
      expect(got).toMatchObject({ iscrowd: 0, segmentation: [] });
      expect(got!.score).toBeUndefined();
    }
    // The resized box landed with its new corner.
    const blueId = classNames().indexOf('blue') + 1;
    const blue = coco.annotations.find(
      (a) => a.image_id === imageIdOf.get('a.png') && a.category_id === blueId,
    )!;
    expect(blue.bbox[0] + blue.bbox[2]).toBeCloseTo(RESIZED_CORNER.x, 5);
    expect(blue.bbox[1] + blue.bbox[3]).toBeCloseTo(RESIZED_CORNER.y, 5);
    // The reviewed negative is an image without annotations.
    expect(coco.annotations.filter((a) => a.image_id === imageIdOf.get('d-empty.png'))).toEqual([]);
  });

  it('then exports YOLO through the dialog: data.yaml without path:, 5-column rows in [0, 1], an empty file for the negative', async () => {
    const outDir = await ui.exportAs('YOLO (Ultralytics)');
    await ui.screenshot('labeling-07-export-yolo');
    await ui.closeExport();
    expect(path.basename(outDir)).toMatch(/^yolo-/);
    const dataYaml = await readFile(path.join(outDir, 'data.yaml'), 'utf8');
    const data = parseYaml(dataYaml) as Record<string, unknown>;
    expect(dataYaml).not.toMatch(/^path\s*:/m);
    expect(data).not.toHaveProperty('path');
    expect(data).toMatchObject({ train: 'images/train', val: 'images/train', nc: 5 });
    expect(data.names).toEqual(Object.fromEntries(classNames().map((n, i) => [i, n])));
    expect(await readFile(path.join(outDir, 'classes.txt'), 'utf8')).toBe(
      classNames()
        .map((n) => `${n}\n`)
        .join(''),
    );

    const files = await walk(outDir);
    const stem = (rel: string) => rel.replace(/\.[^.]+$/, '');
    expect(files.filter((f) => f.startsWith('labels/'))).toEqual(
      EXPORTED.map((rel) => `labels/train/${stem(rel)}.txt`).sort(),
    );
    expect(files.filter((f) => f.startsWith('images/'))).toEqual(
      EXPORTED.map((rel) => `images/train/${rel}`).sort(),
    );
    for (const rel of LEFT_OUT) {
      expect(existsSync(path.join(outDir, 'labels', 'train', `${stem(rel)}.txt`)), rel).toBe(false);
      expect(existsSync(path.join(outDir, 'images', 'train', rel)), rel).toBe(false);
    }
    // Image entries are links (or copies) of the dataset's images.
    expect(lstatSync(path.join(outDir, 'images', 'train', 'a.png')).size).toBeGreaterThan(0);

    expect(await readFile(path.join(outDir, 'labels', 'train', 'd-empty.txt'), 'utf8')).toBe('');
    for (const rel of EXPORTED.filter((r) => r !== 'd-empty.png')) {
      const doc = finalDocs.get(rel)!;
      const text = await readFile(path.join(outDir, 'labels', 'train', `${stem(rel)}.txt`), 'utf8');
      const rows = text
        .trimEnd()
        .split('\n')
        .map((line) => line.split(' '));
      expect(rows, rel).toHaveLength(doc.boxes.length);
      for (const row of rows) {
        expect(row, `${rel}: ${row.join(' ')}`).toHaveLength(5);
        expect(row[0]).toMatch(/^\d+$/);
        for (const v of row.slice(1).map(Number)) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
      }
      for (const b of doc.boxes) {
        const cls = classNames().indexOf(classNameOf(b.classId)!);
        const want = [
          (b.x1 + b.x2) / 2 / doc.width,
          (b.y1 + b.y2) / 2 / doc.height,
          (b.x2 - b.x1) / doc.width,
          (b.y2 - b.y1) / doc.height,
        ];
        const row = rows.find((r) => Number(r[0]) === cls);
        expect(row, `${rel}: class ${cls}`).toBeDefined();
        row!.slice(1).forEach((v, i) => expect(Math.abs(Number(v) - want[i])).toBeLessThanOrEqual(1e-6));
      }
    }
  });
});
