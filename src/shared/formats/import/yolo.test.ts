import { describe, expect, it } from 'vitest';
import { goldenFiles } from '../__golden__/goldens';
import { PROJECT } from '../__golden__/project';
import { expectSameProject, listingOf, sizesOf } from './__fixtures__/sources';
import type { SizeLookup, SourceFile } from './types';
import { importYolo, stageYolo, yoloLabelDir, yoloLabelPath, type YoloSource } from './yolo';

const file = (path: string, text: string): SourceFile => ({ path, text });
const size =
  (width: number, height: number): SizeLookup =>
  () => ({ width, height });
const messages = (issues: readonly { message: string }[]) => issues.map((i) => i.message);

/** A flat labelImg-style dataset: classes.txt plus one label file per image. */
function flat(labels: Record<string, string>, classes = 'car\ndog\nbird\n'): YoloSource {
  return {
    classesTxt: file('classes.txt', classes),
    labels: Object.entries(labels).map(([p, t]) => file(p, t)),
  };
}

describe('importYolo: the golden export', () => {
  it('reads the golden Ultralytics files back into the golden project', () => {
    const golden = goldenFiles('yolo');
    const files = Object.entries(golden).map(([path, text]) => file(path, text));
    const source: YoloSource = {
      dataYaml: files.find((f) => f.path === 'data.yaml'),
      classesTxt: files.find((f) => f.path === 'classes.txt'),
      labels: files.filter((f) => f.path.startsWith('labels/')),
    };
    const result = importYolo(source, listingOf(PROJECT), sizesOf(PROJECT));
    expectSameProject(result, PROJECT, { tolerance: (w, h) => 1e-6 * Math.max(w, h), split: true });
    expect(result.report).toEqual({ errors: [], clipped: 0, warnings: [] });
  });
});

