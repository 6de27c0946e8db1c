import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bmp24 } from '../../../test/fixtures/bmp';
import type { ImageSize } from '../../shared/geometry';
import { orientedImageBytes } from '../dataset/image-source';
import { ThumbnailService } from '../dataset/thumbnails';
import { caught, tempDirs } from './__test__/helpers';
import { loadModelPixels, readOrientedSize } from './image';
import { DEFAULT_MAX_PIXELS, decoderReason, setMaxPixels } from './image-file';

const newDir = tempDirs('image-file');
let dir: string;
beforeAll(async () => {
  dir = await newDir();
});
afterEach(() => setMaxPixels(DEFAULT_MAX_PIXELS));

const same = (s: ImageSize) => s;

// 7×5 (rows of 21 bytes, padded to 24): red on the left three columns, blue below the top row.
const W = 7;
const H = 5;
const rgb = (() => {
  const px = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      px.set(x < 3 ? [255, 0, 0] : y > 0 ? [0, 0, 255] : [0, 255, 0], (y * W + x) * 3);
  return px;
})();

describe('BMP images', () => {
  it.each([
    ['bottom-up.bmp', false],
    ['top-down.bmp', true],
  ])(
    'decodes %s to the same pixels for the model, and reads its size from the header',
    async (name, topDown) => {
      const file = path.join(dir, name);
      await writeFile(file, bmp24(rgb, W, H, topDown));
      expect(await readOrientedSize(file)).toEqual({ width: W, height: H });
      const pixels = await loadModelPixels(file, same);
      expect(pixels.original).toEqual({ width: W, height: H });
      expect([...pixels.rgb]).toEqual([...rgb]);
    },
  );

  it('knows a BMP by its first bytes, whatever the file is called', async () => {
    const file = path.join(dir, 'really-a-bitmap.jpg');
    await writeFile(file, bmp24(rgb, W, H));
    expect([...(await loadModelPixels(file, same)).rgb]).toEqual([...rgb]);
  });

  it('shows a BMP on the canvas as a PNG of the same pixels, and makes its thumbnail', async () => {
    const file = path.join(dir, 'shown.bmp');
    await writeFile(file, bmp24(rgb, W, H));
    const shown = await orientedImageBytes(file);
    expect(shown.contentType).toBe('image/png');
    const { data, info } = await sharp(shown.data).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([W, H, 3]);
    expect([...data]).toEqual([...rgb]);

    const thumbs = new ThumbnailService({ cacheDir: path.join(dir, 'thumbs'), resolve: async () => file });
    const thumb = await thumbs.get('b');
    expect([thumb.width, thumb.height]).toEqual([W, H]);
    expect((await sharp(thumb.data).metadata()).format).toBe('webp');
  });

  it('says a BMP cut short is not a readable image, in one line naming it', async () => {
    const file = path.join(dir, 'cut.bmp');
    const whole = bmp24(rgb, W, H);
    await writeFile(file, whole.subarray(0, whole.length - 40));
    const e = await caught(() => loadModelPixels(file, same), 'image-unreadable');
    expect(e.message).toBe(
      'cut.bmp: not a readable image (the file ends early: it was cut short or is still being copied)',
    );
  });

  it('refuses a BMP over the pixel limit from its header, before decoding it', async () => {
    const file = path.join(dir, 'wide.bmp');
    // The header says 20000×10000; the pixels are not there at all.
    const header = bmp24(new Uint8Array(0), 0, 0);
    header.writeInt32LE(20_000, 18);
    header.writeInt32LE(10_000, 22);
    await writeFile(file, header);
    const e = await caught(() => loadModelPixels(file, same), 'image-too-large');
    expect(e.message).toBe(
      'wide.bmp: 20000×10000 (200 MP) is more than the 100 MP pixel limit; raise it under Model, "Largest image" (or with --max-pixels)',
    );
  });
});

describe('decoder messages', () => {
  it('says a truncated JPEG ends early in one line, without libvips’ words or the path', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#f80' } })
      .jpeg()
      .toBuffer();
    const file = path.join(dir, 'half.jpg');
    await writeFile(file, jpeg.subarray(0, jpeg.length / 2));
    for (const read of [
      () => loadModelPixels(file, same),
      () => new ThumbnailService({ cacheDir: path.join(dir, 't2'), resolve: async () => file }).get('h'),
    ]) {
      const e = await caught(read, 'image-unreadable');
      expect(e.message).toBe(
        'half.jpg: not a readable image (the file ends early: it was cut short or is still being copied)',
      );
    }
  });

  it('says a JPEG ends early from its missing end marker when sharp names only its failOn warning', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#08f' } })
      .jpeg()
      .toBuffer();
    const cut = path.join(dir, 'cut-warned.jpg');
    const whole = path.join(dir, 'whole-warned.jpg');
    await writeFile(cut, jpeg.subarray(0, jpeg.length - 10));
    await writeFile(whole, jpeg);
    const warned = new Error('Warning treated as error due to failOn setting');
    expect(decoderReason(cut, warned)).toBe('the file ends early: it was cut short or is still being copied');
    expect(decoderReason(whole, warned)).toBe('Warning treated as error due to failOn setting');
  });

  it('gives the size and the limit for an image over it, and opens it once the limit is raised', async () => {
    const file = path.join(dir, 'big.png');
    await sharp({ create: { width: 400, height: 300, channels: 3, background: '#000' } })
      .png()
      .toFile(file);
    setMaxPixels(100_000);
    const e = await caught(() => loadModelPixels(file, same), 'image-too-large');
    expect(e.message).toBe(
      'big.png: 400×300 (0.12 MP) is more than the 0.1 MP pixel limit; raise it under Model, "Largest image" (or with --max-pixels)',
    );
    await caught(() => readOrientedSize(file), 'image-too-large');
    await caught(() => orientedImageBytes(file), 'image-too-large');
    setMaxPixels(120_000);
    expect(await readOrientedSize(file)).toEqual({ width: 400, height: 300 });
    expect((await orientedImageBytes(file)).contentType).toBe('image/png');
  });
});
