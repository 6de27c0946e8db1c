import { boxArea, clampBox, iou, type Box } from '../../../shared/geometry';
import { flagsOf, type BoxFlags, type BoxRecord, type ModelRun } from '../../../shared/project';
import { DUPLICATE_IOU } from '../../../shared/suggestions';
import { moveBox } from './geometry';
import { EMPTY_DIFF, type Command, type Diff, type DocState } from './types';

/**
 * Every edit is one of these commands. User edits mark the image reviewed; model suggestions do not.
 * Adjusting a suggestion (geometry or class) is a person's decision, so it becomes an accepted box.
 */

/** A new suggestion overlapping a confirmed box of the same class this much is the same object again (shared with batches). */
export { DUPLICATE_IOU };

const reviewedBy = (doc: DocState): Pick<Diff, 'reviewed'> =>
  doc.reviewed ? {} : { reviewed: [false, true] };

/** The diff of a user edit: unchanged records drop out, and a real change marks the image reviewed. */
function userEdit(doc: DocState, d: Omit<Diff, 'reviewed'>): Diff {
  const updated = d.updated.filter(([from, to]) => from !== to);
  if (!d.added.length && !updated.length && !d.removed.length) return EMPTY_DIFF;
  return { added: d.added, updated, removed: d.removed, ...reviewedBy(doc) };
}

const present = (doc: DocState, ids: Iterable<string>): BoxRecord[] =>
  [...new Set(ids)].map((id) => doc.boxes.get(id)).filter((b): b is BoxRecord => !!b);

function accepted(b: BoxRecord): BoxRecord {
  return b.origin.kind === 'suggestion'
    ? { ...b, origin: { kind: 'accepted', score: b.origin.score, phrase: b.origin.phrase } }
    : b;
}

/** A box with new geometry/class; a suggestion that changes is accepted. Returns the same record when nothing changes. */
function edited(b: BoxRecord, patch: Partial<Box> & { classId?: string }): BoxRecord {
  const keys = Object.keys(patch) as (keyof typeof patch)[];
  if (keys.every((k) => patch[k] === undefined || patch[k] === b[k])) return b;
  return accepted({ ...b, ...patch });
}

export const addBoxes =
  (records: readonly BoxRecord[]): Command =>
  (doc) =>
    userEdit(doc, { added: records, updated: [], removed: [] });

export const setGeometry =
  (id: string, box: Box): Command =>
  (doc) => {
    const b = doc.boxes.get(id);
    const { x1, y1, x2, y2 } = box;
    return userEdit(doc, { added: [], removed: [], updated: b ? [[b, edited(b, { x1, y1, x2, y2 })]] : [] });
  };

export const moveBoxes =
  (ids: Iterable<string>, dx: number, dy: number): Command =>
  (doc) =>
    userEdit(doc, {
      added: [],
      removed: [],
      updated: present(doc, ids).map((b) => [b, edited(b, moveBox(b, dx, dy, doc))] as const),
    });

export const setClass =
  (ids: Iterable<string>, classId: string): Command =>
  (doc) =>
    userEdit(doc, {
      added: [],
      removed: [],
      updated: present(doc, ids).map((b) => [b, edited(b, { classId })] as const),
    });

/** Sets or clears a person's flags (difficult, occluded); on a suggestion it is a decision, so it is accepted. */
export const setFlags =
  (ids: Iterable<string>, patch: BoxFlags): Command =>
  (doc) =>
    userEdit(doc, {
      added: [],
      removed: [],
      updated: present(doc, ids).map((b) => {
        const { difficult, occluded, ...rest } = b;
        const next = flagsOf({ difficult, occluded, ...patch });
        const same = !!next.difficult === !!difficult && !!next.occluded === !!occluded;
        return [b, same ? b : accepted({ ...rest, ...next })] as const;
      }),
    });

/**
 * Boxes of another image put on this one as boxes drawn by hand (classes and flags kept), clipped to
 * this image; a copy that lands on a box of the same class already here is left out, so copying
 * twice adds nothing.
 */
