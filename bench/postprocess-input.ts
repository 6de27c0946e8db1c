/**
 * A synthetic forward-pass output shaped like the real exports (900 queries × 256 logit columns):
 * background queries sit near −8, a few dozen "objects" (three near-duplicate queries each, so NMS
 * has work) score above the box threshold, and columns past the run's S text tokens are −inf, as the
 * text mask leaves them.
 */
import type { RawOutputs } from '../src/main/inference/postprocess';
import type { TextRun } from '../src/main/inference/text';

export const QUERIES = 900;
export const WIDTH = 256;

export function syntheticOutputs(run: TextRun, objects = 12, duplicates = 3, seed = 42): RawOutputs {
  let s = seed;
  // mulberry32: deterministic, so every bench run decodes the same tensor.
  const rand = (): number => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const S = run.ids.length;
  const logits = new Float32Array(QUERIES * WIDTH);
  const boxes = new Float32Array(QUERIES * 4);
  for (let q = 0; q < QUERIES; q++) {
    const row = logits.subarray(q * WIDTH, (q + 1) * WIDTH);
    for (let t = 0; t < WIDTH; t++) row[t] = t < S ? -8 - rand() * 0.5 : -Infinity;
    boxes.set([0.1 + 0.8 * rand(), 0.1 + 0.8 * rand(), 0.02 + 0.28 * rand(), 0.02 + 0.28 * rand()], q * 4);
  }
  // Hot queries spread over the 900 so the scan cannot stop early.
  const stride = Math.floor(QUERIES / (objects * duplicates));
  for (let k = 0; k < objects; k++) {
    const phrase = run.phrases[k % run.phrases.length];
    const base = [0.15 + 0.7 * rand(), 0.15 + 0.7 * rand(), 0.05 + 0.2 * rand(), 0.05 + 0.2 * rand()];
    for (let d = 0; d < duplicates; d++) {
      const q = (k * duplicates + d) * stride + 1;
      const row = logits.subarray(q * WIDTH, (q + 1) * WIDTH);
      const top = 3 - 3 * rand() - d * 0.5; // sigmoid ≥ ~0.38: above the 0.35 box threshold
      for (let t = phrase.start; t < phrase.end; t++) row[t] = top - (t - phrase.start) * 0.3;
      row[phrase.end] = top - 2; // the closing dot, as the fixtures and real models do
      const jitter = () => 1 + (rand() - 0.5) * 0.06;
      boxes.set([base[0] * jitter(), base[1] * jitter(), base[2] * jitter(), base[3] * jitter()], q * 4);
    }
  }
  return { logits, boxes, queries: QUERIES, width: WIDTH };
}
