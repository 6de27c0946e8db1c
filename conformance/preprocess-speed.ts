/**
 * Preprocessing cost and exactness, side by side on the conformance images with transformers' target
 * sizes: GroundLabel's loadModelPixels (libvips decode at full size, Pillow-exact bilinear resize),
 * libvips' own resize in the decoding pipeline (the earlier path), and Pillow itself (what
 * transformers' Pillow backend runs), each from the file to 8-bit RGB pixels at the model's size.
 * Then the normalisation to the float CHW tensor on both sides, and the level difference of each
 * path's pixels from Pillow's.
 *
 *   npx tsx conformance/preprocess-speed.ts [--repeats 9] [--cache DIR]
 *
 * Prints per image the median time of each path and the spread (min–max) over the repeats. The two
 * GroundLabel-side paths are interleaved; Pillow runs after them, in Python (Pillow and numpy only).
 * libvips' operation cache is off: a batch never decodes the same file twice.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { ImageSize } from '../src/shared/geometry';
import { loadModelPixels } from '../src/main/inference/image';
import { toNormalisedCHW } from '../src/main/inference/normalise';
import { TRANSFORMERS_DEFAULT_RULE, targetSize } from '../src/main/inference/resize';
import { IMAGE_CASES } from './cases';
import { DEFAULT_CACHE, makeImages } from './harness';
import { PYTHON, runScript } from './python';

const rule = (o: ImageSize) => targetSize(TRANSFORMERS_DEFAULT_RULE, o);

async function libvipsResize(file: string): Promise<Uint8Array> {
  const image = sharp(file, { autoOrient: true, failOn: 'warning' });
  const size = rule((await image.metadata()).autoOrient);
  const data = await image
    .resize(size.width, size.height, { fit: 'fill', kernel: 'linear' })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw()
    .toBuffer();
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

const spread = (xs: readonly number[]): Spread => ({
  median: [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)],
  min: Math.min(...xs),
  max: Math.max(...xs),
});

const show = (s: Spread | undefined) =>
  s ? `${s.median.toFixed(1)} (${s.min.toFixed(0)}–${s.max.toFixed(0)})` : 'unavailable';

async function time(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Largest and mean absolute difference, in 0–255 levels. */
function levels(a: Uint8Array, b: Uint8Array): { max: number; mean: number } {
  if (a.length !== b.length) throw new RangeError(`${a.length} and ${b.length} bytes cannot be compared`);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] > b[i] ? a[i] - b[i] : b[i] - a[i];
    sum += d;
    if (d > max) max = d;
  }
  return { max, mean: sum / a.length };
}

const showLevels = (l: { max: number; mean: number } | undefined) =>
  l ? `${l.max}, ${l.mean.toFixed(3)}` : '–';

interface PillowResult {
  readonly pillow: string;
  readonly numpy: string;
  readonly images: Record<string, { pixels: Spread; tensor: Spread; file: string }>;
}

async function runPillow(
  images: readonly { id: string; file: string; size: ImageSize }[],
  repeats: number,
  dir: string,
): Promise<PillowResult | string> {
  const specFile = path.join(dir, 'spec.json');
  const resultFile = path.join(dir, 'result.json');
  await writeFile(
    specFile,
    JSON.stringify({
      repeats,
      outDir: dir,
      images: images.map((i) => ({ id: i.id, file: i.file, width: i.size.width, height: i.size.height })),
    }),
  );
  try {
    await runScript('pillow_preprocess.py', [specFile, resultFile]);
  } catch (e) {
    return (e as Error).message.split('\n').slice(-1)[0];
  }
  return JSON.parse(await readFile(resultFile, 'utf8')) as PillowResult;
}

