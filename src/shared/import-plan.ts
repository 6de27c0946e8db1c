import { classByName, nextClassColor } from './classes';
import { GroundLabelError } from './errors';
import type { ExportBox, ExportImage } from './formats/types';
import type { ImportIssue, ImportResult } from './formats/import';
import { iou } from './geometry';
import { newId } from './ids';
import type { ImportMode, ImportPreview, ImportProblem } from './ipc/contract';
import {
  flagsOf,
  type BoxRecord,
  type ClassDef,
  type ImageDoc,
  type ModelRun,
  type ProjectMeta,
} from './project';
import { withSuggestions } from './suggestions';

/** An imported box overlapping an existing box of the same class this much is the same box again. */
export const IMPORT_DUPLICATE_IOU = 0.95;

/** The most problem lines sent back; the rest are counted in one last line. */
export const MAX_PROBLEMS = 200;

/** The open dataset as an import sees it. */
export interface ImportTarget {
  readonly relPaths: readonly string[];
  readonly meta: ProjectMeta;
  docOf(relPath: string): ImageDoc | undefined;
  /** Why an image's label file cannot be written, when it cannot. */
  readOnlyReason(relPath: string): string | undefined;
}

/** One document an import writes, and what it changed. */
export interface ImportWrite {
  readonly doc: ImageDoc;
  readonly kind: 'new' | 'merged' | 'replaced';
  /** False when a merge brings nothing new: the document is left as it is. */
  readonly changed: boolean;
  readonly added: number;
  readonly duplicates: number;
}

export interface ImportPlan {
  /** The meta with the new classes; the same object when there are none. */
  readonly meta: ProjectMeta;
  readonly newClasses: readonly string[];
  readonly writes: readonly ImportWrite[];
  /** Annotated images left as they are ('skip'). */
  readonly skipped: number;
  readonly problems: readonly ImportProblem[];
}

/** A person has looked at the image or something is on it: an import must ask before touching it. */
export const hasAnnotations = (doc: ImageDoc | undefined): boolean =>
  !!doc && (doc.reviewed || doc.boxes.length > 0);

/**
 * Whether an issue says that the file names an image the image folder does not have: an import
 * counts these instead of treating them as errors, since a label file often covers more images
 * than the folder opened.
 */
const isNotFound = (issue: ImportIssue): boolean => issue.imageNotFound === true;

interface Sorted {
  /** Imported images of the dataset that will be written, in dataset order. */
  readonly matched: readonly ExportImage[];
  readonly notFound: number;
  /** Imported images that cannot be written (read-only label file), with the reason. */
  readonly readOnly: readonly string[];
  readonly errors: readonly ImportIssue[];
  readonly notFoundIssues: readonly ImportIssue[];
}

function sort(result: ImportResult, target: ImportTarget): Sorted {
  const inDataset = new Set(target.relPaths);
  const matched: ExportImage[] = [];
  const readOnly: string[] = [];
  let outside = 0;
  for (const im of result.input.images) {
    if (im.state !== 'reviewed') continue;
    if (!inDataset.has(im.relPath)) {
      // Listed in the folder now but not when the dataset was opened.
      outside += 1;
      continue;
    }
    const reason = target.readOnlyReason(im.relPath);
    if (reason === undefined) matched.push(im);
    else readOnly.push(`${im.relPath}: ${reason}; its imported labels are left out`);
  }
  const notFoundIssues = [...result.report.errors, ...result.report.warnings].filter((i) => isNotFound(i));
  const errors = result.report.errors.filter((i) => !isNotFound(i));
  return { matched, notFound: outside + notFoundIssues.length, readOnly, errors, notFoundIssues };
}

