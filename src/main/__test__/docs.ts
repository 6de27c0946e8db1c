import type { BoxOrigin, BoxRecord, ClassDef, ImageDoc, ProjectMeta } from '../../shared/project';

/** Shorthand origins for test boxes. */
export const manual: BoxOrigin = { kind: 'manual' };
export const accepted: BoxOrigin = { kind: 'accepted', score: 0.9, phrase: 'cat' };
export const suggestion: BoxOrigin = { kind: 'suggestion', score: 0.6, phrase: 'cat', rawText: 'cat' };

let next = 0;

/** A box of class `classId`; coordinates default to a small square. */
export function box(
  classId: string,
  origin: BoxOrigin = manual,
  at: Partial<Pick<BoxRecord, 'x1' | 'y1' | 'x2' | 'y2'>> = {},
): BoxRecord {
  return { id: `box-${++next}`, classId, x1: 10, y1: 10, x2: 50, y2: 40, ...at, origin };
}

/** An image document; 640×480 and not reviewed unless told otherwise. */
export function doc(relPath: string, extra: Partial<Omit<ImageDoc, 'relPath'>> = {}): ImageDoc {
  return { relPath, width: 640, height: 480, reviewed: false, boxes: [], ...extra };
}

export const cls = (id: string, name: string, color = '#ff0000'): ClassDef => ({ id, name, color });

export function meta(classes: ClassDef[], extra: Partial<Omit<ProjectMeta, 'classes'>> = {}): ProjectMeta {
  return { classes, phraseClasses: {}, promptHistory: [], ...extra };
}
