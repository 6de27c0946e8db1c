import type { AcceptFilter } from '../../shared/suggestions';
import { acceptSuggestions } from '../../shared/suggestions';
import { DatasetSteps, type StepDataset, type StepResult, type UndoResult } from './dataset-steps';

/** The part of a dataset accepting suggestions needs. */
export type AcceptDataset = StepDataset;
export type { UndoResult };

export interface AcceptResult extends StepResult {
  readonly accepted: number;
}

/**
 * "Accept every suggestion above a score" across a dataset, as one step that can be undone (see
 * DatasetSteps).
 */
export class SuggestionAcceptor {
  private readonly steps: DatasetSteps;

  constructor(keep = 10) {
    this.steps = new DatasetSteps(keep);
  }

  async accept(dataset: AcceptDataset, filter: AcceptFilter): Promise<AcceptResult> {
    let accepted = 0;
    const step = await this.steps.apply(dataset, (doc) => {
      const result = acceptSuggestions(doc, filter);
      accepted += result.accepted;
      return result.accepted ? result.doc : null;
    });
    return { ...step, accepted };
  }

  /** Restores the documents an accept changed, except those edited since (a person's later work wins). */
  undo(dataset: AcceptDataset, token: string): Promise<UndoResult> {
    return this.steps.undo(dataset, token);
  }
}
