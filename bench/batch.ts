/**
 * npm run bench:batch — is the batch job as fast as its slowest stage allows?
 *
 * On a folder of IMAGES (default 120) 1600×1200 JPEGs with a few colour rectangles and a colour
 * fixture model made compute-heavy (`heavy` MatMul layers, picked so the model takes about as long
 * as preprocessing), measured side by side in this one run:
 *  - preprocessing per image (Detector.prepareImage) and model time per image (detect on a prepared
 *    image), each alone;
 *  - the throughput of the real batch (BatchService: pipelined decode, model, store writes);
 *  - batch_efficiency = throughput / (1 / max(model, preprocessing)); 1 means perfect overlap;
 *  - the CPU time per image of each stage, and what the cores allow at best (cores / CPU time of
 *    both stages): when the model's intra-op threads already fill every core, decoding the next
 *    image can only take time from it, and the ideal is out of reach;
 *  - how much of what the cores allow the batch reached (share_of_cpu_bound);
 *  - the same with the model on the main thread, lookahead 1 and 4, and one ORT intra-op thread,
 *    which leaves the model a core of its own as a GPU would be (VARIANTS=0 skips these);
 *  - RSS before and after CYCLE (default 1000) images cycled over the folder.
 * HEAVY=n fixes the heavy layers instead of calibrating them (for every calibration).
 * Run with --expose-gc (the npm script does) so RSS is read after a full collection.
 */
import { copyFile, link, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { DatasetService } from '../src/main/dataset/dataset-service';
import { Detector } from '../src/main/inference/detector';
import type { SessionThread } from '../src/main/inference/worker-session';
import { BatchService } from '../src/main/jobs/batch';
import { bundledVocabPath } from '../src/main/paths';
import { drawScene, type SceneRect } from '../test/fixtures/images';
import { buildColourModel } from '../test/fixtures/onnx/colour-model';
import { PALETTE } from '../test/fixtures/palette';

const IMAGES = Number(process.env.IMAGES ?? 120);
const CYCLE = Number(process.env.CYCLE ?? 1000);
const WIDTH = 1600;
const HEIGHT = 1200;
/** The fixture's input: flavour A at 400×600, so the heavy layers are most of the model's time. */
const INPUT = { height: 400, width: 600 };
const PROMPT = 'red . green . blue . orange .';

const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gc = (globalThis as { gc?: () => void }).gc;
const rssMb = () => {
  gc?.();
  gc?.();
  return process.memoryUsage().rss / 2 ** 20;
};

async function writeImages(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < IMAGES; i++) {
    const rects: SceneRect[] = Array.from({ length: 3 }, (_, k) => {
      const x1 = 80 + ((i * 97 + k * 430) % 1000);
      const y1 = 60 + ((i * 53 + k * 310) % 700);
      return { colour: PALETTE[(i + k) % 4].name, x1, y1, x2: x1 + 200 + k * 60, y2: y1 + 150 + k * 40 };
    });
    const name = `img${String(i).padStart(3, '0')}.jpg`;
    await writeFile(
      path.join(dir, name),
      await drawScene({ width: WIDTH, height: HEIGHT, format: 'jpeg', rects }),
    );
    names.push(name);
  }
  return names;
}

async function writeModel(dir: string, heavy: number): Promise<string> {
  const folder = path.join(dir, `model-heavy-${heavy}`);
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, 'model.onnx'), buildColourModel({ flavour: 'A', heavy }));
  await writeFile(
    path.join(folder, 'groundlabel.json'),
    JSON.stringify({ name: `colour A heavy ${heavy}`, inputSize: INPUT }),
  );
  return folder;
}

interface Variant {
  readonly thread?: SessionThread;
  readonly lookahead?: number;
  readonly intraOpThreads?: number;
  readonly intraOpSpinning?: boolean;
}

const openDetector = (model: string, o: Variant = {}) =>
  Detector.open({
    model,
    device: 'cpu',
    bundledVocab: bundledVocabPath(),
    warmup: true,
    intraOpThreads: o.intraOpThreads,
    intraOpSpinning: o.intraOpSpinning,
    thread: o.thread,
  });

