import { readFile } from 'node:fs/promises';
import { imageError } from '../inference/image';
import { maxPixels, openImage } from '../inference/image-file';

export interface ImageBytes {
  readonly data: Buffer;
  readonly contentType: string;
}

const TYPES: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
};

/**
 * The image as the canvas must show it: in its EXIF-oriented form, the space of every stored box.
 * Files a browser shows as they are go out untouched; rotated, mirrored or exotic ones (TIFF, BMP,
 * 16-bit) are re-encoded once, oriented. Images over the pixel limit are refused, as everywhere.
 */
export async function orientedImageBytes(file: string): Promise<ImageBytes> {
  try {
    const { image, format } = await openImage(file, { maxPixels: maxPixels() });
    const meta = format === 'bmp' ? null : await image.metadata();
    const type = TYPES[format];
    if (meta && type && (meta.orientation ?? 1) === 1 && meta.depth === 'uchar') {
      return { data: await readFile(file), contentType: type };
    }
    const lossless = meta?.hasAlpha === true || format === 'png' || format === 'bmp';
    const data = lossless ? await image.png().toBuffer() : await image.jpeg({ quality: 92 }).toBuffer();
    return { data, contentType: lossless ? 'image/png' : 'image/jpeg' };
  } catch (e) {
    throw imageError(file, e);
  }
}
