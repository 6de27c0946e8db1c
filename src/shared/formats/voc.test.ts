import { describe, expect, it } from 'vitest';
import { goldenFiles, textFiles } from './__golden__/goldens';
import { PROJECT, UNSPLIT_PROJECT } from './__golden__/project';
import type { ExportInput } from './types';
import { escapeXml, toVoc, vocBndbox } from './voc';

const box = (x1: number, y1: number, x2: number, y2: number) => ({
  classId: 0,
  x1,
  y1,
  x2,
  y2,
  difficult: false,
  occluded: false,
});

describe('toVoc', () => {
  it('writes the golden Annotations/*.xml and ImageSets/Main/*.txt byte for byte', () => {
    expect(textFiles(toVoc(PROJECT))).toEqual(goldenFiles('voc'));
  });

  it('writes 1-based inclusive pixel indices: (128, 312) → (192, 408) is 129 313 192 408', () => {
    expect(vocBndbox(box(128, 312, 192, 408), 640, 480)).toEqual({
      xmin: 129,
      ymin: 313,
      xmax: 192,
      ymax: 408,
    });
    expect(vocBndbox(box(10.5, 20.25, 111.5, 70.75), 320, 240)).toEqual({
      xmin: 11,
      ymin: 21,
      xmax: 112,
      ymax: 71,
    });
  });

  it('keeps coordinates within [1, W] and [1, H], also for a box on the far edge', () => {
    expect(vocBndbox(box(0, 0, 640, 480), 640, 480)).toEqual({ xmin: 1, ymin: 1, xmax: 640, ymax: 480 });
    expect(vocBndbox(box(999.5, 0, 1000, 0.5), 1000, 500)).toEqual({
      xmin: 1000,
      ymin: 1,
      xmax: 1000,
      ymax: 1,
    });
  });

  it('does not let float noise cross a pixel edge', () => {
    expect(vocBndbox(box(9.9999999999, 0, 300.0000000001, 10), 640, 480)).toMatchObject({
      xmin: 11,
      xmax: 300,
    });
  });

  it('writes difficult as the integer 0 or 1', () => {
    const xml = textFiles(toVoc(PROJECT))['Annotations/nested/deep/B.xml'];
    expect(xml).toContain('<difficult>1</difficult>');
    expect(textFiles(toVoc(PROJECT))['Annotations/a.xml']).toContain('<difficult>0</difficult>');
  });

  it('writes occluded as 1 on the boxes that are, and leaves the tag out elsewhere', () => {
    const input = {
      classes: ['car'],
      images: [
        {
          relPath: 'a.jpg',
          width: 10,
          height: 10,
          state: 'reviewed' as const,
          boxes: [
            { classId: 0, x1: 0, y1: 0, x2: 5, y2: 5, occluded: true },
            { classId: 0, x1: 1, y1: 1, x2: 5, y2: 5 },
          ],
        },
      ],
    };
    const xml = textFiles(toVoc(input))['Annotations/a.xml'];
    expect(xml.match(/<occluded>1<\/occluded>/g)).toHaveLength(1);
    expect(xml).not.toContain('<occluded>0</occluded>');
  });

  it('escapes & < > " and \' in names and file names', () => {
    expect(escapeXml(`a&b<c>d"e'f`)).toBe('a&amp;b&lt;c&gt;d&quot;e&apos;f');
    const input: ExportInput = {
      classes: ['x'],
      images: [{ relPath: `R&D's <1>.jpg`, width: 10, height: 10, state: 'reviewed', boxes: [] }],
    };
    expect(textFiles(toVoc(input))[`Annotations/R&D's <1>.xml`]).toContain(
      '<filename>R&amp;D&apos;s &lt;1&gt;.jpg</filename>',
    );
  });

  it('writes a reviewed negative without objects and never an object without bndbox', () => {
    const files = textFiles(toVoc(PROJECT));
    expect(files['Annotations/nested/neg.xml']).not.toContain('<object>');
    for (const xml of Object.values(files)) {
      expect(xml.split('<object>').length).toBe(xml.split('<bndbox>').length);
    }
  });

  it('leaves unlabeled images out', () => {
    expect(Object.keys(textFiles(toVoc(PROJECT))).some((p) => p.includes('todo'))).toBe(false);
  });

  it('uses the folder option for every file when given', () => {
    const files = textFiles(toVoc(PROJECT, { folder: 'JPEGImages' }));
    const xmls = Object.entries(files).filter(([p]) => p.endsWith('.xml'));
    expect(xmls).toHaveLength(6);
    for (const [, xml] of xmls) expect(xml).toContain('  <folder>JPEGImages</folder>\n');
  });

  it('lists every image in train.txt and trainval.txt, and writes no val.txt, without a split', () => {
    const files = textFiles(toVoc(UNSPLIT_PROJECT));
    const sets = Object.keys(files).filter((p) => p.startsWith('ImageSets/'));
    expect(sets).toEqual(['ImageSets/Main/train.txt', 'ImageSets/Main/trainval.txt']);
    expect(files['ImageSets/Main/train.txt']).toBe(goldenFiles('voc')['ImageSets/Main/trainval.txt']);
    expect(files['ImageSets/Main/trainval.txt']).toBe(files['ImageSets/Main/train.txt']);
  });

  it('names in each image set exactly the annotation files of that split', () => {
    const files = textFiles(toVoc(PROJECT));
    const ids = (set: string) => files[`ImageSets/Main/${set}.txt`].split('\n').filter(Boolean);
    const annotated = Object.keys(files)
      .filter((p) => p.startsWith('Annotations/'))
      .map((p) => p.slice('Annotations/'.length, -'.xml'.length));
    expect([...ids('train'), ...ids('val')].sort()).toEqual([...annotated].sort());
    expect(ids('trainval')).toEqual([...annotated].sort());
    const valNames = ids('val').map(
      (id) => /<filename>(.*)<\/filename>/.exec(files[`Annotations/${id}.xml`])?.[1],
    );
    expect(valNames).toEqual(['a.png', 'B.png']);
  });
});
