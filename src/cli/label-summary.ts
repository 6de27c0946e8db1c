import type { LabelOutcome } from '../main/jobs/label-images';
import type { PhraseCollision } from '../shared/prompt/collisions';
import { log } from './command';
import { count } from '../shared/plural';

/** What a summary needs of an outcome: `label` has whole outcomes, `merge` the ones shards recorded. */
export type SummaryOutcome =
  | Pick<Extract<LabelOutcome, { ok: true }>, 'relPath' | 'ok' | 'detections'>
  | Extract<LabelOutcome, { ok: false }>;

/** What becomes of images where the model found nothing, when a run writes a dataset. */
export const NOTHING_FOUND_EXPORTED =
  'exported as negatives (a label run decides for every image it looked at; in the app they wait until a person marks them negative)';

/**
 * The lines `label` and `merge` end with: images by what became of them, boxes per class, and
 * `nothingFoundNote` on the images where the model found nothing.
 */
export function summarise(
  outcomes: readonly SummaryOutcome[],
  classes: readonly string[],
  classOfPhrase: readonly number[],
  nothingFound: number,
  nothingFoundNote = NOTHING_FOUND_EXPORTED,
): string[] {
  const ok = outcomes.filter((o) => o.ok);
  const perClass = new Array<number>(classes.length).fill(0);
  for (const o of ok) for (const d of o.detections) perClass[classOfPhrase[d.phraseIndex]]++;
  const empty = classes.filter((_, i) => perClass[i] === 0);
  const shown = empty.slice(0, 12).join(', ') + (empty.length > 12 ? `, … (${empty.length - 12} more)` : '');
  return [
    `images: ${outcomes.length} (${ok.length - nothingFound} with boxes, ${nothingFound} where the model found nothing, ${outcomes.length - ok.length} failed)`,
    ...classes.flatMap((c, i) => (perClass[i] ? [`  ${c}: ${count(perClass[i], 'box', 'boxes')}`] : [])),
    ...(empty.length
      ? [
          `  ${count(empty.length, 'class', 'classes')} found nothing and ${empty.length === 1 ? 'is' : 'are'} left out: ${shown}`,
        ]
      : []),
    ...(nothingFound
      ? [`${count(nothingFound, 'image')} where the model found nothing: ${nothingFoundNote}`]
      : []),
  ];
}

/**
 * What suppression across phrases (--cross-iou) dropped: each pair of phrases that claimed one object,
 * and how often. Pairs that collide often are overlapping concepts: run them apart, or keep one.
 */
export function collisionLines(collisions: readonly PhraseCollision[], limit = 12): string[] {
  if (!collisions.length) return [];
  const total = collisions.reduce((n, c) => n + c.count, 0);
  return [
    `${count(total, 'box', 'boxes')} dropped where two phrases claimed one object (--cross-iou):`,
    ...collisions.slice(0, limit).map((c) => `  "${c.dropped}" under "${c.kept}": ${count(c.count, 'time')}`),
    ...(collisions.length > limit ? [`  … ${count(collisions.length - limit, 'more pair')}`] : []),
  ];
}

/** Lists the images that failed, with their reasons; returns the exit code (1 when any failed). */
export function reportFailures(outcomes: readonly SummaryOutcome[]): number {
  const failures = outcomes.filter((o) => !o.ok);
  if (!failures.length) return 0;
  log(`\n${count(failures.length, 'image')} failed:`);
  for (const f of failures) if (!f.ok) log(`  ${f.relPath}: [${f.error.code}] ${f.error.message}`);
  return 1;
}
