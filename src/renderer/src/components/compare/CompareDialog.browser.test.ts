import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { Detection } from '../../../../shared/detection';
import { sampleImages } from '../../../../shared/compare';
import { parsePhrases } from '../../../../shared/prompt/units';
import App from '../../App.vue';
import { mountWith, solidImage, until } from '../../testing/mount';

let unmount = () => {};
beforeAll(() => page.viewport(1400, 900));
afterEach(() => {
  unmount();
  localStorage.clear();
});

const images = Array.from({ length: 6 }, (_, i) => ({ relPath: `img${i}.jpg`, width: 320, height: 240 }));
/** A person on every image, a dog on the odd ones; "man" finds the person too. */
const detect = (relPath: string, prompt: string): Detection[] => {
  const odd = Number(relPath[3]) % 2 === 1;
  return parsePhrases(prompt).flatMap((phrase, phraseIndex) => {
    const hit = phrase === 'person' || phrase === 'man' || (phrase === 'dog' && odd);
    return hit
      ? [{ box: { x1: 10, y1: 10, x2: 90, y2: 90 }, score: 0.8, phrase, phraseIndex, rawText: phrase }]
      : [];
  });
};

async function mountApp(batchMsPerImage = 0) {
  const mounted = await mountWith(
    App,
    {
      images,
      model: { loaded: true, name: 'tiny', provider: 'cpu' },
      detect: (relPath, request) => detect(relPath, request.prompt),
      imageUrl: () => solidImage(320, 240, '#406080'),
      batchMsPerImage,
    },
    { width: 1400, height: 900 },
  );
  unmount = mounted.unmount;
  await until(() => window.__groundlabel?.imageReady);
  await userEvent.fill(page.getByRole('textbox', { name: 'Prompt' }), 'person . dog');
  await userEvent.click(page.getByRole('button', { name: 'Compare prompts…' }));
  return mounted;
}

const dialog = () => page.getByRole('dialog', { name: 'Compare prompts' });

describe('compare prompts', () => {
  it('runs the variants on the sample, tables boxes per class side by side, and lists where they disagree', async () => {
    const { api } = await mountApp();
    await expect
      .element(dialog().getByRole('textbox', { name: 'Text of prompt 1' }))
      .toHaveValue('person . dog');
    await userEvent.fill(dialog().getByRole('textbox', { name: 'Text of prompt 2' }), 'man');
    await userEvent.fill(dialog().getByRole('spinbutton', { name: 'Images in the sample' }), '4');
    await userEvent.click(dialog().getByRole('button', { name: 'Compare', exact: true }));
    const table = dialog().getByRole('table', { name: 'Boxes per class on 4 images' });
    await expect.element(table).toBeVisible();
    const rows = [...table.element().querySelectorAll('tr')].map((r) =>
      [...r.querySelectorAll('th,td')].map((c) => c.textContent?.trim()),
    );
    const dogs = sampleImages(
      images.map((im) => im.relPath),
      4,
      '1',
    ).filter((p) => Number(p[3]) % 2 === 1).length;
    expect(rows[0]).toEqual(['Class', 'Prompt 1', 'Prompt 2']);
    // Classes are listed as the variants first found them, image by image.
    expect(rows.slice(1, 4).sort()).toEqual([
      ['dog', String(dogs), '0'],
      ['man', '0', '4'],
      ['person', '4', '0'],
    ]);
    expect(rows[4]).toEqual(['Total', String(4 + dogs), '4']);
    expect(api.callsOf('compare:run')[0]).toMatchObject({
      variants: [{ prompt: 'person . dog' }, { prompt: 'man' }],
      sample: { size: 4, seed: '1' },
    });
    await expect.element(dialog().getByRole('heading', { name: 'Where they disagree most' })).toBeVisible();
    // Nothing of the project changed: no class, no saved image.
    expect(api.meta.classes).toEqual([]);
    expect(api.callsOf('image:save')).toEqual([]);
    expect(api.callsOf('project:save')).toEqual([]);
  });

  it('makes a variant the prompt with one click, with its thresholds, and saves nothing', async () => {
    const { api } = await mountApp();
    await userEvent.fill(dialog().getByRole('textbox', { name: 'Text of prompt 2' }), 'man . dog');
    const second = dialog().getByRole('group', { name: 'Prompt 2' });
    await userEvent.fill(second.getByRole('spinbutton', { name: 'Box' }), '0.5');
    await userEvent.tab();
    await userEvent.fill(second.getByRole('spinbutton', { name: 'IoU across phrases' }), '0.6');
    await userEvent.tab();
    await userEvent.click(dialog().getByRole('button', { name: 'Compare', exact: true }));
    await userEvent.click(dialog().getByRole('button', { name: 'Use prompt 2' }));
    await expect.element(page.getByRole('textbox', { name: 'Prompt' })).toHaveValue('man . dog');
    await expect.element(page.getByRole('slider', { name: 'Box threshold' })).toHaveValue('0.5');
    expect(api.callsOf('compare:run')[0].variants[1].thresholds).toMatchObject({ box: 0.5, crossIou: 0.6 });
    expect(api.callsOf('compare:run')[0].variants[0].thresholds.crossIou ?? null).toBeNull();
    await expect.element(dialog()).not.toBeInTheDocument();
    expect(api.callsOf('project:save')).toEqual([]);
  });

  it('shows progress while it runs and stops on cancel, reporting the images done', async () => {
    await mountApp(40);
    await userEvent.fill(dialog().getByRole('spinbutton', { name: 'Images in the sample' }), '6');
    await userEvent.click(dialog().getByRole('button', { name: 'Compare', exact: true }));
    await expect.element(dialog().getByRole('progressbar', { name: 'Comparison progress' })).toBeVisible();
    await expect.element(dialog().getByText(/^Comparing… [1-5] \/ 6$/)).toBeVisible();
    await userEvent.click(dialog().getByRole('button', { name: 'Cancel comparison' }));
    await expect.element(dialog().getByText(/^Cancelled: [0-5] of 6 images were compared\.$/)).toBeVisible();
  });
});
