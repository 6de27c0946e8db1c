/**
 * `npm run bench -- --model <folder>`: does GroundLabel add anything to the model's own time? Each
 * contestant (variants.ts) runs in a process of its own; after session creation and a first run, they
 * take turns over the same images in rotating order, so a slow phase of a shared machine hits each
 * alike. Prints figures only; it asserts nothing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { locateModel } from '../../src/main/inference/model-folder';
import { writePhotoJpeg } from '../images';
import { ms, table } from '../report';
import { median } from '../stats';
import { MODEL_BENCH_USAGE, parseModelBenchArgs, type ModelBenchArgs } from './args';
import type {
  Breakdown,
  ContestantConfig,
  Peak,
  Ready,
  Reply,
  Request,
  StartFailed,
  TurnFigures,
} from './protocol';
import { VARIANTS } from './variants';

const CONTESTANT = fileURLToPath(new URL('./contestant.ts', import.meta.url));
const log = (line = '') => console.log(line);

class Contestant {
  private nextId = 0;
  private waiting = new Map<number, (r: Reply) => void>();
  private constructor(
    readonly variant: string,
    private readonly child: ChildProcess,
    readonly ready: Ready,
  ) {
    child.on('message', (m: Reply) => {
      this.waiting.get(m.id)?.(m);
      this.waiting.delete(m.id);
    });
  }

  static async start(
    config: ContestantConfig & { provider?: string },
    cpuProf?: string,
  ): Promise<Contestant> {
    // One profile per thread (main and model thread), in a folder per contestant.
    const prof = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.join(cpuProf, config.variant)}`] : [];
    const child = fork(CONTESTANT, [JSON.stringify(config)], {
      execArgv: ['--import', 'tsx', ...prof],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const first = await new Promise<Ready | StartFailed>((resolve, reject) => {
      child.once('message', (m: Ready | StartFailed) => resolve(m));
      child.once('exit', (code) =>
        reject(new Error(`${config.variant} stopped before it was ready (exit ${code})`)),
      );
    });
    if (first.kind === 'start-failed') throw new Error(`${config.variant}: ${first.message}`);
    child.removeAllListeners('exit');
    return new Contestant(config.variant, child, first);
  }

  ask<T>(kind: Request['kind']): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (r) =>
        r.ok ? resolve(r.value as T) : reject(new Error(`${this.variant}: ${r.message}`)),
      );
      this.child.send({ id, kind } satisfies Request);
    });
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

async function benchImages(args: ModelBenchArgs, dir: string): Promise<string[]> {
  if (args.images) {
    const names = (await readdir(args.images)).filter((n) => /\.(jpe?g|png|webp|tiff?)$/i.test(n)).sort();
    if (names.length === 0) throw new Error(`no images in ${args.images}`);
    return names.slice(0, args.count).map((n) => path.join(args.images as string, n));
  }
  const files = [];
  for (let i = 0; i < args.count; i++) {
    const file = path.join(dir, `photo-${i}.jpg`);
    await writePhotoJpeg(file, args.size.width, args.size.height, 1000 + i);
    files.push(file);
  }
  return files;
}

const range = (xs: readonly number[], digits = 0) =>
  xs.length > 1 ? `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}` : '';

export async function runModelBench(argv: readonly string[]): Promise<void> {
  let args: ModelBenchArgs;
  try {
    args = parseModelBenchArgs(argv);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${MODEL_BENCH_USAGE}`);
    process.exitCode = 2;
    return;
  }
  try {
    await bench(args);
  } catch (e) {
    // A model or device that cannot be used is said in a line, as the other commands say it.
    console.error(`bench --model: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}

async function bench(args: ModelBenchArgs): Promise<void> {
  const started = performance.now();
  const model = (await locateModel(args.model)).file;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gl-model-bench-'));
  const contestants: Contestant[] = [];
  try {
    const images = await benchImages(args, dir);
    log('GroundLabel overhead bench: the labeling path against a bare session.run loop on the same feeds');
    log(
      `model ${model}, device ${args.device}, ${images.length} image(s) × ${args.repeats} turn(s), prompt "${args.prompt}"`,
    );
    log(
      `node ${process.version}, onnxruntime-node ${ort.env.versions.node ?? '?'}, ${os.cpus().length} CPU(s), ` +
        `intra-op threads ${args.threads ?? "ORT's default"}, load average ${os.loadavg()[0].toFixed(2)}\n`,
    );
    const base = {
      model,
      device: args.device,
      images,
      prompt: args.prompt,
      feedsDir: path.join(dir, 'feeds'),
      ...(args.threads !== undefined && { threads: args.threads }),
    };
    // GroundLabel sides first: the first one writes the feeds, and tells the bare sides the provider.
    const order = [...args.variants].sort(
      (a, b) => Number(VARIANTS[a].side === 'bare') - Number(VARIANTS[b].side === 'bare'),
    );
    let provider: string | undefined;
    const dropped: string[] = [];
    // A contestant that cannot start (a lever this provider refuses) or fails a run is dropped, with
    // its reason, and the others go on.
    const drop = (c: Contestant | string, e: unknown) => {
      const name = typeof c === 'string' ? c : c.variant;
      dropped.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
      log(`dropped ${name}: ${(e as Error).message}`);
      if (typeof c !== 'string') {
        c.kill();
        contestants.splice(contestants.indexOf(c), 1);
      }
    };
    for (const variant of order) {
      const v = VARIANTS[variant];
      if (v.side === 'bare' && v.devices && !v.devices.includes(args.device)) {
        log(`skipped ${variant}: only for ${v.devices.join(', ')}`);
        continue;
      }
      const writeFeeds = provider === undefined;
      try {
        const c = await Contestant.start(
          { ...base, variant, writeFeeds, ...(provider && { provider }) },
          v.side === 'groundlabel' ? args.cpuProf : undefined,
        );
        provider ??= c.ready.provider;
        contestants.push(c);
        log(
          `ready: ${variant} (${c.ready.about}) in ${(c.ready.createMs / 1000).toFixed(2)} s on ${c.ready.provider}`,
        );
      } catch (e) {
        // Without the feeds the first GroundLabel side writes, no bare side can run.
        if (writeFeeds) throw e;
        drop(variant, e);
      }
    }
    const each = async <T>(
      kind: Request['kind'],
      keep: (c: Contestant, value: T) => void,
      only = contestants,
    ) => {
      for (const c of [...only]) {
        if (!contestants.includes(c)) continue;
        await c.ask<T>(kind).then(
          (value) => keep(c, value),
          (e: unknown) => drop(c, e),
        );
      }
    };

    const first = new Map<string, TurnFigures>();
    await each<TurnFigures>('first', (c, f) => first.set(c.variant, f));
    const turns = new Map<string, TurnFigures[]>(contestants.map((c) => [c.variant, []]));
    for (let r = 0; r < args.repeats; r++) {
      const n = contestants.length;
      const rotated = contestants.map((_, k) => contestants[(r + k) % n]);
      await each<TurnFigures>(
        'turn',
        (c, figures) => {
          turns.get(c.variant)?.push(figures);
          log(
            `turn ${r + 1}: ${c.variant} ${ms(figures.msPerImage)} ms/image (CPU ${ms(figures.cpuMsPerImage)})`,
          );
        },
        rotated,
      );
    }
    const breakdowns = new Map<string, Breakdown>();
    await each<Breakdown>(
      'breakdown',
      (c, b) => breakdowns.set(c.variant, b),
      contestants.filter((c) => VARIANTS[c.variant].side === 'groundlabel'),
    );
    const peaks = new Map<string, number>();
    await each<Peak>('quit', (c, p) => peaks.set(c.variant, p.peakRssMb));

    for (const line of dropped) log(`dropped ${line}`);
    report(args, contestants, first, turns, breakdowns, peaks);
    log(
      `\nbench time: ${((performance.now() - started) / 1000).toFixed(0)} s, load average at end ${os.loadavg()[0].toFixed(2)}`,
    );
  } finally {
    for (const c of contestants) c.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

function report(
  args: ModelBenchArgs,
  contestants: readonly Contestant[],
  first: ReadonlyMap<string, TurnFigures>,
  turns: ReadonlyMap<string, TurnFigures[]>,
  breakdowns: ReadonlyMap<string, Breakdown>,
  peaks: ReadonlyMap<string, number>,
): void {
  const wall = (v: string) => (turns.get(v) ?? []).map((t) => t.msPerImage);
  const cpu = (v: string) => (turns.get(v) ?? []).map((t) => t.cpuMsPerImage);
  // Each turn's ratio pairs it with the reference's turn of the same round.
  const ratios = (of: (v: string) => number[], v: string, ref: string) => {
    const b = of(ref);
    return of(v)
      .map((x, i) => x / b[i])
      .filter(Number.isFinite);
  };
  const has = (v: string) => contestants.some((c) => c.variant === v);
  const ref = has('bare') ? 'bare' : contestants.find((c) => VARIANTS[c.variant].side === 'bare')?.variant;
  const ratioCell = (r: number[]) => (r.length ? `${median(r).toFixed(3)} (${range(r, 3)})` : '');
  log('');
  log(
    table(
      [
        'contestant',
        'ms/image',
        'turns',
        `÷ ${ref ?? '—'}`,
        'CPU ms/image',
        'CPU ÷',
        'first run ms',
        'create s',
        'peak RSS MiB',
        'notes',
      ],
      contestants.map((c) => [
        c.variant,
        ms(median(wall(c.variant))),
        range(wall(c.variant)),
        ref ? ratioCell(ratios(wall, c.variant, ref)) : '',
        ms(median(cpu(c.variant))),
        ref ? ratioCell(ratios(cpu, c.variant, ref)) : '',
        ms(first.get(c.variant)?.msPerImage ?? null),
        (c.ready.createMs / 1000).toFixed(2),
        (peaks.get(c.variant) ?? 0).toFixed(0),
        c.ready.about,
      ]),
    ),
  );
  for (const [v, b] of breakdowns) {
    log(
      `\n${v}, one image at a time (medians, ms): prepare ${ms(b.prepareMs)}, text ${ms(b.textMs)}, ` +
        `model round trip ${ms(b.roundTripMs)}, post-process ${ms(b.postprocessMs)}`,
    );
  }
  log('');
  const lines: [string, number | null][] = [];
  for (const c of contestants) {
    const key = c.variant.replace(/-/g, '_');
    lines.push([`${key}_ms_per_image`, median(wall(c.variant))]);
    lines.push([`${key}_cpu_ms_per_image`, median(cpu(c.variant))]);
    lines.push([`${key}_first_run_ms`, first.get(c.variant)?.msPerImage ?? null]);
    lines.push([`${key}_create_ms`, c.ready.createMs]);
    lines.push([`${key}_peak_rss_mib`, peaks.get(c.variant) ?? null]);
  }
  for (const other of [ref, 'bare-ort-defaults']) {
    if (!other || !has(other) || !has('groundlabel') || (other === 'bare-ort-defaults' && ref === other))
      continue;
    const key = other.replace(/-/g, '_');
    lines.push([`overhead_ratio_vs_${key}`, median(ratios(wall, 'groundlabel', other))]);
    lines.push([`overhead_cpu_ratio_vs_${key}`, median(ratios(cpu, 'groundlabel', other))]);
  }
  for (const [name, value] of lines)
    log(`${name}: ${value === null ? 'unavailable' : value.toFixed(name.includes('ratio') ? 3 : 1)}`);
  log(`device: ${args.device}`);
}
