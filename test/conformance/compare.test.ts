import { describe, expect, it } from 'vitest';
import type { Detection } from '../../src/shared/detection';
import { MEAN, STD } from '../../src/main/inference/normalise';
import { subSentenceMasks } from '../../src/main/inference/text';
import {
  compareDetections,
  comparePixels,
  compareText,
  labelRelation,
  words,
  type ReferenceBox,
} from '../../conformance/compare';
import { HelpAsked, parseConformanceArgs } from '../../conformance/run';

const image = { width: 100, height: 80 };
const det = (
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  score: number,
  phraseIndex = 0,
  phrase = 'cat',
): Detection => ({
  box: { x1, y1, x2, y2 },
  score,
  phrase,
  phraseIndex,
  rawText: phrase,
});
const ref = (
  box: [number, number, number, number],
  score: number,
  phraseIndex = 0,
  label = 'cat',
): ReferenceBox => ({
  box,
  score,
  label,
  phraseIndex,
});
const options = { minIou: 0.99, boxThreshold: 0.3 };

describe('compareDetections', () => {
  it('pairs identical boxes and reports no error', () => {
    const p = compareDetections(
      [ref([10, 10, 50, 50], 0.8)],
      [det(10, 10, 50, 50, 0.8)],
      ['cat'],
      image,
      options,
    );
    expect(p).toMatchObject({
      reference: 1,
      groundlabel: 1,
      matched: 1,
      maxBoxErrorPx: 0,
      maxScoreDiff: 0,
      phraseSame: 1,
    });
  });

  it('pairs the closest boxes first and measures the largest corner and score differences', () => {
    const p = compareDetections(
      [ref([10, 10, 50, 50], 0.8), ref([60, 10, 90, 70], 0.5, 1, 'dog')],
      [det(60.1, 10, 90, 70, 0.5004, 1, 'dog'), det(10, 10, 50.05, 50, 0.8001)],
      ['cat', 'dog'],
      image,
      options,
    );
    expect(p.matched).toBe(2);
    expect(p.maxBoxErrorPx).toBeCloseTo(0.1, 6);
    expect(p.maxScoreDiff).toBeCloseTo(4e-4, 9);
    expect(p.phraseDiffer).toBe(0);
  });

  it('clamps reference boxes to the image, and leaves out those wholly outside as GroundLabel does', () => {
    const p = compareDetections(
      [ref([-20, -5, 50, 90], 0.8), ref([120, 10, 150, 50], 0.9)],
      [det(0, 0, 50, 80, 0.8)],
      ['cat'],
      image,
      options,
    );
    expect(p).toMatchObject({ reference: 1, matched: 1, unmatchedReference: 0, maxBoxErrorPx: 0 });
  });

  it('counts boxes found on one side only as misses, unless their score is at the threshold', () => {
    const p = compareDetections(
      [ref([10, 10, 50, 50], 0.30004), ref([60, 10, 90, 70], 0.7)],
      [det(5, 5, 20, 20, 0.6)],
      ['cat'],
      image,
      options,
    );
    expect(p).toMatchObject({ matched: 0, borderline: 1, unmatchedReference: 1, unmatchedGroundlabel: 1 });
  });

  it('does not pair boxes under the IoU asked for', () => {
    const p = compareDetections(
      [ref([10, 10, 50, 50], 0.8)],
      [det(10, 10, 50, 52, 0.8)],
      ['cat'],
      image,
      options,
    );
    expect(p.matched).toBe(0);
    expect(
      compareDetections([ref([10, 10, 50, 50], 0.8)], [det(10, 10, 50, 52, 0.8)], ['cat'], image, {
        ...options,
        minIou: 0.9,
      }).matched,
    ).toBe(1);
  });

  it('counts a pair whose phrase differs from the one the reference logits give', () => {
    const p = compareDetections(
      [ref([10, 10, 50, 50], 0.8, 1, 'dog')],
      [det(10, 10, 50, 50, 0.8, 0, 'cat')],
      ['cat', 'dog'],
      image,
      options,
    );
    expect([p.phraseSame, p.phraseDiffer]).toEqual([0, 1]);
  });
});

