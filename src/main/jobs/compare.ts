import {
  compareReport,
  countByClass,
  MAX_VARIANTS,
  MIN_VARIANTS,
  type ComparedImage,
  type CompareReport,
  type PromptVariant,
  type VariantCounts,
} from '../../shared/compare';
import { GroundLabelError, isGroundLabelError, messageOf } from '../../shared/errors';
import { promptUnits } from '../../shared/prompt/units';
import { forEachImage, type DetectorLike, type LabelTarget } from './label-images';

export interface CompareOptions {
  /** The class name of a phrase, as the project would name it (so counts line up with its classes). */
  readonly classOf: (phrase: string) => string;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
  readonly lookahead?: number;
}

/** Refuses a comparison that cannot mean anything: too few or too many variants, or an empty prompt. */
export function checkVariants(variants: readonly PromptVariant[]): void {
  if (variants.length < MIN_VARIANTS || variants.length > MAX_VARIANTS)
    throw new GroundLabelError(
      'bad-argument',
      `Compare ${MIN_VARIANTS} to ${MAX_VARIANTS} prompts; ${variants.length} ${variants.length === 1 ? 'was' : 'were'} given.`,
    );
  variants.forEach((v, i) => {
    if (!promptUnits(v.prompt, v.rec).length)
      throw new GroundLabelError(
        'prompt-empty',
        `Prompt ${i + 1} has no ${v.rec ? 'referring expressions (one per line)' : 'phrases (separate them with " . ")'}.`,
      );
  });
}

/**
 * Runs every variant on every image of the sample, through the same pipeline as a batch (each image
 * decoded once, all its variants handed to the model together), and counts the boxes per class.
 * Nothing is written anywhere: the person picks a variant afterwards. On abort, the images already
 * on the model finish and the report covers the images done, marked cancelled.
 */
export async function comparePrompts(
  detector: DetectorLike,
  targets: readonly LabelTarget[],
  variants: readonly PromptVariant[],
  options: CompareOptions,
): Promise<CompareReport> {
  checkVariants(variants);
  const run = (image: Parameters<DetectorLike['detect']>[0]) =>
    Promise.all(
      variants.map((v) =>
        detector
          .detect(image, v.prompt, { thresholds: v.thresholds, perPhrase: v.perPhrase, rec: v.rec })
          .then(
            (r): VariantCounts => ({ ok: true, perClass: countByClass(r.detections, options.classOf) }),
            (e: unknown): VariantCounts => ({
              ok: false,
              message: isGroundLabelError(e) ? e.message : messageOf(e),
            }),
          ),
      ),
    );
  const results = await forEachImage(detector, targets, run, {
    lookahead: options.lookahead,
    signal: options.signal,
    onResult: (_, done, total) => options.onProgress?.(done, total),
  });
  const images: ComparedImage[] = results.map((r) =>
    r.ok
      ? { relPath: r.relPath, variants: r.value }
      : { relPath: r.relPath, variants: variants.map(() => ({ ok: false, message: r.error.message })) },
  );
  return compareReport(variants, images, {
    sampled: targets.length,
    cancelled: results.length < targets.length,
  });
}
