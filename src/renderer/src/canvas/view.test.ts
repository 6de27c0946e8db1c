import { describe, expect, it } from 'vitest';
import { KEEP_PX, actualSize, clampView, fitView, toImage, zoomAt } from './view';

const stage = { width: 800, height: 600 };
const image = { width: 4000, height: 3000 };

describe('the canvas view', () => {
  it('never lets a pan push the image off the canvas: a quarter of the canvas stays covered', () => {
    const fitted = fitView(image, stage);
    const far = clampView({ ...fitted, x: fitted.x + 4000, y: fitted.y - 4000 }, image, stage);
    expect(far.x).toBe(stage.width - stage.width / 4);
    expect(far.y + image.height * far.scale).toBe(stage.height / 4);
  });

  it('keeps a small image whole on screen and leaves a view that shows enough as it is', () => {
    const small = { width: 40, height: 30 };
    const v = clampView({ scale: 1, x: -500, y: 900 }, small, stage);
    expect(v).toEqual({ scale: 1, x: 0, y: stage.height - 30 });
    const fine = { scale: 1, x: 10, y: 10 };
    expect(clampView(fine, image, stage)).toBe(fine);
    expect(KEEP_PX).toBeLessThanOrEqual(stage.width / 4);
  });

  it('shows one image pixel per screen pixel at 1:1, keeping the point under the middle in place', () => {
    const v = zoomAt(fitView(image, stage), 0.5, { x: 100, y: 100 });
    const middle = { x: 400, y: 300 };
    const one = actualSize(v, middle);
    expect(one.scale).toBe(1);
    expect(toImage(one, middle).x).toBeCloseTo(toImage(v, middle).x);
    expect(toImage(one, middle).y).toBeCloseTo(toImage(v, middle).y);
  });
});
