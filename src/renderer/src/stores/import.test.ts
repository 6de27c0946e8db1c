import { describe, expect, it } from 'vitest';
import { importResult } from '../testing/imports';
import { manual } from '../testing/boxes';
import { settle, setupStores, threeImages } from '../testing/stores';
import { useDatasetStore } from './dataset';
import { useEditorStore } from './editor';
import { useImportStore } from './import';
import { useProjectStore } from './project';

const meta = {
  classes: [{ id: 'c1', name: 'cat', color: '#ff0000' }],
  phraseClasses: {},
  promptHistory: [],
};

/** a.jpg already has a reviewed cat box; the file labels a.jpg and b.jpg, and names one image the dataset lacks. */
const file = importResult(
  ['cat', 'dog'],
  [
    { relPath: 'a.jpg', boxes: [[1, 100, 20, 150, 80]] },
    { relPath: 'b.jpg', boxes: [[0, 5, 5, 40, 40]] },
  ],
  {
    errors: [
      {
        where: 'images[2].file_name',
        message:
          'images[2].file_name "gone.jpg" is not in the image folder; the entry and its annotations are left out',
        imageNotFound: true,
      },
    ],
  },
);

async function ready() {
  const api = setupStores({
    meta,
    images: [
      { ...threeImages[0], reviewed: true, boxes: [manual('m1', 10, 10, 50, 50, 'c1')] },
      threeImages[1],
      threeImages[2],
    ],
    imports: { '/labels/coco.json': file },
  });
  await useDatasetStore().open('/data/set');
  const editor = useEditorStore();
  await editor.open(api.ids[0]);
  const store = useImportStore();
  store.format = 'coco';
  store.path = '/labels/coco.json';
  return { api, store, editor, dataset: useDatasetStore(), project: useProjectStore() };
}

describe('import store', () => {
  it('shows the counts first and offers the import only for what was previewed', async () => {
    const { api, store } = await ready();
    expect(store.canApply).toBe(false);
    expect(await store.apply()).toBe(false);
    expect(api.callsOf('import:apply')).toEqual([]);
    expect(await store.runPreview()).toBe(true);
    expect(store.preview).toMatchObject({
      matched: 2,
      notFound: 1,
      annotated: 1,
      annotatedBoxes: 1,
      boxes: 2,
      newClasses: ['dog'],
    });
    expect(store.asksMode).toBe(true);
    expect(store.canApply).toBe(true);
    store.path = '/labels/other.json';
    expect(store.stale).toBe(true);
    expect(store.canApply).toBe(false);
    store.path = ' /labels/coco.json ';
    expect(store.canApply).toBe(true);
  });

  it('merges, then refreshes the image list, the classes and the image on screen', async () => {
    const { api, store, editor, dataset, project } = await ready();
    await store.runPreview();
    store.mode = 'merge';
    expect(await store.apply()).toBe(true);
    expect(api.callsOf('import:apply')).toEqual([
      { format: 'coco', path: '/labels/coco.json', mode: 'merge' },
    ]);
    expect(store.applied).toMatchObject({ images: 2, boxes: 2, merged: 1, skipped: 0, newClasses: ['dog'] });
    expect(project.classes.map((c) => c.name)).toEqual(['cat', 'dog']);
    expect(dataset.images.map((im) => [im.relPath, im.status, im.boxes])).toEqual([
      ['a.jpg', 'reviewed', 2],
      ['b.jpg', 'reviewed', 1],
      ['c.jpg', 'unlabeled', 0],
    ]);
    await settle();
    expect(editor.boxes.map((b) => b.id)[0]).toBe('m1');
    expect(editor.boxes).toHaveLength(2);
    // The preview was of the state before the import.
    expect(store.preview).toBeNull();
    expect(store.canApply).toBe(false);
  });

  it('skips annotated images when asked', async () => {
    const { api, store } = await ready();
    await store.runPreview();
    store.mode = 'skip';
    await store.apply();
    expect(store.applied).toMatchObject({ images: 1, skipped: 1 });
    expect(api.docs.get(api.ids[0])?.boxes.map((b) => b.id)).toEqual(['m1']);
  });

  it('shows why a preview or an import failed', async () => {
    const { api, store } = await ready();
    store.path = '/labels/nope.json';
    expect(await store.runPreview()).toBe(false);
    expect(store.error).toBe('/labels/nope.json does not exist');
    expect(store.preview).toBeNull();
    store.path = '/labels/coco.json';
    await store.runPreview();
    api.failNext('import:apply', { code: 'io-failed', message: 'disk full' });
    expect(await store.apply()).toBe(false);
    expect(store.error).toBe('disk full');
    expect(store.applied).toBeNull();
  });
});
