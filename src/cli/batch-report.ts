import type { BatchStatus, LookFirstEntry } from '../shared/ipc/contract';
import { count } from '../shared/plural';
import { IMAGE_STATUSES } from '../shared/project';
import { collisionLines } from './label-summary';
import { SIZE_BINS, type DatasetStats } from '../shared/stats';

const pct = (v: number) => `${Math.round(v * 100)} %`;

/** One bar per bin, scaled to the fullest bin. */
export function histogram(counts: readonly number[], labels: readonly string[], width = 30): string[] {
  const max = Math.max(1, ...counts);
  const pad = Math.max(...labels.map((l) => l.length));
  return counts.map(
    (n, i) => `${labels[i].padStart(pad)} │${'█'.repeat(Math.round((n / max) * width)).padEnd(width)}│ ${n}`,
  );
}

export const sizeLabels = (): string[] =>
  SIZE_BINS.map((edge, i) => (i === 0 ? `≤ ${pct(edge)}` : `${pct(SIZE_BINS[i - 1])}–${pct(edge)}`));

/** A message that starts with the file's name already, without it: the line names the image. */
const withoutName = (relPath: string, message: string): string => {
  const prefix = `${relPath.split('/').at(-1)}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
};

/** Each image with why it is there. */
function lookFirstLine(l: LookFirstEntry): string {
  const score = (l.topScore ?? 0).toFixed(2);
  switch (l.reason) {
    case 'failed':
      return `  could not be labeled  ${l.relPath}: ${withoutName(l.relPath, l.message ?? '')}`;
    case 'low-score':
      return `  least sure ${score}    ${l.relPath} (${count(l.suggestions, 'suggestion')})`;
    case 'many-boxes':
      return `  most boxes (${l.suggestions})`.padEnd(21) + `${l.relPath} (best ${score})`;
  }
}

export interface ReportContext {
  /** The command that goes on with a stopped batch. */
  readonly resumeCommand: string;
}

/** What the CLI prints when a batch stops: the job, what to look at first, and the dataset now. */
export function batchReport(status: BatchStatus, stats: DatasetStats, ctx: ReportContext): string[] {
  const left = status.total - status.done;
  const lines = [
    status.state === 'done'
      ? `batch ${status.jobId} finished: "${status.prompt}"`
      : `batch ${status.jobId} stopped with ${count(left, 'image')} left; to finish it, run:\n  ${ctx.resumeCommand}`,
    `  images: ${status.total} in the job · ${status.labeled} labeled (${status.withSuggestions} with suggestions, ${status.nothingFound} where nothing was found) · ${status.skipped} skipped (reviewed) · ${status.failed} failed · ${left} left`,
  ];
  if (status.nothingFound)
    lines.push(
      `  ${count(status.nothingFound, 'image')} where the model found nothing stay out of exports until marked negative ("Mark all negative" in the app's image list)`,
    );
  if (status.perClass.length) {
    lines.push('  suggestions of this batch still pending per class:');
    const pad = Math.max(...status.perClass.map((c) => c.name.length));
    for (const c of status.perClass) lines.push(`    ${c.name.padEnd(pad)}  ${c.suggestions}`);
  }
  lines.push(...collisionLines(status.collisions).map((l) => `  ${l}`));
  if (status.lookFirst.length) lines.push('', 'look at first:', ...status.lookFirst.map(lookFirstLine));

  lines.push(
    '',
    'dataset now:',
    `  images: ${IMAGE_STATUSES.map((s) => `${stats.images[s]} ${s}`).join(' · ')}`,
  );
  if (stats.boxesPerClass.length) {
    const pad = Math.max(5, ...stats.boxesPerClass.map((c) => c.name.length));
    lines.push(`  ${'class'.padEnd(pad)}  boxes  pending suggestions`);
    for (const c of stats.boxesPerClass)
      lines.push(`  ${c.name.padEnd(pad)}  ${String(c.boxes).padStart(5)}  ${String(c.pending).padStart(7)}`);
  }
  if (stats.sizes.some((n) => n > 0)) {
    lines.push('  box sizes (√ of the share of the image a box covers):');
    lines.push(...histogram(stats.sizes, sizeLabels()).map((l) => `    ${l}`));
  }
  if (status.failures.length) {
    lines.push('', `${count(status.failures.length, 'image')} could not be labeled:`);
    for (const f of status.failures)
      lines.push(`  ${f.relPath}: [${f.code}] ${withoutName(f.relPath, f.message)}`);
  }
  return lines;
}
