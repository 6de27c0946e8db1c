/**
 * npm run bench:thumbs — how fast the image list's thumbnails fill in: COUNT (default 1,000)
 * photo-like 1600×1200 JPEGs in nested folders, thumbnailed through the queue at concurrency 1 and
 * 2 with an empty cache, then served again from the cache; then the background pass an opened
 * dataset gets (sizes from headers, then thumbnails one at a time) with its time and RSS growth
 * (`background_fill_s`, `background_fill_rss_mb`). Ends with `thumbs_per_s: <value>` for the default
 * concurrency.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { fillDataset } from '../src/main/dataset/background-fill';
import { DatasetService } from '../src/main/dataset/dataset-service';
import { ThumbnailService } from '../src/main/dataset/thumbnails';

const COUNT = Number(process.env.COUNT ?? 1000);
const WIDTH = 1600;
const HEIGHT = 1200;
/** Distinct source images; the rest are copies (each still gets its own thumbnail). */
const SOURCES = 8;
const DEFAULT_CONCURRENCY = 2;

/** A gradient with per-pixel noise, so JPEG decoding costs what a photo's does. */
async function photoLike(seed: number): Promise<Buffer> {
  const raw = Buffer.alloc(WIDTH * HEIGHT * 3);
  let state = 0x9e3779b9 ^ (seed + 1);
  const noise = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) % 37) - 18;
  };
  for (let y = 0, i = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++, i += 3) {
      raw[i] = Math.max(0, Math.min(255, 60 + (150 * x) / WIDTH + seed * 9 + noise()));
      raw[i + 1] = Math.max(0, Math.min(255, 40 + (170 * y) / HEIGHT + noise()));
      raw[i + 2] = Math.max(0, Math.min(255, 200 - (120 * x * y) / (WIDTH * HEIGHT) + noise()));
    }
  }
  return sharp(raw, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

async function makeDataset(root: string): Promise<void> {
  const sources: string[] = [];
  for (let s = 0; s < SOURCES; s++) {
    const file = path.join(root, `.source-${s}.jpg`);
    await writeFile(file, await photoLike(s));
    sources.push(file);
  }
  for (let i = 0; i < COUNT; i++) {
    const dir = path.join(root, `set-${i % 10}`, `part-${i % 3}`);
    await mkdir(dir, { recursive: true });
    await copyFile(sources[i % SOURCES], path.join(dir, `img-${String(i).padStart(5, '0')}.jpg`));
  }
  await Promise.all(sources.map((f) => rm(f)));
}

async function run(dataset: DatasetService, ids: readonly string[], concurrency: number, cacheDir: string) {
  let encoded = 0;
  const service = new ThumbnailService({
    cacheDir,
    resolve: (id) => dataset.fileOf(id),
    concurrency,
    onEncode: () => encoded++,
  });
  const rss0 = process.memoryUsage().rss;
  let rssPeak = rss0;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  await Promise.all(ids.map((id) => service.get(id, { priority: 'prefetch' })));
  const coldS = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const t1 = performance.now();
  for (const id of ids) await service.get(id);
  const warmS = (performance.now() - t1) / 1000;
  if (encoded !== ids.length) throw new Error(`encoded ${encoded} of ${ids.length}`);
  return {
    coldPerS: ids.length / coldS,
    warmPerS: ids.length / warmS,
    rssGrowthMb: (rssPeak - rss0) / 2 ** 20,
  };
}

/** The pass an opened dataset gets, into the dataset's own (empty) thumbnail cache. */
async function backgroundFill(dataset: DatasetService) {
  let sized = 0;
  let failed = 0;
  const rss0 = process.memoryUsage().rss;
  let rssPeak = rss0;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  const fill = fillDataset(dataset, {
    startDelayMs: 0,
    onMeta: (entries) => {
      for (const e of entries) if ('error' in e) failed++;
      sized += entries.length;
    },
  });
  await fill.done;
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  return { sized, failed, seconds, rssGrowthMb: (rssPeak - rss0) / 2 ** 20 };
}

async function main(): Promise<void> {
  const base = await mkdtemp(path.join(os.tmpdir(), 'gl-bench-thumbs-'));
  try {
    const root = path.join(base, 'dataset');
    await mkdir(root);
    const tMake = performance.now();
    await makeDataset(root);
    console.log(
      `made ${COUNT} ${WIDTH}×${HEIGHT} JPEGs in ${((performance.now() - tMake) / 1000).toFixed(1)} s`,
    );
    const tOpen = performance.now();
    const dataset = await DatasetService.open(root);
    const ids = dataset.relPaths.map((r) => dataset.idFor(r));
    console.log(`opened (listed ${ids.length} images) in ${(performance.now() - tOpen).toFixed(0)} ms`);
    console.log(`cores: ${os.availableParallelism()}, libvips threads: ${sharp.concurrency()}`);
    let result = 0;
    for (const concurrency of [1, 2]) {
      const r = await run(dataset, ids, concurrency, path.join(base, `thumbs-${concurrency}`));
      console.log(
        `concurrency ${concurrency}: ${r.coldPerS.toFixed(1)} thumbs/s encoding, ` +
          `${r.warmPerS.toFixed(0)} thumbs/s from the cache, peak RSS growth ${r.rssGrowthMb.toFixed(0)} MB`,
      );
      if (concurrency === DEFAULT_CONCURRENCY) result = r.coldPerS;
    }
    const fill = await backgroundFill(dataset);
    console.log(`background fill: ${fill.sized} sizes, ${fill.failed} failures`);
    console.log(`background_fill_s: ${fill.seconds.toFixed(1)}`);
    console.log(`background_fill_rss_mb: ${fill.rssGrowthMb.toFixed(0)}`);
    await dataset.close();
    console.log(`thumbs_per_s: ${result.toFixed(1)}`);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

await main();
