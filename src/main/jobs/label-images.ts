import type { Detection } from '../../shared/detection';
import { isGroundLabelError, messageOf, type ErrorInfo } from '../../shared/errors';
import type { ImageSize } from '../../shared/geometry';
import type { DetectOptions, DetectResult, PreparedImage } from '../inference/detector';

/** The part of a Detector a labeling job uses, so jobs can be tested with any model. */
export interface DetectorLike {
  prepareImage(file: string): Promise<PreparedImage>;
  detect(image: PreparedImage, prompt: string, options?: DetectOptions): Promise<DetectResult>;
  /** Takes back a prepared image's buffers once it has been used. */
  release?(image: PreparedImage): void;
}

export interface LabelTarget {
  readonly relPath: string;
  readonly file: string;
}

export type LabelOutcome =
  | {
      readonly relPath: string;
      readonly ok: true;
      readonly image: ImageSize;
      readonly detections: readonly Detection[];
      readonly result: DetectResult;
    }
  | { readonly relPath: string; readonly ok: false; readonly error: ErrorInfo };

export interface LabelJobOptions extends DetectOptions {
  /** Images decoded ahead of the one the model is running on. */
  readonly lookahead?: number;
  readonly onOutcome?: (outcome: LabelOutcome, done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

const toErrorInfo = (e: unknown): ErrorInfo =>
  isGroundLabelError(e) ? e.toJSON() : { code: 'inference-failed', message: messageOf(e) };

/** What became of one image of a pipelined run: the work's value, or why the image failed. */
export type ImageResult<T> =
  | { readonly relPath: string; readonly ok: true; readonly value: T }
  | { readonly relPath: string; readonly ok: false; readonly error: ErrorInfo };

export interface PipelineOptions<T> {
  /** Images decoded ahead of the one the model is running on. */
  readonly lookahead?: number;
  readonly onResult?: (result: ImageResult<T>, done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

/**
 * Runs `work` on each image of `targets`, in order, the way every labeling job does: the next
 * images are decoded while the model works on the current one, and the next image's work is handed
 * to the model before the current one's result is back, so the model never idles for a round trip.
 * A failing image is recorded and skipped: one bad file never stops the job. On abort, the work
 * already handed over finishes and is reported.
 */
export async function forEachImage<T>(
  detector: Pick<DetectorLike, 'prepareImage' | 'release'>,
  targets: readonly LabelTarget[],
  work: (image: PreparedImage) => Promise<T>,
  options: PipelineOptions<T> = {},
): Promise<ImageResult<T>[]> {
  const lookahead = Math.max(1, options.lookahead ?? 2);
  type Prepared = { ok: true; image: PreparedImage } | { ok: false; error: unknown };
  const prepare = (t: LabelTarget): Promise<Prepared> =>
    detector.prepareImage(t.file).then(
      (image) => ({ ok: true as const, image }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  const pending: Promise<Prepared>[] = targets.slice(0, lookahead).map(prepare);
  const results: ImageResult<T>[] = [];
  const run = async (i: number, prepared: Prepared): Promise<ImageResult<T>> => {
    const relPath = targets[i].relPath;
    if (!prepared.ok) return { relPath, ok: false, error: toErrorInfo(prepared.error) };
    try {
      return { relPath, ok: true, value: await work(prepared.image) };
    } catch (e) {
      return { relPath, ok: false, error: toErrorInfo(e) };
    } finally {
      detector.release?.(prepared.image);
    }
  };
  const report = (result: ImageResult<T>) => {
    results.push(result);
    options.onResult?.(result, results.length, targets.length);
  };
  let previous: Promise<ImageResult<T>> | null = null;
  for (let i = 0; i < targets.length; i++) {
    if (options.signal?.aborted) break;
    const next = targets[i + lookahead];
    if (next) pending.push(prepare(next));
    const prepared = await pending[i];
    // Let go of the decoded image once it is in use.
    pending[i] = Promise.resolve({ ok: false, error: null });
    const current = run(i, prepared);
    if (previous) report(await previous);
    previous = current;
  }
  if (previous) report(await previous);
  return results;
}

const toOutcome = (r: ImageResult<DetectResult>): LabelOutcome =>
  r.ok
    ? { relPath: r.relPath, ok: true, image: r.value.image, detections: r.value.detections, result: r.value }
    : r;

/** Runs the prompt over `targets` in order, pipelined as forEachImage does. */
export async function labelImages(
  detector: DetectorLike,
  targets: readonly LabelTarget[],
  prompt: string,
  options: LabelJobOptions = {},
): Promise<LabelOutcome[]> {
  const { lookahead, onOutcome, signal, ...detect } = options;
  const results = await forEachImage(detector, targets, (image) => detector.detect(image, prompt, detect), {
    lookahead,
    signal,
    onResult: onOutcome && ((r, done, total) => onOutcome(toOutcome(r), done, total)),
  });
  return results.map(toOutcome);
}
