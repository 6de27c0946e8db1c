import { applyDiff, isEmptyDiff } from './diff';
import { History } from './history';
import type { Command, Diff, DocState } from './types';

/** One image being edited: its document and its own history. Every change goes through run/undo/redo. */
export class EditorSession {
  readonly history = new History();
  #doc: DocState;

  constructor(doc: DocState) {
    this.#doc = doc;
  }

  get doc(): DocState {
    return this.#doc;
  }

  /** Runs a command as one undo step; returns what changed, or null when nothing did. */
  run(command: Command): Diff | null {
    const diff = command(this.#doc);
    if (isEmptyDiff(diff)) return null;
    this.#doc = applyDiff(this.#doc, diff);
    this.history.push(diff);
    return diff;
  }

  undo(): Diff | null {
    return this.#step(this.history.undo());
  }

  redo(): Diff | null {
    return this.#step(this.history.redo());
  }

  /** Applies a change that cannot be undone (a deleted class), forgetting the history it would contradict. */
  rewrite(command: Command): Diff | null {
    const diff = command(this.#doc);
    if (isEmptyDiff(diff)) return null;
    this.#doc = applyDiff(this.#doc, diff);
    this.history.clear();
    return diff;
  }

  #step(diff: Diff | null): Diff | null {
    if (diff) this.#doc = applyDiff(this.#doc, diff);
    return diff;
  }
}
