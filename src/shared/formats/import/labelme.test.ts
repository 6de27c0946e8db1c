import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCoco } from '../coco';
import { toVoc } from '../voc';
import { toYolo } from '../yolo';
import { importLabelme, stageLabelme } from './labelme';
import type { ImportResult, SizeInfo, SizeLookup, SourceFile } from './types';

const messages = (issues: readonly { message: string }[]) => issues.map((i) => i.message);
const unknownSizes: SizeLookup = () => undefined;

type Point = [unknown, unknown];

/** A shape as LabelMe 5 / X-AnyLabeling write it. */
const rect = (label: unknown, points: unknown, extra: Record<string, unknown> = {}) => ({
  label,
  points,
  group_id: null,
  description: '',
  difficult: false,
  shape_type: 'rectangle',
  flags: {},
  attributes: {},
  ...extra,
});

function labelme(imagePath: string | null, shapes: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify(
    {
      version: '2.4.4',
      flags: {},
      shapes,
      imagePath,
      imageData: null,
      imageHeight: 480,
      imageWidth: 640,
      ...extra,
    },
    null,
    2,
  );
}

const LISTING = ['a.jpg', 'b.jpg', 'sub/c.png', 'other/d.jpg'];

function run(files: Record<string, string>, sizes: SizeLookup = unknownSizes, listing = LISTING) {
  const source = { files: Object.entries(files).map(([path, text]): SourceFile => ({ path, text })) };
  return importLabelme(source, listing, sizes);
}

const states = (r: ImportResult) => r.input.images.map((im) => [im.relPath, im.state]);
const CLEAN = { errors: [], clipped: 0, warnings: [] };

describe('importLabelme: rectangles and classes', () => {
  it('reads a LabelMe 2-corner rectangle as pixel edges, no shift', () => {
    const r = run({
      'a.json': labelme('a.jpg', [
        rect('person', [
          [10.5, 20],
          [110, 220],
        ]),
      ]),
    });
    expect(r.report).toEqual(CLEAN);
    expect(r.input.classes).toEqual(['person']);
    expect(r.input.images[0]).toEqual({
      relPath: 'a.jpg',
      width: 640,
      height: 480,
      state: 'reviewed',
      boxes: [{ classId: 0, x1: 10.5, y1: 20, x2: 110, y2: 220 }],
    });
    expect(r.rejected).toEqual([]);
  });

  it('reads an X-AnyLabeling 4-corner rectangle in any order, and corners given backwards', () => {
    const four: Point[] = [
      [300, 200],
      [300, 40],
      [50, 40],
      [50, 200],
    ];
    const r = run({
      'a.json': labelme('a.jpg', [
        rect('car', four),
        rect('car', [
          [90, 80],
          [10, 5],
        ]),
      ]),
    });
    expect(r.report).toEqual(CLEAN);
    expect(r.input.images[0].boxes).toEqual([
      { classId: 0, x1: 50, y1: 40, x2: 300, y2: 200 },
      { classId: 0, x1: 10, y1: 5, x2: 90, y2: 80 },
    ]);
  });

  it('keeps difficult flags', () => {
    const pts = [
      [1, 1],
      [2, 2],
    ];
    const r = run({
      'a.json': labelme('a.jpg', [
        rect('car', pts, { difficult: true }),
        rect('car', pts),
        rect('car', pts, { difficult: undefined }),
      ]),
    });
    expect(r.input.images[0].boxes.map((b) => b.difficult)).toEqual([true, undefined, undefined]);
  });

  it('leaves out shapes that are not rectangles with one warning per file, and imports the rest', () => {
    const pts = [
      [1, 1],
      [5, 5],
      [1, 5],
    ];
    const r = run({
      'a.json': labelme('a.jpg', [
        rect('car', pts, { shape_type: 'polygon' }),
        rect('car', [
          [1, 1],
          [9, 9],
        ]),
        rect('car', pts, { shape_type: 'rotation', direction: 0.5 }),
        rect('car', pts, { shape_type: 'polygon' }),
      ]),
      'b.json': labelme('b.jpg', [{ label: 'dog', points: pts }]),
    });
    expect(messages(r.report.warnings)).toEqual([
      'a.json: 3 shapes are not rectangles (polygon, rotation) and are left out',
      'b.json: 1 shape is not a rectangle (polygon) and is left out',
    ]);
    expect(r.report.errors).toEqual([]);
    expect(r.input.classes).toEqual(['car']);
    expect(r.input.images[0].boxes).toEqual([{ classId: 0, x1: 1, y1: 1, x2: 9, y2: 9 }]);
    expect(r.input.images[1]).toMatchObject({ relPath: 'b.jpg', state: 'reviewed', boxes: [] });
  });

  it('lists classes in order of first appearance, images in name order, names trimmed', () => {
    const pts = [
      [1, 1],
      [2, 2],
    ];
    const r = run({
      'b.json': labelme('b.jpg', [rect('bird', pts)]),
      'zz.json': labelme('a.jpg', [rect(' dog ', pts), rect('car', pts), rect('dog', pts)]),
    });
    expect(r.input.classes).toEqual(['dog', 'car', 'bird']);
    expect(r.input.images[0].boxes.map((b) => b.classId)).toEqual([0, 1, 0]);
    expect(r.input.images[1].boxes.map((b) => b.classId)).toEqual([2]);
  });

  it('clips boxes reaching outside the image and drops one with no area as an error for that box only', () => {
    const r = run({
      'a.json': labelme('a.jpg', [
        rect('car', [
          [-5, 10],
          [700, 20],
        ]),
        rect('car', [
          [650, 10],
          [700, 20],
        ]),
      ]),
    });
    expect(r.report.clipped).toBe(1);
    expect(messages(r.report.errors)).toEqual([
      'a.json: shapes[1].points 650,10 → 700,20 has no area inside the 640×480 image; the box is left out',
    ]);
    expect(r.input.images[0].boxes).toEqual([{ classId: 0, x1: 0, y1: 10, x2: 640, y2: 20 }]);
    expect(r.rejected).toEqual([]);
  });
});

