import { describe, expect, it } from 'vitest';
import { editOf, editorTarget, viaApi } from '../../../../test/fixtures/edits';
import { detection, manual, suggestion } from '../testing/boxes';
import { catAndDogMeta as meta } from '../testing/datasets';
import { settle, setupStores } from '../testing/stores';
import { useBatchStore } from './batch';
import { useDatasetStore } from './dataset';
import { useModelStore } from './model';
import { useSaveStore } from './save';
import { useStatsStore } from './stats';

const images = [
  { relPath: 'a.jpg', width: 200, height: 100, boxes: [manual('m1', 10, 10, 50, 50, 'c1')] },
  { relPath: 'b.jpg', width: 200, height: 100, boxes: [suggestion('s1', 0.5, [0, 0, 20, 20], 'c2')] },
  { relPath: 'c.jpg', width: 200, height: 100, reviewed: true },
  { relPath: 'd.jpg', width: 200, height: 100 },
];
const cat = detection('cat', 0.9, [10, 10, 60, 60]);

async function ready(options: Parameters<typeof setupStores>[0] = { meta, images }) {
  const api = setupStores(options);
  await useDatasetStore().open('/data/set');
  return { api, stats: useStatsStore() };
}

describe('stats store', () => {
  it('loads the dataset numbers when shown, with totals', async () => {
    const { api, stats } = await ready();
    await stats.show();
    expect(api.callsOf('dataset:stats')).toHaveLength(1);
    expect(stats.stats?.images).toEqual({
      unlabeled: 1,
      unreadable: 0,
      'nothing-found': 0,
      suggested: 1,
      reviewed: 1,
      negative: 1,
    });
    expect(stats.stats?.boxesPerClass.map((c) => [c.name, c.boxes, c.pending])).toEqual([
      ['cat', 1, 0],
      ['dog', 0, 1],
    ]);
    expect([stats.totalImages, stats.totalBoxes, stats.totalPending]).toEqual([4, 1, 1]);
  });

  it('shows why loading failed, and clears it on the next good load', async () => {
    const { api, stats } = await ready();
    api.failNext('dataset:stats', { code: 'io-failed', message: 'Cannot read the labels' });
    await stats.show();
    expect(stats.error).toBe('Cannot read the labels');
    expect(stats.stats).toBeNull();
    await stats.load();
    expect(stats.error).toBeNull();
    expect(stats.totalImages).toBe(4);
  });

  it('keeps the answer of the newest load when an older one comes back later', async () => {
    const { api, stats } = await ready();
    // The first reply is counted before a box is added, and arrives after the second.
    const real = api['dataset:stats'];
    let deliverFirst = () => {};
    let calls = 0;
    Object.assign(api, {
      'dataset:stats': async (request: Parameters<typeof real>[0]) => {
        const reply = await real(request);
        if (++calls === 1) await new Promise<void>((resolve) => (deliverFirst = resolve));
        return reply;
      },
    });
    const first = stats.show();
    await settle();
    api.docs.set('img-3', { ...api.docs.get('img-3')!, boxes: [manual('m2', 0, 0, 9, 9, 'c1')] });
    await stats.load();
    expect(stats.totalBoxes).toBe(2);
    deliverFirst();
    await first;
    expect(stats.totalBoxes).toBe(2);
    expect(stats.loading).toBe(false);
  });

  it('refreshes when a batch finishes while shown, and not while hidden', async () => {
    const { api, stats } = await ready({
      meta,
      images,
      model: { loaded: true, provider: 'cpu' },
      detect: (relPath) => (relPath === 'd.jpg' ? [cat] : []),
    });
    const batch = useBatchStore();
    await useModelStore().refresh();
    await stats.show();
    expect(stats.totalPending).toBe(1);
    await api['batch:start']({
      ids: ['img-3'],
      prompt: 'cat',
      thresholds: { box: 0.3, text: 0.2, nmsIou: null },
    });
    for (let i = 0; i < 100 && stats.totalPending < 2; i++) await settle();
    expect(stats.totalPending).toBe(2);
    expect(batch.running).toBe(false);

    stats.hide();
    const calls = api.callsOf('dataset:stats').length;
    api.emit('batch:finished', { status: api.batch! });
    await settle();
    expect(api.callsOf('dataset:stats')).toHaveLength(calls);
  });

  it('refreshes shortly after a save while shown', async () => {
    const { api, stats } = await ready();
    await stats.show();
    const edit = await editOf(await viaApi(api), 'img-3', { reviewed: true });
    expect((await useSaveStore().saveImage('img-3', edit.doc, editorTarget(edit))).ok).toBe(true);
    for (let i = 0; i < 50 && stats.stats?.images.negative !== 2; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(stats.stats?.images).toMatchObject({ unlabeled: 0, negative: 2 });
  });

  it('forgets the numbers of a folder when another one opens', async () => {
    const { stats } = await ready();
    await stats.show();
    expect(stats.stats).not.toBeNull();
    stats.hide();
    useDatasetStore().root = null;
    await settle();
    expect(stats.stats).toBeNull();
  });
});
