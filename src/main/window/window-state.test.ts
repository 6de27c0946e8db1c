import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_SIZE, MIN_WINDOW_SIZE, windowOpening, type WindowPlace } from './window-state';

const laptop = { x: 0, y: 0, width: 1920, height: 1040 };
const rightMonitor = { x: 1920, y: 0, width: 2560, height: 1400 };
const place = (p: Partial<WindowPlace>): WindowPlace => ({
  x: 100,
  y: 80,
  width: 1200,
  height: 800,
  maximized: false,
  ...p,
});

describe('where the window opens', () => {
  it('opens at the default size, centred, the first time', () => {
    expect(windowOpening(null, [laptop])).toEqual({ bounds: DEFAULT_WINDOW_SIZE, maximized: false });
  });

  it('opens where it was closed, at the same size, maximised again if it was', () => {
    expect(windowOpening(place({ x: 2000, y: 100, maximized: true }), [laptop, rightMonitor])).toEqual({
      bounds: { x: 2000, y: 100, width: 1200, height: 800 },
      maximized: true,
    });
  });

  it('comes back to the primary display, centred, when its monitor is no longer connected', () => {
    expect(windowOpening(place({ x: 2400, y: 200 }), [laptop])).toEqual({
      bounds: { width: 1200, height: 800 },
      maximized: false,
    });
  });

  it('moves a window hanging off the edge back inside the display it mostly showed on', () => {
    // Only 300 pixels of it still showed on the right monitor's far edge.
    expect(windowOpening(place({ x: 1920 + 2560 - 300, y: -40 }), [laptop, rightMonitor]).bounds).toEqual({
      x: 1920 + 2560 - 1200,
      y: 0,
      width: 1200,
      height: 800,
    });
  });

  it('does not count a sliver it could not be grabbed by as visible', () => {
    expect(windowOpening(place({ x: 1920 - 20, y: 100 }), [laptop]).bounds).not.toHaveProperty('x');
  });

  it('never opens smaller than the minimum size, nor larger than the screen', () => {
    expect(windowOpening(place({ width: 300, height: 200 }), [laptop]).bounds).toMatchObject(MIN_WINDOW_SIZE);
    const small = { x: 0, y: 0, width: 1280, height: 720 };
    expect(windowOpening(place({ x: 0, y: 0, width: 2500, height: 1400 }), [small]).bounds).toEqual({
      x: 0,
      y: 0,
      width: 1280,
      height: 720,
    });
  });
});
