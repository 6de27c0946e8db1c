import { describe, expect, it } from 'vitest';
import type { ImportResult } from './formats/import';
import { planImport, type ImportTarget } from './import-plan';
import { imageStatus, type ImageDoc } from './project';

const run = { prompt: 'cat . dog .', at: '2025-01-01T00:00:00.000Z' };
const landing = { as: 'suggestions', modelRun: run } as const;

const proposal = (score: number, phrase: string) => ({ score, phrase, rawText: phrase });

/** A merged run's results: a.png with a cat and a dog, b.png with nothing found. */
const results: ImportResult = {
  input: {
    classes: ['cat', 'dog'],
    images: [
      {
        relPath: 'a.png',
        width: 100,
        height: 100,
        state: 'reviewed',
        boxes: [
          { classId: 0, x1: 0, y1: 0, x2: 50, y2: 50, proposal: proposal(0.9, 'cat') },
          { classId: 1, x1: 50, y1: 50, x2: 100, y2: 100, proposal: proposal(0.4, 'dog') },
        ],
      },
      { relPath: 'b.png', width: 100, height: 100, state: 'reviewed', boxes: [] },
    ],
  },
  report: { errors: [], warnings: [], clipped: 0 },
  rejected: [],
};

/** a.png was reviewed: a person drew the cat, and an older run left a pending dog suggestion. */
const reviewed: ImageDoc = {
  relPath: 'a.png',
  width: 100,
  height: 100,
  reviewed: true,
  boxes: [
    { id: 'mine', classId: 'c-cat', x1: 0, y1: 0, x2: 50, y2: 51, origin: { kind: 'manual' } },
    {
      id: 'old',
      classId: 'c-cat',
      x1: 10,
      y1: 10,
      x2: 20,
      y2: 20,
      origin: { kind: 'suggestion', score: 0.5, phrase: 'cat', rawText: 'cat' },
    },
  ],
};

const target = (docs: Record<string, ImageDoc>): ImportTarget => ({
  relPaths: ['a.png', 'b.png'],
  meta: { classes: [{ id: 'c-cat', name: 'cat', color: '#ff0000' }], phraseClasses: {}, promptHistory: [] },
  docOf: (r) => docs[r],
  readOnlyReason: () => undefined,
});

let n = 0;
const ids = () => `id-${++n}`;

describe('planImport landing as suggestions', () => {
  it('lands a run as pending suggestions with their scores, and an image where nothing was found as such', () => {
    const plan = planImport(results, target({}), 'merge', 'run', ids, landing);
    expect(plan.newClasses).toEqual(['dog']);
    const dog = plan.meta.classes.find((c) => c.name === 'dog')!.id;
    const [a, b] = plan.writes.map((w) => w.doc);
    expect(a).toMatchObject({ reviewed: false, modelRun: run });
    expect(a.boxes.map((x) => [x.classId, x.origin])).toEqual([
      ['c-cat', { kind: 'suggestion', score: 0.9, phrase: 'cat', rawText: 'cat' }],
      [dog, { kind: 'suggestion', score: 0.4, phrase: 'dog', rawText: 'dog' }],
    ]);
    expect([imageStatus(a), imageStatus(b)]).toEqual(['suggested', 'nothing-found']);
  });

  it("keeps a person's boxes and review, replaces older suggestions, and drops a suggestion repeating a drawn box", () => {
    const plan = planImport(results, target({ 'a.png': reviewed }), 'merge', 'run', ids, landing);
    const a = plan.writes[0];
    expect(a.doc.reviewed).toBe(true);
    // The new cat overlaps the drawn one (IoU 0.98): dropped. The dog is new; the old cat suggestion is gone.
    expect(a.doc.boxes.map((x) => x.id === 'mine' || x.origin)).toEqual([
      true,
      { kind: 'suggestion', score: 0.4, phrase: 'dog', rawText: 'dog' },
    ]);
    expect(a).toMatchObject({ kind: 'merged', added: 1, duplicates: 1 });
  });

  it('leaves annotated images alone when asked to skip them', () => {
    const plan = planImport(results, target({ 'a.png': reviewed }), 'skip', 'run', ids, landing);
    expect(plan.writes.map((w) => w.doc.relPath)).toEqual(['b.png']);
    expect(plan.skipped).toBe(1);
  });
});
