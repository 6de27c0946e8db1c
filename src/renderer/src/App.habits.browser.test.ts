import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { useDatasetStore } from './stores/dataset';
import { useEditorStore } from './stores/editor';
import { useViewStore } from './stores/view';
import { manual, suggestion } from './testing/boxes';
import { catAndDogMeta, numberedImages as images } from './testing/datasets';
import { hook, until } from './testing/mount';
import { mountApp as mountAppWith } from './testing/mount-app';

beforeAll(() => page.viewport(1400, 900));
afterEach(() => localStorage.clear());

async function mountApp(options: Parameters<typeof mountAppWith>[0]) {
  const mounted = await mountAppWith({ meta: catAndDogMeta, ...options });
  (document.querySelector('[role="application"]') as HTMLElement).focus();
  return mounted;
}

const shortcutsDialog = () => page.getByRole('dialog', { name: 'Keyboard shortcuts' });

describe('the annotator’s habits', () => {
  it('opens the shortcuts with ? and with F1, listing the new keys', async () => {
    await mountApp({ images: images(1) });
    await userEvent.keyboard('?');
    await expect.element(shortcutsDialog()).toBeVisible();
    for (const key of ['H', 'L', 'C', 'Ctrl+0', '?, F1'])
      await expect.element(shortcutsDialog().getByText(key, { exact: true })).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    await expect.element(shortcutsDialog()).not.toBeInTheDocument();
    await userEvent.keyboard('{F1}');
    await expect.element(shortcutsDialog()).toBeVisible();
  });

  it('hides boxes with H and labels with L, shows 1:1 with Ctrl+0 and fits again with Ctrl+F', async () => {
    await mountApp({ images: [{ ...images(1)[0], boxes: [manual('m', 10, 10, 50, 50, 'c1')] }] });
    const fitted = hook().view.scale;
    expect(fitted).not.toBe(1);
    await userEvent.keyboard('h');
    expect(useViewStore().showBoxes).toBe(false);
    await until(() => hook().drawn === 0);
    await userEvent.keyboard('h');
    await until(() => hook().drawn === 1);
    await userEvent.keyboard('l');
    expect(useViewStore().showLabels).toBe(false);
    await userEvent.keyboard('{Control>}0{/Control}');
    await until(() => hook().view.scale === 1);
    await userEvent.keyboard('{Control>}f{/Control}');
    await until(() => hook().view.scale === fitted);
  });

  it('copies the previous image’s confirmed boxes with C as one undo step, and says so', async () => {
    const [a, b] = images(2);
    const { api } = await mountApp({
      images: [
        {
          ...a,
          reviewed: true,
          boxes: [
            { ...manual('m', 10, 10, 50, 50, 'c1'), difficult: true },
            suggestion('s', 0.5, [100, 100, 150, 150], 'c2'),
            manual('m2', 200, 20, 260, 80, 'c2'),
          ],
        },
        b,
      ],
    });
    await userEvent.keyboard('d');
    await until(() => hook().imageReady && hook().doc?.relPath === 'img00001.jpg');
    await userEvent.keyboard('c');
    await until(() => hook().doc?.boxes.length === 2);
    // The drawn boxes, not the pending suggestion, with their classes and flags; the copies are selected.
    expect(hook().doc?.boxes[0]).toMatchObject({
      x1: 10,
      y1: 10,
      x2: 50,
      y2: 50,
      classId: 'c1',
      difficult: true,
    });
    expect(hook().doc?.boxes[0].origin).toEqual({ kind: 'manual' });
    expect(hook().doc?.boxes[1]).toMatchObject({ x1: 200, y1: 20, x2: 260, y2: 80, classId: 'c2' });
    expect(hook().doc?.boxes[1]).not.toHaveProperty('difficult');
    expect(new Set(hook().selection)).toEqual(new Set(hook().doc?.boxes.map((b) => b.id)));
    await expect.element(page.getByText('Copied 2 boxes from img00000.jpg.')).toBeVisible();
    await until(() => api.docs.get('img-1')?.boxes.length === 2);
    // Again: the box is there already, so nothing more lands.
    await userEvent.keyboard('c');
    await expect.element(page.getByText(/^Nothing copied/)).toBeVisible();
    expect(hook().doc?.boxes).toHaveLength(2);
    // One undo takes back the whole copy.
    await userEvent.keyboard('{Control>}z{/Control}');
    await until(() => hook().doc?.boxes.length === 0);
    await until(() => api.docs.get('img-1')?.boxes.length === 0);
  });

  it('says the first image has nothing before it to copy', async () => {
    await mountApp({ images: images(2) });
    await userEvent.keyboard('c');
    await expect.element(page.getByText(/no previous one to copy from/)).toBeVisible();
  });

  it('says which image of how many is open, in the list as filtered', async () => {
    await mountApp({ images: [...images(3), { ...images(4)[3], reviewed: true }] });
    const bar = page.getByRole('contentinfo');
    await expect.element(bar).toHaveTextContent(/Image 1 of 4/);
    await userEvent.keyboard('d');
    await expect.element(bar).toHaveTextContent(/Image 2 of 4/);
    useDatasetStore().filter = 'unlabeled';
    await expect.element(bar).toHaveTextContent(/Image 2 of 3/);
    await expect.element(bar).toHaveTextContent(/4 images · 0 reviewed · 1 negative/);
  });
});

