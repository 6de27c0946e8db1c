import type { DocState, Diff } from './types';

export const isEmptyDiff = (d: Diff): boolean =>
  d.added.length === 0 && d.updated.length === 0 && d.removed.length === 0 && !d.reviewed && !d.modelRun;

export function invertDiff(d: Diff): Diff {
  return {
    added: d.removed,
    removed: d.added,
    updated: d.updated.map(([from, to]) => [to, from] as const),
    ...(d.reviewed ? { reviewed: [d.reviewed[1], d.reviewed[0]] as const } : {}),
    ...(d.modelRun ? { modelRun: [d.modelRun[1], d.modelRun[0]] as const } : {}),
  };
}

/** Applies a diff, returning a new document; throws when the diff does not fit (a bug, never user input). */
export function applyDiff(doc: DocState, d: Diff): DocState {
  if (isEmptyDiff(d)) return doc;
  const boxes = new Map(doc.boxes);
  for (const b of d.removed) {
    if (!boxes.delete(b.id)) throw new Error(`diff removes box ${b.id}, which is not in ${doc.relPath}`);
  }
  for (const [from, to] of d.updated) {
    if (!boxes.has(from.id) || from.id !== to.id)
      throw new Error(`diff updates box ${from.id}, which is not in ${doc.relPath}`);
    boxes.set(to.id, to);
  }
  for (const b of d.added) {
    if (boxes.has(b.id)) throw new Error(`diff adds box ${b.id}, which is already in ${doc.relPath}`);
    boxes.set(b.id, b);
  }
  const { modelRun: _previous, ...rest } = doc;
  const modelRun = d.modelRun ? d.modelRun[1] : doc.modelRun;
  return {
    ...rest,
    boxes,
    reviewed: d.reviewed ? d.reviewed[1] : doc.reviewed,
    ...(modelRun && { modelRun }),
  };
}
