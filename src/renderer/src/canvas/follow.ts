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
