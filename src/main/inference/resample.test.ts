import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resizeBilinearRGB } from './resample';

/**
 * Pillow's ImagingResample for the bilinear filter, transcribed loop for loop (precompute_coeffs,
 * normalize_coeffs_8bpc, horizontal then vertical pass through an 8-bit image): the oracle for the
 * reordered loops of resample.ts.
 */
function pillowBilinear(src: Uint8Array, w: number, h: number, tw: number, th: number): Uint8Array {
  const coeffs = (inSize: number, outSize: number) => {
    const scale = inSize / outSize;
    const support = Math.max(scale, 1);
    return Array.from({ length: outSize }, (_, o) => {
      const center = (o + 0.5) * scale;
      const lo = Math.max(Math.trunc(center - support + 0.5), 0);
      const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
      const raw = Array.from({ length: hi - lo }, (_, k) =>
        Math.max(0, 1 - Math.abs((k + lo - center + 0.5) / support)),
      );
      const sum = raw.reduce((a, b) => a + b, 0);
      return { lo, weights: raw.map((v) => Math.trunc((sum ? v / sum : v) * 2 ** 22 + 0.5)) };
    });
  };
  const clip8 = (v: number) => (v >= 255 * 2 ** 22 ? 255 : v <= 0 ? 0 : Math.floor(v / 2 ** 22));
  const mid = new Uint8Array(tw * h * 3);
  const cx = coeffs(w, tw);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < tw; x++)
      for (let c = 0; c < 3; c++) {
        const { lo, weights } = cx[x];
        const acc = weights.reduce((a, wk, k) => a + src[(y * w + lo + k) * 3 + c] * wk, 2 ** 21);
        mid[(y * tw + x) * 3 + c] = tw === w ? src[(y * w + x) * 3 + c] : clip8(acc);
      }
  const out = new Uint8Array(tw * th * 3);
  const cy = coeffs(h, th);
  for (let y = 0; y < th; y++)
    for (let i = 0; i < tw * 3; i++) {
      const { lo, weights } = cy[y];
      const acc = weights.reduce((a, wk, k) => a + mid[(lo + k) * tw * 3 + i] * wk, 2 ** 21);
      out[y * tw * 3 + i] = th === h ? mid[y * tw * 3 + i] : clip8(acc);
    }
  return out;
}

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

  it("gives Pillow's pixels for any sizes up or down, image after image", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer(),
        (w, h, tw, th, seed) => {
          let s = seed >>> 0;
          const src = Uint8Array.from(
            { length: w * h * 3 },
            () => (s = (s * 1664525 + 1013904223) >>> 0) >>> 24,
          );
          const out = resizeBilinearRGB(src, { width: w, height: h }, { width: tw, height: th });
          expect(out).toEqual(pillowBilinear(src, w, h, tw, th));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("gives Pillow's pixels for rows wide enough to be copied in a few at a time", () => {
    const [w, h, tw, th] = [30001, 9, 97, 4];
    const src = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 2654435761) >>> 24);
    const out = resizeBilinearRGB(src, { width: w, height: h }, { width: tw, height: th });
    expect(out).toEqual(pillowBilinear(src, w, h, tw, th));
  });

  it('resizes an image too large for the memory it keeps between images, row for row as small ones', () => {
    // 6000 rows at 3000 pixels: the horizontal pass's output and the result take over 100 MB.
    const w = 2;
    const h = 6000;
    const src = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 2654435761) >>> 24);
    const out = resizeBilinearRGB(src, { width: w, height: h }, { width: 3000, height: h });
    for (let y = 0; y < h; y += 97) {
      const row = resizeBilinearRGB(
        src.subarray(y * w * 3, (y + 1) * w * 3),
        { width: w, height: 1 },
        { width: 3000, height: 1 },
      );
      expect(out.subarray(y * 9000, (y + 1) * 9000)).toEqual(row);
    }
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
