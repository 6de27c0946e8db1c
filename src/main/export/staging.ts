import { randomBytes } from 'node:crypto';
import { lstat, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * An export is written into a hidden sibling of its folder and then renamed into place, so the
 * folder holds the old export or the new one, never a mix, and a crash leaves nothing half-written
 * there. `.coco-1.gl-staging-Ab12Cd` is the new export being written; `.coco-1.gl-old-0a1b2c3d` the
 * earlier export, moved aside for the moment of the swap.
 */
const STAGING = '.gl-staging-';
const OLD = '.gl-old-';
const STAGING_REST = /^\.gl-staging-[A-Za-z0-9]{6}$/;
const OLD_REST = /^\.gl-old-[0-9a-f]{8}$/;

const siblingPrefix = (outDir: string, marker: string): string =>
  path.join(path.dirname(outDir), `.${path.basename(outDir)}${marker}`);

const removeTree = (dir: string): Promise<void> => rm(dir, { recursive: true, force: true, maxRetries: 3 });

/** A new, empty staging folder next to `outDir` (same file system, so the swap is a rename). */
export const makeStaging = (outDir: string): Promise<string> => mkdtemp(siblingPrefix(outDir, STAGING));

export const removeStaging = removeTree;

/**
 * Puts right what an interrupted export of `outDir` left: staging folders are removed; an earlier
 * export moved aside goes back when the swap never finished, and is removed when it did.
 */
export async function recoverInterrupted(outDir: string): Promise<void> {
  const parent = path.dirname(outDir);
  const own = `.${path.basename(outDir)}`;
  const names = await readdir(parent).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(own)).sort()) {
    const rest = name.slice(own.length);
    const full = path.join(parent, name);
    if (STAGING_REST.test(rest)) await removeTree(full);
    else if (OLD_REST.test(rest)) {
      if (await lstat(outDir).catch(() => null)) await removeTree(full);
      else await rename(full, outDir);
    }
  }
}

/**
 * Replaces the folder `outDir` by `staging` with two renames. Returns false, with nothing changed,
 * when `outDir` cannot be moved (Windows refuses while a program holds a file in it).
 */
export async function swapInto(staging: string, outDir: string): Promise<boolean> {
  const old = `${siblingPrefix(outDir, OLD)}${randomBytes(4).toString('hex')}`;
  try {
    await rename(outDir, old);
  } catch {
    return false;
  }
  try {
    await rename(staging, outDir);
  } catch (e) {
    await rename(old, outDir).catch(() => undefined);
    throw e;
  }
  // The new export is in place; an old folder that resists removal goes at the next export.
  await removeTree(old).catch(() => undefined);
  return true;
}
