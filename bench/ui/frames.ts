/**
 * `npm run bench:ui`: frame times of the labeling canvas with many boxes, in Debian's Chromium over
 * browser mode (the real renderer, the real handlers), headless with CHROMIUM_ARGS (--disable-gpu).
 *
 * For 2,000 and then 10,000 manual boxes on one 4000×3000 image it measures, in the page:
 *   - frame intervals: deltas of requestAnimationFrame timestamps (performance.now clock) over ~3 s of
 *     continuous input, sent through CDP at 60 events/s without waiting for each (as a mouse or trackpad
 *     does; Chromium coalesces input to one event per frame): Space+drag pan at the fitted view (every
 *     box on screen), wheel pan zoomed in ~4×, Ctrl+wheel zoom in and out;
 *   - where a frame's time goes: each Konva layer's draw (image, boxes, selection) is timed through the
 *     page's `window.Konva`, and, where a goal is missed, a CPU profile of the slowest phase is summarised;
 *   - select and drag one box at the fitted view: mousedown, then (once its frame is shown) two moves and
 *     the mouseup back to back; from the pointerdown to the end of the first frame after the pointerup
 *     landed the move in the document, split into select (pointerdown → frame) and drop (pointerup → frame).
 * Goals (p95 of all intervals): < 16.7 ms with 2,000 boxes, < 33 ms with 10,000, allowing 0.5 ms of vsync
 * timestamp jitter. Output ends with frame_p95_ms_N and select_drag_ms_N lines.
 *
 * Options: --quick (1 s phases, 3 drags), --no-profile, --sizes 2000,10000 (0 = the image alone),
 * --image 4000x3000, --input-hz 60, --what-if no-labels (an estimate: fillText and fillRect patched out),
 * --trace (a Chromium trace of the Space+drag pan: self time per event on the renderer's main thread and
 * the compositor, where "(program)" of the CPU profile goes).
 * Timings on a small shared machine are noisy: the header prints the load average seen at the start.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CDPSession } from 'playwright-core';
import { startApp, type AppUnderTest } from '../../e2e/fixtures/app-server';
import { LabelPage, launchChromium } from '../../e2e/fixtures/label-page';
import { appRoot } from '../../src/main/paths';
import { hitTest } from '../../src/renderer/src/editor/geometry';
import type { BoxRecord, ClassDef, ProjectMeta } from '../../src/shared/project';
import { saveEdit, viaHandlers } from '../../test/fixtures/edits';
import { drawScene } from '../../test/fixtures/images';
import {
  armDragTimer,
  drive,
  installRecorder,
  readDragTimer,
  type DragTiming,
  type FrameSample,
} from './page-probes';
import {
  f1,
  median,
  mergeProfiles,
  quantile,
  summariseProfile,
  summariseTrace,
  type CpuProfile,
  type ProfileSummary,
} from './profile';
import { p95Of, report, VSYNC_JITTER_MS, type SizeResult } from './report';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'no-profile': { type: 'boolean', default: false },
    sizes: { type: 'string', default: '2000,10000' },
    image: { type: 'string', default: '4000x3000' },
    'what-if': { type: 'string', default: '' },
    'input-hz': { type: 'string', default: '60' },
    trace: { type: 'boolean', default: false },
  },
});

const [imageW, imageH] = opts.image.split('x').map(Number);
const IMAGE = { width: imageW, height: imageH } as const;
const PHASE_MS = opts.quick ? 1000 : 3000;
const DRAG_TRIALS = opts.quick ? 3 : 7;
/** Input events per second sent while measuring. */
const INPUT_HZ = Number(opts['input-hz']);
const SIZES = opts.sizes.split(',').map(Number);
const GOALS: Record<number, number> = { 2000: 16.7, 10000: 33 };
const CLASS_COLORS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45'];

const relPathFor = (n: number) => `boxes-${String(n).padStart(5, '0')}.png`;
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- the dataset ------------------------------------------------------------------------------

