/**
 * The habits annotators bring from other labeling tools, in the real app over browser mode: BMP
 * images open, an unreadable file gets its own state, the batch fills the list, and the layout holds
 * at 1024×700 and 1920×1080 in English and Chinese (screenshots habits-<size>-<language>.png).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bmp24 } from '../test/fixtures/bmp';
import { PROMPT, writeDataset } from '../test/cli/scenes';
import { startApp, type AppUnderTest } from './fixtures/app-server';
import { LabelPage, launchChromium, optionName } from './fixtures/label-page';

let app: AppUnderTest;
let browser: Browser;
let ui: LabelPage;

/** A 64×48 BMP: red on its left half, blue on its right. */
function halves(): Buffer {
  const rgb = new Uint8Array(64 * 48 * 3);
  for (let i = 0; i < 64 * 48; i++) rgb.set(i % 64 < 32 ? [255, 0, 0] : [0, 0, 255], i * 3);
  return bmp24(rgb, 64, 48);
}

beforeAll(async () => {
  [app, browser] = await Promise.all([
    startApp({
      model: 'flavourB',
      dataset: async (dir) => {
        const folder = path.join(dir, 'data');
        await writeDataset(folder);
        await writeFile(path.join(folder, 'scan.bmp'), halves());
        for (const n of [1, 2]) {
          const name = `motorcycle_parked_on_the_corner_000${n}.bmp`;
          await writeFile(path.join(folder, name), halves());
        }
        return folder;
      },
    }),
    launchChromium(),
  ]);
  ui = await LabelPage.open(browser, app.server.url);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('habits from other labeling tools', { shuffle: false }, () => {
  it('opens a BMP image on the canvas, at its size', async () => {
    const shown = await ui.selectImage('scan.bmp');
    expect([shown.doc?.width, shown.doc?.height]).toEqual([64, 48]);
    // The canvas drew what the browser decoded from the server's answer for the BMP.
    expect(shown.imageReady).toBe(true);
  });

  it('gives the truncated file its own state instead of leaving it unlabeled', async () => {
    await ui.waitForOption('broken.jpg', 'Unreadable, no boxes');
  });

  it('runs the prompt over the folder with the page watching, and shows what it found', async () => {
    await ui.setPrompt(PROMPT);
    await ui.page.getByRole('application').focus();
    await ui.page.keyboard.press('Control+b');
    await ui.page.getByText(/^Last batch: \d+ labeled/).waitFor({ timeout: 60_000 });
    await ui.waitForOption('a.png', 'Has suggestions, 2 boxes');
    await ui.selectImage('a.png');
  });

  it.each([
    [1024, 700, 'en'],
    [1024, 700, 'zh-CN'],
    [1920, 1080, 'en'],
    [1920, 1080, 'zh-CN'],
  ] as const)(
    'lays the app out at %i×%i in %s, every toolbar control in reach',
    async (width, height, locale) => {
      await ui.page.setViewportSize({ width, height });
      await ui.page.evaluate((l) => localStorage.setItem('groundlabel.locale', l), locale);
      await ui.page.reload();
      await ui.waitForHook();
      // Found by its file name, which every language shows as it is.
      await ui.page.getByRole('option', { name: optionName('a.png') }).click();
      await ui.waitForImage('a.png');
      const problems = await ui.page.evaluate(() => {
        const bar = document.querySelector('[role="toolbar"][aria-label]');
        const controls = [...(bar?.querySelectorAll<HTMLElement>('button, input, select') ?? [])].filter(
          (el) => !el.closest('#toolbar-more') && el.getBoundingClientRect().width > 0,
        );
        return controls.flatMap((el) => {
          const r = el.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          const name = el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.tagName;
          return r.right > window.innerWidth + 0.5 || !(hit === el || el.contains(hit)) ? [name] : [];
        });
      });
      expect(problems).toEqual([]);
      await ui.screenshot(`habits-${width}x${height}-${locale}`);
    },
  );
});
