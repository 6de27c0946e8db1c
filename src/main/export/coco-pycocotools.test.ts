import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT, UNSPLIT_PROJECT } from '../../shared/formats/__golden__/project';
import { exportLabels, type ExportInput } from '../../shared/formats';
import { tempDirs } from '../inference/__test__/helpers';
import { writeExport } from './write-export';

const tempDir = tempDirs('pycocotools');

/**
 * Loads each COCO file with pycocotools (the reference reader every COCO tool builds on) and
 * evaluates the file's own boxes as detections: a file it reads as written scores AP 1.0.
 */
const CHECK = `
import contextlib, io, json, sys
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
out = {}
for path in sys.argv[1:]:
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(path)
        dets = [{"image_id": a["image_id"], "category_id": a["category_id"], "bbox": a["bbox"], "score": 1.0}
                for a in gt.dataset["annotations"]]
        ap = None
        if dets:
            ev = COCOeval(gt, gt.loadRes(dets), "bbox")
            ev.evaluate(); ev.accumulate(); ev.summarize()
            ap = ev.stats[0]
    out[path] = {"images": sorted(im["file_name"] for im in gt.loadImgs(gt.getImgIds())),
                 "annotations": len(gt.getAnnIds()), "categories": len(gt.getCatIds()), "ap": ap}
print(json.dumps(out))
`;

const probe = spawnSync('python3', ['-c', 'import pycocotools'], { encoding: 'utf8' });
const available = probe.status === 0;
// CI installs pycocotools (.ci/run): there, its absence is a failure, not a reason to skip.
if (!available && process.env.CI)
  throw new Error(`pycocotools is needed in CI: ${probe.error?.message ?? probe.stderr}`);

async function readBack(input: ExportInput, files: readonly string[]) {
  const outDir = path.join(await tempDir(), 'coco');
  await writeExport(exportLabels('coco', input), { format: 'coco', outDir, imageRoot: await tempDir() });
  const run = spawnSync('python3', ['-c', CHECK, ...files.map((f) => path.join(outDir, f))], {
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  const result = JSON.parse(run.stdout) as Record<
    string,
    { images: string[]; annotations: number; categories: number; ap: number | null }
  >;
  return (file: string) => result[path.join(outDir, file)];
}

describe.skipIf(!available)(
  'COCO exports as pycocotools reads them (skipped: needs python3 and pycocotools)',
  () => {
    it('reads one file per split, each holding its images and boxes, and scores their boxes AP 1.0', async () => {
      const file = await readBack(PROJECT, [
        'annotations/instances_train.json',
        'annotations/instances_val.json',
      ]);
      expect(file('annotations/instances_train.json')).toEqual({
        images: ['a.jpg', 'images/c.jpg', 'nested/deep/b.jpg', 'nested/neg.jpg'],
        annotations: 5,
        categories: 3,
        ap: expect.closeTo(1, 9),
      });
      expect(file('annotations/instances_val.json')).toEqual({
        images: ['a.png', 'nested/deep/B.png'],
        annotations: 3,
        categories: 3,
        ap: expect.closeTo(1, 9),
      });
    });

    it('reads the single annotations.json of an export without a split', async () => {
      const file = await readBack(UNSPLIT_PROJECT, ['annotations.json']);
      expect(file('annotations.json')).toMatchObject({
        annotations: 8,
        categories: 3,
        ap: expect.closeTo(1, 9),
      });
      expect(file('annotations.json').images).toHaveLength(6);
    });
  },
);