/** Deterministic boxes (mulberry32), 20–160 px a side, spread over the whole image, 8 classes. */
function makeBoxes(n: number, classes: readonly ClassDef[], seed = 42): BoxRecord[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: n }, (_, i) => {
    const w = Math.round(20 + rand() * 140);
    const h = Math.round(20 + rand() * 140);
    const x1 = Math.round(rand() * (IMAGE.width - w));
    const y1 = Math.round(rand() * (IMAGE.height - h));
    return {
      id: `b${i}`,
      classId: classes[i % classes.length].id,
      x1,
      y1,
      x2: x1 + w,
      y2: y1 + h,
      origin: { kind: 'manual' as const },
    };
  });
}

async function writeImages(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  const { width: w, height: h } = IMAGE;
  const r = Math.round;
  const png = await drawScene({
    ...IMAGE,
    rects: [
      { colour: 'green', x1: 0, y1: r(h * 0.67), x2: w, y2: h },
      { colour: 'blue', x1: r(w * 0.08), y1: r(h * 0.1), x2: r(w * 0.38), y2: r(h * 0.4) },
      { colour: 'orange', x1: r(w * 0.55), y1: r(h * 0.2), x2: r(w * 0.9), y2: r(h * 0.6) },
    ],
  });
  for (const n of SIZES) await writeFile(path.join(folder, relPathFor(n)), png);
}

/** Stores the class list and each image's boxes through the same handlers the UI saves with. */
async function seed(app: AppUnderTest): Promise<void> {
  const classes: ClassDef[] = CLASS_COLORS.map((color, i) => ({
    id: `c${i}`,
    name: `class ${i + 1}`,
    color,
  }));
  const meta: ProjectMeta = { classes, phraseClasses: {}, promptHistory: [] };
  await app.services.handlers['project:save'](meta);
  const dataset = app.services.currentDataset()!;
  const images = viaHandlers(app.services.handlers, dataset.id);
  for (const n of SIZES) {
    await saveEdit(images, dataset.idFor(relPathFor(n)), { reviewed: true, boxes: makeBoxes(n, classes) });
  }
  await dataset.store.flush();
}

// ---- the run ----------------------------------------------------------------------------------

/** Whether out/renderer is missing or older than the sources it is built from. */
function rendererStale(): boolean {
  const index = path.join(appRoot(), 'out', 'renderer', 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
      const full = path.join(dir, e.name);
      return Math.max(
        m,
        e.isDirectory() ? newest(full) : e.name.includes('.test.') ? 0 : statSync(full).mtimeMs,
      );
    }, 0);
  return (
    Math.max(newest(path.join(appRoot(), 'src', 'renderer')), newest(path.join(appRoot(), 'src', 'shared'))) >
    built
  );
}

interface Phase {
  readonly name: string;
  readonly run: () => Promise<FrameSample>;
}

