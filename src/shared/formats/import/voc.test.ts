import { describe, expect, it } from 'vitest';
import { goldenFiles } from '../__golden__/goldens';
import { PROJECT } from '../__golden__/project';
import { expectSameProject, listingOf, sizesOf } from './__fixtures__/sources';
import type { SizeLookup, SourceFile } from './types';
import { importVoc, stageVoc, type VocOptions } from './voc';

const messages = (issues: readonly { message: string }[]) => issues.map((i) => i.message);
const unknownSizes: SizeLookup = () => undefined;

interface Obj {
  name: string;
  box?: [number | string, number | string, number | string, number | string];
  difficult?: string;
  extra?: string;
}

function xml(
  filename: string,
  objects: Obj[],
  size = '<size><width>640</width><height>480</height><depth>3</depth></size>',
): string {
  const objs = objects.map(
    (o) =>
      `<object><name>${o.name}</name>${o.difficult === undefined ? '' : `<difficult>${o.difficult}</difficult>`}${o.extra ?? ''}` +
      (o.box
        ? `<bndbox><xmin>${o.box[0]}</xmin><ymin>${o.box[1]}</ymin><xmax>${o.box[2]}</xmax><ymax>${o.box[3]}</ymax></bndbox>`
        : '') +
      '</object>',
  );
  return `<?xml version="1.0"?>\n<annotation>\n<folder>images</folder>\n<filename>${filename}</filename>\n${size}\n${objs.join('\n')}\n</annotation>\n`;
}

const LISTING = ['a.jpg', 'b.jpg', 'sub/c.png'];

function run(
  files: Record<string, string>,
  opts: VocOptions = {},
  sizes: SizeLookup = unknownSizes,
  listing = LISTING,
) {
  const source = {
    files: Object.entries(files).map(([path, text]): SourceFile => ({ path, text })),
    annotationsDir: 'Annotations',
  };
  return importVoc(source, listing, sizes, opts);
}

describe('importVoc: the golden export', () => {
  it('reads the golden VOC files back into the golden project, given its class list', () => {
    const files = Object.entries(goldenFiles('voc'))
      .filter(([path]) => path.endsWith('.xml'))
      .map(([path, text]) => ({ path, text }));
    const classes = { path: 'classes.txt', text: PROJECT.classes.map((c) => c.trim()).join('\n') };
    const result = importVoc({ files, annotationsDir: 'Annotations' }, listingOf(PROJECT), sizesOf(PROJECT), {
      classes,
    });
    // VOC stores whole pixels: every box comes back on the pixels it touches.
    const pixels = {
      ...PROJECT,
      images: PROJECT.images.map((im) => ({
        ...im,
        boxes: im.boxes.map((b) => ({
          ...b,
          x1: Math.floor(b.x1),
          y1: Math.floor(b.y1),
          x2: Math.ceil(b.x2 - 1e-6),
          y2: Math.ceil(b.y2 - 1e-6),
        })),
      })),
    };
    expectSameProject(result, pixels, { tolerance: () => 0, difficult: true });
    expect(result.report).toEqual({ errors: [], clipped: 0, warnings: [] });
  });
});

