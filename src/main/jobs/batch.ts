import { addCollisions } from '../../shared/prompt/collisions';
import { performance } from 'node:perf_hooks';
import { ensurePhraseClasses } from '../../shared/classes';
import type { Thresholds } from '../../shared/detection';
import {
  GroundLabelError,
  isGroundLabelError,
  messageOf,
  type ErrorCode,
  type ErrorInfo,
} from '../../shared/errors';
import { newId } from '../../shared/ids';
import type { BatchStatus, Events } from '../../shared/ipc/contract';
import { classesOf, imageStatus, type ImageDoc, type ProjectMeta } from '../../shared/project';
import { suggestionRecords, withSuggestions } from '../../shared/suggestions';
import { promptUnits, type RecOptions } from '../../shared/prompt/units';
import { readBatchJob, writeBatchJob, type BatchJob } from './batch-file';
import { batchStatus } from './batch-summary';
import { labelImages, type DetectorLike, type LabelOutcome } from './label-images';

/** The part of an opened dataset a batch uses (DatasetService has it). */
export interface BatchDataset {
  readonly root: string;
  readonly relPaths: readonly string[];
  readonly store: {
    get(relPath: string): ImageDoc | undefined;
    putImage(doc: ImageDoc, options?: { readonly baseRevision?: number }): Promise<unknown>;
    getMeta(): ProjectMeta;
    putMeta(meta: ProjectMeta): Promise<unknown>;
    readOnlyReasons(): ReadonlyMap<string, string>;
  };
  idFor(relPath: string): string;
  fileOf(id: string): Promise<string>;
  /** Images whose file cannot be decoded: their status says so instead of "unlabeled". */
  markUnreadable?(relPath: string, reason: string, code?: ErrorCode): void;
  isUnreadable?(relPath: string): boolean;
}

export interface BatchRequest {
  /** Images to run on, in order; the whole dataset when absent. */
  readonly relPaths?: readonly string[];
  readonly prompt: string;
  /** Missing ones are the model's defaults. */
  readonly thresholds?: Partial<Thresholds>;
  readonly perPhrase?: boolean;
  /** Referring expressions, one per line of the prompt, instead of phrases. */
  readonly rec?: RecOptions;
  readonly skipReviewed?: boolean;
}

export interface BatchServiceOptions {
  readonly dataset: BatchDataset;
  readonly onProgress?: (p: Events['batch:progress']) => void;
  readonly onImage?: (e: Events['batch:image']) => void;
  readonly onFinished?: (e: Events['batch:finished']) => void;
  /** Images between two writes of batch.json (it is also written at the start, the end and on cancel). */
  readonly saveEvery?: number;
  /** Images decoded ahead of the one on the model. */
  readonly lookahead?: number;
}

/** Reviewed by a person: marked so, or holding confirmed boxes and nothing pending. */
export function isReviewed(doc: ImageDoc | undefined): boolean {
  if (!doc) return false;
  const status = imageStatus(doc);
  return doc.reviewed || status === 'reviewed' || status === 'negative';
}

/** Failures that say the file itself cannot be decoded, not that something went wrong around it. */
const UNDECODABLE: ReadonlySet<string> = new Set(['image-unreadable', 'image-too-large']);

const toErrorInfo = (e: unknown): ErrorInfo =>
  isGroundLabelError(e) ? e.toJSON() : { code: 'io-failed', message: messageOf(e) };

interface Running {
  readonly job: BatchJob;
  readonly controller: AbortController;
  readonly finished: Promise<BatchStatus>;
}

/**
 * Runs a prompt over a dataset's images in the backend. Results go straight into the project store
 * as pending suggestions (accepted and manual boxes are never touched), so closing the window loses
 * nothing. The job is kept in .groundlabel/batch.json, written every few images and when it stops,
 * so a cancelled or interrupted batch resumes with exactly the images it had not reached.
 * One batch at a time per dataset; a bad image is recorded and the batch goes on.
 */
export class BatchService {
  private job: BatchJob | null;
  private running: Running | null = null;

  private constructor(
    private readonly options: BatchServiceOptions,
    job: BatchJob | null,
    /** Why batch.json could not be read, if it could not. */
    readonly loadProblem: string | null,
  ) {
    // A job read back as 'running' was cut short (crash, kill): it is resumable like a cancelled one.
    this.job = job && job.state === 'running' ? { ...job, state: 'cancelled' } : job;
  }

  static async open(options: BatchServiceOptions): Promise<BatchService> {
    try {
      return new BatchService(options, await readBatchJob(options.dataset.root), null);
    } catch (e) {
      return new BatchService(options, null, messageOf(e));
    }
  }

