import type { Box, ImageSize } from '../../../shared/geometry';

export interface Point {
  readonly x: number;
  readonly y: number;
}

export const HANDLES = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'] as const;
export type Handle = (typeof HANDLES)[number];

/** Smallest box side a person can make, in image pixels. */
export const MIN_SIDE = 1;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Keeps a box inside the image and at least MIN_SIDE wide and high. */
function fit(x1: number, y1: number, x2: number, y2: number, size: ImageSize): Box {
  const [ax, bx] = x1 <= x2 ? [x1, x2] : [x2, x1];
  const [ay, by] = y1 <= y2 ? [y1, y2] : [y2, y1];
  const nx1 = clamp(ax, 0, size.width - MIN_SIDE);
  const ny1 = clamp(ay, 0, size.height - MIN_SIDE);
  return {
    x1: nx1,
    y1: ny1,
    x2: clamp(bx, nx1 + MIN_SIDE, size.width),
    y2: clamp(by, ny1 + MIN_SIDE, size.height),
  };
}

/** A box drawn from one corner to the other, snapped to whole pixels; null when too small to mean anything. */
export function boxFromDrag(a: Point, b: Point, size: ImageSize, minSide = 2): Box | null {
  const r = (v: number, max: number) => clamp(Math.round(v), 0, max);
  const x1 = r(Math.min(a.x, b.x), size.width);
  const x2 = r(Math.max(a.x, b.x), size.width);
  const y1 = r(Math.min(a.y, b.y), size.height);
  const y2 = r(Math.max(a.y, b.y), size.height);
  return x2 - x1 >= minSide && y2 - y1 >= minSide ? { x1, y1, x2, y2 } : null;
}

/** Moves a box by whole pixels, stopping at the image edges so it keeps its size. */
export function moveBox(b: Box, dx: number, dy: number, size: ImageSize): Box {
  const mx = clamp(Math.round(dx), -b.x1, size.width - b.x2);
  const my = clamp(Math.round(dy), -b.y1, size.height - b.y2);
  return { x1: b.x1 + mx, y1: b.y1 + my, x2: b.x2 + mx, y2: b.y2 + my };
}

/** Drags one handle to a point (whole pixels); dragging past the opposite edge flips the box. */
export function resizeBox(b: Box, handle: Handle, p: Point, size: ImageSize): Box {
  const x = Math.round(p.x);
  const y = Math.round(p.y);
  return fit(
    handle.includes('w') ? x : b.x1,
    handle.startsWith('n') ? y : b.y1,
    handle.includes('e') ? x : b.x2,
    handle.startsWith('s') ? y : b.y2,
    size,
  );
}

export function handlePoint(b: Box, h: Handle): Point {
  const cx = (b.x1 + b.x2) / 2;
  const cy = (b.y1 + b.y2) / 2;
  return {
    x: h.includes('w') ? b.x1 : h.includes('e') ? b.x2 : cx,
    y: h.startsWith('n') ? b.y1 : h.startsWith('s') ? b.y2 : cy,
  };
}

export const containsPoint = (b: Box, p: Point, slack = 0): boolean =>
  p.x >= b.x1 - slack && p.x <= b.x2 + slack && p.y >= b.y1 - slack && p.y <= b.y2 + slack;

/**
 * The box under a point: a selected one first (so a selected box inside a bigger one stays grabbable),
 * then the smallest, so nested boxes can each be picked.
 */
export function hitTest<T extends Box & { readonly id: string }>(
  boxes: Iterable<T>,
  p: Point,
  selected: ReadonlySet<string>,
  slack = 0,
): T | null {
  let best: T | null = null;
  let bestKey = Infinity;
  for (const b of boxes) {
    if (!containsPoint(b, p, slack)) continue;
    const key = (selected.has(b.id) ? 0 : 1e15) + (b.x2 - b.x1) * (b.y2 - b.y1);
    if (key < bestKey) {
      best = b;
      bestKey = key;
    }
  }
  return best;
}
