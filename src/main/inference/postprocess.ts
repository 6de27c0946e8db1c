import type { Detection, Thresholds } from '../../shared/detection';
import { clampBox, iou, boxArea, type ImageSize } from '../../shared/geometry';
import { addCollisions, type PhraseCollision } from '../../shared/prompt/collisions';
import type { PhraseSpan } from './text';

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** The two outputs of one forward pass, row-major: logits [Q, T], boxes [Q, 4] as (cx, cy, w, h) in 0–1. */
export interface RawOutputs {
  readonly logits: Float32Array;
  readonly boxes: Float32Array;
  readonly queries: number;
  /** Width of a logits row (256 for every known export). */
  readonly width: number;
}

export interface DecodeContext {
  /** The run's token ids: only columns below ids.length are text. */
  readonly ids: readonly number[];
  readonly phrases: readonly PhraseSpan[];
  /** Ids never shown in raw text ([CLS], [SEP], delimiters). */
  readonly hiddenIds: ReadonlySet<number>;
  readonly tokenOf: (id: number) => string;
  readonly image: ImageSize;
}

/** (cx, cy, w, h) in 0–1 → pixel corners of the original image. (0.25,0.75,0.1,0.2) on 640×480 → [128,312,192,408]. */
export function cxcywhToPixels(cx: number, cy: number, w: number, h: number, image: ImageSize) {
  return {
    x1: (cx - w / 2) * image.width,
    y1: (cy - h / 2) * image.height,
    x2: (cx + w / 2) * image.width,
    y2: (cy + h / 2) * image.height,
  };
}

/** Glue WordPiece pieces back into words and drop the dots, as the original repo's label does. */
export function decodeTokens(ids: readonly number[], tokenOf: (id: number) => string): string {
  let text = '';
  for (const id of ids) {
    const token = tokenOf(id);
    text += token.startsWith('##') ? token.slice(2) : text ? ` ${token}` : token;
  }
  return text.replace(/\./g, '').replace(/\s+/g, ' ').trim();
}

/**
 * The phrase a query belongs to: the one holding its top token, or, when that token is a delimiter
 * or special token, the phrase with the highest mean probability over its tokens.
 */
function assignPhrase(row: Float32Array, top: number, phrases: readonly PhraseSpan[]): PhraseSpan {
  const holder = phrases.find((p) => top >= p.start && top < p.end);
  if (holder) return holder;
  let best = phrases[0];
  let bestMean = -1;
  for (const p of phrases) {
    let sum = 0;
    for (let t = p.start; t < p.end; t++) sum += sigmoid(row[t]);
    const mean = p.end > p.start ? sum / (p.end - p.start) : 0;
    if (mean > bestMean) [best, bestMean] = [p, mean];
  }
  return best;
}

/**
 * Turns one pass's outputs into detections: a query is kept when sigmoid(max logit) over the text
 * tokens is strictly above the box threshold. Since sigmoid is monotonic, probabilities are only
 * computed for the kept queries.
 */
export function decodeDetections(out: RawOutputs, ctx: DecodeContext, thresholds: Thresholds): Detection[] {
  const textLen = Math.min(ctx.ids.length, out.width);
  const lastTextColumn = Math.min(textLen, out.width - 1); // the original never reads t ≥ 255
  const detections: Detection[] = [];
  for (let q = 0; q < out.queries; q++) {
    const row = out.logits.subarray(q * out.width, q * out.width + textLen);
    let top = 0;
    for (let t = 1; t < textLen; t++) if (row[t] > row[top]) top = t;
    const score = sigmoid(row[top]);
    if (!(score > thresholds.box)) continue;

    const b = q * 4;
    const box = clampBox(
      cxcywhToPixels(out.boxes[b], out.boxes[b + 1], out.boxes[b + 2], out.boxes[b + 3], ctx.image),
      ctx.image,
    );
    if (boxArea(box) <= 0) continue;

    const textIds: number[] = [];
    for (let t = 1; t < lastTextColumn; t++) {
      if (sigmoid(row[t]) > thresholds.text && !ctx.hiddenIds.has(ctx.ids[t])) textIds.push(ctx.ids[t]);
    }
    const phrase = assignPhrase(row, top, ctx.phrases);
    detections.push({
      box,
      score,
      phrase: phrase.phrase,
      phraseIndex: phrase.index,
      rawText: decodeTokens(textIds, ctx.tokenOf),
    });
  }
  return detections;
}

/**
 * A referring expression's score for one query: the mean probability over all of the expression's
 * tokens. Phrase mode keeps a query's best token, so "the man in the red shirt" would score as high
 * for any red thing as for the man; the mean makes every word count, so a query matching all of the
 * words beats one matching half of them. An expression without tokens scores 0.
 */
