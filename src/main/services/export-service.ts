import path from 'node:path';
import { GroundLabelError } from '../../shared/errors';
import { exportLabels, ExportError } from '../../shared/formats';
import { nothingToExport, type ExportPlan } from '../../shared/export-plan';
import type { ExportFormat } from '../../shared/formats/types';
import type { ParsedRequest } from '../../shared/ipc/contract';
import { EXPORTS_DIR } from '../dataset/dataset-service';
import { writeExport } from '../export/write-export';

export type ExportRequest = ParsedRequest<'export:preview'>;

const stamp = (d: Date) => d.toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);

/**
 * Writes the export `plan` (see `planExport`) into `<dataset>/exports/<format>-<timestamp>/`. An
 * export of nothing is refused, saying what the images are waiting for.
 */
export async function runExport(
  root: string,
  format: ExportFormat,
  plan: ExportPlan,
  onProgress?: (done: number, total: number) => void,
): Promise<{ outDir: string; problems: string[] }> {
  // Refused before anything is made: no folder, no data.yaml naming folders that do not exist.
  const refusal = nothingToExport(plan.summary);
  if (refusal) throw new GroundLabelError('export-refused', refusal);
  let result;
  try {
    result = exportLabels(format, plan.input);
  } catch (e) {
    if (e instanceof ExportError) throw new GroundLabelError('export-refused', e.message, { cause: e });
    throw e;
  }
  const outDir = path.join(root, EXPORTS_DIR, `${format}-${stamp(new Date())}`);
  onProgress?.(0, result.files.length);
  await writeExport(result, { format, outDir, imageRoot: root, onProgress });
  return { outDir, problems: result.problems.map((p) => `${p.relPath}: ${p.message}`) };
}
