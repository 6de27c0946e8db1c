import { describe, expect, it } from 'vitest';
import { describeSizeRule, originalRepoSize, roundHalfEven, targetSize } from './resize';

describe('roundHalfEven', () => {
  it.each([
    [500.5, 500],
    [501.5, 502],
    [0.5, 0],
    [1.5, 2],
    [2.5, 2],
    [-1.5, -2],
    [-2.5, -2],
  ])('rounds the half %d to the even neighbour %d, as Python round() does', (x, expected) => {
    expect(roundHalfEven(x)).toBe(expected);
  });

  it.each([
    [500.49, 500],
    [500.51, 501],
    [749.9, 750],
    [3, 3],
  ])('rounds %d that is not a half to the nearest integer %d', (x, expected) => {
    expect(roundHalfEven(x)).toBe(expected);
  });
});

describe('originalRepoSize', () => {
  // Contract §4: target (h×w) for a source (w×h).
  it.each([
    [640, 480, 800, 1066],
    [480, 640, 1066, 800],
    [1920, 1080, 750, 1333],
    [4000, 3000, 800, 1066],
    [612, 408, 800, 1200],
    [333, 500, 1201, 800],
    [801, 600, 800, 1068],
    [640, 427, 800, 1199],
    [800, 800, 800, 800],
    [100, 100, 800, 800],
    [2666, 1001, 500, 1331],
  ])('resizes a %d×%d (w×h) image to %d×%d (h×w)', (w, h, th, tw) => {
    expect(originalRepoSize({ width: w, height: h })).toEqual({ height: th, width: tw });
  });

  it('rounds the half-way short side of 2666×1001 (500.5) down to the even 500', () => {
    expect(originalRepoSize({ width: 2666, height: 1001 }).height).toBe(500);
    expect(originalRepoSize({ width: 1001, height: 2666 }).width).toBe(500);
  });

  it('leaves an image whose shorter side already has the target size unchanged', () => {
    expect(originalRepoSize({ width: 1000, height: 800 })).toEqual({ width: 1000, height: 800 });
    expect(originalRepoSize({ width: 800, height: 1001 })).toEqual({ width: 800, height: 1001 });
  });
});

describe('targetSize', () => {
  it('stretches any image to the fixed size of a traced export', () => {
    const rule = { kind: 'fixed', size: { height: 800, width: 1200 } } as const;
    expect(targetSize(rule, { width: 640, height: 480 })).toEqual({ height: 800, width: 1200 });
    expect(targetSize(rule, { width: 100, height: 3000 })).toEqual({ height: 800, width: 1200 });
  });

  it('applies the original-repo rule for dynamic-size models', () => {
    expect(targetSize({ kind: 'original-repo' }, { width: 1920, height: 1080 })).toEqual({
      height: 750,
      width: 1333,
    });
  });

  it('describes a fixed size as H×W and stretched', () => {
    expect(describeSizeRule({ kind: 'fixed', size: { height: 800, width: 1200 } })).toContain('800×1200');
    expect(describeSizeRule({ kind: 'original-repo' })).toContain('1333');
  });
});
