import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { useProjectStore } from '../../stores/project';
import { manual } from '../../testing/boxes';
import { catAndDogMeta } from '../../testing/datasets';
import { mountWith } from '../../testing/mount';
import ClassesPanel from './ClassesPanel.vue';

let unmount = () => {};
afterEach(() => {
  unmount();
  localStorage.clear();
});

async function mountPanel() {
  const mounted = await mountWith(ClassesPanel, {
    meta: catAndDogMeta,
    images: [{ relPath: 'a.jpg', width: 200, height: 100, boxes: [manual('m1', 1, 1, 9, 9, 'c1')] }],
  });
  unmount = mounted.unmount;
  return mounted;
}

/** The row's Delete button, behind its Move or delete button. */
async function deleteCat(): Promise<void> {
  await page.getByRole('button', { name: 'Move or delete cat' }).click();
  await page.getByRole('button', { name: 'Delete class cat' }).click();
}

const dialog = () => page.getByRole('dialog', { name: 'Delete class “cat”' });
const classNames = () => useProjectStore().classes.map((c) => c.name);

describe('delete class dialog', () => {
  it('opens from the class row, and Cancel or Escape close it without deleting', async () => {
    await mountPanel();
    await deleteCat();
    await expect.element(dialog()).toBeVisible();
    await expect.element(dialog().getByRole('radio', { name: 'Move them to' })).toBeChecked();
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await expect.element(dialog()).not.toBeInTheDocument();

    await deleteCat();
    await expect.element(dialog()).toBeVisible();
    await userEvent.keyboard('{Escape}');
    await expect.element(dialog()).not.toBeInTheDocument();
    expect(classNames()).toEqual(['cat', 'dog']);
  });

  it('deletes the class on confirm and closes', async () => {
    await mountPanel();
    await deleteCat();
    await dialog().getByRole('button', { name: 'Delete class', exact: true }).click();
    await expect.element(dialog()).not.toBeInTheDocument();
    expect(classNames()).toEqual(['dog']);
  });
});
