import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { GroundLabelError, messageOf } from '../../shared/errors';

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

/** Relative path with forward slashes, the form every label format and store uses. */
export const toRelPath = (root: string, file: string): string =>
  path.relative(root, file).split(path.sep).join('/');

/**
 * Image files under `root`, recursively, as sorted relative paths. Hidden folders (`.groundlabel`,
 * `.git`) and the folders in `exclude` (an export inside the dataset) are skipped.
 */
export async function listImages(root: string, exclude: readonly string[] = []): Promise<string[]> {
  const skip = new Set(exclude.map((p) => path.resolve(p)));
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      throw new GroundLabelError('image-not-found', `Cannot read the folder ${dir}: ${messageOf(e)}`, {
        cause: e,
      });
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skip.has(path.resolve(full))) await walk(full);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && isImagePath(entry.name)) {
        out.push(toRelPath(root, full));
      }
    }
  };
  await walk(root);
  // Code-unit order, so the same folder lists the same way on every platform and locale.
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
