import sharp from 'sharp';
import { loadModelPixels } from '../src/main/inference/image';
import { toNormalisedCHW } from '../src/main/inference/normalise';
import { originalRepoSize } from '../src/main/inference/resize';
import { medianMs } from './stats';
sharp.cache(false);
for (const conc of [1, 2]) {
  sharp.concurrency(conc);
  for (const f of ['/tmp/b12.jpg', '/tmp/b640.png']) {
    const load = await medianMs(9, 2, () => loadModelPixels(f, originalRepoSize));
    const dec = await medianMs(9, 2, () => sharp(f).raw().toBuffer());
    const plain = await medianMs(9, 2, () => sharp(f).resize(1066, 800, { fit: 'fill', kernel: 'linear' }).raw().toBuffer());
    const plainL3 = await medianMs(9, 2, () => sharp(f).resize(1066, 800, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer());
    const full = await medianMs(9, 2, () => sharp(f, {autoOrient: true, failOn: 'warning'}).resize(1066, 800, { fit: 'fill', kernel: 'linear' }).flatten({background: '#ffffff'}).toColourspace('srgb').raw().toBuffer());
    console.log(conc, f, 'load', load.toFixed(2), 'decodeOnly', dec.toFixed(2), 'resizeOnly', plain.toFixed(2), 'lanczos', plainL3.toFixed(2), 'full', full.toFixed(2));
  }
}
const px = await loadModelPixels('/tmp/b12.jpg', originalRepoSize);
const { rgb } = px; const W = px.size.width, H = px.size.height;
const norm = await medianMs(21, 5, () => toNormalisedCHW(rgb, W, H));
const M = [0.485, 0.456, 0.406], S = [0.229, 0.224, 0.225];
const A = M.map((_, c) => 1 / 255 / S[c]), B = M.map((m, c) => -m / S[c]);
function perPlane(rgb: Uint8Array, w: number, h: number): Float32Array {
  const plane = w * h; const out = new Float32Array(plane * 3);
  for (let c = 0; c < 3; c++) {
    const a = A[c], b = B[c]; const o = out.subarray(c * plane, (c + 1) * plane);
    for (let i = 0, j = c; i < plane; i++, j += 3) o[i] = rgb[j] * a + b;
  }
  return out;
}
const pp = await medianMs(21, 5, () => perPlane(rgb, W, H));
function fma(rgb: Uint8Array, w: number, h: number): Float32Array {
  const plane = w * h; const out = new Float32Array(plane * 3);
  const [a0, a1, a2] = A; const [b0, b1, b2] = B; const p2 = 2 * plane;
  for (let i = 0, j = 0; i < plane; i++, j += 3) { out[i] = rgb[j] * a0 + b0; out[plane + i] = rgb[j + 1] * a1 + b1; out[p2 + i] = rgb[j + 2] * a2 + b2; }
  return out;
}
const ff = await medianMs(21, 5, () => fma(rgb, W, H));
const alloc = await medianMs(21, 5, () => new Float32Array(W * H * 3));
console.log('normalise LUT', norm.toFixed(2), 'perPlane', pp.toFixed(2), 'fma', ff.toFixed(2), 'alloc', alloc.toFixed(2));
