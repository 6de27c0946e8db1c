import { describe, expect, it } from 'vitest';
import { evictOldest, touch } from './recent';

const mapOf = (...keys: string[]) => new Map(keys.map((k) => [k, k.toUpperCase()]));

describe('recently used map', () => {
  it('moves a touched key to the newest end, and ignores a missing one', () => {
    const m = mapOf('a', 'b', 'c');
    touch(m, 'a');
    touch(m, 'x');
    expect([...m.keys()]).toEqual(['b', 'c', 'a']);
  });

  it('drops the oldest entries down to the limit', () => {
    const m = mapOf('a', 'b', 'c', 'd');
    expect(evictOldest(m, 2, () => false)).toEqual(['a', 'b']);
    expect([...m.entries()]).toEqual([
      ['c', 'C'],
      ['d', 'D'],
    ]);
  });

  it('keeps pinned entries, even past the limit', () => {
    const m = mapOf('a', 'b', 'c', 'd');
    expect(evictOldest(m, 1, (k) => k === 'a' || k === 'c')).toEqual(['b', 'd']);
    expect([...m.keys()]).toEqual(['a', 'c']);
  });

  it('drops nothing while under the limit', () => {
    const m = mapOf('a', 'b');
    expect(evictOldest(m, 5, () => false)).toEqual([]);
    expect(m.size).toBe(2);
  });
});
