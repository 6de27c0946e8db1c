import type { ImageSize } from '../../shared/geometry';

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
 * The arithmetic is Pillow's; only the order of the loops differs, for speed: the horizontal pass
 * does two rows at a time and spells out the two- and three-tap windows of enlarging and mild
 * shrinking; the vertical pass sweeps whole rows, four source rows per sweep. Every sum is the same
 * integer, so the pixels are the same.
 */

const PRECISION_BITS = 32 - 8 - 2;
const ROUNDING = 1 << (PRECISION_BITS - 1);
// Weights are ≥ 0 and sum to about 2^22, so every sum stays below 2^31. Pillow's clip8 (0 below
// zero, 255 from 255 << PRECISION_BITS up) is `sum >> PRECISION_BITS` stored into a
// Uint8ClampedArray: the store clamps, without a branch in the loop. Math.imul keeps the products
// in 32-bit integers, where `*` may go through doubles (7 % of the horizontal pass).

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

/**
 * Resamples source rows [rowFrom, rowFrom + rows) of `src` horizontally to `outWidth` into `out`.
 * Rows go in pairs: the pair shares each window's weights and position, which halves their loads.
 */
function horizontal(
  src: Uint8Array,
  width: number,
  rowFrom: number,
  rows: number,
  outWidth: number,
  taps: AxisTaps,
  out: Uint8ClampedArray,
): void {
  const { first, count, weights, stride } = taps;
  const inRow = width * 3;
  const outRow = outWidth * 3;
  for (let y = 0; y < rows; y += 2) {
    // An odd last row is paired with itself and written twice over.
    const next = y + 1 < rows ? inRow : 0;
    const o2 = next === 0 ? 0 : outRow;
    const rowStart = (y + rowFrom) * inRow;
    let o = y * outRow;
    for (let x = 0; x < outWidth; x++, o += 3) {
      const n = count[x];
      let w = x * stride;
      let p = rowStart + first[x] * 3;
      let q = p + next;
      let r: number, g: number, b: number, r2: number, g2: number, b2: number;
      if (n === 2) {
        const wa = weights[w];
        const wb = weights[w + 1];
        r = ROUNDING + Math.imul(src[p], wa) + Math.imul(src[p + 3], wb);
        g = ROUNDING + Math.imul(src[p + 1], wa) + Math.imul(src[p + 4], wb);
        b = ROUNDING + Math.imul(src[p + 2], wa) + Math.imul(src[p + 5], wb);
        r2 = ROUNDING + Math.imul(src[q], wa) + Math.imul(src[q + 3], wb);
        g2 = ROUNDING + Math.imul(src[q + 1], wa) + Math.imul(src[q + 4], wb);
        b2 = ROUNDING + Math.imul(src[q + 2], wa) + Math.imul(src[q + 5], wb);
      } else if (n === 3) {
        const wa = weights[w];
        const wb = weights[w + 1];
        const wc = weights[w + 2];
        r = ROUNDING + Math.imul(src[p], wa) + Math.imul(src[p + 3], wb) + Math.imul(src[p + 6], wc);
        g = ROUNDING + Math.imul(src[p + 1], wa) + Math.imul(src[p + 4], wb) + Math.imul(src[p + 7], wc);
        b = ROUNDING + Math.imul(src[p + 2], wa) + Math.imul(src[p + 5], wb) + Math.imul(src[p + 8], wc);
        r2 = ROUNDING + Math.imul(src[q], wa) + Math.imul(src[q + 3], wb) + Math.imul(src[q + 6], wc);
        g2 = ROUNDING + Math.imul(src[q + 1], wa) + Math.imul(src[q + 4], wb) + Math.imul(src[q + 7], wc);
        b2 = ROUNDING + Math.imul(src[q + 2], wa) + Math.imul(src[q + 5], wb) + Math.imul(src[q + 8], wc);
      } else {
        r = g = b = r2 = g2 = b2 = ROUNDING;
        for (const end = w + n; w < end; w++, p += 3, q += 3) {
          const wk = weights[w];
          r += Math.imul(src[p], wk);
          g += Math.imul(src[p + 1], wk);
          b += Math.imul(src[p + 2], wk);
          r2 += Math.imul(src[q], wk);
          g2 += Math.imul(src[q + 1], wk);
          b2 += Math.imul(src[q + 2], wk);
        }
      }
      out[o] = r >> PRECISION_BITS;
      out[o + 1] = g >> PRECISION_BITS;
      out[o + 2] = b >> PRECISION_BITS;
      out[o + o2] = r2 >> PRECISION_BITS;
      out[o + o2 + 1] = g2 >> PRECISION_BITS;
      out[o + o2 + 2] = b2 >> PRECISION_BITS;
    }
  }
}

/**
 * Resamples `src` (whose first row is source row `rowFrom`) vertically to `outHeight` into `out`.
 * Each output row is a weighted sum of whole source rows: two or three taps (enlarging, mild
 * shrinking) in one sweep; more in sweeps of four summed in `acc`.
 */