describe('importYolo: layouts', () => {
  it('pairs flat label files with images by name, collisions as the writers name them (a.png → a_png.txt)', () => {
    const source = flat({ 'a.txt': '0 0.5 0.5 0.5 0.5\n', 'a_png.txt': '1 0.5 0.5 1 1\n', 'sub/c.txt': '' });
    const r = importYolo(source, ['a.jpg', 'a.png', 'sub/c.jpg', 'sub/d.jpg'], size(200, 100));
    expect(r.report.errors).toEqual([]);
    expect(r.input.classes).toEqual(['car', 'dog', 'bird']);
    expect(r.input.images).toEqual([
      {
        relPath: 'a.jpg',
        width: 200,
        height: 100,
        state: 'reviewed',
        boxes: [{ classId: 0, x1: 50, y1: 25, x2: 150, y2: 75 }],
      },
      {
        relPath: 'a.png',
        width: 200,
        height: 100,
        state: 'reviewed',
        boxes: [{ classId: 1, x1: 0, y1: 0, x2: 200, y2: 100 }],
      },
      // An empty label file is a reviewed negative; an image without one is unlabeled.
      { relPath: 'sub/c.jpg', width: 200, height: 100, state: 'reviewed', boxes: [] },
      { relPath: 'sub/d.jpg', width: 200, height: 100, state: 'unlabeled', boxes: [] },
    ]);
  });

  it('reads an Ultralytics dataset in place: images/<split>/x.jpg pairs with labels/<split>/x.txt', () => {
    const source: YoloSource = {
      dataYaml: file('data.yaml', 'train: images/train\nval: images/val\nnames: [car, dog]\n'),
      labels: [
        file('labels/train/x.txt', '0 0.5 0.5 0.2 0.2\n'),
        file('labels/val/y.txt', '1 0.5 0.5 0.2 0.2\n'),
      ],
      imageRootInDataset: '',
    };
    const r = importYolo(source, ['images/train/x.jpg', 'images/val/y.jpg', 'other/z.jpg'], size(100, 100));
    expect(r.report.errors).toEqual([]);
    expect(r.input.images.map((im) => [im.relPath, im.state, im.split])).toEqual([
      ['images/train/x.jpg', 'reviewed', 'train'],
      ['images/val/y.jpg', 'reviewed', 'val'],
      ['other/z.jpg', 'unlabeled', undefined],
    ]);
  });

  it('refuses two images of one folder that Ultralytics would give the same label file', () => {
    const source: YoloSource = {
      dataYaml: file('data.yaml', 'train: images/train\nval: images/train\nnames: [car]\n'),
      labels: [file('labels/train/a.txt', '0 0.5 0.5 0.2 0.2\n')],
      imageRootInDataset: '',
    };
    const r = importYolo(source, ['images/train/a.jpg', 'images/train/a.png'], size(100, 100));
    expect(messages(r.report.errors)).toEqual([
      'labels/train/a.txt: pairs with both images/train/a.jpg and images/train/a.png; both are left out of the import',
    ]);
    expect(r.rejected).toEqual(['images/train/a.jpg', 'images/train/a.png']);
  });

  it('reads names as YAML 1.1, as Ultralytics does', () => {
    const source: YoloSource = {
      dataYaml: file('data.yaml', 'train: images/train\nval: images/train\nnames: [car, yes, "no", 3]\n'),
      labels: [],
    };
    const r = importYolo(source, [], size(1, 1));
    expect(r.input.classes).toEqual(['car', 'True', 'no', '3']);
    expect(messages(r.report.warnings)).toEqual([
      'data.yaml: names[1]: true is not a string; read as the name "True", as Ultralytics does',
      'data.yaml: names[3]: 3 is not a string; read as the name "3", as Ultralytics does',
    ]);
  });

  it('follows Ultralytics in replacing only the last /images/ of the path', () => {
    expect(yoloLabelPath('images/train/images/c.jpg')).toBe('images/train/labels/c.txt');
    expect(yoloLabelPath('a.jpg')).toBe('a.txt');
    expect(yoloLabelDir('images/train')).toBe('labels/train');
    expect(yoloLabelDir('data/images')).toBe('data/labels');
  });

  it('reads names given as a map with gaps in their order and reports the new ids', () => {
    const source: YoloSource = {
      dataYaml: file(
        'data.yaml',
        'train: images/train\nval: images/train\nnames:\n  0: car\n  5: bird\n  2: dog\n',
      ),
      labels: [file('labels/train/a.txt', '5 0.5 0.5 0.2 0.2\n2 0.5 0.5 0.2 0.2\n')],
    };
    const r = importYolo(source, ['a.jpg'], size(100, 100));
    expect(r.input.classes).toEqual(['car', 'dog', 'bird']);
    expect(r.input.images[0].boxes.map((b) => b.classId)).toEqual([2, 1]);
    expect(messages(r.report.warnings)).toEqual([
      'data.yaml: names: class ids 0, 2, 5 are not 0…2; they keep their order and become project class ids 0 → 0 "car", 2 → 1 "dog", 5 → 2 "bird"',
    ]);
  });

  it("ignores a path: key and reads Roboflow's ../train/images inside the dataset, saying so", () => {
    const source: YoloSource = {
      dataYaml: file(
        'data.yaml',
        'path: /home/someone/datasets/x\ntrain: ../train/images\nval: ../valid/images\nnames: [car]\n',
      ),
      labels: [file('train/labels/a.txt', '0 0.5 0.5 0.5 0.5\n')],
      imageRootInDataset: '',
    };
    const r = importYolo(source, ['train/images/a.jpg'], size(10, 10));
    expect(r.report.errors).toEqual([]);
    expect(messages(r.report.warnings)).toEqual([
      'data.yaml: path: "/home/someone/datasets/x" is ignored; train and val are read inside the folder of data.yaml',
      'data.yaml: train: "../train/images" leaves the dataset folder; read as "train/images" inside it, as Ultralytics does',
      'data.yaml: val: "../valid/images" leaves the dataset folder; read as "valid/images" inside it, as Ultralytics does',
    ]);
    expect(r.input.images[0]).toMatchObject({ state: 'reviewed', split: 'train' });
  });

  it.each([
    [
      'train: /etc\nval: images/val',
      'data.yaml: train: "/etc" is absolute; image folders must lie inside the dataset folder',
    ],
    [
      'train: ../../etc\nval: images/val',
      'data.yaml: train: "../../etc" contains ".."; image folders must lie inside the dataset folder',
    ],
    [
      'train: C:/data\nval: images/val',
      'data.yaml: train: "C:/data" starts with a drive letter; image folders must lie inside the dataset folder',
    ],
    [
      'train: [images/a, "x\\\\..\\\\y"]\nval: images/val',
      'data.yaml: train[1]: "x\\\\..\\\\y" contains a backslash (relPaths use forward slashes); image folders must lie inside the dataset folder',
    ],
    [
      'train: train.txt\nval: images/val',
      'data.yaml: train: "train.txt" is a list of images; GroundLabel reads image folders only',
    ],
  ])('refuses image folders that leave the dataset: %s', (yaml, message) => {
    const source: YoloSource = {
      dataYaml: file('data.yaml', `${yaml}\nnames: [car]\n`),
      labels: [file('labels/train/a.txt', '0 0.5 0.5 0.5 0.5')],
    };
    const r = importYolo(source, ['a.jpg'], size(10, 10));
    expect(messages(r.report.errors)).toEqual([message]);
    expect(r.input.images.every((im) => im.state === 'unlabeled')).toBe(true);
  });

  it('puts images of a test split in no split and says so', () => {
    const source: YoloSource = {
      dataYaml: file('data.yaml', 'train: images/train\nval: images/val\ntest: images/test\nnames: [car]\n'),
      labels: [file('labels/test/t.txt', '')],
      imageRootInDataset: '',
    };
    const r = importYolo(source, ['images/test/t.jpg'], size(10, 10));
    expect(r.input.images[0]).toMatchObject({ state: 'reviewed' });
    expect(r.input.images[0].split).toBeUndefined();
    expect(messages(r.report.warnings)).toEqual([
      'data.yaml: test: 1 image of the test split is imported without a split (GroundLabel keeps train and val; the writers put them in train)',
    ]);
  });

  it('refuses an image with label files in two splits', () => {
    const source: YoloSource = {
      dataYaml: file('data.yaml', 'train: images/train\nval: images/val\nnames: [car]\n'),
      labels: [file('labels/train/a.txt', ''), file('labels/val/a.txt', '')],
    };
    const r = importYolo(source, ['a.jpg'], size(10, 10));
    expect(messages(r.report.errors)).toEqual([
      'a.jpg: has labels in labels/train/a.txt and labels/val/a.txt; the image is left out of the import',
    ]);
    expect(r.rejected).toEqual(['a.jpg']);
  });

  it('warns about label files no image pairs with', () => {
    const r = importYolo(flat({ 'a.txt': '', 'gone.txt': '0 0.5 0.5 0.1 0.1' }), ['a.jpg'], size(10, 10));
    expect(messages(r.report.warnings)).toEqual([
      'gone.txt: no image of the image folder pairs with this label file; it is skipped',
    ]);
    expect(r.report.errors).toEqual([]);
  });

  it('needs the sizes of the paired images only', () => {
    const staged = stageYolo(flat({ 'a.txt': '', 'b.txt': '9 0 0 0 0' }), ['a.jpg', 'b.jpg', 'c.jpg']);
    expect(staged.needs).toEqual(['a.jpg']);
  });
});

