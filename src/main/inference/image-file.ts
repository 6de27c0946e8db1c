import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { decode as decodeBmp } from 'bmp-ts';
import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { GroundLabelError, messageOf } from '../../shared/errors';
import type { ImageSize } from '../../shared/geometry';

/**
 * Image files reach sharp through here. sharp's build has no BMP decoder, yet labelImg and
 * X-AnyLabeling datasets hold BMPs: a file whose first bytes say BMP (whatever its name) is decoded
 * with bmp-ts and handed to sharp as raw pixels; every other file goes to sharp by its path.
 */

/** "BM", then the file size and the offset of the pixels: the BMP file header. */
const isBmpHeader = (head: Uint8Array): boolean => head.length >= 26 && head[0] === 0x42 && head[1] === 0x4d;

async function readHead(file: string, bytes: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** A BMP's size from its info header (bottom-up rows have a positive height, top-down a negative one). */
function bmpSize(head: Buffer): ImageSize {
  const infoSize = head.readUInt32LE(14);
  // The old OS/2 header (12 bytes) stores 16-bit sizes; every later one 32-bit.
  if (infoSize === 12) return { width: head.readUInt16LE(18), height: head.readUInt16LE(20) };
  return { width: Math.abs(head.readInt32LE(18)), height: Math.abs(head.readInt32LE(22)) };
}

/** Decompression-bomb guard: larger images are refused before any pixel is decoded. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

let pixelLimit = DEFAULT_MAX_PIXELS;

/** The largest image (in pixels) this process opens; `--max-pixels` and the app's setting change it. */
export const maxPixels = (): number => pixelLimit;

export function setMaxPixels(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`pixel limit ${n} is not a positive whole number`);
  pixelLimit = n;
}

export function pixelLimitError(file: string, size: ImageSize, maxPixels: number): GroundLabelError {
  const mp = (n: number) => `${Number((n / 1e6).toPrecision(3))} MP`;
  return new GroundLabelError(
    'image-too-large',
    `${path.basename(file)}: ${size.width}×${size.height} (${mp(size.width * size.height)}) is more than the ${mp(maxPixels)} pixel limit; raise it under Model, "Largest image" (or with --max-pixels)`,
  );
}

/**
 * Whether `file` starts as a JPEG (FF D8) but lacks its end marker (FF D9) as its last bytes: cut
 * short. Read only after a decode failed.
 */
function jpegCutShort(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(2);
    const tail = Buffer.alloc(2);
    readSync(fd, head, 0, 2, 0);
    if (head[0] !== 0xff || head[1] !== 0xd8) return false;
    if (size < 4) return true;
    readSync(fd, tail, 0, 2, size - 2);
    return tail[0] !== 0xff || tail[1] !== 0xd9;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** What a decoder said, as one line a person can read, without the file's path. */
export function decoderReason(file: string, e: unknown): string {
  const text = messageOf(e).replaceAll(file, path.basename(file));
  // With failOn 'warning', sharp may report only that a warning stopped it, without libvips' words
  // (which of the two arrives varies from run to run): the file itself then says if it was cut short.
  if (
    /premature end|truncated|unexpected end|end of (file|stream|data)|short read|not enough data/i.test(
      text,
    ) ||
    (/treated as error due to failOn/i.test(text) && jpegCutShort(file))
  )
    return 'the file ends early: it was cut short or is still being copied';
  if (/unsupported image format|bad seek|improper image header|not a known file format/i.test(text))
    return 'not an image format GroundLabel reads';
  const first = text.split('\n').find((l) => l.trim()) ?? text;
  // libvips prefixes its loader ("VipsJpeg: …", "vips2png: …"); the rest is the reason.
  return first.replace(/^\s*vips[\w]*:\s*/i, '').trim();
}

export interface OpenedImage {
  /** A pipeline on the decoded pixels, EXIF-oriented where the format has an orientation. */
  readonly image: Sharp;
  /** Oriented size, read before any pixel was decoded. */
  readonly size: ImageSize;
  /** sharp's name for the format; 'bmp' for a BMP decoded here. */
  readonly format: string;
}

/**
 * Opens an image for decoding. Images over `maxPixels` are refused from their header, before a
 * pixel is decoded (a decompression bomb costs nothing).
 */
export async function openImage(
  file: string,
  options: { readonly maxPixels: number; readonly sharp?: SharpOptions },
): Promise<OpenedImage> {
  const head = await readHead(file, 64);
  if (isBmpHeader(head)) {
    const size = bmpSize(head);
    if (size.width * size.height > options.maxPixels) throw pixelLimitError(file, size, options.maxPixels);
    const decoded = decodeBmpFile(file, await readFile(file));
    const rgb = abgrToRgb(decoded.data, decoded.width * decoded.height);
    const image = sharp(rgb, { raw: { width: decoded.width, height: decoded.height, channels: 3 } });
    return { image, size: { width: decoded.width, height: decoded.height }, format: 'bmp' };
  }
  const image = sharp(file, { limitInputPixels: options.maxPixels, autoOrient: true, ...options.sharp });
  const meta = await image.metadata().catch((e: unknown) => overLimit(file, e, options.maxPixels));
  const size = { width: meta.autoOrient.width, height: meta.autoOrient.height };
  if (size.width * size.height > options.maxPixels) throw pixelLimitError(file, size, options.maxPixels);
  return { image, size, format: meta.format ?? '' };
}

/** sharp refuses the header of an image over its limit: read it again, unlimited, to say how large it is. */
async function overLimit(file: string, e: unknown, limit: number): Promise<never> {
  if (!/pixel limit/i.test(messageOf(e))) throw e;
  const { width, height } = (await sharp(file, { limitInputPixels: false }).metadata()).autoOrient;
  throw pixelLimitError(file, { width, height }, limit);
}

/** The oriented size from the header alone. */
export async function imageSizeOf(file: string, maxPixels: number): Promise<ImageSize> {
  const head = await readHead(file, 64);
  const size = isBmpHeader(head)
    ? bmpSize(head)
    : (
        await sharp(file, { limitInputPixels: maxPixels })
          .metadata()
          .catch((e: unknown) => overLimit(file, e, maxPixels))
      ).autoOrient;
  if (size.width * size.height > maxPixels) throw pixelLimitError(file, size, maxPixels);
  return { width: size.width, height: size.height };
}

function decodeBmpFile(file: string, bytes: Buffer): ReturnType<typeof decodeBmp> {
  try {
    return decodeBmp(bytes);
  } catch (e) {
    // Reading past the end of the buffer is how a cut-short BMP shows.
    if (e instanceof RangeError) throw new Error('BMP: premature end of file', { cause: e });
    throw e;
  }
}

/**
 * bmp-ts writes four bytes a pixel as A, B, G, R. Its alpha byte is not the image's (it is 0 for
 * 24-bit and palette images), so BMPs are taken as opaque, as Windows shows them.
 */
function abgrToRgb(abgr: Buffer, pixels: number): Buffer {
  const rgb = Buffer.allocUnsafe(pixels * 3);
  for (let i = 0, j = 0; i < pixels; i++, j += 4) {
    rgb[i * 3] = abgr[j + 3];
    rgb[i * 3 + 1] = abgr[j + 2];
    rgb[i * 3 + 2] = abgr[j + 1];
  }
  return rgb;
}
