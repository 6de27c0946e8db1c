import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import App from '../../App.vue';
import { numberedImages } from '../../testing/datasets';
import type { FakeApi } from '../../testing/fake-api';
import { mountBare } from '../../testing/mount-bare';
import { solidImage } from '../../testing/mount';

let unmount = () => {};
beforeAll(() => page.viewport(1400, 900));
afterEach(() => {
  unmount();
  localStorage.clear();
});

function mountApp(prepare?: (api: FakeApi) => void) {
  const mounted = mountBare(
    App,
    { images: numberedImages(2), imageUrl: () => solidImage(320, 240, '#406080') },
    prepare,
  );
  unmount = mounted.unmount;
  return mounted.api;
}

const firstRun = () => page.getByRole('region', { name: 'Label images in three steps' });

describe('first run', () => {
  it('explains the three steps in an empty window, and that labeling by hand needs no model', async () => {
    mountApp();
    await expect.element(firstRun()).toBeVisible();
    for (const step of ['Open a folder of images', 'Get a model', 'Type a prompt'])
      await expect.element(firstRun().getByRole('heading', { name: step })).toBeVisible();
    await expect
      .element(firstRun().getByText('No model? You can label by hand', { exact: false }))
      .toBeVisible();
    // Browser mode has no picker: the step points to the path field.
    await expect
      .element(firstRun().getByText('Type the folder’s path in the field above', { exact: false }))
      .toBeVisible();
  });

  it('opens the models from the second step', async () => {
    mountApp();
    await firstRun().getByRole('button', { name: 'Open the models' }).click();
    await expect.element(page.getByRole('dialog', { name: 'Models' })).toBeVisible();
  });

  it('opens a folder from the system picker and gives way to the images, usable without a model', async () => {
    const api = mountApp((fake) => (fake.pickFolder = async () => '/data/set'));
    await firstRun().getByRole('button', { name: 'Choose folder…' }).click();
    await expect.element(firstRun()).not.toBeInTheDocument();
    expect(api.callsOf('dataset:open')).toEqual([{ path: '/data/set' }]);
    await expect.element(page.getByRole('option', { name: /img00000\.jpg/ })).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Draw box' })).toBeEnabled();
    await expect
      .element(page.getByText('Load a model to run the prompt. Manual labeling works without one.'))
      .toBeVisible();
  });
});
