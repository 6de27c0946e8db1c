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

/**
 * Medians of several variants timed in turn within each repetition, so slow phases of a noisy
 * (virtual) machine hit every variant alike instead of whichever happened to run then. The order
 * rotates each repetition so periodic costs (a GC after every few 10 MB tensors) do not always land
 * on the same variant.
 */
export async function interleavedMedians<K extends string>(
  reps: number,
  warmup: number,
  variants: Record<K, () => unknown>,
): Promise<Record<K, number>> {
  const entries = Object.entries(variants) as [K, () => unknown][];
  const times = new Map<K, number[]>(entries.map(([k]) => [k, []]));
  for (let i = 0; i < warmup + reps; i++) {
    for (let j = 0; j < entries.length; j++) {
      const [k, fn] = entries[(i + j) % entries.length];
      const t0 = performance.now();
      await fn();
      if (i >= warmup) times.get(k)?.push(performance.now() - t0);
    }
  }
  return Object.fromEntries(entries.map(([k]) => [k, median(times.get(k) ?? [])])) as Record<K, number>;
}
