import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { GroundLabelError, messageOf } from '../../shared/errors';

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
 * 16-bit) are re-encoded once, oriented.
 */
export async function orientedImageBytes(file: string): Promise<ImageBytes> {
  try {
    const meta = await sharp(file).metadata();
    const type = TYPES[meta.format ?? ''];
    if (type && (meta.orientation ?? 1) === 1 && meta.depth === 'uchar') {
      return { data: await readFile(file), contentType: type };
    }
    const oriented = sharp(file, { autoOrient: true });
    const data =
      meta.hasAlpha || meta.format === 'png'
        ? await oriented.png().toBuffer()
        : await oriented.jpeg({ quality: 92 }).toBuffer();
    return { data, contentType: meta.hasAlpha || meta.format === 'png' ? 'image/png' : 'image/jpeg' };
  } catch (e) {
    throw new GroundLabelError(
      'image-unreadable',
      `${path.basename(file)}: not a readable image (${messageOf(e)})`,
      { cause: e },
    );
  }
}
