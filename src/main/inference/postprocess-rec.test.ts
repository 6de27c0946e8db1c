import { describe, expect, it } from 'vitest';
import type { Thresholds } from '../../shared/detection';
import {
  decodeExpressions,
  expressionScore,
  finishDetections,
  sigmoid,
  type RawOutputs,
} from './postprocess';
import type { PhraseSpan } from './text';

const HIDDEN: ReadonlySet<number> = new Set([101, 102, 1012, 1029]);
const VOCAB: Record<number, string> = {
  101: '[CLS]',
  102: '[SEP]',
  1012: '.',
  2417: 'red',
  2482: 'car',
  2630: 'blue',
};
const tokenOf = (id: number) => VOCAB[id] ?? '[UNK]';

/** "red car .\nblue car ." as planTextRuns packs two expressions: [CLS] red car . blue car . [SEP] */
const IDS = [101, 2417, 2482, 1012, 2630, 2482, 1012, 102];
const SPANS: PhraseSpan[] = [
  { phrase: 'red car', index: 0, start: 1, end: 3 },
  { phrase: 'blue car', index: 1, start: 4, end: 6 },
];
const ctx = { ids: IDS, phrases: SPANS, hiddenIds: HIDDEN, tokenOf, image: { width: 100, height: 100 } };
const thresholds = (box: number, nmsIou: number | null = 0.5): Thresholds => ({ box, text: 0.25, nmsIou });

/** Queries whose logits are −9 except where set, each with its own box (cx, cy, w, h). */
function outputs(
  rows: readonly { logits: Record<number, number>; box: [number, number, number, number] }[],
): RawOutputs {
  const width = 256;
  const logits = new Float32Array(rows.length * width).fill(-9);
  const boxes = new Float32Array(rows.length * 4);
  rows.forEach((r, q) => {
    for (const [t, v] of Object.entries(r.logits)) logits[q * width + Number(t)] = v;
    boxes.set(r.box, q * 4);
  });
  return { logits, boxes, queries: rows.length, width };
}

describe('expressionScore', () => {
  it('is the mean probability over all of the expression tokens', () => {
    const row = [0, 3, 1, 0];
    expect(expressionScore(row, { start: 1, end: 3 })).toBeCloseTo((sigmoid(3) + sigmoid(1)) / 2, 9);
  });

  it('ranks an expression whose tokens all match above one whose tokens half match', () => {
    const all = expressionScore([3, 3], { start: 0, end: 2 });
    const half = expressionScore([3, -9], { start: 0, end: 2 });
    expect(all).toBeGreaterThan(half);
    // The phrase rule (best token) cannot tell them apart.
    expect(Math.max(...[3, 3].map(sigmoid))).toBe(Math.max(...[3, -9].map(sigmoid)));
  });

  it('scores an expression without tokens 0', () => {
    expect(expressionScore([5, 5], { start: 1, end: 1 })).toBe(0);
  });
});

describe('decodeExpressions', () => {
  it('gives each expression its own best box, chosen over all of its words', () => {
    const out = outputs([
      // A red bus: "red" matches strongly, "car" not at all. The phrase rule would give it to "red car".
      { logits: { 1: 6, 2: -9 }, box: [0.2, 0.2, 0.2, 0.2] },
      // The red car: both words match.
      { logits: { 1: 3, 2: 3 }, box: [0.6, 0.6, 0.2, 0.2] },
      // The blue car.
      { logits: { 4: 2, 5: 2 }, box: [0.8, 0.2, 0.1, 0.1] },
    ]);
    const dets = decodeExpressions(out, ctx, thresholds(0.35), 1);
    expect(dets.map((d) => [d.phrase, d.phraseIndex, Math.round(d.box.x1)])).toEqual([
      ['red car', 0, 50],
      ['blue car', 1, 75],
    ]);
    expect(dets[0].score).toBeCloseTo(sigmoid(3), 6);
    expect(dets[0].rawText).toBe('red car');
  });

  it('keeps the top k boxes of an expression, one per object', () => {
    const out = outputs([
      { logits: { 1: 3, 2: 3 }, box: [0.2, 0.2, 0.2, 0.2] },
      // The same object again, a little bigger: suppressed, not counted towards k.
      { logits: { 1: 2.9, 2: 2.9 }, box: [0.2, 0.2, 0.21, 0.21] },
      { logits: { 1: 2, 2: 2 }, box: [0.7, 0.7, 0.2, 0.2] },
      { logits: { 1: 1, 2: 1 }, box: [0.5, 0.9, 0.1, 0.1] },
    ]);
    const dets = decodeExpressions(out, { ...ctx, phrases: [SPANS[0]] }, thresholds(0.35), 2);
    expect(dets.map((d) => d.score)).toEqual([sigmoid(3), sigmoid(2)].map((v) => expect.closeTo(v, 6)));
  });

  it('yields nothing for an expression no query scores strictly above the box threshold', () => {
    const out = outputs([{ logits: { 1: 0, 2: 0 }, box: [0.5, 0.5, 0.2, 0.2] }]); // mean exactly 0.5
    expect(decodeExpressions(out, { ...ctx, phrases: [SPANS[0]] }, thresholds(0.5), 1)).toEqual([]);
    expect(decodeExpressions(out, { ...ctx, phrases: [SPANS[0]] }, thresholds(0.49), 1)).toHaveLength(1);
  });

  it('lets two expressions name the same box: each is its own label', () => {
    const out = outputs([{ logits: { 1: 3, 2: 3, 4: 3, 5: 3 }, box: [0.5, 0.5, 0.2, 0.2] }]);
    const dets = finishDetections([decodeExpressions(out, ctx, thresholds(0.35), 1)], thresholds(0.35), true);
    expect(dets.map((d) => d.phrase)).toEqual(['red car', 'blue car']);
  });
});
