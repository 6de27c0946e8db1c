/** ImageNet statistics used by every Grounding DINO export. */
export const MEAN = [0.485, 0.456, 0.406] as const;
export const STD = [0.229, 0.224, 0.225] as const;

/** Per-channel lookup tables: 8-bit value → (v/255 − mean)/std, so normalising is one read per sample. */
const LUTS: readonly Float32Array[] = MEAN.map((mean, c) => {
  const lut = new Float32Array(256);
  for (let v = 0; v < 256; v++) lut[v] = (v / 255 - mean) / STD[c];
  return lut;
});

export const normaliseValue = (value: number, channel: 0 | 1 | 2): number => LUTS[channel][value];

/** Interleaved 8-bit RGB (HWC) → normalised float32 planes (CHW). */
export function toNormalisedCHW(rgb: Uint8Array, width: number, height: number): Float32Array {
  const plane = width * height;
  if (rgb.length !== plane * 3) throw new RangeError(`expected ${plane * 3} RGB bytes, got ${rgb.length}`);
  const out = new Float32Array(plane * 3);
  const [r, g, b] = LUTS;
  for (let i = 0, j = 0; i < plane; i++, j += 3) {
    out[i] = r[rgb[j]];
    out[plane + i] = g[rgb[j + 1]];
    out[2 * plane + i] = b[rgb[j + 2]];
  }
  return out;
}
