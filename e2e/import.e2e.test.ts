/**
 * Folders that arrive with another tool's labels, opened through the real UI in browser mode: the
 * banner names what it found, Import previews and applies it through the real importers, and the
 * boxes are on the canvas and on disk afterwards (a reload reads them back from the project).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSceneFolder } from '../test/fixtures/images';
import { writeXAnyLabelingFolder } from '../test/fixtures/labelme';
import { startApp, type AppUnderTest } from './fixtures/app-server';
import { LabelPage, launchChromium } from './fixtures/label-page';

let app: AppUnderTest;
let browser: Browser;

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** Opens `folder` in a fresh page and imports the labels the banner offers first, after their preview. */
async function importOffered(folder: string, offered: string, boxes: number, images: number) {
  const ui = await LabelPage.open(browser, app.server.url);
  await ui.openFolder(folder);
  const banner = ui.page.getByRole('status').filter({ hasText: 'Labels found in this folder' });
  await expect.poll(() => banner.textContent()).toContain(offered);
  await banner
    .getByRole('button', { name: /^Import the / })
    .first()
    .click();
  const dialog = ui.page.getByRole('dialog', { name: 'Import labels' });
  const summary = dialog.getByRole('region', { name: 'What the import would do' });
  await expect.poll(() => summary.textContent()).toMatch(new RegExp(`Boxes to import\\s*${boxes}`));
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await dialog.getByText(`Imported boxes: ${boxes}, into images: ${images}.`).waitFor();
  await dialog.getByRole('button', { name: 'Close' }).first().click();
  return ui;
}

describe('labels from other tools', () => {
  it('imports an X-AnyLabeling folder (its JSON beside the images) and shows the boxes', async () => {
    const folder = path.join(app.dir, 'x-anylabeling');
    await writeXAnyLabelingFolder(folder, 'png');

    const ui = await importOffered(folder, 'LabelMe / X-AnyLabeling (2 label files beside the images)', 2, 2);
    await ui.waitForOption('street.png', 'Reviewed, 1 box');
    await ui.waitForOption('night/alley.png', 'Reviewed, 1 box');
    await ui.selectImage('street.png');
    expect((await ui.boxes()).map(({ x1, y1, x2, y2 }) => [x1, y1, x2, y2])).toEqual([[10, 20, 110, 70]]);
    const meta = app.services.currentDataset()!.store.getMeta();
    // In order of first appearance over the images by name: night/alley.png comes first.
    expect(meta.classes.map((c) => c.name)).toEqual(['person', 'car']);

    // Read back from the project after a reload: the import was saved, not only shown.
    await ui.page.reload();
    await ui.waitForHook();
    await ui.waitForOption('night/alley.png', 'Reviewed, 1 box');
    await ui.close();
  });

  it('imports a CVAT "YOLO 1.1" export (obj.names, obj_train_data/) opened in place', async () => {
    const folder = path.join(app.dir, 'cvat-yolo');
    await writeSceneFolder(path.join(folder, 'obj_train_data'), [
      { relPath: 'a.png', spec: { width: 64, height: 48, rects: [] } },
      { relPath: 'b.png', spec: { width: 64, height: 48, rects: [] } },
    ]);
    await writeFile(path.join(folder, 'obj.names'), 'car\ndog\n');
    await writeFile(
      path.join(folder, 'obj.data'),
      'classes = 2\ntrain = data/train.txt\nnames = data/obj.names\n',
    );
    await writeFile(path.join(folder, 'train.txt'), 'data/obj_train_data/a.png\ndata/obj_train_data/b.png\n');
    await writeFile(path.join(folder, 'obj_train_data', 'a.txt'), '1 0.5 0.5 0.25 0.5\n');
    await writeFile(path.join(folder, 'obj_train_data', 'b.txt'), '');

    const ui = await importOffered(folder, 'YOLO (obj.names + 2 label files)', 1, 2);
    await ui.waitForOption('obj_train_data/a.png', 'Reviewed, 1 box');
    await ui.waitForOption('obj_train_data/b.png', 'Reviewed negative, no boxes');
    await ui.selectImage('obj_train_data/a.png');
    const [box] = await ui.boxes();
    expect([box.x1, box.y1, box.x2, box.y2]).toEqual([24, 12, 40, 36]);
    const meta = app.services.currentDataset()!.store.getMeta();
    expect(meta.classes.find((c) => c.id === box.classId)?.name).toBe('dog');
    await ui.close();
  });
});