describe('importYolo: class lists', () => {
  it('reports a missing class list', () => {
    const r = importYolo({ labels: [file('a.txt', '')] }, ['a.jpg'], size(10, 10));
    expect(messages(r.report.errors)).toEqual([
      'dataset: no class names: data.yaml has no names and there is no classes.txt or obj.names',
    ]);
  });

  it('refuses an empty name in the middle of classes.txt (it would shift every id after it)', () => {
    const r = importYolo(flat({ 'a.txt': '' }, 'car\n\ndog\n\n'), ['a.jpg'], size(10, 10));
    expect(messages(r.report.errors)).toEqual(['classes.txt:2: the class name is empty']);
  });

  it('refuses repeated names and reports trimmed ones', () => {
    const r = importYolo(flat({ 'a.txt': '' }, ' car \ndog\ncar\n'), ['a.jpg'], size(10, 10));
    expect(messages(r.report.errors)).toEqual(['classes.txt:3: the class name "car" repeats classes.txt:1']);
    expect(messages(r.report.warnings)).toEqual(['classes.txt:1: the class name " car " is read as "car"']);
  });

  it('prefers data.yaml names over a classes.txt that differs, and says so', () => {
    const source: YoloSource = {
      dataYaml: file('data.yaml', 'train: images/train\nval: images/train\nnames: [car, dog]\n'),
      classesTxt: file('classes.txt', 'dog\ncar\n'),
      labels: [],
    };
    const r = importYolo(source, [], size(10, 10));
    expect(r.input.classes).toEqual(['car', 'dog']);
    expect(messages(r.report.warnings)).toEqual([
      'classes.txt: differs from the names in data.yaml; those are used',
    ]);
  });

  it('reports YAML errors with their line', () => {
    const source: YoloSource = {
      dataYaml: file('data.yaml', 'train: images/train\nnames: {0: a, 0: b}\n'),
      labels: [],
    };
    expect(messages(importYolo(source, [], size(1, 1)).report.errors)).toEqual([
      'data.yaml:2: not valid YAML: Map keys must be unique',
    ]);
  });

  it('reports data.yaml without train and val', () => {
    const source: YoloSource = { dataYaml: file('data.yaml', 'names: [a]\n'), labels: [] };
    expect(messages(importYolo(source, [], size(1, 1)).report.errors)).toEqual([
      'data.yaml: train and val are missing; nothing says where the images are',
    ]);
  });
});

