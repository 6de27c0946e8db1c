import type { Box } from '../../../shared/geometry';
import type { BoxRecord } from '../../../shared/project';
import { HANDLES, handlePoint } from '../editor/geometry';
import { toScreen, type View } from './view';

/**
 * Painting boxes straight onto a 2D context, in screen pixels: one Konva shape draws them all, so
 * thousands of boxes cost one draw call chain and no nodes, and labels and strokes stay the same size
 * at any zoom.
 */

export const LABEL_FONT_PX = 12;
export const LABEL_HEIGHT_PX = 16;
export const HANDLE_PX = 8;
const FONT = `${LABEL_FONT_PX}px system-ui, -apple-system, "Segoe UI", sans-serif`;
const UNKNOWN_COLOR = '#9e9e9e';

export interface ClassLook {
  readonly color: string;
  readonly name: string;
}

export interface BoxesFrame {
  readonly boxes: Iterable<BoxRecord>;
  readonly view: View;
  readonly width: number;
  readonly height: number;
  readonly classes: ReadonlyMap<string, ClassLook>;
  /** Boxes drawn elsewhere (being dragged). */
  readonly hidden: { has(id: string): boolean };
  /** Whether a box is shown at all (boxes hidden, or their class). */
  readonly shown: (b: BoxRecord) => boolean;
  /** Whether boxes carry their class or phrase label. */
  readonly labels: boolean;
}

const widths = new Map<string, number>();
function textWidth(ctx: CanvasRenderingContext2D, text: string): number {
  let w = widths.get(text);
  if (w === undefined) {
    w = ctx.measureText(text).width;
    if (widths.size > 5000) widths.clear();
    widths.set(text, w);
  }
  return w;
}

/** Black or white, whichever reads better on the colour. */
function inkFor(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  const luma = 0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255);
  return luma > 150 ? '#000' : '#fff';
}

export function boxLabel(b: BoxRecord, className: string): string {
  return b.origin.kind === 'suggestion' ? `${b.origin.phrase} ${b.origin.score.toFixed(2)}` : className;
}

export function lookOf(classes: ReadonlyMap<string, ClassLook>, classId: string): ClassLook {
  return classes.get(classId) ?? { color: UNKNOWN_COLOR, name: '?' };
}

function screenRect(view: View, b: Box) {
  const a = toScreen(view, { x: b.x1, y: b.y1 });
  const c = toScreen(view, { x: b.x2, y: b.y2 });
  return { x: a.x, y: a.y, w: c.x - a.x, h: c.y - a.y };
}

/** One box: dashed for a suggestion, with its label above (inside when there is no room above). */
export function paintBox(
  ctx: CanvasRenderingContext2D,
  view: View,
  b: BoxRecord,
  look: ClassLook,
  width = 2,
  label = true,
): void {
  const r = screenRect(view, b);
  const suggestion = b.origin.kind === 'suggestion';
  ctx.strokeStyle = look.color;
  ctx.lineWidth = suggestion ? Math.max(1, width - 0.5) : width;
  ctx.setLineDash(suggestion ? [6, 4] : []);
  ctx.strokeRect(r.x, r.y, r.w, r.h);
  ctx.setLineDash([]);
  if (label) paintLabel(ctx, b, look, r);
}

/** Past this many boxes on screen, only boxes wide enough to hold one get a label: text is the dearest thing to paint. */
export const LABEL_ALL_UP_TO = 300;
export const LABEL_MIN_WIDTH_PX = 40;

function paintLabel(
  ctx: CanvasRenderingContext2D,
  b: BoxRecord,
  look: ClassLook,
  r: { x: number; y: number },
): void {
  const suggestion = b.origin.kind === 'suggestion';
  const text = boxLabel(b, look.name);
  const tw = textWidth(ctx, text) + 6;
  const ly = r.y - LABEL_HEIGHT_PX >= 0 ? r.y - LABEL_HEIGHT_PX : r.y;
  ctx.globalAlpha = suggestion ? 0.75 : 0.9;
  ctx.fillStyle = look.color;
  ctx.fillRect(r.x, ly, tw, LABEL_HEIGHT_PX);
  ctx.globalAlpha = 1;
  ctx.fillStyle = inkFor(look.color);
  ctx.fillText(text, r.x + 3, ly + LABEL_HEIGHT_PX / 2);
}

/**
 * A solid 2 px outline as four filled rectangles on whole pixels: rasterising axis-aligned fills is
 * far cheaper than anti-aliased strokes, and the lines come out crisp.
 */
