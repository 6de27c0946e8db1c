import type { Detection } from './detection';
import { iou } from './geometry';
import { newId } from './ids';
import type { BoxRecord, ImageDoc } from './project';

/** A new suggestion overlapping a confirmed box of the same class this much is the same object again. */
export const DUPLICATE_IOU = 0.7;

/** Model detections as pending suggestion records, each with the class of its phrase. */
export function suggestionRecords(
  detections: readonly Detection[],
  classOf: (phrase: string) => string,
  makeId: () => string = newId,
): BoxRecord[] {
  return detections.map((d) => ({
    id: makeId(),
    classId: classOf(d.phrase),
    x1: d.box.x1,
    y1: d.box.y1,
    x2: d.box.x2,
    y2: d.box.y2,
    origin: { kind: 'suggestion', score: d.score, phrase: d.phrase, rawText: d.rawText },
  }));
}

/**
 * A model run's results on a document: its pending suggestions are replaced, accepted and manual boxes
 * are never touched, and a new suggestion repeating a confirmed box of the same class is dropped.
 * Not a review: `reviewed` stays as it was. The renderer's replaceSuggestions command does the same.
 */
export function withSuggestions(doc: ImageDoc, records: readonly BoxRecord[]): ImageDoc {
  const confirmed = doc.boxes.filter((b) => b.origin.kind !== 'suggestion');
  const added = records.filter(
    (r) => !confirmed.some((c) => c.classId === r.classId && iou(c, r) >= DUPLICATE_IOU),
  );
  return { ...doc, boxes: [...confirmed, ...added] };
}

export interface AcceptFilter {
  /** Suggestions scoring at least this are accepted. */
  readonly minScore: number;
  /** Only suggestions of these classes; all classes when absent. */
  readonly classIds?: readonly string[];
}

/** Accepts the pending suggestions that pass the filter; an image where any was accepted is reviewed. */
export function acceptSuggestions(
  doc: ImageDoc,
  filter: AcceptFilter,
): { readonly doc: ImageDoc; readonly accepted: number } {
  const classes = filter.classIds ? new Set(filter.classIds) : null;
  let accepted = 0;
  const boxes = doc.boxes.map((b): BoxRecord => {
    const o = b.origin;
    if (o.kind !== 'suggestion' || o.score < filter.minScore || (classes && !classes.has(b.classId)))
      return b;
    accepted++;
    return { ...b, origin: { kind: 'accepted', score: o.score, phrase: o.phrase } };
  });
  return accepted ? { doc: { ...doc, reviewed: true, boxes }, accepted } : { doc, accepted: 0 };
}

/** Pending suggestions of a document, and the best score among them (null when there is none). */
export function pendingOf(doc: ImageDoc | undefined): {
  readonly count: number;
  readonly top: number | null;
} {
  let count = 0;
  let top: number | null = null;
  for (const b of doc?.boxes ?? []) {
    if (b.origin.kind !== 'suggestion') continue;
    count++;
    top = top === null ? b.origin.score : Math.max(top, b.origin.score);
  }
  return { count, top };
}
