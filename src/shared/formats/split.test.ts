import { describe, expect, it } from 'vitest';
import { assignSplits, fnv1a32, splitPoint } from './split';

const names = (n: number, prefix = 'img_') =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}.jpg`);

describe('assignSplits', () => {
  it('uses FNV-1a 32-bit over UTF-8 (reference values)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('gives the same split on every re-export', () => {
    const paths = names(200);
    expect(assignSplits(paths, { valFraction: 0.2, seed: 7 })).toEqual(
      assignSplits(paths, { valFraction: 0.2, seed: 7 }),
    );
  });

  it('keeps every image in its split when other images are added or removed', () => {
    const opts = { valFraction: 0.3, seed: 'project-1' };
    const before = assignSplits(names(300), opts);
    const after = assignSplits([...names(150), ...names(100, 'new/')], opts);
    for (const [path, split] of after) if (before.has(path)) expect(split).toBe(before.get(path));
  });

  it('sends about valFraction of the images to val', () => {
    const splits = [...assignSplits(names(2000), { valFraction: 0.2, seed: 1 }).values()];
    const val = splits.filter((s) => s === 'val').length / splits.length;
    expect(val).toBeGreaterThan(0.17);
    expect(val).toBeLessThan(0.23);
  });

  it('sends nothing to val at 0 and everything at 1', () => {
    expect(new Set(assignSplits(names(50), { valFraction: 0, seed: 1 }).values())).toEqual(
      new Set(['train']),
    );
    expect(new Set(assignSplits(names(50), { valFraction: 1, seed: 1 }).values())).toEqual(new Set(['val']));
  });

  it('changes the assignment with the seed', () => {
    const a = assignSplits(names(100), { valFraction: 0.5, seed: 1 });
    const b = assignSplits(names(100), { valFraction: 0.5, seed: 2 });
    expect([...a].filter(([p, s]) => b.get(p) !== s).length).toBeGreaterThan(20);
  });

  it('keeps the seed and the path apart: seed 1 + "2a" differs from seed 12 + "a"', () => {
    expect(splitPoint(1, '2a')).not.toBe(splitPoint(12, 'a'));
  });

  it('refuses a valFraction outside [0, 1]', () => {
    expect(() => assignSplits([], { valFraction: 1.5, seed: 1 })).toThrow(RangeError);
    expect(() => assignSplits([], { valFraction: Number.NaN, seed: 1 })).toThrow(RangeError);
  });
});