function vertical(
  src: Uint8Array,
  width: number,
  rowFrom: number,
  outHeight: number,
  taps: AxisTaps,
  out: Uint8ClampedArray,
  acc: Int32Array,
): void {
  const rowLength = width * 3;
  const { first, count, weights, stride } = taps;
  for (let y = 0; y < outHeight; y++) {
    let n = count[y];
    let w = y * stride;
    let p = (first[y] - rowFrom) * rowLength;
    const o = y * rowLength;
    if (n === 2) {
      const wa = weights[w];
      const wb = weights[w + 1];
      const p1 = p + rowLength;
      for (let i = 0; i < rowLength; i++)
        out[o + i] = (ROUNDING + Math.imul(src[p + i], wa) + Math.imul(src[p1 + i], wb)) >> PRECISION_BITS;
      continue;
    }
    if (n === 3) {
      const wa = weights[w];
      const wb = weights[w + 1];
      const wc = weights[w + 2];
      const p1 = p + rowLength;
      const p2 = p1 + rowLength;
      for (let i = 0; i < rowLength; i++)
        out[o + i] =
          (ROUNDING + Math.imul(src[p + i], wa) + Math.imul(src[p1 + i], wb) + Math.imul(src[p2 + i], wc)) >>
          PRECISION_BITS;
      continue;
    }
    acc.fill(ROUNDING, 0, rowLength);
    for (; n > 4; n -= 4, w += 4, p += 4 * rowLength) {
      const wa = weights[w];
      const wb = weights[w + 1];
      const wc = weights[w + 2];
      const wd = weights[w + 3];
      const p1 = p + rowLength;
      const p2 = p1 + rowLength;
      const p3 = p2 + rowLength;
      for (let i = 0; i < rowLength; i++)
        acc[i] +=
          Math.imul(src[p + i], wa) +
          Math.imul(src[p1 + i], wb) +
          Math.imul(src[p2 + i], wc) +
          Math.imul(src[p3 + i], wd);
    }
    // The last one to four taps; a missing tap reads row p with weight 0.
    const wa = weights[w];
    const wb = n > 1 ? weights[w + 1] : 0;
    const wc = n > 2 ? weights[w + 2] : 0;
    const wd = n > 3 ? weights[w + 3] : 0;
    const p1 = n > 1 ? p + rowLength : p;
    const p2 = n > 2 ? p1 + rowLength : p;
    const p3 = n > 3 ? p2 + rowLength : p;
    for (let i = 0; i < rowLength; i++)
      out[o + i] =
        (acc[i] +
          Math.imul(src[p + i], wa) +
          Math.imul(src[p1 + i], wb) +
          Math.imul(src[p2 + i], wc) +
          Math.imul(src[p3 + i], wd)) >>
        PRECISION_BITS;
  }
}

/**
 * The horizontal pass's output and the vertical pass's sums, kept from one image to the next: a
 * batch resizes image after image to about the same size, and a fresh 10 MB array costs about as
 * much as a third of the pass that fills it. Larger ones are not kept.
 */
const KEEP_BYTES = 16 << 20;
let scratchRows: Uint8Array | null = null;
let scratchSums: Int32Array | null = null;

function rowsBuffer(length: number): Uint8Array {
  if (scratchRows && scratchRows.length >= length) return scratchRows.subarray(0, length);
  const buffer = new Uint8Array(length);
  if (length <= KEEP_BYTES) scratchRows = buffer;
  return buffer;
}

function sumsBuffer(length: number): Int32Array {
  if (scratchSums && scratchSums.length >= length) return scratchSums;
  const buffer = new Int32Array(length);
  if (length * 4 <= KEEP_BYTES) scratchSums = buffer;
  return buffer;
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
  const out = new Uint8Array(to.width * to.height * 3);
  const clamped = new Uint8ClampedArray(out.buffer);
  if (!needV) {
    horizontal(rgb, from.width, 0, from.height, to.width, axisTaps(from.width, to.width), clamped);
    return out;
  }
  const vTaps = axisTaps(from.height, to.height);
  let rows = rgb;
  let rowFrom = 0;
  if (needH) {
    // Only the source rows the vertical pass reads are resampled horizontally.
    rowFrom = vTaps.first[0];
    const rowTo = vTaps.first[to.height - 1] + vTaps.count[to.height - 1];
    rows = rowsBuffer((rowTo - rowFrom) * to.width * 3);
    const written = new Uint8ClampedArray(rows.buffer, rows.byteOffset, rows.length);
    horizontal(rgb, from.width, rowFrom, rowTo - rowFrom, to.width, axisTaps(from.width, to.width), written);
  }
  vertical(rows, to.width, rowFrom, to.height, vTaps, clamped, sumsBuffer(to.width * 3));
  return out;
}
