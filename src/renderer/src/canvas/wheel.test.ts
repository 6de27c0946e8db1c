import { describe, expect, it } from 'vitest';
import { wheelAction } from './wheel';

const notch = { deltaX: 0, deltaY: 100, deltaMode: 0 };

describe('the mouse wheel on the canvas', () => {
  it('zooms at the pointer in zoom mode, out for a notch down and in for a notch up', () => {
    const down = wheelAction(notch, 'zoom');
    const up = wheelAction({ ...notch, deltaY: -100 }, 'zoom');
    expect(down.kind).toBe('zoom');
    expect(up.kind).toBe('zoom');
    if (down.kind === 'zoom' && up.kind === 'zoom') {
      expect(down.factor).toBeLessThan(1);
      expect(down.factor * up.factor).toBeCloseTo(1);
    }
  });

  it('scrolls with Ctrl+wheel up and down and with Shift+wheel sideways in zoom mode', () => {
    expect(wheelAction({ ...notch, ctrlKey: true }, 'zoom')).toEqual({ kind: 'pan', dx: -0, dy: -100 });
    expect(wheelAction({ ...notch, shiftKey: true }, 'zoom')).toEqual({ kind: 'pan', dx: -100, dy: 0 });
  });

  it('scrolls with the wheel and zooms with Ctrl+wheel (a pinch) in scroll mode', () => {
    expect(wheelAction(notch, 'scroll')).toEqual({ kind: 'pan', dx: -0, dy: -100 });
    expect(wheelAction({ ...notch, ctrlKey: true }, 'scroll').kind).toBe('zoom');
    expect(wheelAction({ ...notch, shiftKey: true }, 'scroll')).toEqual({ kind: 'pan', dx: -100, dy: 0 });
  });

  it('reads wheels that count in lines as 16 pixels a line', () => {
    expect(wheelAction({ deltaX: 0, deltaY: 3, deltaMode: 1 }, 'scroll')).toEqual({
      kind: 'pan',
      dx: -0,
      dy: -48,
    });
  });
});
