/** bench:ui's printed report: the frame table, drag timings, profiles, goals and the figure lines. */
import os from 'node:os';
import { CHROMIUM_ARGS } from '../../e2e/fixtures/chromium';
import { VIEWPORT } from '../../e2e/fixtures/label-page';
import type { DragTiming, FrameSample } from './page-probes';
import { f1, median, quantile, type ProfileSummary, type summariseTrace } from './profile';

const FRAME_60HZ = 1000 / 60;
const LAYERS = ['image', 'boxes', 'selection'] as const;
/**
 * rAF timestamps are vsync-aligned: an on-time frame at 60 Hz measures 16.6–16.8 ms, two frames
 * 33.3–33.4 ms. A goal counts as met when p95 is below it plus this much timestamp jitter.
 */
export const VSYNC_JITTER_MS = 0.5;

export interface SizeResult {
  readonly n: number;
  readonly drawnAtFit: number;
  readonly phases: { name: string; sample: FrameSample }[];
  readonly drags: DragTiming[];
  profile?: ProfileSummary;
  dragProfile?: ProfileSummary;
  trace?: ReturnType<typeof summariseTrace>;
}

export const p95Of = (samples: readonly FrameSample[]) =>
  quantile(
    samples.flatMap((s) => s.intervals),
    0.95,
  );

export interface RunInfo {
  readonly browserVersion: string;
  readonly layersTimed: boolean;
  readonly image: { readonly width: number; readonly height: number };
  readonly phaseMs: number;
  readonly inputHz: number;
  readonly startLoad: string;
  readonly whatIf: string;
  /** Frame p95 goal (ms) by box count. */
  readonly goals: Readonly<Record<number, number>>;
}

