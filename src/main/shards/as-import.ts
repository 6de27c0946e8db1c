import type { ImportResult } from '../../shared/formats/import';
import type { ClassMapping } from '../../shared/labels/class-map';
import type { ExportableOutcome } from '../export/from-outcomes';
import type { ResultLine } from './manifest';

/** A results line as the outcome of a labeling run, for the export `label` itself makes. */
export const outcomeOf = (line: ResultLine): ExportableOutcome =>
  line.ok
    ? {
        relPath: line.relPath,
        ok: true,
        image: { width: line.width, height: line.height },
        detections: line.detections,
      }
    : { relPath: line.relPath, ok: false };

/**
 * A merged run's results as an import, for a project: every image the model looked at with its
 * detections as boxes of their phrase's class, each carrying its score, phrase and raw text (see
 * ExportBox.proposal); images the model found nothing in are listed with none. Failed images are
 * left out: the model never saw them.
 */
export function importOfResults(lines: readonly ResultLine[], mapping: ClassMapping): ImportResult {
  const images = lines.flatMap((l) =>
    l.ok
      ? [
          {
            relPath: l.relPath,
            width: l.width,
            height: l.height,
            state: 'reviewed' as const,
            boxes: l.detections.map((d) => ({
              classId: mapping.classOfPhrase[d.phraseIndex],
              ...d.box,
              proposal: { score: d.score, phrase: d.phrase, rawText: d.rawText },
            })),
          },
        ]
      : [],
  );
  return {
    input: { classes: mapping.classes, images },
    report: { errors: [], clipped: 0, warnings: [] },
    rejected: [],
  };
}
