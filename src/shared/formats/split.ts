export const SPLITS = ['train', 'val'] as const;
export type Split = (typeof SPLITS)[number];

export interface SplitOptions {
  /** Share of images that go to `val`, 0…1. */
  readonly valFraction: number;
  readonly seed: string | number;
}

const utf8 = new TextEncoder();

/** FNV-1a 32-bit over UTF-8 bytes. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of utf8.encode(text)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h;
}

/** MurmurHash3's finaliser: FNV-1a leaves similar names (img_001, img_002) in nearby buckets. */
function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A point in [0, 1) for one image: mix32(fnv1a32(`${seed}\0${relPath}`)) / 2^32. It depends on
 * nothing but the seed and the path, so adding or removing other images never moves an image.
 */
export function splitPoint(seed: string | number, relPath: string): number {
  return mix32(fnv1a32(`${seed}\u0000${relPath}`)) / 2 ** 32;
}

export function splitOf(relPath: string, opts: SplitOptions): Split {
  return splitPoint(opts.seed, relPath) < opts.valFraction ? 'val' : 'train';
}

/** Seeded train/val assignment, stable across re-exports. */
export function assignSplits(relPaths: readonly string[], opts: SplitOptions): Map<string, Split> {
  const f = opts.valFraction;
  if (!(Number.isFinite(f) && f >= 0 && f <= 1))
    throw new RangeError(`valFraction must be within [0, 1], got ${f}`);
  return new Map(relPaths.map((p) => [p, splitOf(p, opts)]));
}
