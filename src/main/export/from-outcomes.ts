import { decideUnattended } from '../../shared/decisions';
import { planExport, type ExportPlan } from '../../shared/export-plan';
import type { ClassMapping } from '../../shared/labels/class-map';
import { imageStatus, type ImageDoc } from '../../shared/project';
import { suggestionRecords, withSuggestions } from '../../shared/suggestions';
import type { LabelOutcome } from '../jobs/label-images';

export interface RunExport {
  readonly plan: ExportPlan;
  /** Images where the model found nothing, which the run declared negatives. */
  readonly nothingFound: number;
  /** Classes no image has a box of: left out of the export, in class order. */
  readonly unused: readonly string[];
}

/** What the export needs of an outcome: the image's size and detections, or only that it failed. */
export type ExportableOutcome =
  | Pick<Extract<LabelOutcome, { ok: true }>, 'relPath' | 'ok' | 'image' | 'detections'>
  | Pick<Extract<LabelOutcome, { ok: false }>, 'relPath' | 'ok'>;

/**
 * What a labeling run exports, by the app's own rule: each image the model looked at gets the
 * document a batch in the app would write (pending suggestions, the run recorded), then the run —
 * having no person to review — decides it as `decideUnattended` does (suggestions accepted, nothing
 * found means negative), and `planExport` makes the export. Images that failed were not looked at
 * and are left out, counted as not labeled. Class ids are the indices of `mapping.classes`; a class
 * none of whose phrases found anything is left out, as the app makes classes only for what was found
 * (a 126-phrase prompt must not leave 126 empty categories).
 */
export function exportFromOutcomes(
  outcomes: readonly ExportableOutcome[],
  mapping: ClassMapping,
  prompt: string,
  at: string = new Date().toISOString(),
): RunExport {
  const docs = new Map<string, ImageDoc>();
  let nothingFound = 0;
  for (const o of outcomes) {
    if (!o.ok) continue;
    const classOf = new Map(
      o.detections.map((d) => [d.phrase, String(mapping.classOfPhrase[d.phraseIndex])]),
    );
    let n = 0;
    const records = suggestionRecords(
      o.detections,
      (phrase) => classOf.get(phrase) ?? '',
      () => `${o.relPath}#${++n}`,
    );
    const base: ImageDoc = {
      relPath: o.relPath,
      width: o.image.width,
      height: o.image.height,
      reviewed: false,
      boxes: [],
      modelRun: { prompt, at },
    };
    const found = withSuggestions(base, records);
    if (imageStatus(found) === 'nothing-found') nothingFound++;
    docs.set(o.relPath, decideUnattended(found));
  }
  const used = new Set<number>();
  for (const o of outcomes)
    if (o.ok) for (const d of o.detections) used.add(mapping.classOfPhrase[d.phraseIndex]);
  const classes = mapping.classes.flatMap((name, i) => (used.has(i) ? [{ id: String(i), name }] : []));
  const unused = mapping.classes.filter((_, i) => !used.has(i));
  // Failed images are listed too, as the app lists them: left out, and in the same output names.
  const relPaths = outcomes.map((o) => o.relPath);
  const plan = planExport(relPaths, (r) => docs.get(r), classes, { valFraction: 0, seed: '' });
  return { plan, nothingFound, unused };
}
