import type { ImageSize } from '../../shared/geometry';
import { bilinearKernels, type BilinearKernels } from './bilinear-wasm';

/**
 * Bilinear resampling of 8-bit interleaved RGB, computed the way Pillow's `Image.resize(…, BILINEAR)`
 * computes it: separable, horizontal pass first, a triangle filter whose support widens with the
 * shrink factor (so shrinking is antialiased), sample centres at (x + 0.5)·scale, and weights in
 * 22-bit fixed point with an 8-bit intermediate image. transformers' image processor and the
 * original Grounding DINO repository both resize through Pillow (transformers' torchvision backend
 * uses torch's uint8 antialiased bilinear, a port of the same code), so this reproduces their
 * pixels to the level. libvips' own bilinear enlargement samples half a pixel off from this; its
 * shrinking rounds weights and positions coarser (up to 2 levels) and holds the edge pixel where
 * Pillow shortens the window (up to 9 levels on the first and last rows and columns).
 *
 * The weights are computed here; the passes run as WebAssembly SIMD kernels (bilinear-wasm.ts) on
 * a memory of their own: the source is copied in a band of rows at a time, so what the memory holds
 * is the horizontal pass's output (the model's width × the source rows read) and the result. Both
 * passes always run: Pillow skips one whose size does not change, and the pass it skips is the
 * identity here (weights 2^22 and 0), so the pixels are the same.
 */

const PRECISION_BITS = 32 - 8 - 2;

/** The source pixels each output pixel reads along one axis, with their fixed-point weights. */
interface AxisTaps {
  /** First source index per output index. */
  readonly first: Int32Array;
  /** Number of source samples per output index (at most `stride`). */
  readonly count: Int32Array;
  /** `stride` weights per output index. */
  readonly weights: Int32Array;
  readonly stride: number;
}

const triangle = (x: number): number => {
  const a = x < 0 ? -x : x;
  return a < 1 ? 1 - a : 0;
};

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc for the bilinear filter (support 1). */
function axisTaps(inSize: number, outSize: number): AxisTaps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  const stride = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * stride);
  const raw = new Float64Array(stride);
  const inverse = 1 / filterScale;
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    // Truncation toward zero, as C's (int) cast does: both are ≥ −0.5 here.
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const n = Math.min(Math.trunc(center + support + 0.5), inSize) - lo;
    let sum = 0;
    for (let k = 0; k < n; k++) {
      raw[k] = triangle((k + lo - center + 0.5) * inverse);
      sum += raw[k];
    }
    for (let k = 0; k < n; k++) {
      const w = sum !== 0 ? raw[k] / sum : raw[k];
      weights[o * stride + k] = Math.trunc(
        w < 0 ? w * (1 << PRECISION_BITS) - 0.5 : w * (1 << PRECISION_BITS) + 0.5,
      );
    }
    first[o] = lo;
    count[o] = n;
  }
  return { first, count, weights, stride };
}

/** Source bytes copied into the kernels' memory at a time: a band of rows that stays in cache. */
const BAND_BYTES = 256 << 10;
/** A memory that grew past this for one image is not kept for the next. */
const KEEP_BYTES = 64 << 20;
/** Rows of the kernels' images are 16-byte aligned, so the vertical kernel works in whole vectors. */
const align16 = (n: number): number => (n + 15) & ~15;

let kept: BilinearKernels | null = null;

/** Kernels whose memory holds `bytes`: the kept ones, grown if need be, or a one-off for a huge image. */
function kernelsFor(bytes: number): BilinearKernels {
  if (bytes > KEEP_BYTES) return bilinearKernels(bytes);
  kept ??= bilinearKernels(bytes);
  const missing = bytes - kept.memory.buffer.byteLength;
  if (missing > 0) kept.memory.grow(Math.ceil(missing / 65536));
  return kept;
}

/** Resizes interleaved 8-bit RGB from `from` to `to` with Pillow's bilinear filter; same size gives a copy. */
export function resizeBilinearRGB(rgb: Uint8Array, from: ImageSize, to: ImageSize): Uint8Array {
  if (rgb.length !== from.width * from.height * 3) {
    throw new RangeError(`expected ${from.width * from.height * 3} RGB bytes, got ${rgb.length}`);
  }
  if (to.width < 1 || to.height < 1) throw new RangeError(`cannot resize to ${to.width}×${to.height}`);
  if (to.width === from.width && to.height === from.height) return rgb.slice();
  const h = axisTaps(from.width, to.width);
  const v = axisTaps(from.height, to.height);
  // Only the source rows the vertical pass reads are resampled horizontally.
  const rowFrom = v.first[0];
  const rows = v.first[to.height - 1] + v.count[to.height - 1] - rowFrom;
  const inRow = from.width * 3;
  const outRow = to.width * 3;
  const stride = align16(outRow);
  const bandRows = Math.max(1, Math.floor(BAND_BYTES / inRow));

  // The layout, with 16 bytes of slack after each part for the kernels' reads and writes past the end.
  let top = 0;
  const place = (bytes: number) => {
    const at = top;
    top = align16(at + bytes + 16);
    return at;
  };
  const hTaps = place(to.width * 8);
  const hWeights = place(h.weights.length * 4);
  const vWeights = place(v.weights.length * 4);
  const band = place(bandRows * inRow);
  const mid = place(rows * stride);
  const out = place(to.height * stride);
  const kernels = kernelsFor(top);
  const bytes = new Uint8Array(kernels.memory.buffer);
  const ints = new Int32Array(kernels.memory.buffer);

  for (let x = 0; x < to.width; x++) {
    ints[hTaps / 4 + 2 * x] = h.first[x] * 3;
    ints[hTaps / 4 + 2 * x + 1] = h.count[x];
  }
  ints.set(h.weights, hWeights / 4);
  ints.set(v.weights, vWeights / 4);
  for (let y = 0; y < rows; y += bandRows) {
    const n = Math.min(bandRows, rows - y);
    bytes.set(rgb.subarray((rowFrom + y) * inRow, (rowFrom + y + n) * inRow), band);
    kernels.horizontal(band, inRow, n, mid + y * stride, stride, to.width, hTaps, hWeights, h.stride * 4);
  }
  for (let y = 0; y < to.height; y++) {
    const source = mid + (v.first[y] - rowFrom) * stride;
    kernels.vertical(source, stride, v.count[y], vWeights + y * v.stride * 4, out + y * stride, stride);
  }
  if (stride === outRow) return bytes.slice(out, out + to.height * outRow);
  const result = new Uint8Array(to.height * outRow);
  for (let y = 0; y < to.height; y++)
    result.set(bytes.subarray(out + y * stride, out + y * stride + outRow), y * outRow);
  return result;
}
