import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageSize } from '../../shared/geometry';
import { caught, tempDirs } from './__test__/helpers';
import { DEFAULT_MAX_PIXELS, loadModelPixels, readOrientedSize } from './image';

const newDir = tempDirs('image');
let dir: string;
beforeAll(async () => {
  dir = await newDir();
});

const same = (s: ImageSize) => s;
type RGB = readonly [number, number, number];
const RED: RGB = [255, 0, 0];
const BLUE: RGB = [0, 0, 255];
const WHITE: RGB = [255, 255, 255];

/** Interleaved pixels of a w×h image filled with `fill`. */
function solid(w: number, h: number, fill: readonly number[]): Buffer {
  const buf = Buffer.alloc(w * h * fill.length);
  for (let i = 0; i < w * h; i++) buf.set(fill, i * fill.length);
  return buf;
}

function pixelAt(rgb: Uint8Array, width: number, x: number, y: number): RGB {
  const i = (y * width + x) * 3;
  return [rgb[i], rgb[i + 1], rgb[i + 2]];
}

function expectColour(actual: RGB, expected: RGB, tolerance: number) {
  actual.forEach((v, c) =>
    expect(Math.abs(v - expected[c]), `channel ${c} of [${actual}] vs [${expected}]`).toBeLessThanOrEqual(
      tolerance,
    ),
  );
}

// A 30×20 stored raster: white, with a red block at the top-left and a blue one at the top-right.
const W = 30;
const H = 20;
const stored = (() => {
  const buf = solid(W, H, WHITE);
  for (let y = 0; y < 6; y++) {
    for (let x = 0; x < 8; x++) {
      buf.set(RED, (y * W + x) * 3);
      buf.set(BLUE, (y * W + W - 1 - x) * 3);
    }
  }
  return buf;
})();

/** Where stored pixel (x, y) is shown under EXIF orientation `o` (TIFF/EXIF 2.3 tag 0x0112). */
function shownAt(o: number, x: number, y: number): [number, number] {
  switch (o) {
    case 1:
      return [x, y];
    case 2:
      return [W - 1 - x, y];
    case 3:
      return [W - 1 - x, H - 1 - y];
    case 4:
      return [x, H - 1 - y];
    case 5:
      return [y, x];
    case 6:
      return [H - 1 - y, x];
    case 7:
      return [H - 1 - y, W - 1 - x];
    case 8:
      return [y, W - 1 - x];
    default:
      throw new Error(`orientation ${o}`);
  }
}

async function writeOriented(format: 'png' | 'jpeg', orientation: number): Promise<string> {
  const file = path.join(dir, `oriented-${orientation}.${format === 'png' ? 'png' : 'jpg'}`);
  const img = sharp(stored, { raw: { width: W, height: H, channels: 3 } }).withMetadata({ orientation });
  await (format === 'png' ? img.png() : img.jpeg({ quality: 100, chromaSubsampling: '4:4:4' })).toFile(file);
  return file;
}

describe.each([
  ['png', 0],
  ['jpeg', 12],
] as const)('EXIF orientation in a %s', (format, tolerance) => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'applies orientation %d to the size and the pixels',
    async (orientation) => {
      const file = await writeOriented(format, orientation);
      expect((await sharp(file).metadata()).orientation).toBe(orientation);

      const swapped = orientation >= 5;
      const oriented = swapped ? { width: H, height: W } : { width: W, height: H };
      expect(await readOrientedSize(file)).toEqual(oriented);

      let asked: ImageSize | undefined;
      const px = await loadModelPixels(file, (o) => (asked = o));
      expect(asked).toEqual(oriented);
      expect(px.original).toEqual(oriented);
      expect(px.size).toEqual(oriented);
      expect(px.rgb).toHaveLength(oriented.width * oriented.height * 3);

      const at = (x: number, y: number) => pixelAt(px.rgb, oriented.width, ...shownAt(orientation, x, y));
      expectColour(at(2, 2), RED, tolerance + 10);
      expectColour(at(W - 3, 2), BLUE, tolerance + 10);
      expectColour(at(15, 15), WHITE, tolerance);
      expectColour(at(2, H - 3), WHITE, tolerance);
    },
  );
});

