/**
 * Two folders whose images share a name, opened one after the other in one tab. Nothing of the first
 * folder (its picture, boxes, classes, size or undo history) may show in the second or be saved
 * into it, and going back to the first finds its own labels, on disk and in an export.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_DIR } from '../src/main/dataset/project-store';
import type { Box } from '../src/shared/geometry';
import type { ImageDoc, ProjectMeta } from '../src/shared/project';
import { writeSceneFolder } from '../test/fixtures/images';
import { paletteEntry } from '../test/fixtures/palette';
import { startApp, type AppUnderTest } from './fixtures/app-server';
import { geometry, LabelPage, launchChromium, type Point } from './fixtures/label-page';

const NAME = 'frame_0001.png';
/** Image pixels that are red in P's picture and green in Q's. */
const PROBE: Point = { x: 150, y: 120 };

let app: AppUnderTest;
let browser: Browser;
let ui: LabelPage;
let p: string;
let q: string;

const readJson = async <T>(file: string): Promise<T> => JSON.parse(await readFile(file, 'utf8')) as T;
const labelFile = (folder: string) => path.join(folder, STORE_DIR, 'labels', `${NAME}.json`);
const projectFile = (folder: string) => path.join(folder, STORE_DIR, 'project.json');

/** The colour the page shows at an image pixel, read from a screenshot of that one pixel. */
async function shownColour(at: Point): Promise<readonly number[]> {
  const c = await ui.toClient(at);
  const png = await ui.page.screenshot({
    clip: { x: Math.round(c.x), y: Math.round(c.y), width: 1, height: 1 },
  });
  const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return [...data.subarray(0, 3)];
}

async function drawWithKeyboardTool(from: Point, to: Point) {
  await ui.canvas.focus();
  await ui.page.keyboard.press('w');
  return ui.drawBox(from, to);
}

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchChromium()]);
  p = path.join(app.dir, 'P');
  q = path.join(app.dir, 'Q');
  await writeSceneFolder(p, [
    {
      relPath: NAME,
      spec: {
        width: 640,
        height: 480,
        rects: [
          { colour: 'red', x1: 100, y1: 50, x2: 300, y2: 200 },
          { colour: 'blue', x1: 400, y1: 300, x2: 600, y2: 460 },
        ],
      },
    },
  ]);
  await writeSceneFolder(q, [
    {
      relPath: NAME,
      spec: { width: 451, height: 300, rects: [{ colour: 'green', x1: 0, y1: 0, x2: 451, y2: 300 }] },
    },
  ]);
  ui = await LabelPage.open(browser, app.server.url);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('two folders holding frame_0001.png, in one tab', () => {
  it('keeps each folder’s picture, boxes, size and classes to itself, and finds P’s labels again, on disk and in a COCO export', async () => {
    // 1–2. Open P and draw one box with W.
    await ui.openFolder(p);
    await ui.waitForImage(NAME);
    expect(await shownColour(PROBE)).toEqual([...paletteEntry('red').rgb]);
    const drawnOnP: Box = geometry(await drawWithKeyboardTool({ x: 120, y: 70 }, { x: 280, y: 180 }));
    await ui.waitForOption(NAME, 'Reviewed, 1 box');
    await ui.waitSaved();

    // 3. Open Q: its own picture and size, no boxes, and the list says so.
    await ui.openFolder(q);
    const h = await ui.waitForHookState(
      (v, rel) => v.imageReady && v.doc?.relPath === rel && v.doc.width === 451,
      NAME,
    );
    expect([h.doc!.width, h.doc!.height]).toEqual([451, 300]);
    expect(h.doc!.boxes).toEqual([]);
    expect(await shownColour(PROBE)).toEqual([...paletteEntry('green').rgb]);
    await ui.waitForOption(NAME, 'Unlabeled, no boxes');
    await ui.waitForCanvasName(`Image canvas: ${NAME}, no boxes, 0 selected`);
    // Nothing to undo: P's history stayed with P.
    await ui.page.keyboard.press('Control+z');
    expect((await ui.doc()).boxes).toEqual([]);

    // 4. A box drawn on Q is saved in Q's file alone, with Q's size and one of Q's classes.
    const drawnOnQ: Box = geometry(await drawWithKeyboardTool({ x: 50, y: 40 }, { x: 200, y: 150 }));
    await ui.waitForOption(NAME, 'Reviewed, 1 box');
    await ui.waitSaved();
    await app.services.currentDataset()!.store.flush();
    const qDoc = await readJson<ImageDoc>(labelFile(q));
    const qMeta = await readJson<ProjectMeta>(projectFile(q));
    expect([qDoc.width, qDoc.height]).toEqual([451, 300]);
    expect(qDoc.boxes.map(geometry)).toEqual([drawnOnQ]);
    expect(qMeta.classes.map((c) => c.id)).toContain(qDoc.boxes[0].classId);

    // 5. Back to P, save again with Ctrl+S: P's own box, untouched.
    await ui.openFolder(p);
    // Same name in both folders: P is back once its own size is on the canvas.
    const back = await ui.waitForHookState(
      (v, rel) => v.imageReady && v.doc?.relPath === rel && v.doc.width === 640,
      NAME,
    );
    expect(back.doc!.boxes.map(geometry)).toEqual([drawnOnP]);
    expect(await shownColour(PROBE)).toEqual([...paletteEntry('red').rgb]);
    await ui.canvas.focus();
    await ui.page.keyboard.press('Control+s');
    await ui.waitSaved();
    await app.services.currentDataset()!.store.flush();
    const pDoc = await readJson<ImageDoc>(labelFile(p));
    const pMeta = await readJson<ProjectMeta>(projectFile(p));
    expect([pDoc.width, pDoc.height]).toEqual([640, 480]);
    expect(pDoc.boxes.map(geometry)).toEqual([drawnOnP]);
    expect(pMeta.classes.map((c) => c.id)).toContain(pDoc.boxes[0].classId);
    // Q's file was not touched by P's save.
    expect((await readJson<ImageDoc>(labelFile(q))).boxes.map(geometry)).toEqual([drawnOnQ]);

    // And a COCO export of P holds P's image, size and box only.
    const outDir = await ui.exportAs('COCO detection JSON');
    await ui.closeExport();
    const files = (await readdir(outDir, { recursive: true })).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    const images: { file_name: string; width: number; height: number }[] = [];
    const boxes: number[][] = [];
    for (const file of files) {
      const coco = await readJson<{
        images: { file_name: string; width: number; height: number }[];
        annotations: { bbox: number[] }[];
      }>(path.join(outDir, file));
      images.push(...coco.images);
      boxes.push(...coco.annotations.map((a) => a.bbox));
    }
    expect(images).toEqual([expect.objectContaining({ file_name: NAME, width: 640, height: 480 })]);
    expect(boxes).toHaveLength(1);
    const [x, y, w, hgt] = boxes[0];
    expect({ x1: x, y1: y, x2: x + w, y2: y + hgt }).toEqual(drawnOnP);
  });
});
