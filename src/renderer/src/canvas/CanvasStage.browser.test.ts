import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BoxRecord } from '../../../shared/project';
import { manual, suggestion } from '../testing/boxes';
import { hook, mountWith, solidImage, until } from '../testing/mount';
import { useEditorStore } from '../stores/editor';
import CanvasStage from './CanvasStage.vue';
import { SETTLE_MS } from './scene';

const RED = { id: 'c1', name: 'cat', color: '#ff0000' };
const meta = { classes: [RED], phraseClasses: {}, promptHistory: [] };
let unmount = () => {};
afterEach(() => unmount());

async function mountCanvas(boxes: BoxRecord[] = [], width = 400, height = 300) {
  const mounted = await mountWith(CanvasStage, {
    images: [{ relPath: 'a.png', width, height, boxes }],
    imageUrl: () => solidImage(width, height),
    meta,
  });
  unmount = mounted.unmount;
  await until(() => hook().imageReady);
  return mounted;
}

/** Where image pixel (ix, iy) is in the page, from the test hook. */
function client(ix: number, iy: number) {
  const { canvas, view } = hook();
  return { clientX: canvas.left + view.x + ix * view.scale, clientY: canvas.top + view.y + iy * view.scale };
}

function pointer(type: string, at: { clientX: number; clientY: number }) {
  const target = document.querySelector('[role="application"]');
  target?.dispatchEvent(
    new PointerEvent(type, {
      ...at,
      button: 0,
      buttons: type === 'pointerup' ? 0 : 1,
      bubbles: true,
      pointerId: 1,
      isPrimary: true,
    }),
  );
}

function drag(from: [number, number], to: [number, number]) {
  pointer('pointerdown', client(...from));
  pointer('pointermove', client((from[0] + to[0]) / 2, (from[1] + to[1]) / 2));
  pointer('pointermove', client(...to));
  pointer('pointerup', client(...to));
}

const boxesOf = () => hook().doc?.boxes.map(({ x1, y1, x2, y2 }) => [x1, y1, x2, y2]);

/** Vue updates in a microtask and Konva draws in the next animation frame: wait for both. */
const frames = async () => {
  await new Promise(requestAnimationFrame);
  await new Promise(requestAnimationFrame);
};

const boxLayer = () => document.querySelectorAll<HTMLCanvasElement>('[role="application"] canvas')[1];

/** A pan or zoom is painted at its view once input stops (Vue applies the view in a microtask first). */
const settled = async () => {
  await frames();
  await until(() => hook().settled);
  await frames();
};

/**
 * Height in screen pixels of the label band above a box's top-left corner, read from the box layer
 * one pixel inside its left edge (clear of the text) and clear of the box's top stroke.
 */
function labelHeight(ix: number, iy: number): number {
  const layer = boxLayer();
  const ratio = layer.width / layer.getBoundingClientRect().width;
  const { view } = hook();
  const x = Math.round((view.x + ix * view.scale + 1) * ratio);
  const top = Math.round((view.y + iy * view.scale - 40) * ratio);
  const data =
    layer.getContext('2d')?.getImageData(x, top, 1, Math.round(37 * ratio)).data ?? new Uint8ClampedArray();
  let rows = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] > 150 && data[i + 1] < 80 && data[i + 3] > 200) rows++;
  return rows / ratio;
}

