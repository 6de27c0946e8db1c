import { describe, expect, it } from 'vitest';
import type { Detection } from '../../shared/detection';
import { GroundLabelError } from '../../shared/errors';
import { planExport } from '../../shared/export-plan';
import { textFiles } from '../../shared/formats/__golden__/goldens';
import { exportLabels, type ExportFormat, type ExportInput } from '../../shared/formats';
import { mapPhrasesToClasses } from '../../shared/labels/class-map';
import { emptyProjectMeta, type ImageDoc, type ProjectMeta } from '../../shared/project';
import { tempDirs } from '../inference/__test__/helpers';
import { SuggestionAcceptor } from '../jobs/accept';
import { BatchService, type BatchDataset } from '../jobs/batch';
import type { StepDataset } from '../jobs/dataset-steps';
import { labelImages, type DetectorLike } from '../jobs/label-images';
import { NothingFoundMarker } from '../jobs/mark-negative';
import { exportFromOutcomes } from './from-outcomes';

const tempDir = tempDirs('from-outcomes');
const PROMPT = 'cat . dog';
const SIZE = { width: 640, height: 480 };

const found = (phrase: 'cat' | 'dog', score: number, x1: number): Detection => ({
  box: { x1, y1: 20, x2: x1 + 100.25, y2: 200.5 },
  score,
  phrase,
  phraseIndex: phrase === 'cat' ? 0 : 1,
  rawText: phrase,
});

/** What the model finds per image; broken.png cannot be decoded. */
const FINDS: Record<string, readonly Detection[]> = {
  'a.png': [found('cat', 0.9, 10), found('dog', 0.5, 300)],
  'b.png': [],
  'c.png': [found('dog', 0.3, 50)],
  'd.png': [],
};
const RELPATHS = [...Object.keys(FINDS), 'broken.png'].sort();

const detector: DetectorLike = {
  prepareImage: async (file) => {
    if (!(file in FINDS)) throw new GroundLabelError('image-unreadable', `${file} is not an image`);
    return { file, original: SIZE, size: SIZE, pixels: new Float32Array(3), ms: 0 };
  },
  detect: async (image) => ({
    file: image.file,
    image: SIZE,
    detections: [...FINDS[image.file]],
    collisions: [],
    runs: 1,
    timings: { preprocessMs: 0, textMs: 0, runMs: 0, postprocessMs: 0 },
  }),
};

/** A dataset of the app in memory, its store counting revisions as the project store does. */
async function appDataset(): Promise<BatchDataset & StepDataset & { docs: Map<string, ImageDoc> }> {
  const docs = new Map<string, ImageDoc>();
  let meta: ProjectMeta = emptyProjectMeta();
  const revisionOf = (relPath: string) => docs.get(relPath)?.revision ?? 0;
  return {
    root: await tempDir(),
    relPaths: RELPATHS,
    docs,
    store: {
      get: (r) => docs.get(r),
      revisionOf,
      putImage: async (doc) => {
        const stored = { ...doc, revision: revisionOf(doc.relPath) + 1 };
        docs.set(doc.relPath, stored);
        return stored;
      },
      getMeta: () => meta,
      putMeta: async (next) => void (meta = next),
      readOnlyReasons: () => new Map(),
    },
    idFor: (relPath) => relPath,
    fileOf: async (id) => id,
  };
}

const DATE = { dateCreated: '2025-01-02T03:04:05.000Z' };
const written = (format: ExportFormat, input: ExportInput) =>
  textFiles(exportLabels(format, input, format === 'coco' ? DATE : {}));

/** What `label --prompt "cat . dog"` exports from the model's findings. */
async function labelRun() {
  const outcomes = await labelImages(
    detector,
    RELPATHS.map((relPath) => ({ relPath, file: relPath })),
    PROMPT,
  );
  const mapping = mapPhrasesToClasses(['cat', 'dog'], new Map());
  if (!mapping.ok) throw new Error(mapping.error);
  return exportFromOutcomes(outcomes, mapping.value, PROMPT);
}

/** The app after a batch with the same findings, and the plan of its export. */
async function appBatch() {
  const dataset = await appDataset();
  const batch = await BatchService.open({ dataset });
  await batch.start(detector, { prompt: PROMPT });
  await batch.wait();
  const plan = () =>
    planExport(dataset.relPaths, (r) => dataset.store.get(r), dataset.store.getMeta().classes, {
      valFraction: 0,
      seed: 'x',
    });
  return { dataset, plan };
}

describe('the label command and the app export the same images under one rule', () => {
  it.each(['coco', 'yolo', 'voc'] as const)(
    'writes the same %s files once a person in the app accepts everything and marks nothing-found negative',
    async (format) => {
      const cli = await labelRun();
      const { dataset, plan } = await appBatch();
      await new SuggestionAcceptor().accept(dataset, { minScore: 0 });
      await new NothingFoundMarker().mark(dataset);
      expect(written(format, plan().input)).toEqual(written(format, cli.plan.input));
      expect(plan().summary).toEqual(cli.plan.summary);
    },
  );

  it('leaves images where nothing was found out of the app until marked, and the label run says it declared them negative', async () => {
    const cli = await labelRun();
    expect(cli.nothingFound).toBe(2);
    expect(cli.plan.summary).toMatchObject({ reviewed: 4, negatives: 2 });

    const { dataset, plan } = await appBatch();
    await new SuggestionAcceptor().accept(dataset, { minScore: 0 });
    expect(plan().summary).toMatchObject({
      reviewed: 2,
      negatives: 0,
      leftOut: { unlabeled: 1, suggested: 0, 'nothing-found': 2 },
    });
    const coco = JSON.parse(written('coco', plan().input)['annotations.json']) as {
      images: { file_name: string }[];
    };
    expect(coco.images.map((im) => im.file_name)).toEqual(['a.png', 'c.png']);
  });
});