describe("transformers' label against GroundLabel's phrase", () => {
  it.each([
    ['traffic light', 'traffic light', 'same'],
    ['traffic light. [SEP]', 'traffic light', 'same'],
    ['car taxi', 'car', 'merged'],
    ['traffic light. fire hydrant', 'fire hydrant', 'merged'],
    ['tri', 'tricycle', 'fragment'],
    ['##van', 'van', 'same'],
    ['light', 'traffic light', 'fragment'],
    ['', 'dog', 'fragment'],
    ['dog', 'cat', 'other'],
  ] as const)('calls "%s" for the phrase "%s" %s', (label, phrase, relation) => {
    expect(labelRelation(label, phrase)).toBe(relation);
  });

  it('reads words as transformers decodes them, punctuation apart and without dots', () => {
    expect(words('T - shirt. [SEP]')).toEqual(['t', '-', 'shirt']);
    expect(words('t-shirt')).toEqual(['t', '-', 'shirt']);
  });
});

describe('comparePixels', () => {
  const plane = 4;
  const level = (values: number[][]) =>
    Float32Array.from(values.flatMap((ch, c) => ch.map((v) => (v / 255 - MEAN[c]) / STD[c])));

  it('gives the difference in 0–255 levels, channel by channel', () => {
    const a = level([
      [0, 10, 20, 30],
      [0, 0, 0, 0],
      [255, 255, 255, 255],
    ]);
    const b = level([
      [0, 12, 20, 30],
      [0, 0, 0, 5],
      [255, 255, 255, 255],
    ]);
    const p = comparePixels(a, b);
    expect(p.maxLevels).toBeCloseTo(5, 4);
    expect(p.meanLevels).toBeCloseTo(7 / (3 * plane), 4);
    expect(p.over3).toBe(1);
  });

  it('refuses tensors of different lengths', () => {
    expect(() => comparePixels(new Float32Array(6), new Float32Array(9))).toThrow(RangeError);
  });
});

describe('compareText', () => {
  const delimiters = new Set([101, 102, 1012, 1029]);
  const ids = [101, 4937, 1012, 3899, 1012, 102];
  const { mask, positionIds } = subSentenceMasks(ids, delimiters);
  const gl = { ids, attentionMask: [1, 1, 1, 1, 1, 1], tokenTypeIds: [0, 0, 0, 0, 0, 0], positionIds, mask };
  const theirs = {
    input_ids: ids,
    attention_mask: [1, 1, 1, 1, 1, 1],
    token_type_ids: [0, 0, 0, 0, 0, 0],
    // transformers 5.17: each closing '.' at position 0
    position_ids: [0, 0, 0, 0, 0, 0],
    text_mask: '100000011000011000000110000110000001',
  };

  it("finds the sub-sentence mask equal and the position ids apart only at the closing dots ('cat . dog .')", () => {
    expect(compareText(gl, theirs, delimiters)).toEqual({
      tokens: 6,
      idsEqual: true,
      attentionMaskEqual: true,
      tokenTypeIdsEqual: true,
      textMaskEqual: true,
      positionDiffs: 2,
      positionDiffsAtClosingDelimiters: 2,
    });
  });

  it('tells a mask or ids that differ', () => {
    const p = compareText(
      gl,
      { ...theirs, input_ids: [101, 4937, 1012, 3899, 1029, 102], text_mask: '1'.repeat(36) },
      delimiters,
    );
    expect([p.idsEqual, p.textMaskEqual]).toEqual([false, false]);
  });
});

describe('npm run conformance arguments', () => {
  it('runs the eight resize, orientation and colour cases with the multi-word prompt, and three more pairs, by default', () => {
    const a = parseConformanceArgs([]);
    expect(a.size).toBe('full');
    expect(a.pairs).toHaveLength(11);
    expect(a.pairs).toContainEqual(['model-size', 'long']);
    expect(a.prompts.sort()).toEqual(['long', 'multi-word', 'one-phrase', 'several']);
  });

  it('runs every chosen image with every chosen prompt', () => {
    const a = parseConformanceArgs([
      '--detect',
      'upscaled,grey',
      '--prompts',
      'one-phrase,several',
      '--size',
      'tiny',
    ]);
    expect(a.pairs).toEqual([
      ['upscaled', 'one-phrase'],
      ['upscaled', 'several'],
      ['grey', 'one-phrase'],
      ['grey', 'several'],
    ]);
  });

  it('asks for the usage with --help', () => {
    expect(() => parseConformanceArgs(['--help'])).toThrow(HelpAsked);
  });

  it('refuses an unknown case or a threshold out of range, naming it', () => {
    expect(() => parseConformanceArgs(['--detect', 'sideways'])).toThrow(/"sideways"/);
    expect(() => parseConformanceArgs(['--box-threshold', '2'])).toThrow(/--box-threshold/);
  });
});
