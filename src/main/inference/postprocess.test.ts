import { describe, expect, it } from 'vitest';
import type { Detection, Thresholds } from '../../shared/detection';
import { boxArea, type Box, type ImageSize } from '../../shared/geometry';
import {
  cxcywhToPixels,
  decodeDetections,
  decodeTokens,
  finishDetections,
  nmsPerPhrase,
  sigmoid,
  suppressAcrossPhrases,
  type DecodeContext,
  type RawOutputs,
} from './postprocess';
import type { PhraseSpan } from './text';

const D: ReadonlySet<number> = new Set([101, 102, 1012, 1029]);
const VOCAB: Record<number, string> = {
  101: '[CLS]',
  102: '[SEP]',
  1012: '.',
  1029: '?',
  4937: 'cat',
  3899: 'dog',
  4026: 'traffic',
  2422: 'light',
  2543: 'fire',
  26018: 'hydra',
  3372: '##nt',
  13012: 'tri',
  23490: '##cycle',
  3158: 'van',
};
const tokenOf = (id: number) => VOCAB[id] ?? '[UNK]';

/** "cat . dog ." as planTextRuns builds it. */
const CAT_DOG = {
  ids: [101, 4937, 1012, 3899, 1012, 102],
  phrases: [
    { phrase: 'cat', index: 0, start: 1, end: 2 },
    { phrase: 'dog', index: 1, start: 3, end: 4 },
  ] as PhraseSpan[],
};
const TRAFFIC = {
  ids: [101, 4026, 2422, 1012, 2543, 26018, 3372, 1012, 102],
  phrases: [
    { phrase: 'traffic light', index: 0, start: 1, end: 3 },
    { phrase: 'fire hydrant', index: 1, start: 4, end: 7 },
  ] as PhraseSpan[],
};

function ctx(
  text: { ids: number[]; phrases: PhraseSpan[] },
  image: ImageSize = { width: 640, height: 480 },
): DecodeContext {
  return { ids: text.ids, phrases: text.phrases, hiddenIds: D, tokenOf, image };
}

/** Q queries × T columns of −inf logits (as the exports pad), boxes all (0.5, 0.5, 0.2, 0.2). */
function outputs(queries: number, width = 256): RawOutputs & { logits: Float32Array; boxes: Float32Array } {
  const logits = new Float32Array(queries * width).fill(-Infinity);
  const boxes = new Float32Array(queries * 4);
  for (let q = 0; q < queries; q++) boxes.set([0.5, 0.5, 0.2, 0.2], q * 4);
  return { logits, boxes, queries, width };
}

/** Sets query q's logits for columns 0, 1, 2, … */
function setRow(out: RawOutputs & { logits: Float32Array }, q: number, values: readonly number[]) {
  out.logits.set(values, q * out.width);
}

const thresholds = (box: number, text = 0.25, nmsIou: number | null = null): Thresholds => ({
  box,
  text,
  nmsIou,
});

function det(box: Box, score: number, phraseIndex: number, phrase = `p${phraseIndex}`): Detection {
  return { box, score, phrase, phraseIndex, rawText: phrase };
}

describe('sigmoid', () => {
  it('maps 0 to 0.5, −inf to 0 and +inf to 1', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(-Infinity)).toBe(0);
    expect(sigmoid(Infinity)).toBe(1);
  });

  it('is 1/(1+e^−x)', () => {
    expect(sigmoid(2)).toBeCloseTo(0.880797, 6);
    expect(sigmoid(-2)).toBeCloseTo(0.119203, 6);
    expect(sigmoid(0.5)).toBeCloseTo(0.622459, 6);
  });
});

describe('cxcywhToPixels', () => {
  it('turns (0.25, 0.75, 0.1, 0.2) on 640×480 into [128, 312, 192, 408]', () => {
    const b = cxcywhToPixels(0.25, 0.75, 0.1, 0.2, { width: 640, height: 480 });
    expect(b.x1).toBeCloseTo(128, 9);
    expect(b.y1).toBeCloseTo(312, 9);
    expect(b.x2).toBeCloseTo(192, 9);
    expect(b.y2).toBeCloseTo(408, 9);
  });

  it('scales x by the width and y by the height', () => {
    expect(cxcywhToPixels(0.5, 0.5, 1, 1, { width: 200, height: 100 })).toEqual({
      x1: 0,
      y1: 0,
      x2: 200,
      y2: 100,
    });
  });
});

