import { describe, expect, it } from 'vitest';
import { imageStatus } from '../../shared/project';
import { box, doc, suggestion } from '../__test__/docs';
import { caught } from '../inference/__test__/helpers';
import { NothingFoundMarker } from './mark-negative';
import { memoryDataset } from './__test__/memory-dataset';

const modelRun = { prompt: 'cat', at: '2024-01-01T00:00:00.000Z' };

const memory = memoryDataset;

const sample = () =>
  memory([
    doc('empty-1.png', { modelRun }),
    doc('empty-2.png', { modelRun }),
    doc('pending.png', { modelRun, boxes: [box('cat', suggestion)] }),
    doc('drawn.png', { modelRun, boxes: [box('cat')] }),
    doc('untouched.png'),
    doc('negative.png', { reviewed: true }),
  ]);

const statuses = (d: ReturnType<typeof sample>) => [...d.docs.values()].map((x) => imageStatus(x));

describe('NothingFoundMarker', () => {
  it('marks every image where the model found nothing as a reviewed negative, and no other', async () => {
    const d = sample();
    const others = ['pending.png', 'drawn.png', 'untouched.png', 'negative.png'].map((r) => d.docs.get(r));
    const { relPaths } = await new NothingFoundMarker().mark(d);
    expect(relPaths).toEqual(['empty-1.png', 'empty-2.png']);
    expect(statuses(d)).toEqual(['negative', 'negative', 'suggested', 'reviewed', 'unlabeled', 'negative']);
    expect(['pending.png', 'drawn.png', 'untouched.png', 'negative.png'].map((r) => d.docs.get(r))).toEqual(
      others,
    );
  });

  it('undoes the marking in one step, once', async () => {
    const d = sample();
    const marker = new NothingFoundMarker();
    const { token } = await marker.mark(d);
    expect(await marker.undo(d, token)).toEqual({ restored: ['empty-1.png', 'empty-2.png'], skipped: [] });
    expect(statuses(d).slice(0, 2)).toEqual(['nothing-found', 'nothing-found']);
    await caught(() => marker.undo(d, token), 'bad-argument');
  });

  it('leaves an image edited after the marking as it is on undo', async () => {
    const d = sample();
    const marker = new NothingFoundMarker();
    const { token } = await marker.mark(d);
    const edited = await d.store.putImage({ ...d.docs.get('empty-2.png')!, boxes: [box('cat')] });
    expect(await marker.undo(d, token)).toEqual({ restored: ['empty-1.png'], skipped: ['empty-2.png'] });
    expect(d.docs.get('empty-2.png')).toBe(edited);
  });
});
