import { describe, expect, it } from 'vitest';
import { PROJECT } from './__golden__/project';
import { EXPORT_FORMATS, ExportError, exportLabels, isExportFormat, toCoco, toVoc, toYolo } from './index';
import type { ExportFormat } from './index';

describe('exportLabels', () => {
  it('dispatches to the writer of each format with its options', () => {
    const date = { dateCreated: '2025-01-01' };
    expect(exportLabels('coco', PROJECT, date)).toEqual(toCoco(PROJECT, date));
    expect(exportLabels('yolo', PROJECT)).toEqual(toYolo(PROJECT));
    expect(exportLabels('voc', PROJECT, { folder: 'x' })).toEqual(toVoc(PROJECT, { folder: 'x' }));
  });

  it('knows exactly coco, yolo and voc', () => {
    expect(EXPORT_FORMATS).toEqual(['coco', 'yolo', 'voc']);
    expect(isExportFormat('yolo')).toBe(true);
    expect(isExportFormat('toString')).toBe(false);
  });

  it('throws bad-format for a format name from outside the type system', () => {
    const call = () => exportLabels('csv' as ExportFormat, PROJECT);
    expect(call).toThrow(ExportError);
    expect(call).toThrow(/Unknown export format "csv"/);
  });

  it('refuses, in every format, an export where no image is reviewed', () => {
    const unreviewed = {
      ...PROJECT,
      images: PROJECT.images.map((im) => ({ ...im, state: 'unlabeled' as const })),
    };
    for (const format of EXPORT_FORMATS) {
      const call = () => exportLabels(format, unreviewed);
      expect(call).toThrow(ExportError);
      expect(call).toThrow(/Nothing to export: none of the 7 images is reviewed/);
    }
    expect(() => exportLabels('yolo', { classes: ['a'], images: [] })).toThrow(/Nothing to export/);
  });

  it('reports the same refused boxes whatever the format', () => {
    const problems = EXPORT_FORMATS.map((f) => exportLabels(f, PROJECT).problems);
    expect(problems[1]).toEqual(problems[0]);
    expect(problems[2]).toEqual(problems[0]);
    expect(problems[0]).toHaveLength(2);
  });
});
