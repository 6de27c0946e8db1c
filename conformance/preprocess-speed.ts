/**
 * Preprocessing cost, side by side: GroundLabel's loadModelPixels (libvips decode, Pillow-exact
 * bilinear resize) against libvips' own resize in the decoding pipeline (the earlier path, up to 59
 * levels off), on the conformance images, interleaved, with transformers' target sizes.
 *
 *   npx tsx conformance/preprocess-speed.ts [--repeats 7] [--cache DIR]
 *
 * Prints per image the median time of each path and the spread (min–max) over the repeats. Only
 * images need Python (make_images.py, once).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { loadModelPixels } from '../src/main/inference/image';
import { TRANSFORMERS_DEFAULT_RULE, targetSize } from '../src/main/inference/resize';
import { IMAGE_CASES } from './cases';
import { DEFAULT_CACHE, makeImages } from './harness';

const rule = (o: { width: number; height: number }) => targetSize(TRANSFORMERS_DEFAULT_RULE, o);

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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function main() {
  const { values } = parseArgs({
    options: { repeats: { type: 'string', default: '7' }, cache: { type: 'string', default: DEFAULT_CACHE } },
  });
  const repeats = Number(values.repeats);
  const files = await makeImages(path.join(values.cache, 'images'), IMAGE_CASES);
  console.log('image           size        GroundLabel ms (min–max)   libvips resize ms (min–max)   ratio');
  let sumNew = 0;
  let sumOld = 0;
  for (const c of IMAGE_CASES) {
    const file = files.get(c.id)!;
    await loadModelPixels(file, rule); // warm both paths and the file cache
    await libvipsResize(file);
    const mine: number[] = [];
    const before: number[] = [];
    for (let i = 0; i < repeats; i++) {
      mine.push(await time(() => loadModelPixels(file, rule)));
      before.push(await time(() => libvipsResize(file)));
    }
    const m = median(mine);
    const b = median(before);
    sumNew += m;
    sumOld += b;
    const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
    console.log(
      `${c.id.padEnd(15)} ${c.file.split('_')[1].split('.')[0].padEnd(11)} ${m.toFixed(1).padStart(6)} (${range(mine)})`.padEnd(
        56,
      ) +
        `${b.toFixed(1).padStart(6)} (${range(before)})`.padEnd(30) +
        `${(m / b).toFixed(2)}`,
    );
  }
  console.log(
    `all images: ${sumNew.toFixed(0)} ms against ${sumOld.toFixed(0)} ms (${(sumNew / sumOld).toFixed(2)}×)`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
