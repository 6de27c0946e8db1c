import { invertDiff } from './diff';
import type { Diff } from './types';

/** Undo and redo stacks of diffs for one image. Only document changes enter it; selection never does. */
export class History {
  #undo: Diff[] = [];
  #redo: Diff[] = [];

  constructor(private readonly limit = 500) {}

  get canUndo(): boolean {
    return this.#undo.length > 0;
  }

  get canRedo(): boolean {
    return this.#redo.length > 0;
  }

  /** Records a change that was just applied; a new change makes the redo stack meaningless. */
  push(diff: Diff): void {
    this.#undo.push(diff);
    if (this.#undo.length > this.limit) this.#undo.shift();
    this.#redo = [];
  }

  /** The diff to apply to undo the last change, or null. */
  undo(): Diff | null {
    const d = this.#undo.pop();
    if (!d) return null;
    this.#redo.push(d);
    return invertDiff(d);
  }

  /** The diff to apply to redo the last undone change, or null. */
  redo(): Diff | null {
    const d = this.#redo.pop();
    if (!d) return null;
    this.#undo.push(d);
    return d;
  }

  clear(): void {
    this.#undo = [];
    this.#redo = [];
  }
}
