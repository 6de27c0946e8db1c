import { COCO_FILE, COCO_SPLIT_FILES } from './coco';
import { VOC_IMAGE_SETS } from './voc';
import { isYoloStaleFile } from './yolo';
import type { ExportFormat, ExportResult } from './types';

/**
 * What each format owns inside an export folder: whole folders (a trailing slash) and single files.
 * Anything else there is the user's.
 */
const OWNED: Record<ExportFormat, readonly string[]> = {
  coco: [COCO_FILE, ...Object.values(COCO_SPLIT_FILES)],
  yolo: ['images/train/', 'images/val/', 'labels/train/', 'labels/val/'],
  voc: ['Annotations/', ...['train', 'val', 'trainval'].map((set) => `${VOC_IMAGE_SETS}/${set}.txt`)],
};

const isOwned = (format: ExportFormat, p: string): boolean =>
  OWNED[format].some((owned) => (owned.endsWith('/') ? p.startsWith(owned) : p === owned));

/**
 * Files of an earlier export that the new one does not rewrite and that must go: a leftover
 * `labels/train/x.txt` or `images/train/x.jpg` of an image that is now unlabeled would be trained on
 * (as labeled or as a negative), and an `instances_val.json` of an earlier split would be evaluated on. `existing` are paths relative to the export folder, forward slashes.
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
  return existing.filter(
    (p) => (format === 'yolo' && isYoloStaleFile(p)) || (!written.has(p) && isOwned(format, p)),
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
