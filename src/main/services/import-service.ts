import { stat } from 'node:fs/promises';
import path from 'node:path';
import { GroundLabelError, messageOf } from '../../shared/errors';
import type { ImportFormat, ImportResult } from '../../shared/formats/import';
import { newId } from '../../shared/ids';
import {
  planImport,
  previewImport,
  tally,
  type ImportPlan,
  type ImportTarget,
} from '../../shared/import-plan';
import type { ImportApplied, ImportPreview, ImportProblem, ParsedRequest } from '../../shared/ipc/contract';
import type { ModelRun } from '../../shared/project';
import { EXPORTS_DIR, type DatasetService } from '../dataset/dataset-service';
import { loadLabels } from '../import/load-labels';

export type ImportRequest = ParsedRequest<'import:preview'>;
export type ImportApplyRequest = ParsedRequest<'import:apply'>;

const bad = (message: string) => new GroundLabelError('bad-argument', message);

/** What each format reads: a check, and its words for the message when the path is something else. */
const READS = {
  coco: { fits: (isDir: boolean) => !isDir, what: 'a COCO JSON file' },
  yolo: {
    fits: (isDir: boolean, p: string) => isDir || /\.ya?ml$/i.test(p),
    what: 'a YOLO dataset folder (with data.yaml, classes.txt or obj.names) or its data.yaml',
  },
  voc: {
    fits: (isDir: boolean, p: string) => isDir || /\.xml$/i.test(p),
    what: 'a folder of Pascal VOC XML files or one XML file',
  },
  labelme: {
    fits: (isDir: boolean, p: string) => isDir || /\.json$/i.test(p),
    what: 'a folder of LabelMe JSON files or one JSON file',
  },
} as const satisfies Record<ImportFormat, unknown>;

/** The label path, resolved against the dataset folder, checked to be what the format reads. */
async function labelPath(root: string, request: ImportRequest): Promise<string> {
  const from = path.resolve(root, request.path);
  const info = await stat(from).catch(() => null);
  if (!info || !(info.isFile() || info.isDirectory())) throw bad(`${from} does not exist`);
  const reads = READS[request.format];
  if (!reads.fits(info.isDirectory(), from)) throw bad(`${from} is not ${reads.what}`);
  return from;
}

/** Reads the labels and pairs them with the images of the dataset folder (exports left out). */
async function read(
  d: DatasetService,
  request: ImportRequest,
): Promise<{ result: ImportResult; from: string }> {
  const from = await labelPath(d.root, request);
  const result = await loadLabels({
    format: request.format,
    images: d.root,
    from,
    exclude: [path.join(d.root, EXPORTS_DIR)],
  });
  return { result, from };
}

const targetOf = (d: DatasetService): ImportTarget => ({
  relPaths: d.relPaths,
  meta: d.store.getMeta(),
  docOf: (relPath) => d.store.get(relPath),
  readOnlyReason: (relPath) => d.store.readOnlyReasons().get(relPath),
});

/** Counts what importing the labels at `request.path` would do to the open dataset; writes nothing. */
export async function previewLabelImport(d: DatasetService, request: ImportRequest): Promise<ImportPreview> {
  const { result, from } = await read(d, request);
  return previewImport(result, targetOf(d), from);
}

/**
 * Imports the labels into the dataset: new classes first (so that no saved box names a class the
 * project lacks), then each image through the dataset's journal. An image that fails to save is
 * reported and the rest go on; nothing is written when the input is rejected.
 */
export async function applyLabelImport(
  d: DatasetService,
  request: ImportApplyRequest,
): Promise<ImportApplied> {
  const { result, from } = await read(d, request);
  return applyPlan(d, planImport(result, targetOf(d), request.mode, from));
}

/**
 * Brings a model run's results (`npm run merge --into-project`) into the dataset as pending
 * suggestions, through the same plan and writes as a label import; `display` names the run in
 * messages. Returns what was written, like applyLabelImport.
 */
export function importSuggestions(
  d: DatasetService,
  result: ImportResult,
  display: string,
  modelRun: ModelRun,
): Promise<ImportApplied> {
  return applyPlan(
    d,
    planImport(result, targetOf(d), 'merge', display, newId, { as: 'suggestions', modelRun }),
  );
}

async function applyPlan(d: DatasetService, plan: ImportPlan): Promise<ImportApplied> {
  if (plan.meta !== d.store.getMeta()) await d.saveMeta(plan.meta);
  const done = [];
  const problems: ImportProblem[] = [...plan.problems];
  for (const w of plan.writes) {
    if (!w.changed) {
      done.push(w);
      continue;
    }
    try {
      await d.put(w.doc);
      done.push(w);
    } catch (e) {
      problems.unshift({
        level: 'error',
        message: `${w.doc.relPath}: not saved (${messageOf(e)}); left as it was`,
      });
    }
  }
  return {
    ...tally(done),
    skipped: plan.skipped,
    newClasses: plan.newClasses,
    problems,
    entries: done.filter((w) => w.changed).map((w) => d.entry(w.doc.relPath)),
    meta: d.store.getMeta(),
  };
}
