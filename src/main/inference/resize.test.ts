import { describe, expect, it } from 'vitest';
import {
  TRANSFORMERS_DEFAULT_RULE,
  describeSizeRule,
  originalRepoSize,
  roundHalfEven,
  targetSize,
  transformersSize,
} from './resize';

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
  // docs/model-inputs.md §4: target (h×w) for a source (w×h).
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

describe('transformersSize', () => {
  // transformers 5.17 get_size_with_aspect_ratio((h, w), 800, 1333): target (h×w) for a source (w×h).
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
    [2666, 1001, 500, 1333],
    [2000, 1000, 666, 1333],
    [1000, 2000, 1333, 666],
    [3000, 700, 311, 1333],
  ])('resizes a %d×%d (w×h) image to %d×%d (h×w)', (w, h, th, tw) => {
    expect(transformersSize({ width: w, height: h })).toEqual({ height: th, width: tw });
  });

  it('computes the capped long side from the unrounded short side, where the original repo uses the rounded one', () => {
    expect(transformersSize({ width: 2000, height: 1000 })).toEqual({ width: 1333, height: 666 });
    expect(originalRepoSize({ width: 2000, height: 1000 })).toEqual({ width: 1332, height: 666 });
  });

  it('follows other edges than 800 and 1333', () => {
    expect(transformersSize({ width: 640, height: 480 }, 600, 1000)).toEqual({ width: 800, height: 600 });
    expect(transformersSize({ width: 3000, height: 1000 }, 600, 1000)).toEqual({ width: 1000, height: 333 });
  });

  it('leaves an image whose shorter side already has the target size unchanged', () => {
    expect(transformersSize({ width: 1000, height: 800 })).toEqual({ width: 1000, height: 800 });
  });

  it('never makes a side of 0 pixels, however long the image', () => {
    expect(transformersSize({ width: 5000, height: 1 })).toEqual({ width: 1333, height: 1 });
  });
});

describe('targetSize', () => {
  it('stretches any image to the fixed size of a traced export', () => {
    const rule = { kind: 'fixed', size: { height: 800, width: 1200 } } as const;
    expect(targetSize(rule, { width: 640, height: 480 })).toEqual({ height: 800, width: 1200 });
    expect(targetSize(rule, { width: 100, height: 3000 })).toEqual({ height: 800, width: 1200 });
  });

  it("applies transformers' rule for a shortest-edge rule", () => {
    expect(targetSize(TRANSFORMERS_DEFAULT_RULE, { width: 2000, height: 1000 })).toEqual({
      height: 666,
      width: 1333,
    });
    const small = { kind: 'shortest-edge', shortestEdge: 400, longestEdge: 600 } as const;
    expect(targetSize(small, { width: 640, height: 480 })).toEqual({ height: 400, width: 533 });
  });

  it('describes a fixed size as H×W and stretched, and a shortest-edge rule by its edges', () => {
    expect(describeSizeRule({ kind: 'fixed', size: { height: 800, width: 1200 } })).toContain('800×1200');
    expect(describeSizeRule(TRANSFORMERS_DEFAULT_RULE)).toBe(
      "short side 800, long side ≤ 1333 (transformers' rounding)",
    );
  });
});
