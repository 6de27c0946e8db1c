/**
 * The images and prompts compared. An image's file name says how it is made (make_images.py) and
 * its case id says which resize it exercises under transformers' rule (short side 800, long ≤ 1333).
 */

export interface ImageCase {
  readonly id: string;
  /** make_images.py name: <kind>_<W>x<H>.<ext>, W×H as shown. */
  readonly file: string;
  readonly what: string;
}

export const IMAGE_CASES: readonly ImageCase[] = [
  { id: 'upscaled', file: 'photo_640x480.png', what: '640×480 → 1066×800' },
  { id: 'downscaled', file: 'photo_1600x1200.jpg', what: '1600×1200 JPEG → 1066×800' },
  { id: 'portrait', file: 'photo_900x1400.png', what: '900×1400 → 800×1244' },
  { id: 'long-side-cap', file: 'photo_2000x1000.png', what: '2000×1000 → 1333×666' },
  { id: 'model-size', file: 'photo_1066x800.png', what: '1066×800, no resize' },
  { id: 'exif-rotated', file: 'exif6_640x480.jpg', what: 'stored 480×640, EXIF 6 → 640×480 → upscaled' },
  { id: 'grey', file: 'grey_600x450.png', what: '8-bit grey 600×450 → upscaled' },
  { id: 'rgba', file: 'rgba_700x500.png', what: 'RGBA 700×500 (transparent band) → upscaled' },
  { id: 'small-photo', file: 'photo_451x300.jpg', what: '451×300 JPEG → 1202×800' },
  {
    id: 'large-jpeg',
    file: 'photo_4000x3000.jpg',
    what: '4000×3000 JPEG → 1066×800 (libvips shrinks it while decoding)',
  },
  {
    id: 'noise',
    file: 'noise_1200x900.png',
    what: 'uniform noise 1200×900 → 1066×800 (hardest for a filter)',
  },
];

export interface PromptCase {
  readonly id: string;
  readonly text: string;
  readonly what: string;
}

const COLOURS = ['red', 'green', 'blue', 'yellow', 'black', 'white', 'orange', 'purple', 'brown'];
const THINGS = [
  'car',
  'traffic light',
  'fire hydrant',
  'dog',
  'person',
  'bicycle',
  'remote control',
  'cup',
  'tennis racket',
  'stop sign',
  'potted plant',
];

/** 99 two- to four-token phrases: about 380 tokens, so GroundLabel runs them in two passes. */
const LONG_PROMPT = COLOURS.flatMap((c) => THINGS.map((t) => `${c} ${t} .`)).join(' ');

export const PROMPT_CASES: readonly PromptCase[] = [
  { id: 'one-phrase', text: 'dog .', what: 'one phrase' },
  { id: 'several', text: 'cat . person . dog . car .', what: 'several one-word phrases' },
  {
    id: 'multi-word',
    text: 'traffic light . fire hydrant . remote control . person .',
    what: 'multi-word phrases',
  },
  { id: 'long', text: LONG_PROMPT, what: 'over 256 tokens (GroundLabel: two passes)' },
];

export const imageCase = (id: string): ImageCase => {
  const found = IMAGE_CASES.find((c) => c.id === id);
  if (!found)
    throw new Error(`no image case "${id}"; the cases are ${IMAGE_CASES.map((c) => c.id).join(', ')}`);
  return found;
};

export const promptCase = (id: string): PromptCase => {
  const found = PROMPT_CASES.find((c) => c.id === id);
  if (!found)
    throw new Error(`no prompt case "${id}"; the cases are ${PROMPT_CASES.map((c) => c.id).join(', ')}`);
  return found;
};