describe('importYolo: label rows', () => {
  const twoFiles = (bad: string) => flat({ 'labels/a.txt': bad, 'labels/b.txt': '0 0.5 0.5 0.5 0.5\n' });
  const run = (bad: string) =>
    importYolo({ ...twoFiles(bad), imageRootInDataset: 'labels' }, ['a.jpg', 'b.jpg'], size(100, 100));

  it('names the line of a class id outside the list and keeps the image out, the file unchanged', () => {
    const r = run('0 0.5 0.5 0.1 0.1\n1 0.5 0.5 0.1 0.1\n7 0.5 0.5 0.1 0.1\n');
    expect(messages(r.report.errors)).toEqual([
      'labels/a.txt:3: class 7 is not in classes.txt',
      'labels/a.txt: 1 bad line; its image is left out of the import (the file is not changed)',
    ]);
    expect(r.rejected).toEqual(['a.jpg']);
    expect(r.input.images.map((im) => [im.relPath, im.state])).toEqual([
      ['a.jpg', 'unlabeled'],
      ['b.jpg', 'reviewed'],
    ]);
  });

  it('reports a 6th column (a score) as an error for that line, not a crash', () => {
    const r = run('0 0.5 0.5 0.1 0.1\n0 0.5 0.5 0.1 0.1 0.93\n');
    expect(messages(r.report.errors)).toEqual([
      'labels/a.txt:2: 6 columns, expected 5 (class cx cy w h) (a 6th column such as a score makes Ultralytics drop the image)',
      'labels/a.txt: 1 bad line; its image is left out of the import (the file is not changed)',
    ]);
    expect(r.rejected).toEqual(['a.jpg']);
  });

  it.each([
    ['0 0.5 0.5 0.1', 'labels/a.txt:1: 4 columns, expected 5 (class cx cy w h)'],
    [
      '0 0.1 0.1 0.2 0.1 0.2 0.2',
      'labels/a.txt:1: 7 columns: a segmentation polygon; only boxes (class cx cy w h) are imported',
    ],
    ['car 0.5 0.5 0.1 0.1', 'labels/a.txt:1: the class (column 1) is not a whole number'],
    ['1.0 0.5 0.5 0.1 0.1', 'labels/a.txt:1: the class (column 1) is not a whole number'],
    ['-1 0.5 0.5 0.1 0.1', 'labels/a.txt:1: class -1 is not in classes.txt'],
    ['0 0.5 nan 0.1 0.1', 'labels/a.txt:1: cy (column 3) is not a number'],
    ['0 0.5 0.5 1e999 0.1', 'labels/a.txt:1: w (column 4) is not a number'],
    ['0 0.5 0.5 0.1 -0.1', 'labels/a.txt:1: h -0.1 is negative'],
  ])('refuses the line %j', (line, message) => {
    const r = run(`${line}\n`);
    expect(messages(r.report.errors)[0]).toBe(message);
    expect(r.rejected).toEqual(['a.jpg']);
  });

  it('clips boxes reaching outside the image and counts them', () => {
    const r = run('0 0.95 0.5 0.2 0.2\n0 0.5 -0.05 0.2 0.2\n0 0.5 0.5 0.2 0.2\n');
    expect(r.report.errors).toEqual([]);
    expect(r.report.clipped).toBe(2);
    expect(r.input.images[0].boxes).toEqual([
      { classId: 0, x1: 85, y1: 40, x2: 100, y2: 60 },
      { classId: 0, x1: 40, y1: 0, x2: 60, y2: 5 },
      { classId: 0, x1: 40, y1: 40, x2: 60, y2: 60 },
    ]);
  });

  it('does not count float noise at the border as clipping', () => {
    // (0.9 + 0.2 / 2) × 100 = 100.00000000000001
    const r = run('0 0.9 0.5 0.2 0.2\n');
    expect(r.report.clipped).toBe(0);
    expect(r.input.images[0].boxes[0].x2).toBe(100);
  });

  it('drops a box with no area inside the image as an error for that box only', () => {
    const r = run('0 1.5 0.5 0.2 0.2\n0 0.5 0.5 0 0.2\n1 0.5 0.5 0.2 0.2\n');
    expect(messages(r.report.errors)).toEqual([
      'labels/a.txt:1: box 140,40 → 160,60 has no area inside the 100×100 image; the box is left out',
      'labels/a.txt:2: box 50,40 → 50,60 has no area inside the 100×100 image; the box is left out',
    ]);
    expect(r.rejected).toEqual([]);
    expect(r.input.images[0]).toMatchObject({ state: 'reviewed', boxes: [{ classId: 1 }] });
  });

  it('reads CRLF files with a byte order mark, blank lines and tabs', () => {
    const r = run('\uFEFF0 0.5 0.5 0.2 0.2\r\n\r\n1\t0.5  0.5 0.2 0.2\r\n');
    expect(r.report.errors).toEqual([]);
    expect(r.input.images[0].boxes.map((b) => b.classId)).toEqual([0, 1]);
  });

  it('keeps repeated rows and warns about them', () => {
    const r = run('0 0.5 0.5 0.2 0.2\n0 0.5 0.5 0.2 0.2\n');
    expect(messages(r.report.warnings)).toEqual(['labels/a.txt:2: repeats line 1 (both are kept)']);
    expect(r.input.images[0].boxes).toHaveLength(2);
  });
});

