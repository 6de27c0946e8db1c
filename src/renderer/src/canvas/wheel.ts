import type { WheelMode } from '../stores/view';

export interface WheelLike {
  readonly deltaX: number;
  readonly deltaY: number;
  /** 0: pixels, 1: lines, 2: pages (WheelEvent.DOM_DELTA_*). */
  readonly deltaMode: number;
  readonly ctrlKey?: boolean;
  readonly metaKey?: boolean;
  readonly shiftKey?: boolean;
}

export type WheelAction =
  | { readonly kind: 'zoom'; readonly factor: number }
  | { readonly kind: 'pan'; readonly dx: number; readonly dy: number };

/** Pixels per line and per page for wheels that report those (Firefox, some mice). */
const LINE_PX = 16;
const PAGE_PX = 400;
/** A 100 px notch zooms by about 1.22×, the toolbar's step being 1.25×. */
const ZOOM_PER_PX = 0.002;

/**
 * What one wheel event does to the view. Zoom mode (CVAT, Label Studio): the wheel zooms at the
 * pointer, Shift+wheel scrolls sideways and Ctrl+wheel up and down. Scroll mode: the wheel scrolls,
 * Shift+wheel sideways, and Ctrl+wheel (a trackpad's pinch) zooms.
 */
export function wheelAction(e: WheelLike, mode: WheelMode): WheelAction {
  const unit = e.deltaMode === 1 ? LINE_PX : e.deltaMode === 2 ? PAGE_PX : 1;
  const dx = e.deltaX * unit;
  const dy = e.deltaY * unit;
  const ctrl = !!(e.ctrlKey || e.metaKey);
  // Shift turns a vertical wheel sideways (some systems already swap the axes themselves).
  const sideways = (): WheelAction => ({ kind: 'pan', dx: -(dx || dy), dy: 0 });
  const zoom = (): WheelAction => ({ kind: 'zoom', factor: Math.exp(-dy * ZOOM_PER_PX) });
  if (e.shiftKey) return sideways();
  if (mode === 'zoom') return ctrl ? { kind: 'pan', dx: -dx, dy: -dy } : zoom();
  return ctrl ? zoom() : { kind: 'pan', dx: -dx, dy: -dy };
}
