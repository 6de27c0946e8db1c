import { describe, expect, it } from 'vitest';
import { overlappingPhrases, repeatedPhrases, splitPrompt } from './phrases';

describe('prompt phrases', () => {
  it('splits a prompt on dots and normalises each phrase', () => {
    expect(splitPrompt(' Person .  Traffic   Light. dog .')).toEqual(['person', 'traffic light', 'dog']);
  });

  it('lists each repeated phrase once', () => {
    expect(repeatedPhrases(['cat', 'dog', 'cat', 'cat'])).toEqual(['cat']);
  });

  it('flags a phrase and its kinds, like person . girl . child', () => {
    expect(overlappingPhrases(['person', 'girl', 'child'])).toEqual([
      ['person', 'girl'],
      ['person', 'child'],
      ['girl', 'child'],
    ]);
  });

  it('flags synonyms and plurals, and phrases sharing a head noun', () => {
    expect(overlappingPhrases(['people', 'humans'])).toEqual([['people', 'humans']]);
    expect(overlappingPhrases(['vehicle', 'red cars'])).toEqual([['vehicle', 'red cars']]);
    expect(overlappingPhrases(['car', 'red car'])).toEqual([['car', 'red car']]);
  });

  it('does not flag siblings or differently qualified phrases', () => {
    expect(overlappingPhrases(['dog', 'cat', 'bird', 'traffic light'])).toEqual([]);
    expect(overlappingPhrases(['red car', 'blue car'])).toEqual([]);
  });
});
