import type { ImportIssue, ImportResult } from '../../../shared/formats/import';

export interface LabelledImage {
  readonly relPath: string;
  /** [class index, x1, y1, x2, y2]; none: a reviewed negative. */
  readonly boxes: readonly (readonly [number, number, number, number, number])[];
}

/** What an importer returns for a file labelling `images` with `classes`, for the fake Api's imports. */
export function importResult(
  classes: readonly string[],
  images: readonly LabelledImage[],
  report: { errors?: readonly ImportIssue[]; warnings?: readonly ImportIssue[]; clipped?: number } = {},
): ImportResult {
  return {
    input: {
      classes,
      images: images.map((im) => ({
        relPath: im.relPath,
        width: 200,
        height: 100,
        state: 'reviewed',
        boxes: im.boxes.map(([classId, x1, y1, x2, y2]) => ({ classId, x1, y1, x2, y2 })),
      })),
    },
    report: { errors: report.errors ?? [], warnings: report.warnings ?? [], clipped: report.clipped ?? 0 },
    rejected: [],
  };
}
