import { GroundLabelError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import type { ImageDoc } from '../../shared/project';

/** The part of a dataset a step across its images needs (DatasetService has it). */
export interface StepDataset {
  readonly root: string;
  readonly relPaths: readonly string[];
  readonly store: {
    get(relPath: string): ImageDoc | undefined;
    revisionOf(relPath: string): number;
    putImage(doc: ImageDoc, options?: { readonly baseRevision?: number }): Promise<ImageDoc>;
  };
}

interface Change {
  readonly before: ImageDoc;
  readonly after: ImageDoc;
}

interface Step {
  readonly root: string;
  readonly changes: readonly Change[];
}

export interface StepResult {
  readonly token: string;
  /** Paths of the images that changed. */
  readonly relPaths: readonly string[];
}

export interface UndoResult {
  readonly restored: readonly string[];
  /** Images written again after the step (a person's edit, a batch): left as they are. */
  readonly skipped: readonly string[];
}

/**
 * Changes across a whole dataset made as one step that can be undone: each changed image's document
 * from before is kept in memory under a token (the last few steps only, until the app restarts).
 */
export class DatasetSteps {
  private readonly steps = new Map<string, Step>();

  constructor(private readonly keep = 10) {}

  /** Writes `change(doc)` for every image with a document, except where it returns null. */
  async apply(dataset: StepDataset, change: (doc: ImageDoc) => ImageDoc | null): Promise<StepResult> {
    const changes: Change[] = [];
    for (const relPath of dataset.relPaths) {
      const before = dataset.store.get(relPath);
      const next = before && change(before);
      if (!before || !next) continue;
      changes.push({ before, after: await dataset.store.putImage(next) });
    }
    const token = newId();
    this.steps.set(token, { root: dataset.root, changes });
    while (this.steps.size > this.keep) this.steps.delete(this.steps.keys().next().value as string);
    return { token, relPaths: changes.map((c) => c.before.relPath) };
  }

  /** Restores the documents a step changed, except those written since (a person's later work wins). */
  async undo(dataset: StepDataset, token: string): Promise<UndoResult> {
    const step = this.steps.get(token);
    if (!step || step.root !== dataset.root) {
      throw new GroundLabelError(
        'bad-argument',
        `Nothing to undo for token ${token}: it was already undone, is too old, or belongs to another dataset.`,
      );
    }
    this.steps.delete(token);
    const restored: string[] = [];
    const skipped: string[] = [];
    for (const { before, after } of step.changes) {
      // Any write since the step (a person's edit, a batch) moved the revision on: that work wins.
      const baseRevision = after.revision ?? 0;
      if (dataset.store.revisionOf(before.relPath) !== baseRevision) {
        skipped.push(before.relPath);
        continue;
      }
      await dataset.store.putImage(before, { baseRevision });
      restored.push(before.relPath);
    }
    return { restored, skipped };
  }
}
