import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import App from '../../App.vue';
import { manual } from '../../testing/boxes';
import { importResult } from '../../testing/imports';
import { hook, mountWith, solidImage, until } from '../../testing/mount';

let unmount = () => {};
beforeAll(() => page.viewport(1400, 900));
afterEach(() => {
  unmount();
  localStorage.clear();
});

const meta = { classes: [{ id: 'c1', name: 'cat', color: '#ff0000' }], phraseClasses: {}, promptHistory: [] };

/** img0 has a reviewed cat box; the file labels img0 and img1 and adds the class "dog". */
async function mountApp() {
  const mounted = await mountWith(
    App,
    {
      meta,
      images: [
        {
          relPath: 'img0.jpg',
          width: 200,
          height: 100,
          reviewed: true,
          boxes: [manual('m1', 10, 10, 50, 50)],
        },
        { relPath: 'img1.jpg', width: 200, height: 100 },
        { relPath: 'img2.jpg', width: 200, height: 100 },
      ],
      imageUrl: () => solidImage(200, 100, '#406080'),
      imports: {
        'labels/coco.json': importResult(
          ['cat', 'dog'],
          [
            { relPath: 'img0.jpg', boxes: [[1, 100, 20, 150, 80]] },
            { relPath: 'img1.jpg', boxes: [[0, 5, 5, 40, 40]] },
          ],
          { clipped: 1 },
        ),
        'labels/fresh.json': importResult(['cat'], [{ relPath: 'img2.jpg', boxes: [] }]),
      },
    },
    { width: 1400, height: 900 },
  );
  unmount = mounted.unmount;
  await until(() => window.__groundlabel?.imageReady);
  return mounted;
}

const dialog = () => page.getByRole('dialog', { name: 'Import labels' });

describe('import dialog', () => {
  it('shows the counts first, asks about annotated images, then imports and refreshes the app', async () => {
    const { api } = await mountApp();
    await page.getByRole('button', { name: 'Import labels…' }).click();
    await expect.element(dialog()).toBeVisible();
    const importButton = dialog().getByRole('button', { name: 'Import', exact: true });
    await expect.element(importButton).toBeDisabled();
    await dialog().getByRole('radio', { name: 'COCO detection JSON' }).click();
    await userEvent.fill(dialog().getByRole('textbox', { name: 'Label file or folder' }), 'labels/coco.json');
    await dialog().getByRole('button', { name: 'Preview' }).click();

    const summary = dialog().getByRole('region', { name: 'What the import would do' });
    await expect.element(summary.getByText('Images of the dataset with labels in the file')).toBeVisible();
    expect(summary.element().textContent).toMatch(/Boxes to import\s*2/);
    expect(summary.element().textContent).toMatch(/Of those, images that already have annotations\s*1/);
    expect(summary.element().textContent).toMatch(/Boxes clipped to their image\s*1/);
    expect(summary.element().textContent).toMatch(/New classes\s*dog/);
    const replace = dialog().getByRole('radio', { name: 'Replace' });
    await expect.element(replace).toHaveAccessibleDescription(/Delete their boxes/);
    await expect.element(dialog().getByRole('radio', { name: 'Merge' })).toBeChecked();
    await replace.click();
    await expect.element(importButton).toBeEnabled();
    await importButton.click();

    await expect.element(dialog().getByText('Imported boxes: 2, into images: 2.')).toBeVisible();
    await expect.element(dialog().getByText(/replaced: 1/)).toBeVisible();
    expect(api.callsOf('import:apply')).toEqual([
      { format: 'coco', path: 'labels/coco.json', mode: 'replace' },
    ]);
    await expect.element(page.getByRole('option', { name: /img1\.jpg.*Reviewed/ })).toBeInTheDocument();
    // The image on screen shows the imported box in place of the old one.
    await until(() => hook().doc?.boxes.length === 1 && hook().doc?.boxes[0].id !== 'm1');
    await expect.element(importButton).toBeDisabled();
  });

  it('does not ask about annotated images when there are none, and shows why a preview failed', async () => {
    const { api } = await mountApp();
    await page.getByRole('button', { name: 'Import labels…' }).click();
    const path = dialog().getByRole('textbox', { name: 'Label file or folder' });
    await userEvent.fill(path, 'nowhere');
    await dialog().getByRole('button', { name: 'Preview' }).click();
    await expect.element(dialog().getByRole('alert')).toHaveTextContent('nowhere does not exist');
    await userEvent.fill(path, 'labels/fresh.json');
    await dialog().getByRole('button', { name: 'Preview' }).click();
    const summary = dialog().getByRole('region', { name: 'What the import would do' });
    await expect
      .element(summary)
      .toHaveTextContent(/Images listed with no boxes \(become reviewed negatives\)\s*1/);
    await expect.element(dialog().getByRole('radio', { name: 'Merge' })).not.toBeInTheDocument();
    await dialog().getByRole('button', { name: 'Import', exact: true }).click();
    await expect.element(dialog().getByText('Imported boxes: 0, into images: 1.')).toBeVisible();
    await expect.element(page.getByRole('option', { name: /img2\.jpg.*negative/i })).toBeInTheDocument();
    expect(api.callsOf('import:apply')).toHaveLength(1);
  });
});