describe('decodeDetections', () => {
  it('keeps every query of the transformers.js synthetic check with box [60, 90, 180, 270]', () => {
    const out: RawOutputs = {
      logits: new Float32Array(900 * 256).fill(0.5),
      boxes: new Float32Array(900 * 4).fill(0.5),
      queries: 900,
      width: 256,
    };
    const dets = decodeDetections(out, ctx(CAT_DOG, { width: 240, height: 360 }), thresholds(0.3));
    expect(dets).toHaveLength(900);
    for (const d of dets) {
      expect(d.box).toEqual({ x1: 60, y1: 90, x2: 180, y2: 270 });
      expect(d.score).toBeCloseTo(sigmoid(0.5), 6);
    }
  });

  it('drops a query whose score equals the box threshold exactly', () => {
    const out = outputs(2);
    setRow(out, 0, [-9, 0, -9, -9, -9, -9]); // P = 0.5 exactly
    setRow(out, 1, [-9, 1e-3, -9, -9, -9, -9]);
    const dets = decodeDetections(out, ctx(CAT_DOG), thresholds(0.5));
    expect(dets).toHaveLength(1);
    expect(dets[0].score).toBeGreaterThan(0.5);
  });

  it('leaves a token whose probability equals the text threshold out of the raw text', () => {
    const out = outputs(1);
    setRow(out, 0, [-9, 3, -9, 0, -9, -9]); // cat P≈0.95, dog P = 0.5 exactly
    const [d] = decodeDetections(out, ctx(CAT_DOG), thresholds(0.35, 0.5));
    expect(d.rawText).toBe('cat');
    const [d2] = decodeDetections(out, ctx(CAT_DOG), thresholds(0.35, 0.4999));
    expect(d2.rawText).toBe('cat dog');
  });

  it('ignores −inf columns: they never make a score and never enter the raw text', () => {
    const out = outputs(2);
    // Query 0: all −inf. Query 1: only "dog" finite.
    setRow(out, 1, [-Infinity, -Infinity, -Infinity, 0.2, -Infinity, -Infinity]);
    const dets = decodeDetections(out, ctx(CAT_DOG), thresholds(0, 0));
    expect(dets).toHaveLength(1);
    expect(dets[0].score).toBeCloseTo(sigmoid(0.2), 6);
    expect(dets[0].rawText).toBe('dog');
    expect(dets[0].phrase).toBe('dog');
  });

  it('ignores columns at or beyond the number of text tokens', () => {
    const out = outputs(2);
    const row = new Array(256).fill(5); // high everywhere past the text…
    row.splice(0, 6, -9, -9, -9, -9, -9, -9); // …but low on the 6 text tokens
    setRow(out, 0, row);
    const row1 = [...row];
    row1[3] = 1; // dog P≈0.73
    setRow(out, 1, row1);
    const dets = decodeDetections(out, ctx(CAT_DOG), thresholds(0.35, 0.25));
    expect(dets).toHaveLength(1);
    expect(dets[0].score).toBeCloseTo(sigmoid(1), 6);
    expect(dets[0].phrase).toBe('dog');
    expect(dets[0].rawText).toBe('dog');
  });

  it('assigns a query to the phrase holding its top token', () => {
    const out = outputs(2);
    setRow(out, 0, [-9, 2, -9, 3, -9, -9]); // top = dog
    setRow(out, 1, [-9, 4, -9, 3, -9, -9]); // top = cat
    const dets = decodeDetections(out, ctx(CAT_DOG), thresholds(0.35));
    expect(dets.map((d) => [d.phrase, d.phraseIndex])).toEqual([
      ['dog', 1],
      ['cat', 0],
    ]);
  });

  it('assigns a query whose top token is a delimiter to the phrase of highest mean probability', () => {
    const out = outputs(2);
    // Top is the dot closing "traffic light"; "traffic" alone is the best word token, but
    // mean P(traffic light) ≈ (0.95 + 0.05)/2 = 0.5 < mean P(fire hydrant) ≈ 0.73.
    setRow(out, 0, [-9, 3, -3, 6, 1, 1, 1, -9, -9]);
    // Top is [CLS]; "traffic light" has the higher mean.
    setRow(out, 1, [7, 2, 2, -9, 1, 1, 1, -9, -9]);
    const dets = decodeDetections(out, ctx(TRAFFIC), thresholds(0.35));
    expect(dets.map((d) => d.phrase)).toEqual(['fire hydrant', 'traffic light']);
    expect(dets[0].score).toBeCloseTo(sigmoid(6), 6);
  });

  it('labels with the prompt-wide phrase index of the span, not its place in the run', () => {
    const out = outputs(1);
    setRow(out, 0, [-9, -9, -9, 2, -9, -9]);
    const run = { ids: CAT_DOG.ids, phrases: CAT_DOG.phrases.map((p, i) => ({ ...p, index: 7 + i })) };
    const [d] = decodeDetections(out, ctx(run), thresholds(0.35));
    expect([d.phrase, d.phraseIndex]).toEqual(['dog', 8]);
  });

  it('glues ## pieces in the raw text, never shows [CLS], [SEP] or dots, and keeps the phrase whole', () => {
    const out = outputs(1);
    const text = {
      ids: [101, 13012, 23490, 1012, 3158, 1012, 102],
      phrases: [
        { phrase: 'tricycle', index: 0, start: 1, end: 3 },
        { phrase: 'van', index: 1, start: 4, end: 5 },
      ],
    };
    setRow(out, 0, [3, 3, 2, 3, 1, 3, 3]); // every token, specials and dots included, above both thresholds
    const [d] = decodeDetections(out, ctx(text), thresholds(0.35, 0.25));
    expect(d.rawText).toBe('tricycle van');
    expect(d.phrase).toBe('tricycle');
  });

  it('keeps a fragment in the raw text only, while the label stays the whole phrase', () => {
    const out = outputs(1);
    const text = {
      ids: [101, 13012, 23490, 1012, 102],
      phrases: [{ phrase: 'tricycle', index: 0, start: 1, end: 3 }],
    };
    setRow(out, 0, [-9, -9, 2, -9, -9]); // only "##cycle" fires
    const [d] = decodeDetections(out, ctx(text), thresholds(0.35, 0.25));
    expect(d.rawText).toBe('cycle');
    expect(d.phrase).toBe('tricycle');
  });

  it('never reads column 255 or beyond into the raw text, as the original does', () => {
    const ids = [101, ...new Array(253).fill(4937), 3899, 102]; // 256 ids: dog at 254, [SEP] at 255
    ids[255] = 3899; // a word where the original stops reading
    const out = outputs(1);
    const row = new Array(256).fill(-9);
    row[255] = 4;
    row[254] = 2;
    setRow(out, 0, row);
    const [d] = decodeDetections(
      out,
      {
        ids,
        phrases: [{ phrase: 'x', index: 0, start: 1, end: 255 }],
        hiddenIds: D,
        tokenOf,
        image: { width: 10, height: 10 },
      },
      thresholds(0.35),
    );
    expect(d.rawText).toBe('dog');
    expect(d.score).toBeCloseTo(sigmoid(4), 6);
  });

  it('clamps boxes to the image', () => {
    const out = outputs(1);
    setRow(out, 0, [-9, 2, -9, -9, -9, -9]);
    out.boxes.set([0.95, 0.05, 0.2, 0.2], 0); // x 0.85–1.05, y −0.05–0.15
    const [d] = decodeDetections(out, ctx(CAT_DOG, { width: 100, height: 200 }), thresholds(0.35));
    expect(d.box.x1).toBeCloseTo(85, 4);
    expect(d.box.x2).toBe(100);
    expect(d.box.y1).toBe(0);
    expect(d.box.y2).toBeCloseTo(30, 4);
  });

  it('drops boxes that have no area once clamped to the image', () => {
    const out = outputs(4);
    for (let q = 0; q < 4; q++) setRow(out, q, [-9, 2, -9, -9, -9, -9]);
    out.boxes.set([1.5, 0.5, 0.2, 0.2], 0); // right of the image
    out.boxes.set([0.5, -0.5, 0.2, 0.2], 4); // above it
    out.boxes.set([0.5, 0.5, 0, 0.2], 8); // zero width
    out.boxes.set([0.5, 0.5, 0.2, 0.2], 12); // fine
    const dets = decodeDetections(out, ctx(CAT_DOG, { width: 100, height: 100 }), thresholds(0.35));
    expect(dets).toHaveLength(1);
    const { x1, y1, x2, y2 } = dets[0].box;
    [x1, y1, x2, y2].forEach((v, i) => expect(v).toBeCloseTo([40, 40, 60, 60][i], 4));
  });

  it('decodes a 900×256 synthetic output like a direct reading of the contract', () => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const Q = 900;
    const T = 256;
    const n = TRAFFIC.ids.length;
    const out = outputs(Q, T);
    for (let q = 0; q < Q; q++) {
      for (let t = 0; t < n; t++) out.logits[q * T + t] = rand() * 8 - 6;
      out.boxes.set([rand(), rand(), rand() * 0.5, rand() * 0.5], q * 4);
    }
    const image = { width: 1280, height: 720 };
    const dets = decodeDetections(out, ctx(TRAFFIC, image), thresholds(0.35, 0.25));

    const expected: { q: number; score: number; phrase: string }[] = [];
    for (let q = 0; q < Q; q++) {
      const p = Array.from(out.logits.subarray(q * T, q * T + n), sigmoid);
      const score = Math.max(...p);
      if (!(score > 0.35)) continue;
      const [cx, cy, w, h] = out.boxes.subarray(q * 4, q * 4 + 4);
      const box = {
        x1: Math.max(0, (cx - w / 2) * 1280),
        y1: Math.max(0, (cy - h / 2) * 720),
        x2: Math.min(1280, (cx + w / 2) * 1280),
        y2: Math.min(720, (cy + h / 2) * 720),
      };
      if (boxArea(box) <= 0) continue;
      const top = p.indexOf(score);
      const holder = TRAFFIC.phrases.find((s) => top >= s.start && top < s.end);
      const mean = (s: PhraseSpan) => p.slice(s.start, s.end).reduce((a, b) => a + b, 0) / (s.end - s.start);
      const phrase = holder ?? [...TRAFFIC.phrases].sort((a, b) => mean(b) - mean(a))[0];
      expected.push({ q, score, phrase: phrase.phrase });
    }
    expect(expected.length).toBeGreaterThan(100);
    expect(dets.map((d) => [d.score, d.phrase])).toEqual(expected.map((e) => [e.score, e.phrase]));
    for (const d of dets) {
      expect(d.box.x1).toBeGreaterThanOrEqual(0);
      expect(d.box.y2).toBeLessThanOrEqual(720);
      expect(boxArea(d.box)).toBeGreaterThan(0);
      expect(d.rawText).not.toMatch(/\[CLS\]|\[SEP\]|\./);
    }
  });
});

