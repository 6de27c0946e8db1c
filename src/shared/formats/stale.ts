import { isYoloStaleFile } from './yolo';
import type { ExportFormat, ExportResult } from './types';

/** The folders each format owns inside an export folder; anything else there is the user's. */
const OWNED: Record<ExportFormat, readonly string[]> = {
  coco: [],
  yolo: ['images/train/', 'images/val/', 'labels/train/', 'labels/val/'],
  voc: ['Annotations/'],
};

/**
 * Files of an earlier export that the new one does not rewrite and that must go: a leftover
 * `labels/train/x.txt` or `images/train/x.jpg` of an image that is now unlabeled would be trained on
 * (as labeled or as a negative). `existing` are paths relative to the export folder, forward slashes.
 * Delete them before writing the new files: on a case-insensitive file system `A.txt` and `a.txt`
 * are one file, and deleting after writing would remove the new one. The caller must refuse an
 * export folder that is, or lies inside, the image root: these folders would hold the originals.
 */
export function staleFiles(
  format: ExportFormat,
  existing: readonly string[],
  result: ExportResult,
): string[] {
  const written = new Set(result.files.map((f) => f.path));
  const owned = OWNED[format];
  return existing.filter(
    (p) =>
      (format === 'yolo' && isYoloStaleFile(p)) ||
      (!written.has(p) && owned.some((dir) => p.startsWith(dir))),
  );
}

/**
 * Files in an export folder that are neither rewritten by the new export nor stale: a person's own
 * files (notes, a training config) and other formats' files. An export never removes or moves them.
 */
export function keptFiles(format: ExportFormat, existing: readonly string[], result: ExportResult): string[] {
  const written = new Set(result.files.map((f) => f.path));
  const stale = new Set(staleFiles(format, existing, result));
  return existing.filter((p) => !written.has(p) && !stale.has(p));
}
