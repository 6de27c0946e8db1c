import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { numberedImages as images } from '../../testing/datasets';
import { mountWith, solidImage, until } from '../../testing/mount';
import DatasetImageList from './DatasetImageList.vue';

let unmount = () => {};
afterEach(() => {
  unmount();
  localStorage.clear();
});

/** The fake's ids, in list order; read when rows render, after the folder opened. */
let ids: readonly string[] = [];

async function mountList(n: number, broken: readonly number[] = []) {
  const thumb = solidImage(64, 48, '#c04040');
  const mounted = await mountWith(DatasetImageList, {
    images: images(n),
    // An id's index is its position in the list; a broken one answers with bytes that are no image.
    thumbUrl: (id) => (broken.includes(ids.indexOf(id)) ? 'data:image/png;base64,AAAA' : `${thumb}#${id}`),
  });
  ids = mounted.api.ids;
  unmount = mounted.unmount;
  return mounted;
}

const list = () => page.getByRole('listbox', { name: 'Images' });
const rowImages = () =>
  list()
    .getByRole('option')
    .elements()
    .map((row) => row.querySelector('img'));

describe('image list thumbnails', () => {
  it('shows a decorative thumbnail in each rendered row of 10,000 images, and only there', async () => {
    const { api } = await mountList(10_000);
    const rows = list().getByRole('option').elements();
    expect(rows.length).toBeLessThan(60);
    const imgs = rowImages();
    expect(imgs.every((img) => img !== null)).toBe(true);
    expect(imgs[0]?.getAttribute('src')).toBe(api.thumbUrl(api.ids[0]));
    expect(imgs[0]?.getAttribute('alt')).toBe('');
    expect(imgs[0]?.getAttribute('loading')).toBe('lazy');
    await until(() => (imgs[0]?.naturalWidth ?? 0) > 0);
    // Rows keep one height whatever the image, so the list can place them by index.
    const heights = new Set(rows.map((r) => r.getBoundingClientRect().height));
    expect(heights.size).toBe(1);
    // The thumbnail adds nothing to a row's name.
    expect(
      list()
        .getByRole('option', { name: /^img00000\.jpg , Unlabeled, no boxes$/ })
        .elements(),
    ).toHaveLength(1);
  });

  it('drops the thumbnails of rows scrolled away', async () => {
    const { api } = await mountList(10_000);
    const first = api.thumbUrl(api.ids[0]);
    const scroller = list().element() as HTMLElement;
    scroller.scrollTop = scroller.scrollHeight;
    scroller.dispatchEvent(new Event('scroll'));
    await until(() => !document.querySelector(`img[src="${CSS.escape(first)}"]`));
    const last = api.thumbUrl(api.ids[9_999]);
    await until(() => document.querySelector(`img[src="${CSS.escape(last)}"]`));
    expect(rowImages().length).toBeLessThan(60);
  });

  it('marks a row whose thumbnail cannot be read, keeping its name', async () => {
    await mountList(5, [2]);
    const row = list().getByRole('option', { name: /^img00002\.jpg ,/ });
    await until(() => row.element().getAttribute('aria-description') === 'Image unreadable');
    expect(row.element().querySelector('img')).toBeNull();
    expect(row.element().querySelector('[title="Image unreadable"]')).not.toBeNull();
    expect(
      list()
        .getByRole('option', { name: /^img00001\.jpg ,/ })
        .element()
        .getAttribute('aria-description'),
    ).toBeNull();
  });

  it('hides the thumbnails when asked, with shorter rows, and remembers it', async () => {
    await mountList(10_000);
    const toggle = page.getByRole('checkbox', { name: 'Show thumbnails' });
    await expect.element(toggle).toBeChecked();
    const tall = list().getByRole('option').elements()[0].getBoundingClientRect().height;
    await userEvent.click(toggle);
    await until(() => rowImages().every((img) => img === null));
    expect(list().getByRole('option').elements()[0].getBoundingClientRect().height).toBeLessThan(tall);
    unmount();
    await mountList(3);
    await expect.element(page.getByRole('checkbox', { name: 'Show thumbnails' })).not.toBeChecked();
    expect(rowImages()).toEqual([null, null, null]);
  });

  it('asks again for the thumbnail of an image that reads after all (the pixel limit was raised)', async () => {
    const broken = [2];
    const { api } = await mountList(5, broken);
    const row = list().getByRole('option', { name: /^img00002\.jpg ,/ });
    await until(() => row.element().getAttribute('aria-description') === 'Image unreadable');
    const tooLarge = 'img00002.jpg: 12000×9000 (108 MP) is more than the 100 MP pixel limit';
    api.emit('dataset:meta', { root: '/data/set', entries: [{ id: api.ids[2], error: tooLarge }] });
    broken.length = 0; // the thumbnail can be made now
    api.emit('dataset:meta', {
      root: '/data/set',
      entries: [{ id: api.ids[2], width: 12000, height: 9000 }],
    });
    await until(() => (row.element().querySelector('img')?.naturalWidth ?? 0) > 0);
    await expect.element(row).toHaveAttribute('aria-description', '12000×9000');
  });

  it('shows the size of each image once the backend has read it, and marks one it could not read', async () => {
    const { api } = await mountList(5);
    const row = (n: number) => list().getByRole('option', { name: new RegExp(`^img0000${n}\\.jpg ,`) });
    expect(row(0).element().querySelector('.size')).toBeNull();
    api.emit('dataset:meta', {
      root: '/data/set',
      entries: [
        { id: api.ids[0], width: 1600, height: 1200 },
        { id: api.ids[3], error: 'img00003.jpg: not a readable image' },
      ],
    });
    await until(() => row(0).element().querySelector('.size')?.textContent === '1600×1200');
    // The size is shown, and read out as the row's description rather than in its name.
    await expect.element(row(0)).toHaveAccessibleName(/^img00000\.jpg , Unlabeled, no boxes$/);
    await expect.element(row(0)).toHaveAttribute('aria-description', '1600×1200');
    expect(row(1).element().querySelector('.size')).toBeNull();
    await expect.element(row(3)).toHaveAttribute('aria-description', 'Image unreadable');
    expect(row(3).element().querySelector('img')).toBeNull();
    expect(row(3).element().querySelector('[title="Image unreadable"]')).not.toBeNull();
    // Without thumbnails the mark takes the size's place.
    await userEvent.click(page.getByRole('checkbox', { name: 'Show thumbnails' }));
    await until(() => rowImages().every((img) => img === null));
    expect(row(3).element().querySelector('[title="Image unreadable"]')).not.toBeNull();
    expect(row(0).element().querySelector('.size')?.textContent).toBe('1600×1200');
  });
});