function fillOutline(ctx: CanvasRenderingContext2D, r: ReturnType<typeof screenRect>): void {
  const x1 = Math.round(r.x) - 1;
  const y1 = Math.round(r.y) - 1;
  const x2 = Math.round(r.x + r.w) + 1;
  const y2 = Math.round(r.y + r.h) + 1;
  ctx.fillRect(x1, y1, x2 - x1, 2);
  ctx.fillRect(x1, y2 - 2, x2 - x1, 2);
  ctx.fillRect(x1, y1 + 2, 2, y2 - y1 - 4);
  ctx.fillRect(x2 - 2, y1 + 2, 2, y2 - y1 - 4);
}

/**
 * Paints every visible box; returns how many were drawn (off-screen ones are skipped). Boxes are
 * grouped by colour and line style, so a frame changes style a handful of times instead of several
 * times per box; suggestions' dashed outlines share one path per colour.
 */
export function paintBoxes(ctx: CanvasRenderingContext2D, f: BoxesFrame): number {
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  type Visible = { b: BoxRecord; look: ClassLook; r: ReturnType<typeof screenRect> };
  const visible: Visible[] = [];
  const solid = new Map<string, Visible[]>();
  const dashed = new Map<string, Path2D>();
  for (const b of f.boxes) {
    if (f.hidden.has(b.id) || !f.shown(b)) continue;
    const r = screenRect(f.view, b);
    if (r.x > f.width || r.y > f.height || r.x + r.w < 0 || r.y + r.h < -LABEL_HEIGHT_PX) continue;
    const look = lookOf(f.classes, b.classId);
    const v = { b, look, r };
    visible.push(v);
    if (b.origin.kind === 'suggestion') {
      let path = dashed.get(look.color);
      if (!path) dashed.set(look.color, (path = new Path2D()));
      path.rect(r.x, r.y, r.w, r.h);
    } else {
      const group = solid.get(look.color);
      if (group) group.push(v);
      else solid.set(look.color, [v]);
    }
  }
  for (const [color, group] of solid) {
    ctx.fillStyle = color;
    for (const { r } of group) fillOutline(ctx, r);
  }
  ctx.lineWidth = 1.5;
  ctx.setLineDash([6, 4]);
  for (const [color, path] of dashed) {
    ctx.strokeStyle = color;
    ctx.stroke(path);
  }
  ctx.setLineDash([]);
  const labelAll = visible.length <= LABEL_ALL_UP_TO;
  if (f.labels)
    for (const { b, look, r } of visible)
      if (labelAll || r.w >= LABEL_MIN_WIDTH_PX) paintLabel(ctx, b, look, r);
  return visible.length;
}

export interface OverlayFrame {
  readonly view: View;
  readonly classes: ReadonlyMap<string, ClassLook>;
  /** Selected boxes, with their dragged geometry when a drag is under way. */
  readonly selected: readonly BoxRecord[];
  readonly handles: boolean;
  readonly labels: boolean;
  /** A box being drawn. */
  readonly draft: Box | null;
  readonly draftColor: string;
}

/** Selection on top of the boxes: a tinted fill, a thicker outline, and resize handles for a single box. */
export function paintOverlay(ctx: CanvasRenderingContext2D, f: OverlayFrame): void {
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  for (const b of f.selected) {
    const look = lookOf(f.classes, b.classId);
    const r = screenRect(f.view, b);
    ctx.globalAlpha = 0.18;
    ctx.fillStyle = look.color;
    ctx.fillRect(r.x, r.y, r.w, r.h);
    ctx.globalAlpha = 1;
    paintBox(ctx, f.view, b, look, 3, f.labels);
  }
  if (f.handles && f.selected.length === 1) {
    const b = f.selected[0];
    ctx.setLineDash([]);
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = lookOf(f.classes, b.classId).color;
    ctx.fillStyle = '#fff';
    for (const h of HANDLES) {
      const p = toScreen(f.view, handlePoint(b, h));
      ctx.fillRect(p.x - HANDLE_PX / 2, p.y - HANDLE_PX / 2, HANDLE_PX, HANDLE_PX);
      ctx.strokeRect(p.x - HANDLE_PX / 2, p.y - HANDLE_PX / 2, HANDLE_PX, HANDLE_PX);
    }
  }
  if (f.draft) {
    const r = screenRect(f.view, f.draft);
    ctx.setLineDash([4, 3]);
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = f.draftColor;
    ctx.strokeRect(r.x, r.y, r.w, r.h);
    ctx.setLineDash([]);
  }
}
