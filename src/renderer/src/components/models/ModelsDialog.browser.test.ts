import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { defineComponent, h, ref } from 'vue';
import type { FakeApi, FakeApiOptions } from '../../testing/fake-api';
import { fakeInstalled } from '../../testing/fake-models';
import { mountBare } from '../../testing/mount-bare';
import { useModelLibraryStore } from '../../stores/model-library';
import { until } from '../../testing/mount';
import ModelsDialog from './ModelsDialog.vue';
import '../../styles.css';

let unmount = () => {};
beforeAll(() => page.viewport(1400, 900));
afterEach(() => unmount());

/** The dialog, open, following download events as the app does. */
const Host = defineComponent(() => {
  const open = ref(true);
  useModelLibraryStore().listen();
  return () => h(ModelsDialog, { open: open.value, 'onUpdate:open': (v: boolean) => (open.value = v) });
});

function mount(options: FakeApiOptions = {}, prepare?: (api: FakeApi) => void) {
  const mounted = mountBare(Host, options, prepare);
  unmount = mounted.unmount;
  return mounted.api;
}

const dialog = () => page.getByRole('dialog', { name: 'Models' });
const modelItem = (name: string) =>
  dialog().getByRole('region', { name: 'Your models' }).getByRole('listitem').filter({ hasText: name });

const twoModels = {
  library: {
    installed: [
      fakeInstalled('tiny', { name: 'Grounding DINO tiny', bytes: 689_000_000 }),
      fakeInstalled('swint', {
        name: 'Swin-T',
        flavour: 'A' as const,
        bytes: 1_200_000_000,
        storage: 'link' as const,
        path: '/mnt/usb/swint.onnx',
        source: { kind: 'url' as const, url: 'https://example.org/swint.onnx' },
        sha256From: 'published' as const,
      }),
    ],
    active: 'tiny',
    device: 'cpu' as const,
  },
};

