/**
 * Comparisons between GroundLabel's results and the reference's: pure functions over plain data,
 * so the conformance run and its tests read the same figures.
 */
import type { Detection } from '../src/shared/detection';
import { boxArea, clampBox, iou, type Box, type ImageSize } from '../src/shared/geometry';
import { STD } from '../src/main/inference/normalise';

/** One of the reference's boxes, reduced to what is compared. */
export interface ReferenceBox {
  /** [x1, y1, x2, y2] in pixels of the oriented image, not clamped. */
  readonly box: readonly [number, number, number, number];
  readonly score: number;
  readonly label: string;
  readonly phraseIndex: number;
}

export interface LabelAgreement {
  /** transformers' label is GroundLabel's phrase. */
  readonly same: number;
  /** It holds GroundLabel's phrase and words of other phrases ("car . taxi" → "car taxi"). */
  readonly merged: number;
  /** It is a part of GroundLabel's phrase, or empty ("tricycle" → "tri"). */
  readonly fragment: number;
  /** Neither: the query's top token was a delimiter, where GroundLabel falls back to the best mean. */
  readonly other: number;
}

export interface DetectionParity {
  readonly reference: number;
  readonly groundlabel: number;
  readonly matched: number;
  /** Unmatched boxes whose score lies within `borderline` of the box threshold: kept on one side only by rounding. */
  readonly borderline: number;
  readonly unmatchedReference: number;
  readonly unmatchedGroundlabel: number;
  /** Largest difference of a corner coordinate between matched boxes, in pixels. */
  readonly maxBoxErrorPx: number;
  readonly meanBoxErrorPx: number;
  readonly maxScoreDiff: number;
  readonly meanScoreDiff: number;
  /** Matched boxes whose phrase is the one GroundLabel's rule gives on the reference's logits. */
  readonly phraseSame: number;
  readonly phraseDiffer: number;
  readonly labels: LabelAgreement;
}

export interface MatchOptions {
  /** Boxes pair up at this IoU or more (0.99 for parity; lower to follow a quantised model). */
  readonly minIou: number;
  readonly boxThreshold: number;
  /** Score distance from the box threshold under which an unmatched box is not counted as a miss. */
  readonly borderline?: number;
}

