import { describe, expect, it } from 'vitest';
import { parseModelBenchArgs } from '../../bench/overhead/args';
import { padFeeds } from '../../bench/overhead/feeds-file';

describe('bench --model arguments', () => {
  it('defaults to 3 images × 2 turns on the CPU, GroundLabel against both bare loops', () => {
    expect(parseModelBenchArgs(['--model', 'm'])).toMatchObject({
      model: 'm',
      device: 'cpu',
      count: 3,
      repeats: 2,
      size: { width: 1600, height: 1200 },
      variants: ['groundlabel', 'bare', 'bare-ort-defaults'],
    });
  });

  it('refuses an unknown variant, naming it and the known ones', () => {
    expect(() => parseModelBenchArgs(['--model', 'm', '--variants', 'groundlabel,bare-fast'])).toThrow(
      /unknown --variants bare-fast; known: groundlabel,/,
    );
  });

  it('refuses a line-up without a GroundLabel side, which builds the feeds', () => {
    expect(() => parseModelBenchArgs(['--model', 'm', '--variants', 'bare'])).toThrow(/groundlabel/);
  });
});

describe('padFeeds', () => {
  it('puts the image in the top-left corner of the padded size, with pixel_mask 0 outside it', () => {
    // One 2×3 image (three planes), padded to 3×4.
    const pixels = Float32Array.from({ length: 18 }, (_, i) => i + 1);
    const [values, mask, ids] = padFeeds(
      [
        { name: 'pixel_values', type: 'float32', data: pixels, dims: [1, 3, 2, 3] },
        { name: 'pixel_mask', type: 'int64', data: new BigInt64Array(6).fill(1n), dims: [1, 2, 3] },
        { name: 'input_ids', type: 'int64', data: BigInt64Array.of(101n, 102n), dims: [1, 2] },
      ],
      { height: 3, width: 4 },
    );
    expect(values.dims).toEqual([1, 3, 3, 4]);
    expect([...values.data.subarray(0, 12)]).toEqual([1, 2, 3, 0, 4, 5, 6, 0, 0, 0, 0, 0]);
    expect([...values.data.subarray(24, 36)]).toEqual([13, 14, 15, 0, 16, 17, 18, 0, 0, 0, 0, 0]);
    expect(mask.dims).toEqual([1, 3, 4]);
    expect([...mask.data].map(Number)).toEqual([1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(ids.dims).toEqual([1, 2]);
  });
});
