import { describe, expect, it } from 'vitest';
import { PROJECT } from './__golden__/project';
import { ExportError } from './errors';
import { prepareExport, relPathProblem } from './prepare';
import type { ExportImage, ExportInput } from './types';

const image = (
  relPath: string,
  boxes: ExportImage['boxes'] = [],
  extra: Partial<ExportImage> = {},
): ExportImage => ({
  relPath,
  width: 100,
  height: 100,
  state: 'reviewed',
  boxes,
  ...extra,
});
const box = (classId: number) => ({ classId, x1: 10, y1: 10, x2: 20, y2: 20 });

const errorOf = (fn: () => unknown): ExportError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ExportError) return e;
    throw e;
  }
  throw new Error('expected an ExportError');
};

describe('prepareExport', () => {
  it('keeps reviewed images only, sorted by relPath, with a missing split as train', () => {
    const prep = prepareExport(PROJECT);
    expect(prep.images.map((im) => `${im.relPath}:${im.split}`)).toEqual([
      'a.jpg:train',
      'a.png:val',
      'images/c.jpg:train',
      'nested/deep/B.png:val',
      'nested/deep/b.jpg:train',
      'nested/neg.jpg:train',
    ]);
    expect(prep.allRelPaths).toContain('nested/todo.jpg');
  });

  it('clamps boxes to the image', () => {
    const prep = prepareExport({
      classes: ['a'],
      images: [image('x.jpg', [{ classId: 0, x1: -5, y1: 50, x2: 120, y2: 101 }])],
    });
    expect(prep.images[0].boxes).toEqual([
      { classId: 0, x1: 0, y1: 50, x2: 100, y2: 100, difficult: false, occluded: false },
    ]);
  });

  it('refuses zero-area boxes after clamping and names each one in a problem', () => {
    const prep = prepareExport(PROJECT);
    expect(prep.problems).toEqual([
      {
        relPath: 'nested/deep/b.jpg',
        message: 'box 2 (class 0 "car", 300,100 → 300,200) has no area inside the 1000×500 image; left out',
      },
      {
        relPath: 'nested/deep/b.jpg',
        message: `box 3 (class 1 "R&D's "bot"", 1200,10 → 1300,50) has no area inside the 1000×500 image; left out`,
      },
    ]);
  });

  it('refuses inverted and non-finite boxes as problems', () => {
    const boxes = [
      { classId: 0, x1: 50, y1: 10, x2: 40, y2: 20 },
      { classId: 0, x1: Number.NaN, y1: 10, x2: 40, y2: 20 },
    ];
    const prep = prepareExport({ classes: ['a'], images: [image('x.jpg', boxes)] });
    expect(prep.images[0].boxes).toEqual([]);
    expect(prep.problems.map((p) => p.message)).toEqual([
      'box 1 (class 0 "a", 50,10 → 40,20) has no area inside the 100×100 image; left out',
      'box 2 (class 0 "a", NaN,10 → 40,20) has a non-finite coordinate; left out',
    ]);
  });

  it('throws unknown-class listing each unknown id with how many boxes and images use it', () => {
    const input: ExportInput = {
      classes: ['a', 'b', 'c'],
      images: [
        image('1.jpg', [box(7), box(7), box(0)]),
        image('2.jpg', [box(7), box(1.5)]),
        image('3.jpg', [box(-1)]),
      ],
    };
    const err = errorOf(() => prepareExport(input));
    expect(err.code).toBe('unknown-class');
    expect(err.details).toEqual([
      'class id -1 is not in the class list (1 box in 1 image)',
      'class id 1.5 is not in the class list (1 box in 1 image)',
      'class id 7 is not in the class list (3 boxes in 2 images)',
    ]);
    expect(err.message).toContain('class id 7 is not in the class list (3 boxes in 2 images)');
  });

  it('ignores class ids of unlabeled images, which are not exported', () => {
    const input: ExportInput = { classes: ['a'], images: [image('x.jpg', [box(9)], { state: 'unlabeled' })] };
    expect(prepareExport(input).images).toEqual([]);
  });

  it('throws bad-class-list for empty or duplicate names after trimming', () => {
    expect(errorOf(() => prepareExport({ classes: ['a', '  '], images: [] })).code).toBe('bad-class-list');
    const dup = errorOf(() => prepareExport({ classes: ['car', ' car '], images: [] }));
    expect(dup.code).toBe('bad-class-list');
    expect(dup.details).toEqual(['class id 1 repeats the name "car" of class id 0']);
    expect(errorOf(() => prepareExport({ classes: ['two\nlines'], images: [] })).code).toBe('bad-class-list');
  });

  it.each([
    ['/etc/passwd', 'is absolute'],
    ['../up.jpg', 'contains ".."'],
    ['a/../../b.jpg', 'contains ".."'],
    ['C:/x.jpg', 'starts with a drive letter'],
    ['c:x.jpg', 'starts with a drive letter'],
    ['a\\b.jpg', 'contains a backslash (relPaths use forward slashes)'],
    ['a\u0000.jpg', 'contains NUL or another control character'],
    ['a//b.jpg', 'contains an empty or "." segment'],
    ['./a.jpg', 'contains an empty or "." segment'],
    ['', 'is empty'],
  ])('throws bad-path for %j', (relPath, why) => {
    expect(relPathProblem(relPath)).toBe(why);
    const err = errorOf(() => prepareExport({ classes: [], images: [image(relPath)] }));
    expect(err.code).toBe('bad-path');
  });

  it('accepts ordinary nested, dotted and non-ASCII paths', () => {
    for (const p of ['a.jpg', 'sub/dir/a b.png', '.hidden/x.jpg', 'v1.2/..x.jpg', 'фото/猫.jpg']) {
      expect(relPathProblem(p)).toBeUndefined();
    }
  });

  it('throws bad-image for a reviewed image without a usable size or a path listed twice', () => {
    expect(
      errorOf(() => prepareExport({ classes: [], images: [image('a.jpg', [], { width: 0 })] })).code,
    ).toBe('bad-image');
    expect(errorOf(() => prepareExport({ classes: [], images: [image('a.jpg'), image('a.jpg')] })).code).toBe(
      'bad-image',
    );
    const undecoded = image('b.jpg', [], { state: 'unlabeled', width: 0, height: 0 });
    expect(prepareExport({ classes: [], images: [undecoded] }).images).toEqual([]);
  });
});
