/**
 * GroundLabel's side of the comparison, through the product's own code: the Detector opens the
 * model folder, prepares each image and runs each prompt exactly as `label` and the app do.
 */
import type { Detection, Thresholds } from '../src/shared/detection';
import type { ImageSize } from '../src/shared/geometry';
import { Detector } from '../src/main/inference/detector';
import { FLAVOURS } from '../src/main/inference/flavours';
import { describeSizeRule } from '../src/main/inference/resize';
import type { TextRun } from '../src/main/inference/text';
import { bundledVocabPath } from '../src/main/paths';
import type { GroundLabelText } from './compare';

export interface GroundLabelImage {
  readonly original: ImageSize;
  readonly size: ImageSize;
  /** The normalised CHW tensor fed to the model. */
  readonly pixels: Float32Array;
  readonly preprocessMs: number;
}

export interface GroundLabelRun {
  readonly sizeRule: string;
  readonly images: Map<string, GroundLabelImage>;
  readonly text: Map<string, { readonly runs: readonly TextRun[]; readonly inputs: GroundLabelText[] }>;
  readonly detections: Map<string, { readonly detections: Detection[]; readonly ms: number }>;
}

const FLAVOUR_B = FLAVOURS.find((f) => f.id === 'B')!;
const FLAVOUR_A = FLAVOURS.find((f) => f.id === 'A')!;

const numbers = (data: unknown): number[] => Array.from(data as ArrayLike<number | bigint>, Number);

/** The text tensors GroundLabel feeds for one pass: flavour B's, plus flavour A's position ids and mask. */
export function fedText(run: TextRun): GroundLabelText {
  const size = { width: 1, height: 1 };
  const b = FLAVOUR_B.feeds({ pixels: new Float32Array(3), size, text: run });
  const a = FLAVOUR_A.feeds({ pixels: new Float32Array(3), size, text: run });
  return {
    ids: numbers(b.input_ids.data),
    attentionMask: numbers(b.attention_mask.data),
    tokenTypeIds: numbers(b.token_type_ids.data),
    positionIds: numbers(a.position_ids.data),
    mask: Uint8Array.from(a.text_token_mask.data as Uint8Array),
  };
}

export interface GroundLabelSpec {
  readonly model: string;
  readonly images: readonly { readonly id: string; readonly file: string }[];
  readonly prompts: readonly { readonly id: string; readonly text: string }[];
  readonly pairs: readonly (readonly [string, string])[];
  readonly thresholds: Thresholds;
  readonly intraOpThreads?: number;
}

export const pairKey = (imageId: string, promptId: string): string => `${imageId}|${promptId}`;

export async function runGroundLabel(
  spec: GroundLabelSpec,
  onPair?: (imageId: string, promptId: string, ms: number) => void,
): Promise<GroundLabelRun> {
  const detector = await Detector.open({
    model: spec.model,
    bundledVocab: bundledVocabPath(),
    device: 'cpu',
    intraOpThreads: spec.intraOpThreads,
  });
  try {
    const images = new Map<string, GroundLabelImage>();
    for (const { id, file } of spec.images) {
      const prepared = await detector.prepareImage(file);
      images.set(id, {
        original: prepared.original,
        size: prepared.size,
        pixels: prepared.pixels.slice(),
        preprocessMs: prepared.ms,
      });
      detector.release(prepared);
    }
    const text = new Map<string, { runs: readonly TextRun[]; inputs: GroundLabelText[] }>();
    for (const { id, text: prompt } of spec.prompts) {
      const runs = detector.textRuns(prompt);
      text.set(id, { runs, inputs: runs.map(fedText) });
    }
    const prompts = new Map(spec.prompts.map((p) => [p.id, p.text]));
    const files = new Map(spec.images.map((i) => [i.id, i.file]));
    const detections = new Map<string, { detections: Detection[]; ms: number }>();
    for (const [imageId, promptId] of spec.pairs) {
      const t0 = performance.now();
      const result = await detector.detect(files.get(imageId)!, prompts.get(promptId)!, {
        thresholds: spec.thresholds,
      });
      const ms = performance.now() - t0;
      detections.set(pairKey(imageId, promptId), { detections: result.detections, ms });
      onPair?.(imageId, promptId, ms);
    }
    return { sizeRule: describeSizeRule(detector.info.sizeRule), images, text, detections };
  } finally {
    await detector.close();
  }
}
