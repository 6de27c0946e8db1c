import { describe, expect, it } from 'vitest';
import { count } from './plural';

describe('count', () => {
  it('says one thing in the singular and any other number in the plural', () => {
    expect([0, 1, 2].map((n) => count(n, 'image'))).toEqual(['0 images', '1 image', '2 images']);
    expect(count(1, 'box', 'boxes')).toBe('1 box');
    expect(count(3, 'box', 'boxes')).toBe('3 boxes');
  });
});
