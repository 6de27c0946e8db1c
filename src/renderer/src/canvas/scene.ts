import Konva from 'konva/lib/Core';
import { Image as KonvaImage } from 'konva/lib/shapes/Image';
import type { Box, ImageSize } from '../../../shared/geometry';
import type { BoxRecord } from '../../../shared/project';
import type { DocState } from '../editor/types';
import { followTransform, uncoveredShare } from './follow';
import { paintBoxes, paintOverlay, type ClassLook } from './paint';
import type { View } from './view';

/** Quiet time after the last pan or zoom step before the box layers are painted at the new view. */
export const SETTLE_MS = 150;
/** A gesture that has uncovered this much of the view gets its boxes painted without waiting. */
export const CATCH_UP_UNCOVERED = 0.3;

/**
 * A layer whose bitmap follows pan and zoom by a CSS transform (see followTransform) and is painted
 * again only when asked: painting thousands of boxes and labels costs far more than a frame.
 */
class FollowingLayer {
  readonly layer = new Konva.Layer({ listening: false });
  #painted: View | null = null;

  constructor() {
    const style = this.layer.getNativeCanvasElement().style;
    style.transformOrigin = '0 0';
    // Its own compositing layer: moving it never re-rasters it.
    style.willChange = 'transform';
  }

  /** Called as the layer paints: its bitmap now shows `view`. */
  paintedAt(view: View): void {
    this.#painted = view;
    this.layer.getNativeCanvasElement().style.transform = '';
  }

