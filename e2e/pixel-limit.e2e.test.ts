/**
 * "Largest image" in the real app over browser mode: an image over the limit is marked unreadable
 * with its size and the limit; raising the limit makes it an ordinary image at once, with its
 * thumbnail, its size and the canvas, without opening the folder again.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawScene } from '../test/fixtures/images';
import { startApp, type AppUnderTest } from './fixtures/app-server';
import { LabelPage, launchChromium } from './fixtures/label-page';

let app: AppUnderTest;
let browser: Browser;
let ui: LabelPage;
let folder: string;

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchChromium()]);
  folder = path.join(app.dir, 'scans');
  await mkdir(folder);
  // 1.2 MP, over a limit of 1 MP.
  await writeFile(path.join(folder, 'large.png'), await drawScene({ width: 1200, height: 1000, rects: [] }));
  await writeFile(path.join(folder, 'small.png'), await drawScene({ width: 40, height: 30, rects: [] }));
  ui = await LabelPage.open(browser, app.server.url);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function setLimit(megapixels: number): Promise<void> {
  const field = ui.page.getByRole('spinbutton', { name: 'Largest image' });
  if (!(await field.isVisible())) await ui.page.getByText(/^Largest image: \d+ MP$/).click();
  await field.fill(String(megapixels));
  await ui.page.getByRole('button', { name: 'Apply' }).click();
  await ui.page.getByText(`Largest image: ${megapixels} MP`).waitFor();
}

describe('the largest image setting', () => {
  it('marks an image over the limit unreadable, and takes the mark back when the limit is raised', async () => {
    await setLimit(1);
    await ui.openFolder(folder);
    await ui.waitForOption('large.png', 'Unreadable, no boxes');
    const row = ui.option('large.png');
    await ui.option('large.png').click();
    await ui.page.getByText(/large\.png: 1200×1000 \(1\.2 MP\) is more than the 1 MP pixel limit/).waitFor();
    expect(await row.locator('img').count()).toBe(0);

    await setLimit(100);
    await ui.waitForOption('large.png', 'Unlabeled, no boxes');
    // The canvas, the size and the thumbnail come without choosing the image or the folder again.
    const shown = await ui.waitForImage('large.png');
    expect([shown.doc?.width, shown.doc?.height]).toEqual([1200, 1000]);
    await expect.poll(() => row.getAttribute('aria-description')).toBe('1200×1000');
    await expect
      .poll(() => row.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0);
  });
});
