import { describe, expect, it } from 'vitest';
import { exportRole, nothingToExport, planExport } from './export-plan';
import type { BoxRecord, ImageDoc } from './project';

const modelRun = { prompt: 'cat', at: '2024-01-01T00:00:00.000Z' };
const classes = [{ id: 'c-cat', name: 'cat' }];
const box = (origin: BoxRecord['origin']): BoxRecord => ({
  id: `b-${origin.kind}`,
  classId: 'c-cat',
  x1: 1,
  y1: 1,
  x2: 9,
  y2: 9,
  origin,
});
const suggestion = box({ kind: 'suggestion', score: 0.4, phrase: 'cat', rawText: 'cat' });
const doc = (relPath: string, extra: Partial<ImageDoc> = {}): ImageDoc => ({
  relPath,
  width: 64,
  height: 48,
  reviewed: false,
  boxes: [],
  ...extra,
});

const DOCS = new Map<string, ImageDoc>([
  ['labeled.png', doc('labeled.png', { boxes: [box({ kind: 'manual' })] })],
  ['negative.png', doc('negative.png', { reviewed: true, modelRun })],
  ['suggested.png', doc('suggested.png', { boxes: [suggestion], modelRun })],
  ['nothing.png', doc('nothing.png', { modelRun })],
]);
const RELPATHS = [...DOCS.keys(), 'untouched.png'];
const choices = { valFraction: 0, seed: 'x' };

describe('exportRole', () => {
  it('exports only what someone declared done, and says why the rest waits', () => {
    expect(RELPATHS.map((r) => exportRole(DOCS.get(r)))).toEqual([
      'labeled',
      'negative',
      'suggested',
      'nothing-found',
      'unlabeled',
    ]);
  });
});

describe('planExport', () => {
  it('leaves out images where the model found nothing until they are marked negative, and counts them apart', () => {
    const { input, summary } = planExport(RELPATHS, (r) => DOCS.get(r), classes, choices);
    expect(input.images.filter((im) => im.state === 'reviewed').map((im) => im.relPath)).toEqual([
      'labeled.png',
      'negative.png',
    ]);
    expect(summary).toMatchObject({
      reviewed: 2,
      negatives: 1,
      leftOut: { unlabeled: 1, suggested: 1, 'nothing-found': 1 },
    });
  });
});

describe('planExport: flags', () => {
  it('hands the writers each box’s difficult and occluded flags', () => {
    const flagged = doc('flagged.png', {
      reviewed: true,
      boxes: [
        { ...box({ kind: 'manual' }), id: 'd', difficult: true },
        { ...box({ kind: 'accepted', score: 0.9, phrase: 'cat' }), id: 'o', occluded: true },
      ],
    });
    const { input } = planExport(['flagged.png'], () => flagged, classes, choices);
    expect(input.images[0].boxes).toEqual([
      { classId: 0, x1: 1, y1: 1, x2: 9, y2: 9, difficult: true },
      { classId: 0, x1: 1, y1: 1, x2: 9, y2: 9, occluded: true },
    ]);
  });
});

describe('nothingToExport', () => {
  it('says nothing while there is something to export', () => {
    expect(nothingToExport(planExport(RELPATHS, (r) => DOCS.get(r), classes, choices).summary)).toBeNull();
  });

  it('names what the images wait for when none is declared done', () => {
    const waiting = ['suggested.png', 'nothing.png', 'untouched.png'];
    const { summary } = planExport(waiting, (r) => DOCS.get(r), classes, choices);
    expect(nothingToExport(summary)).toBe(
      'Nothing to export: no image is reviewed or marked negative (1 image has pending suggestions, 1 image where the model found nothing, 1 image not labeled yet). Accept or draw boxes, or mark images negative, then export again.',
    );
    expect(nothingToExport(planExport([], () => undefined, classes, choices).summary)).toBe(
      'Nothing to export: no image is reviewed or marked negative. Accept or draw boxes, or mark images negative, then export again.',
    );
  });
});
