/**
 * One image edited in two tabs of browser mode. The tab that saves second was working on a version
 * it no longer has: its edit is refused and it reads the image again, instead of overwriting the
 * first tab's box.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_DIR } from '../src/main/dataset/project-store';
import type { ImageDoc, ProjectMeta } from '../src/shared/project';
import { writeSceneFolder } from '../test/fixtures/images';
import { startApp, type AppUnderTest } from './fixtures/app-server';
import { geometry, LabelPage, launchChromium, type Point } from './fixtures/label-page';

let app: AppUnderTest;
let browser: Browser;
let first: LabelPage;
let second: LabelPage;
let folder: string;

const readJson = async <T>(file: string): Promise<T> => JSON.parse(await readFile(file, 'utf8')) as T;

async function stored(): Promise<{ doc: ImageDoc; meta: ProjectMeta }> {
  await app.services.currentDataset()!.store.flush();
  return {
    doc: await readJson<ImageDoc>(path.join(folder, STORE_DIR, 'labels', 'a.png.json')),
    meta: await readJson<ProjectMeta>(path.join(folder, STORE_DIR, 'project.json')),
  };
}

async function draw(ui: LabelPage, from: Point, to: Point): Promise<void> {
  await ui.canvas.focus();
  await ui.page.keyboard.press('w');
  await ui.drag(from, to);
}

beforeAll(async () => {
  [app, browser] = await Promise.all([
    startApp({
      dataset: async (dir) => {
        folder = path.join(dir, 'data');
        await writeSceneFolder(folder, [
          {
            relPath: 'a.png',
            spec: { width: 320, height: 240, rects: [{ colour: 'red', x1: 20, y1: 20, x2: 120, y2: 100 }] },
          },
        ]);
        return folder;
      },
    }),
    launchChromium(),
  ]);
  first = await LabelPage.open(browser, app.server.url);
  second = await LabelPage.open(browser, app.server.url);
  await Promise.all([first.waitForImage('a.png'), second.waitForImage('a.png')]);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('two tabs editing one image', () => {
  it('refuses the stale tab’s edit, shows it the other tab’s box, and lets its next edit build on it', async () => {
    // The first tab draws a box: it is saved as the image's first revision.
    await draw(first, { x: 30, y: 30 }, { x: 110, y: 90 });
    await first.waitForOption('a.png', 'Reviewed, 1 box');
    await first.waitSaved();
    const afterFirst = await stored();
    expect(afterFirst.doc.boxes).toHaveLength(1);
    const firstBox = geometry(afterFirst.doc.boxes[0]);

    // The second tab still shows the image as it was before, and draws a box of its own.
    expect((await second.doc()).boxes).toEqual([]);
    await draw(second, { x: 150, y: 120 }, { x: 250, y: 200 });
    // Refused: it says why and reads the image again, showing the first tab's box.
    await second.page
      .getByRole('alert')
      .filter({ hasText: /was changed elsewhere/ })
      .first()
      .waitFor();
    // Its own box showed as one box too: wait for the first tab's box, read again.
    const readAgain = await second.waitForHookState(
      (h, want) =>
        h.doc?.boxes.length === 1 && JSON.stringify(geometry(h.doc.boxes[0])) === JSON.stringify(want),
      firstBox,
    );
    expect(readAgain.doc!.boxes.map(geometry)).toEqual([firstBox]);
    const afterRefusal = await stored();
    expect(afterRefusal.doc.boxes.map(geometry)).toEqual([firstBox]);
    expect(afterRefusal.doc.revision).toBe(afterFirst.doc.revision);
    // The project still has the first tab's class for that box.
    expect(afterRefusal.meta.classes.map((c) => c.id)).toContain(afterRefusal.doc.boxes[0].classId);

    // Drawn again, the second tab's box goes on top of the first tab's.
    await draw(second, { x: 150, y: 120 }, { x: 250, y: 200 });
    await second.waitForHookState((h) => h.doc?.boxes.length === 2, null);
    await second.waitSaved();
    const end = await stored();
    expect(end.doc.boxes.map(geometry)).toEqual([firstBox, { x1: 150, y1: 120, x2: 250, y2: 200 }]);
    expect(end.doc.revision).toBe((afterFirst.doc.revision ?? 0) + 1);
    const classIds = new Set(end.meta.classes.map((c) => c.id));
    expect(end.doc.boxes.every((b) => classIds.has(b.classId))).toBe(true);
  });
});
