/**
 * npm run bench:scale — a 10,000-image dataset (nested folders, 100,000 boxes): time to open it
 * (listing, no decoding, plus the project store), and to export it to COCO and to YOLO, each with
 * the growth of the resident set over its value when the export started (sampled every 5 ms, so a
 * writer that held the whole export in memory would show).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import sharp from 'sharp';
import type { ImageDoc, ProjectMeta } from '../src/shared/project';
import { DatasetService } from '../src/main/dataset/dataset-service';
import { ProjectStore } from '../src/main/dataset/project-store';
import { planExport } from '../src/shared/export-plan';
import { runExport } from '../src/main/services/export-service';

const IMAGES = 10_000;
const BOXES = 10;
const CLASSES = 20;
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

/**
 * Writes dirty pages back before a timed step. Making the dataset leaves tens of megabytes of them,
 * and the kernel then throttles whoever writes next: without this the first export pays for the
 * writeback of the fixture (measured: 8 s instead of 1.5 s for the same YOLO export).
 */
function flushToDisk(): void {
  if (process.platform === 'win32') return;
  try {
    execFileSync('sync');
  } catch {
    // Best effort: the timings are then only noisier.
  }
}

/** A full collection before each export, so that one export's garbage does not hide the next's growth. */
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;

/** Runs `work` while sampling the resident set; returns the largest growth over its start value. */
async function peakRssGrowth<T>(work: () => Promise<T>): Promise<{ value: T; growth: number }> {
  const start = process.memoryUsage().rss;
  let peak = start;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const timer = setInterval(sample, 5);
  try {
    const value = await work();
    sample();
    return { value, growth: peak - start };
  } finally {
    clearInterval(timer);
  }
}

async function makeDataset(root: string): Promise<void> {
  // Opening never decodes, so every file can hold the same small PNG.
  const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();
  const meta: ProjectMeta = {
    classes: Array.from({ length: CLASSES }, (_, i) => ({
      id: `c${i}`,
      name: `class ${i}`,
      color: '#3366cc',
    })),
    phraseClasses: {},
    promptHistory: [],
  };
  const store = await ProjectStore.open(root, { debounceMs: 60_000 });
  await store.putMeta(meta);
  for (let i = 0; i < IMAGES; i++) {
    const relPath = `set-${i % 10}/part-${i % 100}/img-${String(i).padStart(5, '0')}.png`;
    await mkdir(path.join(root, path.dirname(relPath)), { recursive: true });
    await writeFile(path.join(root, relPath), png);
    const boxes = Array.from({ length: BOXES }, (_, b) => ({
      id: `b${b}`,
      classId: `c${(i + b) % CLASSES}`,
      x1: 10 + b * 50,
      y1: 20 + b * 30,
      x2: 50 + b * 50,
      y2: 60 + b * 30,
      origin: { kind: 'manual' as const },
    }));
    const doc: ImageDoc = { relPath, width: 640, height: 480, reviewed: true, boxes };
    await store.putImage(doc);
  }
  await store.close();
}

const root = await mkdtemp(path.join(os.tmpdir(), 'gl-bench-scale-'));
try {
  console.log(`writing ${IMAGES} images with ${IMAGES * BOXES} boxes…`);
  await makeDataset(root);

  flushToDisk();
  const rss0 = process.memoryUsage().rss;
  let t = performance.now();
  const dataset = await DatasetService.open(root);
  const openS = (performance.now() - t) / 1000;
  const snapshot = dataset.snapshot();
  console.log(
    `open: ${snapshot.images.length} images, ${openS.toFixed(2)} s, rss +${mb(process.memoryUsage().rss - rss0)} MB`,
  );

  const request = { valFraction: 0.1, seed: 'bench' };
  const times: Record<string, number> = {};
  let peakGrowth = 0;
  for (const format of ['coco', 'yolo'] as const) {
    collect();
    flushToDisk();
    t = performance.now();
    const { value, growth } = await peakRssGrowth(async () => {
      const plan = planExport(
        dataset.relPaths,
        (r) => dataset.store.get(r),
        dataset.store.getMeta().classes,
        request,
      );
      return { plan, ...(await runExport(root, format, plan)) };
    });
    times[format] = (performance.now() - t) / 1000;
    peakGrowth = Math.max(peakGrowth, growth);
    const boxes = value.plan.summary.boxesPerClass.reduce((n, c) => n + c.boxes, 0);
    console.log(
      `export ${format}: ${boxes} boxes in ${times[format].toFixed(2)} s → ${path.relative(root, value.outDir)}, peak rss +${mb(growth)} MB, rss ${mb(process.memoryUsage().rss)} MB`,
    );
  }
  await dataset.close();
  console.log(
    `goals: open < 3 s ${openS < 3 ? 'met' : 'NOT met'}; each export < 5 s ${times.coco < 5 && times.yolo < 5 ? 'met' : 'NOT met'}`,
  );
  console.log('');
  console.log(`open_10k_s: ${openS.toFixed(2)}`);
  console.log(`export_coco_100k_s: ${times.coco.toFixed(2)}`);
  console.log(`export_yolo_100k_s: ${times.yolo.toFixed(2)}`);
  console.log(`export_peak_rss_mb: ${mb(peakGrowth)}`);
  console.log(`rss_mb_after: ${mb(process.memoryUsage().rss)}`);
} finally {
  await rm(root, { recursive: true, force: true });
}
