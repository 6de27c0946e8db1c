import { describe, expect, it } from 'vitest';
import { overlappingPhrases, repeatedPhrases } from './overlap';

describe('overlappingPhrases', () => {
  it('flags a broad phrase next to a narrower one of the same kind', () => {
    expect(overlappingPhrases(['person', 'girl', 'child', 'dog'])).toEqual([
      ['person', 'girl'],
      ['person', 'child'],
      ['girl', 'child'],
    ]);
  });

  it('matches a multi-word phrase by its head noun', () => {
    expect(overlappingPhrases(['red car', 'vehicle'])).toEqual([['red car', 'vehicle']]);
  });

  it('leaves unrelated phrases alone', () => {
    expect(overlappingPhrases(['dog', 'traffic light', 'fire hydrant'])).toEqual([]);
  });
});

describe('repeatedPhrases', () => {
  it('lists each repeated phrase once, ignoring case and spacing', () => {
    expect(repeatedPhrases('Dog . cat .  dog . DOG . cat')).toEqual(['dog', 'cat']);
    expect(repeatedPhrases('dog . cat')).toEqual([]);
  });
});
