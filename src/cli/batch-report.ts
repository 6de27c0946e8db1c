import type { BatchStatus, LookFirstEntry } from '../shared/ipc/contract';
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

function lookFirstLine(l: LookFirstEntry): string {
  switch (l.reason) {
    case 'failed':
      return `  failed          ${l.relPath}: ${l.message ?? ''}`;
    case 'low-score':
      return `  low score ${(l.topScore ?? 0).toFixed(2)}  ${l.relPath} (${l.suggestions} suggestion${l.suggestions === 1 ? '' : 's'})`;
    case 'many-boxes':
      return `  ${`${l.suggestions} box${l.suggestions === 1 ? '' : 'es'}`.padEnd(15)} ${l.relPath} (best ${(l.topScore ?? 0).toFixed(2)})`;
  }
}

/** What the CLI prints when a batch stops: the job, what to look at first, and the dataset now. */
export function batchReport(status: BatchStatus, stats: DatasetStats): string[] {
  const left = status.total - status.done;
  const lines = [
    status.state === 'done'
      ? `batch ${status.jobId} finished: "${status.prompt}"`
      : `batch ${status.jobId} stopped with ${left} image(s) left: run again with --resume to finish it`,
    `  images: ${status.total} in the job · ${status.labeled} labeled (${status.withSuggestions} with suggestions, ${status.nothingFound} where nothing was found) · ${status.skipped} skipped (reviewed) · ${status.failed} failed · ${left} left`,
  ];
  if (status.nothingFound)
    lines.push(
      `  ${status.nothingFound} image(s) where the model found nothing stay out of exports until marked negative ("Mark all negative" in the app's image list)`,
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
    lines.push('', `${status.failures.length} image(s) failed:`);
    for (const f of status.failures) lines.push(`  ${f.relPath}: [${f.code}] ${f.message}`);
  }
  return lines;
}
