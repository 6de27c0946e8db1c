/** ImageNet statistics used by every Grounding DINO export. */
export const MEAN = [0.485, 0.456, 0.406] as const;
export const STD = [0.229, 0.224, 0.225] as const;

/** (v/255 − mean)/std as v·scale + bias: one multiply-add per sample, the same float32 for all 256 values. */
const SCALE = STD.map((s) => 1 / (255 * s));
const BIAS = MEAN.map((m, c) => -m / STD[c]);

export const normaliseValue = (value: number, channel: 0 | 1 | 2): number =>
  Math.fround(value * SCALE[channel] + BIAS[channel]);

/**
 * Interleaved 8-bit RGB (HWC) → normalised float32 planes (CHW). `out` may be a buffer of the right
 * length to reuse: a fresh 10 MB array per image costs about as much as the arithmetic.
 */
export function toNormalisedCHW(
  rgb: Uint8Array,
  width: number,
  height: number,
  out?: Float32Array,
): Float32Array {
  const plane = width * height;
  if (rgb.length !== plane * 3) throw new RangeError(`expected ${plane * 3} RGB bytes, got ${rgb.length}`);
  const target = out && out.length === plane * 3 ? out : new Float32Array(plane * 3);
  const [sr, sg, sb] = SCALE;
  const [br, bg, bb] = BIAS;
  for (let i = 0, j = 0; i < plane; i++, j += 3) {
    target[i] = rgb[j] * sr + br;
    target[plane + i] = rgb[j + 1] * sg + bg;
    target[2 * plane + i] = rgb[j + 2] * sb + bb;
  }
  return target;
}