export const copyBoxes =
  (source: Iterable<BoxRecord>, newId: () => string): Command =>
  (doc) => {
    const here = [...doc.boxes.values()];
    const added: BoxRecord[] = [];
    for (const b of source) {
      const box = clampBox(b, doc);
      if (boxArea(box) <= 0) continue;
      if ([...here, ...added].some((h) => h.classId === b.classId && iou(h, box) >= DUPLICATE_IOU)) continue;
      added.push({ id: newId(), classId: b.classId, ...box, origin: { kind: 'manual' }, ...flagsOf(b) });
    }
    return userEdit(doc, { added, updated: [], removed: [] });
  };

/** Deletes boxes; for a suggestion this is rejecting it. */
export const removeBoxes =
  (ids: Iterable<string>): Command =>
  (doc) =>
    userEdit(doc, { added: [], updated: [], removed: present(doc, ids) });

/** Copies boxes as manual boxes, shifted so the copy is visible. */
export const duplicateBoxes =
  (ids: Iterable<string>, newId: () => string, offset = 10): Command =>
  (doc) =>
    userEdit(doc, {
      updated: [],
      removed: [],
      added: present(doc, ids).map((b) => ({
        ...b,
        ...moveBox(b, offset, offset, doc),
        id: newId(),
        origin: { kind: 'manual' },
      })),
    });

const acceptWhere =
  (keep: (b: BoxRecord) => boolean): Command =>
  (doc) =>
    userEdit(doc, {
      added: [],
      removed: [],
      updated: [...doc.boxes.values()]
        .filter((b) => b.origin.kind === 'suggestion' && keep(b))
        .map((b) => [b, accepted(b)] as const),
    });

export const acceptBoxes = (ids: Iterable<string>): Command => {
  const wanted = new Set(ids);
  return acceptWhere((b) => wanted.has(b.id));
};

export const acceptAll: Command = acceptWhere(() => true);

export const acceptAbove = (minScore: number): Command =>
  acceptWhere((b) => b.origin.kind === 'suggestion' && b.origin.score >= minScore);

/** A person looked and there is nothing to label: pending suggestions go, the image is reviewed. */
export const markNegative: Command = (doc) => {
  const removed = [...doc.boxes.values()].filter((b) => b.origin.kind === 'suggestion');
  return removed.length || !doc.reviewed
    ? { added: [], updated: [], removed, ...reviewedBy(doc) }
    : EMPTY_DIFF;
};

/**
 * A model run's results: pending suggestions are replaced, accepted and manual boxes are never touched,
 * and a new suggestion that repeats a confirmed box of the same class is dropped. Not a review. The
 * run itself is recorded when given, so an image where it found nothing is told apart from an
 * untouched one (undo puts the previous run back).
 */
export const replaceSuggestions =
  (records: readonly BoxRecord[], run?: ModelRun): Command =>
  (doc) => {
    const all = [...doc.boxes.values()];
    const confirmed = all.filter((b) => b.origin.kind !== 'suggestion');
    const added = records.filter(
      (r) => !confirmed.some((c) => c.classId === r.classId && iou(c, r) >= DUPLICATE_IOU),
    );
    const removed = all.filter((b) => b.origin.kind === 'suggestion');
    const ran = run && !sameRun(run, doc.modelRun) ? { modelRun: [doc.modelRun, run] as const } : {};
    return { added, updated: [], removed, ...ran };
  };

const sameRun = (a: ModelRun, b: ModelRun | undefined): boolean => a.prompt === b?.prompt && a.at === b.at;

/** Moves boxes to another class, or deletes them when `to` is null (a class being deleted). */
export const reassignClass =
  (from: string, to: string | null): Command =>
  (doc) => {
    const hit = [...doc.boxes.values()].filter((b) => b.classId === from);
    if (!hit.length) return EMPTY_DIFF;
    return to === null
      ? { added: [], updated: [], removed: hit }
      : { added: [], removed: [], updated: hit.map((b) => [b, { ...b, classId: to }] as const) };
  };
