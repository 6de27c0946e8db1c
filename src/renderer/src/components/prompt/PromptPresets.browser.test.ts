import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { Detection } from '../../../../shared/detection';
import App from '../../App.vue';
import { usePresetsStore } from '../../stores/presets';
import { mountWith, solidImage, until } from '../../testing/mount';

let unmount = () => {};
beforeAll(() => page.viewport(1400, 900));
afterEach(() => {
  unmount();
  localStorage.clear();
});

const found = (phrase: string, phraseIndex: number): Detection => ({
  box: { x1: 20, y1: 30, x2: 120, y2: 130 },
  score: 0.8,
  phrase,
  phraseIndex,
  rawText: phrase,
});

async function mountApp(detect: (prompt: string) => Detection[] = () => []) {
  const mounted = await mountWith(
    App,
    {
      images: [{ relPath: 'img0.jpg', width: 320, height: 240 }],
      model: { loaded: true, name: 'tiny', provider: 'cpu' },
      detect: (_, request) => detect(request.prompt),
      imageUrl: () => solidImage(320, 240, '#406080'),
    },
    { width: 1400, height: 900 },
  );
  unmount = mounted.unmount;
  await until(() => window.__groundlabel?.imageReady);
  return mounted;
}

const promptBox = () => page.getByRole('textbox', { name: 'Prompt' });
const presetList = () => page.getByRole('combobox', { name: 'Presets' });

describe('prompt presets', () => {
  it('loads a built-in class list as the prompt, and names a class as the list does when its phrase finds something', async () => {
    const { api } = await mountApp(() => [found('potted plant', 15)]);
    await userEvent.selectOptions(presetList(), 'Pascal VOC (20 classes)');
    await expect
      .element(promptBox())
      .toHaveValue(
        'airplane . bicycle . bird . boat . bottle . bus . car . cat . chair . cow . dining table . dog . horse . motorbike . person . potted plant . sheep . sofa . train . tv monitor .',
      );
    await userEvent.click(page.getByRole('button', { name: 'Run prompt' }));
    await expect.poll(() => api.meta.classes.map((c) => c.name)).toEqual(['pottedplant']);
  });

  it('keeps the prompt, its thresholds and class names as a preset of the project, loads it back and deletes it', async () => {
    const { api } = await mountApp();
    await userEvent.fill(promptBox(), 'cup . fork');
    await userEvent.click(page.getByRole('button', { name: 'Save as preset…' }));
    await userEvent.fill(page.getByRole('textbox', { name: 'Preset name' }), 'Kitchen');
    await userEvent.click(page.getByRole('button', { name: 'Save preset' }));
    await expect.element(page.getByText('Saved “Kitchen”.')).toBeVisible();
    await expect
      .poll(() => api.meta.presets?.map((p) => [p.name, p.prompt]))
      .toEqual([['Kitchen', 'cup . fork']]);
    expect(api.meta.presets?.[0].thresholds).toMatchObject({ box: 0.35, text: 0.25 });

    await userEvent.fill(promptBox(), 'something else');
    await userEvent.selectOptions(presetList(), 'Kitchen');
    await expect.element(promptBox()).toHaveValue('cup . fork');
    await userEvent.click(page.getByRole('button', { name: 'Delete “Kitchen”' }));
    await expect.poll(() => api.meta.presets).toEqual([]);
  });

  it('imports presets from a file for every project, and refuses a file that is not one, naming it', async () => {
    await mountApp();
    const file = {
      format: 'groundlabel-presets',
      version: 1,
      presets: [{ name: 'Street', prompt: 'car . bus .', phraseNames: { car: 'vehicle' } }],
    };
    await userEvent.click(page.getByRole('button', { name: 'Save as preset…' }));
    await userEvent.selectOptions(page.getByRole('combobox', { name: 'Keep it for' }), 'All projects');
    await userEvent.upload(
      page.getByLabelText('Read presets from a file'),
      new File([JSON.stringify(file)], 'street.json', { type: 'application/json' }),
    );
    await expect.element(page.getByText('Imported 1 preset.')).toBeVisible();
    expect(JSON.parse(localStorage.getItem('groundlabel.presets') ?? '[]')).toEqual(file.presets);
    const exported = JSON.parse(usePresetsStore().exportText()) as typeof file;
    expect(exported).toEqual(file);

    await userEvent.upload(
      page.getByLabelText('Read presets from a file'),
      new File(['{"presets": 3}'], 'notes.json', { type: 'application/json' }),
    );
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent(/^notes\.json is not a GroundLabel presets file/);
  });
});
