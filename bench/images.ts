/**
 * Photo-like bench images. Solid rectangles alone would compress to almost nothing and make JPEG
 * decoding unrealistically cheap, so a smooth gradient carries per-pixel noise (high-entropy DCT
 * blocks, a few MB at quality 90, like a phone photo) with a few flat shapes on top.
 */
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';

function photoLike(width: number, height: number, seed: number): Buffer {
  const raw = Buffer.alloc(width * height * 3);
  let s = seed >>> 0 || 1;
  // xorshift32: deterministic and fast enough for 36 M samples.
  const rand = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 3) {
      const u = x / width;
      const v = y / height;
      const n = (rand() - 0.5) * 36;
      raw[i] = Math.max(0, Math.min(255, 60 + 150 * u + n));
      raw[i + 1] = Math.max(0, Math.min(255, 40 + 170 * v + n));
      raw[i + 2] = Math.max(0, Math.min(255, 200 - 120 * u * v + (rand() - 0.5) * 36));
    }
  }
  const rects: [number, number, number, number, [number, number, number]][] = [
    [0.1, 0.15, 0.35, 0.55, [220, 30, 30]],
    [0.45, 0.2, 0.7, 0.45, [30, 200, 60]],
    [0.3, 0.6, 0.9, 0.9, [40, 60, 210]],
    [0.75, 0.05, 0.95, 0.3, [250, 200, 20]],
  ];
  for (const [x1, y1, x2, y2, rgb] of rects) {
    for (let y = Math.floor(y1 * height); y < Math.floor(y2 * height); y++) {
      for (let x = Math.floor(x1 * width); x < Math.floor(x2 * width); x++) raw.set(rgb, (y * width + x) * 3);
    }
  }
  return raw;
}

export async function writeBenchImages(jpegFile: string, pngFile: string): Promise<void> {
  const big = sharp(photoLike(4000, 3000, 12345), { raw: { width: 4000, height: 3000, channels: 3 } });
  await writeFile(jpegFile, await big.jpeg({ quality: 90 }).toBuffer());
  const small = sharp(photoLike(640, 480, 678), { raw: { width: 640, height: 480, channels: 3 } });
  await writeFile(pngFile, await small.png().toBuffer());
}

/** One photo-like JPEG (quality 90) of `width`×`height`; each seed draws other noise. */
export async function writePhotoJpeg(
  file: string,
  width: number,
  height: number,
  seed: number,
): Promise<void> {
  const raw = sharp(photoLike(width, height, seed), { raw: { width, height, channels: 3 } });
  await writeFile(file, await raw.jpeg({ quality: 90 }).toBuffer());
}