  follow(view: View): void {
    if (this.#painted)
      this.layer.getNativeCanvasElement().style.transform = followTransform(this.#painted, view);
  }

  /** How much of the view the bitmap leaves empty where the image shows at `view`. */
  uncovered(view: View, viewport: ImageSize, image: ImageSize): number {
    return this.#painted ? uncoveredShare(this.#painted, view, viewport, image) : 1;
  }
}

/** What the scene draws, read at draw time so a redraw always shows the latest state. */
export interface SceneSource {
  readonly doc: DocState | null;
  readonly image: HTMLImageElement | null;
  readonly view: View;
  readonly selection: ReadonlySet<string>;
  readonly classes: ReadonlyMap<string, ClassLook>;
  readonly editable: boolean;
  /** Geometry of boxes being dragged; the box layer leaves them out while the overlay shows them moving. */
  readonly dragged: ReadonlyMap<string, Box>;
  readonly draft: Box | null;
  readonly draftColor: string;
  /** Whether a box is shown (all boxes hidden, or its class). */
  readonly shown: (b: BoxRecord) => boolean;
  readonly labels: boolean;
  /** A CSS filter for the image alone (brightness, contrast): view only, boxes keep their colours. */
  readonly imageFilter: string;
}

/**
 * The Konva side of the canvas: an image layer and two layers each drawn by one custom shape (all
 * boxes; the selection with its handles). During a pan or zoom the image is drawn every frame and the
 * box layers follow it by a CSS transform until the gesture settles. Nothing listens: the pointer is
 * handled on the DOM, and hit testing uses the document. No Konva object leaves this class.
 */
export class CanvasScene {
  #boxesDrawn = 0;
  #draggedDrawn = 0;
  readonly #stage: Konva.Stage;
  readonly #image = new KonvaImage({ image: undefined, listening: false });
  readonly #imageLayer = new Konva.Layer({ listening: false });
  readonly #boxes = new FollowingLayer();
  readonly #overlay = new FollowingLayer();
  #settle: ReturnType<typeof setTimeout> | null = null;
  /** A paint of the box layer was asked for and has not happened yet (Konva paints on the next frame). */
  #paintPending = false;

  constructor(
    container: HTMLDivElement,
    private readonly source: SceneSource,
  ) {
    this.#stage = new Konva.Stage({
      container,
      width: container.clientWidth,
      height: container.clientHeight,
      listening: false,
    });
    this.#imageLayer.add(this.#image);
    this.#boxes.layer.add(
      new Konva.Shape({ listening: false, sceneFunc: (ctx) => this.#paintBoxes(ctx._context) }),
    );
    this.#overlay.layer.add(
      new Konva.Shape({ listening: false, sceneFunc: (ctx) => this.#paintOverlay(ctx._context) }),
    );
    this.#stage.add(this.#imageLayer, this.#boxes.layer, this.#overlay.layer);
  }

  /** Boxes on screen as last painted, for the test hook. */
  get drawn(): number {
    return this.#boxesDrawn + this.#draggedDrawn;
  }

  /** Whether every layer shows the current view: no pan or zoom waits to settle, no paint is pending. */
  get settled(): boolean {
    return this.#settle === null && !this.#paintPending;
  }

  get size(): { width: number; height: number } {
    return this.#stage.size();
  }

  /** Resizing clears every canvas: all of them are painted again at once. */
  resize(width: number, height: number): void {
    this.#stage.size({ width, height });
    this.redrawView(false);
  }

  /**
   * After a pan or zoom the image is drawn at the new view and the boxes follow it until the gesture
   * settles; a new image or a resize (`follow` false) paints everything at once.
   */
  redrawView(follow = true): void {
    const { view: v, doc, image } = this.source;
    this.#image.position({ x: v.x, y: v.y });
    this.#image.scale({ x: v.scale, y: v.scale });
    this.#image.size({ width: doc?.width ?? 0, height: doc?.height ?? 0 });
    this.#image.image(image ?? undefined);
    this.#image.visible(!!doc && !!image);
    this.#imageLayer.getNativeCanvasElement().style.filter = this.source.imageFilter;
    // Past 2× a person labels pixels: show them crisp.
    this.#imageLayer.imageSmoothingEnabled(v.scale < 2);
    this.#imageLayer.batchDraw();
    // A long pan or a zoom out would show empty space where boxes are: paint them now, once.
    const uncovered = doc ? this.#boxes.uncovered(v, this.size, doc) : 0;
    if (!follow || uncovered > CATCH_UP_UNCOVERED) return this.redrawBoxes();
    this.#boxes.follow(v);
    this.#overlay.follow(v);
    if (this.#settle !== null) clearTimeout(this.#settle);
    this.#settle = setTimeout(() => this.redrawBoxes(), SETTLE_MS);
  }

  /** After an edit, or once a pan or zoom settles: the boxes are painted at the current view. */
  redrawBoxes(): void {
    if (this.#settle !== null) clearTimeout(this.#settle);
    this.#settle = null;
    this.#paintPending = true;
    this.#boxes.layer.batchDraw();
    this.#overlay.layer.batchDraw();
  }

  /** A selection change or a drag step: only the selection layer changes. */
  redrawOverlay(): void {
    this.#overlay.layer.batchDraw();
  }

  destroy(): void {
    if (this.#settle !== null) clearTimeout(this.#settle);
    this.#stage.destroy();
  }

  #paintBoxes(ctx: CanvasRenderingContext2D): void {
    const { doc, view, classes, dragged } = this.source;
    this.#paintPending = false;
    this.#boxes.paintedAt(view);
    this.#boxesDrawn = 0;
    if (!doc) return;
    const { width, height } = this.size;
    // Selected boxes are painted again on the overlay, on top; dragged ones only there.
    this.#boxesDrawn = paintBoxes(ctx, {
      boxes: doc.boxes.values(),
      view,
      width,
      height,
      classes,
      hidden: dragged,
      shown: this.source.shown,
      labels: this.source.labels,
    });
  }

  #paintOverlay(ctx: CanvasRenderingContext2D): void {
    const { doc, view, classes, selection, dragged, editable, draft, draftColor, labels } = this.source;
    this.#overlay.paintedAt(view);
    this.#draggedDrawn = 0;
    if (!doc) return;
    const selected: BoxRecord[] = [];
    for (const id of selection) {
      const b = doc.boxes.get(id);
      if (b) selected.push({ ...b, ...dragged.get(id) });
    }
    paintOverlay(ctx, { view, classes, selected, handles: editable, labels, draft, draftColor });
    this.#draggedDrawn = selected.filter((b) => dragged.has(b.id)).length;
  }
}
