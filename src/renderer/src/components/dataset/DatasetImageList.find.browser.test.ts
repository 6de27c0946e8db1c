import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import App from '../../App.vue';
import { useDatasetStore } from '../../stores/dataset';
import { usePromptStore } from '../../stores/prompt';
import { detection, manual, suggestion } from '../../testing/boxes';
import { catAndDogMeta } from '../../testing/datasets';
import { mountWith, solidImage, until } from '../../testing/mount';
import DatasetImageList from './DatasetImageList.vue';
// Laid out as in the app: its hidden-text rule keeps the row's read-out name out of the way.
import '../../styles.css';

let unmount = () => {};
afterEach(() => {
  unmount();
  localStorage.clear();
});

const img = (relPath: string, extra: object = {}) => ({ relPath, width: 320, height: 240, ...extra });
const FOLDER = [
  img('IMG_20230512_0001.jpg', { boxes: [manual('a', 1, 1, 20, 20, 'c1')], reviewed: true }),
  img('IMG_20230512_0002.jpg', { boxes: [suggestion('b', 0.7, [1, 1, 20, 20], 'c2')] }),
  img('street/motorcycle_parked_on_the_corner_0003.png'),
  img('street/bicycle.png', { reviewed: true }),
];

const list = () => page.getByRole('listbox', { name: 'Images' });
const names = () =>
  list()
    .getByRole('option')
    .elements()
    .map((r) => r.getAttribute('title'));

async function mountList(width = 260) {
  const mounted = await mountWith(
    DatasetImageList,
    { images: FOLDER, meta: catAndDogMeta },
    { width, height: 600 },
  );
  unmount = mounted.unmount;
  return mounted;
}

describe('finding images in the list', () => {
  it('searches file names in any case, and filters by class and by state together', async () => {
    await mountList();
    await userEvent.fill(page.getByRole('searchbox', { name: 'Search file names' }), 'img_2023');
    await until(() => names().length === 2);
    expect(names()).toEqual(['IMG_20230512_0001.jpg', 'IMG_20230512_0002.jpg']);
    await userEvent.selectOptions(page.getByRole('combobox', { name: 'Filter by class' }), 'dog');
    await until(() => names().length === 1);
    expect(names()).toEqual(['IMG_20230512_0002.jpg']);
    await userEvent.fill(page.getByRole('searchbox', { name: 'Search file names' }), '');
    await userEvent.selectOptions(page.getByRole('combobox', { name: 'Filter by class' }), 'cat');
    await userEvent.selectOptions(page.getByRole('combobox', { name: 'Filter by status' }), 'Reviewed (1)');
    await until(() => names().length === 1);
    expect(names()).toEqual(['IMG_20230512_0001.jpg']);
    await expect.element(page.getByText('1 of 4')).toBeVisible();
  });

  it('gives images whose file cannot be read their own state and filter, not "Unlabeled"', async () => {
    const { api } = await mountList();
    api.emit('dataset:meta', {
      root: '/data/set',
      entries: [{ id: api.ids[2], error: 'motorcycle_parked_on_the_corner_0003.png: not a readable image' }],
    });
    await expect
      .element(list().getByRole('option', { name: /^street\/motorcycle.* , Unreadable, no boxes$/ }))
      .toBeVisible();
    await userEvent.selectOptions(page.getByRole('combobox', { name: 'Filter by status' }), 'Unreadable (1)');
    await until(() => names().length === 1);
    expect(useDatasetStore().counts.unlabeled).toBe(0);
    // An image with labels keeps its own state even if its file cannot be read now.
    api.emit('dataset:meta', { root: '/data/set', entries: [{ id: api.ids[0], error: 'gone' }] });
    await until(() => useDatasetStore().images[0].unreadable === 'gone');
    expect(useDatasetStore().images[0].status).toBe('reviewed');
  });

  it('shortens long names in the middle, so numbered names stay apart, with the whole name on hover', async () => {
    await mountList(200);
    const rows = list().getByRole('option').elements();
    const tails = rows.map((r) => r.querySelector('.tail-part') as HTMLElement);
    const heads = rows.map((r) => r.querySelector('.head-part') as HTMLElement);
    expect(tails.slice(0, 3).map((t) => t.textContent)).toEqual(['0001.jpg', '0002.jpg', '0003.png']);
    // The long one gives way at its head; its tail shows whole.
    expect(heads[2].scrollWidth).toBeGreaterThan(heads[2].clientWidth);
    expect(tails[2].getBoundingClientRect().right).toBeLessThanOrEqual(rows[2].getBoundingClientRect().right);
    expect(tails[2].getBoundingClientRect().width).toBeGreaterThan(0);
    expect(rows[2].getAttribute('title')).toBe('street/motorcycle_parked_on_the_corner_0003.png');
  });
});

