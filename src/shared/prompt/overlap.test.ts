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

  it('names pairs from the hypernym table: vehicles, animals, bags, plants', () => {
    expect(overlappingPhrases(['vehicle', 'truck', 'bus'])).toEqual([
      ['vehicle', 'truck'],
      ['vehicle', 'bus'],
    ]);
    expect(overlappingPhrases(['bag', 'backpack', 'animal', 'kitten'])).toEqual([
      ['bag', 'backpack'],
      ['animal', 'kitten'],
    ]);
    expect(overlappingPhrases(['tree', 'plant'])).toEqual([['tree', 'plant']]);
  });

  it('matches a multi-word phrase by its head noun, and a head word repeated bare', () => {
    expect(overlappingPhrases(['red car', 'vehicle'])).toEqual([['red car', 'vehicle']]);
    expect(overlappingPhrases(['traffic light', 'light'])).toEqual([['traffic light', 'light']]);
  });

  it('leaves siblings and unrelated phrases alone', () => {
    expect(overlappingPhrases(['dog', 'cat', 'bird', 'horse'])).toEqual([]);
    expect(overlappingPhrases(['car', 'truck', 'bus'])).toEqual([]);
    expect(overlappingPhrases(['dog', 'traffic light', 'fire hydrant'])).toEqual([]);
    expect(overlappingPhrases(['traffic light', 'street light'])).toEqual([]);
    // A hot dog is no dog, a teddy bear no bear: the COCO list is not flagged for them.
    expect(overlappingPhrases(['dog', 'hot dog', 'bear', 'teddy bear'])).toEqual([]);
  });
});

describe('repeatedPhrases', () => {
  it('lists each repeated phrase once, ignoring case and spacing', () => {
    expect(repeatedPhrases('Dog . cat .  dog . DOG . cat')).toEqual(['dog', 'cat']);
    expect(repeatedPhrases('dog . cat')).toEqual([]);
  });
});
