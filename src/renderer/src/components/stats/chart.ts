import type { ImageStatus } from '../../../../shared/project';

/** One series of a bar chart: `pending` is drawn light and dashed, like suggestions on the canvas. */
export interface BarSeries {
  readonly name: string;
  readonly style: 'solid' | 'pending';
}

/** One bar: a segment per series, in series order. */
export interface BarRow {
  readonly key: string;
  readonly label: string;
  readonly values: readonly number[];
  readonly fill: string;
  readonly stroke?: string;
  readonly hatched?: boolean;
  /** What is written next to the bar. */
  readonly note: string;
}

export interface HistogramBin {
  readonly label: string;
  readonly count: number;
}

/** The image list's status dots, drawn as bars: same hues, negatives hatched. */
export const STATUS_STYLE: Readonly<
  Record<ImageStatus, { readonly fill: string; readonly stroke: string; readonly hatched?: boolean }>
> = {
  unlabeled: { fill: '#e5e9ef', stroke: '#8a94a3' },
  unreadable: { fill: '#fecaca', stroke: '#b91c1c' },
  'nothing-found': { fill: '#bfdbfe', stroke: '#2563eb' },
  suggested: { fill: '#fbbf24', stroke: '#d97706' },
  reviewed: { fill: '#22c55e', stroke: '#15803d' },
  negative: { fill: '#22c55e', stroke: '#15803d', hatched: true },
};

/** Cuts a label to fit the chart's label column; the table keeps the whole name. */
export const shorten = (label: string, max = 18): string =>
  label.length > max ? `${label.slice(0, max - 1)}…` : label;

/** Every chart is drawn this wide; the SVG scales down in narrow places. */
export const CHART_WIDTH = 520;

/** A bar as its chart's number table and accessible name tell it. */
export interface ChartTableRow {
  readonly key: string;
  readonly label: string;
  /** One cell per column after the label. */
  readonly cells: readonly (string | number)[];
  /** What the accessible name says for this bar. */
  readonly note: string | number;
}
