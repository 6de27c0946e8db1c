import type { ProjectMeta } from '../project';
import type { ImageEntry } from './contract';

/** Import replies: what importing labels into the open dataset would do, and what it did. */

/** What to do with images that already have boxes or were reviewed; other images always get the imported labels. */
export const IMPORT_MODES = ['merge', 'replace', 'skip'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

/** A line of an import's report, as the importer wrote it (`labels/a.txt:3: …`, `annotations[2].bbox …`). */
export interface ImportProblem {
  readonly level: 'error' | 'warning';
  readonly message: string;
}

/** What importing a label file into the open dataset would do; nothing is written to make it. */
export interface ImportPreview {
  /** Dataset images the file labels, with boxes or as reviewed negatives. */
  readonly matched: number;
  /** Images named in the file that are not in the dataset. */
  readonly notFound: number;
  /** Matched images that already have boxes or were reviewed: the mode decides what happens to them. */
  readonly annotated: number;
  /** Boxes already on those images (what 'replace' removes). */
  readonly annotatedBoxes: number;
  readonly boxes: number;
  /** Matched images the file lists with no boxes: they become reviewed negatives. */
  readonly negatives: number;
  /** Boxes reaching outside their image, clipped to it. */
  readonly clipped: number;
  /** Images whose labels were refused (the problems say why), or that cannot be written; left as they are. */
  readonly rejected: number;
  /** Class names of the file with no project class of that name: created on import, after the existing ones. */
  readonly newClasses: readonly string[];
  readonly problems: readonly ImportProblem[];
}

/** What an import did. */
export interface ImportApplied {
  /** Images written. */
  readonly images: number;
  /** Boxes added. */
  readonly boxes: number;
  /** Imported boxes left out in 'merge' because an existing box of the same class covers the same place. */
  readonly duplicates: number;
  readonly merged: number;
  readonly replaced: number;
  /** Images with annotations left as they were ('skip'). */
  readonly skipped: number;
  readonly newClasses: readonly string[];
  readonly problems: readonly ImportProblem[];
  /** The images that changed, for the image list. */
  readonly entries: readonly ImageEntry[];
  readonly meta: ProjectMeta;
}
