import { markNothingFoundNegative } from '../../shared/decisions';
import { DatasetSteps, type StepDataset, type StepResult, type UndoResult } from './dataset-steps';

/**
 * "Mark every image where the model found nothing as negative" across a dataset, as one step that
 * can be undone (see DatasetSteps). Images with suggestions, boxes or a review are left alone.
 */
export class NothingFoundMarker {
  private readonly steps: DatasetSteps;

  constructor(keep = 10) {
    this.steps = new DatasetSteps(keep);
  }

  mark(dataset: StepDataset): Promise<StepResult> {
    return this.steps.apply(dataset, markNothingFoundNegative);
  }

  /** Puts the images back as they were, except those edited since. */
  undo(dataset: StepDataset, token: string): Promise<UndoResult> {
    return this.steps.undo(dataset, token);
  }
}
