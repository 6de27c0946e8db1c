import type { ImageSize } from '../../../shared/geometry';
import type { Point } from '../editor/geometry';

/** Where the image sits on screen: screen = (x, y) + image pixel × scale, in CSS pixels of the canvas element. */
export interface View {
  readonly scale: number;
  readonly x: number;
  readonly y: number;
}

export const MIN_SCALE = 0.02;
export const MAX_SCALE = 40;
export const ZOOM_STEP = 1.25;

export const toImage = (v: View, p: Point): Point => ({ x: (p.x - v.x) / v.scale, y: (p.y - v.y) / v.scale });
export const toScreen = (v: View, p: Point): Point => ({ x: v.x + p.x * v.scale, y: v.y + p.y * v.scale });

/** The whole image, centred, with a margin. */
export function fitView(image: ImageSize, stage: ImageSize, margin = 16): View {
  const scale = Math.max(
    MIN_SCALE,
    Math.min((stage.width - 2 * margin) / image.width, (stage.height - 2 * margin) / image.height),
  );
  return { scale, x: (stage.width - image.width * scale) / 2, y: (stage.height - image.height * scale) / 2 };
}

/** Zooms by `factor` keeping the image point under `at` (screen) where it is. */
export function zoomAt(v: View, factor: number, at: Point): View {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, v.scale * factor));
  const p = toImage(v, at);
  return { scale, x: at.x - p.x * scale, y: at.y - p.y * scale };
}

/**
 * How much of the image, per axis, panning and zooming always leave on screen: a quarter of the
 * canvas (at least KEEP_PX), or the whole image when it shows smaller than that.
 */
export const KEEP_PX = 64;

/** The view moved back just enough that the image keeps a visible part: it can never be pushed away. */
export function clampView(v: View, image: ImageSize, stage: ImageSize): View {
  const axis = (at: number, length: number, room: number) => {
    if (room <= 0) return at;
    const shown = length * v.scale;
    const keep = Math.min(shown, room, Math.max(KEEP_PX, room / 4));
    return Math.min(room - keep, Math.max(keep - shown, at));
  };
  const x = axis(v.x, image.width, stage.width);
  const y = axis(v.y, image.height, stage.height);
  return x === v.x && y === v.y ? v : { scale: v.scale, x, y };
}

/** One image pixel per screen pixel, keeping the image point under `at` where it is. */
export const actualSize = (v: View, at: Point): View => zoomAt(v, 1 / v.scale, at);
