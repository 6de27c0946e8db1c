/**
 * npm run bench:scale — a 10,000-image dataset (nested folders, 100,000 boxes): time to open it
 * (listing, no decoding, plus the project store), and to export it to COCO and to YOLO.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import type { ImageDoc, ProjectMeta } from '../src/shared/project';
import { DatasetService } from '../src/main/dataset/dataset-service';
import { ProjectStore } from '../src/main/dataset/project-store';
import { planExport, runExport } from '../src/main/services/export-service';

const IMAGES = 10_000;
const BOXES = 10;
const CLASSES = 20;
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

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

  const rss0 = process.memoryUsage().rss;
  let t = performance.now();
  const dataset = await DatasetService.open(root);
  const openS = (performance.now() - t) / 1000;
  const snapshot = dataset.snapshot();
  console.log(
    `open: ${snapshot.images.length} images, ${openS.toFixed(2)} s, rss +${mb(process.memoryUsage().rss - rss0)} MB`,
  );

  const request = { format: 'coco' as const, valFraction: 0.1, seed: 'bench' };
  const times: Record<string, number> = {};
  for (const format of ['coco', 'yolo'] as const) {
    t = performance.now();
    const plan = planExport(dataset.relPaths, (r) => dataset.store.get(r), dataset.store.getMeta(), {
      ...request,
      format,
    });
    const { outDir } = await runExport(root, format, plan);
    times[format] = (performance.now() - t) / 1000;
    console.log(
      `export ${format}: ${plan.summary.boxesPerClass.reduce((n, c) => n + c.boxes, 0)} boxes in ${times[format].toFixed(2)} s → ${path.relative(root, outDir)}, rss ${mb(process.memoryUsage().rss)} MB`,
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
  console.log(`rss_mb_after: ${mb(process.memoryUsage().rss)}`);
} finally {
  await rm(root, { recursive: true, force: true });
}
