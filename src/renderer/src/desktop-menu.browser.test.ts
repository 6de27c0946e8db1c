import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { useDatasetStore } from './stores/dataset';
import { numberedImages as images } from './testing/datasets';
import { hook, until } from './testing/mount';
import { mountApp } from './testing/mount-app';

beforeAll(() => page.viewport(1400, 900));
afterEach(() => localStorage.clear());

/** A drop of one item on the page, as the desktop app receives one from the file manager. */
function drop(name: string): DragEvent {
  const data = new DataTransfer();
  data.items.add(new File([''], name));
  const event = new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true });
  document.body.dispatchEvent(event);
  return event;
}

describe('the desktop menu', () => {
  it('moves to the next image from Label → Next Image, as D does', async () => {
    const { api } = await mountApp({ images: images(3) });
    api.emit('menu:action', { action: 'next' });
    await until(() => hook().doc?.relPath === 'img00001.jpg');
  });

  it('opens the keyboard shortcuts from Help, and runs no item while that dialog is open', async () => {
    const { api } = await mountApp({ images: images(3) });
    api.emit('menu:action', { action: 'shortcuts' });
    await expect.element(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
    api.emit('menu:action', { action: 'next' });
    // Stepping changes the current image at once; the dialog kept it.
    expect(useDatasetStore().currentId).toBe('img-0');
  });
});

describe('dropping a folder onto the window', () => {
  it('opens the folder dropped, as if picked', async () => {
    const { api } = await mountApp({ images: images(2), openDropped: (item) => `/data/${item.name}` });
    const before = api.callsOf('dataset:open').length;
    expect(drop('set').defaultPrevented).toBe(true);
    await until(() => api.callsOf('dataset:open').length === before + 1);
    expect(api.callsOf('dataset:open').at(-1)).toEqual({ path: '/data/set' });
  });

  it('refuses a dropped file, naming it', async () => {
    const { api } = await mountApp({ images: images(2), openDropped: () => null });
    const before = api.callsOf('dataset:open').length;
    drop('notes.txt');
    await expect
      .element(page.getByRole('alert').filter({ hasText: 'Drop a folder to open it' }))
      .toHaveTextContent('Drop a folder to open it: notes.txt is not a folder.');
    expect(api.callsOf('dataset:open')).toHaveLength(before);
  });

  it('in browser mode, keeps the page where it is and opens nothing', async () => {
    const { api } = await mountApp({ images: images(2) });
    const before = api.callsOf('dataset:open').length;
    expect(drop('set').defaultPrevented).toBe(true);
    expect(api.callsOf('dataset:open')).toHaveLength(before);
  });
});
