import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectLabelSources } from './detect-labels';

const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A temp folder holding `files` (path → text); images get a placeholder body, they are not read. */
async function folder(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'gl-detect-'));
  made.push(root);
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), text);
  }
  return root;
}

const images = (n: number, dir = 'images'): Record<string, string> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${dir ? `${dir}/` : ''}im${i}.jpg`, 'jpg']));
const imagePaths = (files: Record<string, string>): string[] =>
  Object.keys(files).filter((f) => f.endsWith('.jpg'));

const VOC_XML = '<?xml version="1.0"?>\n<annotation><filename>im0.jpg</filename></annotation>';

describe('detectLabelSources', () => {
  it('finds an Ultralytics YOLO dataset by its data.yaml and counts its label files', async () => {
    const files = {
      ...images(3, 'images/train'),
      'labels/train/im0.txt': '0 0.5 0.5 0.1 0.1',
      'labels/train/im1.txt': '',
      'README.txt': 'notes, not labels',
      'data.yaml': 'path: .\ntrain: images/train\nnames:\n  0: cat\n',
    };
    const root = await folder(files);
    expect(await detectLabelSources(root, imagePaths(files))).toEqual([
      { format: 'yolo', path: 'data.yaml', evidence: { kind: 'manifest', file: 'data.yaml', files: 2 } },
    ]);
  });

  it('finds a flat YOLO folder by classes.txt with label files beside the images', async () => {
    const files = { ...images(2, ''), 'im0.txt': '0 0.5 0.5 0.1 0.1', 'classes.txt': 'cat\ndog\n' };
    const root = await folder(files);
    expect(await detectLabelSources(root, imagePaths(files))).toEqual([
      { format: 'yolo', path: '.', evidence: { kind: 'manifest', file: 'classes.txt', files: 1 } },
    ]);
  });

  it('finds a CVAT "YOLO 1.1" export by its obj.names, and does not count the image list', async () => {
    const files = {
      ...images(2, 'obj_train_data'),
      'obj_train_data/im0.txt': '0 0.5 0.5 0.1 0.1',
      'obj_train_data/im1.txt': '',
      'obj.names': 'cat\n',
      'obj.data': 'classes = 1\ntrain = data/train.txt\n',
      'train.txt': 'data/obj_train_data/im0.jpg\ndata/obj_train_data/im1.jpg\n',
    };
    const root = await folder(files);
    expect(await detectLabelSources(root, imagePaths(files))).toEqual([
      { format: 'yolo', path: '.', evidence: { kind: 'manifest', file: 'obj.names', files: 2 } },
    ]);
  });

  it('does not offer a yaml without names or a classes.txt without label files', async () => {
    const files = { ...images(2), 'config.yaml': 'epochs: 3\n', 'classes.txt': 'cat\n', 'notes.txt': 'x' };
    const root = await folder(files);
    expect(await detectLabelSources(root, imagePaths(files))).toEqual([]);
  });

  it('finds a COCO file in annotations/ from the head and tail of the file only', async () => {
    // The "annotations" key lies in the middle of a large file, past what is read.
    const filler = Array.from({ length: 4000 }, (_, i) => `{"id":${i},"file_name":"im${i}.jpg"}`).join(',');
    const coco = `{"images":[${filler}],"annotations":[${filler}],"categories":[{"id":1,"name":"cat"}]}`;
    const files = {
      ...images(2),
      'annotations/instances_default.json': coco,
      'annotations/other.json': '{"a":1}',
    };
    const root = await folder(files);
    const found = await detectLabelSources(root, imagePaths(files));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ format: 'coco', path: 'annotations/instances_default.json' });
    expect(found[0].evidence).toMatchObject({ kind: 'json', file: 'instances_default.json' });
  });

  it('finds LabelMe (X-AnyLabeling) JSON beside the images, and does not take it for COCO', async () => {
    const labelme = (image: string) => JSON.stringify({ shapes: [], imagePath: image, imageData: null });
    const files = {
      ...images(2, ''),
      'sub/im9.jpg': 'jpg',
      'im0.json': labelme('im0.jpg'),
      'sub/im9.json': labelme('im9.jpg'),
      'notes.json': '{"shapes": "not beside an image"}',
    };
    const root = await folder(files);
    expect(await detectLabelSources(root, imagePaths(files))).toEqual([
      { format: 'labelme', path: '.', evidence: { kind: 'beside', files: 2 } },
    ]);
  });

  it('does not take other JSON named like an image for LabelMe', async () => {
    const files = { ...images(1, ''), 'im0.json': '{"caption": "a cat"}' };
    const root = await folder(files);
    expect(await detectLabelSources(root, imagePaths(files))).toEqual([]);
  });

  it('finds Pascal VOC in Annotations/ and XML files beside the images, the VOC folder first', async () => {
    const files = {
      ...images(2, 'JPEGImages'),
      'Annotations/im0.xml': VOC_XML,
      'Annotations/im1.xml': VOC_XML,
      'extra/im5.jpg': 'jpg',
      'extra/im5.xml': VOC_XML,
    };
    const root = await folder(files);
    expect(await detectLabelSources(root, imagePaths(files))).toEqual([
      { format: 'voc', path: '.', evidence: { kind: 'manifest', file: 'Annotations/', files: 2 } },
      { format: 'voc', path: '.', evidence: { kind: 'beside', files: 1 } },
    ]);
  });

  it('does not take other XML beside the images for VOC', async () => {
    const files = { ...images(1, ''), 'im0.xml': '<svg xmlns="http://www.w3.org/2000/svg"></svg>' };
    const root = await folder(files);
    expect(await detectLabelSources(root, imagePaths(files))).toEqual([]);
  });

  it('finds nothing in a folder of images alone', async () => {
    const files = images(5);
    const root = await folder(files);
    expect(await detectLabelSources(root, imagePaths(files))).toEqual([]);
  });

  it('ignores the exports folder and hidden folders such as .groundlabel', async () => {
    const files = {
      ...images(2),
      'exports/yolo-1/data.yaml': 'names:\n  0: cat\n',
      'exports/yolo-1/labels/train/im0.txt': '0 0.5 0.5 0.1 0.1',
      'exports/coco-1/annotations/instances.json': '{"images":[],"annotations":[]}',
      '.groundlabel/classes.txt': 'cat\n',
      '.groundlabel/labels/im0.txt': '0 0.5 0.5 0.1 0.1',
    };
    const root = await folder(files);
    expect(await detectLabelSources(root, imagePaths(files), { skipAtRoot: ['exports'] })).toEqual([]);
    // The same files outside those folders are found, so the test can fail.
    expect((await detectLabelSources(root, imagePaths(files))).map((s) => s.path)).toEqual([
      'exports/yolo-1/data.yaml',
    ]);
  });

  it('ranks a format manifest above loose files and stops at the depth limit', async () => {
    const files = {
      ...images(2, ''),
      'im0.txt': '0 0.5 0.5 0.1 0.1',
      'classes.txt': 'cat\n',
      'annotations/coco.json': '{"images":[{"id":1,"file_name":"im0.jpg"}],"annotations":[]}',
      'a/b/c/d/e/Annotations/im0.xml': VOC_XML,
    };
    const root = await folder(files);
    expect((await detectLabelSources(root, imagePaths(files))).map((s) => [s.format, s.path])).toEqual([
      ['coco', 'annotations/coco.json'],
      ['yolo', '.'],
    ]);
    expect(
      (await detectLabelSources(root, imagePaths(files), { maxDepth: 6 })).map((s) => s.format),
    ).toContain('voc');
  });
});
