import type { Box } from '../geometry';

/** One box of an export: pixel coordinates in the oriented image, class id from 0 in project order. */
export interface ExportBox extends Box {
  readonly classId: number;
  readonly difficult?: boolean;
  /** Partly hidden: VOC's `occluded`, and an attribute of the annotation in COCO (as CVAT writes it). */
  readonly occluded?: boolean;
  /**
   * The model's proposal the box is, when it comes from a labeling run: an import can then land it
   * as a pending suggestion with its score and phrase. Writers ignore it.
   */
  readonly proposal?: { readonly score: number; readonly phrase: string; readonly rawText: string };
}

/**
 * An image as the writers see it. `reviewed` images are exported (with no boxes they are
 * reviewed negatives); `unlabeled` images are left out of every format.
 */
export interface ExportImage {
  /** Path relative to the image root, forward slashes, no leading `./`. */
  readonly relPath: string;
  /** Oriented (displayed) size. */
  readonly width: number;
  readonly height: number;
  readonly state: 'reviewed' | 'unlabeled';
  readonly boxes: readonly ExportBox[];
  /** Which split the image goes to; writers treat a missing split as `train`. */
  readonly split?: 'train' | 'val';
}

export interface ExportInput {
  /** The project's class list: the single source of ids (index) and order. */
  readonly classes: readonly string[];
  readonly images: readonly ExportImage[];
}

/**
 * A text file's content: one string, or chunks whose concatenation is the text. Chunked content is
 * re-iterable (each iteration yields the whole text again) and is streamed to disk as it is made.
 */
export type TextContent = string | Iterable<string>;

/** What a writer asks the caller to put on disk, relative to the export folder. */
export type OutputFile =
  | { readonly kind: 'text'; readonly path: string; readonly content: TextContent }
  /** An image to reference (link) or copy from `source` (relative to the image root). */
  | { readonly kind: 'image'; readonly path: string; readonly source: string };

/** A problem found while preparing an export; the writers never drop data silently. */
export interface ExportProblem {
  readonly relPath: string;
  readonly message: string;
}

export interface ExportResult {
  readonly files: readonly OutputFile[];
  readonly problems: readonly ExportProblem[];
}

/** The label formats GroundLabel writes. */
export type ExportFormat = 'coco' | 'yolo' | 'voc';
