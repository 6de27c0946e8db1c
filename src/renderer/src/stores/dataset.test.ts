import { describe, expect, it, vi } from 'vitest';
import { suggestion } from '../testing/boxes';
import { setupStores } from '../testing/stores';
import { useDatasetStore } from './dataset';

const images = [
  { relPath: 'a.jpg', width: 10, height: 10 },
  { relPath: 'b.jpg', width: 10, height: 10, boxes: [suggestion('s')] },
  { relPath: 'c.jpg', width: 10, height: 10, reviewed: true },
  { relPath: 'd.jpg', width: 10, height: 10, boxes: [suggestion('t')] },
];

describe('dataset store', () => {
  it('opens a folder and counts images by status', async () => {
    setupStores({ images });
    const dataset = useDatasetStore();
    expect(await dataset.open('/data/set')).toBe(true);
    expect(dataset.currentId).toBe('img-0');
    expect(dataset.counts).toEqual({
      unlabeled: 1,
      unreadable: 0,
      'nothing-found': 0,
      suggested: 2,
      reviewed: 0,
      negative: 1,
    });
  });

  it('says why a folder could not be opened', async () => {
    setupStores({ images });
    const dataset = useDatasetStore();
    expect(await dataset.open('/nope')).toBe(false);
    expect(dataset.error).toBe('Cannot open /nope: no such folder');
  });

  it('picks up the folder the backend already has open', async () => {
    setupStores({ images, opened: true });
    const dataset = useDatasetStore();
    await dataset.restore();
    expect(dataset.images).toHaveLength(4);
  });

  it('steps through the filtered list, also from an image the filter hides', async () => {
    setupStores({ images });
    const dataset = useDatasetStore();
    await dataset.open('/data/set');
    dataset.filter = 'suggested';
    dataset.step(1);
    expect(dataset.current?.relPath).toBe('b.jpg');
    dataset.step(1);
    expect(dataset.current?.relPath).toBe('d.jpg');
    dataset.step(1);
    expect(dataset.current?.relPath).toBe('d.jpg');
    dataset.step(-1);
    expect(dataset.current?.relPath).toBe('b.jpg');
  });

  it('goes to the next image with suggestions, wrapping around', async () => {
    setupStores({ images });
    const dataset = useDatasetStore();
    await dataset.open('/data/set');
    dataset.select('img-3');
    expect(dataset.nextWithSuggestions()).toBe(true);
    expect(dataset.current?.relPath).toBe('b.jpg');
  });

  it('replaces an entry when its status changes, leaving the others untouched', async () => {
    setupStores({ images });
    const dataset = useDatasetStore();
    await dataset.open('/data/set');
    const before = dataset.images;
    dataset.patchEntry('img-0', { status: 'negative', boxes: 0 });
    expect(dataset.images).not.toBe(before);
    expect(dataset.images[0].status).toBe('negative');
    expect(dataset.images[1]).toBe(before[1]);
  });

  it('merges sizes and failures found in the background into the entries of the open folder only', async () => {
    const api = setupStores({ images });
    const dataset = useDatasetStore();
    await dataset.open('/data/set');
    const before = dataset.images;
    api.emit('dataset:meta', {
      root: '/data/set',
      entries: [
        { id: 'img-0', width: 1600, height: 1200 },
        { id: 'img-2', error: 'c.jpg: not a readable image' },
        { id: 'gone', width: 1, height: 1 },
      ],
    });
    expect(dataset.images[0]).toMatchObject({ relPath: 'a.jpg', width: 1600, height: 1200 });
    expect(dataset.images[2].unreadable).toBe('c.jpg: not a readable image');
    expect(dataset.images[1]).toBe(before[1]);
    // Status patches keep the size.
    dataset.patchEntry('img-0', { status: 'negative', boxes: 0 });
    expect(dataset.images[0]).toMatchObject({ status: 'negative', width: 1600 });
    // A batch of another folder (closed meanwhile) changes nothing.
    const now = dataset.images;
    api.emit('dataset:meta', { root: '/other', entries: [{ id: 'img-1', width: 5, height: 5 }] });
    expect(dataset.images).toBe(now);
  });

  it('takes back an unreadable mark when the image reads after all (the pixel limit was raised)', async () => {
    const api = setupStores({ images });
    const dataset = useDatasetStore();
    await dataset.open('/data/set');
    const tooLarge = 'a.jpg: 12000×9000 (108 MP) is more than the 100 MP pixel limit';
    api.emit('dataset:meta', { root: '/data/set', entries: [{ id: 'img-0', error: tooLarge }] });
    expect(dataset.images[0]).toMatchObject({ status: 'unreadable', unreadable: tooLarge });
    api.emit('dataset:meta', { root: '/data/set', entries: [{ id: 'img-0', width: 12000, height: 9000 }] });
    expect(dataset.images[0]).toMatchObject({ status: 'unlabeled', width: 12000 });
    expect(dataset.images[0]).not.toHaveProperty('unreadable');
  });

  it('opens the folder a second launch of the desktop app handed over, as if it was picked', async () => {
    const api = setupStores({ images });
    const dataset = useDatasetStore();
    api.emit('dataset:open-requested', { path: '/data/set' });
    await vi.waitFor(() => expect(dataset.images).toHaveLength(4));
    expect(api.callsOf('dataset:open')).toEqual([{ path: '/data/set' }]);
  });
});