const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

interface StageTimes {
  /** Wall time per image of each stage alone. */
  readonly prepMs: number;
  readonly modelMs: number;
  /** CPU time per image (all threads of the process) of each stage alone. */
  readonly prepCpuMs: number;
  readonly modelCpuMs: number;
}

/** Preprocessing and model time per image, each stage alone (medians for wall time, means for CPU). */
async function stageTimes(detector: Detector, files: readonly string[]): Promise<StageTimes> {
  const prep: number[] = [];
  const model: number[] = [];
  let prepCpu = 0;
  let modelCpu = 0;
  for (const file of files) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const image = await detector.prepareImage(file);
    const t1 = performance.now();
    prepCpu += cpuMs(c0);
    const c1 = process.cpuUsage();
    await detector.detect(image, PROMPT);
    model.push(performance.now() - t1);
    modelCpu += cpuMs(c1);
    prep.push(t1 - t0);
  }
  return {
    prepMs: median(prep),
    modelMs: median(model),
    prepCpuMs: prepCpu / files.length,
    modelCpuMs: modelCpu / files.length,
  };
}

/**
 * The longest stall of the event loop while the model runs: onnxruntime-node's session.run blocks
 * the thread that calls it, so with the model on the main thread preprocessing's steps that need it
 * (promise callbacks between libvips calls, the normalisation) wait for the model to finish.
 */
async function eventLoopStallMs(detector: Detector, file: string): Promise<number> {
  const image = await detector.prepareImage(file);
  let worst = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  for (let i = 0; i < 10; i++) await detector.detect(image, PROMPT);
  clearInterval(timer);
  return worst;
}

/** Images per second of the real batch job over `relPaths` of `dataset`. */
async function batchRate(
  dataset: DatasetService,
  detector: Detector,
  relPaths: readonly string[],
  lookahead?: number,
): Promise<number> {
  const batch = await BatchService.open({ dataset, lookahead });
  const t0 = performance.now();
  await batch.start(detector, { prompt: PROMPT, relPaths });
  const status = await batch.wait();
  const seconds = (performance.now() - t0) / 1000;
  if (status?.state !== 'done' || status.failed)
    throw new Error(`bench batch ended ${status?.state} with ${status?.failed} failures`);
  return relPaths.length / seconds;
}

interface Figures extends StageTimes {
  readonly ips: number;
  readonly ideal: number;
  readonly efficiency: number;
  /** What the cores allow at best: cores / CPU time per image of both stages. */
  readonly cpuBound: number;
}

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const VARIANTS = process.env.VARIANTS !== '0';

/**
 * Stage times and batch throughput in alternating rounds, so that a machine that gets busier or
 * quieter meanwhile (other jobs on the same cores) moves both sides of the ratio alike; the round
 * with the median efficiency is reported.
 */
async function measure(
  dataset: DatasetService,
  model: string,
  files: readonly string[],
  o: Variant = {},
): Promise<Figures> {
  const detector = await openDetector(model, o);
  try {
    await stageTimes(detector, files.slice(0, 3));
    await batchRate(dataset, detector, dataset.relPaths.slice(0, 8), o.lookahead); // warm-up
    const rounds: Figures[] = [];
    const cores = os.availableParallelism();
    for (let r = 0; r < ROUNDS; r++) {
      const stages = await stageTimes(detector, files.slice(0, 20));
      const ips = await batchRate(dataset, detector, dataset.relPaths, o.lookahead);
      const ideal = 1000 / Math.max(stages.prepMs, stages.modelMs);
      const cpuBound = (cores * 1000) / (stages.prepCpuMs + stages.modelCpuMs);
      rounds.push({ ...stages, ips, ideal, efficiency: ips / ideal, cpuBound });
    }
    return [...rounds].sort((a, b) => a.efficiency - b.efficiency)[Math.floor(rounds.length / 2)];
  } finally {
    await detector.close();
  }
}

