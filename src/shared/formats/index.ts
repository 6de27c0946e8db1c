import { toCoco, type CocoOptions } from './coco';
import { ExportError } from './errors';
import type { ExportFormat, ExportInput, ExportResult } from './types';
import { toVoc, type VocOptions } from './voc';
import { toYolo } from './yolo';
import { count } from '../plural';

export * from './types';
export * from './errors';
export { prepareExport, relPathProblem, checkClassList } from './prepare';
export type { PreparedBox, PreparedImage, PreparedExport } from './prepare';
export * from './names';
export * from './split';
export * from './coco';
export * from './yolo';
export * from './voc';
export * from './stale';
export { chunked, textOf } from './content';

/** The options each format takes (YOLO takes none). */
export interface ExportOptionsByFormat {
  readonly coco: CocoOptions;
  readonly yolo: Record<string, never>;
  readonly voc: VocOptions;
}

type Writer<F extends ExportFormat> = (input: ExportInput, opts?: ExportOptionsByFormat[F]) => ExportResult;

const WRITERS: { readonly [F in ExportFormat]: Writer<F> } = {
  coco: toCoco,
  yolo: (input) => toYolo(input),
  voc: toVoc,
};

export const EXPORT_FORMATS: readonly ExportFormat[] = Object.keys(WRITERS) as ExportFormat[];

export const isExportFormat = (value: unknown): value is ExportFormat =>
  typeof value === 'string' && Object.hasOwn(WRITERS, value);

/**
 * Writes `input` in `format`. Throws `ExportError`: `bad-format` for a format from outside TS,
 * `nothing-to-export` when no image is reviewed (callers say why in their own words first).
 */
export function exportLabels<F extends ExportFormat>(
  format: F,
  input: ExportInput,
  opts?: ExportOptionsByFormat[F],
): ExportResult {
  if (!isExportFormat(format))
    throw new ExportError('bad-format', `Unknown export format ${JSON.stringify(format)}`);
  if (!input.images.some((im) => im.state === 'reviewed'))
    throw new ExportError(
      'nothing-to-export',
      `Nothing to export: none of the ${count(input.images.length, 'image')} is reviewed or marked negative.`,
    );
  const writer: Writer<F> = WRITERS[format];
  return writer(input, opts);
}
