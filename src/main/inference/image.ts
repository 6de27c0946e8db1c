import { stat } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type SharpOptions } from 'sharp';
import { GroundLabelError, messageOf } from '../../shared/errors';
import type { ImageSize } from '../../shared/geometry';
import { resizeBilinearRGB } from './resample';

/** Decompression-bomb guard: larger images are refused before any pixel is decoded. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

export interface ImageLoadOptions {
  readonly maxPixels?: number;
}

/** 8-bit sRGB pixels of the EXIF-oriented image, resized for the model. */
export interface ModelPixels {
  readonly rgb: Uint8Array;
  readonly size: ImageSize;
  /** Size of the oriented original: the space every box lives in. */
  readonly original: ImageSize;
}

const sharpOptions = (maxPixels: number): SharpOptions => ({
  failOn: 'warning',
  limitInputPixels: maxPixels,
  autoOrient: true,
});

function imageError(file: string, e: unknown): GroundLabelError {
  const reason = messageOf(e);
  const name = path.basename(file);
  if (/pixel limit/i.test(reason)) {
    return new GroundLabelError(
      'image-too-large',
      `${name}: image is larger than the pixel limit (${reason})`,
      { cause: e },
    );
  }
  // Only the file system's own word counts: decoders quote the path, which may contain any word.
  if ((e as NodeJS.ErrnoException).code === 'ENOENT' || /^Input file is missing/.test(reason)) {
    return new GroundLabelError('image-not-found', `${name}: file not found (${file})`, { cause: e });
  }
  return new GroundLabelError('image-unreadable', `${name}: not a readable image (${reason})`, { cause: e });
}

async function ensureNonEmpty(file: string): Promise<void> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (e) {
    throw imageError(file, e);
  }
  if (size === 0)
    throw new GroundLabelError('image-unreadable', `${path.basename(file)}: file is empty (0 bytes)`);
}

function checkPixels(file: string, width: number, height: number, maxPixels: number): void {
  if (width * height > maxPixels) {
    throw new GroundLabelError(
      'image-too-large',
      `${path.basename(file)}: ${width}×${height} is more than the ${maxPixels / 1e6} MP pixel limit`,
    );
  }
}

/** Oriented size from the header alone; no pixel is decoded. */
export async function readOrientedSize(file: string, options: ImageLoadOptions = {}): Promise<ImageSize> {
  await ensureNonEmpty(file);
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  try {
    const { width, height } = (await sharp(file, sharpOptions(maxPixels)).metadata()).autoOrient;
    checkPixels(file, width, height, maxPixels);
    return { width, height };
  } catch (e) {
    throw e instanceof GroundLabelError ? e : imageError(file, e);
  }
}

/**
 * Decodes `file`, applies its EXIF orientation, brings any colour model (grey, 16-bit, CMYK, alpha)
 * to 3-channel 8-bit sRGB and resizes to what `sizeFor` asks for. Transparent pixels are flattened
 * onto white. libvips decodes at full size and the resize is Pillow's bilinear (resample.ts), the
 * filter transformers and the original repository use: libvips' own resize samples half a pixel off
 * when enlarging (up to 59 levels), rounds its shrinking weights coarser (up to 2 levels, 9 on the
 * edges) and shrinks JPEGs while decoding (up to 16).
 */
export async function loadModelPixels(
  file: string,
  sizeFor: (original: ImageSize) => ImageSize,
  options: ImageLoadOptions = {},
): Promise<ModelPixels> {
  await ensureNonEmpty(file);
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  try {
    // One instance reads the header and then decodes: the file is opened once.
    const image = sharp(file, sharpOptions(maxPixels));
    const original = (await image.metadata()).autoOrient;
    checkPixels(file, original.width, original.height, maxPixels);
    const size = sizeFor(original);
    const { data, info } = await image
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels instead of 3`);
    const decoded = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const same = size.width === info.width && size.height === info.height;
    return {
      rgb: same ? decoded : resizeBilinearRGB(decoded, { width: info.width, height: info.height }, size),
      size,
      original: { width: original.width, height: original.height },
    };
  } catch (e) {
    throw e instanceof GroundLabelError ? e : imageError(file, e);
  }
}
