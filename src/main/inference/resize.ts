import type { ImageSize } from '../../shared/geometry';

/** Python's round(): halves go to the even neighbour (1333 × 1001 / 2666 = 500.5 → 500). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const keep = (w: number, h: number, size: number) => (w <= h && w === size) || (h <= w && h === size);

/**
 * The original repo's resize rule (RandomResize([800], max_size=1333)): the shorter side becomes
 * 800 unless that would push the longer side past 1333, in which case the size shrinks to fit and
 * the longer side is computed from the rounded shorter one (2000×1000 → 1332×666).
 */
export function originalRepoSize(source: ImageSize, shortSide = 800, maxSize = 1333): ImageSize {
  const { width: w, height: h } = source;
  const min = Math.min(w, h);
  const max = Math.max(w, h);
  let size = shortSide;
  if ((max / min) * size > maxSize) size = roundHalfEven((maxSize * min) / max);
  if (keep(w, h, size)) return { width: w, height: h };
  // Past about 2666:1 the rule itself rounds the short side to 0; one pixel is the least a resize can make.
  size = Math.max(1, size);
  return w < h
    ? { width: size, height: Math.floor((size * h) / w) }
    : { width: Math.floor((size * w) / h), height: size };
}

/**
 * transformers' rule for `size: {shortest_edge, longest_edge}` (get_size_with_aspect_ratio): as the
 * original repo's, except that when the longer side is capped it is computed from the unrounded
 * shorter side (2000×1000 → 1333×666).
 */
export function transformersSize(source: ImageSize, shortestEdge = 800, longestEdge = 1333): ImageSize {
  const { width: w, height: h } = source;
  const min = Math.min(w, h);
  const max = Math.max(w, h);
  let size = shortestEdge;
  let scale = shortestEdge;
  if ((max / min) * size > longestEdge) {
    scale = (longestEdge * min) / max;
    size = roundHalfEven(scale);
  }
  if (keep(w, h, size)) return { width: w, height: h };
  size = Math.max(1, size);
  return w < h
    ? { width: size, height: Math.max(1, Math.floor((scale * h) / w)) }
    : { width: Math.max(1, Math.floor((scale * w) / h)), height: size };
}

/**
 * How a model wants its image sized: a fixed traced size (stretched), or the shorter side at
 * `shortestEdge` with the longer at most `longestEdge`, rounded as transformers rounds.
 */
export type InputSizeRule =
  | { readonly kind: 'fixed'; readonly size: ImageSize }
  | { readonly kind: 'shortest-edge'; readonly shortestEdge: number; readonly longestEdge: number };

/** transformers' default for Grounding DINO, and what a Hugging Face export without a processor config gets. */
export const TRANSFORMERS_DEFAULT_RULE: InputSizeRule = {
  kind: 'shortest-edge',
  shortestEdge: 800,
  longestEdge: 1333,
};

export const targetSize = (rule: InputSizeRule, source: ImageSize): ImageSize =>
  rule.kind === 'fixed' ? rule.size : transformersSize(source, rule.shortestEdge, rule.longestEdge);

export const describeSizeRule = (rule: InputSizeRule): string =>
  rule.kind === 'fixed'
    ? `${rule.size.height}×${rule.size.width} (H×W, stretched)`
    : `short side ${rule.shortestEdge}, long side ≤ ${rule.longestEdge} (transformers' rounding)`;