function problemsOf(result: ImportResult, s: Sorted): ImportProblem[] {
  // Errors first, so that a long list of unmatched files never hides them.
  const warnings = result.report.warnings.filter((i) => !isNotFound(i));
  const all: ImportProblem[] = [
    ...s.errors.map((i) => ({ level: 'error' as const, message: i.message })),
    ...s.readOnly.map((message) => ({ level: 'error' as const, message })),
    ...warnings.map((i) => ({ level: 'warning' as const, message: i.message })),
    ...s.notFoundIssues.map((i) => ({ level: 'warning' as const, message: i.message })),
  ];
  if (all.length <= MAX_PROBLEMS) return all;
  const more = all.length - MAX_PROBLEMS + 1;
  return [...all.slice(0, MAX_PROBLEMS - 1), { level: 'warning', message: `… and ${more} more` }];
}

/**
 * Refuses an import that can bring nothing in because of errors (a malformed file, no class
 * names), naming the first errors; an import that matches no image for want of names is not refused.
 */
function refuseRejected(s: Sorted, display: string): void {
  if (s.matched.length > 0 || s.errors.length === 0) return;
  const shown = s.errors.slice(0, 3).map((e) => e.message);
  const more = s.errors.length > 3 ? `; and ${s.errors.length - 3} more` : '';
  throw new GroundLabelError(
    'label-file-invalid',
    `${display} cannot be imported: ${shown.join('; ')}${more}`,
  );
}

/** Names of the file's classes used by `images` that no project class has, in the file's order. */
function missingClasses(result: ImportResult, images: readonly ExportImage[], classes: readonly ClassDef[]) {
  const used = new Set(images.flatMap((im) => im.boxes.map((b) => b.classId)));
  return result.input.classes.filter((name, i) => used.has(i) && !classByName(classes, name));
}

/** Counts what importing `result` into the dataset would do. Throws when the input was rejected. */
export function previewImport(result: ImportResult, target: ImportTarget, display: string): ImportPreview {
  const s = sort(result, target);
  refuseRejected(s, display);
  const annotated = s.matched.map((im) => target.docOf(im.relPath)).filter(hasAnnotations);
  const inDataset = new Set(target.relPaths);
  return {
    matched: s.matched.length,
    notFound: s.notFound,
    annotated: annotated.length,
    annotatedBoxes: annotated.reduce((n, d) => n + (d?.boxes.length ?? 0), 0),
    boxes: s.matched.reduce((n, im) => n + im.boxes.length, 0),
    negatives: s.matched.filter((im) => im.boxes.length === 0).length,
    clipped: result.report.clipped,
    rejected: result.rejected.filter((r) => inDataset.has(r)).length + s.readOnly.length,
    newClasses: missingClasses(result, s.matched, target.meta.classes),
    problems: problemsOf(result, s),
  };
}

/** The meta with a class for each new name (next free colour, fresh id), and each imported class id's project id. */
function withClasses(
  result: ImportResult,
  names: readonly string[],
  meta: ProjectMeta,
  makeId: () => string,
): { meta: ProjectMeta; idOf: (classId: number) => string } {
  let classes = meta.classes;
  for (const name of names)
    classes = [...classes, { id: makeId(), name: name.trim(), color: nextClassColor(classes) }];
  const ids = result.input.classes.map((name) => classByName(classes, name)?.id ?? '');
  return { meta: classes === meta.classes ? meta : { ...meta, classes }, idOf: (i) => ids[i] };
}

/**
 * How imported boxes land. `labels`: a label file is someone's finished work, so its boxes are
 * confirmed and the image reviewed. `suggestions`: a model run's results (a merged labeling run)
 * land as a batch's would, pending review: the image's earlier suggestions are replaced, its
 * confirmed boxes never touched (a new suggestion repeating one is dropped), `reviewed` left as it
 * is, and the run recorded, so an image where the model found nothing shows as such.
 */
export type ImportLanding =
  { readonly as: 'labels' } | { readonly as: 'suggestions'; readonly modelRun: ModelRun };

const AS_LABELS: ImportLanding = { as: 'labels' };

/** A model's box as a pending suggestion; a box without its proposal scores 1 under its class name. */
function suggestionOf(result: ImportResult, b: ExportBox) {
  const proposal = b.proposal ?? { score: 1, phrase: result.input.classes[b.classId], rawText: '' };
  return { kind: 'suggestion' as const, ...proposal };
}

