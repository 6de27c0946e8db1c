import { describe, expect, it } from 'vitest';
import { describeShard, imagesOfShard, shardFolderName, shardOf, shardProblem } from './assign';

/** Paths shaped like a real photo folder: nested, numbered, mixed case and extensions. */
const paths = (n: number, prefix = ''): string[] =>
  Array.from(
    { length: n },
    (_, i) =>
      `${prefix}site-${i % 7}/2024-${String((i % 12) + 1).padStart(2, '0')}/IMG_${String(i).padStart(5, '0')}.${i % 3 ? 'jpg' : 'PNG'}`,
  );

/** A fixed shuffle (a linear congruential generator), so the test reads the same on every run. */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  let seed = 12345;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('shardOf', () => {
  it('keeps the assignment of earlier versions: these shards were computed once (SHA-256, first 48 bits, mod N)', () => {
    // Golden values: a change here splits a run differently from its earlier shards, which merge must then refuse.
    expect(['a.png', 'sub/b.jpg', 'photos/2024/IMG_0001.JPG'].map((p) => shardOf(p, 16))).toEqual([
      15, 13, 8,
    ]);
    expect(['a.png', 'sub/b.jpg', 'photos/2024/IMG_0001.JPG'].map((p) => shardOf(p, 1000))).toEqual([
      783, 493, 976,
    ]);
  });

  it('puts a name written decomposed (as macOS may store it) in the shard of its composed form', () => {
    expect(shardOf('cafe\u0301.png', 1000)).toBe(shardOf('caf\u00e9.png', 1000));
  });

  it('spreads 80,000 images within 4% of an even share over 8 shards (a fair coin strays about 1%)', () => {
    const counts = new Array<number>(8).fill(0);
    for (const p of paths(80_000)) counts[shardOf(p, 8)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });

  it('splits a folder the same way whatever order it was listed in', () => {
    const list = paths(2000);
    const reordered = shuffled(list);
    for (let k = 0; k < 5; k++)
      expect(new Set(imagesOfShard(reordered, { index: k, count: 5 }))).toEqual(
        new Set(imagesOfShard(list, { index: k, count: 5 })),
      );
  });

  it('leaves every image in its shard when images are added to the folder', () => {
    const before = paths(1000);
    const after = [...before, ...paths(500, 'added/')];
    for (let k = 0; k < 4; k++) {
      const kept = imagesOfShard(after, { index: k, count: 4 }).filter((p) => !p.startsWith('added/'));
      expect(kept).toEqual(imagesOfShard(before, { index: k, count: 4 }));
    }
  });

  it('gives every image to exactly one shard', () => {
    const list = paths(3000);
    const all = [0, 1, 2].flatMap((index) => imagesOfShard(list, { index, count: 3 }));
    expect(all.sort()).toEqual([...list].sort());
  });
});

describe('shard names', () => {
  it('pads the index to the width of the count, so the folders sort in shard order', () => {
    expect(shardFolderName({ index: 3, count: 16 })).toBe('shard-03-of-16');
    expect(shardFolderName({ index: 0, count: 1 })).toBe('shard-0-of-1');
    expect(describeShard({ index: 2, count: 8 })).toBe('2/8');
  });

  it('says why an index or a count is no shard', () => {
    expect(shardProblem(0, 1)).toBeUndefined();
    expect(shardProblem(4, 4)).toMatch(/from 0 to 3/);
    expect(shardProblem(0, 0)).toMatch(/≥ 1/);
    expect(shardProblem(1.5, 4)).toMatch(/whole number/);
    expect(shardProblem(0, 200_000)).toMatch(/at most 100000/);
  });
});