describe('importVoc: coordinates and classes', () => {
  it('turns 1-based inclusive corners into pixel edges and accepts floats', () => {
    const r = run({
      'Annotations/a.xml': xml('a.jpg', [
        { name: 'car', box: [1, 1, 10, 20] },
        { name: 'dog', box: ['10.5', '20.25', '30.5', '40'] },
      ]),
    });
    expect(r.report).toEqual({ errors: [], clipped: 0, warnings: [] });
    expect(r.input.images[0].boxes).toEqual([
      { classId: 0, x1: 0, y1: 0, x2: 10, y2: 20 },
      { classId: 1, x1: 9.5, y1: 19.25, x2: 30.5, y2: 40 },
    ]);
  });

  it('reads 0-based files as pixel edges when asked', () => {
    const r = run(
      { 'Annotations/a.xml': xml('a.jpg', [{ name: 'car', box: [0, 0, 10, 20] }]) },
      { zeroBased: true },
    );
    expect(r.input.images[0].boxes).toEqual([{ classId: 0, x1: 0, y1: 0, x2: 10, y2: 20 }]);
    expect(r.report.clipped).toBe(0);
  });

  it('lists classes in order of first appearance, images in name order', () => {
    const r = run({
      'Annotations/b.xml': xml('b.jpg', [{ name: 'bird', box: [1, 1, 2, 2] }]),
      'Annotations/a.xml': xml('a.jpg', [
        { name: ' dog ', box: [1, 1, 2, 2] },
        { name: 'car', box: [1, 1, 2, 2] },
        { name: 'dog', box: [1, 1, 2, 2] },
      ]),
    });
    expect(r.input.classes).toEqual(['dog', 'car', 'bird']);
    expect(r.input.images[0].boxes.map((b) => b.classId)).toEqual([0, 1, 0]);
  });

  it('uses a given class list and refuses names outside it', () => {
    const classes = { path: 'classes.txt', text: 'car\nbird\ndog\n' };
    const r = run(
      {
        'Annotations/a.xml': xml('a.jpg', [
          { name: 'car', box: [1, 1, 2, 2] },
          { name: 'cat', box: [1, 1, 2, 2] },
        ]),
        'Annotations/b.xml': xml('b.jpg', [{ name: 'dog', box: [1, 1, 2, 2] }]),
      },
      { classes },
    );
    expect(r.input.classes).toEqual(['car', 'bird', 'dog']);
    expect(messages(r.report.errors)).toEqual([
      'Annotations/a.xml: object[1].name "cat" is not in classes.txt',
      'Annotations/a.xml: 1 error; a.jpg is left out of the import (the file is not changed)',
    ]);
    expect(r.rejected).toEqual(['a.jpg']);
    expect(r.input.images[1]).toMatchObject({ relPath: 'b.jpg', state: 'reviewed', boxes: [{ classId: 2 }] });
  });

  it('keeps difficult flags', () => {
    const r = run({
      'Annotations/a.xml': xml('a.jpg', [
        { name: 'car', box: [1, 1, 2, 2], difficult: '1' },
        { name: 'car', box: [1, 1, 2, 2], difficult: '0' },
      ]),
    });
    expect(r.input.images[0].boxes.map((b) => b.difficult)).toEqual([true, undefined]);
  });

  it('keeps occluded flags, and refuses one that is not 0 or 1', () => {
    const r = run({
      'Annotations/a.xml': xml('a.jpg', [
        { name: 'car', box: [1, 1, 2, 2], extra: '<occluded>1</occluded>' },
        { name: 'car', box: [1, 1, 2, 2], extra: '<occluded>0</occluded>' },
      ]),
      'Annotations/b.xml': xml('b.jpg', [
        { name: 'car', box: [1, 1, 2, 2], extra: '<occluded>yes</occluded>' },
      ]),
    });
    expect(r.input.images[0].boxes.map((b) => b.occluded)).toEqual([true, undefined]);
    expect(messages(r.report.errors)[0]).toBe('Annotations/b.xml: object[0].occluded must be 0 or 1');
  });

  it('clips boxes reaching outside the image and counts them', () => {
    const r = run({
      'Annotations/a.xml': xml('a.jpg', [
        { name: 'car', box: [0, 1, 10, 10] },
        { name: 'car', box: [600, 400, 700, 480] },
      ]),
    });
    expect(r.report.clipped).toBe(2);
    expect(r.input.images[0].boxes).toEqual([
      { classId: 0, x1: 0, y1: 0, x2: 10, y2: 10 },
      { classId: 0, x1: 599, y1: 399, x2: 640, y2: 480 },
    ]);
  });

  it('drops a box with no area as an error for that box only', () => {
    const r = run({
      'Annotations/a.xml': xml('a.jpg', [
        { name: 'car', box: [20, 1, 10, 10] },
        { name: 'car', box: [1, 1, 2, 2] },
      ]),
    });
    expect(messages(r.report.errors)).toEqual([
      'Annotations/a.xml: object[0].bndbox 19,0 → 10,10 has no area inside the 640×480 image; the box is left out',
    ]);
    expect(r.input.images[0].boxes).toHaveLength(1);
    expect(r.rejected).toEqual([]);
  });
});

