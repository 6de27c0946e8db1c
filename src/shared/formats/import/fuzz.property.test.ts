import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goldenFiles } from '../__golden__/goldens';
import { PROJECT } from '../__golden__/project';
import { toCoco } from '../coco';
import { ExportError } from '../errors';
import { toVoc } from '../voc';
import { toYolo } from '../yolo';
import { listingOf } from './__fixtures__/sources';
import { importCoco } from './coco';
import type { ImportResult, SizeInfo, SizeLookup, SourceFile } from './types';
import { importVoc } from './voc';
import { importYolo, type YoloSource } from './yolo';

/**
 * Thousands of malformed inputs: every importer returns a result (never throws, never hangs), the
 * result is something every writer accepts, and no image with labels disappears without an error.
 */

const RUNS = { numRuns: 1000 };
const LISTING = ['a.jpg', 'b.png', 'sub/c.jpg', 'images/train/d.jpg'];

const sizeInfo: fc.Arbitrary<SizeInfo> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      width: fc.integer({ min: 1, max: 5000 }),
      height: fc.integer({ min: 1, max: 5000 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant({ error: 'not a readable image (truncated)' }) },
  { weight: 1, arbitrary: fc.record({ width: fc.double(), height: fc.integer({ min: -3, max: 3 }) }) },
);

function sizesFrom(infos: readonly SizeInfo[], listing: readonly string[]): SizeLookup {
  const map = new Map(listing.map((p, i) => [p, infos[i % Math.max(1, infos.length)]]));
  return (p) => map.get(p);
}
const sizeList = fc.array(sizeInfo, { minLength: 1, maxLength: 4 });

/** Bits of each format, so random text reaches past the first check. */
const TOKENS = [
  '0',
  '1',
  '7',
  '-1',
  '0.5',
  '1.5',
  '-0.5',
  '.5',
  '1e9',
  '1e-3',
  'nan',
  'inf',
  '99999999999999999999',
  ' ',
  '\t',
  '\n',
  '\r\n',
  '\u0000',
  '\uFEFF',
  '{',
  '}',
  '[',
  ']',
  ':',
  ',',
  '"',
  "'",
  'null',
  'true',
  '"id"',
  '"images"',
  '"annotations"',
  '"categories"',
  '"bbox"',
  '"file_name"',
  '"a.jpg"',
  '"../x"',
  '<',
  '>',
  '</',
  '/>',
  '<annotation>',
  '</annotation>',
  '<object>',
  '</object>',
  '<name>',
  '</name>',
  '<bndbox>',
  '</bndbox>',
  '<xmin>',
  '</xmin>',
  '<size>',
  '<width>',
  '<filename>a.jpg</filename>',
  '&amp;',
  '&',
  '&#0;',
  '&#x110000;',
  '<![CDATA[',
  ']]>',
  '<!--',
  '-->',
  '<?',
  '?>',
  '<!DOCTYPE',
  'names:',
  'train:',
  'val:',
  'path:',
  '- ',
  '&anchor',
  '*anchor',
  '!!binary',
  '0: car',
  'images/train',
  '../..',
  '/etc',
];
const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((t) => t.join(''));
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), soup, fc.json());

/** YOLO-like rows: whitespace-separated numbers and junk, often 5 columns. */
const cell = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '0',
      '1',
      '2',
      '7',
      '-1',
      '0.5',
      '1.5',
      '-0.5',
      '.5',
      '1e9',
      '1e-3',
      '0.000000',
      'nan',
      'inf',
      '1,5',
      'car',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.double({ min: -2, max: 2, noNaN: true }).map(String) },
);
const rows = fc
  .array(
    fc
      .tuple(fc.array(cell, { minLength: 4, maxLength: 7 }), fc.constantFrom(' ', '  ', '\t'))
      .map(([cells, sep]) => cells.join(sep)),
    { maxLength: 6 },
  )
  .chain((lines) => fc.constantFrom('\n', '\r\n').map((eol) => lines.join(eol)));

type Mutation = {
  kind: 'delete' | 'insert' | 'replace' | 'truncate' | 'duplicate' | 'swap';
  at: number;
  len: number;
  text: string;
};
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('delete', 'insert', 'replace', 'truncate', 'duplicate', 'swap'),
  at: fc.nat(),
  len: fc.nat({ max: 30 }),
  text: fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom(...TOKENS)),
});