describe('images where the model found nothing', () => {
  const modelRun = { prompt: 'cat', at: '2024-01-01T00:00:00.000Z' };

  async function mountFound() {
    const mounted = await mountWith(DatasetImageList, {
      images: [
        { relPath: 'a.jpg', width: 64, height: 48, modelRun },
        { relPath: 'b.jpg', width: 64, height: 48 },
        { relPath: 'c.jpg', width: 64, height: 48, modelRun },
      ],
    });
    unmount = mounted.unmount;
    return mounted;
  }

  it('have their own status in the rows and the filter, apart from untouched images', async () => {
    await mountFound();
    await expect
      .element(list().getByRole('option', { name: /^a\.jpg , Nothing found, no boxes$/ }))
      .toBeVisible();
    await expect
      .element(list().getByRole('option', { name: /^b\.jpg , Unlabeled, no boxes$/ }))
      .toBeVisible();
    expect(list().element().querySelectorAll('.dot.nothing-found')).toHaveLength(2);
    await userEvent.selectOptions(
      page.getByRole('combobox', { name: 'Filter by status' }),
      'Nothing found (2)',
    );
    expect(
      list()
        .getByRole('option')
        .elements()
        .map((r) => r.getAttribute('title')),
    ).toEqual(['a.jpg', 'c.jpg']);
  });

  it('are marked negative with one button, which one undo puts back', async () => {
    const { api } = await mountFound();
    await userEvent.click(page.getByRole('button', { name: 'Mark 2 “nothing found” images negative' }));
    await expect
      .element(page.getByRole('status'))
      .toHaveTextContent('Marked 2 images as reviewed negatives.');
    await expect.element(list().getByRole('option', { name: /^a\.jpg , Reviewed negative/ })).toBeVisible();
    expect(api.docs.get(api.ids[0])?.reviewed).toBe(true);
    expect(page.getByRole('button', { name: /“nothing found”/ }).elements()).toHaveLength(0);

    await userEvent.click(page.getByRole('button', { name: 'Undo mark negative' }));
    await expect.element(page.getByRole('status')).toHaveTextContent('Put back 2 images.');
    await expect.element(list().getByRole('option', { name: /^c\.jpg , Nothing found/ })).toBeVisible();
    expect(api.docs.get(api.ids[0])?.reviewed).toBe(false);
  });
});
