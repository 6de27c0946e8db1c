import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { defineComponent, h, ref } from 'vue';
import App from '../../App.vue';
import { manual, suggestion } from '../../testing/boxes';
import { catAndDogMeta as meta } from '../../testing/datasets';
import { mountWith, solidImage, until } from '../../testing/mount';
import StatsDialog from './StatsDialog.vue';

let unmount = () => {};
beforeAll(() => page.viewport(1400, 900));
afterEach(() => {
  unmount();
  localStorage.clear();
});

// 200 × 100 images: a 10 × 10 box has a relative side of √(100 / 20,000) ≈ 7 %, a 100 × 100 one 71 %.
const images = [
  {
    relPath: 'a.jpg',
    width: 200,
    height: 100,
    boxes: [
      manual('m1', 0, 0, 10, 10, 'c1'),
      manual('m2', 0, 0, 10, 10, 'c1'),
      manual('m3', 0, 0, 10, 10, 'c1'),
      suggestion('s1', 0.5, [0, 0, 100, 100], 'c1'),
    ],
  },
  { relPath: 'b.jpg', width: 200, height: 100, boxes: [manual('m4', 0, 0, 10, 10, 'c2')] },
  { relPath: 'c.jpg', width: 200, height: 100, reviewed: true },
  { relPath: 'd.jpg', width: 200, height: 100 },
  // The model ran on it and found nothing; no one has decided yet.
  { relPath: 'e.jpg', width: 200, height: 100, modelRun: { prompt: 'cat', at: '2024-01-01T00:00:00.000Z' } },
];

/** The dialog on its own, already open. */
const Open = defineComponent(() => {
  const open = ref(true);
  return () => h(StatsDialog, { open: open.value, 'onUpdate:open': (v: boolean) => (open.value = v) });
});

async function mountDialog(options: Parameters<typeof mountWith>[1]) {
  const mounted = await mountWith(Open, options, { width: 1400, height: 900 });
  unmount = mounted.unmount;
  return mounted;
}

/** A chart's number table as rows of cell texts, header row first. */
function tableRows(caption: string): string[][] {
  const table = [...document.querySelectorAll('table')].find(
    (t) => t.caption?.textContent?.trim() === caption,
  );
  if (!table) throw new Error(`No table captioned ${caption}`);
  return [...table.rows].map((r) => [...r.cells].map((c) => c.textContent?.trim() ?? ''));
}

const barWidth = (classId: string, series: string): number => {
  const rect = document.querySelector(`[data-row="${classId}"] rect[data-series="${series}"]`);
  return Number(rect?.getAttribute('width') ?? 0);
};

describe('statistics dialog', () => {
  it('draws images per state, boxes and pending per class, and box sizes, with the numbers in tables', async () => {
    await mountDialog({ meta, images });
    await expect.element(page.getByRole('heading', { name: 'Dataset statistics' })).toBeInTheDocument();
    await expect.element(page.getByText('5 images · 4 boxes · 1 suggestion pending')).toBeInTheDocument();

    expect(tableRows('Images per state')).toEqual([
      ['State', 'Images'],
      ['Unlabeled', '1'],
      ['Unreadable', '0'],
      ['Nothing found', '1'],
      ['Has suggestions', '1'],
      ['Reviewed', '1'],
      ['Reviewed negative', '1'],
    ]);
    expect(tableRows('Boxes per class')).toEqual([
      ['Class', 'Confirmed', 'Pending'],
      ['cat', '3', '1'],
      ['dog', '1', '0'],
    ]);
    expect(tableRows('Suggestions pending per class')).toEqual([
      ['Class', 'Pending'],
      ['cat', '1'],
    ]);
    const sizes = tableRows('Box sizes relative to the image');
    expect(sizes[1]).toEqual(['≤5 %', '0']);
    expect(sizes.find((r) => r[0] === '5–10 %')).toEqual(['5–10 %', '4']);
    expect(sizes.find((r) => r[0] === '40–70 %')).toEqual(['40–70 %', '0']);
    expect(sizes.find((r) => r[0] === '70–100 %')).toEqual(['70–100 %', '1']);

    // More boxes, longer bar; pending drawn after the confirmed part; numbers written by the bars.
    expect(barWidth('c1', 'Confirmed')).toBeGreaterThan(barWidth('c2', 'Confirmed'));
    expect(barWidth('c1', 'Pending')).toBeGreaterThan(0);
    expect(document.querySelector('[data-row="c2"] rect[data-series="Pending"]')).toBeNull();
    const chart = page.getByRole('img', { name: /^Boxes per class: / });
    await expect.element(chart).toHaveAccessibleName('Boxes per class: cat 3 + 1 pending, dog 1');
    expect(chart.element().textContent).toContain('3 + 1 pending');
    expect(document.querySelector('[data-row="c1"] rect')?.getAttribute('fill')).toBe('#ff0000');
    // The bars are drawn by the shared chart frame's slot: they must still be real SVG elements.
    expect(document.querySelector('[data-row="c1"] rect')?.namespaceURI).toBe('http://www.w3.org/2000/svg');
  });

  it('refreshes on demand after the labels change', async () => {
    const { api } = await mountDialog({ meta, images });
    await expect.element(page.getByText(/^5 images · 4 boxes/)).toBeInTheDocument();
    api.docs.set('img-3', { ...api.docs.get('img-3')!, boxes: [manual('m5', 0, 0, 50, 50, 'c2')] });
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await expect.element(page.getByText(/^5 images · 5 boxes/)).toBeInTheDocument();
    expect(tableRows('Boxes per class')[2]).toEqual(['dog', '2', '0']);
  });

  it('says so when the folder has no images', async () => {
    await mountDialog({ meta, images: [] });
    await expect.element(page.getByText(/This folder has no images yet/)).toBeInTheDocument();
    expect(document.querySelector('svg[role="img"]')).toBeNull();
  });

  it('opens from the toolbar and closes again', async () => {
    const mounted = await mountWith(
      App,
      { meta, images, imageUrl: () => solidImage(200, 100, '#406080') },
      { width: 1400, height: 900 },
    );
    unmount = mounted.unmount;
    await until(() => window.__groundlabel?.imageReady);
    await page.getByRole('button', { name: 'Statistics', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Dataset statistics' });
    await expect.element(dialog).toBeVisible();
    await expect
      .element(
        page.getByRole('img', { name: /^Images per state: Unlabeled 1, Unreadable 0, Nothing found 1,/ }),
      )
      .toBeVisible();
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await expect.element(dialog).not.toBeInTheDocument();
  });
});
