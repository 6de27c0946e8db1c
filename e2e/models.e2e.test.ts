/**
 * The first start and the model manager through the real UI in browser mode: the empty window's
 * three steps, labeling by hand without a model, then adding a model from disk in the Models view
 * and putting it to use. Screenshots of the first run and the Models view go to e2e/screenshots/.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDataset } from '../test/cli/scenes';
import { startApp, type AppUnderTest } from './fixtures/app-server';
import { LabelPage, launchChromium } from './fixtures/label-page';

let app: AppUnderTest;
let browser: Browser;
let ui: LabelPage;
let folder: string;

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp({ library: true }), launchChromium()]);
  folder = path.join(app.dir, 'data');
  await writeDataset(folder);
  ui = await LabelPage.open(browser, app.server.url);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const firstRun = () => ui.page.getByRole('region', { name: 'Label images in three steps' });
const models = () => ui.page.getByRole('dialog', { name: 'Models' });

describe('first run and the model manager', { shuffle: false }, () => {
  it('explains the three steps in the empty window of a first start', async () => {
    await firstRun().waitFor();
    for (const step of ['Open a folder of images', 'Get a model', 'Type a prompt'])
      await firstRun().getByRole('heading', { name: step }).waitFor();
    await firstRun().getByText('No model? You can label by hand', { exact: false }).waitFor();
    await ui.screenshot('first-run');
  });

  it('then labels by hand without a model once a folder is open', async () => {
    await ui.openFolder(folder);
    await firstRun().waitFor({ state: 'hidden' });
    await ui.waitForImage('a.png');
    await ui.button('Draw box').click();
    const drawn = await ui.drawBox({ x: 100, y: 100 }, { x: 300, y: 250 });
    expect(drawn.origin.kind).toBe('manual');
    await ui.waitSaved();
  });

  it('then adds a model from disk in the Models view, checked, and puts it to use', async () => {
    await ui.button('Models').click();
    await models().getByText('No model yet.', { exact: false }).waitFor();
    await models().getByLabel('Model file (.onnx) or folder').fill(app.models.flavourB);
    await models().getByRole('button', { name: 'Check and add' }).click();
    await models().getByText('Colour fixture B was checked and added.').waitFor();
    const yours = models().getByRole('region', { name: 'Your models' });
    const item = yours.getByRole('listitem').filter({ hasText: 'Colour fixture B' });
    await item.getByText('(computed when added)').waitFor();
    await item.getByRole('button', { name: 'Use' }).click();
    await item.getByText('In use').waitFor();
    expect((await app.services.models.status()).loaded).toBe(true);
    expect(existsSync(path.join(app.dir, 'models-folder', 'colour-fixture-b', 'model.onnx'))).toBe(true);
    await ui.screenshot('models-view');
  });

  it('then refuses a model outside the folders browser mode may read', async () => {
    await models().getByLabel('Model file (.onnx) or folder').fill('/etc');
    await models().getByRole('button', { name: 'Check and add' }).click();
    await expect.poll(() => models().getByRole('alert').textContent()).toContain('/etc');
  });
});
