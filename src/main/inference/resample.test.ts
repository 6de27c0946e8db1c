import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resizeBilinearRGB } from './resample';

/** A w×h image whose three channels all carry `values` (row-major). */
const grey = (values: readonly number[]) => Uint8Array.from(values.flatMap((v) => [v, v, v]));
const channel0 = (rgb: Uint8Array) => [...rgb].filter((_, i) => i % 3 === 0);

describe('resizeBilinearRGB', () => {
  it('enlarges with sample centres at (x + 0.5)·in/out − 0.5 and edge pixels held: [0, 255] → [0, 64, 191, 255]', () => {
    const out = resizeBilinearRGB(grey([0, 255]), { width: 2, height: 1 }, { width: 4, height: 1 });
    expect(channel0(out)).toEqual([0, 64, 191, 255]);
  });

  it('shrinks with a triangle filter widened by the shrink factor: [0, 0, 255, 255] → [36, 219]', () => {
    const out = resizeBilinearRGB(grey([0, 0, 255, 255]), { width: 4, height: 1 }, { width: 2, height: 1 });
    expect(channel0(out)).toEqual([36, 219]);
  });

  it('resizes columns the same way as rows', () => {
    const out = resizeBilinearRGB(grey([0, 255]), { width: 1, height: 2 }, { width: 1, height: 4 });
    expect(channel0(out)).toEqual([0, 64, 191, 255]);
  });

  it('keeps the three channels apart', () => {
    const out = resizeBilinearRGB(
      Uint8Array.from([255, 0, 10, 255, 0, 10]),
      { width: 2, height: 1 },
      { width: 5, height: 3 },
    );
    for (let i = 0; i < out.length; i += 3) expect([out[i], out[i + 1], out[i + 2]]).toEqual([255, 0, 10]);
  });

  it('returns a copy for the same size', () => {
    const src = grey([1, 2, 3, 4]);
    const out = resizeBilinearRGB(src, { width: 2, height: 2 }, { width: 2, height: 2 });
    expect(out).toEqual(src);
    expect(out).not.toBe(src);
  });

  it('keeps a flat image flat at any size, up or down', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 0, max: 255 }),
        (w, h, tw, th, v) => {
          const out = resizeBilinearRGB(
            new Uint8Array(w * h * 3).fill(v),
            { width: w, height: h },
            { width: tw, height: th },
          );
          expect(out.length).toBe(tw * th * 3);
          expect(out.every((x) => x === v)).toBe(true);
        },
      ),
    );
  });

  it('refuses a buffer of the wrong length and an empty target', () => {
    expect(() =>
      resizeBilinearRGB(new Uint8Array(5), { width: 2, height: 1 }, { width: 4, height: 1 }),
    ).toThrow(RangeError);
    expect(() =>
      resizeBilinearRGB(new Uint8Array(6), { width: 2, height: 1 }, { width: 0, height: 1 }),
    ).toThrow(RangeError);
  });
});
