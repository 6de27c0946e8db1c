/**
 * Prompting as a person does it before a batch, through the real UI in browser mode on the colour
 * fixture model: compare two prompts on the folder and pick one, then run referring expressions on
 * an image. Screenshots of the comparison and of the expressions' boxes go to e2e/screenshots/.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_DIR } from '../src/main/dataset/project-store';
import { iou } from '../src/shared/geometry';
import { writeDataset } from '../test/cli/scenes';
import type { SceneTruth } from '../test/fixtures/images';
import { startApp, type AppUnderTest } from './fixtures/app-server';
import { LabelPage, launchChromium } from './fixtures/label-page';

let app: AppUnderTest;
let browser: Browser;
let ui: LabelPage;
let folder: string;
let truth: SceneTruth[];

beforeAll(async () => {
  [app, browser] = await Promise.all([
    startApp({
      model: 'flavourB',
      dataset: async (dir) => {
        folder = path.join(dir, 'data');
        truth = await writeDataset(folder);
        return folder;
      },
    }),
    launchChromium(),
  ]);
  ui = await LabelPage.open(browser, app.server.url);
  await ui.waitForImage('a.png');
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const cells = (table: Element) =>
  [...table.querySelectorAll('tr')].map((r) =>
    [...r.querySelectorAll('th,td')].map((c) => c.textContent?.trim()),
  );

describe('prompting in browser mode', { shuffle: false }, () => {
  it('compares two prompts on the folder side by side, without touching the project', async () => {
    await ui.setPrompt('red . green . blue');
    await ui.button('Compare prompts…').click();
    const dialog = ui.page.getByRole('dialog', { name: 'Compare prompts' });
    await dialog.getByRole('textbox', { name: 'Text of prompt 2' }).fill('red . orange');
    await dialog.getByRole('button', { name: 'Compare', exact: true }).click();
    const table = dialog.getByRole('table', { name: 'Boxes per class on 7 images' });
    await table.waitFor({ timeout: 60_000 });
    expect(await table.evaluate(cells)).toEqual([
      ['Class', 'Prompt 1', 'Prompt 2'],
      ['red', '2', '2'],
      ['blue', '2', '0'],
      ['green', '1', '0'],
      ['orange', '0', '1'],
      ['Total', '5', '3'],
      ['', 'Use prompt 1', 'Use prompt 2'],
    ]);
    // b.jpg: green for one, orange for the other; the broken JPEG failed on both.
    await expect
      .poll(() => dialog.getByRole('listitem').first().textContent())
      .toMatch(/^sub\/b\.jpg\s*Prompt 1: 1 box · Prompt 2: 1 box$/);
    await dialog.getByText('Failed on 1 image').waitFor();
    await ui.screenshot('prompting-01-compare');
    // Nothing was written: no class, no label file.
    expect(app.services.currentDataset()!.store.getMeta().classes).toEqual([]);
    expect(await readdir(path.join(folder, STORE_DIR, 'labels'))).toEqual([]);

    await dialog.getByRole('button', { name: 'Use prompt 2' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await ui.promptField.inputValue()).toBe('red . orange');
  });

  it('then runs referring expressions, one per line, each giving its best box labelled with the expression', async () => {
    await ui.page.getByRole('radio', { name: 'Referring expressions, one per line' }).check();
    await ui.setPrompt('red\nblue thing');
    await ui.runOnThisImage();
    const boxes = await ui.boxes();
    expect(boxes.map((b) => (b.origin.kind === 'suggestion' ? b.origin.phrase : ''))).toEqual([
      'red',
      'blue thing',
    ]);
    const a = truth.find((t) => t.relPath === 'a.png')!;
    for (const [i, colour] of (['red', 'blue'] as const).entries())
      expect(
        iou(
          boxes[i],
          a.rects.find((r) => r.colour === colour)!,
        ),
      ).toBeGreaterThan(0.9);
    // The classes are saved with the project a moment after the boxes land.
    await expect
      .poll(() =>
        app.services
          .currentDataset()!
          .store.getMeta()
          .classes.map((c) => c.name),
      )
      .toEqual(['red', 'blue thing']);
    await ui.waitForOption('a.png', 'Has suggestions, 2 boxes');
    await ui.screenshot('prompting-02-referring-expressions');
  });

  it('keeps one phrase per object when asked, and says which phrases claimed the same object', async () => {
    await ui.page.getByRole('radio', { name: 'Phrases, separated by " . "' }).check();
    await ui.page.getByRole('checkbox', { name: 'Run each phrase separately' }).check();
    await ui.page.getByRole('checkbox', { name: /^One phrase per object/ }).check();
    await ui.setPrompt('red . red car . blue');
    await ui.runOnThisImage();
    await ui.page.getByText('“red car” under “red”: once').waitFor();
    const boxes = await ui.boxes();
    expect(boxes.map((b) => (b.origin.kind === 'suggestion' ? b.origin.phrase : '')).sort()).toEqual([
      'blue',
      'red',
    ]);
    await ui.screenshot('prompting-03-one-phrase-per-object');
  });

  it('loads a built-in class list as the prompt', async () => {
    await ui.page.getByRole('combobox', { name: 'Presets' }).selectOption({ label: 'COCO (80 classes)' });
    expect(await ui.promptField.inputValue()).toMatch(/^person \. bicycle \. car \. .* toothbrush \.$/);
    // The backend counts the list's tokens (the last prompt had 9).
    const tokens = ui.page.getByRole('status', { name: 'Tokens' });
    await expect.poll(async () => Number((await tokens.textContent())?.split('/')[0])).toBeGreaterThan(80);
    await ui.screenshot('prompting-04-preset');
  });
});
