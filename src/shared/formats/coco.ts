import { prepareExport } from './prepare';
import type { ExportInput, ExportResult } from './types';

export interface CocoOptions {
  readonly description?: string;
  /** Written to `info.date_created`; passed in so that the same project gives the same bytes. */
  readonly dateCreated?: string;
}

export interface CocoImage {
  readonly id: number;
  readonly file_name: string;
  readonly width: number;
  readonly height: number;
}

export interface CocoAnnotation {
  readonly id: number;
  readonly image_id: number;
  readonly category_id: number;
  readonly bbox: readonly [number, number, number, number];
  readonly area: number;
  readonly iscrowd: 0;
  readonly segmentation: readonly never[];
}

export interface CocoCategory {
  readonly id: number;
  readonly name: string;
  readonly supercategory: string;
}

export interface CocoDataset {
  readonly info: { readonly description: string; readonly version: string; readonly date_created: string };
  readonly licenses: readonly never[];
  readonly images: readonly CocoImage[];
  readonly annotations: readonly CocoAnnotation[];
  readonly categories: readonly CocoCategory[];
}

export const COCO_FILE = 'annotations.json';

/** Rounds to 6 decimals to drop float noise (0.1 + 0.2) and normalises -0 to 0. */
export const round6 = (v: number): number => Number(v.toFixed(6)) + 0;

/** The dataset as an object (for tests and for callers that want to post-process it). */
export function buildCoco(
  input: ExportInput,
  opts: CocoOptions = {},
): { dataset: CocoDataset; problems: ExportResult['problems'] } {
  const prep = prepareExport(input);
  const images: CocoImage[] = [];
  const annotations: CocoAnnotation[] = [];
  // Ids start at 1: pycocotools treats a matched id 0 as unmatched.
  prep.images.forEach((im, i) => {
    const imageId = i + 1;
    images.push({ id: imageId, file_name: im.relPath, width: im.width, height: im.height });
    for (const b of im.boxes) {
      const w = round6(b.x2 - b.x1);
      const h = round6(b.y2 - b.y1);
      annotations.push({
        id: annotations.length + 1,
        image_id: imageId,
        category_id: b.classId + 1,
        bbox: [round6(b.x1), round6(b.y1), w, h],
        area: round6(w * h),
        iscrowd: 0,
        segmentation: [],
      });
    }
  });
  const categories = prep.classes.map((name, i) => ({ id: i + 1, name, supercategory: '' }));
  const info = {
    description: opts.description ?? 'GroundLabel export',
    version: '1.0',
    date_created: opts.dateCreated ?? '',
  };
  return { dataset: { info, licenses: [], images, annotations, categories }, problems: prep.problems };
}

/**
 * COCO detection ground truth: reviewed images (negatives with no annotations), unlabeled ones left
 * out, category_id = class id + 1.
 */
export function toCoco(input: ExportInput, opts: CocoOptions = {}): ExportResult {
  const { dataset, problems } = buildCoco(input, opts);
  const content = `${JSON.stringify(dataset, null, 2)}\n`;
  return { files: [{ kind: 'text', path: COCO_FILE, content }], problems };
}
