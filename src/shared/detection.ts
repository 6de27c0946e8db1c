import type { Box } from './geometry';

/** One box the model proposes, labelled with exactly one of the prompt's phrases. */
export interface Detection {
  /** Pixels of the EXIF-oriented original image, clamped to it. */
  readonly box: Box;
  /** sigmoid of the query's best logit over the prompt's tokens. */
  readonly score: number;
  readonly phrase: string;
  /** Index of the phrase in the prompt. */
  readonly phraseIndex: number;
  /** The original repo's label: tokens above the text threshold, decoded; shown for reference. */
  readonly rawText: string;
}

export interface Thresholds {
  /** Keep a query when its best token's probability is strictly above this. */
  readonly box: number;
  /** Tokens strictly above this make up the raw decoded text. */
  readonly text: number;
  /** Per-phrase NMS IoU threshold, or null for none. */
  readonly nmsIou: number | null;
  /**
   * Class-agnostic NMS across phrases: a box covering a better box of another phrase above this IoU
   * is dropped (one object, one phrase). Absent or null: off. Not applied to referring expressions.
   */
  readonly crossIou?: number | null;
}

export const DEFAULT_THRESHOLDS: Thresholds = { box: 0.35, text: 0.25, nmsIou: 0.5 };