async function main() {
  const { values } = parseArgs({
    options: { repeats: { type: 'string', default: '9' }, cache: { type: 'string', default: DEFAULT_CACHE } },
  });
  const repeats = Number(values.repeats);
  sharp.cache(false);
  const files = await makeImages(path.join(values.cache, 'images'), IMAGE_CASES);
  console.log(
    `${os.cpus().length} CPU(s), load average (1 min) ${os.loadavg()[0].toFixed(2)} at start; ` +
      `sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}, ${sharp.concurrency()} thread(s)); median of ${repeats}`,
  );

  const rows = [];
  for (const c of IMAGE_CASES) {
    const file = files.get(c.id)!;
    const px = await loadModelPixels(file, rule); // also warms both paths and the file cache
    const vips = await libvipsResize(file);
    const mine: number[] = [];
    const before: number[] = [];
    for (let i = 0; i < repeats; i++) {
      mine.push(await time(() => loadModelPixels(file, rule)));
      before.push(await time(() => libvipsResize(file)));
    }
    // The Detector normalises into a buffer it reuses from image to image.
    const tensor = new Float32Array(px.rgb.length);
    const norm: number[] = [];
    for (let i = 0; i < repeats + 1; i++)
      norm.push(await time(() => toNormalisedCHW(px.rgb, px.size.width, px.size.height, tensor)));
    rows.push({ c, file, px, vips, mine: spread(mine), before: spread(before), norm: spread(norm.slice(1)) });
  }

  const dir = await mkdtemp(path.join(os.tmpdir(), 'gl-preprocess-'));
  try {
    const pillow = await runPillow(
      rows.map((r) => ({ id: r.c.id, file: r.file, size: r.px.size })),
      repeats,
      dir,
    );
    const ref = typeof pillow === 'string' ? null : pillow;
    if (!ref) console.log(`Pillow reference unavailable (${PYTHON}): ${pillow}`);
    else console.log(`Pillow ${ref.pillow}, numpy ${ref.numpy} (${PYTHON})`);
    console.log(
      '\nms from the file to 8-bit RGB at the model size, median (min–max); levels from Pillow: max, mean\n',
    );
    const header = [
      'image'.padEnd(14),
      'original → model'.padEnd(21),
      'GroundLabel'.padEnd(17),
      'libvips resize'.padEnd(17),
      'Pillow'.padEnd(17),
      'GL/Pillow',
      '  levels: GroundLabel',
      ' libvips',
    ];
    console.log(header.join(' '));
    const total = { mine: 0, before: 0, pillow: 0, mineTensor: 0, pillowTensor: 0 };
    for (const r of rows) {
      const theirs = ref?.images[r.c.id];
      const pillowRgb = theirs ? new Uint8Array(await readFile(theirs.file)) : null;
      total.mine += r.mine.median;
      total.before += r.before.median;
      total.mineTensor += r.mine.median + r.norm.median;
      if (theirs) {
        total.pillow += theirs.pixels.median;
        total.pillowTensor += theirs.tensor.median;
      }
      const { width: w, height: h } = r.px.original;
      console.log(
        [
          r.c.id.padEnd(14),
          `${w}×${h} → ${r.px.size.width}×${r.px.size.height}`.padEnd(21),
          show(r.mine).padEnd(17),
          show(r.before).padEnd(17),
          show(theirs?.pixels).padEnd(17),
          (theirs ? (r.mine.median / theirs.pixels.median).toFixed(2) : '–').padStart(9),
          showLevels(pillowRgb ? levels(r.px.rgb, pillowRgb) : undefined).padStart(21),
          showLevels(pillowRgb ? levels(r.vips, pillowRgb) : undefined).padStart(8),
        ].join(' '),
      );
    }
    console.log(
      `\nall images: GroundLabel ${total.mine.toFixed(0)} ms, libvips resize ${total.before.toFixed(0)} ms` +
        (ref
          ? `, Pillow ${total.pillow.toFixed(0)} ms; GroundLabel/Pillow ${(total.mine / total.pillow).toFixed(2)}`
          : '') +
        `, GroundLabel/libvips ${(total.mine / total.before).toFixed(2)}`,
    );
    if (ref) {
      console.log(
        `to the float CHW tensor (+ normalisation), all images: GroundLabel ${total.mineTensor.toFixed(0)} ms ` +
          `(toNormalisedCHW into a reused buffer), Pillow + numpy ${total.pillowTensor.toFixed(0)} ms; ` +
          `GroundLabel/Pillow ${(total.mineTensor / total.pillowTensor).toFixed(2)}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
