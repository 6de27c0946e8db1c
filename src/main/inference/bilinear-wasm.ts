/**
 * The two passes of Pillow's bilinear resize (resample.ts) as WebAssembly SIMD kernels, 4–7× faster
 * than the same arithmetic in JavaScript. The module is small enough to write out here, instruction
 * by instruction, with no toolchain: each kernel is listed first in the text format (WAT) it encodes.
 *
 * Both kernels do Pillow's integer arithmetic: 8-bit samples times 22-bit fixed-point weights summed
 * in 32-bit lanes from 2^21 (the rounding), then shifted right by 22. The two saturating narrowings
 * (32 → 16 bits signed, 16 → 8 bits unsigned) are Pillow's clip8: below 0 gives 0, past 255 gives 255.
 */

// ---- the binary format: LEB128 numbers, vectors, names, sections ----

const uleb = (value: number): number[] => {
  const out: number[] = [];
  let n = value >>> 0;
  do {
    const byte = n & 0x7f;
    n >>>= 7;
    out.push(n ? byte | 0x80 : byte);
  } while (n);
  return out;
};

const sleb = (value: number): number[] => {
  const out: number[] = [];
  let n = value | 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) return [...out, byte];
    out.push(byte | 0x80);
  }
};

const vec = (items: readonly (readonly number[])[]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, bytes: readonly number[]): number[] => [id, ...uleb(bytes.length), ...bytes];

const I32 = 0x7f;
const V128 = 0x7b;

// ---- the instructions the kernels use ----

type Code = readonly number[];
const get = (local: number): Code => [0x20, ...uleb(local)];
const set = (local: number): Code => [0x21, ...uleb(local)];
const tee = (local: number): Code => [0x22, ...uleb(local)];
const i32 = (value: number): Code => [0x41, ...sleb(value)];
const add: Code = [0x6a];
const mul: Code = [0x6c];
const geU: Code = [0x4f];
const shl: Code = [0x74];
/** i32.load with the natural alignment (4 bytes). */
const load = (offset = 0): Code => [0x28, 2, ...uleb(offset)];
const block: Code = [0x02, 0x40];
const loop: Code = [0x03, 0x40];
const end: Code = [0x0b];
const br = (depth: number): Code => [0x0c, ...uleb(depth)];
const brIf = (depth: number): Code => [0x0d, ...uleb(depth)];
const simd = (opcode: number, ...immediates: number[]): Code => [0xfd, ...uleb(opcode), ...immediates];
/** v128.load8x8_u: 8 bytes, each widened to a 16-bit lane. */
const load8x8u = (offset = 0): Code => simd(0x02, 3, ...uleb(offset));
const store128: Code = simd(0x0b, 4, 0);
/** v128.store32_lane 0: the low 4 bytes. */
const storeLow32: Code = simd(0x5a, 2, 0, 0);
const splat32: Code = simd(0x11);
const narrow32to16s: Code = simd(0x85);
const narrow16to8u: Code = simd(0x66);
const extendLow16to32u: Code = simd(0xa9);
const extendHigh16to32u: Code = simd(0xaa);
const shrS32: Code = simd(0xac);
const add32: Code = simd(0xae);
const mul32: Code = simd(0xb5);

const code = (...parts: Code[]): number[] => parts.flat();
/** local += (the value `by` pushes) */
const increment = (local: number, by: Code): Code => code(get(local), by, add, set(local));
/** `while (a < b) { body }` */
const whileBelow = (a: Code, b: Code, body: Code): Code =>
  code(block, loop, a, b, geU, brIf(1), body, br(0), end, end);

const PRECISION_BITS = 22;
const ROUNDING = 1 << (PRECISION_BITS - 1);

/**
 * (func $horizontal (param $src $srcStride $rows $dst $dstStride $outWidth $taps $weights $weightBytes i32)
 *   for each of $rows rows, for each output pixel x (3 bytes):
 *     p = row + taps[x].firstByte; acc = (2^21, 2^21, 2^21, 2^21)
 *     for each of taps[x].count weights w: acc += widen(v128.load8x8_u(p)).low4 * w; p += 3
 *     store the low 4 bytes of clip8(acc >> 22) at the pixel (the 4th byte is the next pixel's first,
 *     written over next, or slack)
 * $taps holds (first byte, count) per output pixel; $weights $weightBytes apart per output pixel.
 * It reads up to 5 bytes past the last source pixel of a row and writes 1 past the last output one.
 */
