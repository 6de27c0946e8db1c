import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import type { LabelSource } from '../../../../shared/ipc/contract';
import App from '../../App.vue';
import { manual } from '../../testing/boxes';
import { importResult } from '../../testing/imports';
import { mountWith, solidImage, until } from '../../testing/mount';

let unmount = () => {};
beforeAll(() => page.viewport(1400, 900));
afterEach(() => {
  unmount();
  localStorage.clear();
});

const COCO = {
  format: 'coco',
  path: 'annotations/instances.json',
  evidence: { kind: 'json', file: 'instances.json', bytes: 3 * 1024 },
} as const;

async function mountApp(annotated = false, sources: readonly LabelSource[] = [COCO, VOC_BESIDE]) {
  const mounted = await mountWith(
    App,
    {
      images: [
        {
          relPath: 'img0.jpg',
          width: 200,
          height: 100,
          ...(annotated && { reviewed: true, boxes: [manual('m1', 10, 10, 50, 50)] }),
        },
        { relPath: 'img1.jpg', width: 200, height: 100 },
      ],
      imageUrl: () => solidImage(200, 100, '#406080'),
      labelSources: sources,
      imports: {
        [COCO.path]: importResult(['cat'], [{ relPath: 'img1.jpg', boxes: [[0, 5, 5, 40, 40]] }]),
      },
    },
    { width: 1400, height: 900 },
  );
  unmount = mounted.unmount;
  await until(() => window.__groundlabel?.imageReady);
  return mounted;
}

const VOC_BESIDE: LabelSource = { format: 'voc', path: '.', evidence: { kind: 'beside', files: 2 } };

const banner = () => page.getByRole('status').filter({ hasText: 'Labels found in this folder' });
const dialog = () => page.getByRole('dialog', { name: 'Import labels' });

describe('labels found in the folder', () => {
  it('words what gave the labels away, with the count in the right number', async () => {
    await mountApp(false, [
      { format: 'yolo', path: 'data.yaml', evidence: { kind: 'manifest', file: 'data.yaml', files: 1 } },
    ]);
    await expect.element(banner()).toHaveTextContent('YOLO (data.yaml + 1 label file).');
    unmount();
    await mountApp(false, [VOC_BESIDE]);
    await expect.element(banner()).toHaveTextContent('Pascal VOC (2 label files beside the images).');
    unmount();
    await mountApp(false, [{ format: 'labelme', path: '.', evidence: { kind: 'beside', files: 1 } }]);
    await expect
      .element(banner())
      .toHaveTextContent('LabelMe / X-AnyLabeling (1 label file beside the images).');
  });

  it('offers the most likely labels and opens the import dialog on them with the preview made', async () => {
    const { api } = await mountApp();
    await expect
      .element(banner())
      .toHaveTextContent('Labels found in this folder: COCO (instances.json, 3 KiB).');
    await banner()
      .getByRole('button', { name: 'Import the COCO labels at annotations/instances.json' })
      .click();
    await expect.element(dialog()).toBeVisible();
    await expect.element(dialog().getByRole('radio', { name: 'COCO detection JSON' })).toBeChecked();
    await expect
      .element(dialog().getByRole('textbox', { name: 'Label file or folder' }))
      .toHaveValue(COCO.path);
    const summary = dialog().getByRole('region', { name: 'What the import would do' });
    await expect.element(summary).toBeVisible();
    expect(summary.element().textContent).toMatch(/Boxes to import\s*1/);
    expect(api.callsOf('import:preview')).toEqual([{ format: 'coco', path: COCO.path }]);

    await dialog().getByRole('button', { name: 'Import', exact: true }).click();
    await expect.element(dialog().getByText('Imported boxes: 1, into images: 1.')).toBeVisible();
    // Something is annotated now: the offer is gone.
    await expect.element(banner()).not.toBeInTheDocument();
  });

  it('offers the other sources found too, each opening the dialog on itself', async () => {
    const { api } = await mountApp();
    await expect
      .element(banner())
      .toHaveTextContent(
        'Labels found in this folder: COCO (instances.json, 3 KiB).Import…Also: Pascal VOC (2 label files beside the images).Import…Dismiss',
      );
    await banner().getByRole('button', { name: 'Import the Pascal VOC labels at .' }).click();
    await expect.element(dialog()).toBeVisible();
    await expect.element(dialog().getByRole('radio', { name: 'Pascal VOC XML' })).toBeChecked();
    await expect.element(dialog().getByRole('textbox', { name: 'Label file or folder' })).toHaveValue('.');
    await until(() => api.callsOf('import:preview').length > 0);
    expect(api.callsOf('import:preview')).toEqual([{ format: 'voc', path: '.' }]);
  });

  it('goes away when dismissed, and the import dialog opened by hand starts without a preview', async () => {
    const { api } = await mountApp();
    await banner().getByRole('button', { name: 'Dismiss the labels found in this folder' }).click();
    await expect.element(banner()).not.toBeInTheDocument();
    await page.getByRole('button', { name: 'Import labels…' }).click();
    await expect.element(dialog()).toBeVisible();
    await expect
      .element(dialog().getByRole('region', { name: 'What the import would do' }))
      .not.toBeInTheDocument();
    expect(api.callsOf('import:preview')).toEqual([]);
  });

  it('is not offered in a project that has annotations', async () => {
    await mountApp(true);
    await expect.element(page.getByRole('button', { name: 'Import labels…' })).toBeVisible();
    expect(page.getByText('Labels found in this folder').elements()).toHaveLength(0);
  });
});