describe('importLabelme: pairing', () => {
  it('pairs by imagePath relative to the JSON file, ../ and backslashes included', () => {
    const r = run({
      'labels/x.json': labelme('..\\other\\d.jpg', []),
      'labels/deep/y.json': labelme('../../sub/./c.png', []),
    });
    expect(r.report).toEqual(CLEAN);
    expect(states(r)).toEqual([
      ['a.jpg', 'unlabeled'],
      ['b.jpg', 'unlabeled'],
      ['other/d.jpg', 'reviewed'],
      ['sub/c.png', 'reviewed'],
    ]);
  });

  it('pairs a file with the image of its name in a subfolder when imagePath names nothing', () => {
    const r = run({
      'sub/c.json': labelme('/home/someone/pictures/c.png', []),
      'other/d.json': labelme(null, [], { imagePath: undefined }),
    });
    expect(r.report).toEqual(CLEAN);
    expect(states(r)).toEqual([
      ['a.jpg', 'unlabeled'],
      ['b.jpg', 'unlabeled'],
      ['other/d.jpg', 'reviewed'],
      ['sub/c.png', 'reviewed'],
    ]);
  });

  it('follows imagePath over the name of the file and warns', () => {
    const r = run({ 'a.json': labelme('b.jpg', []) });
    expect(messages(r.report.warnings)).toEqual([
      'a.json: imagePath "b.jpg" names b.jpg; paired with it, not with a.jpg of the same name',
    ]);
    expect(states(r).slice(0, 2)).toEqual([
      ['a.jpg', 'unlabeled'],
      ['b.jpg', 'reviewed'],
    ]);
  });

  it('refuses to guess between images that share the name, unless imagePath decides', () => {
    const listing = ['a.jpg', 'a.png', 'b.jpg', 'b.png'];
    const r = run(
      {
        'a.json': labelme('gone.jpg', []),
        'b.json': labelme('b.png', []),
        'c.json': '{}',
      },
      unknownSizes,
      [...listing, 'c.jpg', 'c.png'],
    );
    expect(messages(r.report.errors)).toEqual([
      'a.json: 2 images are called a.* (a.jpg, a.png); imagePath "gone.jpg" does not name one of them, so the file is left out',
      'c.json: not a LabelMe file (there is no "shapes" list); it is not read (2 images are called c.*)',
    ]);
    expect(r.report.warnings).toEqual([]);
    expect(states(r).slice(0, 4)).toEqual([
      ['a.jpg', 'unlabeled'],
      ['a.png', 'unlabeled'],
      ['b.jpg', 'unlabeled'],
      ['b.png', 'reviewed'],
    ]);
    expect(r.rejected).toEqual([]);
    const noPath = run({ 'a.json': labelme(null, []) }, unknownSizes, listing);
    expect(messages(noPath.report.errors)).toEqual([
      'a.json: 2 images are called a.* (a.jpg, a.png); there is no imagePath to choose one, so the file is left out',
    ]);
  });

  it('reports a file with no image, and two files for one image', () => {
    const r = run({
      'zzz.json': labelme('../gone.jpg', []),
      'a.json': labelme('a.jpg', []),
      'other.json': labelme('a.jpg', []),
    });
    expect(messages(r.report.errors)).toEqual([
      'other.json: a.jpg is labelled by a.json already; the image is left out of the import',
      'zzz.json: no image in the image folder for it (looked for zzz.* and "../gone.jpg")',
    ]);
    expect(r.report.errors[1].imageNotFound).toBe(true);
    expect(r.rejected).toEqual(['a.jpg']);
    const inside = run({ 'x.json': labelme('sub/gone.jpg', []) });
    expect(messages(inside.report.errors)).toEqual([
      'x.json: no image in the image folder for it (looked for x.* and "sub/gone.jpg")',
    ]);
  });
});

