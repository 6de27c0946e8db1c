import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImageDoc, ProjectMeta } from '../../shared/project';
import { accepted, box, cls, doc, manual, meta, suggestion } from '../__test__/docs';
import { caught, tempDirs } from '../inference/__test__/helpers';
import { planExport } from '../../shared/export-plan';
import { runExport, type ExportRequest } from './export-service';

const tempDir = tempDirs('export');

const request = (extra: Partial<ExportRequest> = {}): ExportRequest => ({
  format: 'yolo',
  valFraction: 0,
  seed: 'groundlabel',
  ...extra,
});

const project: ProjectMeta = meta([
  cls('c-cat', 'cat'),
  cls('c-dog', 'dog', '#00ff00'),
  cls('c-bird', 'bird', '#0000ff'),
]);

/**
 * 20 images: one with a manual, an accepted and a pending box; one with only a suggestion and not
 * reviewed; a reviewed negative; one with a manual box never marked reviewed; one never touched;
 * and 15 reviewed images with one manual cat box each.
 */
function twentyImages(): { relPaths: string[]; docs: Map<string, ImageDoc> } {
  const relPaths = Array.from({ length: 20 }, (_, i) => `img${String(i).padStart(2, '0')}.png`);
  const docs = new Map<string, ImageDoc>();
  docs.set(
    'img00.png',
    doc('img00.png', {
      reviewed: true,
      boxes: [box('c-cat', manual), box('c-dog', accepted), box('c-cat', suggestion)],
    }),
  );
  docs.set('img01.png', doc('img01.png', { boxes: [box('c-dog', suggestion)] }));
  docs.set('img02.png', doc('img02.png', { reviewed: true }));
  docs.set('img03.png', doc('img03.png', { boxes: [box('c-bird', manual, { x1: 1, y1: 2, x2: 3, y2: 4 })] }));
  for (const r of relPaths.slice(5)) docs.set(r, doc(r, { reviewed: true, boxes: [box('c-cat')] }));
  return { relPaths, docs };
}

describe('planExport', () => {
  it('exports reviewed images with their accepted and manual boxes, and counts what it leaves out', () => {
    const { relPaths, docs } = twentyImages();
    const { input, summary } = planExport(relPaths, (r) => docs.get(r), project.classes, request());
    expect(summary).toEqual({
      reviewed: 18,
      negatives: 1,
      leftOut: { unlabeled: 1, suggested: 1, 'nothing-found': 0 },
      boxesPerClass: [
        { name: 'cat', boxes: 16 },
        { name: 'dog', boxes: 1 },
        { name: 'bird', boxes: 1 },
      ],
      problems: ['img00.png: 1 pending suggestion left out'],
      val: 0,
    });
    expect(input.classes).toEqual(['cat', 'dog', 'bird']);
    const byPath = new Map(input.images.map((i) => [i.relPath, i]));
    expect(input.images).toHaveLength(20);
    expect(byPath.get('img00.png')?.boxes.map((b) => b.classId)).toEqual([0, 1]);
    expect(byPath.get('img01.png')).toMatchObject({ state: 'unlabeled', boxes: [] });
    expect(byPath.get('img02.png')).toMatchObject({ state: 'reviewed', boxes: [] });
    expect(byPath.get('img03.png')).toMatchObject({
      state: 'reviewed',
      boxes: [{ classId: 2, x1: 1, y1: 2, x2: 3, y2: 4 }],
    });
    expect(byPath.get('img04.png')).toMatchObject({ state: 'unlabeled', boxes: [] });
  });

  it('never exports a pending suggestion, even on a reviewed image', () => {
    const { relPaths, docs } = twentyImages();
    const { input } = planExport(relPaths, (r) => docs.get(r), project.classes, request());
    const exportedBoxes = input.images.reduce((n, i) => n + i.boxes.length, 0);
    expect(exportedBoxes).toBe(18);
  });

  it('exports only the classes asked for, in project order whatever the order asked', () => {
    const { relPaths, docs } = twentyImages();
    const { input, summary } = planExport(
      relPaths,
      (r) => docs.get(r),
      project.classes,
      request({ classIds: ['c-bird', 'c-cat'] }),
    );
    expect(input.classes).toEqual(['cat', 'bird']);
    expect(summary.boxesPerClass).toEqual([
      { name: 'cat', boxes: 16 },
      { name: 'bird', boxes: 1 },
    ]);
    const byPath = new Map(input.images.map((i) => [i.relPath, i]));
    expect(byPath.get('img00.png')?.boxes.map((b) => b.classId)).toEqual([0]);
    expect(byPath.get('img03.png')?.boxes.map((b) => b.classId)).toEqual([1]);
  });

  it('sends a share of the exported images to val with valFraction 0.5, the same ones every time', () => {
    const { relPaths, docs } = twentyImages();
    const first = planExport(relPaths, (r) => docs.get(r), project.classes, request({ valFraction: 0.5 }));
    expect(first.summary.val).toBeGreaterThanOrEqual(1);
    expect(first.summary.val).toBeLessThanOrEqual(17);
    const val = (p: typeof first) => p.input.images.filter((i) => i.split === 'val').map((i) => i.relPath);
    expect(val(first)).toHaveLength(first.summary.val);
    const again = planExport(relPaths, (r) => docs.get(r), project.classes, request({ valFraction: 0.5 }));
    expect(val(again)).toEqual(val(first));
    // Another image in the folder moves none of the others.
    const more = planExport(
      [...relPaths, 'zz-new.png'],
      (r) => docs.get(r) ?? (r === 'zz-new.png' ? doc(r, { reviewed: true }) : undefined),
      project.classes,
      request({ valFraction: 0.5 }),
    );
    expect(val(more).filter((r) => r !== 'zz-new.png')).toEqual(val(first));
    // Unlabeled images get no split and are not counted.
    expect(
      first.input.images.filter((i) => i.state === 'unlabeled').every((i) => i.split === undefined),
    ).toBe(true);
  });

  it('sends nothing to val with valFraction 0, and everything with 1', () => {
    const { relPaths, docs } = twentyImages();
    expect(
      planExport(relPaths, (r) => docs.get(r), project.classes, request({ valFraction: 0 })).summary.val,
    ).toBe(0);
    expect(
      planExport(relPaths, (r) => docs.get(r), project.classes, request({ valFraction: 1 })).summary.val,
    ).toBe(18);
  });

  it('lists a box whose class is no longer in the project as a problem instead of dropping it silently', () => {
    const docs = new Map([['a.png', doc('a.png', { reviewed: true, boxes: [box('c-cat'), box('c-gone')] })]]);
    const { summary } = planExport(['a.png'], (r) => docs.get(r), project.classes, request());
    expect(summary.problems).toEqual([expect.stringMatching(/^a\.png: .*c-gone/)]);
  });
});

