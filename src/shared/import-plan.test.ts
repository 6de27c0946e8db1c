import { describe, expect, it } from 'vitest';
import type { ImportResult } from './formats/import';
import { MAX_PROBLEMS, planImport, previewImport, type ImportTarget } from './import-plan';
import type { ImageDoc } from './project';

const result = (
  boxes: ImportResult['input']['images'][number]['boxes'],
  warnings: ImportResult['report']['warnings'] = [],
): ImportResult => ({
  input: {
    classes: ['cat'],
    images: [{ relPath: 'a.png', width: 100, height: 100, state: 'reviewed', boxes }],
  },
  report: { errors: [], warnings, clipped: 0 },
  rejected: [],
});

const existing: ImageDoc = {
  relPath: 'a.png',
  width: 100,
  height: 100,
  reviewed: true,
  boxes: [{ id: 'b1', classId: 'c-cat', x1: 0, y1: 0, x2: 100, y2: 100, origin: { kind: 'manual' } }],
};

const target: ImportTarget = {
  relPaths: ['a.png'],
  meta: { classes: [{ id: 'c-cat', name: 'cat', color: '#ff0000' }], phraseClasses: {}, promptHistory: [] },
  docOf: (r) => (r === 'a.png' ? existing : undefined),
  readOnlyReason: () => undefined,
};

let n = 0;
const ids = () => `id-${++n}`;

describe('planImport', () => {
  it('leaves out an imported box only from IoU 0.95 with a confirmed box of the same class', () => {
    // 100×95 inside 100×100: IoU 0.95, a repeat. 100×94: IoU 0.94, a new box.
    const repeat = { classId: 0, x1: 0, y1: 0, x2: 100, y2: 95 };
    const other = { classId: 0, x1: 0, y1: 0, x2: 100, y2: 94 };
    const plan = planImport(result([repeat, other]), target, 'merge', 'f.json', ids);
    expect(plan.writes).toHaveLength(1);
    expect(plan.writes[0]).toMatchObject({ kind: 'merged', changed: true, added: 1, duplicates: 1 });
    expect(plan.writes[0].doc.boxes.map((b) => b.y2)).toEqual([100, 94]);
  });

  it('keeps difficult and occluded flags on imported boxes, as labels and as suggestions', () => {
    const flagged = [
      { classId: 0, x1: 1, y1: 1, x2: 5, y2: 5, difficult: true },
      { classId: 0, x1: 10, y1: 10, x2: 50, y2: 50, occluded: true },
      { classId: 0, x1: 60, y1: 60, x2: 70, y2: 70 },
    ];
    const labels = planImport(result(flagged), target, 'replace', 'f.xml', ids);
    const flags = (doc: ImageDoc) => doc.boxes.map(({ difficult, occluded }) => ({ difficult, occluded }));
    const expected = [
      { difficult: true, occluded: undefined },
      { difficult: undefined, occluded: true },
      { difficult: undefined, occluded: undefined },
    ];
    expect(flags(labels.writes[0].doc)).toEqual(expected);
    // Absent rather than false: label files without flags stay as they were.
    expect(labels.writes[0].doc.boxes[2]).not.toHaveProperty('difficult');
    const modelRun = { prompt: 'cat', at: '2024-01-01T00:00:00.000Z' };
    const suggested = planImport(result(flagged), target, 'merge', 'f.xml', ids, {
      as: 'suggestions',
      modelRun,
    });
    expect(flags({ ...suggested.writes[0].doc, boxes: suggested.writes[0].doc.boxes.slice(1) })).toEqual(
      expected,
    );
  });

  it('writes nothing for a merge that brings nothing new', () => {
    const plan = planImport(
      result([{ classId: 0, x1: 0, y1: 0, x2: 100, y2: 100 }]),
      target,
      'merge',
      'f.json',
      ids,
    );
    expect(plan.writes[0]).toMatchObject({ changed: false, added: 0, duplicates: 1 });
    expect(plan.writes[0].doc).toBe(existing);
  });
});

describe('previewImport', () => {
  it('keeps the problem list short and says how many more there were', () => {
    const warnings = Array.from({ length: MAX_PROBLEMS + 50 }, (_, i) => ({
      where: `w${i}`,
      message: `w${i}: odd`,
    }));
    const preview = previewImport(result([], warnings), target, 'f.json');
    expect(preview.problems).toHaveLength(MAX_PROBLEMS);
    expect(preview.problems.at(-1)).toEqual({ level: 'warning', message: '… and 51 more' });
  });

  it('has nothing to say about difficult boxes: they keep their flag', () => {
    const preview = previewImport(
      result([{ classId: 0, x1: 1, y1: 1, x2: 5, y2: 5, difficult: true }]),
      target,
      'voc',
    );
    expect(preview.problems).toEqual([]);
  });
});
