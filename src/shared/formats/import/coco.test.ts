import { describe, expect, it } from 'vitest';
import { goldenFiles } from '../__golden__/goldens';
import { PROJECT } from '../__golden__/project';
import { expectSameProject, listingOf, sizesOf } from './__fixtures__/sources';
import { importCoco, jsonPath, stageCoco } from './coco';
import type { SizeLookup } from './types';

const messages = (issues: readonly { message: string }[]) => issues.map((i) => i.message);
const unknownSizes: SizeLookup = () => undefined;

interface Dataset {
  images?: unknown;
  annotations?: unknown;
  categories?: unknown;
  [key: string]: unknown;
}

const base = (): Dataset => ({
  images: [
    { id: 1, file_name: 'a.jpg', width: 640, height: 480 },
    { id: 2, file_name: 'sub/b.png', width: 100, height: 50 },
  ],
  annotations: [
    { id: 1, image_id: 1, category_id: 1, bbox: [10, 20, 30, 40], area: 1200, iscrowd: 0 },
    { id: 2, image_id: 2, category_id: 2, bbox: [0, 0, 10, 10] },
  ],
  categories: [
    { id: 1, name: 'car' },
    { id: 2, name: 'dog' },
  ],
});

const LISTING = ['a.jpg', 'c.jpg', 'sub/b.png'];

function run(data: unknown, sizes: SizeLookup = unknownSizes, listing = LISTING) {
  return importCoco({ path: 'annotations.json', text: JSON.stringify(data) }, listing, sizes);
}

describe('importCoco: the golden export', () => {
  it('reads the golden annotations.json back into the golden project', () => {
    const text = goldenFiles('coco-unsplit')['annotations.json'];
    const result = importCoco({ path: 'annotations.json', text }, listingOf(PROJECT), sizesOf(PROJECT));
    expectSameProject(result, PROJECT, { tolerance: () => 1e-6 });
    expect(result.report).toEqual({ errors: [], clipped: 0, warnings: [] });
  });
});

describe('importCoco: flags', () => {
  it('reads difficult and occluded from an annotation’s attributes, as CVAT writes them', () => {
    const data = base();
    const [a, b] = data.annotations as Record<string, unknown>[];
    a.attributes = { occluded: true, rotation: 0 };
    b.attributes = { difficult: true, occluded: false };
    const r = run(data);
    expect(r.report.errors).toEqual([]);
    expect(
      r.input.images.flatMap((im) => im.boxes.map(({ difficult, occluded }) => ({ difficult, occluded }))),
    ).toEqual([
      { difficult: undefined, occluded: true },
      { difficult: true, occluded: undefined },
    ]);
  });
});

