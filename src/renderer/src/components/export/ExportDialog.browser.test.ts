import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { defineComponent, h, ref } from 'vue';
import { manual } from '../../testing/boxes';
import { catAndDogMeta as meta } from '../../testing/datasets';
import { mountWith } from '../../testing/mount';
import ExportDialog from './ExportDialog.vue';

let unmount = () => {};
afterEach(() => unmount());

const modelRun = { prompt: 'cat', at: '2024-01-01T00:00:00.000Z' };

/** The dialog on its own, opened once the folder is. */
const Opened = defineComponent(() => {
  const open = ref(false);
  setTimeout(() => (open.value = true));
  return () => h(ExportDialog, { open: open.value, 'onUpdate:open': (v: boolean) => (open.value = v) });
});

async function mountDialog(images: Parameters<typeof mountWith>[1]['images']) {
  const mounted = await mountWith(Opened, { meta, images });
  unmount = mounted.unmount;
  return { ...mounted, dialog: page.getByRole('dialog', { name: 'Export labels' }) };
}

describe('export dialog', () => {
  it('refuses an export of nothing up front, and offers to mark the images where nothing was found', async () => {
    const { api, dialog } = await mountDialog([
      { relPath: 'a.jpg', width: 9, height: 9, modelRun },
      { relPath: 'b.jpg', width: 9, height: 9, modelRun },
      { relPath: 'c.jpg', width: 9, height: 9 },
    ]);
    await expect.element(dialog.getByText(/^Nothing to export: no image is reviewed/)).toBeVisible();
    await expect.element(dialog.getByRole('button', { name: 'Write export' })).toBeDisabled();
    await expect
      .element(
        dialog.getByText(
          '2 images where the model found nothing are left out until they are marked negative.',
        ),
      )
      .toBeVisible();

    await userEvent.click(dialog.getByRole('button', { name: 'Mark 2 “nothing found” images negative' }));
    await expect.element(dialog.getByRole('button', { name: 'Write export' })).toBeEnabled();
    await expect.element(dialog.getByText(/^Nothing to export/)).not.toBeInTheDocument();
    await userEvent.click(dialog.getByRole('button', { name: 'Write export' }));
    await expect.element(dialog.getByText('Exported to /data/set/export-yolo')).toBeVisible();
    expect(api.callsOf('export:run')).toHaveLength(1);
  });

  it('counts what it leaves out by why', async () => {
    const { dialog } = await mountDialog([
      { relPath: 'a.jpg', width: 9, height: 9, boxes: [manual('m', 1, 1, 5, 5, 'c1')] },
      { relPath: 'b.jpg', width: 9, height: 9, modelRun },
      { relPath: 'c.jpg', width: 9, height: 9 },
    ]);
    const summary = dialog.getByRole('region', { name: 'Summary' });
    await expect.element(summary).toHaveTextContent(/Images reviewed\s*1/);
    await expect.element(summary).toHaveTextContent(/Left out: not labeled yet\s*1/);
    await expect.element(summary).toHaveTextContent(/Left out: pending suggestions only\s*0/);
    await expect.element(summary).toHaveTextContent(/Left out: nothing found, not marked negative\s*1/);
    await expect.element(dialog.getByRole('button', { name: 'Write export' })).toBeEnabled();
  });
});
