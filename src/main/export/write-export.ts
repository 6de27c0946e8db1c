import type { Stats } from 'node:fs';
import { lstat, mkdir, readdir, rename, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { GroundLabelError, messageOf } from '../../shared/errors';
import { keptFiles, staleFiles } from '../../shared/formats';
import type { ExportFormat, ExportResult, OutputFile } from '../../shared/formats/types';
import { EXPORT_MARKER, toRelPath } from '../dataset/scan';
import { TEMP_MARKER } from '../fs/atomic';
import { isInside } from '../fs/paths';
import { makeStaging, recoverInterrupted, removeStaging, swapInto } from './staging';
import { placeFiles, type PlaceOptions } from './write-files';
import { count } from '../../shared/plural';

export interface WriteExportOptions {
  readonly format: ExportFormat;
  /** Folder the export goes to. */
  readonly outDir: string;
  /** Folder image entries are relative to. */
  readonly imageRoot: string;
  /** Copy images into the export instead of linking to them. */
  readonly copyImages?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

const MARKER_FILE: OutputFile = {
  kind: 'text',
  path: EXPORT_MARKER,
  content: 'Labels exported by GroundLabel. Folders holding this file are never read as images.\n',
};

/** Resolves a writer's relative path inside the export folder, refusing anything that would leave it. */
function inside(outDir: string, rel: string): string {
  const full = path.resolve(outDir, rel);
  if (!isInside(outDir, full, { allowSame: false })) {
    throw new GroundLabelError('io-failed', `Refusing to write outside the export folder: ${rel}`);
  }
  return full;
}

/**
 * An export may live inside the dataset (`<dataset>/exports/…`), but not at its root or above it:
 * clearing an old export's `images/train/` there could touch the person's own files.
 */
export function checkOutDir(outDir: string, imageRoot: string): void {
  if (isInside(outDir, imageRoot)) {
    throw new GroundLabelError(
      'bad-argument',
      `The export folder ${outDir} is the image folder or contains it; choose a folder of its own (for example ${path.join(imageRoot, 'exports')}).`,
    );
  }
}

/** Every file below `root`, and every empty folder as `name/`, relative with forward slashes. */
async function listEntries(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    if (entries.length === 0 && dir !== root) out.push(`${toRelPath(root, dir)}/`);
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else out.push(toRelPath(root, full));
    }
  };
  await walk(root);
  return out;
}

/** Temp files an interrupted atomic write left are ours to remove, never the person's. */
const isOurTemp = (rel: string): boolean => rel.includes(TEMP_MARKER);

/**
 * Why an existing export folder cannot simply be replaced by a new one, or undefined when it can: a
 * person's own files (and other formats' files) in it must stay where they are, a link or mount
 * point must keep pointing where it points.
 */
async function whyUpdateInPlace(
  outDir: string,
  current: Stats,
  existing: readonly string[],
  result: ExportResult,
  format: ExportFormat,
): Promise<string | undefined> {
  if (current.isSymbolicLink()) return 'a link';
  if (current.dev !== (await stat(path.dirname(outDir))).dev) return 'a mount point';
  const kept = keptFiles(format, existing, result);
  return kept.length ? `holding ${count(kept.length, 'file')} of its own` : undefined;
}

/**
 * The fallback for a folder that cannot be swapped: files an earlier export left and this one does
 * not rewrite are removed first (on a case-insensitive file system `A.txt` and `a.txt` are one file),
 * then every file is replaced one by one, text files atomically.
 */
async function writeInPlace(
  result: ExportResult,
  outDir: string,
  existing: readonly string[],
  options: WriteExportOptions,
  place: Omit<PlaceOptions, 'mode'>,
): Promise<string[]> {
  const stale = [...staleFiles(options.format, existing, result), ...existing.filter(isOurTemp)];
  for (const rel of new Set(stale)) {
    const full = inside(outDir, rel);
    if (rel.endsWith('/')) await rmdir(full).catch(() => undefined);
    else await unlink(full);
  }
  return placeFiles(result.files, outDir, { ...place, mode: 'replace' });
}

/**
 * Puts an export on disk. The export is written into a fresh staging folder next to `outDir` with
 * plain writes, then renamed into place (an earlier export there is moved aside and removed), so
 * `outDir` shows the old export or the new one and a crash never leaves half-written files in it.
 * A folder holding files that are not an export's, a link or a mount point is updated in place.
 * Every export carries EXPORT_MARKER at its top. Returns the full paths of the files written.
 */
export async function writeExport(exported: ExportResult, options: WriteExportOptions): Promise<string[]> {
  checkOutDir(options.outDir, options.imageRoot);
  // The marker tells the image scan that this folder holds an export, never images to label.
  const result: ExportResult = { ...exported, files: [...exported.files, MARKER_FILE] };
  const outDir = path.resolve(options.outDir);
  // Every path is checked before anything is written.
  for (const f of result.files) inside(outDir, f.path);
  const place = {
    imageRoot: options.imageRoot,
    copyImages: options.copyImages,
    onProgress: options.onProgress,
  };
  await mkdir(path.dirname(outDir), { recursive: true });
  await recoverInterrupted(outDir);

  const current = await lstat(outDir).catch(() => null);
  let existing: string[] = [];
  if (current) {
    if (!current.isDirectory() && !current.isSymbolicLink())
      throw new GroundLabelError('bad-argument', `The export folder ${outDir} is a file, not a folder.`);
    existing = await listEntries(outDir);
    const mine = existing.filter((rel) => !isOurTemp(rel));
    if (await whyUpdateInPlace(outDir, current, mine, result, options.format))
      return writeInPlace(result, outDir, existing, options, place);
  }

  const staging = await makeStaging(outDir);
  try {
    await placeFiles(result.files, staging, { ...place, mode: 'fresh', finalDir: outDir });
    if (!current) await rename(staging, outDir);
    else if (!(await swapInto(staging, outDir))) {
      await removeStaging(staging);
      return writeInPlace(result, outDir, existing, options, place);
    }
  } catch (e) {
    await removeStaging(staging);
    throw e instanceof GroundLabelError
      ? e
      : new GroundLabelError('io-failed', `Could not write the export to ${outDir}: ${messageOf(e)}`, {
          cause: e,
        });
  }
  return result.files.map((f) => inside(outDir, f.path));
}
