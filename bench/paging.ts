/**
 * npm run bench:paging — does memory stay flat while a person pages through a large folder?
 *
 * A folder of IMAGES (default 10,000) JPEGs in nested folders, each with BOXES (default 20) boxes in
 * the project, opened in browser mode (the real renderer and handlers) in Debian's Chromium. The
 * first image is selected, then D (next image) is pressed PAGES times (default 1,000), each time
 * waiting until the next image is decoded and drawn with its boxes. After WARMUP (default 100) pages
 * and at every CHECKPOINT pages after it, with a full garbage collection first, it reads:
 *  - the page's JS heap (CDP Runtime.getHeapUsage) and DOM node count (Performance.getMetrics);
 *  - the resident set of Chromium's renderer processes (from /proc; Linux only, else skipped);
 *  - the resident set of the backend (this process: the handlers run here, as under `npm run serve`).
 * Growth is the last checkpoint against the first, and also against the first checkpoint of the
 * second half, which tells a cache that fills and stops (Chromium keeps the images it was sent for
 * a while) from a leak, which goes on growing. Ends with one `name: value` line per figure.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { CDPSession } from 'playwright-core';
import { startApp } from '../e2e/fixtures/app-server';
import { LabelPage, launchChromium } from '../e2e/fixtures/label-page';
import { ProjectStore } from '../src/main/dataset/project-store';
import type { ImageDoc, ProjectMeta } from '../src/shared/project';
import { drawScene } from '../test/fixtures/images';
import { PALETTE } from '../test/fixtures/palette';

const IMAGES = Number(process.env.IMAGES ?? 10_000);
const BOXES = Number(process.env.BOXES ?? 20);
const PAGES = Number(process.env.PAGES ?? 1_000);
const WARMUP = Number(process.env.WARMUP ?? 100);
const CHECKPOINT = Number(process.env.CHECKPOINT ?? 300);
/** Distinct pictures; the other files are copies of them under their own names. */
const DISTINCT = 200;
const SIZE = { width: 1280, height: 960 };

const log = (line: string) => process.stderr.write(`${line}\n`);
const mb = (bytes: number) => bytes / 2 ** 20;
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;

const relPathOf = (i: number) => `shoot-${i % 10}/roll-${i % 100}/img-${String(i).padStart(5, '0')}.jpg`;

async function makeDataset(root: string): Promise<void> {
  const pictures: Buffer[] = [];
  for (let k = 0; k < DISTINCT; k++) {
    const x1 = 40 + ((k * 97) % 900);
    const y1 = 30 + ((k * 53) % 600);
    pictures.push(
      await drawScene({
        ...SIZE,
        format: 'jpeg',
        rects: [{ colour: PALETTE[k % PALETTE.length].name, x1, y1, x2: x1 + 300, y2: y1 + 250 }],
      }),
    );
  }
  const classes = Array.from({ length: 8 }, (_, i) => ({
    id: `c${i}`,
    name: `class ${i}`,
    color: '#3366cc',
  }));
  const meta: ProjectMeta = { classes, phraseClasses: {}, promptHistory: [] };
  const store = await ProjectStore.open(root, { debounceMs: 60_000 });
  await store.putMeta(meta);
  for (let i = 0; i < IMAGES; i++) {
    const relPath = relPathOf(i);
    await mkdir(path.join(root, path.dirname(relPath)), { recursive: true });
    await writeFile(path.join(root, relPath), pictures[i % DISTINCT]);
    const boxes = Array.from({ length: BOXES }, (_, b) => {
      const x1 = 10 + ((b * 61 + i) % 1100);
      const y1 = 10 + ((b * 47 + i) % 800);
      return {
        id: `b${b}`,
        classId: classes[b % classes.length].id,
        x1,
        y1,
        x2: x1 + 60 + (b % 5) * 20,
        y2: y1 + 50 + (b % 3) * 30,
        origin: { kind: 'manual' as const },
      };
    });
    const doc: ImageDoc = { relPath, ...SIZE, reviewed: true, boxes };
    await store.putImage(doc);
  }
  await store.close();
}

/** Resident set of Chromium's renderer processes, in bytes; null where /proc is not there. */
async function rendererRss(cdp: CDPSession): Promise<number | null> {
  if (process.platform !== 'linux') return null;
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
    processInfo: { type: string; id: number }[];
  };
  let total = 0;
  for (const p of processInfo.filter((q) => q.type === 'renderer')) {
    const status = await readFile(`/proc/${p.id}/status`, 'utf8').catch(() => '');
    const kb = /^VmRSS:\s+(\d+)/m.exec(status)?.[1];
    if (kb) total += Number(kb) * 1024;
  }
  return total;
}

