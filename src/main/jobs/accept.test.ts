import { describe, expect, it } from 'vitest';
import type { ImageDoc } from '../../shared/project';
import { box, doc } from '../__test__/docs';
import { caught } from '../inference/__test__/helpers';
import { SuggestionAcceptor } from './accept';
import { memoryDataset } from './__test__/memory-dataset';

const pending = (classId: string, score: number) =>
  box(classId, { kind: 'suggestion', score, phrase: classId, rawText: classId });

const memory = memoryDataset;

/** The documents without their revision numbers: what a person sees of them. */
const contents = (docs: ReadonlyMap<string, ImageDoc>) =>
  new Map([...docs].map(([relPath, { revision: _revision, ...doc }]) => [relPath, doc]));

describe('SuggestionAcceptor', () => {
  const sample = () =>
    memory([
      doc('a.png', { boxes: [pending('cat', 0.9), pending('dog', 0.8), pending('cat', 0.3)] }),
      doc('b.png', { boxes: [pending('dog', 0.4)] }),
      doc('c.png', { reviewed: true, boxes: [box('cat')] }),
    ]);

  it('accepts suggestions at or above the score across the dataset and marks those images reviewed', async () => {
    const d = sample();
    const before = d.docs.get('b.png');
    const result = await new SuggestionAcceptor().accept(d, { minScore: 0.8 });
    expect(result).toMatchObject({ accepted: 2, relPaths: ['a.png'] });
    const a = d.docs.get('a.png')!;
    expect(a.reviewed).toBe(true);
    expect(a.boxes.map((b) => [b.origin.kind, 'score' in b.origin && b.origin.score])).toEqual([
      ['accepted', 0.9],
      ['accepted', 0.8],
      ['suggestion', 0.3],
    ]);
    expect(a.boxes[0].origin).toEqual({ kind: 'accepted', score: 0.9, phrase: 'cat' });
    expect(d.docs.get('b.png')).toBe(before);
  });

  it('accepts only the classes asked for', async () => {
    const d = sample();
    const result = await new SuggestionAcceptor().accept(d, { minScore: 0, classIds: ['dog'] });
    expect(result).toMatchObject({ accepted: 2, relPaths: ['a.png', 'b.png'] });
    expect(d.docs.get('a.png')!.boxes.map((b) => b.origin.kind)).toEqual([
      'suggestion',
      'accepted',
      'suggestion',
    ]);
  });

  it('undoes exactly the images it changed, once', async () => {
    const d = sample();
    const original = new Map(d.docs);
    const acceptor = new SuggestionAcceptor();
    const { token } = await acceptor.accept(d, { minScore: 0.35 });
    expect(await acceptor.undo(d, token)).toEqual({ restored: ['a.png', 'b.png'], skipped: [] });
    expect(contents(d.docs)).toEqual(contents(original));
    // The restore is a write of its own: a save made on the accepted version is refused afterwards.
    expect(d.docs.get('a.png')?.revision).toBe(2);
    expect(d.docs.get('c.png')).toBe(original.get('c.png'));
    await caught(() => acceptor.undo(d, token), 'bad-argument');
  });

  it('leaves an image edited after the accept as it is on undo', async () => {
    const d = sample();
    const acceptor = new SuggestionAcceptor();
    const { token } = await acceptor.accept(d, { minScore: 0.35 });
    const edited = await d.store.putImage({ ...d.docs.get('b.png')!, boxes: [] });
    expect(await acceptor.undo(d, token)).toEqual({ restored: ['a.png'], skipped: ['b.png'] });
    expect(d.docs.get('b.png')).toBe(edited);
  });

  it('keeps only the last few steps, and refuses a token of another dataset', async () => {
    const d = sample();
    const acceptor = new SuggestionAcceptor(2);
    const first = await acceptor.accept(d, { minScore: 0.99 });
    await acceptor.accept(d, { minScore: 0.99 });
    const third = await acceptor.accept(d, { minScore: 0.99 });
    expect((await caught(() => acceptor.undo(d, first.token), 'bad-argument')).message).toContain('too old');
    await caught(() => acceptor.undo({ ...d, root: '/other' }, third.token), 'bad-argument');
  });
});
