import { describe, expect, it } from 'vitest';
import { goldenFiles, textFiles } from './__golden__/goldens';
import { PROJECT } from './__golden__/project';
import { buildCoco, round6, toCoco } from './coco';
import type { ExportInput } from './types';

const OPTS = { description: 'GroundLabel test project', dateCreated: '2025-01-02T03:04:05.000Z' };

describe('toCoco', () => {
  it('writes the golden annotations.json byte for byte', () => {
    expect(textFiles(toCoco(PROJECT, OPTS))).toEqual(goldenFiles('coco'));
  });

  it('is deterministic: the same project gives the same bytes', () => {
    expect(toCoco(PROJECT, OPTS)).toEqual(toCoco(PROJECT, OPTS));
  });

  it('pretty-prints with two spaces and ends with a newline', () => {
    const [file] = toCoco(PROJECT, OPTS).files;
    expect(file.kind === 'text' && file.content.startsWith('{\n  "info": {\n')).toBe(true);
    expect(file.kind === 'text' && file.content.endsWith('}\n')).toBe(true);
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

  it('writes a single annotations.json file', () => {
    expect(toCoco(PROJECT, OPTS).files.map((f) => f.path)).toEqual(['annotations.json']);
  });
});
