/** Timing helpers: medians resist the odd GC pause or scheduler hiccup on a small shared machine. */
import { performance } from 'node:perf_hooks';

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median wall time (ms) of `fn` over `reps` runs, after `warmup` untimed runs (JIT, caches, pools). */
export async function medianMs(reps: number, warmup: number, fn: () => unknown): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Median of a figure the callee measures itself (e.g. the Detector's own runMs). */
export async function medianOf(reps: number, warmup: number, fn: () => Promise<number>): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const values: number[] = [];
  for (let i = 0; i < reps; i++) values.push(await fn());
  return median(values);
}
