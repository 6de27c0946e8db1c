import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { defineComponent, h, ref } from 'vue';
import type { FakeApiOptions } from '../../testing/fake-api';
import { fakeInstalled } from '../../testing/fake-models';
import { mountBare } from '../../testing/mount-bare';
import { until } from '../../testing/mount';
import ModelsDialog from './ModelsDialog.vue';

let unmount = () => {};
beforeAll(() => page.viewport(1400, 900));
afterEach(() => unmount());

const Host = defineComponent(() => {
  const open = ref(true);
  return () => h(ModelsDialog, { open: open.value, 'onUpdate:open': (v: boolean) => (open.value = v) });
});

function mount(options: FakeApiOptions) {
  const mounted = mountBare(Host, options);
  unmount = mounted.unmount;
  return mounted.api;
}

/** A model opened from a file outside the models folder, as a command line or an older version opens it. */
const OUTSIDE = '/home/ann/fixtures/colour-a.onnx';
const openedOutside: FakeApiOptions = {
  model: {
    loaded: true,
    name: 'Colour fixture A (small)',
    file: OUTSIDE,
    openedFrom: OUTSIDE,
    flavour: 'A',
    provider: 'cpu',
  },
};

const dialog = () => page.getByRole('dialog', { name: 'Models' });
const inUse = () => dialog().getByRole('region', { name: 'Model in use' });
const yours = () => dialog().getByRole('region', { name: 'Your models' });

describe('the model in use, opened from outside the models folder', () => {
  it('is shown with its flavour, place and device, and says it is not in the models folder', async () => {
    mount(openedOutside);
    await expect.element(inUse().getByText('Colour fixture A (small)', { exact: true })).toBeVisible();
    for (const text of ['A', OUTSIDE, 'CPU'])
      await expect.element(inUse().getByText(text, { exact: true })).toBeVisible();
    await expect.element(inUse().getByText('It is not in the models folder', { exact: false })).toBeVisible();
    await expect.element(yours().getByText('None in the models folder yet', { exact: false })).toBeVisible();
  });

  it('is copied into the models folder in one click, checked, and becomes the listed model in use', async () => {
    const api = mount(openedOutside);
    await inUse().getByRole('button', { name: 'Copy into the models folder' }).click();
    await expect.element(dialog().getByText('Colour fixture A (small) was checked and added.')).toBeVisible();
    expect(api.callsOf('models:import')).toEqual([
      { path: OUTSIDE, mode: 'copy', name: 'Colour fixture A (small)' },
    ]);
    await until(() => api.callsOf('models:activate').length === 1);
    const item = yours().getByRole('listitem').filter({ hasText: 'Colour fixture A (small)' });
    await expect.element(item.getByText('In use')).toBeVisible();
    await expect.element(item.getByText('(copied into the models folder)', { exact: false })).toBeVisible();
    await expect.element(inUse()).not.toBeInTheDocument();
  });

  it('is linked where it is in one click', async () => {
    const api = mount(openedOutside);
    await inUse().getByRole('button', { name: 'Link it where it is' }).click();
    const item = yours().getByRole('listitem').filter({ hasText: 'Colour fixture A (small)' });
    await expect.element(item.getByText('(linked: the files stay here)', { exact: false })).toBeVisible();
    expect(api.callsOf('models:import')).toEqual([
      { path: OUTSIDE, mode: 'link', name: 'Colour fixture A (small)' },
    ]);
  });

  it('is not shown apart when it is one of the models in the folder', async () => {
    mount({
      model: {
        loaded: true,
        name: 'tiny',
        file: '/models/tiny',
        openedFrom: '/models/tiny',
        provider: 'cpu',
      },
      library: { installed: [fakeInstalled('tiny')], active: 'tiny' },
    });
    await expect.element(yours().getByText('In use')).toBeVisible();
    await expect.element(inUse()).not.toBeInTheDocument();
  });
});
