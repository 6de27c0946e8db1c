import { describe, expect, it } from 'vitest';
import { PROJECT } from './__golden__/project';
import { keptFiles, staleFiles } from './stale';
import { toVoc } from './voc';
import { toYolo } from './yolo';

describe('staleFiles', () => {
  const existing = [
    'data.yaml',
    'notes.md',
    'labels/train.cache',
    'labels/train/a.txt',
    'labels/train/old.txt',
    'images/train/old.jpg',
    'images/train/a.jpg',
    'labels/val/nested/deep.cache',
    'Annotations/old.xml',
    'Annotations/a.xml',
  ];

  it('lists YOLO caches and earlier labels and images the new export does not write', () => {
    expect(staleFiles('yolo', existing, toYolo(PROJECT))).toEqual([
      'labels/train.cache',
      'labels/train/old.txt',
      'images/train/old.jpg',
      'labels/val/nested/deep.cache',
    ]);
  });

  it('lists earlier VOC annotations only under Annotations/', () => {
    expect(staleFiles('voc', existing, toVoc(PROJECT))).toEqual(['Annotations/old.xml']);
  });

  it('never lists files outside the folders a format owns', () => {
    expect(staleFiles('coco', existing, { files: [], problems: [] })).toEqual([]);
  });

  it("keeps what is neither rewritten nor stale: the person's own files and other formats' files", () => {
    expect(keptFiles('yolo', existing, toYolo(PROJECT))).toEqual([
      'notes.md',
      'Annotations/old.xml',
      'Annotations/a.xml',
    ]);
    expect(keptFiles('voc', existing, toVoc(PROJECT))).toContain('labels/train/old.txt');
    expect(keptFiles('voc', existing, toVoc(PROJECT))).not.toContain('Annotations/old.xml');
  });
});
