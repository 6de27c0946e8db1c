import Konva from 'konva/lib/Core';
import { Image as KonvaImage } from 'konva/lib/shapes/Image';
import type { Box } from '../../../shared/geometry';
import type { BoxRecord } from '../../../shared/project';
import type { DocState } from '../editor/types';
import { paintBoxes, paintOverlay, type ClassLook } from './paint';
import type { View } from './view';

/** What the scene draws, read at draw time so a redraw always shows the latest state. */
export interface SceneSource {
  readonly doc: DocState | null;
  readonly image: HTMLImageElement | null;
  readonly view: View;
  readonly selection: ReadonlySet<string>;
  readonly classes: ReadonlyMap<string, ClassLook>;
  readonly editable: boolean;
  /** Geometry of boxes being dragged. */
  readonly dragged: ReadonlyMap<string, Box>;
  readonly draft: Box | null;
  readonly draftColor: string;
}

/**
 * The Konva side of the canvas: a static image layer and two layers each drawn by one custom shape
 * (all boxes; the selection with its handles). Nothing listens: the pointer is handled on the DOM, and
 * hit testing uses the document. No Konva object leaves this class.
 */
export class CanvasScene {
  /** Boxes painted by the last frame, for the test hook. */
  drawn = 0;
  readonly #stage: Konva.Stage;
  readonly #image = new KonvaImage({ image: undefined, listening: false });
  readonly #imageLayer = new Konva.Layer({ listening: false });
  readonly #boxLayer = new Konva.Layer({ listening: false });
  readonly #overlayLayer = new Konva.Layer({ listening: false });

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
    this.#boxLayer.add(
      new Konva.Shape({ listening: false, sceneFunc: (ctx) => this.#paintBoxes(ctx._context) }),
    );
    this.#overlayLayer.add(
      new Konva.Shape({ listening: false, sceneFunc: (ctx) => this.#paintOverlay(ctx._context) }),
    );
    this.#stage.add(this.#imageLayer, this.#boxLayer, this.#overlayLayer);
  }

  get size(): { width: number; height: number } {
    return this.#stage.size();
  }

  resize(width: number, height: number): void {
    this.#stage.size({ width, height });
  }

  /** After a pan, zoom or new image: everything moves. */
  redrawView(): void {
    const { view: v, doc, image } = this.source;
    this.#image.position({ x: v.x, y: v.y });
    this.#image.scale({ x: v.scale, y: v.scale });
    this.#image.size({ width: doc?.width ?? 0, height: doc?.height ?? 0 });
    this.#image.image(image ?? undefined);
    this.#image.visible(!!doc && !!image);
    // Past 2× a person labels pixels: show them crisp.
    this.#imageLayer.imageSmoothingEnabled(v.scale < 2);
    this.#imageLayer.batchDraw();
    this.redrawBoxes();
  }

  /** After an edit or a selection change: the image stays as it is. */
  redrawBoxes(): void {
    this.#boxLayer.batchDraw();
    this.redrawOverlay();
  }

  /** During a drag only the selection layer changes. */
  redrawOverlay(): void {
    this.#overlayLayer.batchDraw();
  }

  destroy(): void {
    this.#stage.destroy();
  }

  #paintBoxes(ctx: CanvasRenderingContext2D): void {
    const { doc, view, classes, selection } = this.source;
    if (!doc) return;
    const { width, height } = this.size;
    // Selected boxes are painted on the overlay, on top, with their drag geometry.
    this.drawn = paintBoxes(ctx, {
      boxes: doc.boxes.values(),
      view,
      width,
      height,
      classes,
      hidden: selection,
    });
  }

  #paintOverlay(ctx: CanvasRenderingContext2D): void {
    const { doc, view, classes, selection, dragged, editable, draft, draftColor } = this.source;
    if (!doc) return;
    const selected: BoxRecord[] = [];
    for (const id of selection) {
      const b = doc.boxes.get(id);
      if (b) selected.push({ ...b, ...dragged.get(id) });
    }
    paintOverlay(ctx, { view, classes, selected, handles: editable, draft, draftColor });
    this.drawn += selected.length;
  }
}