/**
 * The documents an import writes. Landing as labels: images without annotations get the imported
 * boxes; annotated ones are merged (existing boxes kept, near-duplicates of confirmed boxes left
 * out), replaced, or skipped, and every written image is reviewed (one listed with no boxes is a
 * reviewed negative). Landing as suggestions: see `ImportLanding`; 'skip' leaves annotated images
 * alone, 'merge' and 'replace' both keep their confirmed boxes.
 */
export function planImport(
  result: ImportResult,
  target: ImportTarget,
  mode: ImportMode,
  display: string,
  makeId: () => string = newId,
  landing: ImportLanding = AS_LABELS,
): ImportPlan {
  const s = sort(result, target);
  refuseRejected(s, display);
  const touched = s.matched.filter((im) => mode !== 'skip' || !hasAnnotations(target.docOf(im.relPath)));
  const newClasses = missingClasses(result, touched, target.meta.classes);
  const { meta, idOf } = withClasses(result, newClasses, target.meta, makeId);
  const writes: ImportWrite[] = [];
  for (const im of touched) {
    const before = target.docOf(im.relPath);
    const incoming = im.boxes.map((b): BoxRecord => ({
      id: makeId(),
      classId: idOf(b.classId),
      x1: b.x1,
      y1: b.y1,
      x2: b.x2,
      y2: b.y2,
      origin: { kind: 'manual' },
      ...flagsOf(b),
    }));
    const base: ImageDoc = before ?? {
      relPath: im.relPath,
      width: im.width,
      height: im.height,
      reviewed: false,
      boxes: [],
    };
    if (landing.as === 'suggestions') {
      const records = im.boxes.map((b, i): BoxRecord => ({
        ...incoming[i],
        origin: suggestionOf(result, b),
      }));
      const doc = { ...withSuggestions(base, records), modelRun: landing.modelRun };
      const added = doc.boxes.length - base.boxes.filter((b) => b.origin.kind !== 'suggestion').length;
      const kind = hasAnnotations(before) ? 'merged' : 'new';
      writes.push({ doc, kind, changed: true, added, duplicates: records.length - added });
      continue;
    }
    if (!hasAnnotations(before) || mode === 'replace') {
      const kind = hasAnnotations(before) ? 'replaced' : 'new';
      const doc = { ...base, reviewed: true, boxes: incoming };
      writes.push({ doc, kind, changed: true, added: incoming.length, duplicates: 0 });
      continue;
    }
    // Pending suggestions are not labels yet: an imported box is kept even where one lies.
    const confirmed = base.boxes.filter((b) => b.origin.kind !== 'suggestion');
    const kept = incoming.filter(
      (r) => !confirmed.some((c) => c.classId === r.classId && iou(c, r) >= IMPORT_DUPLICATE_IOU),
    );
    const duplicates = incoming.length - kept.length;
    if (kept.length === 0 && base.reviewed) {
      writes.push({ doc: base, kind: 'merged', changed: false, added: 0, duplicates });
      continue;
    }
    writes.push({
      doc: { ...base, reviewed: true, boxes: [...base.boxes, ...kept] },
      kind: 'merged',
      changed: true,
      added: kept.length,
      duplicates,
    });
  }
  return {
    meta,
    newClasses,
    writes,
    skipped: s.matched.length - touched.length,
    problems: problemsOf(result, s),
  };
}

/** The counts of the writes that went through (or were not needed). */
export function tally(writes: readonly ImportWrite[]) {
  return {
    images: writes.filter((w) => w.changed).length,
    boxes: writes.reduce((n, w) => n + w.added, 0),
    duplicates: writes.reduce((n, w) => n + w.duplicates, 0),
    merged: writes.filter((w) => w.kind === 'merged').length,
    replaced: writes.filter((w) => w.kind === 'replaced').length,
  };
}