const H = {
  src: 0,
  srcStride: 1,
  rows: 2,
  dst: 3,
  dstStride: 4,
  outWidth: 5,
  taps: 6,
  weights: 7,
  weightBytes: 8,
};
const HL = { y: 9, x: 10, row: 11, d: 12, p: 13, w: 14, wEnd: 15, t: 16, wx: 17, acc: 18 };
const horizontal = code(
  i32(0),
  set(HL.y),
  whileBelow(
    get(HL.y),
    get(H.rows),
    code(
      code(get(H.src), get(HL.y), get(H.srcStride), mul, add, set(HL.row)),
      code(get(H.dst), get(HL.y), get(H.dstStride), mul, add, set(HL.d)),
      code(get(H.taps), set(HL.t), get(H.weights), set(HL.wx), i32(0), set(HL.x)),
      whileBelow(
        get(HL.x),
        get(H.outWidth),
        code(
          code(get(HL.row), get(HL.t), load(0), add, set(HL.p)),
          code(get(HL.wx), tee(HL.w), get(HL.t), load(4), i32(2), shl, add, set(HL.wEnd)),
          code(i32(ROUNDING), splat32, set(HL.acc)),
          whileBelow(
            get(HL.w),
            get(HL.wEnd),
            code(
              code(get(HL.acc), get(HL.p), load8x8u(), extendLow16to32u),
              code(get(HL.w), load(), splat32, mul32, add32, set(HL.acc)),
              increment(HL.p, i32(3)),
              increment(HL.w, i32(4)),
            ),
          ),
          code(get(HL.d), get(HL.acc), i32(PRECISION_BITS), shrS32, tee(HL.acc), get(HL.acc), narrow32to16s),
          code(get(HL.acc), get(HL.acc), narrow32to16s, narrow16to8u, storeLow32),
          increment(HL.d, i32(3)),
          increment(HL.t, i32(8)),
          increment(HL.wx, get(H.weightBytes)),
          increment(HL.x, i32(1)),
        ),
      ),
      increment(HL.y, i32(1)),
    ),
  ),
);

/**
 * (func $vertical (param $src $srcStride $count $weights $dst $length i32)
 *   for each 16 bytes i of $length (a multiple of 16):
 *     acc0..3 = 2^21 in each lane; p = src + i
 *     for each of $count weights w: the 16 bytes at p, widened to four i32x4, times w, into acc0..3;
 *       p += $srcStride
 *     store the 16 bytes clip8(acc0..3 >> 22) at dst + i
 */
const V = { src: 0, srcStride: 1, count: 2, weights: 3, dst: 4, length: 5 };
const VL = { i: 6, p: 7, w: 8, wEnd: 9, a0: 10, a1: 11, a2: 12, a3: 13, v: 14, wk: 15 };
const accumulate = (acc: number, widen: Code): Code =>
  code(get(acc), get(VL.v), widen, get(VL.wk), mul32, add32, set(acc));
const clipped = (acc: number): Code => code(get(acc), i32(PRECISION_BITS), shrS32);
const vertical = code(
  code(get(V.weights), get(V.count), i32(2), shl, add, set(VL.wEnd)),
  i32(0),
  set(VL.i),
  whileBelow(
    get(VL.i),
    get(V.length),
    code(
      code(i32(ROUNDING), splat32, tee(VL.a0), tee(VL.a1), tee(VL.a2), set(VL.a3)),
      code(get(V.src), get(VL.i), add, set(VL.p), get(V.weights), set(VL.w)),
      whileBelow(
        get(VL.w),
        get(VL.wEnd),
        code(
          code(get(VL.w), load(), splat32, set(VL.wk)),
          code(get(VL.p), load8x8u(0), set(VL.v)),
          accumulate(VL.a0, extendLow16to32u),
          accumulate(VL.a1, extendHigh16to32u),
          code(get(VL.p), load8x8u(8), set(VL.v)),
          accumulate(VL.a2, extendLow16to32u),
          accumulate(VL.a3, extendHigh16to32u),
          increment(VL.p, get(V.srcStride)),
          increment(VL.w, i32(4)),
        ),
      ),
      code(get(V.dst), get(VL.i), add),
      code(clipped(VL.a0), clipped(VL.a1), narrow32to16s, clipped(VL.a2), clipped(VL.a3), narrow32to16s),
      code(narrow16to8u, store128),
      increment(VL.i, i32(16)),
    ),
  ),
);

const functionType = (params: number): Code => [
  0x60,
  ...vec(Array.from({ length: params }, () => [I32])),
  0x00,
];
const body = (locals: readonly (readonly [number, number])[], instructions: Code): Code => {
  const bytes = [...vec(locals.map(([count, type]) => [...uleb(count), type])), ...instructions, ...end];
  return [...uleb(bytes.length), ...bytes];
};

const MODULE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
  ...section(1, vec([functionType(9), functionType(6)])),
  ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]])), // memory, min 1 page
  ...section(3, vec([[0], [1]])),
  ...section(
    7,
    vec([
      [...name('horizontal'), 0x00, 0],
      [...name('vertical'), 0x00, 1],
    ]),
  ),
  ...section(
    10,
    vec([
      body(
        [
          [9, I32],
          [1, V128],
        ],
        horizontal,
      ),
      body(
        [
          [4, I32],
          [6, V128],
        ],
        vertical,
      ),
    ]),
  ),
]);

let compiled: WebAssembly.Module | null = null;

export interface BilinearKernels {
  readonly memory: WebAssembly.Memory;
  /** Byte offsets into `memory` throughout. */
  readonly horizontal: (
    src: number,
    srcStride: number,
    rows: number,
    dst: number,
    dstStride: number,
    outWidth: number,
    taps: number,
    weights: number,
    weightBytes: number,
  ) => void;
  readonly vertical: (
    src: number,
    srcStride: number,
    count: number,
    weights: number,
    dst: number,
    length: number,
  ) => void;
}

/** The kernels on a memory of their own, `bytes` long at first (grow it with `memory.grow`). */
export function bilinearKernels(bytes: number): BilinearKernels {
  compiled ??= new WebAssembly.Module(MODULE);
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports;
  return {
    memory,
    horizontal: exports.horizontal as BilinearKernels['horizontal'],
    vertical: exports.vertical as BilinearKernels['vertical'],
  };
}