async function benchSize(ui: LabelPage, cdp: CDPSession, n: number): Promise<SizeResult> {
  const { page } = ui;
  const rel = relPathFor(n);
  await ui.option(rel).click();
  await ui.waitForHookState(
    (h, want) => h.imageReady && h.doc?.relPath === want.rel && h.doc.boxes.length === want.n,
    { n, rel },
    60_000,
  );
  await ui.canvas.focus();
  // Queued input can still be landing after a phase: wait until the view stops moving, then fit.
  const settle = async () => {
    for (let last = '', k = 0; k < 50; k++) {
      const v = JSON.stringify(await page.evaluate(() => window.__groundlabel?.view));
      if (v === last) return;
      last = v;
      await sleep(200);
    }
  };
  const fitView = async () => {
    await settle();
    await page.keyboard.press('Control+f');
    await settle();
  };
  await fitView();
  const fit = await ui.hook();
  const { canvas } = fit;
  const centre = { x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 2 };
  log(`  ${n} boxes: fitted at scale ${fit.view.scale.toFixed(3)}, ${fit.drawn} painted`);

  const phases: Phase[] = [
    {
      name: 'pan, Space+drag, whole image in view',
      run: async () => {
        await page.keyboard.down('Space');
        await cdp.send('Input.dispatchMouseEvent', {
          type: 'mousePressed',
          ...centre,
          button: 'left',
          buttons: 1,
          clickCount: 1,
        });
        const sample = await drive(page, cdp, PHASE_MS, INPUT_HZ, (i) => {
          const a = ((i % 50) / 50) * 2 * Math.PI;
          return {
            type: 'mouseMoved',
            x: centre.x + 150 * Math.sin(a),
            y: centre.y + 90 * Math.sin(2 * a),
            button: 'left',
            buttons: 1,
          };
        });
        await cdp.send('Input.dispatchMouseEvent', {
          type: 'mouseReleased',
          ...centre,
          button: 'left',
          buttons: 0,
          clickCount: 1,
        });
        await page.keyboard.up('Space');
        return sample;
      },
    },
    {
      name: 'pan, wheel, zoomed in ~4×',
      run: async () => {
        for (let k = 0; k < 6; k++) await page.keyboard.press('Control+Equal');
        return drive(page, cdp, PHASE_MS, INPUT_HZ, (i) => {
          const dir = Math.floor(i / 40) % 4;
          return {
            type: 'mouseWheel',
            ...centre,
            deltaX: [30, 0, -30, 0][dir],
            deltaY: [0, 30, 0, -30][dir],
          };
        });
      },
    },
    {
      name: 'zoom, Ctrl+wheel in and out',
      run: () =>
        drive(page, cdp, PHASE_MS, INPUT_HZ, (i) => ({
          type: 'mouseWheel',
          ...centre,
          deltaX: 0,
          deltaY: Math.floor(i / 40) % 2 === 0 ? -25 : 25,
          modifiers: 2, // Control
        })),
    },
  ];
  const measured: { name: string; sample: FrameSample }[] = [];
  for (const p of phases) {
    await fitView();
    const sample = await p.run();
    measured.push({ name: p.name, sample });
    log(
      `    ${p.name}: ${sample.intervals.length} frames, p95 ${f1(quantile(sample.intervals, 0.95))} ms, box layer draw p50 ${f1(median(sample.layerDraws[1]))} ms`,
    );
  }

  // Select and drag one box at the fitted view (every box painted): whichever box the canvas's own
  // hit test picks near the middle, so the click is known to land on it. The mousedown goes first and
  // its frame is awaited (the selection shows); then two moves and the mouseup go back to back.
  await fitView();
  const dx = 40;
  const profiles: ProfileSummary[] = [];
  const dragOnce = async (t: number, profile = false): Promise<DragTiming> => {
    const h = await ui.hook();
    const { view } = h;
    const sign = t % 2 === 0 ? 1 : -1;
    const at = {
      x: IMAGE.width / 2 + (sign < 0 ? dx / view.scale : 0) + 37 * (t % 7),
      y: IMAGE.height / 2 - 23 * (t % 7),
    };
    const target = hitTest(h.doc!.boxes, at, new Set(), 4 / view.scale);
    if (!target) throw new Error(`No box under image point ${at.x},${at.y}`);
    const from = { x: canvas.left + view.x + at.x * view.scale, y: canvas.top + view.y + at.y * view.scale };
    const to = { x: from.x + sign * dx, y: from.y };
    await cdp.send('Input.dispatchMouseEvent', { type: 'mouseMoved', ...from, button: 'none', buttons: 0 });
    await sleep(150);
    await armDragTimer(page);
    if (profile) await cdp.send('Profiler.start');
    await cdp.send('Input.dispatchMouseEvent', {
      type: 'mousePressed',
      ...from,
      button: 'left',
      buttons: 1,
      clickCount: 1,
    });
    await page.evaluate(
      () => (window as unknown as { __drag: { selected: Promise<number> } }).__drag.selected,
    );
    await Promise.all([
      cdp.send('Input.dispatchMouseEvent', {
        type: 'mouseMoved',
        x: from.x + (sign * dx) / 2,
        y: from.y,
        button: 'left',
        buttons: 1,
      }),
      cdp.send('Input.dispatchMouseEvent', { type: 'mouseMoved', ...to, button: 'left', buttons: 1 }),
      cdp.send('Input.dispatchMouseEvent', {
        type: 'mouseReleased',
        ...to,
        button: 'left',
        buttons: 0,
        clickCount: 1,
      }),
    ]);
    const timing = await readDragTimer(page);
    if (profile) {
      const { profile: p } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
      profiles.push(summariseProfile(p, ''));
    }
    const after = await ui.box(target.id);
    if (Math.abs(after.x1 - target.x1 - (sign * dx) / view.scale) > 1) {
      throw new Error(
        `The drag moved box ${target.id} from x1 ${target.x1} to ${after.x1}, not by ${(sign * dx) / view.scale}`,
      );
    }
    await page.keyboard.press('Escape');
    await sleep(150);
    return timing;
  };
  const drags: DragTiming[] = [];
  for (let t = 0; t < (n ? DRAG_TRIALS : 0); t++) drags.push(await dragOnce(t));
  if (n) log(`    select+drag: median ${f1(median(drags.map((d) => d.total)))} ms`);
  const result: SizeResult = { n, drawnAtFit: fit.drawn, phases: measured, drags };

  const goal = GOALS[n];
  if (!opts['no-profile'] && goal && !(p95Of(measured.map((m) => m.sample)) < goal + VSYNC_JITTER_MS)) {
    const worst = measured.reduce((a, b) =>
      quantile(b.sample.intervals, 0.95) > quantile(a.sample.intervals, 0.95) ? b : a,
    );
    await fitView();
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
    await cdp.send('Profiler.start');
    await phases.find((p) => p.name === worst.name)!.run();
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    await cdp.send('Profiler.disable');
    result.profile = summariseProfile(profile, worst.name);
  }
  if (opts.trace) {
    await fitView();
    const browser = page.context().browser()!;
    await browser.startTracing(page, {
      categories: [
        'toplevel',
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'blink',
        'cc',
        'viz',
      ],
    });
    await phases[0].run();
    result.trace = summariseTrace((await browser.stopTracing()).toString());
  }
  if (!opts['no-profile'] && n === Math.max(...SIZES) && n > 0) {
    await fitView();
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
    for (let t = 0; t < 4; t++) await dragOnce(t, true);
    await cdp.send('Profiler.disable');
    result.dragProfile = mergeProfiles(
      profiles,
      'select and drag one box, 4 gestures (mousedown → frame after mouseup)',
    );
  }
  return result;
}

