import type { ImageSize } from '../../shared/geometry';

/** Python's round(): halves go to the even neighbour (1333 × 1001 / 2666 = 500.5 → 500). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The original repo's resize rule (RandomResize([800], max_size=1333)): the shorter side becomes
 * 800 unless that would push the longer side past 1333, in which case the size shrinks to fit.
 */
export function originalRepoSize(source: ImageSize, shortSide = 800, maxSize = 1333): ImageSize {
  const { width: w, height: h } = source;
  const min = Math.min(w, h);
  const max = Math.max(w, h);
  let size = shortSide;
  if ((max / min) * size > maxSize) size = roundHalfEven((maxSize * min) / max);
  if ((w <= h && w === size) || (h <= w && h === size)) return { width: w, height: h };
  // Past about 2666:1 the rule itself rounds the short side to 0; one pixel is the least a resize can make.
  size = Math.max(1, size);
  return w < h
    ? { width: size, height: Math.floor((size * h) / w) }
    : { width: Math.floor((size * w) / h), height: size };
}

/** How a model wants its image sized: a fixed traced size (stretched), or the original-repo rule. */
export type InputSizeRule =
  { readonly kind: 'fixed'; readonly size: ImageSize } | { readonly kind: 'original-repo' };

export const targetSize = (rule: InputSizeRule, source: ImageSize): ImageSize =>
  rule.kind === 'fixed' ? rule.size : originalRepoSize(source);

export const describeSizeRule = (rule: InputSizeRule): string =>
  rule.kind === 'fixed'
    ? `${rule.size.height}×${rule.size.width} (H×W, stretched)`
    : 'original-repo resize (short side 800, long side ≤ 1333)';