export function report(results: readonly SizeResult[], run: RunInfo): void {
  const {
    browserVersion,
    layersTimed,
    image: IMAGE,
    phaseMs: PHASE_MS,
    inputHz: INPUT_HZ,
    goals: GOALS,
  } = run;
  const out: string[] = [];
  const line = (s = '') => out.push(s);
  line(
    `GroundLabel canvas frame benchmark: headless Chromium ${browserVersion} (${CHROMIUM_ARGS.includes('--disable-gpu') ? '--disable-gpu: software raster and compositing' : 'GPU'}), ` +
      `${os.cpus().length} CPUs, viewport ${VIEWPORT.width}×${VIEWPORT.height}, image ${IMAGE.width}×${IMAGE.height}, manual boxes with labels, ` +
      `${PHASE_MS / 1000} s per phase, input at ${INPUT_HZ}/s, load average at start ${run.startLoad}${run.whatIf ? `, WHAT-IF ${run.whatIf}` : ''}.`,
  );
  line(
    'interval = delta of rAF timestamps (vsync-paced: on time at 60 Hz = 16.7 ms); late = share of intervals over 16.7 + 2 ms (a frame dropped);',
  );
  line(
    'inputs/s = pointermove/wheel events the page received (Chromium coalesces to one per frame); draw = one Konva layer draw (JS, incl. canvas calls).',
  );
  line();
  const head = [
    'boxes',
    'phase',
    'frames',
    'fps',
    'p50',
    'p95',
    'max',
    'late',
    'inputs/s',
    'boxes draw p50',
    'p95',
    'image draw p50',
  ];
  const rows: string[][] = [];
  for (const r of results) {
    const samples = r.phases.map((p) => p.sample);
    const all: FrameSample = {
      intervals: samples.flatMap((s) => s.intervals),
      layerDraws: LAYERS.map((_, i) => samples.flatMap((s) => s.layerDraws[i])),
      inputs: samples.reduce((a, s) => a + s.inputs, 0),
      spanMs: samples.reduce((a, s) => a + s.spanMs, 0),
    };
    for (const p of [...r.phases, { name: 'all of the above', sample: all }]) {
      const { intervals, layerDraws, inputs, spanMs } = p.sample;
      const late = intervals.filter((v) => v > FRAME_60HZ + 2).length;
      rows.push([
        String(r.n),
        p.name,
        String(intervals.length),
        f1((intervals.length / spanMs) * 1000),
        f1(median(intervals)),
        f1(quantile(intervals, 0.95)),
        f1(Math.max(...intervals)),
        `${Math.round((late / Math.max(1, intervals.length)) * 100)}%`,
        f1((inputs / spanMs) * 1000),
        layersTimed ? f1(median(layerDraws[1])) : 'n/a',
        layersTimed ? f1(quantile(layerDraws[1], 0.95)) : 'n/a',
        layersTimed ? f1(median(layerDraws[0])) : 'n/a',
      ]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) =>
    r.map((c, i) => (i === 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  line(
    `${' '.repeat(widths[0] + widths[1] + widths[2] + widths[3] + 8)}${'frame interval ms'.padStart(widths[4] + widths[5] + widths[6] + 4)}`,
  );
  line(fmt(head));
  line(widths.map((w) => '-'.repeat(w)).join('  '));
  rows.forEach((r) => line(fmt(r)));
  line();
  line(
    'Select and drag one box at the fitted view (mousedown; once its frame is shown, 2 moves and mouseup back to back):',
  );
  for (const r of results.filter((x) => x.drags.length)) {
    const d = r.drags;
    line(
      `  ${String(r.n).padStart(5)} boxes: pointerdown → frame after the move landed: median ${f1(median(d.map((x) => x.total)))} ms ` +
        `(min ${f1(Math.min(...d.map((x) => x.total)))}, max ${f1(Math.max(...d.map((x) => x.total)))}, ${d.length} drags); ` +
        `select: pointerdown → frame showing it ${f1(median(d.map((x) => x.select)))} ms; drop: pointerup → frame showing it ${f1(median(d.map((x) => x.drop)))} ms`,
    );
  }
  for (const p of results.flatMap((r) =>
    [r.profile, r.dragProfile].filter((x): x is ProfileSummary => !!x).map((x) => ({ ...x, n: r.n })),
  )) {
    line();
    line(
      `CPU profile, ${p.n} boxes, "${p.phase}", ${f1(p.totalMs)} ms busy (idle left out; "(program)" = native work outside JS: style, layout, paint, raster, compositing):`,
    );
    for (const [name, ms] of p.self.slice(0, 12))
      line(`  self ${f1(ms).padStart(7)} ms  ${((ms / p.totalMs) * 100).toFixed(1).padStart(5)}%  ${name}`);
    line(
      `  inclusive: ${p.inclusive
        .slice(0, 10)
        .map(([name, ms]) => `${name} ${((ms / p.totalMs) * 100).toFixed(1)}%`)
        .join(', ')}`,
    );
  }
  for (const r of results.filter((x) => x.trace)) {
    line();
    line(`Chromium trace, ${r.n} boxes, "${r.phases[0].name}": self time per event, by thread`);
    for (const t of r.trace!)
      line(`  ${t.thread} ${f1(t.totalMs)} ms: ${t.top.map(([name, ms]) => `${name} ${f1(ms)}`).join(', ')}`);
  }
  line();
  const p95 = (r: SizeResult) => p95Of(r.phases.map((p) => p.sample));
  for (const r of results) {
    const goal = GOALS[r.n];
    if (!goal) continue;
    const met = p95(r) < goal + VSYNC_JITTER_MS;
    line(
      `goal: frame p95 < ${goal} ms with ${r.n.toLocaleString('en')} boxes (+${VSYNC_JITTER_MS} ms vsync jitter): ${met ? 'met' : 'not met'} (p95 ${f1(p95(r))} ms)`,
    );
  }
  for (const r of results) line(`frame_p95_ms_${r.n}: ${f1(p95(r))}`);
  for (const r of results)
    if (r.drags.length) line(`select_drag_ms_${r.n}: ${f1(median(r.drags.map((d) => d.total)))}`);
  process.stdout.write(`${out.join('\n')}\n`);
}
