/**
 * What-if variants, NOT the engine: figures that show how much of the preprocessing budget is
 * fixed by the JPEG decoder and how much a different normalise loop would save.
 */
import sharp from 'sharp';
import { MEAN, STD } from '../src/main/inference/normalise';

const SCALE = MEAN.map((_, c) => 1 / 255 / STD[c]);
const OFFSET = MEAN.map((m, c) => -m / STD[c]);

/** toNormalisedCHW as v·a + b instead of a table read; same float32 results for all 256 values. */
export function normaliseMulAdd(rgb: Uint8Array, width: number, height: number): Float32Array {
  const plane = width * height;
  const out = new Float32Array(plane * 3);
  const [a0, a1, a2] = SCALE;
  const [b0, b1, b2] = OFFSET;
  for (let i = 0, j = 0, p2 = 2 * plane; i < plane; i++, j += 3) {
    out[i] = rgb[j] * a0 + b0;
    out[plane + i] = rgb[j + 1] * a1 + b1;
    out[p2 + i] = rgb[j + 2] * a2 + b2;
  }
  return out;
}

/** Decode to 1/8 size: libjpeg's smallest DCT scaling, so what is left is mostly entropy decoding. */
export async function decodeFloor(file: string): Promise<void> {
  const { width = 0, height = 0 } = await sharp(file).metadata();
  await sharp(file)
    .resize(Math.ceil(width / 8), Math.ceil(height / 8), { fit: 'fill' })
    .raw()
    .toBuffer();
}