const startLoad = os.loadavg()[0].toFixed(2);

async function main(): Promise<void> {
  if (os.loadavg()[0] > os.cpus().length / 2)
    log(`Load average ${startLoad} on ${os.cpus().length} CPUs: other work will show in the timings.`);
  if (rendererStale()) {
    log('Building the renderer (out/renderer is older than its sources)…');
    execFileSync(
      path.join(appRoot(), 'node_modules', '.bin', 'electron-vite'),
      ['build', '--logLevel', 'warn'],
      { cwd: appRoot(), stdio: 'inherit' },
    );
  }
  log(`Writing a ${IMAGE.width}×${IMAGE.height} image per size (${SIZES.join(', ')} boxes)…`);
  const app = await startApp({
    dataset: async (dir) => {
      const folder = path.join(dir, 'data');
      await writeImages(folder);
      return folder;
    },
  });
  const browser = await launchChromium();
  try {
    await seed(app);
    const ui = await LabelPage.open(browser, app.server.url);
    await ui.imageList.getByRole('option').first().waitFor();
    if (opts['what-if'] === 'no-labels') {
      // Estimate only: label text and label backgrounds (and every other fillRect) are not drawn.
      await ui.page.evaluate(() => {
        CanvasRenderingContext2D.prototype.fillText = () => {};
        CanvasRenderingContext2D.prototype.fillRect = () => {};
      });
    }
    const layersTimed = await installRecorder(ui.page);
    if (!layersTimed) log('window.Konva not found: layer draw times are not measured.');
    const cdp = await ui.page.context().newCDPSession(ui.page);
    const results: SizeResult[] = [];
    for (const n of SIZES) results.push(await benchSize(ui, cdp, n));
    report(results, {
      browserVersion: browser.version(),
      layersTimed,
      image: IMAGE,
      phaseMs: PHASE_MS,
      inputHz: INPUT_HZ,
      startLoad,
      whatIf: opts['what-if'],
      goals: GOALS,
    });
  } finally {
    await browser.close();
    await app.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
