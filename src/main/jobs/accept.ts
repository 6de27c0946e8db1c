import { GroundLabelError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import type { ImageDoc } from '../../shared/project';
import { acceptSuggestions, type AcceptFilter } from '../../shared/suggestions';

/** The part of a dataset accepting suggestions needs. */
export interface AcceptDataset {
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

export interface AcceptResult {
  readonly token: string;
  readonly accepted: number;
  /** Paths of the images that changed. */
  readonly relPaths: readonly string[];
}

export interface UndoResult {
  readonly restored: readonly string[];
  /** Images edited after the accept: left as they are. */
  readonly skipped: readonly string[];
}

/**
 * "Accept every suggestion above a score" across a dataset, as one step that can be undone: the
 * documents from before are kept in memory under a token (the last few steps only).
 */
export class SuggestionAcceptor {
  private readonly steps = new Map<string, Step>();

  constructor(private readonly keep = 10) {}

  async accept(dataset: AcceptDataset, filter: AcceptFilter): Promise<AcceptResult> {
    const changes: Change[] = [];
    let accepted = 0;
    for (const relPath of dataset.relPaths) {
      const before = dataset.store.get(relPath);
      if (!before) continue;
      const result = acceptSuggestions(before, filter);
      if (!result.accepted) continue;
      const after = await dataset.store.putImage(result.doc);
      changes.push({ before, after });
      accepted += result.accepted;
    }
    const token = newId();
    this.steps.set(token, { root: dataset.root, changes });
    while (this.steps.size > this.keep) this.steps.delete(this.steps.keys().next().value as string);
    return { token, accepted, relPaths: changes.map((c) => c.before.relPath) };
  }

  /** Restores the documents an accept changed, except those edited since (a person's later work wins). */
  async undo(dataset: AcceptDataset, token: string): Promise<UndoResult> {
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
      // Any write since the accept (a person's edit, a batch) moved the revision on: that work wins.
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
