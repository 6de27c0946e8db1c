import { stat } from 'node:fs/promises';
import path from 'node:path';
import { GroundLabelError, messageOf } from '../../shared/errors';
import type { ImageSize } from '../../shared/geometry';
import { decoderReason, imageSizeOf, maxPixels, openImage } from './image-file';
import { resizeBilinearRGB } from './resample';

export { DEFAULT_MAX_PIXELS } from './image-file';

export interface ImageLoadOptions {
  /** The largest image to open; the process's limit (maxPixels()) when left out. */
  readonly maxPixels?: number;
}

/** 8-bit sRGB pixels of the EXIF-oriented image, resized for the model. */
export interface ModelPixels {
  readonly rgb: Uint8Array;
  readonly size: ImageSize;
  /** Size of the oriented original: the space every box lives in. */
  readonly original: ImageSize;
}

/** Decoder failures as GroundLabelErrors: one line, naming the file, never its path or content. */
export function imageError(file: string, e: unknown): GroundLabelError {
  if (e instanceof GroundLabelError) return e;
  const name = path.basename(file);
  // Only the file system's own word counts: decoders quote the path, which may contain any word.
  if ((e as NodeJS.ErrnoException).code === 'ENOENT' || /^Input file is missing/.test(messageOf(e))) {
    return new GroundLabelError('image-not-found', `${name}: file not found (${file})`, { cause: e });
  }
  if (/pixel limit/i.test(messageOf(e))) {
    return new GroundLabelError('image-too-large', `${name}: image is larger than the pixel limit`, {
      cause: e,
    });
  }
  return new GroundLabelError(
    'image-unreadable',
    `${name}: not a readable image (${decoderReason(file, e)})`,
    {
      cause: e,
    },
  );
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

/** Oriented size from the header alone; no pixel is decoded. */
export async function readOrientedSize(file: string, options: ImageLoadOptions = {}): Promise<ImageSize> {
  await ensureNonEmpty(file);
  try {
    return await imageSizeOf(file, options.maxPixels ?? maxPixels());
  } catch (e) {
    throw imageError(file, e);
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
  try {
    // One instance reads the header and then decodes: the file is opened once.
    const { image, size: original } = await openImage(file, {
      maxPixels: options.maxPixels ?? maxPixels(),
      sharp: { failOn: 'warning' },
    });
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
    throw imageError(file, e);
  }
}