describe('importVoc: errors name the file and the field', () => {
  it.each([
    [
      { name: 'car', box: ['a', 1, 2, 2] } as Obj,
      'Annotations/a.xml: object[0].bndbox.xmin must be a number',
    ],
    [{ name: 'car' } as Obj, 'Annotations/a.xml: object[0].bndbox is missing'],
    [{ name: 'car', box: [1, 1, 2, ''] } as Obj, 'Annotations/a.xml: object[0].bndbox.ymax must be a number'],
    [{ name: '  ', box: [1, 1, 2, 2] } as Obj, 'Annotations/a.xml: object[0].name is empty'],
    [
      { name: 'car', box: [1, 1, 2, 2], difficult: 'yes' } as Obj,
      'Annotations/a.xml: object[0].difficult must be 0 or 1',
    ],
    [
      { name: 'car', box: [1, 1, 2, 2], extra: '<name>dog</name>' } as Obj,
      'Annotations/a.xml: object[0].name appears 2 times',
    ],
  ])('refuses %j and keeps the image out', (obj, message) => {
    const r = run({ 'Annotations/a.xml': xml('a.jpg', [obj, { name: 'ok', box: [1, 1, 2, 2] }]) });
    expect(messages(r.report.errors)).toEqual([
      message,
      'Annotations/a.xml: 1 error; a.jpg is left out of the import (the file is not changed)',
    ]);
    expect(r.rejected).toEqual(['a.jpg']);
  });

  it('reports a missing xmin by its path', () => {
    const text = xml('a.jpg', [{ name: 'car', box: [1, 1, 2, 2] }]).replace('<xmin>1</xmin>', '');
    expect(messages(run({ 'Annotations/a.xml': text }).report.errors)[0]).toBe(
      'Annotations/a.xml: object[0].bndbox.xmin is missing',
    );
  });

  it('reports XML that does not parse with its line', () => {
    const text = xml('a.jpg', [{ name: 'car', box: [1, 1, 2, 2] }]).replace('</filename>', '</file>');
    expect(messages(run({ 'Annotations/a.xml': text }).report.errors)).toEqual([
      'Annotations/a.xml:4: not valid XML: a closing tag does not match the element opened on line 4',
      'Annotations/a.xml: a.jpg is left out of the import (the file is not changed)',
    ]);
  });

  it('refuses a DOCTYPE (no entity expansion)', () => {
    const text = '<?xml version="1.0"?>\n<!DOCTYPE lol [<!ENTITY lol "lol">]>\n<annotation/>';
    expect(messages(run({ 'Annotations/a.xml': text }).report.errors)[0]).toBe(
      'Annotations/a.xml:2: not valid XML: a DOCTYPE or other declaration is not supported in a label file',
    );
  });

  it('refuses a file whose root is not <annotation>', () => {
    expect(messages(run({ 'Annotations/a.xml': '<annotations/>' }).report.errors)).toEqual([
      'Annotations/a.xml: the root element is <annotations>, expected <annotation>; a.jpg is left out of the import (the file is not changed)',
    ]);
  });

  it('reports an XML file with no image and two files for one image', () => {
    const r = run({
      'Annotations/zzz.xml': xml('gone.jpg', []),
      'Annotations/a.xml': xml('a.jpg', []),
      'Annotations/other.xml': xml('a.jpg', []),
    });
    expect(messages(r.report.errors)).toEqual([
      'Annotations/other.xml: a.jpg is labelled by Annotations/a.xml already; the image is left out of the import',
      'Annotations/zzz.xml: no image in the image folder for it (looked for zzz.* and "gone.jpg")',
    ]);
    expect(r.rejected).toEqual(['a.jpg']);
  });
});

describe('importVoc: pairing and sizes', () => {
  it('pairs by the XML name, as the writers name files (a.png → a_png.xml), and warns when <filename> disagrees', () => {
    const r = run(
      { 'Annotations/a_png.xml': xml('a.png', []), 'Annotations/a.xml': xml('renamed.jpg', []) },
      {},
      unknownSizes,
      ['a.jpg', 'a.png'],
    );
    expect(r.input.images.map((im) => [im.relPath, im.state])).toEqual([
      ['a.jpg', 'reviewed'],
      ['a.png', 'reviewed'],
    ]);
    expect(messages(r.report.warnings)).toEqual([
      'Annotations/a.xml: <filename> says "renamed.jpg"; paired with a.jpg by the name of the XML file',
    ]);
  });

  it('falls back to <folder>/<filename> and then <filename> (VOC2007: JPEGImages next to Annotations)', () => {
    const r = run({
      'Annotations/000001.xml': xml('c.png', []).replace('<folder>images</folder>', '<folder>sub</folder>'),
      'Annotations/x.xml': xml('b.jpg', []),
    });
    expect(r.input.images.map((im) => [im.relPath, im.state])).toEqual([
      ['a.jpg', 'unlabeled'],
      ['b.jpg', 'reviewed'],
      ['sub/c.png', 'reviewed'],
    ]);
  });

  it('uses the oriented size over <size> and warns when they differ', () => {
    const r = run(
      { 'Annotations/a.xml': xml('a.jpg', [{ name: 'car', box: [1, 1, 480, 640] }]) },
      {},
      () => ({ width: 480, height: 640 }),
    );
    expect(messages(r.report.warnings)).toEqual([
      'Annotations/a.xml: size says 640×480 but a.jpg is 480×640 (EXIF-oriented); its boxes are clipped to 480×640',
    ]);
    expect(r.report.clipped).toBe(0);
  });

  it('needs <size> when the image was not measured', () => {
    const r = run({
      'Annotations/a.xml': xml('a.jpg', [], '<size><width>0</width><height>480</height></size>'),
    });
    expect(messages(r.report.errors)).toEqual([
      'Annotations/a.xml: size.width "0" is not a size and the image was not measured; the image is left out of the import',
    ]);
    const measured = run({ 'Annotations/a.xml': xml('a.jpg', [], '') }, {}, () => ({
      width: 10,
      height: 10,
    }));
    expect(messages(measured.report.warnings)).toEqual([
      "Annotations/a.xml: size is missing; the image's own 10×10 is used",
    ]);
  });

  it('needs the sizes of the paired images only', () => {
    const source = {
      files: [
        { path: 'a.xml', text: xml('a.jpg', []) },
        { path: 'q.xml', text: '<' },
      ],
    };
    expect(stageVoc(source, LISTING).needs).toEqual(['a.jpg']);
  });
});
