import { count } from '../shared/plural';
import type { CompareReport, PromptVariant } from '../shared/compare';

const boxes = (n: number) => `${n} box${n === 1 ? '' : 'es'}`;

/** A variant's settings in one line: the prompt as typed (newlines shown as ⏎) and its thresholds. */
export function describeVariant(v: PromptVariant): string {
  const t = v.thresholds;
  const mode = v.rec
    ? ` · referring expressions, top ${v.rec.topK}`
    : v.perPhrase
      ? ' · one pass per phrase'
      : '';
  const cross = t.crossIou != null ? ` · one phrase per object above IoU ${t.crossIou}` : '';
  return `"${v.prompt.replace(/\r?\n/g, ' ⏎ ')}" (box ${t.box} · text ${t.text} · NMS ${t.nmsIou ?? 'off'}${cross}${mode})`;
}

/** What `npm run compare` prints: the variants, boxes per class side by side, and where they disagree. */
export function compareLines(
  report: CompareReport,
  sampledFrom: { readonly total: number; readonly seed: string },
): string[] {
  const n = report.variants.length;
  const heads = report.variants.map((_, i) => `#${i + 1}`);
  const lines = [
    `compared ${n} prompts on ${count(report.images, 'image')}` +
      (report.cancelled ? ` of ${report.sampled} (cancelled)` : '') +
      ` chosen with seed ${sampledFrom.seed} from ${sampledFrom.total}`,
    ...report.variants.map((v, i) => `  ${heads[i]}  ${describeVariant(v)}`),
    '',
  ];
  const rows = [
    ...report.classes.map((c, r) => [c, ...report.table[r].map(String)]),
    ['total', ...report.totals.map(String)],
  ];
  const width = [
    Math.max(5, ...rows.map((r) => r[0].length)),
    ...heads.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i + 1].length))),
  ];
  const row = (cells: readonly string[]) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(width[0]) : c.padStart(width[i]))).join('   ')}`.trimEnd();
  lines.push(row(['class', ...heads]), ...rows.map(row));
  if (report.disagreements.length) {
    const pad = Math.max(...report.disagreements.map((d) => d.relPath.length));
    lines.push('', 'where they disagree most:');
    for (const d of report.disagreements)
      lines.push(
        `  ${d.relPath.padEnd(pad)}   ${d.boxes.map((b, i) => `${heads[i]} ${boxes(b)}`).join(' · ')}`,
      );
  } else if (report.images) {
    lines.push('', 'they agree on every image: the same boxes per class');
  }
  if (report.failures.length) {
    lines.push('', `${count(report.failures.length, 'image')} failed:`);
    for (const f of report.failures) lines.push(`  ${f.relPath}: ${f.message}`);
  }
  return lines;
}