export function expressionScore(
  row: ArrayLike<number>,
  span: { readonly start: number; readonly end: number },
): number {
  if (span.end <= span.start) return 0;
  let sum = 0;
  for (let t = span.start; t < span.end; t++) sum += sigmoid(row[t]);
  return sum / (span.end - span.start);
}

/**
 * Turns one pass's outputs into the boxes of its referring expressions: for each expression, the
 * queries are ranked by expressionScore, and its best `topK` boxes scoring strictly above the box
 * threshold are kept (one box per object: a query overlapping a better kept one of the same
 * expression by more than the NMS IoU is passed over). Each box is labelled with its expression.
 */
export function decodeExpressions(
  out: RawOutputs,
  ctx: DecodeContext,
  thresholds: Thresholds,
  topK: number,
): Detection[] {
  const textLen = Math.min(ctx.ids.length, out.width);
  const detections: Detection[] = [];
  for (const span of ctx.phrases) {
    const end = Math.min(span.end, textLen);
    const scored: { q: number; score: number }[] = [];
    for (let q = 0; q < out.queries; q++) {
      const score = expressionScore(out.logits.subarray(q * out.width, q * out.width + textLen), {
        start: span.start,
        end,
      });
      if (score > thresholds.box) scored.push({ q, score });
    }
    scored.sort((a, b) => b.score - a.score || a.q - b.q);
    const kept: Detection[] = [];
    for (const { q, score } of scored) {
      if (kept.length >= topK) break;
      const b = q * 4;
      const box = clampBox(
        cxcywhToPixels(out.boxes[b], out.boxes[b + 1], out.boxes[b + 2], out.boxes[b + 3], ctx.image),
        ctx.image,
      );
      if (boxArea(box) <= 0) continue;
      if (thresholds.nmsIou !== null && kept.some((k) => iou(k.box, box) > thresholds.nmsIou!)) continue;
      const row = out.logits.subarray(q * out.width, q * out.width + textLen);
      const textIds: number[] = [];
      for (let t = span.start; t < end; t++) {
        if (sigmoid(row[t]) > thresholds.text && !ctx.hiddenIds.has(ctx.ids[t])) textIds.push(ctx.ids[t]);
      }
      kept.push({
        box,
        score,
        phrase: span.phrase,
        phraseIndex: span.index,
        rawText: decodeTokens(textIds, ctx.tokenOf),
      });
    }
    detections.push(...kept);
  }
  return detections;
}

/** Greedy NMS within each phrase: a box is dropped when it overlaps a better one of its phrase by more than `iouThreshold`. */
export function nmsPerPhrase(detections: readonly Detection[], iouThreshold: number): Detection[] {
  const sorted = [...detections].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of sorted) {
    if (!kept.some((k) => k.phraseIndex === d.phraseIndex && iou(k.box, d.box) > iouThreshold)) kept.push(d);
  }
  return kept;
}

/**
 * Class-agnostic NMS across phrases: best first, a box is dropped when it covers a kept box of a
 * *different* phrase by more than `iouThreshold` (the same object claimed twice, as "person . girl"
 * does). Boxes of one phrase are left to nmsPerPhrase. Says which phrase pairs collided, how often.
 */
export function suppressAcrossPhrases(
  detections: readonly Detection[],
  iouThreshold: number,
): { kept: Detection[]; collisions: PhraseCollision[] } {
  const sorted = [...detections].sort((a, b) => b.score - a.score || a.phraseIndex - b.phraseIndex);
  const kept: Detection[] = [];
  const collisions: PhraseCollision[] = [];
  for (const d of sorted) {
    const winner = kept.find((k) => k.phraseIndex !== d.phraseIndex && iou(k.box, d.box) > iouThreshold);
    if (winner) collisions.push({ kept: winner.phrase, dropped: d.phrase, count: 1 });
    else kept.push(d);
  }
  return { kept, collisions: addCollisions(collisions) };
}

/**
 * Merges the detections of several passes (long prompts, per-phrase mode), applies NMS, best first.
 * Referring expressions were already suppressed and cut to their top k within their pass.
 */
export function finishDetections(
  perRun: readonly Detection[][],
  thresholds: Thresholds,
  expressions = false,
): Detection[] {
  const all = perRun.flat();
  const result = thresholds.nmsIou === null || expressions ? all : nmsPerPhrase(all, thresholds.nmsIou);
  return [...result].sort((a, b) => b.score - a.score || a.phraseIndex - b.phraseIndex);
}
