import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { Detection } from '../../../../shared/detection';
import type { PhraseCollision } from '../../../../shared/prompt/collisions';
import App from '../../App.vue';
import { mountWith, solidImage, until } from '../../testing/mount';

let unmount = () => {};
beforeAll(() => page.viewport(1400, 900));
afterEach(() => {
  unmount();
  localStorage.clear();
});

const images = [
  { relPath: 'img0.jpg', width: 320, height: 240 },
  { relPath: 'img1.jpg', width: 320, height: 240 },
];
const found = (phrase: string, phraseIndex: number, score = 0.8): Detection => ({
  box: { x1: 20 + 40 * phraseIndex, y1: 30, x2: 120 + 40 * phraseIndex, y2: 130 },
  score,
  phrase,
  phraseIndex,
  rawText: phrase,
});

async function mountApp(
  detect: (relPath: string, prompt: string) => Detection[],
  promptHistory: string[] = [],
  collisions?: (relPath: string, crossIou: number | null | undefined) => PhraseCollision[],
) {
  const mounted = await mountWith(
    App,
    {
      images,
      meta: { classes: [], phraseClasses: {}, promptHistory },
      model: { loaded: true, name: 'tiny', provider: 'cpu' },
      detect: (relPath, request) => detect(relPath, request.prompt),
      collisions: collisions && ((relPath, request) => collisions(relPath, request.thresholds.crossIou)),
      imageUrl: () => solidImage(320, 240, '#406080'),
    },
    { width: 1400, height: 900 },
  );
  unmount = mounted.unmount;
  await until(() => window.__groundlabel?.imageReady);
  return mounted;
}

const promptBox = () => page.getByRole('textbox', { name: 'Prompt' });

describe('prompt panel', () => {
  it('reads referring expressions one per line and runs them with the boxes each should yield', async () => {
    const { api } = await mountApp((_, prompt) =>
      prompt.split('\n').map((line, i) => found(line.trim().toLowerCase(), i)),
    );
    await userEvent.click(page.getByRole('radio', { name: 'Referring expressions, one per line' }));
    await userEvent.fill(promptBox(), 'The cat on the left\nthe dog');
    await userEvent.fill(page.getByRole('spinbutton', { name: 'Boxes per expression' }), '2');
    await expect.element(page.getByText('One expression per line: “the man in the red shirt”')).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Run prompt' }));
    await expect.poll(() => api.meta.classes.map((c) => c.name)).toEqual(['the cat on the left', 'the dog']);
    expect(api.callsOf('infer:run')[0]).toMatchObject({
      prompt: 'The cat on the left\nthe dog',
      rec: { topK: 2 },
    });
    await expect
      .element(page.getByRole('combobox', { name: 'Class for “the cat on the left”' }))
      .toBeVisible();
  });

  it('makes classes only for the phrases that found something, and offers the rest in one click', async () => {
    const { api } = await mountApp(() => [found('cat', 0)]);
    await userEvent.fill(promptBox(), 'cat . dog . bird');
    await userEvent.click(page.getByRole('button', { name: 'Run prompt' }));
    await expect.element(page.getByText(/^2 phrases have no class yet/)).toBeVisible();
    expect(api.meta.classes.map((c) => c.name)).toEqual(['cat']);
    await userEvent.click(page.getByRole('button', { name: 'Add their 2 classes' }));
    await expect.poll(() => api.meta.classes.map((c) => c.name)).toEqual(['cat', 'dog', 'bird']);
    await expect.element(page.getByText(/phrases? ha(s|ve) no class yet/)).not.toBeInTheDocument();
  });

  it('warns when the prompt has no " . " and rewrites it in one click', async () => {
    await mountApp(() => []);
    await userEvent.fill(promptBox(), 'red, blue, green');
    await expect
      .element(
        page.getByText('No " . " in the prompt: the model reads it as one phrase, “red, blue, green”.'),
      )
      .toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Rewrite as “red . blue . green .”' }));
    await expect.element(promptBox()).toHaveValue('red . blue . green .');
    await expect.element(page.getByText(/^No " \. " in the prompt/)).not.toBeInTheDocument();
  });

  it('steps through the project’s earlier prompts with Up and Down, and picks one from the list', async () => {
    await mountApp(() => [], ['cat . dog', 'bus . car', 'tree']);
    await expect.element(promptBox()).toHaveValue('cat . dog');
    await userEvent.click(promptBox());
    await userEvent.keyboard('{ArrowUp}');
    await expect.element(promptBox()).toHaveValue('bus . car');
    await userEvent.keyboard('{ArrowUp}{ArrowUp}');
    await expect.element(promptBox()).toHaveValue('tree');
    await userEvent.keyboard('{ArrowDown}{ArrowDown}');
    await expect.element(promptBox()).toHaveValue('cat . dog');
    await userEvent.selectOptions(page.getByRole('combobox', { name: 'Recent prompts' }), 'bus . car');
    await expect.element(promptBox()).toHaveValue('bus . car');
  });

  it('runs with the thresholds the sliders are moved to, and shows each value', async () => {
    const { api } = await mountApp(() => [found('person', 0)]);
    await userEvent.fill(promptBox(), 'person');
    const move = (name: string, value: string) => {
      const slider = page.getByRole('slider', { name }).element() as HTMLInputElement;
      slider.value = value;
      slider.dispatchEvent(new Event('input', { bubbles: true }));
    };
    move('Box threshold', '0.6');
    move('Text threshold', '0.4');
    await expect.element(page.getByRole('slider', { name: 'Box threshold' })).toHaveValue('0.6');
    await expect.element(page.getByText('0.60', { exact: true })).toBeInTheDocument();
    await userEvent.click(page.getByRole('button', { name: 'Run prompt' }));
    await until(() => api.callsOf('infer:run').length > 0);
    expect(api.callsOf('infer:run')[0]).toMatchObject({ thresholds: { box: 0.6, text: 0.4 } });
  });

  it('turns on one phrase per object and lists the phrase pairs that claimed one object in the run', async () => {
    const { api } = await mountApp(
      () => [found('person', 0)],
      [],
      (_, crossIou) => (crossIou ? [{ kept: 'person', dropped: 'girl', count: 2 }] : []),
    );
    await userEvent.fill(promptBox(), 'person . girl');
    await userEvent.click(page.getByRole('checkbox', { name: /One phrase per object/ }));
    await expect.element(page.getByRole('slider', { name: 'IoU across phrases' })).toHaveValue('0.7');
    await userEvent.click(page.getByRole('button', { name: 'Run prompt' }));
    await expect
      .element(page.getByText('2 boxes were dropped where two phrases claimed one object:'))
      .toBeVisible();
    await expect.element(page.getByText('“girl” under “person”: 2 times')).toBeVisible();
    expect(api.callsOf('infer:run')[0]).toMatchObject({ thresholds: { crossIou: 0.7 } });
  });

  it('lists the phrase pairs that claimed one object over a whole batch', async () => {
    await mountApp(
      () => [found('person', 0)],
      [],
      (_, crossIou) => (crossIou ? [{ kept: 'person', dropped: 'girl', count: 2 }] : []),
    );
    await userEvent.fill(promptBox(), 'person . girl');
    await userEvent.click(page.getByRole('checkbox', { name: /One phrase per object/ }));
    await userEvent.click(page.getByRole('button', { name: 'Run on visible images (2)' }));
    await expect
      .element(page.getByText('4 boxes were dropped where two phrases claimed one object:'))
      .toBeVisible();
    await expect.element(page.getByText('“girl” under “person”: 4 times')).toBeVisible();
  });
});
