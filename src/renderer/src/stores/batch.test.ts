import { describe, expect, it, vi } from 'vitest';
import { watch } from 'vue';
import type { BatchStatus } from '../../../shared/ipc/contract';
import { catsAndDogs, readyToPrompt, settle, setupStores, threeImages } from '../testing/stores';
import { useAcceptStore } from './accept';
import { BATCH_UPDATE_MS, useBatchStore } from './batch';
import { useDatasetStore } from './dataset';

async function ready() {
  let batch!: ReturnType<typeof useBatchStore>;
  const stores = await readyToPrompt(catsAndDogs, () => (batch = useBatchStore()));
  return { ...stores, batch };
}

/** Waits until the batch store says the batch is over. */
async function finished(batch: ReturnType<typeof useBatchStore>): Promise<void> {
  for (let i = 0; i < 100 && batch.running; i++) await settle();
  expect(batch.running).toBe(false);
}

describe('batch store', () => {
  it('shows what a running batch did at most every BATCH_UPDATE_MS, as one new list, and all of it when it ends', async () => {
    const { api, batch, dataset } = await ready();
    let lists = 0;
    watch(
      () => dataset.images,
      () => lists++,
      { flush: 'sync' },
    );
    vi.useFakeTimers();
    try {
      const image = (i: number) => ({
        jobId: 'j',
        id: `img-${i}`,
        relPath: `${'abc'[i]}.jpg`,
        status: 'suggested' as const,
        boxes: 1,
        classIds: ['c'],
        outcome: 'labeled' as const,
      });
      const progress = (done: number) => ({
        jobId: 'j',
        done,
        total: 3,
        relPath: 'a.jpg',
        rate: 5,
        etaSeconds: 1,
      });
      // The first image shows at once; the next ones wait for the interval and come together.
      api.emit('batch:image', image(0));
      api.emit('batch:progress', progress(1));
      expect(dataset.images.map((im) => im.status)).toEqual(['suggested', 'unlabeled', 'unlabeled']);
      api.emit('batch:image', image(1));
      api.emit('batch:progress', progress(2));
      expect(dataset.images.map((im) => im.status)).toEqual(['suggested', 'unlabeled', 'unlabeled']);
      expect(lists).toBe(1);
      vi.advanceTimersByTime(BATCH_UPDATE_MS);
      expect(dataset.images.map((im) => im.status)).toEqual(['suggested', 'suggested', 'unlabeled']);
      expect(batch.progress?.done).toBe(2);
      expect(lists).toBe(2);
      // The end shows the last image at once, without waiting for the next tick.
      api.emit('batch:image', image(2));
      // Only the flush at the end matters here, not the summary the event carries.
      api.emit('batch:finished', { status: { jobId: 'j', state: 'done' } as unknown as BatchStatus });
      expect(dataset.images.map((im) => im.status)).toEqual(['suggested', 'suggested', 'suggested']);
      expect(lists).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('runs the visible images as one backend batch and updates the list and the open image', async () => {
    const { api, batch, editor, prompt, dataset, project } = await ready();
    const started = prompt.runBatch(['img-0', 'img-1']);
    expect(batch.running).toBe(true);
    expect(prompt.busy).toBe(true);
    expect(await started).toBe(true);
    await finished(batch);
    expect(api.callsOf('infer:run')).toEqual([]);
    expect(api.callsOf('batch:start')).toEqual([
      {
        ids: ['img-0', 'img-1'],
        prompt: 'cat . dog',
        thresholds: { box: 0.35, text: 0.25, nmsIou: 0.5 },
        perPhrase: false,
        skipReviewed: false,
      },
    ]);
    // Classes exist, in prompt order, before the backend starts.
    expect(project.classes.map((c) => c.name)).toEqual(['cat', 'dog']);
    expect(dataset.images.map((im) => [im.status, im.boxes])).toEqual([
      ['suggested', 2],
      ['suggested', 1],
      ['unlabeled', 0],
    ]);
    // The image on screen took the backend's suggestions as one undoable step.
    expect(editor.boxes.map((b) => b.origin.kind === 'suggestion' && b.origin.phrase)).toEqual([
      'cat',
      'dog',
    ]);
    expect(editor.boxes.map((b) => b.classId)).toEqual(project.classes.map((c) => c.id));
    editor.undo();
    expect(editor.boxes).toHaveLength(0);
    expect(batch.status).toMatchObject({ state: 'done', done: 2, total: 2 });
    expect(batch.finishedHere).toBe(true);
    expect(prompt.lastRun).toBe('batch');
  });

  it('passes "skip reviewed" on, cancels, and resumes a stopped batch', async () => {
    const { api, batch, prompt } = await ready();
    prompt.skipReviewed = true;
    await prompt.runBatch(['img-0', 'img-1', 'img-2']);
    expect(api.callsOf('batch:start')[0].skipReviewed).toBe(true);
    await batch.cancel();
    await finished(batch);
    expect(batch.status).toMatchObject({ state: 'cancelled', resumable: true });
    expect(batch.canResume).toBe(true);
    expect(await batch.resume()).toBe(true);
    await finished(batch);
    expect(batch.status).toMatchObject({ state: 'done', done: 3, resumable: false });
    expect(batch.canResume).toBe(false);
  });

  it('shows why a batch could not start', async () => {
    const { api, batch, prompt } = await ready();
    api.failNext('batch:start', { code: 'batch-running', message: 'A batch is already running' });
    expect(await prompt.runBatch(['img-0'])).toBe(false);
    expect(batch.running).toBe(false);
    expect(batch.error).toBe('A batch is already running');
  });

  it('picks up a stopped batch of the dataset when the folder opens', async () => {
    const api = setupStores({ images: threeImages, opened: false });
    api.batch = {
      jobId: 'j',
      state: 'cancelled',
      prompt: 'cat',
      total: 3,
      done: 1,
      labeled: 1,
      withSuggestions: 1,
      nothingFound: 0,
      skipped: 0,
      failed: 0,
      resumable: true,
      failures: [],
      lookFirst: [],
      perClass: [],
      collisions: [],
      startedAt: '',
      updatedAt: '',
    };
    const batch = useBatchStore();
    await useDatasetStore().open('/data/set');
    await settle();
    expect(batch.canResume).toBe(true);
  });
});

describe('accept store', () => {
  it('accepts suggestions above a score across the dataset and undoes it', async () => {
    const { batch, prompt, editor, dataset, api } = await ready();
    await prompt.runBatch(['img-0', 'img-1', 'img-2']);
    await finished(batch);
    const accept = useAcceptStore();
    await accept.acceptAbove(0.5);
    expect(accept.last).toMatchObject({ accepted: 3, images: 3 });
    expect(dataset.images.map((im) => im.status)).toEqual(['suggested', 'reviewed', 'reviewed']);
    await settle();
    expect(editor.boxes.map((b) => b.origin.kind)).toEqual(['accepted', 'suggestion']);
    await accept.undo();
    expect(accept.last).toBeNull();
    expect(accept.undone).toEqual({ restored: 3, skipped: 0 });
    expect(dataset.counts.suggested).toBe(3);
    await settle();
    expect(editor.boxes.map((b) => b.origin.kind)).toEqual(['suggestion', 'suggestion']);
    expect(api.docs.get('img-1')?.reviewed).toBe(false);
  });

  it('accepts one class only', async () => {
    const { batch, prompt, project, api } = await ready();
    await prompt.runBatch(['img-0']);
    await finished(batch);
    const dog = project.classes.find((c) => c.name === 'dog')!;
    await useAcceptStore().acceptAbove(0, [dog.id]);
    expect(api.callsOf('suggestions:accept')).toEqual([{ minScore: 0, classIds: [dog.id] }]);
    expect(api.docs.get('img-0')?.boxes.map((b) => b.origin.kind)).toEqual(['suggestion', 'accepted']);
  });
});
