import { assignSplits } from './formats/split';
import type { ExportImage, ExportInput } from './formats/types';
import { flagsOf, imageStatus, type ClassDef, type ImageDoc } from './project';
import { count } from './plural';

/** Why an image stays out of an export: nobody declared it done yet. */
export type LeftOutReason = 'unlabeled' | 'suggested' | 'nothing-found';

/** What the export rule makes of an image. */
export type ExportRole = 'labeled' | 'negative' | LeftOutReason;

/**
 * The one export rule, shared by the app and the `label` command: only an image someone declared
 * done is exported — by a person in the app (marking it reviewed or negative, drawing or accepting a
 * box), or by an unattended `label` run, which decides for every image it looked at (see
 * `decideUnattended`). It is exported with its confirmed boxes, or as a negative when it has none.
 * Every other image is left out, and its status says why: an image where the model found nothing
 * is not a negative until someone says so.
 */
export function exportRole(doc: ImageDoc | undefined): ExportRole {
  const confirmed = !!doc?.boxes.some((b) => b.origin.kind !== 'suggestion');
  if (doc && (doc.reviewed || confirmed)) return confirmed ? 'labeled' : 'negative';
  const status = imageStatus(doc);
  return status === 'suggested' || status === 'nothing-found' ? status : 'unlabeled';
}

export interface ExportSummary {
  /** Images exported, with boxes or as negatives. */
  readonly reviewed: number;
  /** Exported images without a box (of the classes asked for). */
  readonly negatives: number;
  /** Images left out, by why (see `exportRole`). */
  readonly leftOut: Readonly<Record<LeftOutReason, number>>;
  readonly boxesPerClass: readonly { readonly name: string; readonly boxes: number }[];
  readonly problems: readonly string[];
  /** Exported images in the validation split. */
  readonly val: number;
}

export interface ExportChoices {
  /** Class ids to export, in project order; boxes of other classes are left out. All when absent. */
  readonly classIds?: readonly string[];
  readonly valFraction: number;
  readonly seed: string;
}

export interface ExportPlan {
  readonly input: ExportInput;
  readonly summary: ExportSummary;
}

const unlabeled = (relPath: string, doc: ImageDoc | undefined): ExportImage => ({
  relPath,
  width: doc?.width ?? 0,
  height: doc?.height ?? 0,
  state: 'unlabeled',
  boxes: [],
});

/**
 * What an export of a project contains under `exportRole`: the images declared done with their
 * accepted and drawn boxes (pending suggestions are never exported), in the classes asked for, in
 * project order, each in its train/val split. What is left out is counted by reason.
 */
export function planExport(
  relPaths: readonly string[],
  docOf: (relPath: string) => ImageDoc | undefined,
  classes: readonly Pick<ClassDef, 'id' | 'name'>[],
  choices: ExportChoices,
): ExportPlan {
  const chosen = classes.filter((c) => !choices.classIds || choices.classIds.includes(c.id));
  const index = new Map(chosen.map((c, i) => [c.id, i]));
  const known = new Set(classes.map((c) => c.id));
  const splits = assignSplits(relPaths, { valFraction: choices.valFraction, seed: choices.seed });
  const problems: string[] = [];
  const perClass = new Array<number>(chosen.length).fill(0);
  const leftOut: Record<LeftOutReason, number> = { unlabeled: 0, suggested: 0, 'nothing-found': 0 };
  const images = relPaths.map((relPath): ExportImage => {
    const doc = docOf(relPath);
    const role = exportRole(doc);
    if (!doc || (role !== 'labeled' && role !== 'negative')) {
      leftOut[role as LeftOutReason]++;
      return unlabeled(relPath, doc);
    }
    const pending = doc.boxes.filter((b) => b.origin.kind === 'suggestion').length;
    if (pending) problems.push(`${relPath}: ${count(pending, 'pending suggestion')} left out`);
    const orphans = doc.boxes.filter((b) => b.origin.kind !== 'suggestion' && !known.has(b.classId));
    if (orphans.length) {
      const ids = [...new Set(orphans.map((b) => b.classId))].join(', ');
      problems.push(
        `${relPath}: ${count(orphans.length, 'box', 'boxes')} of class ${ids}, no longer in the project, left out`,
      );
    }
    const boxes = doc.boxes.flatMap((b) => {
      const classId = index.get(b.classId);
      if (b.origin.kind === 'suggestion' || classId === undefined) return [];
      perClass[classId]++;
      return [{ classId, x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2, ...flagsOf(b) }];
    });
    const split = splits.get(relPath) ?? 'train';
    return { relPath, width: doc.width, height: doc.height, state: 'reviewed', boxes, split };
  });
  const exported = images.filter((i) => i.state === 'reviewed');
  return {
    input: { classes: chosen.map((c) => c.name), images },
    summary: {
      reviewed: exported.length,
      negatives: exported.filter((i) => i.boxes.length === 0).length,
      leftOut,
      boxesPerClass: chosen.map((c, i) => ({ name: c.name, boxes: perClass[i] })),
      problems,
      val: exported.filter((i) => i.split === 'val').length,
    },
  };
}

const images = (n: number): string => `${n} image${n === 1 ? '' : 's'}`;

/**
 * Why an export with this summary must not be written, for a person, or null when there is
 * something to export: an export of nothing would only be an empty folder (and a YOLO data.yaml
 * naming folders that do not exist).
 */
export function nothingToExport(summary: ExportSummary): string | null {
  if (summary.reviewed > 0) return null;
  const { unlabeled: untouched, suggested, 'nothing-found': nothing } = summary.leftOut;
  const waiting = [
    suggested && `${images(suggested)} ${suggested === 1 ? 'has' : 'have'} pending suggestions`,
    nothing && `${images(nothing)} where the model found nothing`,
    untouched && `${images(untouched)} not labeled yet`,
  ].filter(Boolean);
  const why = waiting.length ? ` (${waiting.join(', ')})` : '';
  return `Nothing to export: no image is reviewed or marked negative${why}. Accept or draw boxes, or mark images negative, then export again.`;
}
