import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import type { BoxRecord } from '../../../shared/project';
import { manual } from '../testing/boxes';
import { hook, mountWith, solidImage, until } from '../testing/mount';
import { useEditorStore } from '../stores/editor';
import { useViewStore } from '../stores/view';
import CanvasStage from './CanvasStage.vue';

const RED = { id: 'c1', name: 'cat', color: '#ff0000' };
const BLUE = { id: 'c2', name: 'dog', color: '#0000ff' };
const meta = { classes: [RED, BLUE], phraseClasses: {}, promptHistory: [] };
let unmount = () => {};
afterEach(() => {
  unmount();
  localStorage.clear();
});

async function mountCanvas(boxes: BoxRecord[] = [], width = 400, height = 300) {
  const mounted = await mountWith(CanvasStage, {
    images: [{ relPath: 'a.png', width, height, boxes }],
    imageUrl: () => solidImage(width, height, '#808080'),
    meta,
  });
  unmount = mounted.unmount;
  await until(() => hook().imageReady);
  return mounted;
}

const host = () => document.querySelector('[role="application"]') as HTMLElement;
const frames = async () => {
  await new Promise(requestAnimationFrame);
  await new Promise(requestAnimationFrame);
};

function wheel(at: { clientX: number; clientY: number }, init: WheelEventInit): void {
  host().dispatchEvent(new WheelEvent('wheel', { ...at, bubbles: true, cancelable: true, ...init }));
}

const middle = () => {
  const r = host().getBoundingClientRect();
  return { clientX: Math.round(r.left + r.width / 2), clientY: Math.round(r.top + r.height / 2) };
};

/** The image's rectangle on screen against the canvas's: how much of each axis still shows. */
function shownPart() {
  const { view, canvas } = hook();
  const w = (hook().doc?.width ?? 0) * view.scale;
  const h = (hook().doc?.height ?? 0) * view.scale;
  const across = Math.min(canvas.width, view.x + w) - Math.max(0, view.x);
  const down = Math.min(canvas.height, view.y + h) - Math.max(0, view.y);
  return { across, down };
}

