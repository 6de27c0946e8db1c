import { describe, expect, it } from 'vitest';
import { ensurePhraseClasses } from './classes';
import { emptyProjectMeta } from './project';

const ids = () => {
  let n = 0;
  return () => `c${++n}`;
};

describe('ensurePhraseClasses', () => {
  it('makes a class named after each phrase that has none, and maps the phrase to it', () => {
    const { meta, classOf, changed } = ensurePhraseClasses(emptyProjectMeta(), ['dog', 'cat'], ids());
    expect(changed).toBe(true);
    expect(meta.classes.map((c) => [c.id, c.name])).toEqual([
      ['c1', 'dog'],
      ['c2', 'cat'],
    ]);
    expect(meta.phraseClasses).toEqual({ dog: 'c1', cat: 'c2' });
    expect([...classOf]).toEqual([
      ['dog', 'c1'],
      ['cat', 'c2'],
    ]);
  });

  it('names the class as a class list asked, and shares it with phrases of that name', () => {
    const start = {
      ...emptyProjectMeta(),
      phraseNames: { 'baseball bat': 'baseball_bat', bat: 'baseball_bat' },
    };
    const { meta } = ensurePhraseClasses(start, ['baseball bat', 'bat', 'ball'], ids());
    expect(meta.classes.map((c) => c.name)).toEqual(['baseball_bat', 'ball']);
    expect(meta.phraseClasses).toEqual({ 'baseball bat': 'c1', bat: 'c1', ball: 'c2' });
  });

  it('changes nothing when every phrase already has its class', () => {
    const first = ensurePhraseClasses(emptyProjectMeta(), ['dog'], ids()).meta;
    const again = ensurePhraseClasses(first, ['dog'], ids());
    expect(again.changed).toBe(false);
    expect(again.meta).toBe(first);
  });
});