describe('importLabelme: files that are not LabelMe files', () => {
  it('skips other JSON files with a warning when no image has their name', () => {
    const r = run({
      'annotations.json': JSON.stringify({ images: [], annotations: [], categories: [] }),
      'empty.json': '',
      'list.json': '[1, 2]',
      'notes.json': '{\n  "a": 1,\n}\n',
    });
    expect(r.report.errors).toEqual([]);
    expect(messages(r.report.warnings)).toEqual([
      'annotations.json: not a LabelMe file (there is no "shapes" list); no image is called annotations.*, so it is skipped',
      'empty.json: not valid JSON: Unexpected end of JSON input; no image is called empty.*, so it is skipped',
      'list.json: not a LabelMe file (the top level is not an object); no image is called list.*, so it is skipped',
      'notes.json:3: not valid JSON: Expected double-quoted property name in JSON at position 12; no image is called notes.*, so it is skipped',
    ]);
    expect(r.input.images.every((im) => im.state === 'unlabeled')).toBe(true);
  });

  it('refuses one beside an image and leaves that image out', () => {
    const r = run(
      {
        'a.json': labelme('a.jpg', []).slice(0, -3),
        'b.json': '{"shapes": {}}',
        'sub/c.json': 'null',
      },
      unknownSizes,
    );
    expect(messages(r.report.errors)).toEqual([
      "a.json:8: not valid JSON: Expected ',' or '}' after property value in JSON at position 140; a.jpg is left out of the import (the file is not changed)",
      'b.json: not a LabelMe file (there is no "shapes" list); b.jpg is left out of the import (the file is not changed)',
      'sub/c.json: not a LabelMe file (the top level is not an object); sub/c.png is left out of the import (the file is not changed)',
    ]);
    expect(r.rejected).toEqual(['a.jpg', 'b.jpg', 'sub/c.png']);
  });

  it('refuses an unreadable file beside an image, and skips one beside none', () => {
    const source = {
      files: [
        { path: 'a.json', unreadable: 'larger than 64 MB' },
        { path: 'big.json', unreadable: 'larger than 64 MB' },
      ],
    };
    const r = importLabelme(source, LISTING, unknownSizes);
    expect(messages(r.report.errors)).toEqual([
      'a.json: larger than 64 MB; a.jpg is left out of the import (the file is not changed)',
    ]);
    expect(messages(r.report.warnings)).toEqual([
      'big.json: larger than 64 MB; no image is called big.*, so it is skipped',
    ]);
    expect(r.rejected).toEqual(['a.jpg']);
  });
});