describe('the box list', () => {
  const withBoxes = () => ({
    images: [
      {
        ...images(1)[0],
        boxes: [manual('m', 10, 10, 50, 50, 'c1'), suggestion('s', 0.62, [100, 100, 150, 150], 'c1')],
      },
    ],
  });
  const boxesTab = () => page.getByRole('tab', { name: /^Boxes/ });

  it('lists the image’s boxes, and selecting on the canvas or in the list is one selection', async () => {
    await mountApp(withBoxes());
    await boxesTab().click();
    await expect.element(boxesTab()).toHaveTextContent('Boxes (2)');
    const row2 = page.getByRole('button', { name: 'Box 2: cat' });
    await expect.element(row2).toHaveTextContent('cat 0.62');
    await row2.click();
    expect(hook().selection).toEqual(['s']);
    useEditorStore().select(['m']);
    await expect
      .element(page.getByRole('button', { name: 'Box 1: cat' }))
      .toHaveAttribute('aria-pressed', 'true');
    await expect.element(row2).toHaveAttribute('aria-pressed', 'false');
    // The selected row stands out from the others.
    const background = (name: string) =>
      getComputedStyle(page.getByRole('button', { name }).element().closest('li')!).backgroundColor;
    expect(background('Box 1: cat')).not.toBe(background('Box 2: cat'));
    await row2.click({ modifiers: ['Control'] });
    expect(new Set(hook().selection)).toEqual(new Set(['m', 's']));
  });

  it('changes a box’s class, flags it difficult and occluded, and deletes it, each saved', async () => {
    const { api } = await mountApp(withBoxes());
    await boxesTab().click();
    await page.getByRole('combobox', { name: 'Class of box 1' }).selectOptions('dog');
    await until(() => api.docs.get('img-0')?.boxes[0].classId === 'c2');
    // A class given from the list is not the class of the next drawn box.
    expect(useEditorStore().activeClass?.id).toBe('c1');
    await page.getByRole('checkbox', { name: 'Box 1 is difficult' }).click();
    await until(() => api.docs.get('img-0')?.boxes[0].difficult === true);
    await page.getByRole('checkbox', { name: 'Box 2 is occluded' }).click();
    // Flagging a suggestion is a decision: it is accepted.
    await until(() => api.docs.get('img-0')?.boxes[1].occluded === true);
    expect(api.docs.get('img-0')?.boxes[1].origin.kind).toBe('accepted');
    await page.getByRole('checkbox', { name: 'Box 1 is difficult' }).click();
    await until(() => api.docs.get('img-0')?.boxes[0].difficult === undefined);
    await page.getByRole('button', { name: 'Delete box 2' }).click();
    await until(() => api.docs.get('img-0')?.boxes.length === 1);
    await userEvent.keyboard('{Control>}z{/Control}');
    await until(() => api.docs.get('img-0')?.boxes.length === 2);
    // The checkbox shows the box's flag, also when the flag comes back by undo.
    const difficult = page.getByRole('checkbox', { name: 'Box 1 is difficult' });
    await expect.element(difficult).not.toBeChecked();
    await userEvent.keyboard('{Control>}z{/Control}');
    await until(() => api.docs.get('img-0')?.boxes[0].difficult === true);
    await expect.element(difficult).toBeChecked();
  });

  it('brings the box picked on the canvas into view in a long list', async () => {
    const many = Array.from({ length: 40 }, (_, i) => manual(`m${i}`, i * 5, 10, i * 5 + 20, 40, 'c1'));
    await mountApp({ images: [{ ...images(1)[0], boxes: many }] });
    await boxesTab().click();
    const panel = page.getByRole('tabpanel', { name: /^Boxes/ }).element();
    const last = page.getByRole('button', { name: 'Box 40: cat' });
    const inView = () => {
      const p = panel.getBoundingClientRect();
      const r = last.element().getBoundingClientRect();
      return r.top >= p.top && r.bottom <= p.bottom;
    };
    expect(inView()).toBe(false);
    // A click on the canvas inside the last box alone.
    const { view, canvas } = hook();
    const at = {
      clientX: canvas.left + view.x + 213 * view.scale,
      clientY: canvas.top + view.y + 25 * view.scale,
      button: 0,
      bubbles: true,
      pointerId: 1,
    };
    const host = document.querySelector('[role="application"]') as HTMLElement;
    host.dispatchEvent(new PointerEvent('pointerdown', at));
    window.dispatchEvent(new PointerEvent('pointerup', at));
    expect(hook().selection).toEqual(['m39']);
    await expect.element(last).toHaveAttribute('aria-pressed', 'true');
    await until(inView);
  });

  it('shows the class list by default with each class’s colour, key and count on this image', async () => {
    await mountApp(withBoxes());
    const tab = page.getByRole('tab', { name: /^Classes/ });
    await expect.element(tab).toHaveAttribute('aria-selected', 'true');
    await expect.element(page.getByRole('radio', { name: 'Use cat for new boxes (key 1)' })).toBeVisible();
    await expect.element(page.getByLabelText('Boxes on this image: 2')).toBeVisible();
    await expect.element(page.getByLabelText('Boxes on this image: 0')).toBeVisible();
    // Each row shows its class's colour and its key.
    await expect.element(page.getByLabelText('Colour of class cat')).toHaveValue('#ff0000');
    await expect.element(page.getByLabelText('Colour of class dog')).toHaveValue('#00ff00');
    const rows = page.getByRole('list', { name: 'Classes' }).getByRole('listitem');
    await expect.element(rows.nth(0).getByText('1', { exact: true })).toBeVisible();
    await expect.element(rows.nth(1).getByText('2', { exact: true })).toBeVisible();
    await page.getByRole('checkbox', { name: 'Show boxes of cat' }).click();
    await until(() => hook().drawn === 0);
    // The list sits in its own panel: in view without scrolling the prompt panel.
    const list = page
      .getByRole('tabpanel', { name: /^Classes/ })
      .element()
      .getBoundingClientRect();
    expect(list.bottom).toBeLessThanOrEqual(window.innerHeight);
    expect(list.height).toBeGreaterThan(100);
  });
});
