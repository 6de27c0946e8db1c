import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { iou, type Box } from '../../src/shared/geometry';
import { writeSceneFolder, type SceneTruth } from '../fixtures/images';

/** Every colour the fixture models know; purple scores below the default box threshold. */
export const PROMPT = 'red . green . blue . orange . yellow . purple .';

/**
 * A dataset with the cases a labeling run meets: nested folders, PNG and JPEG, an EXIF-rotated
 * photo, a portrait image, an image with nothing to find, and a truncated file.
 */
export async function writeDataset(dir: string): Promise<SceneTruth[]> {
  const truth = await writeSceneFolder(dir, [
    {
      relPath: 'a.png',
      spec: {
        width: 640,
        height: 480,
        rects: [
          { colour: 'red', x1: 100, y1: 50, x2: 300, y2: 200 },
          { colour: 'blue', x1: 400, y1: 300, x2: 600, y2: 460 },
        ],
      },
    },
    {
      relPath: 'sub/b.jpg',
      spec: {
        width: 1200,
        height: 800,
        format: 'jpeg',
        rects: [
          { colour: 'green', x1: 50, y1: 400, x2: 500, y2: 750 },
          { colour: 'orange', x1: 700, y1: 100, x2: 1100, y2: 500 },
        ],
      },
    },
    {
      relPath: 'sub/deeper/c.png',
      spec: {
        width: 300,
        height: 500,
        rects: [
          { colour: 'yellow', x1: 20, y1: 30, x2: 200, y2: 220 },
          { colour: 'red', x1: 120, y1: 300, x2: 280, y2: 480 },
        ],
      },
    },
    { relPath: 'd-empty.png', spec: { width: 400, height: 300, rects: [] } },
    {
      relPath: 'e-rotated.jpg',
      spec: {
        width: 480,
        height: 640,
        format: 'jpeg',
        orientation: 6,
        rects: [{ colour: 'blue', x1: 60, y1: 380, x2: 400, y2: 600 }],
      },
    },
    {
      relPath: 'f-faint.png',
      spec: { width: 320, height: 240, rects: [{ colour: 'purple', x1: 40, y1: 40, x2: 200, y2: 200 }] },
    },
  ]);
  const jpeg = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#ff0000' } })
    .jpeg()
    .toBuffer();
  await writeFile(path.join(dir, 'broken.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  return truth;
}

/** Truth rectangles the default thresholds should find (purple is below the box threshold). */
export const expectedRects = (t: SceneTruth) => t.rects.filter((r) => r.colour !== 'purple');

export interface FoundBox extends Box {
  readonly label: string;
}

/** Pairs every expected rectangle with a found box of the same label, returning the IoUs. */
export function matchBoxes(
  expected: readonly (Box & { colour: string })[],
  found: readonly FoundBox[],
): number[] {
  return expected.map((e) => Math.max(0, ...found.filter((f) => f.label === e.colour).map((f) => iou(e, f))));
}
