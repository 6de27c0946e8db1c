import { describe, expect, it } from 'vitest';
import { manual } from '../testing/boxes';
import { catAndDogMeta as meta } from '../testing/datasets';
import { setupStores } from '../testing/stores';
import { useDatasetStore } from './dataset';
import { useExportStore } from './export';

describe('export store', () => {
  it('previews the chosen classes and split before writing', async () => {
    const api = setupStores({
      meta,
      images: [{ relPath: 'a.jpg', width: 9, height: 9, boxes: [manual('m', 1, 1, 5, 5, 'c2')] }],
    });
    await useDatasetStore().open('/data/set');
    const store = useExportStore();
    store.toggleClass('c1', false);
    store.split = true;
    store.valFraction = 0.25;
    store.seed = 's1';
    await store.preview();
    expect(api.callsOf('export:preview')[0]).toEqual({
      format: 'yolo',
      classIds: ['c2'],
      valFraction: 0.25,
      seed: 's1',
    });
    expect(store.summary).toMatchObject({ reviewed: 1, boxesPerClass: [{ name: 'dog', boxes: 1 }] });
  });

  it('writes the export with progress and shows where it went', async () => {
    setupStores({ meta, images: [{ relPath: 'a.jpg', width: 9, height: 9, reviewed: true }] });
    await useDatasetStore().open('/data/set');
    const store = useExportStore();
    store.format = 'coco';
    expect(await store.run()).toBe(true);
    expect(store.progress).toEqual({ done: 1, total: 1 });
    expect(store.outDir).toBe('/data/set/export-coco');
  });

  it('counts images where nothing was found apart, and shows the refusal of an export of nothing', async () => {
    const modelRun = { prompt: 'cat', at: '2024-01-01T00:00:00.000Z' };
    setupStores({
      meta,
      images: [
        { relPath: 'a.jpg', width: 9, height: 9, modelRun },
        { relPath: 'b.jpg', width: 9, height: 9, modelRun },
        { relPath: 'c.jpg', width: 9, height: 9 },
      ],
    });
    await useDatasetStore().open('/data/set');
    const store = useExportStore();
    await store.preview();
    expect(store.summary).toMatchObject({
      reviewed: 0,
      leftOut: { unlabeled: 1, suggested: 0, 'nothing-found': 2 },
    });
    expect(await store.run()).toBe(false);
    expect(store.outDir).toBeNull();
    expect(store.error).toMatch(
      /^Nothing to export: .*\(2 images where the model found nothing, 1 image not labeled yet\)/,
    );
  });
});