/**
 * The heavy layers that make the model take about as long as preprocessing, with these session
 * settings. Both models are timed in alternating rounds, so that a change in the machine's load
 * moves both alike; HEAVY=n skips this and uses n (for comparing runs).
 */
async function calibrate(dir: string, files: readonly string[], o: Variant = {}): Promise<number> {
  if (process.env.HEAVY !== undefined) return Number(process.env.HEAVY);
  const probe = 16;
  const light = await openDetector(await writeModel(dir, 0), o);
  const heavier = await openDetector(await writeModel(dir, probe), o);
  await stageTimes(light, files.slice(0, 3));
  await stageTimes(heavier, files.slice(0, 3));
  const base: StageTimes[] = [];
  const probed: StageTimes[] = [];
  for (let r = 0; r < 3; r++) {
    base.push(await stageTimes(light, files.slice(0, 20)));
    probed.push(await stageTimes(heavier, files.slice(0, 20)));
  }
  await light.close();
  await heavier.close();
  const prepMs = median(base.map((b) => b.prepMs));
  const modelMs = median(base.map((b) => b.modelMs));
  const perLayer = Math.max(0.01, (median(probed.map((p) => p.modelMs)) - modelMs) / probe);
  // Capped: a probe swamped by other work on the machine must not make the bench run for hours.
  const heavy = Math.min(4 * probe, Math.max(0, Math.round((prepMs - modelMs) / perLayer)));
  log(
    `calibration${o.intraOpThreads ? ` (ORT intra-op threads ${o.intraOpThreads})` : ''}: preprocessing ${prepMs.toFixed(1)} ms, ` +
      `model ${modelMs.toFixed(1)} ms with heavy 0, ${perLayer.toFixed(2)} ms per heavy layer → heavy ${heavy}`,
  );
  return heavy;
}

