import type { Dirent } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { GroundLabelError, messageOf } from '../../shared/errors';
import { isInside } from '../fs/paths';

/** Extensions GroundLabel opens as images (what sharp decodes without extra codecs). */
export const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.bmp',
  '.tif',
  '.tiff',
  '.gif',
  '.avif',
  '.heic',
]);

export const isImagePath = (p: string): boolean => IMAGE_EXTENSIONS.has(path.extname(p).toLowerCase());

/** The folder at the top of a dataset where the app writes its exports. */
export const EXPORTS_DIR = 'exports';

/**
 * A file every export carries at its top. A folder holding it is an export (with links to, or
 * copies of, the images it labels) and is never listed as images, wherever it lies.
 */
export const EXPORT_MARKER = '.groundlabel-export';

/** Relative path with forward slashes, the form every label format and store uses. */
export const toRelPath = (root: string, file: string): string =>
  path.relative(root, file).split(path.sep).join('/');

export interface ListOptions {
  /**
   * List links to image files outside `root` too: reading a YOLO export in place, whose images/ are
   * links to the originals. Off for datasets and labeling runs, which stay inside their folder.
   */
  readonly followLinksOut?: boolean;
}

/**
 * Image files under `root`, recursively, as sorted relative paths. Left out: hidden entries
 * (`.groundlabel`, `.git`), the `exports/` folder at the top, any folder holding an export's marker,
 * the folders in `exclude` (an export folder chosen with --out), links to folders (a cycle or a second way to the same images), and links
 * to files that resolve outside `root` unless `followLinksOut` is set. A link to an image inside
 * `root` is listed under its own name.
 */
export async function listImages(
  root: string,
  exclude: readonly string[] = [],
  options: ListOptions = {},
): Promise<string[]> {
  const skip = new Set([path.join(root, EXPORTS_DIR), ...exclude].map((p) => path.resolve(p)));
  const realRoot = await realpath(root).catch(() => path.resolve(root));
  const linkInside = async (full: string): Promise<boolean> => {
    const target = await realpath(full).catch(() => null);
    return target !== null && (options.followLinksOut === true || isInside(realRoot, target));
  };
  const out: string[] = [];
  const walk = async (dir: string, entries: readonly Dirent[]): Promise<void> => {
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (skip.has(path.resolve(full))) continue;
        const inner = await read(full);
        if (!inner.some((e) => e.name === EXPORT_MARKER)) await walk(full, inner);
      } else if (isImagePath(entry.name)) {
        if (entry.isFile() || (entry.isSymbolicLink() && (await linkInside(full))))
          out.push(toRelPath(root, full));
      }
    }
  };
  await walk(root, await read(root));
  // Code-unit order, so the same folder lists the same way on every platform and locale.
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function read(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new GroundLabelError('image-not-found', `Cannot read the folder ${dir}: ${messageOf(e)}`, {
      cause: e,
    });
  }
}