describe('decodeTokens', () => {
  it('glues ## pieces to the word before them and separates words with one space', () => {
    expect(decodeTokens([4026, 2422, 2543, 26018, 3372], tokenOf)).toBe('traffic light fire hydrant');
  });

  it('removes dots', () => {
    expect(decodeTokens([4937, 1012, 3899, 1012], tokenOf)).toBe('cat dog');
  });

  it('gives an empty string for no tokens', () => {
    expect(decodeTokens([], tokenOf)).toBe('');
  });
});

describe('nmsPerPhrase', () => {
  const a: Box = { x1: 0, y1: 0, x2: 10, y2: 10 };
  const aShifted: Box = { x1: 1, y1: 0, x2: 11, y2: 10 }; // IoU with a = 90/110 ≈ 0.82
  const far: Box = { x1: 50, y1: 50, x2: 60, y2: 60 };

  it('removes the weaker of two overlapping boxes of one phrase', () => {
    const kept = nmsPerPhrase([det(aShifted, 0.6, 0), det(a, 0.9, 0), det(far, 0.5, 0)], 0.5);
    expect(kept.map((d) => d.score)).toEqual([0.9, 0.5]);
  });

  it('keeps overlapping boxes of different phrases', () => {
    const kept = nmsPerPhrase([det(a, 0.9, 0), det(aShifted, 0.6, 1), det(a, 0.5, 2)], 0.5);
    expect(kept).toHaveLength(3);
  });

  it('keeps a box whose overlap equals the IoU threshold', () => {
    const half: Box = { x1: 0, y1: 0, x2: 10, y2: 5 }; // IoU with a = 0.5
    expect(nmsPerPhrase([det(a, 0.9, 0), det(half, 0.8, 0)], 0.5)).toHaveLength(2);
    expect(nmsPerPhrase([det(a, 0.9, 0), det(half, 0.8, 0)], 0.49)).toHaveLength(1);
  });
});