function mutate(source: string, mutations: readonly Mutation[]): string {
  let s = source;
  for (const m of mutations) {
    const at = m.at % (s.length + 1);
    const lines = s.split('\n');
    const li = m.at % lines.length;
    switch (m.kind) {
      case 'delete':
        s = s.slice(0, at) + s.slice(at + m.len);
        break;
      case 'insert':
        s = s.slice(0, at) + m.text + s.slice(at);
        break;
      case 'replace':
        s = s.slice(0, at) + m.text + s.slice(at + m.len);
        break;
      case 'truncate':
        s = s.slice(0, at);
        break;
      case 'duplicate':
        lines.splice(li, 0, lines[li]);
        s = lines.join('\n');
        break;
      case 'swap':
        [lines[li], lines[(li + 1) % lines.length]] = [lines[(li + 1) % lines.length], lines[li]];
        s = lines.join('\n');
        break;
    }
  }
  return s;
}
const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

/** Runs an importer and checks what every caller relies on. */
function check(listing: readonly string[], run: () => ImportResult): ImportResult {
  const started = performance.now();
  let result: ImportResult;
  try {
    result = run();
  } catch (e) {
    throw new Error(`the importer threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, {
      cause: e,
    });
  }
  expect(performance.now() - started).toBeLessThan(2000);
  const { input, report, rejected } = result;
  expect(Number.isInteger(report.clipped) && report.clipped >= 0).toBe(true);
  for (const issue of [...report.errors, ...report.warnings]) {
    expect(typeof issue.where).toBe('string');
    expect(issue.message.startsWith(issue.where)).toBe(true);
    expect(issue.message.length).toBeGreaterThan(issue.where.length);
  }
  const paths = input.images.map((im) => im.relPath);
  expect(paths.every((p) => listing.includes(p))).toBe(true);
  expect(new Set(paths).size).toBe(paths.length);
  for (const p of rejected) expect(input.images.find((im) => im.relPath === p)?.state).toBe('unlabeled');
  if (rejected.length > 0) expect(report.errors.length).toBeGreaterThan(0);
  for (const im of input.images) {
    if (im.state !== 'reviewed') continue;
    expect(Number.isInteger(im.width) && im.width > 0 && Number.isInteger(im.height) && im.height > 0).toBe(
      true,
    );
    for (const b of im.boxes) {
      expect(Number.isInteger(b.classId) && b.classId >= 0 && b.classId < input.classes.length).toBe(true);
      expect(
        0 <= b.x1 && b.x1 < b.x2 && b.x2 <= im.width && 0 <= b.y1 && b.y1 < b.y2 && b.y2 <= im.height,
      ).toBe(true);
    }
  }
  // Whatever an importer accepts, every writer takes as it is.
  for (const write of [toCoco, toYolo, toVoc]) {
    try {
      expect(write(input).problems).toEqual([]);
    } catch (e) {
      if (e instanceof ExportError) throw new Error(`a writer refused the import: ${e.message}`);
      throw e;
    }
  }
  return result;
}

/** An image whose label file was given is reviewed, or an error names that file. */
function expectAccountedFor(result: ImportResult, relPath: string, labelPath: string): void {
  const im = result.input.images.find((i) => i.relPath === relPath);
  if (im?.state === 'reviewed') return;
  expect(
    result.report.errors.some(
      (e) =>
        e.where.startsWith(labelPath) || e.where.startsWith('classes.txt') || e.where.startsWith('data.yaml'),
    ),
  ).toBe(true);
}

const yoloGolden = Object.entries(goldenFiles('yolo')).map(([path, t]): SourceFile => ({ path, text: t }));
const cocoGolden = goldenFiles('coco-unsplit')['annotations.json'];
const vocGolden = Object.entries(goldenFiles('voc'))
  .filter(([path]) => path.endsWith('.xml'))
  .map(([path, t]): SourceFile => ({ path, text: t }));
const PROJECT_LISTING = listingOf(PROJECT);

describe('importYolo never crashes', () => {
  it('on random label files', () => {
    fc.assert(
      fc.property(fc.oneof(text, rows, rows), sizeList, (label, infos) => {
        const source: YoloSource = {
          classesTxt: { path: 'classes.txt', text: 'car\ndog\n' },
          labels: [{ path: 'a.txt', text: label }],
        };
        const r = check(LISTING, () => importYolo(source, LISTING, sizesFrom(infos, LISTING)));
        expectAccountedFor(r, 'a.jpg', 'a.txt');
      }),
      RUNS,
    );
  });

  it('on random data.yaml and classes.txt', () => {
    fc.assert(
      fc.property(
        text,
        fc.option(text),
        fc.constantFrom(undefined, '', 'images'),
        sizeList,
        (yaml, classes, prefix, infos) => {
          const source: YoloSource = {
            dataYaml: { path: 'data.yaml', text: yaml },
            ...(classes !== null && { classesTxt: { path: 'classes.txt', text: classes } }),
            labels: [
              { path: 'labels/train/d.txt', text: '0 0.5 0.5 0.1 0.1\n' },
              { path: 'labels/train/a.txt', text: '' },
            ],
            ...(prefix !== undefined && { imageRootInDataset: prefix }),
          };
          check(LISTING, () => importYolo(source, LISTING, sizesFrom(infos, LISTING)));
        },
      ),
      RUNS,
    );
  });

  it('on mutated valid datasets', () => {
    fc.assert(
      fc.property(fc.nat(), mutations, sizeList, (which, muts, infos) => {
        const files = yoloGolden.map((f, i) =>
          i === which % yoloGolden.length && 'text' in f ? { path: f.path, text: mutate(f.text, muts) } : f,
        );
        const source: YoloSource = {
          dataYaml: files.find((f) => f.path === 'data.yaml'),
          classesTxt: files.find((f) => f.path === 'classes.txt'),
          labels: files.filter((f) => f.path.startsWith('labels/')),
        };
        check(PROJECT_LISTING, () => importYolo(source, PROJECT_LISTING, sizesFrom(infos, PROJECT_LISTING)));
      }),
      RUNS,
    );
  });
});

/** COCO-shaped values with every field sometimes wrong. */
const anyJson = fc.jsonValue({ maxDepth: 3 });
const cocoish = fc.record(
  {
    images: fc.oneof(
      fc.array(
        fc.record(
          {
            id: fc.oneof(fc.integer({ min: -1, max: 4 }), anyJson),
            file_name: fc.oneof(
              fc.constantFrom(...LISTING, '../a.jpg', '/a.jpg', 'C:\\a.jpg', 'a.jpg\u0000', 'x.jpg'),
              anyJson,
            ),
            width: fc.oneof(fc.integer({ min: -1, max: 5000 }), anyJson),
            height: fc.oneof(fc.integer({ min: -1, max: 5000 }), anyJson),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 6 },
      ),
      anyJson,
    ),
    annotations: fc.oneof(
      fc.array(
        fc.record(
          {
            id: fc.oneof(fc.integer({ min: 0, max: 4 }), anyJson),
            image_id: fc.oneof(fc.integer({ min: -1, max: 4 }), anyJson),
            category_id: fc.oneof(fc.integer({ min: 0, max: 4 }), anyJson),
            bbox: fc.oneof(
              fc.array(fc.oneof(fc.double({ min: -1e4, max: 1e4, noNaN: true }), fc.integer()), {
                maxLength: 5,
              }),
              anyJson,
            ),
            iscrowd: fc.oneof(fc.constantFrom(0, 1), anyJson),
            score: fc.double(),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 8 },
      ),
      anyJson,
    ),
    categories: fc.oneof(
      fc.array(
        fc.record(
          {
            id: fc.oneof(fc.integer({ min: 0, max: 4 }), anyJson),
            name: fc.oneof(fc.constantFrom('car', 'dog', ' car', '', 'a\nb'), anyJson),
          },
          { requiredKeys: [] },
        ),
        {
          maxLength: 4,
        },
      ),
      anyJson,
    ),
  },
  { requiredKeys: [] },
);

/** Sets the value at a random path of a JSON value (arrays and objects by index). */
function setAt(value: unknown, steps: readonly number[], replacement: unknown): unknown {
  if (steps.length === 0 || value === null || typeof value !== 'object') return replacement;
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement;
  const key = keys[steps[0] % keys.length];
  const copy: Record<string, unknown> = Array.isArray(value)
    ? ([...value] as unknown as Record<string, unknown>)
    : { ...value };
  copy[key] = setAt(copy[key], steps.slice(1), replacement);
  return copy;
}

/** Whether `t` is a JSON object with the three arrays (only then may nothing be reported). */
function isDataset(t: string): boolean {
  try {
    const v: unknown = JSON.parse(t);
    return (
      v !== null &&
      typeof v === 'object' &&
      ['images', 'annotations', 'categories'].every((k) => Array.isArray((v as Record<string, unknown>)[k]))
    );
  } catch {
    return false;
  }
}

describe('importCoco never crashes', () => {
  it('on random text', () => {
    fc.assert(
      fc.property(text, sizeList, (t, infos) => {
        const r = check(LISTING, () =>
          importCoco({ path: 'annotations.json', text: t }, LISTING, sizesFrom(infos, LISTING)),
        );
        if (!isDataset(t))
          expect(r.report.errors.map((e) => e.where)).toEqual(
            expect.arrayContaining([
              expect.stringMatching(/^(annotations\.json(:\d+)?|images|annotations|categories)$/),
            ]),
          );
      }),
      RUNS,
    );
  });

  it('on random JSON values shaped like COCO', () => {
    fc.assert(
      fc.property(
        fc.oneof({ weight: 4, arbitrary: cocoish }, { weight: 1, arbitrary: anyJson }),
        sizeList,
        (value, infos) => {
          check(LISTING, () =>
            importCoco(
              { path: 'annotations.json', text: JSON.stringify(value) ?? 'undefined' },
              LISTING,
              sizesFrom(infos, LISTING),
            ),
          );
        },
      ),
      RUNS,
    );
  });

  it('on mutated valid files, as text and as values', () => {
    const golden: unknown = JSON.parse(cocoGolden);
    fc.assert(
      fc.property(
        mutations,
        fc.array(fc.nat(), { maxLength: 5 }),
        anyJson,
        fc.boolean(),
        sizeList,
        (muts, steps, replacement, asText, infos) => {
          const t = asText ? mutate(cocoGolden, muts) : JSON.stringify(setAt(golden, steps, replacement));
          check(PROJECT_LISTING, () =>
            importCoco(
              { path: 'annotations.json', text: t },
              PROJECT_LISTING,
              sizesFrom(infos, PROJECT_LISTING),
            ),
          );
        },
      ),
      RUNS,
    );
  });
});

describe('importVoc never crashes', () => {
  it('on random files', () => {
    fc.assert(
      fc.property(text, fc.boolean(), sizeList, (t, zeroBased, infos) => {
        const r = check(LISTING, () =>
          importVoc({ files: [{ path: 'a.xml', text: t }] }, LISTING, sizesFrom(infos, LISTING), {
            zeroBased,
          }),
        );
        expectAccountedFor(r, 'a.jpg', 'a.xml');
      }),
      RUNS,
    );
  });

  it('on XML-like token soup and random objects inside an annotation', () => {
    const value = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('0', '1', '2', '7', '10.5', '-1', '1e9', '30') },
      { weight: 1, arbitrary: cell },
    );
    const field = (name: string) =>
      fc.oneof(
        { weight: 6, arbitrary: value.map((c) => `<${name}>${c}</${name}>`) },
        { weight: 1, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: soup },
      );
    const difficult = fc.constantFrom(
      '',
      '<difficult>0</difficult>',
      '<difficult>1</difficult>',
      '<difficult>yes</difficult>',
    );
    const object = fc
      .tuple(
        field('name'),
        difficult,
        field('xmin'),
        field('ymin'),
        field('xmax'),
        field('ymax'),
        fc.boolean(),
      )
      .map(
        ([n, d, ...rest]) =>
          `<object>${n}${d}${rest[4] ? '<bndbox>' : ''}${rest.slice(0, 4).join('')}${rest[4] ? '</bndbox>' : ''}</object>`,
      );
    fc.assert(
      fc.property(
        fc.oneof(
          soup,
          fc.array(object, { maxLength: 4 }).map((o) => o.join('\n')),
        ),
        sizeList,
        (inner, infos) => {
          const t = `<annotation><filename>a.jpg</filename><size><width>64</width><height>48</height></size>${inner}</annotation>`;
          const r = check(LISTING, () =>
            importVoc({ files: [{ path: 'a.xml', text: t }] }, LISTING, sizesFrom(infos, LISTING)),
          );
          expectAccountedFor(r, 'a.jpg', 'a.xml');
        },
      ),
      RUNS,
    );
  });

  it('on mutated valid files and class lists', () => {
    fc.assert(
      fc.property(fc.nat(), mutations, fc.option(text), sizeList, (which, muts, classes, infos) => {
        const files = vocGolden.map((f, i) =>
          i === which % vocGolden.length && 'text' in f ? { path: f.path, text: mutate(f.text, muts) } : f,
        );
        const opts = classes === null ? {} : { classes: { path: 'classes.txt', text: classes } };
        check(PROJECT_LISTING, () =>
          importVoc(
            { files, annotationsDir: 'Annotations' },
            PROJECT_LISTING,
            sizesFrom(infos, PROJECT_LISTING),
            opts,
          ),
        );
      }),
      RUNS,
    );
  });
});
