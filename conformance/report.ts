/** The conformance run's tables, as plain text. */
import type { DetectionRow, ParityReport, PixelRow, TextRow } from './harness';

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const size = (s: { width: number; height: number }) => `${s.width}×${s.height}`;
const levels = (p: { meanLevels: number; maxLevels: number } | null | undefined) =>
  p ? `${p.meanLevels.toFixed(3)} / ${p.maxLevels.toFixed(2)}` : '-';

export function pixelTable(rows: readonly PixelRow[]): string {
  const withLibvips = rows.some((r) => r.libvips);
  return table(
    [
      'image',
      'original',
      'GroundLabel',
      'transformers',
      'vs Pillow backend (mean / max levels)',
      'vs torchvision backend',
      ...(withLibvips ? ['libvips resize, before'] : []),
      'prep ms',
    ],
    rows.map((r) => [
      r.image.id,
      size(r.original),
      size(r.groundlabel),
      size(r.reference),
      levels(r.vsPil),
      levels(r.vsTorchvision),
      ...(withLibvips ? [levels(r.libvips)] : []),
      r.preprocessMs.toFixed(0),
    ]),
  );
}

export function textTable(rows: readonly TextRow[]): string {
  const yes = (b: boolean) => (b ? 'equal' : 'DIFFER');
  return table(
    [
      'prompt',
      'pass',
      'tokens',
      'input_ids',
      'attention_mask',
      'token_type_ids',
      'text mask',
      'position ids',
    ],
    rows.map((r) => [
      r.prompt.id,
      `${r.pass + 1}/${r.passes}`,
      String(r.parity.tokens),
      yes(r.parity.idsEqual),
      yes(r.parity.attentionMaskEqual),
      yes(r.parity.tokenTypeIdsEqual),
      yes(r.parity.textMaskEqual),
      r.parity.positionDiffs === 0
        ? 'equal'
        : r.parity.positionDiffs === r.parity.positionDiffsAtClosingDelimiters
          ? `equal but ${r.parity.positionDiffs} closing '.'`
          : `DIFFER at ${r.parity.positionDiffs}`,
    ]),
  );
}

export function detectionTable(rows: readonly DetectionRow[], matchedAt = 'IoU≥0.99', labels = true): string {
  return table(
    [
      'image',
      'prompt',
      'passes',
      'ref',
      'GL',
      `matched ${matchedAt}`,
      'borderline',
      'max box err px',
      'max score diff',
      'phrase (rule)',
      ...(labels ? ['transformers label same/merged/fragment/other'] : []),
      's',
    ],
    rows.map((r) => {
      const p = r.parity;
      return [
        r.image.id,
        r.prompt.id,
        String(r.passes),
        String(p.reference),
        String(p.groundlabel),
        String(p.matched),
        String(p.borderline),
        p.maxBoxErrorPx.toPrecision(2),
        p.maxScoreDiff.toExponential(1),
        `${p.phraseSame}/${p.matched}`,
        ...(labels ? [`${p.labels.same}/${p.labels.merged}/${p.labels.fragment}/${p.labels.other}`] : []),
        (r.ms / 1000).toFixed(1),
      ];
    }),
  );
}

export interface Summary {
  readonly boxes: number;
  readonly matched: number;
  readonly unmatched: number;
  readonly borderline: number;
  readonly maxBoxErrorPx: number;
  readonly meanBoxErrorPx: number;
  readonly maxScoreDiff: number;
  readonly meanScoreDiff: number;
  readonly phraseDiffer: number;
  readonly labelsApart: number;
}

export function summarise(rows: readonly DetectionRow[]): Summary {
  const sum = (f: (r: DetectionRow) => number) => rows.reduce((n, r) => n + f(r), 0);
  const matched = sum((r) => r.parity.matched);
  return {
    boxes: sum((r) => r.parity.reference),
    matched,
    unmatched: sum((r) => r.parity.unmatchedReference + r.parity.unmatchedGroundlabel),
    borderline: sum((r) => r.parity.borderline),
    maxBoxErrorPx: Math.max(0, ...rows.map((r) => r.parity.maxBoxErrorPx)),
    meanBoxErrorPx: matched ? sum((r) => r.parity.meanBoxErrorPx * r.parity.matched) / matched : 0,
    maxScoreDiff: Math.max(0, ...rows.map((r) => r.parity.maxScoreDiff)),
    meanScoreDiff: matched ? sum((r) => r.parity.meanScoreDiff * r.parity.matched) / matched : 0,
    phraseDiffer: sum((r) => r.parity.phraseDiffer),
    labelsApart: sum((r) => r.parity.labels.merged + r.parity.labels.fragment + r.parity.labels.other),
  };
}

const summaryLine = (s: Summary, what: string, labels: boolean) =>
  `${what}: ${s.matched}/${s.boxes} boxes matched (${s.unmatched} unmatched, ${s.borderline} at the threshold), ` +
  `box error max ${s.maxBoxErrorPx.toPrecision(2)} px / mean ${s.meanBoxErrorPx.toPrecision(2)} px, ` +
  `score diff max ${s.maxScoreDiff.toExponential(1)} / mean ${s.meanScoreDiff.toExponential(1)}, ` +
  `${s.phraseDiffer} phrase(s) differing` +
  (labels
    ? `; transformers' own label is not the phrase for ${s.labelsApart} (merges and fragments, not errors)`
    : '');

export function formatReport(report: ParityReport): string {
  const parts = [
    `model ${report.model}; GroundLabel sizes images by ${report.sizeRule}`,
    `reference: transformers ${report.reference.versions.transformers}, torch ${report.reference.versions.torch}, ` +
      `Pillow ${report.reference.versions.pillow}; GroundingDinoProcessor.from_pretrained picked ${report.reference.imageProcessor}`,
    '',
    'Pixel tensor (levels of 0-255):',
    pixelTable(report.pixels),
    '',
    "Text inputs (GroundLabel's passes against the processor and generate_masks_with_special_tokens_and_transfer_map):",
    textTable(report.text),
  ];
  for (const [prompt, t] of Object.entries(report.reference.truncation)) {
    parts.push(
      `  ${prompt}: ${t.tokens} tokens as one caption; transformers' model keeps the first ${t.kept}, cutting ${t.phrasesCut} of ${t.phrases} phrases. ` +
        'GroundLabel splits it into passes at phrase boundaries; the reference is run on the same passes and the results merged.',
    );
  }
  if (report.detections.length) {
    parts.push(
      '',
      'Detections (GroundLabel against transformers, no NMS):',
      detectionTable(report.detections),
    );
    parts.push('', summaryLine(summarise(report.detections), 'summary', true));
  }
  if (report.quantised) {
    parts.push(
      '',
      'Quantised graph (onnxruntime dynamic int8) against the fp32 graph, both through GroundLabel:',
      detectionTable(report.quantised, 'IoU≥0.5', false),
      '',
      summaryLine(summarise(report.quantised), 'quantised', false),
    );
  }
  return parts.join('\n');
}