describe('importCoco: valid input', () => {
  it('reads boxes in pixels, images without annotations as reviewed negatives, the rest as unlabeled', () => {
    const data = base();
    (data.annotations as unknown[]).pop();
    const r = run(data);
    expect(r.report).toEqual({ errors: [], clipped: 0, warnings: [] });
    expect(r.input).toEqual({
      classes: ['car', 'dog'],
      images: [
        {
          relPath: 'a.jpg',
          width: 640,
          height: 480,
          state: 'reviewed',
          boxes: [{ classId: 0, x1: 10, y1: 20, x2: 40, y2: 60 }],
        },
        { relPath: 'c.jpg', width: 0, height: 0, state: 'unlabeled', boxes: [] },
        { relPath: 'sub/b.png', width: 100, height: 50, state: 'reviewed', boxes: [] },
      ],
    });
  });

  it('keeps categories with ids 5, 9, 2 in their order and reports the mapping', () => {
    const data = base();
    data.categories = [
      { id: 5, name: 'cat' },
      { id: 9, name: 'dog' },
      { id: 2, name: 'bird' },
    ];
    data.annotations = [
      { id: 1, image_id: 1, category_id: 2, bbox: [0, 0, 1, 1] },
      { id: 2, image_id: 1, category_id: 5, bbox: [0, 0, 1, 1] },
      { id: 3, image_id: 1, category_id: 9, bbox: [0, 0, 1, 1] },
    ];
    const r = run(data);
    expect(r.input.classes).toEqual(['cat', 'dog', 'bird']);
    expect(r.input.images[0].boxes.map((b) => b.classId)).toEqual([2, 0, 1]);
    expect(messages(r.report.warnings)).toEqual([
      'categories: ids 5, 9, 2 are not 1…3; the categories keep their order and become project class ids 5 → 0 "cat", 9 → 1 "dog", 2 → 2 "bird"',
    ]);
  });

  it('checks width and height against the oriented size and warns naming both', () => {
    const sizes: SizeLookup = (p) =>
      p === 'a.jpg' ? { width: 480, height: 640 } : { width: 100, height: 50 };
    const r = run(base(), sizes);
    expect(messages(r.report.warnings)).toEqual([
      'images[0] says 640×480 but a.jpg is 480×640 (EXIF-oriented); its boxes are clipped to 480×640',
    ]);
    expect(r.input.images[0]).toMatchObject({ width: 480, height: 640 });
  });

  it('clips boxes reaching outside the image and counts them; a box with no area left is an error for that box', () => {
    const data = base();
    data.annotations = [
      { id: 1, image_id: 1, category_id: 1, bbox: [-5, 10, 20, 20] },
      { id: 2, image_id: 1, category_id: 1, bbox: [630, 470, 20, 20] },
      { id: 3, image_id: 1, category_id: 1, bbox: [700, 10, 20, 20] },
      { id: 4, image_id: 1, category_id: 1, bbox: [10, 10, 0, 20] },
    ];
    const r = run(data);
    expect(r.report.clipped).toBe(2);
    expect(messages(r.report.errors)).toEqual([
      'annotations[2].bbox 700,10 → 720,30 has no area inside the 640×480 image; the box is left out',
      'annotations[3].bbox 10,10 → 10,30 has no area inside the 640×480 image; the box is left out',
    ]);
    expect(r.input.images[0].boxes).toEqual([
      { classId: 0, x1: 0, y1: 10, x2: 15, y2: 30 },
      { classId: 0, x1: 630, y1: 470, x2: 640, y2: 480 },
    ]);
    expect(r.rejected).toEqual([]);
  });

  it('leaves crowd regions out and ignores scores, saying so', () => {
    const data = base();
    data.annotations = [
      { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 5, 5], iscrowd: 1 },
      { id: 2, image_id: 1, category_id: 1, bbox: [0, 0, 5, 5], score: 0.9 },
    ];
    const r = run(data);
    expect(messages(r.report.warnings)).toEqual([
      'annotations[0] is a crowd region (iscrowd 1), not an object; it is left out',
      'annotations 1 annotation has a score: ground truth has none, so the scores are ignored',
    ]);
    expect(r.input.images[0].boxes).toHaveLength(1);
  });

  it('needs the sizes of the accepted images only', () => {
    const data = base();
    (data.images as unknown[]).push({ id: 3, file_name: 'missing.jpg', width: 1, height: 1 });
    expect(stageCoco({ path: 'x.json', text: JSON.stringify(data) }, LISTING).needs).toEqual([
      'a.jpg',
      'sub/b.png',
    ]);
  });
});

