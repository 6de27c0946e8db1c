import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from './detection';
import { compareReport, countByClass, disagreement, sampleImages, type PromptVariant } from './compare';

const variants: PromptVariant[] = [
  { prompt: 'person . dog', thresholds: DEFAULT_THRESHOLDS },
  { prompt: 'man . woman . dog', thresholds: DEFAULT_THRESHOLDS },
];
const ok = (perClass: Record<string, number>) => ({ ok: true as const, perClass });

describe('sampleImages', () => {
  const all = Array.from({ length: 200 }, (_, i) => `img${String(i).padStart(3, '0')}.jpg`);

  it('picks the same images for the same seed, others for another seed, listed in path order', () => {
    const a = sampleImages(all, 20, '1');
    expect(a).toHaveLength(20);
    expect(sampleImages(all, 20, '1')).toEqual(a);
    expect([...a].sort()).toEqual(a);
    expect(sampleImages(all, 20, '2')).not.toEqual(a);
  });

  it('keeps its picks when images are added, unless a new one beats them', () => {
    const before = sampleImages(all, 20, 'seed');
    const after = sampleImages([...all, ...Array.from({ length: 10 }, (_, i) => `new${i}.jpg`)], 20, 'seed');
    const kept = after.filter((p) => before.includes(p));
    expect(kept.length + after.filter((p) => p.startsWith('new')).length).toBe(20);
  });

  it('takes every image when the sample is as large as the folder', () => {
    expect(sampleImages(['b.jpg', 'a.jpg'], 5, '1')).toEqual(['b.jpg', 'a.jpg']);
  });
});

describe('disagreement', () => {
  it('sums, per class, the most boxes a variant found minus the fewest', () => {
    expect(disagreement([{ dog: 2 }, { dog: 2 }])).toBe(0);
    expect(disagreement([{ dog: 2, person: 1 }, { person: 3 }])).toBe(4);
    expect(disagreement([{ dog: 1 }, { dog: 3 }, { dog: 2 }])).toBe(2);
  });
});

describe('countByClass', () => {
  it('counts boxes under their class names, several phrases sharing one', () => {
    const classOf = (p: string) => (p === 'man' || p === 'woman' ? 'person' : p);
    expect(countByClass([{ phrase: 'man' }, { phrase: 'woman' }, { phrase: 'dog' }], classOf)).toEqual({
      person: 2,
      dog: 1,
    });
  });
});

describe('compareReport', () => {
  it('tables boxes per class and variant, and lists the images where the variants disagree most', () => {
    const report = compareReport(
      variants,
      [
        { relPath: 'a.jpg', variants: [ok({ person: 1, dog: 1 }), ok({ person: 2, dog: 1 })] },
        { relPath: 'b.jpg', variants: [ok({ dog: 2 }), ok({ dog: 2 })] },
        { relPath: 'c.jpg', variants: [ok({ person: 3 }), ok({})] },
        { relPath: 'd.jpg', variants: [ok({}), { ok: false, message: 'd.jpg: not an image' }] },
      ],
      { sampled: 5, cancelled: true },
    );
    expect(report.classes).toEqual(['person', 'dog']);
    expect(report.table).toEqual([
      [4, 2],
      [3, 3],
    ]);
    expect(report.totals).toEqual([7, 5]);
    expect(report.disagreements).toEqual([
      { relPath: 'c.jpg', boxes: [3, 0], score: 3 },
      { relPath: 'a.jpg', boxes: [2, 3], score: 1 },
    ]);
    expect(report.failures).toEqual([{ relPath: 'd.jpg', message: 'd.jpg: not an image' }]);
    expect(report).toMatchObject({ images: 4, sampled: 5, cancelled: true });
  });
});
