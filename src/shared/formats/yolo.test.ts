import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { goldenFiles, textFiles } from './__golden__/goldens';
import { PROJECT } from './__golden__/project';
import { textOf } from './content';
import type { ExportInput, OutputFile } from './types';
import { isYoloStaleFile, toYolo, yoloDataYaml, yoloRow } from './yolo';

const textAt = (files: readonly OutputFile[], path: string): string | undefined => {
  const f = files.find((x) => x.path === path);
  return f?.kind === 'text' ? textOf(f.content) : undefined;
};

describe('toYolo', () => {
  it('writes the golden data.yaml, classes.txt and label files byte for byte', () => {
    expect(textFiles(toYolo(PROJECT))).toEqual(goldenFiles('yolo'));
  });

  it('normalises a row by the oriented size: (160, 360, 64, 96) in 640×480 is 0.25 0.75 0.1 0.2', () => {
    const box = { classId: 1, x1: 128, y1: 312, x2: 192, y2: 408, difficult: false, occluded: false };
    expect(yoloRow(box, 640, 480)).toBe('1 0.250000 0.750000 0.100000 0.200000');
  });

  it('writes exactly 5 columns per row with values within [0, 1] and 6 decimals', () => {
    const labels = toYolo(PROJECT).files.filter((f) => f.kind === 'text' && f.path.startsWith('labels/'));
    const rows = labels.flatMap((f) =>
      f.kind === 'text'
        ? textOf(f.content)
            .split('\n')
            .filter((l) => l !== '')
        : [],
    );
    expect(rows).toHaveLength(8);
    for (const row of rows) {
      const cols = row.split(' ');
      expect(cols).toHaveLength(5);
      expect(cols[0]).toMatch(/^\d+$/);
      for (const v of cols.slice(1)) {
        expect(v).toMatch(/^[01]\.\d{6}$/);
        expect(Number(v)).toBeGreaterThanOrEqual(0);
        expect(Number(v)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('writes a reviewed negative as an empty label file', () => {
    expect(textAt(toYolo(PROJECT).files, 'labels/train/nested/neg.txt')).toBe('');
  });

  it('leaves unlabeled images out entirely', () => {
    expect(toYolo(PROJECT).files.some((f) => f.path.includes('todo'))).toBe(false);
  });

  it('pairs each image entry with its label by the same renamed stem', () => {
    const files = toYolo(PROJECT).files;
    const images = files.filter((f) => f.kind === 'image');
    expect(images).toEqual([
      { kind: 'image', path: 'images/train/a.jpg', source: 'a.jpg' },
      { kind: 'image', path: 'images/val/a_png.png', source: 'a.png' },
      { kind: 'image', path: 'images/train/images_/c.jpg', source: 'images/c.jpg' },
      { kind: 'image', path: 'images/val/nested/deep/B.png', source: 'nested/deep/B.png' },
      { kind: 'image', path: 'images/train/nested/deep/b_jpg.jpg', source: 'nested/deep/b.jpg' },
      { kind: 'image', path: 'images/train/nested/neg.jpg', source: 'nested/neg.jpg' },
    ]);
    // Ultralytics' img2label_paths: last /images/ → /labels/, extension → .txt.
    for (const im of images) {
      const label = im.path.replace(/^images\//, 'labels/').replace(/\.[^./]+$/, '.txt');
      expect(textAt(files, label)).toBeDefined();
    }
  });

  it('renames folders named images so the label path Ultralytics derives stays right', () => {
    const paths = toYolo(PROJECT).files.map((f) => f.path);
    expect(paths).toContain('labels/train/images_/c.txt');
    expect(paths.filter((p) => p.slice(1).includes('/images/'))).toEqual([]);
  });

  it('writes data.yaml that parses to names keys exactly 0..n-1 and has no path key', () => {
    const data = parse(textAt(toYolo(PROJECT).files, 'data.yaml') ?? '', { mapAsMap: true }) as Map<
      string,
      unknown
    >;
    expect([...data.keys()]).toEqual(['train', 'val', 'nc', 'names']);
    expect(data.has('path')).toBe(false);
    expect(data.get('nc')).toBe(3);
    const names = data.get('names') as Map<number, string>;
    expect([...names.keys()]).toEqual([0, 1, 2]);
    expect([...names.values()]).toEqual(['car', `R&D's "bot"`, 'person']);
  });

  it('points val at the training images when no image is in val', () => {
    const input: ExportInput = {
      ...PROJECT,
      images: PROJECT.images.map((im) => ({ ...im, split: undefined })),
    };
    const data = parse(textAt(toYolo(input).files, 'data.yaml') ?? '');
    expect(data).toMatchObject({ train: 'images/train', val: 'images/train' });
    expect(toYolo(input).files.some((f) => f.path.startsWith('labels/val/'))).toBe(false);
  });

  it('points train at the validation images when every image is in val', () => {
    const input: ExportInput = {
      ...PROJECT,
      images: PROJECT.images.map((im) => ({ ...im, split: 'val' as const })),
    };
    const files = toYolo(input).files;
    expect(parse(textAt(files, 'data.yaml') ?? '')).toMatchObject({ train: 'images/val', val: 'images/val' });
    expect(files.some((f) => f.path.startsWith('images/train/'))).toBe(false);
  });

  it('quotes class names that YAML 1.1 (PyYAML) or 1.2 would read as something else', () => {
    const names = [
      'yes',
      'No',
      'on',
      'null',
      '0o17',
      '1.5',
      'a: b',
      '#tag',
      '- x',
      'café',
      'traffic light',
      'stop_sign-2',
    ];
    const yaml = yoloDataYaml(names, { train: true, val: false });
    for (const version of ['1.1', '1.2'] as const) {
      const parsed = parse(yaml, { version, mapAsMap: true }) as Map<string, Map<number, unknown>>;
      expect([...(parsed.get('names')?.values() ?? [])]).toEqual(names);
    }
    expect(yaml).toContain('  0: "yes"\n');
    expect(yaml).toContain('  10: traffic light\n');
  });

  it('writes classes.txt one trimmed name per line', () => {
    expect(textAt(toYolo(PROJECT).files, 'classes.txt')).toBe(`car\nR&D's "bot"\nperson\n`);
  });

  it('marks Ultralytics label caches as stale, also for nested label folders', () => {
    expect(isYoloStaleFile('labels/train.cache')).toBe(true);
    expect(isYoloStaleFile('labels/val.cache')).toBe(true);
    expect(isYoloStaleFile('labels/train/nested/deep.cache')).toBe(true);
    expect(isYoloStaleFile('labels/train/a.txt')).toBe(false);
    expect(isYoloStaleFile('images/train.cache')).toBe(false);
  });
});