describe('importYolo: sizes and files', () => {
  it('keeps an image out when its size is unknown or unreadable', () => {
    const sizes: SizeLookup = (p) =>
      p === 'a.jpg' ? undefined : { error: 'not a readable image (truncated)' };
    const r = importYolo(flat({ 'a.txt': '', 'b.txt': '' }), ['a.jpg', 'b.jpg'], sizes);
    expect(messages(r.report.errors)).toEqual([
      'a.txt: the size of a.jpg is unknown; YOLO boxes cannot be put in pixels without it, so the image is left out of the import',
      'b.txt: b.jpg: not a readable image (truncated); YOLO boxes cannot be put in pixels without it, so the image is left out of the import',
    ]);
    expect(r.rejected).toEqual(['a.jpg', 'b.jpg']);
  });

  it('reports a label file that could not be read', () => {
    const source: YoloSource = {
      classesTxt: file('classes.txt', 'car\n'),
      labels: [{ path: 'a.txt', unreadable: 'is 20.0 MiB, over the 16 MiB limit' }],
    };
    const r = importYolo(source, ['a.jpg'], size(10, 10));
    expect(messages(r.report.errors)).toEqual([
      'a.txt: is 20.0 MiB, over the 16 MiB limit; a.jpg is left out of the import',
    ]);
  });

  it('leaves out images whose names no writer can export', () => {
    const r = importYolo(flat({}), ['a\\b.jpg', 'ok.jpg'], size(10, 10));
    expect(r.input.images.map((im) => im.relPath)).toEqual(['ok.jpg']);
    expect(messages(r.report.warnings)).toEqual([
      '"a\\\\b.jpg": the image name contains a backslash (relPaths use forward slashes); the image is left out of the import',
    ]);
  });
});
