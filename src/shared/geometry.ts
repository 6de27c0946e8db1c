/** Pixel coordinates in the EXIF-oriented image: x right, y down, x1 ≤ x2, y1 ≤ y2. */
export interface Box {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

export const boxWidth = (b: Box): number => b.x2 - b.x1;
export const boxHeight = (b: Box): number => b.y2 - b.y1;
export const boxArea = (b: Box): number => Math.max(0, boxWidth(b)) * Math.max(0, boxHeight(b));

export function clampBox(b: Box, size: ImageSize): Box {
  const cx = (v: number, max: number) => Math.min(max, Math.max(0, v));
  return {
    x1: cx(b.x1, size.width),
    y1: cx(b.y1, size.height),
    x2: cx(b.x2, size.width),
    y2: cx(b.y2, size.height),
  };
}

export function iou(a: Box, b: Box): number {
  const inter = boxArea({
    x1: Math.max(a.x1, b.x1),
    y1: Math.max(a.y1, b.y1),
    x2: Math.min(a.x2, b.x2),
    y2: Math.min(a.y2, b.y2),
  });
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}
