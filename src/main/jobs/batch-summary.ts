import type { BatchClassCount, BatchStatus, LookFirstEntry } from '../../shared/ipc/contract';
import { imageStatus, type ImageDoc, type ProjectMeta } from '../../shared/project';
import { pendingOf } from '../../shared/suggestions';
import type { BatchJob } from './batch-file';

/** How many images each "look at first" reason lists. */
export const LOOK_FIRST_EACH = 10;

export interface SummaryContext {
  readonly get: (relPath: string) => ImageDoc | undefined;
  readonly idFor: (relPath: string) => string;
  readonly meta: ProjectMeta;
}

/**
 * Where a job stands, read from the store as it is now (a person may already have reviewed some
 * images): counts (images with suggestions, and where the model found nothing and no one has decided
 * yet), per-class pending suggestions, and the images to look at first — failures, the images
 * whose best score is below the job's middle one (the model was least sure) and those with more
 * boxes than the middle image (crowded, or a phrase firing everywhere). An image is listed for a
 * reason only when it stands out: a job whose images all scored alike lists none for its score.
 */
export function batchStatus(
  job: BatchJob,
  ctx: SummaryContext,
  lookFirstEach = LOOK_FIRST_EACH,
): BatchStatus {
  const perClass = new Map<string, number>();
  const labeled: { relPath: string; count: number; top: number | null }[] = [];
  for (const relPath of job.done) {
    const doc = ctx.get(relPath);
    const pending = pendingOf(doc);
    labeled.push({ relPath, ...pending });
    for (const b of doc?.boxes ?? [])
      if (b.origin.kind === 'suggestion') perClass.set(b.classId, (perClass.get(b.classId) ?? 0) + 1);
  }
  const withSuggestions = labeled.filter((l) => l.count > 0);
  const nothingFound = job.done.filter((relPath) => imageStatus(ctx.get(relPath)) === 'nothing-found');
  const id = (relPath: string) => safeId(ctx, relPath);
  const midTop = median(withSuggestions.map((l) => l.top ?? 0));
  const midCount = median(withSuggestions.map((l) => l.count));
  const lookFirst: LookFirstEntry[] = [
    ...job.failures.slice(0, lookFirstEach).map((f): LookFirstEntry => ({
      id: id(f.relPath),
      relPath: f.relPath,
      reason: 'failed',
      suggestions: 0,
      message: f.message,
    })),
    ...withSuggestions
      .filter((l) => (l.top ?? 0) < midTop)
      .sort((a, b) => (a.top ?? 0) - (b.top ?? 0) || cmp(a.relPath, b.relPath))
      .slice(0, lookFirstEach)
      .map((l): LookFirstEntry => ({
        id: id(l.relPath),
        relPath: l.relPath,
        reason: 'low-score',
        suggestions: l.count,
        topScore: l.top ?? 0,
      })),
    ...withSuggestions
      .filter((l) => l.count > midCount)
      .sort((a, b) => b.count - a.count || cmp(a.relPath, b.relPath))
      .slice(0, lookFirstEach)
      .map((l): LookFirstEntry => ({
        id: id(l.relPath),
        relPath: l.relPath,
        reason: 'many-boxes',
        suggestions: l.count,
        topScore: l.top ?? 0,
      })),
  ];
  const names = new Map(ctx.meta.classes.map((c) => [c.id, c.name]));
  const classCounts: BatchClassCount[] = [
    ...ctx.meta.classes
      .filter((c) => perClass.has(c.id))
      .map((c) => ({ classId: c.id, name: c.name, suggestions: perClass.get(c.id) ?? 0 })),
    ...[...perClass]
      .filter(([c]) => !names.has(c))
      .map(([classId, suggestions]) => ({ classId, name: `(deleted class ${classId})`, suggestions })),
  ];
  const done = job.done.length + job.failures.length + job.skipped.length;
  return {
    jobId: job.jobId,
    state: job.state,
    prompt: job.prompt,
    total: job.relPaths.length,
    done,
    labeled: job.done.length,
    withSuggestions: withSuggestions.length,
    nothingFound: nothingFound.length,
    skipped: job.skipped.length,
    failed: job.failures.length,
    resumable: job.state !== 'done' && done < job.relPaths.length,
    failures: job.failures.map((f) => ({ id: id(f.relPath), ...f })),
    lookFirst,
    perClass: classCounts,
    collisions: job.collisions,
    startedAt: job.startedAt,
    updatedAt: job.updatedAt,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** An image removed from the folder since the job began still gets named, with an empty id. */
function safeId(ctx: SummaryContext, relPath: string): string {
  try {
    return ctx.idFor(relPath);
  } catch {
    return '';
  }
}
