import type { ImageSize } from '../../../shared/geometry';
import type { View } from './view';

/**
 * The CSS transform that shows a layer painted at view `painted` as if painted at `current`: a pan or
 * zoom then costs the compositor a moved bitmap instead of a repaint of every box. Labels and strokes
 * scale with it until the layer is painted again, which is why that happens once the gesture settles.
 */
export function followTransform(painted: View, current: View): string {
  if (painted.scale === current.scale && painted.x === current.x && painted.y === current.y) return '';
  const k = current.scale / painted.scale;
  const tx = current.x - painted.x * k;
  const ty = current.y - painted.y * k;
  return `matrix(${k}, 0, 0, ${k}, ${tx}, ${ty})`;
}

interface Rect {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

const area = (r: Rect) => Math.max(0, r.right - r.left) * Math.max(0, r.bottom - r.top);
const intersect = (a: Rect, b: Rect): Rect => ({
  left: Math.max(a.left, b.left),
  top: Math.max(a.top, b.top),
  right: Math.min(a.right, b.right),
  bottom: Math.min(a.bottom, b.bottom),
});

/**
 * The share of a `width` × `height` viewport where the image shows at `current` but a bitmap painted
 * at `painted` does not reach: what a long pan or a zoom out uncovers, where boxes would be missing.
 * Space beside the image holds no boxes, so uncovering it does not count.
 */
export function uncoveredShare(painted: View, current: View, viewport: ImageSize, image: ImageSize): number {
  const screen: Rect = { left: 0, top: 0, right: viewport.width, bottom: viewport.height };
  if (area(screen) === 0) return 0;
  const k = current.scale / painted.scale;
  const left = current.x - painted.x * k;
  const top = current.y - painted.y * k;
  const bitmap: Rect = { left, top, right: left + viewport.width * k, bottom: top + viewport.height * k };
  const shown = intersect(screen, {
    left: current.x,
    top: current.y,
    right: current.x + image.width * current.scale,
    bottom: current.y + image.height * current.scale,
  });
  return (area(shown) - area(intersect(shown, bitmap))) / area(screen);
}
