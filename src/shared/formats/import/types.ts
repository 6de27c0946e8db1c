import type { ImageSize } from '../../geometry';
import type { ExportInput } from '../types';

/**
 * One problem found while importing. `where` locates it (`labels/a.txt:3`, `annotations[12].bbox[2]`,
 * `Annotations/a.xml: object[2].bndbox.xmin`); `message` is the whole line shown to people, `where`
 * included (`labels/a.txt:3: class 7 is not in classes.txt`, `annotations[12].bbox[2] must be ≥ 0`).
 */
export interface ImportIssue {
  readonly where: string;
  readonly message: string;
  /** Set on an entry whose image is not in the image folder: an import counts these, not fails on them. */
  readonly imageNotFound?: true;
}

export interface ImportReport {
  /** Input that was refused: a file, an entry or a box. Any error means the input was rejected. */
  readonly errors: readonly ImportIssue[];
  /** Boxes that reached outside their image and were clipped to it (and kept). */
  readonly clipped: number;
  /** Things read in a way the person should know about (a mapping, a size mismatch, a skipped file). */
  readonly warnings: readonly ImportIssue[];
}

export interface ImportResult {
  /**
   * The project as the writers take it. `images` holds every usable image of the image folder, in
   * code-unit order: `reviewed` with its boxes (none = reviewed negative) when it has a label file or
   * entry, `unlabeled` otherwise, including images whose labels were rejected (see `rejected`). Boxes
   * are in pixels of the EXIF-oriented image; unlabeled images may have size 0×0 (not measured).
   */
  readonly input: ExportInput;
  readonly report: ImportReport;
  /** Images kept out of the import because their label file or entries had errors (never rewritten). */
  readonly rejected: readonly string[];
}

/** A label file as read from disk, its path relative to the folder it was read from (forward slashes). */
export type SourceFile =
  | { readonly path: string; readonly text: string }
  /** A file that was not read (too large, unreadable); it is an error only if an image needs it. */
  | { readonly path: string; readonly unreadable: string };

/**
 * The oriented size of an image of the image folder: a size, the reason it could not be read, or
 * undefined when it was not measured (COCO and VOC then use the size written in the labels).
 */
export type SizeInfo = ImageSize | { readonly error: string } | undefined;

export type SizeLookup = (relPath: string) => SizeInfo;

/**
 * An import after the size-independent work (parsing, validation, pairing labels with images):
 * `needs` lists the images whose oriented size the boxes depend on; `finish` converts the boxes
 * with the sizes a caller measured. Neither throws.
 */
export interface StagedImport {
  readonly needs: readonly string[];
  finish(sizes: SizeLookup): ImportResult;
}

/** Formats labels are read from: every export format, and LabelMe / X-AnyLabeling JSON (read only). */
export const IMPORT_FORMATS = ['coco', 'yolo', 'voc', 'labelme'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const isImportFormat = (v: unknown): v is ImportFormat =>
  typeof v === 'string' && (IMPORT_FORMATS as readonly string[]).includes(v);
