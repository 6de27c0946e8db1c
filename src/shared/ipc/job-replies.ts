import type { PhraseCollision } from '../prompt/collisions';
import type { ErrorInfo } from '../errors';
import type { ImageEntry } from './contract';

/** Replies about work across the dataset: batch jobs and their summaries, and undoable dataset steps. */

/** What undoing a step across the dataset did: images put back, and those left as edited since. */
export interface DatasetStepUndone {
  readonly restored: number;
  /** Paths of images edited after the step: left as they are. */
  readonly skipped: readonly string[];
  /** The images that changed back, for the image list. */
  readonly entries: readonly ImageEntry[];
}

export type BatchState = 'running' | 'cancelled' | 'done';

export interface BatchFailure {
  readonly id: string;
  readonly relPath: string;
  readonly code: ErrorInfo['code'];
  readonly message: string;
}

/** An image of a finished batch a person should look at first, and why. */
export interface LookFirstEntry {
  readonly id: string;
  readonly relPath: string;
  readonly reason: 'failed' | 'low-score' | 'many-boxes';
  /** Pending suggestions on the image now. */
  readonly suggestions: number;
  /** Best pending suggestion score, when there is one. */
  readonly topScore?: number;
  /** Why it failed, for 'failed'. */
  readonly message?: string;
}

export interface BatchClassCount {
  readonly classId: string;
  readonly name: string;
  /** Pending suggestions of this class on the job's images. */
  readonly suggestions: number;
}

/** A batch job as it stands: the running one, or the last one of the dataset (read from .groundlabel/batch.json). */
export interface BatchStatus {
  readonly jobId: string;
  readonly state: BatchState;
  readonly prompt: string;
  readonly total: number;
  /** Images dealt with: labeled, failed or skipped. */
  readonly done: number;
  readonly labeled: number;
  readonly withSuggestions: number;
  /** Images of the job where the model found nothing and no one has decided anything since. */
  readonly nothingFound: number;
  readonly skipped: number;
  readonly failed: number;
  /** Whether batch:resume has images left to run. */
  readonly resumable: boolean;
  readonly failures: readonly BatchFailure[];
  readonly lookFirst: readonly LookFirstEntry[];
  readonly perClass: readonly BatchClassCount[];
  /** Phrase pairs that claimed one object and were suppressed across phrases, over the whole job. */
  readonly collisions: readonly PhraseCollision[];
  readonly startedAt: string;
  readonly updatedAt: string;
}
