import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { Detection } from '../../../../shared/detection';
import App from '../../App.vue';
import { BATCH_UPDATE_MS } from '../../stores/batch';
import { hook, mountWith, solidImage, until } from '../../testing/mount';

let unmount = () => {};
beforeAll(() => page.viewport(1400, 900));
afterEach(() => {
  unmount();
  localStorage.clear();
});

const images = Array.from({ length: 4 }, (_, i) => ({ relPath: `img${i}.jpg`, width: 320, height: 240 }));
const cat = (score: number): Detection => ({
  box: { x1: 20, y1: 30, x2: 120, y2: 130 },
  score,
  phrase: 'cat',
  phraseIndex: 0,
  rawText: 'cat',
});

const cats = (relPath: string) => [cat(relPath === 'img0.jpg' ? 0.9 : 0.4)];

async function mountApp(batchMsPerImage = 0, detect: (relPath: string) => Detection[] = cats) {
  const mounted = await mountWith(
    App,
    {
      images,
      model: { loaded: true, name: 'tiny', provider: 'cpu' },
      detect,
      imageUrl: () => solidImage(320, 240, '#406080'),
      batchMsPerImage,
    },
    { width: 1400, height: 900 },
  );
  unmount = mounted.unmount;
  await until(() => window.__groundlabel?.imageReady);
  await userEvent.fill(page.getByRole('textbox', { name: 'Prompt' }), 'cat');
  return mounted;
}

describe('batch in the app', () => {
  it('tells images where nothing was found apart in its summary and the list, ready to be marked negative', async () => {
    await mountApp(0, (relPath) => (relPath < 'img2' ? cats(relPath) : []));
    (document.querySelector('[role="application"]') as HTMLElement).focus();
    await userEvent.keyboard('{Control>}b{/Control}');
    await expect
      .element(
        page.getByText(
          'Last batch: 4 labeled, 2 with suggestions, 2 with nothing found, 0 skipped, 0 failed',
        ),
      )
      .toBeInTheDocument();
    await expect
      .element(
        page.getByText(
          /^2 images where the model found nothing stay out of exports until they are marked negative/,
        ),
      )
      .toBeInTheDocument();
    await expect.element(page.getByRole('option', { name: /img3\.jpg , Nothing found/ })).toBeInTheDocument();
    await userEvent.click(page.getByRole('button', { name: 'Mark 2 “nothing found” images negative' }));
    await expect
      .element(page.getByRole('option', { name: /img3\.jpg , Reviewed negative/ }))
      .toBeInTheDocument();
  });

  it('names why each image is in the batch’s look-first list', async () => {
    const { api } = await mountApp();
    await page.getByRole('button', { name: /^Run on visible images/ }).click();
    await expect.element(page.getByText(/^Last batch: 4 labeled/)).toBeInTheDocument();
    const entry = (relPath: string, reason: 'failed' | 'low-score' | 'many-boxes', n: number) => ({
      id: api.ids[Number(relPath[3])],
      relPath,
      reason,
      suggestions: n,
      topScore: 0.42,
      ...(reason === 'failed' && { message: `${relPath}: not a readable image` }),
    });
    api.emit('batch:finished', {
      status: {
        ...api.batch!,
        lookFirst: [
          entry('img1.jpg', 'failed', 0),
          entry('img2.jpg', 'low-score', 1),
          entry('img3.jpg', 'many-boxes', 1),
        ],
      },
    });
    await page.getByText(/^Last batch: 4 labeled/).click();
    const item = (name: string) => page.getByRole('listitem').filter({ hasText: name });
    await expect.element(item('img1.jpg')).toHaveTextContent('could not be labeled');
    await expect.element(item('img2.jpg')).toHaveTextContent('least sure: best score 0.42');
    await expect.element(item('img3.jpg')).toHaveTextContent('more boxes than most: 1 box');
  });

  it('runs Ctrl+B as one backend batch with progress, cancel and resume', async () => {
    // Slow enough that the first progress the page shows (it follows a batch every
    // BATCH_UPDATE_MS, not every image) comes before the batch ends.
    const { api } = await mountApp(BATCH_UPDATE_MS * 0.8);
    (document.querySelector('[role="application"]') as HTMLElement).focus();
    await userEvent.keyboard('{Control>}b{/Control}');
    const cancel = page.getByRole('button', { name: 'Cancel batch', exact: true });
    await expect.element(cancel).toBeInTheDocument();
    await expect.element(page.getByRole('progressbar', { name: 'Prompt progress' })).toBeInTheDocument();
    await expect.element(page.getByRole('button', { name: 'Run prompt', exact: true })).toBeDisabled();
    await expect.element(page.getByText(/^1 \/ 4 · 10\.0 images\/s/)).toBeInTheDocument();
    await cancel.click();
    const resume = page.getByRole('button', { name: 'Resume batch', exact: true });
    await expect.element(resume).toBeInTheDocument();
    expect(api.callsOf('batch:start')[0].ids).toEqual(['img-0', 'img-1', 'img-2', 'img-3']);
    expect(api.callsOf('infer:run')).toEqual([]);
    await resume.click();
    await expect
      .element(page.getByRole('option', { name: /img3\.jpg.*Has suggestions/ }))
      .toBeInTheDocument();
    await expect.element(page.getByRole('button', { name: 'Run prompt', exact: true })).toBeEnabled();
    await expect.element(resume).not.toBeInTheDocument();
    // The image on screen shows its new suggestions.
    await until(() => hook().doc?.boxes.length === 1);
  });

  it('accepts suggestions above the score in the whole dataset, and undoes it', async () => {
    await mountApp();
    await page.getByRole('button', { name: /^Run on visible images/ }).click();
    await expect
      .element(page.getByRole('option', { name: /img3\.jpg.*Has suggestions/ }))
      .toBeInTheDocument();
    await expect.element(page.getByRole('button', { name: 'Run prompt', exact: true })).toBeEnabled();
    await page.getByRole('button', { name: 'Accept above score in dataset', exact: true }).click();
    await expect.element(page.getByText('Suggestions accepted: 1, on images: 1.')).toBeInTheDocument();
    await until(() => hook().doc?.boxes[0]?.origin.kind === 'accepted');
    await expect.element(page.getByRole('option', { name: /img0\.jpg.*Reviewed/ })).toBeInTheDocument();
    await page.getByRole('button', { name: 'Undo accept', exact: true }).click();
    await expect.element(page.getByText('Restored 1 image.')).toBeInTheDocument();
    await expect
      .element(page.getByRole('option', { name: /img0\.jpg.*Has suggestions/ }))
      .toBeInTheDocument();
    await until(() => hook().doc?.boxes[0]?.origin.kind === 'suggestion');
  });
});