describe('suppressAcrossPhrases', () => {
  const a: Box = { x1: 0, y1: 0, x2: 10, y2: 10 };
  const aShifted: Box = { x1: 1, y1: 0, x2: 11, y2: 10 }; // IoU with a ≈ 0.82
  const far: Box = { x1: 50, y1: 50, x2: 60, y2: 60 };

  it('keeps the better of two phrases on one object and says which pair collided, how often', () => {
    const { kept, collisions } = suppressAcrossPhrases(
      [
        det(a, 0.6, 1, 'girl'),
        det(aShifted, 0.9, 0, 'person'),
        det(far, 0.7, 0, 'person'),
        det(far, 0.5, 2, 'child'),
        det(a, 0.4, 2, 'child'),
      ],
      0.5,
    );
    expect(kept.map((d) => [d.phrase, d.score])).toEqual([
      ['person', 0.9],
      ['person', 0.7],
    ]);
    expect(collisions).toEqual([
      { kept: 'person', dropped: 'child', count: 2 },
      { kept: 'person', dropped: 'girl', count: 1 },
    ]);
  });

  it('leaves boxes of one phrase, and boxes overlapping no more than the IoU, alone', () => {
    const half: Box = { x1: 0, y1: 0, x2: 10, y2: 5 }; // IoU with a = 0.5
    const { kept, collisions } = suppressAcrossPhrases(
      [det(a, 0.9, 0), det(aShifted, 0.8, 0), det(half, 0.7, 1)],
      0.5,
    );
    expect(kept).toHaveLength(3);
    expect(collisions).toEqual([]);
  });
});

