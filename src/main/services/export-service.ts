import path from 'node:path';
import { GroundLabelError } from '../../shared/errors';
import { assignSplits, exportLabels, ExportError } from '../../shared/formats';
import type { ExportFormat, ExportInput } from '../../shared/formats/types';
import type { ExportSummary, ParsedRequest } from '../../shared/ipc/contract';
import type { ImageDoc, ProjectMeta } from '../../shared/project';
import { EXPORTS_DIR } from '../dataset/dataset-service';
import { writeExport } from '../export/write-export';

export type ExportRequest = ParsedRequest<'export:preview'>;

export interface ExportPlan {
  readonly input: ExportInput;
  readonly summary: ExportSummary;
}

/**
 * What an export of the project contains: reviewed images with their accepted and manual boxes
 * (pending suggestions are never exported), reviewed negatives, and the classes asked for in
 * project order. Unlabeled images are left out and counted.
 */
export function planExport(
  relPaths: readonly string[],
  docOf: (relPath: string) => ImageDoc | undefined,
  meta: ProjectMeta,
  request: ExportRequest,
): ExportPlan {
  const chosen = meta.classes.filter((c) => !request.classIds || request.classIds.includes(c.id));
  const index = new Map(chosen.map((c, i) => [c.id, i]));
  const splits = assignSplits(relPaths, { valFraction: request.valFraction, seed: request.seed });
  const problems: string[] = [];
  const known = new Set(meta.classes.map((c) => c.id));
  const perClass = new Array<number>(chosen.length).fill(0);
  let unlabeled = 0;
  const images = relPaths.map((relPath) => {
    const doc = docOf(relPath);
    const reviewed = !!doc && (doc.reviewed || doc.boxes.some((b) => b.origin.kind !== 'suggestion'));
    if (!doc || !reviewed) {
      unlabeled++;
      return {
        relPath,
        width: doc?.width ?? 0,
        height: doc?.height ?? 0,
        state: 'unlabeled' as const,
        boxes: [],
      };
    }
    const pending = doc.boxes.filter((b) => b.origin.kind === 'suggestion').length;
    if (pending) problems.push(`${relPath}: ${pending} pending suggestion(s) left out`);
    const orphans = doc.boxes.filter((b) => b.origin.kind !== 'suggestion' && !known.has(b.classId));
    if (orphans.length) {
      const ids = [...new Set(orphans.map((b) => b.classId))].join(', ');
      problems.push(
        `${relPath}: ${orphans.length} box(es) of class ${ids}, no longer in the project, left out`,
      );
    }
    const boxes = doc.boxes.flatMap((b) => {
      const classId = index.get(b.classId);
      if (b.origin.kind === 'suggestion' || classId === undefined) return [];
      perClass[classId]++;
      return [{ classId, x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2 }];
    });
    return {
      relPath,
      width: doc.width,
      height: doc.height,
      state: 'reviewed' as const,
      boxes,
      split: splits.get(relPath) ?? 'train',
    };
  });
  const exported = images.filter((i) => i.state === 'reviewed');
  return {
    input: { classes: chosen.map((c) => c.name), images },
    summary: {
      reviewed: exported.length,
      negatives: exported.filter((i) => i.boxes.length === 0).length,
      unlabeledLeftOut: unlabeled,
      boxesPerClass: chosen.map((c, i) => ({ name: c.name, boxes: perClass[i] })),
      problems,
      val: exported.filter((i) => i.split === 'val').length,
    },
  };
}

const stamp = (d: Date) => d.toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);

/** Writes an export into `<dataset>/exports/<format>-<timestamp>/`. */
export async function runExport(
  root: string,
  format: ExportFormat,
  plan: ExportPlan,
  onProgress?: (done: number, total: number) => void,
): Promise<{ outDir: string; problems: string[] }> {
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
