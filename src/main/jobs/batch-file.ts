import { describeIssues } from '../../shared/validation';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ERROR_CODES, GroundLabelError, messageOf } from '../../shared/errors';
import { writeFileAtomic } from '../fs/atomic';
import { STORE_DIR } from '../dataset/project-store';
import { parseJsonText } from '../../shared/json-text';

/** Where a dataset's batch job is kept, so that it can be resumed after a cancel, a crash or a restart. */
export const BATCH_FILE = 'batch.json';
export const batchFile = (root: string): string => path.join(root, STORE_DIR, BATCH_FILE);

const failureSchema = z.object({ relPath: z.string(), code: z.enum(ERROR_CODES), message: z.string() });

/**
 * The job on disk. Images are named by relative path (ids are derived from it). `state` 'running'
 * read back from disk means the process stopped without saying so: the job is resumable.
 */
export const batchJobSchema = z.object({
  version: z.literal(1),
  jobId: z.string().min(1),
  state: z.enum(['running', 'cancelled', 'done']),
  prompt: z.string().min(1),
  thresholds: z
    .object({
      box: z.number(),
      text: z.number(),
      nmsIou: z.number().nullable(),
      crossIou: z.number().nullable(),
    })
    .partial(),
  perPhrase: z.boolean(),
  /** Referring expressions (one per line of the prompt) with the boxes each yields; absent for phrases. */
  rec: z.object({ topK: z.int().positive() }).optional(),
  skipReviewed: z.boolean(),
  relPaths: z.array(z.string()),
  /** Images whose suggestions are in the store. */
  done: z.array(z.string()),
  /** Reviewed images left out (skipReviewed). */
  skipped: z.array(z.string()),
  failures: z.array(failureSchema),
  /** Phrase pairs suppressed across phrases so far (thresholds.crossIou), summed over the job's images. */
  collisions: z
    .array(z.object({ kept: z.string(), dropped: z.string(), count: z.int().positive() }))
    .default([]),
  startedAt: z.string(),
  updatedAt: z.string(),
});
export type BatchJob = z.infer<typeof batchJobSchema>;
export type BatchJobFailure = z.infer<typeof failureSchema>;

export async function readBatchJob(root: string): Promise<BatchJob | null> {
  const file = batchFile(root);
  if (!existsSync(file)) return null;
  let raw: unknown;
  try {
    raw = parseJsonText(await readFile(file, 'utf8'), file);
  } catch (e) {
    throw new GroundLabelError('label-file-invalid', `${messageOf(e)}; start a new batch to replace it.`, {
      cause: e,
    });
  }
  const parsed = batchJobSchema.safeParse(raw);
  if (!parsed.success) {
    throw new GroundLabelError(
      'label-file-invalid',
      `${file}: ${describeIssues(parsed.error)}; start a new batch to replace it.`,
    );
  }
  return parsed.data;
}

export function writeBatchJob(root: string, job: BatchJob): Promise<void> {
  return writeFileAtomic(batchFile(root), `${JSON.stringify(job)}\n`);
}
