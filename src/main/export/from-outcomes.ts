import type { ExportInput } from '../../shared/formats/types';
import type { ClassMapping } from '../../shared/labels/class-map';
import type { LabelOutcome } from '../jobs/label-images';

/**
 * What a labeling run exports: every image the model looked at, with its boxes or as a reviewed
 * negative when it found nothing. Images that failed were not looked at and are left out.
 */
export function exportInputFromOutcomes(
  outcomes: readonly LabelOutcome[],
  mapping: ClassMapping,
): ExportInput {
  return {
    classes: mapping.classes,
    images: outcomes.flatMap((o) =>
      o.ok
        ? [
            {
              relPath: o.relPath,
              width: o.image.width,
              height: o.image.height,
              state: 'reviewed' as const,
              boxes: o.detections.map((d) => ({ ...d.box, classId: mapping.classOfPhrase[d.phraseIndex] })),
            },
          ]
        : [],
    ),
  };
}