describe('loadModelPixels', () => {
  it('resizes the oriented image to the size asked for, keeping the oriented original size', async () => {
    const file = await writeOriented('png', 6);
    const px = await loadModelPixels(file, () => ({ width: 10, height: 15 }));
    expect(px.original).toEqual({ width: 20, height: 30 });
    expect(px.size).toEqual({ width: 10, height: 15 });
    expect(px.rgb).toHaveLength(10 * 15 * 3);
    expectColour(pixelAt(px.rgb, 10, 9, 0), RED, 40); // stored top-left → shown top-right
  });

  it('stretches the image when asked for another aspect ratio', async () => {
    const file = path.join(dir, 'stretch.png');
    await sharp(stored, { raw: { width: W, height: H, channels: 3 } })
      .png()
      .toFile(file);
    const px = await loadModelPixels(file, () => ({ width: 60, height: 80 }));
    expect(px.rgb).toHaveLength(60 * 80 * 3);
    expectColour(pixelAt(px.rgb, 60, 4, 4), RED, 10);
    expectColour(pixelAt(px.rgb, 60, 55, 4), BLUE, 10);
  });

  it("enlarges with Pillow's bilinear filter, as transformers and the original repository do", async () => {
    // Pillow samples at (x + 0.5)·in/out − 0.5: [0, 255] → [0, 64, 191, 255]; libvips' own enlargement samples half a pixel off.
    const file = path.join(dir, 'two-pixels.png');
    await sharp(Buffer.from([0, 0, 0, 255, 255, 255]), { raw: { width: 2, height: 1, channels: 3 } })
      .png()
      .toFile(file);
    const px = await loadModelPixels(file, () => ({ width: 4, height: 1 }));
    expect([0, 1, 2, 3].map((x) => pixelAt(px.rgb, 4, x, 0)[0])).toEqual([0, 64, 191, 255]);
  });

  it("shrinks with Pillow's antialiased bilinear filter, without libvips' shrink-on-load", async () => {
    // A 4:1 shrink of stripes 2 px wide: Pillow's triangle filter spans 8 source pixels per output pixel.
    const stripes = Buffer.alloc(16 * 4 * 3);
    for (let i = 0; i < 16 * 4; i++) stripes.fill((i % 16) % 4 < 2 ? 0 : 255, i * 3, i * 3 + 3);
    const file = path.join(dir, 'stripes.png');
    await sharp(stripes, { raw: { width: 16, height: 4, channels: 3 } })
      .png()
      .toFile(file);
    const px = await loadModelPixels(file, () => ({ width: 4, height: 1 }));
    expect([0, 1, 2, 3].map((x) => pixelAt(px.rgb, 4, x, 0)[0])).toEqual([109, 128, 128, 146]);
  });

  it('brings an 8-bit grey PNG to three equal sRGB channels', async () => {
    const file = path.join(dir, 'grey.png');
    await sharp(solid(8, 6, [100]), { raw: { width: 8, height: 6, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toFile(file);
    expect((await sharp(file).metadata()).channels).toBe(1);
    const px = await loadModelPixels(file, same);
    expect(px.rgb).toHaveLength(8 * 6 * 3);
    expectColour(pixelAt(px.rgb, 8, 3, 3), [100, 100, 100], 1);
  });

  it('brings a 16-bit RGB PNG to 8-bit sRGB of the same colour', async () => {
    const file = path.join(dir, 'rgb16.png');
    await sharp(solid(8, 6, [200, 50, 25]), { raw: { width: 8, height: 6, channels: 3 } })
      .toColourspace('rgb16')
      .png()
      .toFile(file);
    const meta = await sharp(file).metadata();
    expect([meta.depth, meta.space]).toEqual(['ushort', 'rgb16']);
    const px = await loadModelPixels(file, same);
    expect(px.rgb).toHaveLength(8 * 6 * 3);
    for (let y = 0; y < 6; y++)
      for (let x = 0; x < 8; x++) expectColour(pixelAt(px.rgb, 8, x, y), [200, 50, 25], 1);
  });

  it('brings a 16-bit grey PNG to 8-bit sRGB of the same grey', async () => {
    const file = path.join(dir, 'grey16.png');
    await sharp(solid(8, 6, [100]), { raw: { width: 8, height: 6, channels: 1 } })
      .toColourspace('grey16')
      .png()
      .toFile(file);
    expect((await sharp(file).metadata()).depth).toBe('ushort');
    const px = await loadModelPixels(file, same);
    expect(px.rgb).toHaveLength(8 * 6 * 3);
    expectColour(pixelAt(px.rgb, 8, 7, 5), [100, 100, 100], 1);
  });

  it('brings a CMYK JPEG to sRGB of about the same colour', async () => {
    const file = path.join(dir, 'cmyk.jpg');
    await sharp(solid(16, 16, [200, 60, 30]), { raw: { width: 16, height: 16, channels: 3 } })
      .toColourspace('cmyk')
      .jpeg({ quality: 100 })
      .toFile(file);
    const meta = await sharp(file).metadata();
    expect([meta.space, meta.channels]).toEqual(['cmyk', 4]);
    const px = await loadModelPixels(file, same);
    expect(px.rgb).toHaveLength(16 * 16 * 3);
    expectColour(pixelAt(px.rgb, 16, 8, 8), [200, 60, 30], 30);
  });

  it('flattens an RGBA PNG onto white: transparent pixels become white, opaque ones keep their colour', async () => {
    const file = path.join(dir, 'rgba.png');
    const raw = Buffer.alloc(8 * 6 * 4);
    for (let y = 0; y < 6; y++) {
      for (let x = 0; x < 8; x++) raw.set(x < 4 ? [0, 0, 0, 0] : [0, 128, 0, 255], (y * 8 + x) * 4); // left transparent black, right opaque green
    }
    await sharp(raw, { raw: { width: 8, height: 6, channels: 4 } })
      .png()
      .toFile(file);
    expect((await sharp(file).metadata()).channels).toBe(4);
    const px = await loadModelPixels(file, same);
    expect(px.rgb).toHaveLength(8 * 6 * 3);
    expectColour(pixelAt(px.rgb, 8, 1, 3), WHITE, 0);
    expectColour(pixelAt(px.rgb, 8, 6, 3), [0, 128, 0], 0);
  });

  it('flattens a grey PNG with alpha onto white as well', async () => {
    const file = path.join(dir, 'grey-alpha.png');
    await sharp(solid(4, 4, [0, 0]), { raw: { width: 4, height: 4, channels: 2 } })
      .toColourspace('b-w')
      .png()
      .toFile(file);
    expect((await sharp(file).metadata()).channels).toBe(2);
    const px = await loadModelPixels(file, same);
    expect(px.rgb).toHaveLength(4 * 4 * 3);
    expectColour(pixelAt(px.rgb, 4, 2, 2), WHITE, 0);
  });
});

describe('unreadable images', () => {
  let noisyJpeg: Buffer;
  beforeAll(async () => {
    const noise = Buffer.alloc(64 * 64 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    noisyJpeg = await sharp(noise, { raw: { width: 64, height: 64, channels: 3 } })
      .jpeg({ quality: 90 })
      .toBuffer();
  });

  it('reports a zero-byte file as image-unreadable, naming it', async () => {
    const file = path.join(dir, 'empty.jpg');
    await writeFile(file, '');
    expect((await caught(() => readOrientedSize(file), 'image-unreadable')).message).toContain('empty.jpg');
    expect((await caught(() => loadModelPixels(file, same), 'image-unreadable')).message).toContain(
      'empty.jpg',
    );
  });

  it('reports a truncated JPEG as image-unreadable, naming it', async () => {
    const file = path.join(dir, 'truncated.jpg');
    await writeFile(file, noisyJpeg.subarray(0, Math.floor(noisyJpeg.length / 2)));
    const e = await caught(() => loadModelPixels(file, same), 'image-unreadable');
    expect(e.message).toContain('truncated.jpg');
  });

  it('reports a truncated PNG as image-unreadable, naming it', async () => {
    const file = path.join(dir, 'truncated.png');
    const png = await sharp(noisyJpeg).png().toBuffer();
    await writeFile(file, png.subarray(0, Math.floor(png.length / 2)));
    const e = await caught(() => loadModelPixels(file, same), 'image-unreadable');
    expect(e.message).toContain('truncated.png');
  });

  it('reports a text file named .jpg as image-unreadable, naming it', async () => {
    const file = path.join(dir, 'notes.jpg');
    await writeFile(file, 'these are not the pixels you are looking for\n');
    expect((await caught(() => readOrientedSize(file), 'image-unreadable')).message).toContain('notes.jpg');
    expect((await caught(() => loadModelPixels(file, same), 'image-unreadable')).message).toContain(
      'notes.jpg',
    );
  });

  it('reports a truncated image as image-unreadable even when its folder is called "missing…"', async () => {
    // libvips' AVIF loader puts the full path in its error message.
    const folder = path.join(dir, 'missing-photos');
    await mkdir(folder);
    const file = path.join(folder, 'cut.avif');
    const avif = await sharp(noisyJpeg).avif().toBuffer();
    await writeFile(file, avif.subarray(0, Math.floor(avif.length / 2)));
    const e = await caught(() => loadModelPixels(file, same), 'image-unreadable');
    expect(e.message).toContain('cut.avif');
  });

  it('reports a missing file as image-not-found, naming it', async () => {
    const file = path.join(dir, 'gone.jpg');
    expect((await caught(() => readOrientedSize(file), 'image-not-found')).message).toContain('gone.jpg');
    expect((await caught(() => loadModelPixels(file, same), 'image-not-found')).message).toContain(
      'gone.jpg',
    );
  });
});

/** A PNG whose header declares width×height, followed by a few bytes of image data: enough for a header read. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const someRows = deflateSync(Buffer.alloc(4 * (1 + width * 3)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', someRows),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('the pixel limit', () => {
  it('refuses an image over maxPixels with image-too-large, naming it', async () => {
    const file = path.join(dir, 'limit.png');
    await sharp(stored, { raw: { width: W, height: H, channels: 3 } })
      .png()
      .toFile(file);
    expect(
      (await caught(() => readOrientedSize(file, { maxPixels: 599 }), 'image-too-large')).message,
    ).toContain('limit.png');
    expect(
      (await caught(() => loadModelPixels(file, same, { maxPixels: 599 }), 'image-too-large')).message,
    ).toContain('limit.png');
  });

  it('accepts an image of exactly maxPixels', async () => {
    const file = path.join(dir, 'exact.png');
    await sharp(stored, { raw: { width: W, height: H, channels: 3 } })
      .png()
      .toFile(file);
    expect(await readOrientedSize(file, { maxPixels: 600 })).toEqual({ width: W, height: H });
    expect((await loadModelPixels(file, same, { maxPixels: 600 })).rgb).toHaveLength(600 * 3);
  });

  it('refuses an image over the limit before decoding its pixels (a truncated one says too large, not unreadable)', async () => {
    const file = path.join(dir, 'too-large-and-truncated.png');
    await writeFile(file, pngHeaderOnly(64, 64));
    await caught(() => loadModelPixels(file, same), 'image-unreadable');
    await caught(() => loadModelPixels(file, same, { maxPixels: 64 * 64 - 1 }), 'image-too-large');
  });

  it('refuses a 12000×12000 PNG header under the default 100 MP limit with image-too-large', async () => {
    expect(DEFAULT_MAX_PIXELS).toBe(100_000_000);
    const file = path.join(dir, 'huge.png');
    await writeFile(file, pngHeaderOnly(12_000, 12_000));
    expect((await sharp(file).metadata()).width).toBe(12_000);
    const e = await caught(() => loadModelPixels(file, same), 'image-too-large');
    expect(e.message).toContain('huge.png');
    await caught(() => readOrientedSize(file), 'image-too-large');
  });

  it('reads the oriented size of a large image from its header alone', async () => {
    const file = path.join(dir, 'big-header.png');
    await writeFile(file, pngHeaderOnly(9000, 7000));
    expect(await readOrientedSize(file)).toEqual({ width: 9000, height: 7000 });
    expect((await readFile(file)).length).toBeLessThan(10_000);
  });
});
