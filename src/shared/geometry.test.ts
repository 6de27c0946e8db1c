import { describe, expect, it } from 'vitest';
import { boxArea, boxHeight, boxWidth, clampBox, iou, type Box } from './geometry';

const box = (x1: number, y1: number, x2: number, y2: number): Box => ({ x1, y1, x2, y2 });

describe('boxArea', () => {
  it('is width × height', () => {
    expect(boxArea(box(10, 20, 40, 30))).toBe(300);
    expect(boxWidth(box(10, 20, 40, 30))).toBe(30);
    expect(boxHeight(box(10, 20, 40, 30))).toBe(10);
  });

  it('is 0 for a degenerate or inverted box', () => {
    expect(boxArea(box(5, 5, 5, 10))).toBe(0);
    expect(boxArea(box(10, 10, 5, 20))).toBe(0);
    expect(boxArea(box(0, 10, 5, 5))).toBe(0);
  });
});

describe('clampBox', () => {
  const size = { width: 640, height: 480 };

  it('leaves a box inside the image unchanged', () => {
    expect(clampBox(box(10, 20, 30, 40), size)).toEqual(box(10, 20, 30, 40));
  });

  it('cuts a box at the image edges', () => {
    expect(clampBox(box(-10, -5, 700, 500), size)).toEqual(box(0, 0, 640, 480));
    expect(clampBox(box(600, 470, 650, 490), size)).toEqual(box(600, 470, 640, 480));
  });

  it('squashes a box wholly outside the image to zero area', () => {
    expect(boxArea(clampBox(box(700, 10, 800, 20), size))).toBe(0);
    expect(boxArea(clampBox(box(10, -50, 20, -10), size))).toBe(0);
  });
});

describe('iou', () => {
  it('is 1 for identical boxes', () => {
    expect(iou(box(0, 0, 10, 10), box(0, 0, 10, 10))).toBe(1);
  });

  it('is 0 for disjoint boxes and for boxes that only touch', () => {
    expect(iou(box(0, 0, 10, 10), box(20, 20, 30, 30))).toBe(0);
    expect(iou(box(0, 0, 10, 10), box(10, 0, 20, 10))).toBe(0);
  });

  it('is intersection over union', () => {
    expect(iou(box(0, 0, 10, 10), box(5, 0, 15, 10))).toBeCloseTo(50 / 150, 12);
    expect(iou(box(0, 0, 10, 10), box(0, 0, 10, 5))).toBe(0.5);
    expect(iou(box(0, 0, 10, 10), box(2, 2, 4, 4))).toBeCloseTo(4 / 100, 12);
  });

  it('is symmetric', () => {
    const a = box(0, 0, 10, 10);
    const b = box(3, 4, 17, 12);
    expect(iou(a, b)).toBe(iou(b, a));
  });

  it('is 0, not NaN, for two empty boxes', () => {
    expect(iou(box(5, 5, 5, 5), box(5, 5, 5, 5))).toBe(0);
  });
});
