import fc from 'fast-check';
import { describe, it } from 'vitest';
import { toCoco } from '../coco';
import { hasUnsafeChars } from '../prepare';
import type { ExportBox, ExportImage, ExportInput } from '../types';
import { toVoc } from '../voc';
import { toYolo } from '../yolo';
import {
  cocoFileOf,
  expectSameProject,
  listingOf,
  sizesOf,
  vocSourceOf,
  yoloSourceOf,
} from './__fixtures__/sources';
import { importCoco } from './coco';
import { importVoc } from './voc';
import { importYolo } from './yolo';

/** Class names the writers accept: not blank, one line, unique once trimmed (they may need trimming). */
const className = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
  .filter((s) => s.trim() !== '' && !hasUnsafeChars(s));
const classList = fc.uniqueArray(className, { minLength: 1, maxLength: 6, selector: (s) => s.trim() });

/** Folder and file names that collide often: case, extensions, `images` folders (YOLO renames them). */
const segment = fc.oneof(
  fc.constantFrom('a', 'A', 'b', 'images', 'labels', 'sub', 'x y', 'é'),
  fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9 ._-]{0,7}$/),
);
const relPath = fc
  .tuple(
    fc.array(segment, { maxLength: 3 }),
    fc.constantFrom('a', 'A', 'b', 'a_png', 'c.d'),
    fc.constantFrom('.jpg', '.png', '.JPG', '.jpeg', '.webp'),
  )
  .map(([dirs, name, ext]) => [...dirs, `${name}${ext}`].join('/'))
  .filter((p) => !p.split('/').some((s) => s.trim() === '' || s === '.' || s === '..' || s.endsWith('.')));

/** An interval within [0, n] at least 3e-6 × n long: shorter ones vanish in YOLO's 6 decimals. */
const span = (n: number) =>
  fc
    .tuple(fc.double({ min: 0, max: n, noNaN: true }), fc.double({ min: 0, max: n, noNaN: true }))
    .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const)
    .filter(([a, b]) => b - a >= 3e-6 * n);

/** Whole pixels for VOC, which stores 1-based pixel indices. */
const pixelSpan = (n: number) =>
  fc
    .tuple(fc.integer({ min: 0, max: n }), fc.integer({ min: 0, max: n }))
    .filter(([a, b]) => a !== b)
    .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);

type SpanOf = (n: number) => fc.Arbitrary<readonly [number, number]>;

function image(path: string, classCount: number, spanOf: SpanOf): fc.Arbitrary<ExportImage> {
  return fc
    .record({
      width: fc.integer({ min: 1, max: 4000 }),
      height: fc.integer({ min: 1, max: 4000 }),
      state: fc.constantFrom('reviewed', 'reviewed', 'unlabeled'),
      split: fc.constantFrom(undefined, 'train', 'val'),
    })
    .chain(({ width, height, state, split }) => {
      const box: fc.Arbitrary<ExportBox> = fc
        .record({
          classId: fc.integer({ min: 0, max: classCount - 1 }),
          x: spanOf(width),
          y: spanOf(height),
          difficult: fc.boolean(),
        })
        .map(({ classId, x, y, difficult }) => ({
          classId,
          x1: x[0],
          x2: x[1],
          y1: y[0],
          y2: y[1],
          ...(difficult && { difficult }),
        }));
      return fc.array(box, { maxLength: 4 }).map((boxes): ExportImage => ({
        relPath: path,
        width,
        height,
        state: state as ExportImage['state'],
        boxes,
        ...(split && { split: split as 'train' | 'val' }),
      }));
    });
}

function project(spanOf: SpanOf): fc.Arbitrary<ExportInput> {
  return fc
    .record({ classes: classList, paths: fc.uniqueArray(relPath, { maxLength: 8 }) })
    .chain(({ classes, paths }) =>
      fc.tuple(...paths.map((p) => image(p, classes.length, spanOf))).map((images) => ({ classes, images })),
    );
}

const RUNS = { numRuns: 300 };

const unsplit = (input: ExportInput): ExportInput => ({
  ...input,
  images: input.images.map(({ split: _split, ...im }) => im),
});

describe('export → import gives back the same project', () => {
  it('for YOLO, within 1e-6 × max(W, H), splits included', () => {
    fc.assert(
      fc.property(project(span), (input) => {
        const result = importYolo(yoloSourceOf(toYolo(input)), listingOf(input), sizesOf(input));
        expectSameProject(result, input, { tolerance: (w, h) => 1e-6 * Math.max(w, h), split: true });
      }),
      RUNS,
    );
  });

  it('for COCO, within the 6 decimals the writer keeps', () => {
    fc.assert(
      // One file holds everything only without a split (with one, each split has its file).
      fc.property(project(span).map(unsplit), (input) => {
        const result = importCoco(cocoFileOf(toCoco(input)), listingOf(input), sizesOf(input));
        expectSameProject(result, input, { tolerance: () => 2e-6 });
      }),
      RUNS,
    );
  });

  it('for VOC with whole-pixel boxes, exactly, difficult flags included', () => {
    fc.assert(
      fc.property(project(pixelSpan), (input) => {
        const classes = { path: 'classes.txt', text: input.classes.map((c) => c.trim()).join('\n') };
        const result = importVoc(vocSourceOf(toVoc(input)), listingOf(input), sizesOf(input), { classes });
        expectSameProject(result, input, { tolerance: () => 0, difficult: true });
      }),
      RUNS,
    );
  });

  it('for VOC without a class list, in order of first appearance', () => {
    fc.assert(
      fc.property(project(pixelSpan), (input) => {
        const result = importVoc(vocSourceOf(toVoc(input)), listingOf(input), sizesOf(input));
        // The class list is every used name in first-appearance order; map ids through it.
        const used: string[] = [];
        const reviewed = [...input.images]
          .filter((im) => im.state === 'reviewed')
          .sort((a, b) => (a.relPath < b.relPath ? -1 : 1));
        for (const im of reviewed)
          for (const b of im.boxes)
            if (!used.includes(input.classes[b.classId].trim())) used.push(input.classes[b.classId].trim());
        const remapped: ExportInput = {
          classes: used,
          images: input.images.map((im) => ({
            ...im,
            boxes:
              im.state === 'reviewed'
                ? im.boxes.map((b) => ({ ...b, classId: used.indexOf(input.classes[b.classId].trim()) }))
                : [],
          })),
        };
        expectSameProject(result, remapped, { tolerance: () => 0, difficult: true });
      }),
      RUNS,
    );
  });
});
