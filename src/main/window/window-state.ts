/**
 * Where the desktop window opens: the size and place it had when it was last closed, as long as
 * enough of it would show on a display connected now; otherwise on the primary display. Kept free of
 * electron: the caller passes the displays' work areas (primary first) and applies the result.
 */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** What the settings file keeps of the window (its `window` key). */
export interface WindowPlace extends Rect {
  readonly maximized: boolean;
}

/**
 * The smallest the window may be made: the size the layout is checked at (the toolbar folds what does
 * not fit into "More", the canvas keeps room to work in). Below it panels would overlap.
 */
export const MIN_WINDOW_SIZE = { width: 800, height: 600 } as const;
export const DEFAULT_WINDOW_SIZE = { width: 1440, height: 900 } as const;
/** How much of a window must show on a display to count as there: enough to grab its title bar. */
const GRAB = { width: 160, height: 48 } as const;

export interface WindowOpening {
  /** Without x and y, the window is centred on the primary display. */
  readonly bounds: {
    readonly width: number;
    readonly height: number;
    readonly x?: number;
    readonly y?: number;
  };
  readonly maximized: boolean;
}

const clamp = (value: number, low: number, high: number): number => Math.min(Math.max(value, low), high);

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return { width: Math.max(0, width), height: Math.max(0, height) };
}

/** A size no smaller than the minimum and no larger than the display (a small screen wins). */
function fit(size: { width: number; height: number }, area: Rect): { width: number; height: number } {
  return {
    width: Math.min(Math.max(size.width, MIN_WINDOW_SIZE.width), area.width),
    height: Math.min(Math.max(size.height, MIN_WINDOW_SIZE.height), area.height),
  };
}

export function windowOpening(saved: WindowPlace | null, workAreas: readonly Rect[]): WindowOpening {
  const primary = workAreas[0];
  if (!primary) return { bounds: { ...DEFAULT_WINDOW_SIZE }, maximized: false };
  if (!saved) return { bounds: fit(DEFAULT_WINDOW_SIZE, primary), maximized: false };

  let best: { area: Rect; shown: number } | null = null;
  for (const area of workAreas) {
    const o = overlap(saved, area);
    const grabbable =
      o.width >= Math.min(GRAB.width, saved.width) && o.height >= Math.min(GRAB.height, saved.height);
    if (grabbable && (!best || o.width * o.height > best.shown)) best = { area, shown: o.width * o.height };
  }
  // Its display is gone or it was moved off every screen: the primary display, centred.
  if (!best) return { bounds: fit(saved, primary), maximized: saved.maximized };

  const { area } = best;
  const size = fit(saved, area);
  return {
    bounds: {
      ...size,
      x: clamp(saved.x, area.x, area.x + area.width - size.width),
      y: clamp(saved.y, area.y, area.y + area.height - size.height),
    },
    maximized: saved.maximized,
  };
}
