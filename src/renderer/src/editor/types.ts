import type { BoxRecord, ImageDoc, ModelRun } from '../../../shared/project';

/** One image's document: its box records by id (insertion order is drawing order) and whether a person reviewed it. */
export interface DocState {
  readonly relPath: string;
  readonly width: number;
  readonly height: number;
  readonly reviewed: boolean;
  readonly boxes: ReadonlyMap<string, BoxRecord>;
  /** The model's last run on the image (see ImageDoc.modelRun). */
  readonly modelRun?: ModelRun;
}

/** What a command changed; undo applies the inverse. Records are immutable, so unchanged ones keep their identity. */
export interface Diff {
  readonly added: readonly BoxRecord[];
  readonly updated: readonly (readonly [from: BoxRecord, to: BoxRecord])[];
  readonly removed: readonly BoxRecord[];
  readonly reviewed?: readonly [from: boolean, to: boolean];
  readonly modelRun?: readonly [from: ModelRun | undefined, to: ModelRun | undefined];
}

/** A command reads the document and says what it would change; it never mutates. */
export type Command = (doc: DocState) => Diff;

export const EMPTY_DIFF: Diff = { added: [], updated: [], removed: [] };

export function fromImageDoc(doc: ImageDoc): DocState {
  return {
    relPath: doc.relPath,
    width: doc.width,
    height: doc.height,
    reviewed: doc.reviewed,
    boxes: new Map(doc.boxes.map((b) => [b.id, b])),
    ...(doc.modelRun && { modelRun: doc.modelRun }),
  };
}

export function toImageDoc(doc: DocState): ImageDoc {
  return {
    relPath: doc.relPath,
    width: doc.width,
    height: doc.height,
    reviewed: doc.reviewed,
    boxes: [...doc.boxes.values()],
    ...(doc.modelRun && { modelRun: doc.modelRun }),
  };
}
