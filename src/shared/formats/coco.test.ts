import { describe, expect, it } from 'vitest';
import { goldenFiles, textFiles } from './__golden__/goldens';
import { PROJECT, UNSPLIT_PROJECT } from './__golden__/project';
import { buildCoco, cocoAnnotationJson, cocoImageJson, round6, toCoco } from './coco';
import { nestedJson } from './json-chunks';
import { textOf } from './content';
import type { ExportInput, ExportResult } from './types';

const cocoText = (result: ExportResult): string => {
  const [file] = result.files;
  return file.kind === 'text' ? textOf(file.content) : '';
};

const OPTS = { description: 'GroundLabel test project', dateCreated: '2025-01-02T03:04:05.000Z' };

describe('toCoco', () => {
  it('writes the golden annotations.json byte for byte without a split', () => {
    expect(textFiles(toCoco(UNSPLIT_PROJECT, OPTS))).toEqual(goldenFiles('coco-unsplit'));
  });

  it('writes the golden annotations/instances_train.json and instances_val.json byte for byte with a split', () => {
    expect(textFiles(toCoco(PROJECT, OPTS))).toEqual(goldenFiles('coco'));
  });

  it('puts each exported image and its boxes in exactly one split file, every category in both', () => {
    const whole = buildCoco(PROJECT, OPTS).dataset;
    const parts = (['train', 'val'] as const).map((split) => buildCoco(PROJECT, OPTS, split).dataset);
    expect(parts.flatMap((p) => p.images.map((im) => im.file_name)).sort()).toEqual(
      whole.images.map((im) => im.file_name).sort(),
    );
    expect(parts.reduce((n, p) => n + p.annotations.length, 0)).toBe(whole.annotations.length);
    for (const p of parts) {
      expect(p.categories).toEqual(whole.categories);
      expect(p.images.map((im) => im.id)).toEqual(p.images.map((_, i) => i + 1));
    }
  });

  it('is deterministic: the same project gives the same bytes', () => {
    expect(textFiles(toCoco(PROJECT, OPTS))).toEqual(textFiles(toCoco(PROJECT, OPTS)));
  });

  it('pretty-prints with two spaces and ends with a newline', () => {
    const text = cocoText(toCoco(PROJECT, OPTS));
    expect(text.startsWith('{\n  "info": {\n')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('streams the JSON in chunks that join to JSON.stringify of the dataset, every time it is read', () => {
    const [file] = toCoco(UNSPLIT_PROJECT, OPTS).files;
    if (file.kind !== 'text' || typeof file.content === 'string') throw new Error('expected chunks');
    const expected = `${JSON.stringify(buildCoco(UNSPLIT_PROJECT, OPTS).dataset, null, 2)}\n`;
    expect([...file.content].join('')).toBe(expected);
    expect([...file.content].join('')).toBe(expected);
  });

  it('streams a large dataset in bounded chunks, never as one string', () => {
    const input: ExportInput = {
      classes: ['a', 'b'],
      images: Array.from({ length: 300 }, (_, i) => ({
        relPath: `d/${i}.jpg`,
        width: 640,
        height: 480,
        state: 'reviewed' as const,
        boxes: Array.from({ length: 10 }, (_, b) => ({
          classId: b % 2,
          x1: b,
          y1: 2 * b,
          x2: 100.5 + b,
          y2: 50,
        })),
      })),
    };
    const [file] = toCoco(input, OPTS).files;
    if (file.kind !== 'text' || typeof file.content === 'string') throw new Error('expected chunks');
    const chunks = [...file.content];
    const text = chunks.join('');
    expect(text).toBe(`${JSON.stringify(buildCoco(input, OPTS).dataset, null, 2)}\n`);
    expect(chunks.length).toBeGreaterThan(10);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(text.length / 10);
  });

  it('writes an annotation and an image by hand with the bytes JSON.stringify gives', () => {
    const values = [0, 1, 0.3, 1e-7, 123456789.123456, 2 ** 53, NaN, Infinity];
    for (const v of values) {
      const a = {
        id: 7,
        image_id: 3,
        category_id: 2,
        bbox: [v, 0.5, v, 1e21] as const,
        area: v,
        iscrowd: 0 as const,
        segmentation: [],
      };
      for (const depth of [0, 2]) expect(cocoAnnotationJson(a, depth)).toBe(nestedJson(a, depth));
    }
    const flagged = {
      id: 1,
      image_id: 1,
      category_id: 1,
      bbox: [1, 2, 3, 4] as const,
      area: 12,
      iscrowd: 0 as const,
      segmentation: [],
      attributes: { occluded: true, difficult: false },
    };
    for (const depth of [0, 2]) expect(cocoAnnotationJson(flagged, depth)).toBe(nestedJson(flagged, depth));
    const im = { id: 1, file_name: 'sub/ü "q" \\ \u2028.jpg', width: 640, height: 480 };
    expect(cocoImageJson(im, 2)).toBe(nestedJson(im, 2));
  });

  it('streams an export with no images as empty arrays, like JSON.stringify', () => {
    const input: ExportInput = { classes: ['x'], images: [] };
    const text = cocoText(toCoco(input, OPTS));
    expect(text).toBe(`${JSON.stringify(buildCoco(input, OPTS).dataset, null, 2)}\n`);
    expect(text).toContain('"images": [],\n  "annotations": [],');
  });

  it('writes difficult and occluded boxes’ flags as attributes, as CVAT does, and nothing for the others', () => {
    const input: ExportInput = {
      classes: ['car'],
      images: [
        {
          relPath: 'a.jpg',
          width: 100,
          height: 100,
          state: 'reviewed',
          boxes: [
            { classId: 0, x1: 0, y1: 0, x2: 10, y2: 10, occluded: true },
            { classId: 0, x1: 0, y1: 0, x2: 20, y2: 20 },
          ],
        },
      ],
    };
    const { dataset: data } = buildCoco(input);
    expect(data.annotations[0].attributes).toEqual({ occluded: true, difficult: false });
    expect(data.annotations[1]).not.toHaveProperty('attributes');
  });

  it('numbers images and annotations from 1 with unique ids', () => {
    const { dataset } = buildCoco(PROJECT, OPTS);
    expect(dataset.images.map((im) => im.id)).toEqual([1, 2, 3, 4, 5, 6]);
    const ids = dataset.annotations.map((a) => a.id);
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    expect(Math.min(...ids)).toBe(1);
  });

  it('writes categories 1..K contiguous in project order with trimmed names', () => {
    const { dataset } = buildCoco(PROJECT, OPTS);
    expect(dataset.categories).toEqual([
      { id: 1, name: 'car', supercategory: '' },
      { id: 2, name: `R&D's "bot"`, supercategory: '' },
      { id: 3, name: 'person', supercategory: '' },
    ]);
  });

  it('includes a reviewed negative with no annotations and leaves the unlabeled image out', () => {
    const { dataset } = buildCoco(PROJECT, OPTS);
    const neg = dataset.images.find((im) => im.file_name === 'nested/neg.jpg');
    expect(neg).toBeDefined();
    expect(dataset.annotations.filter((a) => a.image_id === neg?.id)).toEqual([]);
    expect(dataset.images.some((im) => im.file_name === 'nested/todo.jpg')).toBe(false);
  });

  it('writes absolute pixel bboxes, category_id = class + 1 and area = w * h', () => {
    const { dataset } = buildCoco(PROJECT, OPTS);
    // a.jpg box 1: (128, 312) → (192, 408) of class 1.
    expect(dataset.annotations[0]).toEqual({
      id: 1,
      image_id: 1,
      category_id: 2,
      bbox: [128, 312, 64, 96],
      area: 64 * 96,
      iscrowd: 0,
      segmentation: [],
    });
  });

  it('rounds float noise away: 0.1 + 0.2 is written as 0.3', () => {
    const { dataset } = buildCoco(PROJECT, OPTS);
    expect(dataset.annotations[1].bbox).toEqual([0.3, 10, 64, 38.7]);
    expect(round6(0.1 + 0.2)).toBe(0.3);
    expect(Object.is(round6(-0.0000001), 0)).toBe(true);
  });

  it('clamps boxes to the image and reports refused ones as problems', () => {
    const result = toCoco(PROJECT, OPTS);
    const { dataset } = buildCoco(PROJECT, OPTS);
    expect(dataset.annotations.find((a) => a.image_id === 5)?.bbox).toEqual([0, 400, 150, 100]);
    expect(result.problems.map((p) => p.relPath)).toEqual(['nested/deep/b.jpg', 'nested/deep/b.jpg']);
  });

  it('takes the date from the options and leaves it empty otherwise', () => {
    const input: ExportInput = { classes: ['x'], images: [] };
    expect(buildCoco(input).dataset.info).toEqual({
      description: 'GroundLabel export',
      version: '1.0',
      date_created: '',
    });
  });

  it('writes a single annotations.json file without a split, one file per split with one', () => {
    expect(toCoco(UNSPLIT_PROJECT, OPTS).files.map((f) => f.path)).toEqual(['annotations.json']);
    expect(toCoco(PROJECT, OPTS).files.map((f) => f.path)).toEqual([
      'annotations/instances_train.json',
      'annotations/instances_val.json',
    ]);
  });
});
