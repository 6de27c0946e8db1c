import { describe, expect, it } from 'vitest';
import type { BoxOrigin, BoxRecord, ImageDoc, ProjectMeta } from './project';
import { SIZE_BINS, datasetStats, sizeBinRanges } from './stats';

const manual: BoxOrigin = { kind: 'manual' };
const accepted: BoxOrigin = { kind: 'accepted', score: 0.8, phrase: 'cat' };
const pending: BoxOrigin = { kind: 'suggestion', score: 0.5, phrase: 'cat', rawText: 'cat' };

let n = 0;
const box = (classId: string, origin: BoxOrigin, side = 10): BoxRecord => ({
  id: `b${++n}`,
  classId,
  x1: 0,
  y1: 0,
  x2: side,
  y2: side,
  origin,
});
const doc = (relPath: string, boxes: BoxRecord[], reviewed = false): ImageDoc => ({
  relPath,
  width: 100,
  height: 100,
  reviewed,
  boxes,
});
const meta: ProjectMeta = {
  classes: [
    { id: 'c1', name: 'cat', color: '#ff0000' },
    { id: 'c2', name: 'dog', color: '#00ff00' },
    { id: 'c3', name: 'bird', color: '#0000ff' },
  ],
  phraseClasses: {},
  promptHistory: [],
};

function statsOf(docs: ImageDoc[], relPaths = docs.map((d) => d.relPath)) {
  const byPath = new Map(docs.map((d) => [d.relPath, d]));
  return datasetStats(relPaths, (r) => byPath.get(r), meta);
}

describe('datasetStats', () => {
  it('counts images per state, an image without a label file as unlabeled', () => {
    const stats = statsOf(
      [
        doc('a.jpg', [box('c1', pending)]),
        doc('b.jpg', [box('c1', manual)]),
        doc('c.jpg', [], true),
        doc('d.jpg', [box('c2', accepted), box('c2', pending)], true),
      ],
      ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg', 'no-label.jpg'],
    );
    expect(stats.images).toEqual({
      unlabeled: 1,
      unreadable: 0,
      'nothing-found': 0,
      suggested: 2,
      reviewed: 1,
      negative: 1,
    });
  });

  it('counts an image whose file cannot be read as unreadable, unless it holds labels', () => {
    const stats = datasetStats(
      ['a.jpg', 'broken.jpg', 'labeled-broken.jpg'],
      (r) => (r === 'labeled-broken.jpg' ? doc(r, [box('c1', manual)]) : undefined),
      meta,
      (r) => r !== 'a.jpg',
    );
    expect(stats.images).toMatchObject({ unlabeled: 1, unreadable: 1, reviewed: 1 });
  });

  it('counts confirmed boxes and pending suggestions per class, in class order, leaving out empty classes', () => {
    const stats = statsOf([
      doc('a.jpg', [box('c2', manual), box('c2', accepted), box('c1', pending)]),
      doc('b.jpg', [box('c2', pending), box('c1', pending), box('c1', manual)]),
    ]);
    expect(stats.boxesPerClass).toEqual([
      { classId: 'c1', name: 'cat', color: '#ff0000', boxes: 1, pending: 2 },
      { classId: 'c2', name: 'dog', color: '#00ff00', boxes: 2, pending: 1 },
    ]);
  });

  it('puts each box in the bin of its side relative to the image, oversized ones in the last', () => {
    // Sides chosen just inside each bin of a 100 × 100 image, plus one larger than the image.
    const sides = [...SIZE_BINS.map((edge) => Math.floor(edge * 100)), 150];
    const stats = statsOf([
      doc(
        'a.jpg',
        sides.map((side) => box('c1', manual, side)),
      ),
    ]);
    const expected = SIZE_BINS.map(() => 1);
    expected[expected.length - 1]++;
    expect(stats.sizes).toEqual(expected);
  });

  it('sizes every box, but counts a box of a deleted class under no class', () => {
    const stats = statsOf([doc('a.jpg', [box('gone', manual, 30), box('c3', pending, 30)])]);
    expect(stats.boxesPerClass).toEqual([
      { classId: 'c3', name: 'bird', color: '#0000ff', boxes: 0, pending: 1 },
    ]);
    expect(stats.sizes.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('is all zeros for an empty dataset', () => {
    const stats = statsOf([]);
    expect(Object.values(stats.images)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(stats.boxesPerClass).toEqual([]);
    expect(stats.sizes).toEqual(SIZE_BINS.map(() => 0));
  });
});

describe('sizeBinRanges', () => {
  it('covers 0 to the whole image without gaps', () => {
    const ranges = sizeBinRanges();
    expect(ranges[0].from).toBe(0);
    expect(ranges.at(-1)?.to).toBe(1);
    ranges.slice(1).forEach((r, i) => expect(r.from).toBe(ranges[i].to));
  });
});