const row = (name: string, f: Figures) =>
  `${name.padEnd(28)} prep ${f.prepMs.toFixed(1).padStart(5)} ms (cpu ${f.prepCpuMs.toFixed(1).padStart(5)})  ` +
  `model ${f.modelMs.toFixed(1).padStart(5)} ms (cpu ${f.modelCpuMs.toFixed(1).padStart(5)})  ` +
  `${f.ips.toFixed(2).padStart(6)} img/s, ideal ${f.ideal.toFixed(2).padStart(6)}, cores allow ${f.cpuBound.toFixed(2).padStart(6)}  ` +
  `efficiency ${f.efficiency.toFixed(3)}`;

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gl-bench-batch-'));
  try {
    const cores = os.availableParallelism();
    const load = () => os.loadavg()[0];
    const loadBefore = load();
    log(
      `node ${process.version}, ${cores} cores, sharp concurrency ${sharp.concurrency()}, UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? '(default 4)'}, gc ${gc ? 'exposed' : 'not exposed'}`,
    );
    const imagesDir = path.join(dir, 'images');
    const names = await writeImages(imagesDir);
    const files = names.map((n) => path.join(imagesDir, n));
    log(`${IMAGES} images ${WIDTH}×${HEIGHT} JPEG in ${imagesDir}`);

    const heavy = await calibrate(dir, files);
    const model = await writeModel(dir, heavy);

    const dataset = await DatasetService.open(imagesDir, { debounceMs: 1000 });
    const probeDetector = await openDetector(model);
    const stallMs = await eventLoopStallMs(probeDetector, files[0]);
    await probeDetector.close();
    log(
      `event loop: stalled up to ${stallMs.toFixed(1)} ms while the model ran on the ${probeDetector.info.thread} thread` +
        (probeDetector.info.threadFallback ? ` (${probeDetector.info.threadFallback})` : ''),
    );
    const main = await measure(dataset, model, files);
    log(row('pipelined (lookahead 2)', main));
    const variants: [string, Figures][] = [];
    const settings: readonly (readonly [string, Variant])[] = [
      ['model on the main thread', { thread: 'main' }],
      ['lookahead 1', { lookahead: 1 }],
      ['lookahead 4', { lookahead: 4 }],
      ['ORT intra-op threads 1', { intraOpThreads: 1 }],
    ];
    for (const [name, o] of VARIANTS ? settings : []) {
      variants.push([name, await measure(dataset, model, files, o)]);
      log(row(name, variants.at(-1)![1]));
    }
    // One ORT thread leaves the other core to decoding; the model is made as slow as preprocessing again.
    if (VARIANTS) {
      const single = { intraOpThreads: 1 };
      const singleHeavy = await calibrate(dir, files, single);
      const singleModel = singleHeavy === heavy ? model : await writeModel(dir, singleHeavy);
      variants.push(['ORT 1 thread, recalibrated', await measure(dataset, singleModel, files, single)]);
      log(row('ORT 1 thread, recalibrated', variants.at(-1)![1]));
    }
    await dataset.close();

    // Memory: CYCLE images, the folder over and over (hard links, so every image is its own entry).
    const cycleDir = path.join(dir, 'cycle');
    await mkdir(cycleDir);
    for (let i = 0; i < CYCLE; i++) {
      const to = path.join(cycleDir, `c${String(i).padStart(5, '0')}.jpg`);
      await link(files[i % files.length], to).catch(() => copyFile(files[i % files.length], to));
    }
    const cycle = await DatasetService.open(cycleDir, { debounceMs: 1000 });
    const detector = await openDetector(model);
    await batchRate(cycle, detector, cycle.relPaths.slice(0, IMAGES)); // warm-up: allocator, caches
    const rssBefore = rssMb();
    const cycleIps = await batchRate(cycle, detector, cycle.relPaths);
    await cycle.store.flush();
    const rssAfter = rssMb();
    await detector.close();
    await cycle.close();
    log(
      `cycle: ${CYCLE} images at ${cycleIps.toFixed(2)} img/s, RSS ${rssBefore.toFixed(1)} → ${rssAfter.toFixed(1)} MB`,
    );

    const fastest = [['pipelined (lookahead 2)', main] as const, ...variants].reduce((a, b) =>
      b[1].ips > a[1].ips ? b : a,
    );
    const lines: [string, string | number][] = [
      ['images', IMAGES],
      ['heavy_layers', heavy],
      ['preprocess_ms', main.prepMs.toFixed(1)],
      ['model_ms', main.modelMs.toFixed(1)],
      ['images_per_second', main.ips.toFixed(2)],
      ['ideal_images_per_second', main.ideal.toFixed(2)],
      ['preprocess_cpu_ms', main.prepCpuMs.toFixed(1)],
      ['model_cpu_ms', main.modelCpuMs.toFixed(1)],
      ['cpu_bound_images_per_second', main.cpuBound.toFixed(2)],
      ['share_of_cpu_bound', (main.ips / main.cpuBound).toFixed(3)],
      ['event_loop_stall_during_model_ms', stallMs.toFixed(1)],
      ['batch_efficiency', main.efficiency.toFixed(3)],
      ...variants.flatMap(([name, f]): [string, string][] => {
        const key = name.replace(/[^a-z0-9]+/gi, '_').toLowerCase();
        return [
          [`images_per_second_${key}`, f.ips.toFixed(2)],
          [`batch_efficiency_${key}`, f.efficiency.toFixed(3)],
        ];
      }),
      ['fastest_variant', fastest[0]],
      ['cycle_images', CYCLE],
      ['rss_before_mb', rssBefore.toFixed(1)],
      ['rss_after_mb', rssAfter.toFixed(1)],
      ['rss_growth_mb', (rssAfter - rssBefore).toFixed(1)],
      ['cores', cores],
      ['load_average_before', loadBefore.toFixed(2)],
      ['load_average_after', load().toFixed(2)],
    ];
    if (loadBefore > cores / 2) {
      log(
        `warning: the load average was ${loadBefore.toFixed(2)} before the bench: other processes shared the cores, so times and ratios are unreliable`,
      );
    }
    process.stdout.write(`${lines.map(([k, v]) => `${k}: ${v}`).join('\n')}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