describe('runExport', () => {
  async function datasetWithImages(relPaths: readonly string[]): Promise<string> {
    const root = await tempDir();
    for (const r of relPaths) await writeFile(path.join(root, r), 'image bytes');
    return root;
  }

  it('writes the export into exports/<format>-<timestamp>/ inside the dataset and reports progress', async () => {
    const { relPaths, docs } = twentyImages();
    const root = await datasetWithImages(relPaths);
    const plan = planExport(relPaths, (r) => docs.get(r), project.classes, request({ valFraction: 0.5 }));
    const progress: [number, number][] = [];
    const { outDir, problems } = await runExport(root, 'yolo', plan, (done, total) =>
      progress.push([done, total]),
    );

    expect(path.dirname(outDir)).toBe(path.join(root, 'exports'));
    expect(path.basename(outDir)).toMatch(/^yolo-\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}$/);
    expect(problems).toEqual([]);
    const files = (await readdir(outDir, { recursive: true })).map((f) => f.split(path.sep).join('/'));
    const labelFiles = files.filter((f) => f.startsWith('labels/') && f.endsWith('.txt'));
    expect(labelFiles).toHaveLength(18);
    expect(files.some((f) => f.includes('img04') || f.includes('img01'))).toBe(false);
    expect(progress[0]).toEqual([0, progress[0][1]]);
    expect(progress.at(-1)?.[0]).toBe(progress.at(-1)?.[1]);
    // Nothing outside exports/ was written.
    expect((await readdir(root)).sort()).toEqual([...relPaths, 'exports'].sort());
  });

  it('writes each box of the plan into the YOLO label of its image', async () => {
    const relPaths = ['a.png'];
    const root = await datasetWithImages(relPaths);
    const docs = new Map([
      [
        'a.png',
        doc('a.png', {
          width: 100,
          height: 50,
          reviewed: true,
          boxes: [box('c-dog', accepted, { x1: 10, y1: 10, x2: 30, y2: 40 }), box('c-cat', suggestion)],
        }),
      ],
    ]);
    const { outDir } = await runExport(
      root,
      'yolo',
      planExport(relPaths, (r) => docs.get(r), project.classes, request()),
      undefined,
    );
    const files = (await readdir(outDir, { recursive: true })).map((f) => f.split(path.sep).join('/'));
    const label = files.find((f) => f.endsWith('a.txt'));
    expect(label).toBeDefined();
    const lines = (await readFile(path.join(outDir, label!), 'utf8')).trim().split('\n');
    expect(lines.map((l) => l.split(' ').map(Number))).toEqual([[1, 0.2, 0.5, 0.2, 0.6]]);
  });

  it('refuses an export of nothing before making any folder, saying what the images wait for', async () => {
    const relPaths = ['a.png', 'b.png', 'c.png', 'd.png'];
    const root = await datasetWithImages(relPaths);
    const modelRun = { prompt: 'cat', at: '2024-01-01T00:00:00.000Z' };
    const docs = new Map([
      ['a.png', doc('a.png', { boxes: [box('c-cat', suggestion)] })],
      ['b.png', doc('b.png', { modelRun })],
      ['c.png', doc('c.png', { modelRun })],
    ]);
    const plan = planExport(relPaths, (r) => docs.get(r), project.classes, request());
    const error = await caught(() => runExport(root, 'yolo', plan), 'export-refused');
    expect(error.message).toBe(
      'Nothing to export: no image is reviewed or marked negative (1 image has pending suggestions, 2 images where the model found nothing, 1 image not labeled yet). Accept or draw boxes, or mark images negative, then export again.',
    );
    expect(existsSync(path.join(root, 'exports'))).toBe(false);
  });

  it('refuses a class list with a repeated name as export-refused, saying each detail once, and writes nothing', async () => {
    const relPaths = ['a.png'];
    const root = await datasetWithImages(relPaths);
    const twins = meta([cls('c1', 'cat'), cls('c2', 'cat')]);
    const docs = new Map([['a.png', doc('a.png', { reviewed: true, boxes: [box('c1')] })]]);
    const error = await caught(
      () =>
        runExport(
          root,
          'coco',
          planExport(relPaths, (r) => docs.get(r), twins.classes, request()),
        ),
      'export-refused',
    );
    const detail = 'class id 1 repeats the name "cat" of class id 0';
    expect(error.message).toContain(detail);
    expect(error.message.split(detail)).toHaveLength(2);
    expect(existsSync(path.join(root, 'exports'))).toBe(false);
  });
});
