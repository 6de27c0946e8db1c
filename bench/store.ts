/**
 * npm run bench:store — the store's crash and save figures:
 *  - the kill test (KILLS, default 500): SIGKILL at random moments while editing; the delays come
 *    from a seed printed first, and KILL_SEED=<seed> replays a run exactly;
 *  - the time to acknowledge one edit and to write it out, on a project of 10,000 images and
 *    100,000 boxes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BoxRecord, ImageDoc } from '../src/shared/project';
import { killSeed, runKillTest } from '../src/main/dataset/kill-test';
import { ProjectStore } from '../src/main/dataset/project-store';

const kills = Number(process.env.KILLS ?? 500);
const IMAGES = 10_000;
const BOXES_PER_IMAGE = 10;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];

function doc(i: number, shift = 0): ImageDoc {
  const boxes: BoxRecord[] = Array.from({ length: BOXES_PER_IMAGE }, (_, b) => ({
    id: `b${b}`,
    classId: `c${b % 5}`,
    x1: 10 * b + shift,
    y1: 10,
    x2: 10 * b + 8 + shift,
    y2: 30,
    origin: { kind: 'manual' },
  }));
  return { relPath: `dir${i % 100}/img-${i}.jpg`, width: 1920, height: 1080, reviewed: true, boxes };
}

async function saveTimings(): Promise<{ ack: number[]; flush: number[]; openMs: number }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'gl-bench-store-'));
  try {
    const seed = await ProjectStore.open(root, { debounceMs: 60_000 });
    for (let i = 0; i < IMAGES; i++) await seed.putImage(doc(i));
    await seed.close();
    const t0 = performance.now();
    const store = await ProjectStore.open(root, { debounceMs: 60_000 });
    const openMs = performance.now() - t0;
    const ack: number[] = [];
    const flush: number[] = [];
    for (let round = 1; round <= 50; round++) {
      const t1 = performance.now();
      await store.putImage(doc(round * 37, round));
      const t2 = performance.now();
      await store.flush();
      ack.push(t2 - t1);
      flush.push(performance.now() - t2);
    }
    await store.close();
    return { ack, flush, openMs };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

console.log(`kill test: ${kills} kills (set KILLS to change)…`);
const started = performance.now();
const result = await runKillTest({
  kills,
  seed: killSeed(),
  log: (line) => console.log(`  ${line}`),
  onRound: (n, r) => {
    if (n % 50 === 0)
      console.log(
        `  ${n} kills, ${r.acknowledged} acknowledged edits, ${r.lostAcknowledgedEdits} lost, ${r.unparseableFiles} unparseable`,
      );
  },
});
console.log(`  done in ${((performance.now() - started) / 1000).toFixed(0)} s`);

console.log(`save timings on ${IMAGES} images × ${BOXES_PER_IMAGE} boxes…`);
const { ack, flush, openMs } = await saveTimings();
console.log(
  `  acknowledge one edit (journal append + fsync): median ${median(ack).toFixed(2)} ms, p95 ${p95(ack).toFixed(2)} ms`,
);
console.log(
  `  write it out (atomic label file, journal emptied): median ${median(flush).toFixed(2)} ms, p95 ${p95(flush).toFixed(2)} ms`,
);
console.log(`  open the project store: ${openMs.toFixed(0)} ms`);
const saveMs = p95(ack) + p95(flush);
console.log(
  `goal: save < 50 ms: ${saveMs < 50 ? 'met' : 'NOT met'}; kill test: ${result.lostAcknowledgedEdits === 0 && result.unparseableFiles === 0 ? 'met' : 'NOT met'}`,
);
console.log('');
console.log(`kill_seed: ${result.seed}`);
console.log(`kills: ${result.kills}`);
console.log(`acknowledged_edits: ${result.acknowledged}`);
console.log(`lost_acknowledged_edits: ${result.lostAcknowledgedEdits}`);
console.log(`unparseable_files: ${result.unparseableFiles}`);
console.log(`stale_locks_taken_over: ${result.staleLocksTakenOver}`);
console.log(`save_ack_ms_p95: ${p95(ack).toFixed(2)}`);
console.log(`save_write_ms_p95: ${p95(flush).toFixed(2)}`);
console.log(`save_ms_10k_images_100k_boxes: ${saveMs.toFixed(2)}`);
console.log(`store_open_10k_ms: ${openMs.toFixed(0)}`);
