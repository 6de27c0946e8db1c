import type { ImageSize } from '../../shared/geometry';

/**
 * Bilinear resampling of 8-bit interleaved RGB, computed the way Pillow's `Image.resize(…, BILINEAR)`
 * computes it: separable, horizontal pass first, a triangle filter whose support widens with the
 * shrink factor (so shrinking is antialiased), sample centres at (x + 0.5)·scale, and weights in
 * 22-bit fixed point with an 8-bit intermediate image. transformers' image processor and the
 * original Grounding DINO repository both resize through Pillow (transformers' torchvision backend
 * uses torch's uint8 antialiased bilinear, a port of the same code), so this reproduces their
 * pixels to the level. libvips' own bilinear enlargement samples half a pixel off from this.
 */

const PRECISION_BITS = 32 - 8 - 2;
const ROUNDING = 1 << (PRECISION_BITS - 1);
const CLIP_HIGH = 255 << PRECISION_BITS;

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

const clip8 = (acc: number): number => (acc >= CLIP_HIGH ? 255 : acc <= 0 ? 0 : acc >> PRECISION_BITS);

/** Resamples rows [rowFrom, rowFrom + rows) of `src` horizontally to `outWidth`. */
function horizontal(
  src: Uint8Array,
  width: number,
  rowFrom: number,
  rows: number,
  outWidth: number,
  taps: AxisTaps,
): Uint8Array {
  const out = new Uint8Array(outWidth * rows * 3);
  const { first, count, weights, stride } = taps;
  for (let y = 0; y < rows; y++) {
    const rowStart = (y + rowFrom) * width * 3;
    const outRow = y * outWidth * 3;
    for (let x = 0; x < outWidth; x++) {
      const n = count[x];
      const w0 = x * stride;
      let p = rowStart + first[x] * 3;
      let r = ROUNDING;
      let g = ROUNDING;
      let b = ROUNDING;
      for (let k = 0; k < n; k++, p += 3) {
        const w = weights[w0 + k];
        r += src[p] * w;
        g += src[p + 1] * w;
        b += src[p + 2] * w;
      }
      const o = outRow + x * 3;
      out[o] = clip8(r);
      out[o + 1] = clip8(g);
      out[o + 2] = clip8(b);
    }
  }
  return out;
}

/** Resamples `src` (whose first row is source row `rowFrom`) vertically to `outHeight`. */
function vertical(
  src: Uint8Array,
  width: number,
  rowFrom: number,
  outHeight: number,
  taps: AxisTaps,
): Uint8Array {
  const rowLength = width * 3;
  const out = new Uint8Array(rowLength * outHeight);
  const { first, count, weights, stride } = taps;
  for (let y = 0; y < outHeight; y++) {
    const n = count[y];
    const w0 = y * stride;
    const top = (first[y] - rowFrom) * rowLength;
    const outRow = y * rowLength;
    for (let i = 0; i < rowLength; i++) {
      let acc = ROUNDING;
      for (let k = 0, p = top + i; k < n; k++, p += rowLength) acc += src[p] * weights[w0 + k];
      out[outRow + i] = clip8(acc);
    }
  }
  return out;
}

/** Resizes interleaved 8-bit RGB from `from` to `to` with Pillow's bilinear filter; same size gives a copy. */
export function resizeBilinearRGB(rgb: Uint8Array, from: ImageSize, to: ImageSize): Uint8Array {
  if (rgb.length !== from.width * from.height * 3) {
    throw new RangeError(`expected ${from.width * from.height * 3} RGB bytes, got ${rgb.length}`);
  }
  if (to.width < 1 || to.height < 1) throw new RangeError(`cannot resize to ${to.width}×${to.height}`);
  const needH = to.width !== from.width;
  const needV = to.height !== from.height;
  if (!needH && !needV) return rgb.slice();
  const vTaps = needV ? axisTaps(from.height, to.height) : null;
  let rows = rgb;
  let rowFrom = 0;
  if (needH) {
    // Only the source rows the vertical pass reads are resampled horizontally.
    const firstRow = vTaps ? vTaps.first[0] : 0;
    const lastRow = vTaps ? vTaps.first[to.height - 1] + vTaps.count[to.height - 1] : from.height;
    rows = horizontal(
      rgb,
      from.width,
      firstRow,
      lastRow - firstRow,
      to.width,
      axisTaps(from.width, to.width),
    );
    rowFrom = firstRow;
  }
  return vTaps ? vertical(rows, to.width, rowFrom, to.height, vTaps) : rows;
}
