import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import App from '../../App.vue';
import { useDatasetStore } from '../../stores/dataset';
import { useSettingsStore } from '../../stores/settings';
import { numberedImages as images } from '../../testing/datasets';
import { mountWith, solidImage, until } from '../../testing/mount';

let unmount = () => {};
afterEach(() => {
  unmount();
  localStorage.clear();
});

async function mountApp(width: number, height: number, locale: 'en' | 'zh-CN' = 'en') {
  await page.viewport(width, height);
  const mounted = await mountWith(
    App,
    { images: images(3), imageUrl: () => solidImage(320, 240, '#406080') },
    { width, height },
  );
  unmount = mounted.unmount;
  useSettingsStore().setLocale(locale);
  await until(() => window.__groundlabel?.imageReady);
  // The toolbar lays itself out again once the words of the language are in.
  await new Promise(requestAnimationFrame);
  await new Promise(requestAnimationFrame);
  return mounted;
}

const toolbar = () => document.querySelector('[role="toolbar"][aria-label]') as HTMLElement;

/** The toolbar's own controls (not those in its closed "More" panel), each with its rectangle. */
function barControls(): { name: string; rect: DOMRect; el: HTMLElement }[] {
  return [...toolbar().querySelectorAll<HTMLElement>('button, input, select')]
    .filter((el) => !el.closest('#toolbar-more') && el.getBoundingClientRect().width > 0)
    .map((el) => ({
      name: el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.tagName,
      rect: el.getBoundingClientRect(),
      el,
    }));
}

const overlap = (a: DOMRect, b: DOMRect) =>
  Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
  Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;

/** Every control is inside the window, on top where it is drawn (it can be clicked), and overlaps no other. */
function expectUsable(width: number): void {
  const controls = barControls();
  for (const c of controls) {
    expect(c.rect.right, `${c.name} is inside the window`).toBeLessThanOrEqual(width + 0.5);
    const hit = document.elementFromPoint(c.rect.left + c.rect.width / 2, c.rect.top + c.rect.height / 2);
    expect(hit === c.el || c.el.contains(hit), `${c.name} can be clicked`).toBe(true);
  }
  for (const [i, a] of controls.entries())
    for (const b of controls.slice(i + 1))
      expect(overlap(a.rect, b.rect), `${a.name} and ${b.name} do not overlap`).toBe(false);
}

describe('layout on small screens', () => {
  for (const [width, height] of [
    [1024, 700],
    [1280, 720],
    [800, 600],
  ] as const)
    for (const locale of ['en', 'zh-CN'] as const)
      it(`keeps every toolbar control whole and clickable at ${width}×${height} (${locale})`, async () => {
        await mountApp(width, height, locale);
        expectUsable(width);
      });

  it('moves the groups that do not fit into "More", where each can still be used', async () => {
    await mountApp(800, 600);
    const more = page.getByRole('button', { name: 'More ▾' });
    await more.click();
    const panel = page.getByRole('group', { name: 'More' });
    for (const name of ['Import labels…', 'Statistics'])
      await expect.element(panel.getByRole('button', { name })).toBeVisible();
    await expect.element(panel.getByRole('combobox', { name: 'Language' })).toBeVisible();
    // Export and the open button stay in reach in the bar or in the panel.
    expect(page.getByRole('button', { name: 'Export' }).elements()).toHaveLength(1);
    await panel.getByRole('button', { name: 'Statistics' }).click();
    await expect.element(page.getByRole('dialog', { name: 'Dataset statistics' })).toBeVisible();
  });

  it('keeps everything in the bar on a wide window', async () => {
    await mountApp(1920, 1080);
    expect(page.getByRole('button', { name: 'More ▾' }).elements()).toHaveLength(0);
    expectUsable(1920);
  });

  it('shows why a folder did not open in full, where the page has room for it', async () => {
    const { api } = await mountApp(1024, 700);
    const message =
      '/data/elsewhere is outside the folders this server may open (/data/set); start it with --root /data/elsewhere to allow it';
    api.failNext('dataset:open', { code: 'forbidden', message });
    await useDatasetStore().open('/data/elsewhere');
    const alert = page.getByRole('alert').filter({ hasText: message });
    await expect.element(alert).toBeVisible();
    const el = alert.element() as HTMLElement;
    expect(el.textContent?.trim()).toBe(message);
    expect(el.scrollWidth).toBeLessThanOrEqual(el.clientWidth);
    expect(el.getBoundingClientRect().right).toBeLessThanOrEqual(1024);
    const field = page.getByRole('textbox', { name: 'Folder path' }).element();
    expect(field.getAttribute('aria-describedby')).toBe(el.id);
  });

  it('resizes the image list by dragging its edge or with the arrow keys, and remembers the width', async () => {
    await mountApp(1280, 720);
    const list = document.querySelector('aside') as HTMLElement;
    const splitter = page.getByRole('separator', { name: 'Width of the image list' });
    const start = list.getBoundingClientRect().width;
    const el = splitter.element() as HTMLElement;
    const r = el.getBoundingClientRect();
    const at = (x: number) => ({ clientX: x, clientY: r.top + 100, button: 0, bubbles: true, pointerId: 7 });
    el.dispatchEvent(new PointerEvent('pointerdown', at(r.left + 2)));
    el.dispatchEvent(new PointerEvent('pointermove', at(r.left + 82)));
    el.dispatchEvent(new PointerEvent('pointerup', at(r.left + 82)));
    await until(() => Math.abs(list.getBoundingClientRect().width - (start + 80)) < 1);
    el.focus();
    el.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
    await until(() => Math.abs(list.getBoundingClientRect().width - (start + 64)) < 1);
    expect(Number(localStorage.getItem('groundlabel.listWidth'))).toBe(Math.round(start + 64));
  });
});
