/**
 * What bench:ui runs inside the page: a rAF frame recorder with a timer around each Konva layer's
 * draw, input sent through CDP at a steady rate, and a timer for one select-and-drag gesture.
 */
import type { CDPSession, Page } from 'playwright-core';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FrameSample {
  /** rAF timestamp deltas, ms. */
  readonly intervals: number[];
  /** Each Konva layer's draw durations, ms, by layer index (image, boxes, selection). */
  readonly layerDraws: number[][];
  /** Input events (pointermove, wheel) the page received. */
  readonly inputs: number;
  /** Length of the recording, ms. */
  readonly spanMs: number;
}

interface Recorder {
  on: boolean;
  ts: number[];
  layerDraws: number[][];
  inputs: number;
}

/** Installs the recorder once: rAF loop, input counter, and a timer around each Konva layer's draw. */
export function installRecorder(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const w = window as unknown as {
      __rec?: Recorder;
      Konva?: { stages: { getLayers(): { draw(): unknown }[] }[] };
    };
    if (w.__rec) return true;
    const rec: Recorder = { on: false, ts: [], layerDraws: [[], [], []], inputs: 0 };
    w.__rec = rec;
    const count = () => rec.on && rec.inputs++;
    window.addEventListener('pointermove', count, true);
    window.addEventListener('wheel', count, { capture: true, passive: true });
    const layers = w.Konva?.stages[0]?.getLayers() ?? [];
    layers.forEach((layer, i) => {
      const draw = layer.draw.bind(layer);
      layer.draw = () => {
        const t = performance.now();
        const out = draw();
        if (rec.on) rec.layerDraws[i]?.push(performance.now() - t);
        return out;
      };
    });
    return layers.length === 3;
  });
}

export function startFrames(page: Page): Promise<void> {
  return page.evaluate(() => {
    const rec = (window as unknown as { __rec: Recorder }).__rec;
    Object.assign(rec, { on: true, ts: [], layerDraws: [[], [], []], inputs: 0 });
    const loop = (t: number) => {
      if (!rec.on) return;
      rec.ts.push(t);
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
}

export function stopFrames(page: Page): Promise<FrameSample> {
  return page.evaluate(() => {
    const rec = (window as unknown as { __rec: Recorder }).__rec;
    rec.on = false;
    const intervals = rec.ts.slice(1).map((t, i) => t - rec.ts[i]);
    return {
      intervals,
      layerDraws: rec.layerDraws,
      inputs: rec.inputs,
      spanMs: rec.ts.length > 1 ? rec.ts[rec.ts.length - 1] - rec.ts[0] : 0,
    };
  });
}

export type MouseEventParams = {
  type: 'mouseMoved' | 'mousePressed' | 'mouseReleased' | 'mouseWheel';
  x: number;
  y: number;
  button?: 'left' | 'none';
  buttons?: number;
  clickCount?: number;
  deltaX?: number;
  deltaY?: number;
  modifiers?: number;
};

/**
 * Sends input at `inputHz` for `ms` without waiting for each event, recording frames meanwhile; the
 * first 150 ms warm up unrecorded.
 */
export async function drive(
  page: Page,
  cdp: CDPSession,
  ms: number,
  inputHz: number,
  eventAt: (i: number) => MouseEventParams,
): Promise<FrameSample> {
  const pending: Promise<unknown>[] = [];
  let i = 0;
  const send = async (until: number) => {
    while (Date.now() < until) {
      pending.push(cdp.send('Input.dispatchMouseEvent', eventAt(i++)));
      await sleep(1000 / inputHz);
    }
  };
  await send(Date.now() + 150);
  await startFrames(page);
  await send(Date.now() + ms);
  const sample = await stopFrames(page);
  await Promise.all(pending);
  return sample;
}

/** One select-and-drag gesture, timed in the page. */
export interface DragTiming {
  /** pointerdown → end of the first frame after the pointerup changed the document. */
  readonly total: number;
  /** pointerdown → end of the first frame after it (the selection shows). */
  readonly select: number;
  /** pointerup → end of the first frame after it. */
  readonly drop: number;
}

export function armDragTimer(page: Page): Promise<void> {
  return page.evaluate(() => {
    // A message posted from a rAF callback runs once that frame's other callbacks (the Konva draw
    // among them), style, layout and paint are done.
    const endOfNextFrame = () =>
      new Promise<number>((resolve) =>
        requestAnimationFrame(() => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => resolve(performance.now());
          ch.port2.postMessage(0);
        }),
      );
    const result: { down?: number; selected?: Promise<number>; up?: number; dropped?: Promise<number> } = {};
    const onDown = (e: PointerEvent) => {
      result.down = e.timeStamp;
      result.selected = endOfNextFrame();
    };
    // Capture on window runs before the canvas's own pointerup handler lands the move, so the frame
    // awaited here is the first one after the document changed.
    const onUp = (e: PointerEvent) => {
      result.up = e.timeStamp;
      result.dropped = endOfNextFrame();
      window.removeEventListener('pointerdown', onDown, true);
      window.removeEventListener('pointerup', onUp, true);
    };
    window.addEventListener('pointerdown', onDown, true);
    window.addEventListener('pointerup', onUp, true);
    (window as unknown as { __drag: typeof result }).__drag = result;
  });
}

export function readDragTimer(page: Page): Promise<DragTiming> {
  return page.evaluate(async () => {
    const r = (
      window as unknown as {
        __drag: { down: number; selected: Promise<number>; up: number; dropped: Promise<number> };
      }
    ).__drag;
    const [selected, dropped] = await Promise.all([r.selected, r.dropped]);
    return { total: dropped - r.down, select: selected - r.down, drop: dropped - r.up };
  });
}
