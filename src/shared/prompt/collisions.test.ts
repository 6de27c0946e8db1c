import { describe, expect, it } from 'vitest';
import { addCollisions } from './collisions';

describe('addCollisions', () => {
  it('sums the counts of each kept/dropped pair across images, most frequent first', () => {
    expect(
      addCollisions([{ kept: 'person', dropped: 'girl', count: 1 }], undefined, [
        { kept: 'car', dropped: 'truck', count: 1 },
        { kept: 'person', dropped: 'girl', count: 2 },
        { kept: 'girl', dropped: 'person', count: 1 },
      ]),
    ).toEqual([
      { kept: 'person', dropped: 'girl', count: 3 },
      { kept: 'car', dropped: 'truck', count: 1 },
      { kept: 'girl', dropped: 'person', count: 1 },
    ]);
  });
});
