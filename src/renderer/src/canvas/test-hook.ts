import type { ImageDoc } from '../../../shared/project';
import type { Tool } from '../stores/editor';
import type { View } from './view';

/**
 * `window.__groundlabel`: a read-only snapshot for end-to-end tests, made fresh (and frozen) on each
 * read. It holds plain data only, never Konva objects. To act on image pixel (ix, iy), point at
 *   clientX = canvas.left + view.x + ix * view.scale,  clientY = canvas.top + view.y + iy * view.scale
 * The selected box's resize handles sit on its corners and edge midpoints (8 px squares).
 */
export interface TestHookView {
  readonly imageId: string | null;
  /** True once the current image is decoded and drawn, so coordinates above are meaningful. */
  readonly imageReady: boolean;
  /** The current document: boxes in image pixels of the EXIF-oriented image. */
  readonly doc: ImageDoc | null;
  readonly selection: readonly string[];
  readonly tool: Tool;
  readonly view: View;
  /** The canvas element's rectangle in the page viewport (CSS pixels). */
  readonly canvas: {
    readonly left: number;
    readonly top: number;
    readonly width: number;
    readonly height: number;
  };
  /** How many boxes the last frame painted (off-screen boxes are skipped). */
  readonly drawn: number;
  /**
   * False while a pan or zoom is settling: the box layers then show the last painted bitmap moved by a
   * CSS transform, and are painted at the current view once input stops.
   */
  readonly settled: boolean;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

export function installTestHook(read: () => TestHookView): () => void {
  Object.defineProperty(window, '__groundlabel', {
    configurable: true,
    get: () => deepFreeze(structuredClone(read())),
  });
  return () => {
    delete (window as { __groundlabel?: unknown }).__groundlabel;
  };
}
