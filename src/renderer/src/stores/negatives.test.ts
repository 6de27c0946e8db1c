import { describe, expect, it } from 'vitest';
import { catsAndDogs, readyToPrompt, settle } from '../testing/stores';
import { useBatchStore } from './batch';
import { useNegativesStore } from './negatives';

/** A batch over the three images where the model finds nothing on a.jpg and c.jpg. */
async function afterBatch() {
  let batch!: ReturnType<typeof useBatchStore>;
  const stores = await readyToPrompt(
    (relPath) => (relPath === 'b.jpg' ? catsAndDogs(relPath) : []),
    () => (batch = useBatchStore()),
  );
  await stores.prompt.runBatch(['img-0', 'img-1', 'img-2']);
  for (let i = 0; i < 100 && batch.running; i++) await settle();
  return { ...stores, batch, negatives: useNegativesStore() };
}

describe('images where the model found nothing', () => {
  it('are their own state after a batch, in the list, the open image and the summary', async () => {
    const { batch, dataset, editor } = await afterBatch();
    expect(dataset.images.map((im) => im.status)).toEqual(['nothing-found', 'suggested', 'nothing-found']);
    expect(dataset.counts['nothing-found']).toBe(2);
    expect(batch.status).toMatchObject({ nothingFound: 2, withSuggestions: 1 });
    // The open image took the run too: a later edit there saves it along.
    expect(editor.doc?.modelRun).toMatchObject({ prompt: 'cat . dog' });
  });

  it('are marked negative all at once, and put back with one undo', async () => {
    const { api, dataset, editor, negatives } = await afterBatch();
    await negatives.markAll();
    expect(negatives.last).toMatchObject({ images: 2 });
    expect(dataset.images.map((im) => im.status)).toEqual(['negative', 'suggested', 'negative']);
    expect(api.docs.get('img-0')).toMatchObject({ reviewed: true, boxes: [] });
    // The open image reads the marked document again.
    await settle();
    expect(editor.doc?.reviewed).toBe(true);

    await negatives.undo();
    expect(negatives.last).toBeNull();
    expect(negatives.undone).toEqual({ restored: 2, skipped: 0 });
    expect(dataset.images.map((im) => im.status)).toEqual(['nothing-found', 'suggested', 'nothing-found']);
  });

  it('shows why marking failed', async () => {
    const { api, negatives } = await afterBatch();
    api.failNext('nothing-found:mark-negative', { code: 'batch-running', message: 'A batch is running' });
    await negatives.markAll();
    expect(negatives.error).toBe('A batch is running');
    expect(negatives.last).toBeNull();
  });
});
