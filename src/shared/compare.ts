import type { Detection, Thresholds } from './detection';
import { splitPoint } from './formats/split';
import type { RecOptions } from './prompt/units';

/**
 * Comparing prompts before a batch: 2–4 variants of a prompt (each with its thresholds) run on the
 * same sample of images, counted per class, so a person sees which one finds what before spending a
 * night on the whole dataset. Nothing here writes to the project.
 */

export const MIN_VARIANTS = 2;
export const MAX_VARIANTS = 4;

export interface PromptVariant {
  readonly prompt: string;
  readonly thresholds: Thresholds;
  readonly perPhrase?: boolean;
  /** Referring expressions, one per line, instead of phrases. */
  readonly rec?: RecOptions;
}

/** What one variant made of one image: boxes per class name, or why the image failed. */
export type VariantCounts =
  | { readonly ok: true; readonly perClass: Readonly<Record<string, number>> }
  | {
      readonly ok: false;
      readonly message: string;
    };

export interface ComparedImage {
  readonly relPath: string;
  /** One entry per variant, in variant order. */
  readonly variants: readonly VariantCounts[];
}

export interface DisagreeingImage {
  readonly relPath: string;
  /** Boxes per variant. */
  readonly boxes: readonly number[];
  /** How much the variants disagree here (see `disagreement`). */
  readonly score: number;
}

export interface CompareReport {
  readonly variants: readonly PromptVariant[];
  /** Images of the sample run on every variant (failed ones included). */
  readonly images: number;
  /** Images of the sample: fewer ran when the comparison was cancelled. */
  readonly sampled: number;
  readonly cancelled: boolean;
  /** Images that failed on some variant, with the first reason. */
  readonly failures: readonly { readonly relPath: string; readonly message: string }[];
  /** Class names, the rows of `table`: in the order the variants first found them. */
  readonly classes: readonly string[];
  /** table[row][variant]: boxes of that class the variant found on the sample. */
  readonly table: readonly (readonly number[])[];
  /** Boxes per variant on the sample. */
  readonly totals: readonly number[];
  /** The images where the variants disagree most, most first; only images where they disagree. */
  readonly disagreements: readonly DisagreeingImage[];
}

/**
 * `size` images chosen at random with `seed`: those whose seeded hash point is lowest. It depends on
 * nothing but the seed and each path, so the same seed picks the same images, and images added to
 * the folder later only join the sample when they beat one already in it. Listed in path order.
 */
export function sampleImages(relPaths: readonly string[], size: number, seed: string | number): string[] {
  if (size >= relPaths.length) return [...relPaths];
  return relPaths
    .map((relPath) => ({ relPath, point: splitPoint(`compare\u0000${seed}`, relPath) }))
    .sort((a, b) => a.point - b.point || (a.relPath < b.relPath ? -1 : 1))
    .slice(0, Math.max(0, size))
    .map((s) => s.relPath)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Boxes per class name of one image's detections. */
export function countByClass(
  detections: readonly Pick<Detection, 'phrase'>[],
  classOf: (phrase: string) => string,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const d of detections) {
    const name = classOf(d.phrase);
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/**
 * How much variants disagree on one image: for each class, the most boxes a variant found minus the
 * fewest, summed. Two variants that both find 2 dogs agree (0); one finding 2 dogs and 1 person
 * where the other finds 3 people disagrees by 2 + 2 = 4. Failed variants are left out.
 */
export function disagreement(perVariant: readonly Readonly<Record<string, number>>[]): number {
  if (perVariant.length < 2) return 0;
  const names = new Set(perVariant.flatMap((c) => Object.keys(c)));
  let score = 0;
  for (const name of names) {
    const counts = perVariant.map((c) => c[name] ?? 0);
    score += Math.max(...counts) - Math.min(...counts);
  }
  return score;
}

/** The report of a comparison from each image's counts per variant. */
export function compareReport(
  variants: readonly PromptVariant[],
  images: readonly ComparedImage[],
  options: { readonly sampled: number; readonly cancelled: boolean; readonly showDisagreements?: number },
): CompareReport {
  const classes: string[] = [];
  const rows = new Map<string, number[]>();
  const totals = variants.map(() => 0);
  const failures: { relPath: string; message: string }[] = [];
  const disagreements: DisagreeingImage[] = [];
  for (const image of images) {
    const failed = image.variants.find((v) => !v.ok);
    if (failed && !failed.ok) failures.push({ relPath: image.relPath, message: failed.message });
    const ok: Readonly<Record<string, number>>[] = [];
    image.variants.forEach((v, i) => {
      if (!v.ok) return;
      ok.push(v.perClass);
      for (const [name, n] of Object.entries(v.perClass)) {
        let row = rows.get(name);
        if (!row) {
          row = variants.map(() => 0);
          rows.set(name, row);
          classes.push(name);
        }
        row[i] += n;
        totals[i] += n;
      }
    });
    const score = failed ? 0 : disagreement(ok);
    if (score > 0)
      disagreements.push({
        relPath: image.relPath,
        boxes: image.variants.map((v) => (v.ok ? Object.values(v.perClass).reduce((a, b) => a + b, 0) : 0)),
        score,
      });
  }
  disagreements.sort((a, b) => b.score - a.score || (a.relPath < b.relPath ? -1 : 1));
  return {
    variants,
    images: images.length,
    sampled: options.sampled,
    cancelled: options.cancelled,
    failures,
    classes,
    table: classes.map((name) => rows.get(name)!),
    totals,
    disagreements: disagreements.slice(0, options.showDisagreements ?? 10),
  };
}