describe('models dialog', () => {
  it('shows each model with its flavour, size, inputs, source, checksum, place and device', async () => {
    mount(twoModels);
    await expect.element(modelItem('Swin-T')).toBeVisible();
    const swint = modelItem('Swin-T');
    for (const text of [
      'A',
      '1.2 GB',
      'pixel_values [1×3×height×width], input_ids [1×sequence]',
      'https://example.org/swint.onnx',
      `${'0123456789abcdef'.repeat(4)} (matches the one its publisher gives)`,
      '/mnt/usb/swint.onnx (linked: the files stay here)',
      'CPU',
    ])
      await expect.element(swint.getByText(text, { exact: true })).toBeVisible();
    await expect.element(modelItem('Grounding DINO tiny').getByText('In use')).toBeVisible();
    await expect.element(modelItem('Swin-T').getByText('In use')).not.toBeInTheDocument();
  });

  it('makes another model the one in use', async () => {
    const api = mount(twoModels);
    await modelItem('Swin-T').getByRole('button', { name: 'Use' }).click();
    await expect.element(modelItem('Swin-T').getByText('In use')).toBeVisible();
    expect(api.callsOf('models:activate')).toEqual([{ id: 'swint' }]);
    expect(api.model).toMatchObject({ loaded: true, name: 'Swin-T' });
  });

  it('removes a model only on a second click', async () => {
    const api = mount(twoModels);
    await modelItem('Swin-T').getByRole('button', { name: 'Remove' }).click();
    expect(api.callsOf('models:remove')).toEqual([]);
    await modelItem('Swin-T').getByRole('button', { name: 'Click again to remove' }).click();
    await expect.element(modelItem('Swin-T')).not.toBeInTheDocument();
    expect(api.callsOf('models:remove')).toEqual([{ id: 'swint' }]);
  });

  it('adds a model by path in browser mode, linked when asked, and says it was checked', async () => {
    const api = mount();
    await expect.element(dialog().getByText('No model yet.', { exact: false })).toBeVisible();
    await expect.element(dialog().getByRole('button', { name: 'Choose file…' })).not.toBeInTheDocument();
    await userEvent.fill(dialog().getByLabelText('Model file (.onnx) or folder'), '/data/models/mine.onnx');
    await dialog().getByLabelText('Link: leave the files where they are').click();
    await dialog().getByRole('button', { name: 'Check and add' }).click();
    await expect.element(dialog().getByText('mine was checked and added.')).toBeVisible();
    expect(api.callsOf('models:import')).toEqual([{ path: '/data/models/mine.onnx', mode: 'link' }]);
    await expect
      .element(modelItem('mine').getByText('(linked: the files stay here)', { exact: false }))
      .toBeVisible();
  });

  it('shows the refusal of a file that is no model, adding nothing', async () => {
    const api = mount();
    api.failNext('models:import', {
      code: 'model-invalid',
      message: 'notes.onnx is not a Grounding DINO export. Inputs found: data.',
    });
    await userEvent.fill(dialog().getByLabelText('Model file (.onnx) or folder'), '/data/notes.onnx');
    await dialog().getByRole('button', { name: 'Check and add' }).click();
    await expect.element(dialog().getByRole('alert')).toHaveTextContent('Inputs found: data.');
    expect(api.library.installed).toEqual([]);
  });

  it('takes the file from the system picker in the desktop app', async () => {
    const api = mount(
      {},
      (fake) => (fake.pickModel = async (kind) => (kind === 'file' ? '/home/ann/m.onnx' : null)),
    );
    await dialog().getByRole('button', { name: 'Choose file…' }).click();
    await expect
      .element(dialog().getByLabelText('Model file (.onnx) or folder'))
      .toHaveValue('/home/ann/m.onnx');
    await dialog().getByRole('button', { name: 'Check and add' }).click();
    await until(() => api.callsOf('models:import').length === 1);
    expect(api.callsOf('models:import')).toEqual([{ path: '/home/ann/m.onnx', mode: 'copy' }]);
  });

  it('downloads from the catalogue with bytes, rate and time left, and pauses, resumes and cancels', async () => {
    const api = mount();
    const entry = dialog().getByRole('listitem').filter({ hasText: 'Grounding DINO tiny, fixed text mask' });
    await expect
      .element(entry.getByText('Flavour B · 695 MB · Apache-2.0 · Example publisher'))
      .toBeVisible();
    await expect.element(entry.getByText('Checked against the sha256 its publisher gives.')).toBeVisible();
    await entry.getByRole('button', { name: 'Download' }).click();
    const progress = entry.getByRole('group', { name: 'Download of Grounding DINO tiny, fixed text mask' });
    await expect.element(progress).toBeVisible();
    expect(api.callsOf('download:start')).toEqual([{ catalogueId: 'tiny-fixed' }]);

    const [started] = api.library.downloads;
    api.emit('download:progress', { ...started, received: 100_000_000, rate: 5_000_000, etaSeconds: 119 });
    await expect.element(progress.getByText('100 MB of 695 MB')).toBeVisible();
    await expect.element(progress.getByText('5 MB/s')).toBeVisible();
    await expect.element(progress.getByText('1 min 59 s left')).toBeVisible();

    await progress.getByRole('button', { name: 'Pause' }).click();
    await expect.element(progress.getByText('Paused', { exact: false })).toBeVisible();
    await progress.getByRole('button', { name: 'Resume' }).click();
    await expect.element(progress.getByRole('button', { name: 'Pause' })).toBeVisible();
    await progress.getByRole('button', { name: 'Cancel' }).click();
    await expect.element(progress).not.toBeInTheDocument();
    expect(api.callsOf('download:cancel')).toEqual([{ id: started.id }]);
    await expect.element(entry.getByRole('button', { name: 'Download' })).toBeVisible();
  });

  it('lists a finished download as a model once the service says it is installed', async () => {
    const api = mount();
    const entry = dialog().getByRole('listitem').filter({ hasText: 'Grounding DINO Swin-T' });
    await entry.getByRole('button', { name: 'Download' }).click();
    const [started] = api.library.downloads;
    const model = fakeInstalled('swint', { name: 'Grounding DINO Swin-T', sha256From: 'computed' });
    api.library = { ...api.library, downloads: [], installed: [model] };
    api.emit('download:installed', { id: started.id, model });
    await expect.element(dialog().getByText('Grounding DINO Swin-T was checked and added.')).toBeVisible();
    await expect.element(modelItem('computed when added')).toBeVisible();
  });

  it('says how to bring a model from a machine with a network', async () => {
    mount();
    const offline = dialog().getByRole('region', { name: 'No network on this machine?' });
    await expect.element(offline).toBeVisible();
    await expect.element(offline.getByText('npm run models -- add <id>', { exact: false })).toBeVisible();
    await expect.element(offline.getByText('Add from disk', { exact: false })).toBeVisible();
  });

  it('fits a 1024×700 window: nothing in the catalogue is cut off at the right', async () => {
    await page.viewport(1024, 700);
    try {
      mount();
      const button = dialog().getByRole('listitem').first().getByRole('button', { name: 'Download' });
      await expect.element(button).toBeVisible();
      const box = dialog().element().getBoundingClientRect();
      const right = button.element().getBoundingClientRect().right;
      expect(box.right).toBeLessThanOrEqual(1024);
      expect(right).toBeLessThanOrEqual(box.right);
      const body = dialog().element().querySelector('.body') ?? dialog().element();
      expect(body.scrollWidth).toBeLessThanOrEqual(body.clientWidth);
    } finally {
      await page.viewport(1400, 900);
    }
  });
});
