import { describe, expect, it } from 'vitest';
import { boxFromDrag, hitTest, moveBox, resizeBox } from './geometry';

const size = { width: 100, height: 80 };

describe('box geometry', () => {
  it('draws a box in either direction, snapped to whole pixels and clamped', () => {
    expect(boxFromDrag({ x: 40.4, y: 30.6 }, { x: -5, y: 10 }, size)).toEqual({
      x1: 0,
      y1: 10,
      x2: 40,
      y2: 31,
    });
  });

  it('ignores a drag too small to be a box', () => {
    expect(boxFromDrag({ x: 10, y: 10 }, { x: 11, y: 30 }, size)).toBeNull();
  });

  it('moves a box up to the edge without shrinking it', () => {
    expect(moveBox({ x1: 10, y1: 10, x2: 30, y2: 20 }, 100, -100, size)).toEqual({
      x1: 80,
      y1: 0,
      x2: 100,
      y2: 10,
    });
  });

  it('resizes from a corner and flips when dragged past the opposite edge', () => {
    const b = { x1: 10, y1: 10, x2: 30, y2: 20 };
    expect(resizeBox(b, 'se', { x: 50.2, y: 40 }, size)).toEqual({ x1: 10, y1: 10, x2: 50, y2: 40 });
    expect(resizeBox(b, 'e', { x: 4, y: 99 }, size)).toEqual({ x1: 4, y1: 10, x2: 10, y2: 20 });
  });

  it('keeps a resized box inside the image and at least a pixel wide', () => {
    const b = { x1: 10, y1: 10, x2: 30, y2: 20 };
    expect(resizeBox(b, 'nw', { x: -20, y: -20 }, size)).toEqual({ x1: 0, y1: 0, x2: 30, y2: 20 });
    expect(resizeBox(b, 'w', { x: 30, y: 0 }, size)).toEqual({ x1: 30, y1: 10, x2: 31, y2: 20 });
  });

  it('picks the smallest box under the point, or the selected one', () => {
    const big = { id: 'big', x1: 0, y1: 0, x2: 100, y2: 80 };
    const small = { id: 'small', x1: 10, y1: 10, x2: 20, y2: 20 };
    expect(hitTest([big, small], { x: 15, y: 15 }, new Set())?.id).toBe('small');
    expect(hitTest([big, small], { x: 15, y: 15 }, new Set(['big']))?.id).toBe('big');
    expect(hitTest([small], { x: 50, y: 50 }, new Set())).toBeNull();
  });
});