describe('finishDetections', () => {
  const a: Box = { x1: 0, y1: 0, x2: 10, y2: 10 };

  it('keeps duplicates when NMS is off', () => {
    const result = finishDetections(
      [[det(a, 0.5, 0), det(a, 0.9, 0)], [det(a, 0.7, 0)]],
      thresholds(0.35, 0.25, null),
    );
    expect(result.map((d) => d.score)).toEqual([0.9, 0.7, 0.5]);
  });

  it('merges the runs of a split prompt and applies NMS across them within each phrase', () => {
    const result = finishDetections(
      [
        [det(a, 0.5, 0), det(a, 0.8, 1)],
        [det(a, 0.9, 0), det(a, 0.6, 3)],
      ],
      thresholds(0.35, 0.25, 0.5),
    );
    expect(result.map((d) => [d.score, d.phraseIndex])).toEqual([
      [0.9, 0],
      [0.8, 1],
      [0.6, 3],
    ]);
  });

  it('orders equal scores by phrase index', () => {
    const result = finishDetections(
      [[det(a, 0.5, 2)], [det(a, 0.5, 0)], [det(a, 0.5, 1)]],
      thresholds(0.35, 0.25, null),
    );
    expect(result.map((d) => d.phraseIndex)).toEqual([0, 1, 2]);
  });
});