  private get dataset(): BatchDataset {
    return this.options.dataset;
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  status(): BatchStatus | null {
    const job = this.running?.job ?? this.job;
    if (!job) return null;
    const { store } = this.dataset;
    return batchStatus(job, {
      get: (r) => store.get(r),
      idFor: (r) => this.dataset.idFor(r),
      meta: store.getMeta(),
    });
  }

  /** Starts a new batch (replacing a stopped one) and resolves with its id once it is under way. */
  async start(detector: DetectorLike, request: BatchRequest): Promise<{ jobId: string }> {
    this.refuseWhileRunning();
    const prompt = request.prompt.trim();
    const phrases = promptUnits(prompt, request.rec);
    if (!phrases.length)
      throw new GroundLabelError(
        'prompt-empty',
        request.rec
          ? 'The prompt has no referring expressions: write one per line, e.g. "the man in the red shirt".'
          : 'The prompt has no phrases: separate them with " . ", e.g. "person . dog".',
      );
    const relPaths = [...new Set(request.relPaths ?? this.dataset.relPaths)];
    if (!relPaths.length)
      throw new GroundLabelError('image-not-found', `No images to run on in ${this.dataset.root}`);
    for (const relPath of relPaths) this.dataset.idFor(relPath); // names an image that is not in the dataset

    // Classes are made as their phrases find something (see record): a 126-phrase prompt leaves
    // classes for what is in the images, not 126 empty ones.
    const { store } = this.dataset;
    const meta = store.getMeta();
    const promptHistory = [prompt, ...meta.promptHistory.filter((p) => p !== prompt)].slice(0, 50);
    await store.putMeta({ ...meta, promptHistory });

    const now = new Date().toISOString();
    const job: BatchJob = {
      version: 1,
      jobId: newId(),
      state: 'running',
      prompt,
      thresholds: { ...request.thresholds },
      perPhrase: request.perPhrase ?? false,
      ...(request.rec && { rec: request.rec }),
      skipReviewed: request.skipReviewed ?? false,
      relPaths,
      done: [],
      skipped: [],
      failures: [],
      collisions: [],
      startedAt: now,
      updatedAt: now,
    };
    await this.save(job);
    this.launch(detector, job);
    return { jobId: job.jobId };
  }

  /** Goes on with the images a cancelled or interrupted batch did not reach. */
  async resume(detector: DetectorLike): Promise<{ jobId: string }> {
    this.refuseWhileRunning();
    const stopped = this.resumable();
    const job: BatchJob = { ...stopped, state: 'running', updatedAt: new Date().toISOString() };
    await this.save(job);
    this.launch(detector, job);
    return { jobId: job.jobId };
  }

  /** The stopped job resume would go on with, or an error saying why there is none. */
  resumable(): BatchJob {
    const stopped = this.job;
    if (!stopped || stopped.state === 'done') {
      const why =
        this.loadProblem ??
        (stopped ? `the last batch ("${stopped.prompt}") finished` : 'no batch was started on it');
      throw new GroundLabelError(
        'batch-not-found',
        `There is no stopped batch to resume in ${this.dataset.root}: ${why}.`,
      );
    }
    return stopped;
  }

  /** Stops the running batch once the images already handed to the model are done; resolves once the job is saved. */
  async cancel(): Promise<BatchStatus | null> {
    const running = this.running;
    if (!running) return this.status();
    running.controller.abort();
    return running.finished;
  }

  /** Resolves with the job's status once the running batch (if any) has stopped. */
  async wait(): Promise<BatchStatus | null> {
    return this.running ? this.running.finished : this.status();
  }

  /** Cancels a running batch, leaving it resumable; for closing the dataset or the app. */
  async close(): Promise<void> {
    await this.cancel();
  }

  private refuseWhileRunning(): void {
    const job = this.running?.job;
    if (!job) return;
    const done = job.done.length + job.failures.length + job.skipped.length;
    throw new GroundLabelError(
      'batch-running',
      `A batch is already running on ${this.dataset.root} ("${job.prompt}", ${done} of ${job.relPaths.length} images done). Cancel it or wait until it finishes.`,
    );
  }

  private launch(detector: DetectorLike, job: BatchJob): void {
    const controller = new AbortController();
    const finished = this.run(detector, job, controller.signal).finally(() => {
      this.job = job;
      this.running = null;
    });
    finished.catch(() => undefined); // reported through onFinished; callers of wait/cancel see it too
    this.running = { job, controller, finished };
  }

  private async save(job: BatchJob): Promise<void> {
    job.updatedAt = new Date().toISOString();
    await writeBatchJob(this.dataset.root, job);
  }

  private async run(detector: DetectorLike, job: BatchJob, signal: AbortSignal): Promise<BatchStatus> {
    const { store } = this.dataset;
    const known = new Set(this.dataset.relPaths);
    const seen = new Set([...job.done, ...job.skipped, ...job.failures.map((f) => f.relPath)]);
    const targets: string[] = [];
    for (const relPath of job.relPaths) {
      if (seen.has(relPath)) continue;
      const readOnly = store.readOnlyReasons().get(relPath);
      if (!known.has(relPath))
        job.failures.push({
          relPath,
          code: 'image-not-found',
          message: `${relPath} is no longer in ${this.dataset.root}`,
        });
      else if (readOnly)
        job.failures.push({
          relPath,
          code: 'label-file-invalid',
          message: `${relPath} is read-only: ${readOnly}`,
        });
      else if (job.skipReviewed && isReviewed(store.get(relPath))) job.skipped.push(relPath);
      else targets.push(relPath);
    }

    const started = performance.now();
    let here = 0;
    let sinceSave = 0;
    let failure: ErrorInfo | undefined;
    let fatal: ErrorInfo | undefined;
    let writes: Promise<void> = Promise.resolve();
    const saveEvery = Math.max(1, this.options.saveEvery ?? 10);
    // The path is resolved (links followed, refused outside the dataset) while the image is decoded ahead.
    const resolving: DetectorLike = {
      prepareImage: async (relPath) =>
        detector.prepareImage(await this.dataset.fileOf(this.dataset.idFor(relPath))),
      detect: (image, prompt, options) => detector.detect(image, prompt, options),
      // Handing buffers back lets the detector reuse them instead of allocating per image.
      release: (image) => detector.release?.(image),
    };
    const record = async (outcome: LabelOutcome): Promise<void> => {
      const result = await this.record(job, outcome);
      here++;
      const done = job.done.length + job.skipped.length + job.failures.length;
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? here / seconds : 0;
      const doc = store.get(outcome.relPath);
      this.options.onImage?.({
        jobId: job.jobId,
        id: this.dataset.idFor(outcome.relPath),
        relPath: outcome.relPath,
        status: imageStatus(doc, this.dataset.isUnreadable?.(outcome.relPath)),
        boxes: doc?.boxes.length ?? 0,
        classIds: classesOf(doc),
        outcome: result,
      });
      this.options.onProgress?.({
        jobId: job.jobId,
        done,
        total: job.relPaths.length,
        rate,
        etaSeconds: rate > 0 ? (job.relPaths.length - done) / rate : null,
        relPath: outcome.relPath,
      });
      if (++sinceSave >= saveEvery) {
        sinceSave = 0;
        // A failed save is retried with the next images; the store already holds the results.
        await this.save(job).catch((e: unknown) => (failure = toErrorInfo(e)));
      }
    };

    try {
      if (targets.length < job.relPaths.length - seen.size) await this.save(job);
      await labelImages(
        resolving,
        targets.map((relPath) => ({ relPath, file: relPath })),
        job.prompt,
        {
          thresholds: job.thresholds,
          perPhrase: job.perPhrase,
          rec: job.rec,
          lookahead: this.options.lookahead,
          signal,
          onOutcome: (outcome) => {
            writes = writes
              .then(() => record(outcome))
              .catch((e: unknown) => void (failure = toErrorInfo(e)));
          },
        },
      );
    } catch (e) {
      fatal = toErrorInfo(e);
    }
    await writes;
    const left = job.relPaths.length - (job.done.length + job.skipped.length + job.failures.length);
    job.state = left > 0 ? 'cancelled' : 'done';
    try {
      await this.save(job);
      failure = fatal;
    } catch (e) {
      failure = fatal ?? toErrorInfo(e);
    }
    this.job = job;
    const status = batchStatus(job, {
      get: (r) => store.get(r),
      idFor: (r) => this.dataset.idFor(r),
      meta: store.getMeta(),
    });
    this.options.onFinished?.(failure ? { status, error: failure } : { status });
    return status;
  }

  /** Puts one image's outcome into the store and the job; says what became of it. */
  private async record(job: BatchJob, outcome: LabelOutcome): Promise<'labeled' | 'failed' | 'skipped'> {
    const { relPath } = outcome;
    if (!outcome.ok) {
      job.failures.push({ relPath, ...outcome.error });
      if (UNDECODABLE.has(outcome.error.code))
        this.dataset.markUnreadable?.(relPath, outcome.error.message, outcome.error.code);
      return 'failed';
    }
    const { store } = this.dataset;
    const current = store.get(relPath);
    // Reviewed while the model was running on it: a person's decision wins.
    if (job.skipReviewed && isReviewed(current)) {
      job.skipped.push(relPath);
      return 'skipped';
    }
    try {
      // In prompt order, so that the classes of one image's finds are listed as the prompt lists them.
      const found = [...outcome.detections].sort((a, b) => a.phraseIndex - b.phraseIndex);
      const { meta, classOf, changed } = ensurePhraseClasses(
        store.getMeta(),
        new Set(found.map((d) => d.phrase)),
      );
      if (changed) await store.putMeta(meta);
      // Read again after the last await: the document is read and rewritten in one go, so an edit a
      // person saved meanwhile is built on, never overwritten.
      const base: ImageDoc = store.get(relPath) ?? {
        relPath,
        width: outcome.image.width,
        height: outcome.image.height,
        reviewed: false,
        boxes: [],
      };
      const records = suggestionRecords(outcome.detections, (phrase) => classOf.get(phrase) ?? '');
      // The run is recorded even when it found nothing: that image is then told apart from an untouched one.
      const modelRun = { prompt: job.prompt, at: new Date().toISOString() };
      await store.putImage({ ...withSuggestions(base, records), modelRun });
      job.done.push(relPath);
      if (outcome.result.collisions.length)
        job.collisions = addCollisions(job.collisions, outcome.result.collisions);
      return 'labeled';
    } catch (e) {
      job.failures.push({ relPath, ...toErrorInfo(e) });
      return 'failed';
    }
  }
}