describe('canvas view', () => {
  it('scrolls with Ctrl+wheel and Shift+wheel while the wheel zooms, and never pushes the image away', async () => {
    await mountCanvas();
    const scale = hook().view.scale;
    const before = hook().view;
    wheel(middle(), { deltaY: 120, ctrlKey: true });
    expect(hook().view.scale).toBe(scale);
    expect(hook().view.y).toBeLessThan(before.y);
    wheel(middle(), { deltaY: 120, shiftKey: true });
    expect(hook().view.x).toBeLessThan(before.x);
    // Ten hard notches each way: part of the image is still on screen.
    for (let i = 0; i < 10; i++) wheel(middle(), { deltaY: 400, ctrlKey: true });
    for (let i = 0; i < 10; i++) wheel(middle(), { deltaY: -400, shiftKey: true });
    const { across, down } = shownPart();
    expect(across).toBeGreaterThanOrEqual(hook().canvas.width / 4 - 0.5);
    expect(down).toBeGreaterThanOrEqual(hook().canvas.height / 4 - 0.5);
  });

  it('lets a setting make the wheel scroll, and Ctrl+wheel zoom', async () => {
    await mountCanvas();
    await page.getByText('Image', { exact: true }).click();
    // The test page is narrower than the popover: the radio is clicked where it is.
    (page.getByRole('radio', { name: /^Scrolls/ }).element() as HTMLInputElement).click();
    expect(useViewStore().wheel).toBe('scroll');
    const scale = hook().view.scale;
    const y = hook().view.y;
    wheel(middle(), { deltaY: 100 });
    expect(hook().view.scale).toBe(scale);
    expect(hook().view.y).toBeLessThan(y);
    wheel(middle(), { deltaY: -100, ctrlKey: true });
    expect(hook().view.scale).toBeGreaterThan(scale);
    // Remembered for the next start.
    await until(() => JSON.parse(localStorage.getItem('groundlabel.view') ?? '{}').wheel === 'scroll');
  });

  it('shows the zoom level and goes to 1:1 and back to fit with its buttons', async () => {
    await mountCanvas([], 400, 300);
    const level = page.getByRole('status', { name: 'Zoom level' });
    const fitted = hook().view.scale;
    await expect.element(level).toHaveTextContent(`${Math.round(fitted * 100)} %`);
    await page.getByRole('button', { name: 'Actual size (1:1)' }).click();
    expect(hook().view.scale).toBe(1);
    await expect.element(level).toHaveTextContent('100 %');
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect.element(level).toHaveTextContent('125 %');
    await page.getByRole('button', { name: 'Fit to window' }).click();
    expect(hook().view.scale).toBeCloseTo(fitted);
  });

  it('draws crosshair lines through the pointer with its image coordinates while the draw tool is out', async () => {
    await mountCanvas();
    const { view, canvas } = hook();
    const at = {
      clientX: canvas.left + view.x + 120.5 * view.scale,
      clientY: canvas.top + view.y + 80.5 * view.scale,
    };
    host().dispatchEvent(new PointerEvent('pointermove', { ...at, bubbles: true }));
    await frames();
    expect(document.querySelector('.cross-v')).toBeNull();
    useEditorStore().setTool('draw');
    host().dispatchEvent(new PointerEvent('pointermove', { ...at, bubbles: true }));
    const coords = page.getByRole('status', { name: 'Pointer position in image pixels' });
    await expect.element(coords).toHaveTextContent('120, 80');
    const line = document.querySelector('.cross-v') as HTMLElement;
    expect(line.getBoundingClientRect().left).toBeCloseTo(at.clientX, 0);
    const across = document.querySelector('.cross-h') as HTMLElement;
    expect(across.getBoundingClientRect().top).toBeCloseTo(at.clientY, 0);
    host().dispatchEvent(new PointerEvent('pointerleave', { bubbles: true }));
    await expect.element(coords).not.toBeInTheDocument();
  });

  it('hides every box, or one class’s, and a hidden box cannot be picked', async () => {
    await mountCanvas([manual('a', 20, 20, 120, 120, 'c1'), manual('b', 200, 50, 300, 150, 'c2')]);
    await frames();
    expect(hook().drawn).toBe(2);
    useViewStore().setClassShown('c1', false);
    await frames();
    expect(hook().drawn).toBe(1);
    const { view, canvas } = hook();
    const at = {
      clientX: canvas.left + view.x + 70 * view.scale,
      clientY: canvas.top + view.y + 70 * view.scale,
    };
    host().dispatchEvent(new PointerEvent('pointerdown', { ...at, button: 0, bubbles: true, pointerId: 1 }));
    window.dispatchEvent(new PointerEvent('pointerup', { ...at, button: 0, bubbles: true, pointerId: 1 }));
    expect(hook().selection).toEqual([]);
    // Selected, then hidden with the rest: the selection goes with it.
    useEditorStore().select(['b']);
    await page.getByRole('button', { name: 'Show boxes' }).click();
    await frames();
    expect(hook().drawn).toBe(0);
    expect(hook().selection).toEqual([]);
    await page.getByRole('button', { name: 'Show boxes' }).click();
    useViewStore().setClassShown('c1', true);
    await frames();
    expect(hook().drawn).toBe(2);
  });

  it('hides the labels of the boxes but not the boxes', async () => {
    await mountCanvas([manual('a', 100, 100, 300, 250, 'c1')]);
    await frames();
    const layer = document.querySelectorAll<HTMLCanvasElement>('[role="application"] canvas')[1];
    const ratio = layer.width / layer.getBoundingClientRect().width;
    const { view } = hook();
    // Inside the label band above the box's corner, and on its left edge.
    const at = (ix: number, dy: number) =>
      layer
        .getContext('2d')!
        .getImageData(
          Math.round((view.x + ix * view.scale + 4) * ratio),
          Math.round((view.y + 100 * view.scale + dy) * ratio),
          1,
          1,
        ).data[3];
    expect(at(100, -8)).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Show box labels' }).click();
    await frames();
    expect(at(100, -8)).toBe(0);
    expect(at(100 - 4 / view.scale, 50)).toBeGreaterThan(0);
  });

  it('changes the brightness and contrast of the image alone, and nothing of the document', async () => {
    await mountCanvas([manual('a', 20, 20, 120, 120, 'c1')]);
    const [imageLayer, boxLayer] = document.querySelectorAll<HTMLCanvasElement>(
      '[role="application"] canvas',
    );
    expect(imageLayer.style.filter).toBe('');
    const before = JSON.stringify(hook().doc);
    await page.getByText('Image', { exact: true }).click();
    const brightness = page.getByRole('slider', { name: 'Brightness' });
    (brightness.element() as HTMLInputElement).value = '150';
    brightness.element().dispatchEvent(new Event('input', { bubbles: true }));
    const contrast = page.getByRole('slider', { name: 'Contrast' });
    (contrast.element() as HTMLInputElement).value = '80';
    contrast.element().dispatchEvent(new Event('input', { bubbles: true }));
    await until(() => imageLayer.style.filter === 'brightness(150%) contrast(80%)');
    expect(boxLayer.style.filter).toBe('');
    expect(JSON.stringify(hook().doc)).toBe(before);
    await page.getByRole('button', { name: 'Reset' }).click();
    await until(() => imageLayer.style.filter === '');
  });
});