describe('importLabelme: errors name the file and the field', () => {
  const ok = rect('ok', [
    [1, 1],
    [2, 2],
  ]);
  const pts = [
    [1, 1],
    [2, 2],
  ];
  it.each([
    [
      rect('car', [
        [1, 1],
        [2, 'x'],
      ]),
      'a.json: shapes[0].points[1][1] must be a number',
    ],
    [
      rect('car', [
        [1, 1],
        [2, 2],
        [3, null],
      ]),
      'a.json: shapes[0].points[2][1] must be a number',
    ],
    [rect('car', [[1, 1], [2]]), 'a.json: shapes[0].points[1] must be an [x, y] pair'],
    [rect('car', [[1, 1]]), 'a.json: shapes[0].points has 1 point; a rectangle needs 2 or more'],
    [rect('car', { x: 1 }), 'a.json: shapes[0].points must be a list of [x, y] points'],
    [rect('car', undefined), 'a.json: shapes[0].points is missing'],
    [rect('  ', pts), 'a.json: shapes[0].label is empty'],
    [rect(7, pts), 'a.json: shapes[0].label must be a string'],
    [rect(undefined, pts), 'a.json: shapes[0].label is missing'],
    [rect('a\nb', pts), 'a.json: shapes[0].label "a\\nb" contains a line break or control character'],
    [rect('car', pts, { difficult: 1 }), 'a.json: shapes[0].difficult must be true or false'],
    [rect('car', pts, { shape_type: 3 }), 'a.json: shapes[0].shape_type must be a string'],
    ['car', 'a.json: shapes[0] must be an object'],
  ])('refuses %j and keeps the image out', (shape, message) => {
    const r = run({ 'a.json': labelme('a.jpg', [shape, ok]) });
    expect(messages(r.report.errors)).toEqual([
      message,
      'a.json: 1 error; a.jpg is left out of the import (the file is not changed)',
    ]);
    expect(r.rejected).toEqual(['a.jpg']);
    expect(r.input.images[0]).toMatchObject({ relPath: 'a.jpg', state: 'unlabeled', boxes: [] });
    expect(r.input.classes).toEqual([]);
  });

  it('counts every error of a file, its imagePath included', () => {
    // JSON.parse reads 1e999 as Infinity, which is no coordinate.
    const text = labelme(null, [rect('', pts), rect('car', [['HUGE', 0], pts[1]])], { imagePath: 5 });
    const r = run({ 'sub/c.json': text.replace('"HUGE"', '1e999') });
    expect(messages(r.report.errors)).toEqual([
      'sub/c.json: imagePath must be a string',
      'sub/c.json: shapes[0].label is empty',
      'sub/c.json: shapes[1].points[0][0] must be a number',
      'sub/c.json: 3 errors; sub/c.png is left out of the import (the file is not changed)',
    ]);
    expect(r.rejected).toEqual(['sub/c.png']);
  });
});

describe('importLabelme: sizes', () => {
  const box = rect('car', [
    [10, 10],
    [500, 600],
  ]);

  it('uses imageWidth and imageHeight when the image was not measured', () => {
    const r = run({ 'a.json': labelme('a.jpg', [box], { imageWidth: 800, imageHeight: 700 }) });
    expect(r.report).toEqual(CLEAN);
    expect(r.input.images[0]).toMatchObject({ width: 800, height: 700, state: 'reviewed' });
  });

  it('uses the oriented size over the file, warns when they differ and clips to it', () => {
    const r = run({ 'a.json': labelme('a.jpg', [box]) }, () => ({ width: 480, height: 640 }));
    expect(messages(r.report.warnings)).toEqual([
      'a.json: imageWidth×imageHeight say 640×480 but a.jpg is 480×640 (EXIF-oriented); its boxes are clipped to 480×640',
    ]);
    expect(r.report.clipped).toBe(1);
    expect(r.input.images[0]).toMatchObject({
      width: 480,
      height: 640,
      boxes: [{ classId: 0, x1: 10, y1: 10, x2: 480, y2: 600 }],
    });
  });

  it('needs a usable size in the file when the image was not measured', () => {
    const r = run({
      'a.json': labelme('a.jpg', [box], { imageWidth: 0 }),
      'b.json': labelme('b.jpg', [box], { imageHeight: undefined }),
      'sub/c.json': labelme('c.png', [box], { imageWidth: '640' }),
    });
    expect(messages(r.report.errors)).toEqual([
      'a.json: imageWidth 0 is not a size and the image was not measured; the image is left out of the import',
      'b.json: imageHeight is missing and the image was not measured; the image is left out of the import',
      'sub/c.json: imageWidth "640" is not a size and the image was not measured; the image is left out of the import',
    ]);
    expect(states(r).filter(([, s]) => s === 'reviewed')).toEqual([]);
    const measured = run({ 'a.json': labelme('a.jpg', [], { imageWidth: null }) }, () => ({
      width: 10,
      height: 10,
    }));
    expect(messages(measured.report.warnings)).toEqual([
      "a.json: imageWidth is missing; the image's own 10×10 is used",
    ]);
  });

  it('leaves out an image whose size could not be read', () => {
    const r = run({ 'a.json': labelme('a.jpg', [box]) }, () => ({ error: 'not a readable image' }));
    expect(messages(r.report.errors)).toEqual([
      'a.json: a.jpg: not a readable image; the image is left out of the import',
    ]);
  });

  it('needs the sizes of the paired images only', () => {
    const source = {
      files: [
        { path: 'a.json', text: labelme('a.jpg', []) },
        { path: 'b.json', text: '{' },
        { path: 'q.json', text: labelme('q.jpg', []) },
      ],
    };
    expect(stageLabelme(source, LISTING).needs).toEqual(['a.jpg']);
  });
});

