import { describe, expect, it } from 'vitest';
import { MEAN, normaliseValue, STD, toNormalisedCHW } from './normalise';

describe('normaliseValue', () => {
  it.each([
    [0, 0, -2.117904],
    [0, 1, -2.035714],
    [0, 2, -1.804444],
    [255, 0, 2.248908],
    [255, 1, 2.428571],
    [255, 2, 2.64],
  ] as const)('maps %d in channel %d to %d (model-inputs §4)', (value, channel, expected) => {
    expect(Math.abs(normaliseValue(value, channel) - expected)).toBeLessThan(1e-6);
  });

  it('computes (v/255 − mean)/std for every 8-bit value', () => {
    for (let v = 0; v < 256; v++) {
      for (const c of [0, 1, 2] as const) {
        expect(normaliseValue(v, c)).toBeCloseTo((v / 255 - MEAN[c]) / STD[c], 6);
      }
    }
  });
});

describe('toNormalisedCHW', () => {
  it('writes a 2×1 RGB image as three planes, red then green then blue (CHW, not BGR)', () => {
    // Pixel 0 = (0, 128, 255), pixel 1 = (255, 0, 10), interleaved HWC.
    const out = toNormalisedCHW(new Uint8Array([0, 128, 255, 255, 0, 10]), 2, 1);
    expect(out).toBeInstanceOf(Float32Array);
    expect(out).toHaveLength(6);
    const expected = [
      normaliseValue(0, 0),
      normaliseValue(255, 0),
      normaliseValue(128, 1),
      normaliseValue(0, 1),
      normaliseValue(255, 2),
      normaliseValue(10, 2),
    ];
    expect(Array.from(out)).toEqual(expected);
    expect(out[0]).toBeCloseTo(-2.117904, 6);
    expect(out[1]).toBeCloseTo(2.248908, 6);
    expect(out[3]).toBeCloseTo(-2.035714, 6);
    expect(out[4]).toBeCloseTo(2.64, 6);
  });

  it('lays out a 2×2 image row by row within each plane', () => {
    const rgb = new Uint8Array([10, 0, 0, 20, 0, 0, 30, 0, 0, 40, 0, 0]); // red 10, 20 / 30, 40
    const out = toNormalisedCHW(rgb, 2, 2);
    expect(Array.from(out.subarray(0, 4))).toEqual([10, 20, 30, 40].map((v) => normaliseValue(v, 0)));
  });

  it('refuses a buffer whose length is not width × height × 3', () => {
    expect(() => toNormalisedCHW(new Uint8Array(5), 2, 1)).toThrow(RangeError);
    expect(() => toNormalisedCHW(new Uint8Array(8), 2, 1)).toThrow(/expected 6 RGB bytes, got 8/);
  });
});

describe('toNormalisedCHW with a buffer to reuse', () => {
  it('fills the given buffer when its length fits, and allocates when it does not', () => {
    const rgb = new Uint8Array([0, 128, 255, 255, 0, 10]);
    const reuse = new Float32Array(6).fill(99);
    expect(toNormalisedCHW(rgb, 2, 1, reuse)).toBe(reuse);
    expect(Array.from(reuse)).toEqual(Array.from(toNormalisedCHW(rgb, 2, 1)));
    const wrong = new Float32Array(3);
    expect(toNormalisedCHW(rgb, 2, 1, wrong)).not.toBe(wrong);
  });
});