describe('canvas', () => {
  it('fits the image and exposes its transform to tests', async () => {
    await mountCanvas();
    const { view, canvas } = hook();
    expect(canvas.width).toBe(800);
    // The view bar above the canvas takes its share of the 600 px.
    expect(canvas.height).toBeLessThan(600);
    expect(view.scale).toBeCloseTo((canvas.height - 32) / 300);
    expect(view.x + (400 * view.scale) / 2).toBeCloseTo(400);
  });

  it('draws a box by dragging with the draw tool, in image pixels', async () => {
    await mountCanvas();
    useEditorStore().setTool('draw');
    drag([50, 40], [150, 120]);
    expect(boxesOf()).toEqual([[50, 40, 150, 120]]);
    expect(hook().doc?.boxes[0].classId).toBe('c1');
    expect(hook().selection).toEqual([hook().doc?.boxes[0].id]);
  });

  it('selects a box by clicking and moves it by dragging, as one undo step', async () => {
    await mountCanvas([manual('m', 100, 100, 200, 200, 'c1')]);
    drag([150, 150], [170, 160]);
    expect(hook().selection).toEqual(['m']);
    expect(boxesOf()).toEqual([[120, 110, 220, 210]]);
    useEditorStore().undo();
    expect(boxesOf()).toEqual([[100, 100, 200, 200]]);
  });

  it('resizes the selected box by its corner handle and keeps it inside the image', async () => {
    await mountCanvas([manual('m', 100, 100, 200, 200, 'c1')]);
    useEditorStore().select(['m']);
    drag([200, 200], [260, 250]);
    expect(boxesOf()).toEqual([[100, 100, 260, 250]]);
    drag([100, 100], [-50, 80]);
    expect(boxesOf()).toEqual([[0, 80, 260, 250]]);
  });

  it('accepts a suggestion that is resized', async () => {
    await mountCanvas([suggestion('s', 0.6, [100, 100, 200, 200], 'c1')]);
    useEditorStore().select(['s']);
    drag([200, 150], [220, 150]);
    expect(hook().doc?.boxes[0]).toMatchObject({ x2: 220, origin: { kind: 'accepted', score: 0.6 } });
  });

  it('pans with Space held and does not move boxes', async () => {
    await mountCanvas([manual('m', 100, 100, 200, 200, 'c1')]);
    const before = hook().view;
    window.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true }));
    const start = client(150, 150);
    pointer('pointerdown', start);
    pointer('pointermove', { clientX: start.clientX + 30, clientY: start.clientY + 20 });
    pointer('pointerup', { clientX: start.clientX + 30, clientY: start.clientY + 20 });
    window.dispatchEvent(new KeyboardEvent('keyup', { key: ' ', bubbles: true }));
    expect(hook().view.x).toBeCloseTo(before.x + 30);
    expect(hook().view.y).toBeCloseTo(before.y + 20);
    expect(boxesOf()).toEqual([[100, 100, 200, 200]]);
  });

  it('zooms with the wheel at the pointer and keeps labels the same size on screen', async () => {
    await mountCanvas([manual('m', 100, 100, 200, 200, 'c1')]);
    // The first paint is in: a paint still to come would land on the zoomed view, with no transform.
    await settled();
    const fitted = labelHeight(100, 100);
    const scale = hook().view.scale;
    // Mouse events carry whole pixels, so zoom at a whole-pixel point.
    const c = client(150, 150);
    const at = { clientX: Math.round(c.clientX), clientY: Math.round(c.clientY) };
    const imageX = () => (at.clientX - hook().canvas.left - hook().view.x) / hook().view.scale;
    const before = imageX();
    const host = document.querySelector('[role="application"]');
    // The settle timer waits on the test, not on the machine: a slow frame must not let it fire early.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      host?.dispatchEvent(new WheelEvent('wheel', { ...at, deltaY: -400, bubbles: true, cancelable: true }));
      await frames();
      expect(hook().view.scale).toBeGreaterThan(scale * 2);
      expect(imageX()).toBeCloseTo(before);
      // Until the zoom settles the box layer is the old bitmap, scaled by a CSS transform.
      expect(hook().settled).toBe(false);
      expect(boxLayer().style.transform).toMatch(/^matrix\(/);
      vi.advanceTimersByTime(SETTLE_MS);
    } finally {
      vi.useRealTimers();
    }
    await settled();
    expect(boxLayer().style.transform).toBe('');
    const zoomed = labelHeight(100, 100);
    host?.dispatchEvent(new WheelEvent('wheel', { ...at, deltaY: 1500, bubbles: true, cancelable: true }));
    await settled();
    expect(hook().view.scale).toBeLessThan(scale / 4);
    const small = labelHeight(100, 100);
    // The band is 16 px; the stroke's two rows and anti-aliasing at fractional offsets are left out.
    for (const h of [fitted, zoomed, small]) {
      expect(h).toBeGreaterThanOrEqual(12);
      expect(h).toBeLessThanOrEqual(15);
    }
    expect(Math.max(fitted, zoomed, small) - Math.min(fitted, zoomed, small)).toBeLessThanOrEqual(1);
  });

  it('outlines a manual box on its edges and leaves its inside clear', async () => {
    await mountCanvas([manual('m', 100, 100, 300, 250, 'c1')]);
    await frames();
    const layer = boxLayer();
    const ratio = layer.width / layer.getBoundingClientRect().width;
    const { view } = hook();
    const at = (ix: number, iy: number, dx = 0) =>
      layer
        .getContext('2d')!
        .getImageData(
          Math.round((view.x + ix * view.scale + dx) * ratio),
          Math.round((view.y + iy * view.scale) * ratio),
          1,
          1,
        ).data;
    for (const [ix, iy] of [
      [100, 200],
      [300, 200],
    ]) {
      const [r, g, , a] = at(ix, iy);
      expect([r, g, a]).toEqual([255, 0, 255]);
    }
    expect(at(200, 200)[3]).toBe(0);
    expect(at(100, 200, 6)[3]).toBe(0);
  });

  it('renders 2,000 boxes', async () => {
    const boxes = Array.from({ length: 2000 }, (_, i) => {
      const x = (i % 50) * 16;
      const y = Math.floor(i / 50) * 15;
      return manual(`b${i}`, x, y, x + 12, y + 12, 'c1');
    });
    await mountCanvas(boxes, 800, 600);
    await frames();
    expect(hook().doc?.boxes).toHaveLength(2000);
    expect(hook().drawn).toBe(2000);
  });
});
