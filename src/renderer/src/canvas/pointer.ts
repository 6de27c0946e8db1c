import type { Box } from '../../../shared/geometry';
import {
  HANDLES,
  boxFromDrag,
  handlePoint,
  hitTest,
  moveBox,
  resizeBox,
  type Handle,
  type Point,
} from '../editor/geometry';
import type { BoxRecord } from '../../../shared/project';
import type { DocState } from '../editor/types';
import type { Tool } from '../stores/editor';
import { HANDLE_PX } from './paint';
import { toImage, toScreen, type View } from './view';

/** What the pointer does to the document and the view; the canvas component implements it with the stores. */
export interface PointerHost {
  readonly view: View;
  readonly doc: DocState | null;
  readonly selection: ReadonlySet<string>;
  readonly tool: Tool;
  readonly editable: boolean;
  /** Space is held: any drag pans. */
  readonly panKey: boolean;
  /** Whether a box is shown: hidden boxes (all of them, or their class) cannot be picked. */
  readonly isShown: (b: BoxRecord) => boolean;
  setView(v: View): void;
  select(ids: readonly string[]): void;
  drawBox(b: Box): void;
  setGeometry(id: string, b: Box): void;
  moveSelected(dx: number, dy: number): void;
  /** The drag's preview changed: redraw. */
  dragChanged(): void;
}

export type Drag =
  | { readonly kind: 'pan'; readonly start: Point; readonly view: View }
  | { readonly kind: 'draw'; readonly start: Point; current: Point }
  | { readonly kind: 'move'; readonly start: Point; dx: number; dy: number }
  | {
      readonly kind: 'resize';
      readonly id: string;
      readonly handle: Handle;
      readonly box: Box;
      current: Box;
    };

export interface PointerButtons {
  readonly button: number;
  readonly shiftKey?: boolean;
  readonly ctrlKey?: boolean;
  readonly metaKey?: boolean;
}

/** Screen pixels around a handle or an edge that still grab it. */
const GRAB_PX = 4;

/**
 * Turns pointer gestures on the canvas into edits. A drag only previews; releasing lands one command
 * (draw, move or resize), so a drag is one undo step. Points are in screen (CSS) pixels of the canvas.
 */
export class PointerController {
  drag: Drag | null = null;

  constructor(private readonly host: PointerHost) {}

  /** The single selected box's handle under a point, if any. */
  handleAt(p: Point): Handle | null {
    const doc = this.host.doc;
    const [id] = this.host.selection;
    const b = this.host.selection.size === 1 && id ? doc?.boxes.get(id) : undefined;
    if (!b) return null;
    const reach = HANDLE_PX / 2 + GRAB_PX;
    return (
      HANDLES.find((h) => {
        const s = toScreen(this.host.view, handlePoint(b, h));
        return Math.abs(s.x - p.x) <= reach && Math.abs(s.y - p.y) <= reach;
      }) ?? null
    );
  }

  boxAt(p: Point) {
    const doc = this.host.doc;
    if (!doc) return null;
    const shown = this.host.isShown;
    return hitTest(
      [...doc.boxes.values()].filter(shown),
      toImage(this.host.view, p),
      this.host.selection,
      GRAB_PX / this.host.view.scale,
    );
  }

  down(p: Point, e: PointerButtons): void {
    const { host } = this;
    const doc = host.doc;
    if (e.button === 1 || (e.button === 0 && host.panKey)) {
      this.drag = { kind: 'pan', start: p, view: host.view };
      return;
    }
    if (e.button !== 0 || !doc) return;
    const at = toImage(host.view, p);
    if (host.tool === 'draw' && host.editable) {
      this.drag = { kind: 'draw', start: at, current: at };
      return;
    }
    const handle = host.editable ? this.handleAt(p) : null;
    if (handle) {
      const [id] = host.selection;
      const box = doc.boxes.get(id);
      if (box) this.drag = { kind: 'resize', id, handle, box, current: box };
      return;
    }
    const hit = this.boxAt(p);
    if (hit && (e.shiftKey || e.ctrlKey || e.metaKey)) {
      const next = new Set(host.selection);
      if (!next.delete(hit.id)) next.add(hit.id);
      host.select([...next]);
    } else if (hit) {
      if (!host.selection.has(hit.id)) host.select([hit.id]);
      if (host.editable) this.drag = { kind: 'move', start: at, dx: 0, dy: 0 };
    } else {
      // Dragging empty canvas pans, so a mouse alone can move around.
      if (host.selection.size) host.select([]);
      this.drag = { kind: 'pan', start: p, view: host.view };
    }
  }

  move(p: Point): void {
    const { drag, host } = this;
    const doc = host.doc;
    if (!drag) return;
    if (drag.kind === 'pan') {
      host.setView({
        ...drag.view,
        x: drag.view.x + p.x - drag.start.x,
        y: drag.view.y + p.y - drag.start.y,
      });
      return;
    }
    if (!doc) return;
    const at = toImage(host.view, p);
    if (drag.kind === 'draw') drag.current = at;
    else if (drag.kind === 'move') {
      drag.dx = Math.round(at.x - drag.start.x);
      drag.dy = Math.round(at.y - drag.start.y);
    } else drag.current = resizeBox(drag.box, drag.handle, at, doc);
    host.dragChanged();
  }

  up(p: Point): void {
    const { drag, host } = this;
    const doc = host.doc;
    if (!drag) return;
    this.move(p);
    this.drag = null;
    if (doc && drag.kind === 'draw') {
      const box = boxFromDrag(drag.start, drag.current, doc);
      if (box) host.drawBox(box);
    } else if (drag.kind === 'move' && (drag.dx || drag.dy)) host.moveSelected(drag.dx, drag.dy);
    else if (drag.kind === 'resize') host.setGeometry(drag.id, drag.current);
    host.dragChanged();
  }

  cancel(): void {
    if (!this.drag) return;
    if (this.drag.kind === 'pan') this.host.setView(this.drag.view);
    this.drag = null;
    this.host.dragChanged();
  }

  /** Boxes whose geometry a drag is changing, with the geometry to show. */
  dragged(): ReadonlyMap<string, Box> {
    const { drag, host } = this;
    const doc = host.doc;
    const out = new Map<string, Box>();
    if (!doc || !drag) return out;
    if (drag.kind === 'resize') out.set(drag.id, drag.current);
    if (drag.kind === 'move') {
      for (const id of host.selection) {
        const b = doc.boxes.get(id);
        if (b) out.set(id, moveBox(b, drag.dx, drag.dy, doc));
      }
    }
    return out;
  }

  /** The box being drawn, as it would land. */
  draft(): Box | null {
    const { drag, host } = this;
    return drag?.kind === 'draw' && host.doc ? boxFromDrag(drag.start, drag.current, host.doc, 0) : null;
  }

  cursorAt(p: Point): string {
    if (this.drag?.kind === 'pan') return 'grabbing';
    if (this.host.panKey) return 'grab';
    if (this.host.tool === 'draw') return 'crosshair';
    const h = this.host.editable ? this.handleAt(p) : null;
    if (h) return `${h}-resize`;
    return this.boxAt(p) ? 'move' : 'default';
  }
}