/** The words of a label or phrase: lower-case alphanumeric runs and single punctuation marks; no dots or special tokens. */
export function words(text: string): string[] {
  // transformers' label may hold [SEP] (it reads up to column 255, past the caption's end).
  const plain = text.toLowerCase().replace(/\[(cls|sep|pad|unk|mask)\]/g, ' ');
  return (plain.match(/[a-z0-9]+|[^\sa-z0-9#.]/g) ?? []) as string[];
}

const containsRun = (hay: readonly string[], needle: readonly string[]) =>
  needle.length > 0 &&
  hay.some((_, i) => i + needle.length <= hay.length && needle.every((w, k) => hay[i + k] === w));

/** How transformers' own label for a box relates to the phrase GroundLabel gave it. */
export function labelRelation(label: string, phrase: string): keyof LabelAgreement {
  const l = words(label);
  const p = words(phrase);
  if (l.join(' ') === p.join(' ')) return 'same';
  if (containsRun(l, p)) return 'merged';
  if (l.length === 0 || p.join('').includes(l.join(''))) return 'fragment';
  return 'other';
}

/** A reference box as GroundLabel stores boxes: clamped to the image; null when nothing is left. */
export function clampReference(box: ReferenceBox['box'], image: ImageSize): Box | null {
  const clamped = clampBox({ x1: box[0], y1: box[1], x2: box[2], y2: box[3] }, image);
  return boxArea(clamped) > 0 ? clamped : null;
}

const boxError = (a: Box, b: Box) =>
  Math.max(Math.abs(a.x1 - b.x1), Math.abs(a.y1 - b.y1), Math.abs(a.x2 - b.x2), Math.abs(a.y2 - b.y2));

/**
 * Pairs the boxes greedily, best IoU first (a closer score breaks ties), and measures the pairs.
 * Reference boxes that lie wholly outside the image are left out, as GroundLabel leaves them out.
 */
export function compareDetections(
  reference: readonly ReferenceBox[],
  groundlabel: readonly Detection[],
  phrases: readonly string[],
  image: ImageSize,
  options: MatchOptions,
): DetectionParity {
  const ref = reference.flatMap((r) => {
    const box = clampReference(r.box, image);
    return box ? [{ ...r, clamped: box }] : [];
  });
  const pairs: { r: number; g: number; iou: number; ds: number }[] = [];
  ref.forEach((r, i) =>
    groundlabel.forEach((g, j) => {
      const overlap = iou(r.clamped, g.box);
      if (overlap >= options.minIou)
        pairs.push({ r: i, g: j, iou: overlap, ds: Math.abs(r.score - g.score) });
    }),
  );
  pairs.sort((a, b) => b.iou - a.iou || a.ds - b.ds);
  const usedR = new Set<number>();
  const usedG = new Set<number>();
  let maxBox = 0;
  let sumBox = 0;
  let maxScore = 0;
  let sumScore = 0;
  let phraseSame = 0;
  const labels = { same: 0, merged: 0, fragment: 0, other: 0 };
  for (const p of pairs) {
    if (usedR.has(p.r) || usedG.has(p.g)) continue;
    usedR.add(p.r);
    usedG.add(p.g);
    const r = ref[p.r];
    const g = groundlabel[p.g];
    const err = boxError(r.clamped, g.box);
    maxBox = Math.max(maxBox, err);
    sumBox += err;
    maxScore = Math.max(maxScore, p.ds);
    sumScore += p.ds;
    if (r.phraseIndex === g.phraseIndex) phraseSame += 1;
    labels[labelRelation(r.label, phrases[g.phraseIndex] ?? g.phrase)] += 1;
  }
  const near = (score: number) => Math.abs(score - options.boxThreshold) <= (options.borderline ?? 1e-4);
  const leftR = ref.filter((_, i) => !usedR.has(i));
  const leftG = groundlabel.filter((_, j) => !usedG.has(j));
  const matched = usedR.size;
  return {
    reference: ref.length,
    groundlabel: groundlabel.length,
    matched,
    borderline: leftR.filter((r) => near(r.score)).length + leftG.filter((g) => near(g.score)).length,
    unmatchedReference: leftR.filter((r) => !near(r.score)).length,
    unmatchedGroundlabel: leftG.filter((g) => !near(g.score)).length,
    maxBoxErrorPx: maxBox,
    meanBoxErrorPx: matched ? sumBox / matched : 0,
    maxScoreDiff: maxScore,
    meanScoreDiff: matched ? sumScore / matched : 0,
    phraseSame,
    phraseDiffer: matched - phraseSame,
    labels,
  };
}

export interface PixelParity {
  /** Mean and largest absolute difference, in 0–255 levels. */
  readonly meanLevels: number;
  readonly maxLevels: number;
  /** Samples more than 3 levels apart. */
  readonly over3: number;
}

/**
 * Difference between two normalised CHW tensors in 0–255 levels: a normalised difference d in
 * channel c is d·std[c]·255 levels.
 */
export function comparePixels(a: Float32Array, b: Float32Array): PixelParity {
  if (a.length !== b.length || a.length % 3 !== 0) {
    throw new RangeError(`tensors of ${a.length} and ${b.length} values cannot be compared`);
  }
  const plane = a.length / 3;
  let sum = 0;
  let max = 0;
  let over3 = 0;
  for (let c = 0; c < 3; c++) {
    const toLevels = STD[c] * 255;
    for (let i = c * plane; i < (c + 1) * plane; i++) {
      const d = Math.abs(a[i] - b[i]) * toLevels;
      sum += d;
      if (d > max) max = d;
      // Float rounding of the normalisation alone is far below a level.
      if (d > 3 + 1e-3) over3 += 1;
    }
  }
  return { meanLevels: sum / a.length, maxLevels: max, over3 };
}

/** GroundLabel's text inputs for one pass, as it feeds them. */
export interface GroundLabelText {
  readonly ids: readonly number[];
  /** Flavour B's attention_mask and token_type_ids. */
  readonly attentionMask: readonly number[];
  readonly tokenTypeIds: readonly number[];
  /** Flavour A's position_ids and text_token_mask (n×n, 1 = attend). */
  readonly positionIds: readonly number[];
  readonly mask: Uint8Array;
}

export interface TextParity {
  readonly tokens: number;
  readonly idsEqual: boolean;
  readonly attentionMaskEqual: boolean;
  readonly tokenTypeIdsEqual: boolean;
  readonly textMaskEqual: boolean;
  /** Position ids that differ, and how many of those are at a phrase's closing delimiter. */
  readonly positionDiffs: number;
  readonly positionDiffsAtClosingDelimiters: number;
}

const sameList = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** GroundLabel's text inputs against transformers' (processor + generate_masks_with_special_tokens_and_transfer_map). */
export function compareText(
  gl: GroundLabelText,
  ref: {
    readonly input_ids: readonly number[];
    readonly attention_mask: readonly number[];
    readonly token_type_ids: readonly number[];
    readonly position_ids: readonly number[];
    readonly text_mask: string;
  },
  delimiters: ReadonlySet<number>,
): TextParity {
  const n = gl.ids.length;
  let textMaskEqual = ref.text_mask.length === n * n && ref.input_ids.length === n;
  for (let i = 0; textMaskEqual && i < n * n; i++)
    textMaskEqual = (ref.text_mask[i] === '1') === (gl.mask[i] === 1);
  let positionDiffs = 0;
  let atClosing = 0;
  for (let i = 0; i < Math.max(n, ref.position_ids.length); i++) {
    if (gl.positionIds[i] === ref.position_ids[i]) continue;
    positionDiffs += 1;
    if (i > 0 && i < n - 1 && delimiters.has(gl.ids[i])) atClosing += 1;
  }
  return {
    tokens: n,
    idsEqual: sameList(gl.ids, ref.input_ids),
    attentionMaskEqual: sameList(gl.attentionMask, ref.attention_mask),
    tokenTypeIdsEqual: sameList(gl.tokenTypeIds, ref.token_type_ids),
    textMaskEqual,
    positionDiffs,
    positionDiffsAtClosingDelimiters: atClosing,
  };
}