interface Sample {
  readonly pages: number;
  readonly heap: number;
  readonly nodes: number;
  readonly rendererRss: number | null;
  readonly backendRss: number;
}

async function sample(pages: number, page: CDPSession, browser: CDPSession): Promise<Sample> {
  await page.send('HeapProfiler.collectGarbage');
  collect();
  const { usedSize } = (await page.send('Runtime.getHeapUsage')) as { usedSize: number };
  const { metrics } = (await page.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  const nodes = metrics.find((m) => m.name === 'Nodes')?.value ?? 0;
  return {
    pages,
    heap: usedSize,
    nodes,
    rendererRss: await rendererRss(browser),
    backendRss: process.memoryUsage().rss,
  };
}

const describe = (s: Sample) =>
  `after ${String(s.pages).padStart(5)} pages: page heap ${mb(s.heap).toFixed(1)} MB, ${s.nodes} DOM nodes, ` +
  `renderer RSS ${s.rendererRss === null ? 'n/a' : `${mb(s.rendererRss).toFixed(0)} MB`}, backend RSS ${mb(s.backendRss).toFixed(0)} MB`;

const root = await mkdtemp(path.join(os.tmpdir(), 'gl-bench-paging-'));
try {
  log(
    `writing ${IMAGES} images (${DISTINCT} distinct ${SIZE.width}×${SIZE.height} JPEGs) with ${BOXES} boxes each…`,
  );
  await makeDataset(root);
  const app = await startApp({ dataset: async () => root });
  const browser = await launchChromium();
  try {
    const lp = await LabelPage.open(browser, app.server.url);
    const page = await lp.page.context().newCDPSession(lp.page);
    const browserCdp = await browser.newBrowserCDPSession();
    await page.send('Performance.enable');
    await lp.imageList.getByRole('option').first().waitFor();
    let last = (await lp.imageNames())[0];
    await lp.selectImage(last);
    const samples: Sample[] = [];
    const t0 = performance.now();
    let pagingMs = 0;
    for (let n = 1; n <= PAGES; n++) {
      const started = performance.now();
      await lp.page.keyboard.press('d');
      // Polled often: the time per page is one of the figures.
      const h = await lp.waitForHookState(
        (view, previous) => view.imageReady && !!view.doc && view.doc.relPath !== previous,
        last,
        15_000,
        5,
      );
      last = h.doc!.relPath;
      pagingMs += performance.now() - started;
      if (n === WARMUP || (n > WARMUP && (n - WARMUP) % CHECKPOINT === 0) || n === PAGES) {
        samples.push(await sample(n, page, browserCdp));
        log(describe(samples.at(-1)!));
      }
    }
    const wall = (performance.now() - t0) / 1000;
    const [first, final] = [samples[0], samples.at(-1)!];
    const middle = samples.find((x) => x.pages >= (WARMUP + PAGES) / 2) ?? first;
    const rssGrowth = (from: Sample) =>
      from.rendererRss === null || final.rendererRss === null
        ? 'n/a'
        : mb(final.rendererRss - from.rendererRss).toFixed(1);
    const lines: [string, string | number][] = [
      ['images', IMAGES],
      ['boxes_per_image', BOXES],
      ['pages', PAGES],
      ['ms_per_page', (pagingMs / PAGES).toFixed(1)],
      ['paging_seconds', wall.toFixed(1)],
      ['page_heap_mb_first', mb(first.heap).toFixed(1)],
      ['page_heap_mb_last', mb(final.heap).toFixed(1)],
      ['page_heap_growth_mb', mb(final.heap - first.heap).toFixed(1)],
      ['page_heap_growth_mb_second_half', mb(final.heap - middle.heap).toFixed(1)],
      ['dom_nodes_growth', final.nodes - first.nodes],
      ['renderer_rss_growth_mb', rssGrowth(first)],
      ['renderer_rss_growth_mb_second_half', rssGrowth(middle)],
      ['backend_rss_growth_mb', mb(final.backendRss - first.backendRss).toFixed(1)],
      ['backend_rss_growth_mb_second_half', mb(final.backendRss - middle.backendRss).toFixed(1)],
      ['load_average', os.loadavg()[0].toFixed(2)],
    ];
    process.stdout.write(`${lines.map(([k, v]) => `${k}: ${v}`).join('\n')}\n`);
    await lp.close();
  } finally {
    await browser.close();
    await app.stop();
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