describe('importLabelme never crashes', () => {
  const RUNS = { numRuns: 300 };
  const SIZES: SizeInfo[] = [{ width: 64, height: 48 }, undefined, { error: 'truncated' }];
  const sizes: SizeLookup = (p) => SIZES[LISTING.indexOf(p) % SIZES.length];

  /** What every caller relies on: a report, usable boxes only, and a project every writer takes. */
  function check(texts: readonly string[]): void {
    const files = texts.map((text, i): SourceFile => ({ path: ['a.json', 'sub/c.json', 'x.json'][i], text }));
    const r = importLabelme({ files }, LISTING, sizes);
    for (const issue of [...r.report.errors, ...r.report.warnings])
      expect(issue.message.length > issue.where.length && issue.message.startsWith(issue.where)).toBe(true);
    if (r.rejected.length > 0) expect(r.report.errors.length).toBeGreaterThan(0);
    for (const im of r.input.images)
      for (const b of im.boxes) {
        expect(b.classId >= 0 && b.classId < r.input.classes.length).toBe(true);
        expect(
          0 <= b.x1 && b.x1 < b.x2 && b.x2 <= im.width && 0 <= b.y1 && b.y1 < b.y2 && b.y2 <= im.height,
        ).toBe(true);
      }
    for (const write of [toCoco, toYolo, toVoc]) expect(write(r.input).problems).toEqual([]);
  }

  const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.json());
  /** Mostly `good`, so that random files reach boxes; sometimes any JSON value or nothing at all. */
  const mostly = <T>(good: fc.Arbitrary<T>) =>
    fc.oneof(
      { weight: 20, arbitrary: good as fc.Arbitrary<unknown> },
      { weight: 1, arbitrary: fc.jsonValue() },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
  const coord = fc.oneof(
    { weight: 20, arbitrary: fc.integer({ min: -10, max: 100 }) },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: fc.jsonValue() },
  );
  const shape = fc.record({
    label: mostly(fc.constantFrom('car', ' dog ', 'bird', '', 'a\nb')),
    points: mostly(fc.array(mostly(fc.tuple(coord, coord)), { minLength: 2, maxLength: 5 })),
    shape_type: mostly(fc.constantFrom('rectangle', 'rectangle', 'rectangle', 'polygon', 'rotation')),
    difficult: mostly(fc.boolean()),
  });
  const labelmeish = fc.record({
    shapes: mostly(fc.array(shape, { maxLength: 4 })),
    imagePath: mostly(fc.constantFrom('a.jpg', '../a.jpg', 'c.png', '..\\..\\x', '/a.jpg', '')),
    imageWidth: mostly(fc.integer({ min: -1, max: 100 })),
    imageHeight: mostly(fc.integer({ min: -1, max: 100 })),
  });

  it('on arbitrary strings and JSON values as file texts', () => {
    const value = fc.jsonValue().map((v) => JSON.stringify(v));
    fc.assert(fc.property(fc.array(fc.oneof(anyText, value), { minLength: 1, maxLength: 3 }), check), RUNS);
  });

  it('on files shaped like LabelMe files', () => {
    fc.assert(
      fc.property(
        fc.array(
          labelmeish.map((v) => JSON.stringify(v)),
          { minLength: 1, maxLength: 3 },
        ),
        check,
      ),
      RUNS,
    );
  });
});