describe('importCoco: every error names its JSON path', () => {
  it('reports annotations[12].bbox[2] must be ≥ 0 and keeps that image out', () => {
    const data = base();
    data.annotations = Array.from({ length: 13 }, (_, i) => ({
      id: i + 1,
      image_id: 1,
      category_id: 1,
      bbox: [0, 0, 5, 5],
    }));
    (data.annotations as { bbox: number[] }[])[12].bbox = [0, 0, -5, 5];
    const r = run(data);
    expect(messages(r.report.errors)).toEqual(['annotations[12].bbox[2] must be ≥ 0']);
    expect(r.report.errors[0].where).toBe('annotations[12].bbox[2]');
    expect(r.rejected).toEqual(['a.jpg']);
    expect(r.input.images.find((im) => im.relPath === 'sub/b.png')?.state).toBe('reviewed');
  });

  it.each([
    [
      { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 5] },
      'annotations[0].bbox must be [x, y, width, height]',
    ],
    [{ id: 1, image_id: 1, category_id: 1, bbox: [0, '0', 5, 5] }, 'annotations[0].bbox[1] must be a number'],
    [
      { id: 1.5, image_id: 1, category_id: 1, bbox: [0, 0, 5, 5] },
      'annotations[0].id must be a whole number',
    ],
    [{ id: 1, image_id: 1, bbox: [0, 0, 5, 5] }, 'annotations[0].category_id is missing'],
    [
      { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 5, 5], iscrowd: 2 },
      'annotations[0].iscrowd must be 0 or 1',
    ],
    [
      { id: 1, image_id: 1, category_id: 7, bbox: [0, 0, 5, 5] },
      'annotations[0].category_id 7 is not the id of a category',
    ],
    ['nope', 'annotations[0] must be an object'],
  ])('refuses the annotation %j', (annotation, message) => {
    const data = base();
    data.annotations = [annotation];
    const r = run(data);
    expect(messages(r.report.errors)).toEqual([message]);
  });

  it('reports an annotation of an image that does not exist', () => {
    const data = base();
    data.annotations = [{ id: 1, image_id: 99, category_id: 1, bbox: [0, 0, 5, 5] }];
    expect(messages(run(data).report.errors)).toEqual([
      'annotations[0].image_id 99 is not the id of an image',
    ]);
  });

  it('refuses duplicate annotation ids and keeps the image out', () => {
    const data = base();
    (data.annotations as { id: number }[])[1].id = 1;
    const r = run(data);
    expect(messages(r.report.errors)).toEqual(['annotations[1].id 1 is also annotations[0].id']);
    expect(r.rejected).toEqual(['sub/b.png']);
  });

  it('refuses duplicate image ids and keeps both images out', () => {
    const data = base();
    (data.images as { id: number }[])[1].id = 1;
    (data.annotations as { image_id: number }[])[1].image_id = 1;
    const r = run(data);
    expect(messages(r.report.errors)).toEqual([
      'images[1].id 1 is also images[0].id; both images are left out of the import',
    ]);
    expect(r.rejected).toEqual(['a.jpg', 'sub/b.png']);
    expect(r.input.images.every((im) => im.state === 'unlabeled')).toBe(true);
  });

  it('refuses an image listed twice under two ids', () => {
    const data = base();
    (data.images as unknown[]).push({ id: 3, file_name: 'a.jpg', width: 640, height: 480 });
    const r = run(data);
    expect(messages(r.report.errors)).toEqual([
      'images[2].file_name "a.jpg" is also images[0].file_name; the image is left out of the import',
    ]);
    expect(r.rejected).toEqual(['a.jpg']);
  });

  it.each([
    ['../secret.jpg', 'images[0].file_name "../secret.jpg" contains ".."'],
    ['/etc/passwd', 'images[0].file_name "/etc/passwd" is absolute'],
    ['C:/x.jpg', 'images[0].file_name "C:/x.jpg" starts with a drive letter'],
    [
      'sub\\..\\..\\x.jpg',
      'images[0].file_name "sub\\\\..\\\\..\\\\x.jpg" contains a backslash (relPaths use forward slashes)',
    ],
    ['a.jpg\u0000.png', 'images[0].file_name "a.jpg\\u0000.png" contains NUL or another control character'],
    ['./a.jpg', 'images[0].file_name "./a.jpg" contains an empty or "." segment'],
    ['c.JPG', 'images[0].file_name "c.JPG" is not in the image folder'],
  ])('refuses the file_name %j', (name, message) => {
    const data = base();
    (data.images as { file_name: string }[])[0].file_name = name;
    const r = run(data);
    expect(messages(r.report.errors)).toEqual([`${message}; the entry and its annotations are left out`]);
    expect(r.input.images.find((im) => im.relPath === 'a.jpg')?.state).toBe('unlabeled');
  });

  it.each([
    [{ id: 1, file_name: 'a.jpg', width: 0, height: 480 }, 'images[0].width must be > 0'],
    [{ id: 1, file_name: 'a.jpg', height: 480 }, 'images[0].width is missing'],
    [{ id: '1', file_name: 'a.jpg', width: 640, height: 480 }, 'images[0].id must be a whole number'],
    [{ id: 1, file_name: 7, width: 640, height: 480 }, 'images[0].file_name must be a string'],
  ])('refuses the image entry %j', (entry, message) => {
    const data = base();
    (data.images as unknown[])[0] = entry;
    const r = run(data);
    expect(messages(r.report.errors)[0]).toEqual(message);
    expect(r.input.images.find((im) => im.relPath === 'a.jpg')?.state).toBe('unlabeled');
  });

  it.each([
    ['{"images": [', 'annotations.json: not valid JSON: '],
    [
      '[{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.5}]',
      'annotations.json: is a list, not a COCO dataset',
    ],
    ['"text"', 'annotations.json: must be an object with images, annotations and categories'],
    ['{"images": [], "categories": []}', 'annotations is missing'],
    ['{"images": {}, "annotations": [], "categories": []}', 'images must be an array'],
    ['{"images": [], "annotations": [], "categories": [{"id": 1}]}', 'categories[0].name is missing'],
    [
      '{"images": [], "annotations": [], "categories": [{"id": 1, "name": "a"}, {"id": 1, "name": "b"}]}',
      'categories[1].id 1 is also categories[0].id',
    ],
    [
      '{"images": [], "annotations": [], "categories": [{"id": 1, "name": "a"}, {"id": 2, "name": " a"}]}',
      'categories[1].name: the class name "a" repeats categories[0].name',
    ],
  ])('refuses the whole file %s', (text, start) => {
    const r = importCoco({ path: 'annotations.json', text }, LISTING, unknownSizes);
    expect(r.report.errors[0].message.startsWith(start), r.report.errors[0].message).toBe(true);
    expect(r.input.images.every((im) => im.state === 'unlabeled')).toBe(true);
  });

  it('keeps an image out when it cannot be read', () => {
    const r = run(base(), (p) => (p === 'a.jpg' ? { error: 'file is empty (0 bytes)' } : undefined));
    expect(messages(r.report.errors)).toEqual([
      'images[0]: a.jpg: file is empty (0 bytes); the image is left out of the import',
    ]);
  });

  it('writes JSON paths for odd keys', () => {
    expect(jsonPath('images[0]', ['file name', 2, 'x'])).toBe('images[0]["file name"][2].x');
  });
});
