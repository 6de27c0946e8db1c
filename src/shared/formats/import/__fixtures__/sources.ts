import { expect } from 'vitest';
import { textOf } from '../../content';
import { prepareExport } from '../../prepare';
import type { ExportInput, ExportResult } from '../../types';
import type { ImportResult, SizeLookup, SourceFile } from '../types';
import type { VocSource } from '../voc';
import type { YoloSource } from '../yolo';

/** The text files of a writer's result as the loader would read them back. */
export const textsOf = (r: ExportResult): SourceFile[] =>
  r.files.flatMap((f) => (f.kind === 'text' ? [{ path: f.path, text: textOf(f.content) }] : []));

export function yoloSourceOf(r: ExportResult): YoloSource {
  const files = textsOf(r);
  return {
    dataYaml: files.find((f) => f.path === 'data.yaml'),
    classesTxt: files.find((f) => f.path === 'classes.txt'),
    labels: files.filter((f) => f.path.endsWith('.txt') && f.path !== 'classes.txt'),
  };
}

/** The XML files of a VOC export, as the importer finds them (image set lists are not annotations). */
export const vocSourceOf = (r: ExportResult): VocSource => ({
  files: textsOf(r).filter((f) => f.path.endsWith('.xml')),
  annotationsDir: 'Annotations',
});

export const cocoFileOf = (r: ExportResult): SourceFile => textsOf(r)[0];

/** Oriented sizes as the project knows them. */
export function sizesOf(input: ExportInput): SizeLookup {
  const sizes = new Map(input.images.map((im) => [im.relPath, { width: im.width, height: im.height }]));
  return (relPath) => sizes.get(relPath);
}

export const listingOf = (input: ExportInput): string[] => input.images.map((im) => im.relPath);

export interface SameOptions {
  /** Largest difference allowed per coordinate, for an image of this size. */
  readonly tolerance: (width: number, height: number) => number;
  /** Whether the format keeps the train/val split (YOLO) and the difficult flag (VOC). */
  readonly split?: boolean;
  readonly difficult?: boolean;
}

/**
 * Asserts that an import gives back `expected` as every writer sees it: the same trimmed class list,
 * the same reviewed images with their oriented sizes and boxes (clamped, zero-area ones dropped, as
 * the writers do), and every other image unlabeled.
 */
export function expectSameProject(actual: ImportResult, expected: ExportInput, opts: SameOptions): void {
  const want = prepareExport(expected);
  expect(actual.report.errors).toEqual([]);
  expect(actual.input.classes).toEqual(want.classes);
  const reviewed = actual.input.images.filter((im) => im.state === 'reviewed');
  expect(reviewed.map((im) => im.relPath)).toEqual(want.images.map((im) => im.relPath));
  const unlabeled = actual.input.images.filter((im) => im.state === 'unlabeled').map((im) => im.relPath);
  const wantReviewed = new Set(want.images.map((im) => im.relPath));
  expect(unlabeled).toEqual(want.allRelPaths.filter((p) => !wantReviewed.has(p)));
  want.images.forEach((w, i) => {
    const a = reviewed[i];
    expect([a.width, a.height], a.relPath).toEqual([w.width, w.height]);
    if (opts.split) expect(a.split ?? 'train', a.relPath).toBe(w.split);
    expect(
      a.boxes.map((b) => b.classId),
      a.relPath,
    ).toEqual(w.boxes.map((b) => b.classId));
    if (opts.difficult)
      expect(
        a.boxes.map((b) => b.difficult === true),
        a.relPath,
      ).toEqual(w.boxes.map((b) => b.difficult));
    const tol = opts.tolerance(w.width, w.height);
    w.boxes.forEach((wb, j) => {
      const ab = a.boxes[j];
      for (const k of ['x1', 'y1', 'x2', 'y2'] as const) {
        const diff = Math.abs(ab[k] - wb[k]);
        if (!(diff <= tol))
          expect.fail(`${a.relPath} box ${j} ${k}: ${ab[k]} vs ${wb[k]} (tolerance ${tol})`);
      }
    });
  });
}