describe('picking several images', () => {
  async function mountApp() {
    const mounted = await mountWith(
      App,
      {
        images: FOLDER,
        meta: catAndDogMeta,
        imageUrl: () => solidImage(320, 240, '#406080'),
        model: { loaded: true, name: 'tiny', provider: 'cpu' },
        detect: (relPath) => (relPath.endsWith('.png') ? [detection('cat', 0.8, [10, 10, 60, 60])] : []),
      },
      { width: 1400, height: 900 },
    );
    unmount = mounted.unmount;
    await until(() => window.__groundlabel?.imageReady);
    return mounted;
  }
  const row = (name: string) =>
    list().getByRole('option', { name: new RegExp(`^${name.replace(/[./]/g, '\\$&')} ,`) });

  it('marks the picked images negative in one step, leaving those with drawn boxes as they are', async () => {
    const { api } = await mountApp();
    // The first image is open: Shift+click picks from it down to the third.
    await row('street/motorcycle_parked_on_the_corner_0003.png').click({ modifiers: ['Shift'] });
    await expect.element(page.getByText('3 images picked')).toBeVisible();
    await row('IMG_20230512_0002.jpg').click({ modifiers: ['Control'] });
    await expect.element(page.getByText('2 images picked')).toBeVisible();
    await row('street/bicycle.png').click({ modifiers: ['Control'] });
    await expect.element(page.getByText('3 images picked')).toBeVisible();
    // The open image stays the same.
    expect(useDatasetStore().current?.relPath).toBe('IMG_20230512_0001.jpg');
    await page.getByRole('button', { name: 'Mark negative' }).click();
    await expect
      .element(page.getByRole('status').filter({ hasText: /^Marked 2 images negative/ }))
      .toHaveTextContent('Marked 2 images negative. 1 image with boxes was left as it is.');
    expect(api.docs.get(api.ids[2])?.reviewed).toBe(true);
    expect(api.docs.get(api.ids[2])?.boxes).toEqual([]);
    expect(api.docs.get(api.ids[0])?.boxes).toHaveLength(1);
    await expect
      .element(row('street/motorcycle_parked_on_the_corner_0003.png'))
      .toHaveAccessibleName(/Reviewed negative/);
  });

  it('runs the prompt on the picked images only', async () => {
    const { api } = await mountApp();
    usePromptStore().setText('cat');
    await row('street/bicycle.png').click({ modifiers: ['Control'] });
    await row('IMG_20230512_0001.jpg').click({ modifiers: ['Control'] });
    await row('street/motorcycle_parked_on_the_corner_0003.png').click({ modifiers: ['Control'] });
    await expect.element(page.getByText('2 images picked')).toBeVisible();
    await page.getByRole('button', { name: 'Run prompt on them' }).click();
    await until(() => api.callsOf('batch:start').length === 1);
    expect(api.callsOf('batch:start')[0].ids).toEqual([api.ids[2], api.ids[3]]);
    await expect
      .element(row('street/motorcycle_parked_on_the_corner_0003.png'))
      .toHaveAccessibleName(/Has suggestions/);
  });
});
