import { access, constants, stat } from 'node:fs/promises';
import path from 'node:path';
import { GroundLabelError } from '../../shared/errors';
import { EXPORT_MARKER, listImages } from '../dataset/scan';
import { checkOutDir } from './write-export';
import { count } from '../../shared/plural';

const bad = (message: string) => new GroundLabelError('bad-argument', message);

/** The path itself when it exists, else its nearest existing parent, with what it is. */
async function nearestExisting(p: string): Promise<{ path: string; isDirectory: boolean }> {
  for (let at = path.resolve(p); ; at = path.dirname(at)) {
    const info = await stat(at).catch(() => null);
    if (info) return { path: at, isDirectory: info.isDirectory() };
    if (path.dirname(at) === at) return { path: at, isDirectory: false };
  }
}

/**
 * Everything that would make writing an export to `outDir` fail or destroy something, checked
 * before any work starts (a labeling run must not find out after its last image): `outDir` being
 * the image folder or holding it, being a file, lying inside a file or a folder that cannot be
 * written, or holding images that are not an earlier export's (a YOLO export would replace
 * `images/train/…` files there). `option` names the setting in the messages.
 */
export async function checkOutFolder(outDir: string, imageRoot: string, option = '--out'): Promise<void> {
  checkOutDir(outDir, imageRoot);
  const existing = await nearestExisting(outDir);
  const here = existing.path === path.resolve(outDir);
  if (!existing.isDirectory)
    throw bad(
      here
        ? `${option} ${outDir} is a file; an export needs a folder of its own.`
        : `${option} ${outDir} cannot be created: ${existing.path} is a file, not a folder.`,
    );
  const writable = await access(existing.path, constants.W_OK).then(
    () => true,
    () => false,
  );
  if (!writable)
    throw bad(`${option} ${outDir} cannot be written: ${existing.path} does not allow writing to it.`);
  if (!here || (await stat(path.join(outDir, EXPORT_MARKER)).catch(() => null))) return;
  const images = await listImages(outDir);
  if (images.length)
    throw bad(
      `${option} ${outDir} holds ${count(images.length, 'image')} of its own (${images[0]}, …), which an export could overwrite; choose an empty folder or an earlier export.`,
    );
}
