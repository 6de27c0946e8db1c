import { describe, expect, it } from 'vitest';
import { decideUnattended, markNothingFoundNegative } from './decisions';
import { imageStatus, type BoxRecord, type ImageDoc } from './project';

const modelRun = { prompt: 'cat . dog', at: '2024-01-01T00:00:00.000Z' };
const doc = (extra: Partial<ImageDoc> = {}): ImageDoc => ({
  relPath: 'a.png',
  width: 64,
  height: 48,
  reviewed: false,
  boxes: [],
  ...extra,
});
const box = (origin: BoxRecord['origin']): BoxRecord => ({
  id: 'b',
  classId: 'c',
  x1: 1,
  y1: 1,
  x2: 9,
  y2: 9,
  origin,
});
const suggestion = box({ kind: 'suggestion', score: 0.4, phrase: 'cat', rawText: 'cat' });

describe('imageStatus', () => {
  it('tells an image where the model found nothing apart from one it never ran on', () => {
    expect(imageStatus(doc())).toBe('unlabeled');
    expect(imageStatus(doc({ modelRun }))).toBe('nothing-found');
  });

  it("lets a person's decision win over the run: a drawn box, an accepted one, or a review", () => {
    expect(imageStatus(doc({ modelRun, boxes: [box({ kind: 'manual' })] }))).toBe('reviewed');
    expect(imageStatus(doc({ modelRun, reviewed: true }))).toBe('negative');
    expect(imageStatus(doc({ modelRun, boxes: [suggestion] }))).toBe('suggested');
  });
});

describe('markNothingFoundNegative', () => {
  it('makes an image where nothing was found a reviewed negative, keeping the run', () => {
    const marked = markNothingFoundNegative(doc({ modelRun }));
    expect(marked).toEqual(doc({ modelRun, reviewed: true }));
    expect(imageStatus(marked!)).toBe('negative');
  });

  it('leaves every other image alone', () => {
    expect(markNothingFoundNegative(doc())).toBeNull();
    expect(markNothingFoundNegative(doc({ modelRun, boxes: [suggestion] }))).toBeNull();
    expect(markNothingFoundNegative(doc({ modelRun, reviewed: true }))).toBeNull();
  });
});

describe('decideUnattended', () => {
  it('accepts every suggestion, whatever its score, and reviews the image', () => {
    const decided = decideUnattended(doc({ modelRun, boxes: [suggestion] }));
    expect(decided.reviewed).toBe(true);
    expect(decided.boxes.map((b) => b.origin)).toEqual([{ kind: 'accepted', score: 0.4, phrase: 'cat' }]);
  });

  it('makes an image where nothing was found a negative, and leaves an untouched one as it is', () => {
    expect(imageStatus(decideUnattended(doc({ modelRun })))).toBe('negative');
    expect(decideUnattended(doc())).toEqual(doc());
  });
});
