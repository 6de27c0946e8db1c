import { copyFile, link, lstat, mkdir, readdir, symlink, unlink } from 'node:fs/promises';
import path from 'node:path';
import { GroundLabelError, messageOf } from '../../shared/errors';
import { staleFiles } from '../../shared/formats';
import type { ExportFormat, ExportResult, OutputFile } from '../../shared/formats/types';
import { isImagePath, toRelPath } from '../dataset/scan';
import { writeFileAtomic } from '../fs/atomic';
import { isInside } from '../fs/paths';

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

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else out.push(toRelPath(root, full));
    }
  };
  await walk(root);
  return out;
}

async function placeImage(
  file: Extract<OutputFile, { kind: 'image' }>,
  target: string,
  options: WriteExportOptions,
): Promise<void> {
  const source = path.resolve(options.imageRoot, file.source);
  // An earlier export's entry was removed as stale unless it is rewritten here.
  if (await lstat(target).catch(() => null)) await unlink(target);
  if (!options.copyImages) {
    // Ultralytics pairs images/… with labels/… by the path it was given, so a link keeps the pairing
    // without a copy. Symlinks need privileges on Windows and hard links one file system: then copy.
    for (const attempt of [
      () => symlink(path.relative(path.dirname(target), source), target),
      () => link(source, target),
    ]) {
      try {
        return await attempt();
      } catch {
        continue;
      }
    }
  }
  await copyFile(source, target);
}

/**
 * Puts an export on disk: files an earlier export left and this one does not rewrite are removed
 * first, then every text file is written atomically and image entries are linked (or copied).
 */
export async function writeExport(result: ExportResult, options: WriteExportOptions): Promise<string[]> {
  checkOutDir(options.outDir, options.imageRoot);
  await mkdir(options.outDir, { recursive: true });
  for (const stale of staleFiles(options.format, await listFiles(options.outDir), result)) {
    await unlink(inside(options.outDir, stale));
  }
  const written: string[] = [];
  const writeOne = async (file: OutputFile): Promise<void> => {
    const target = inside(options.outDir, file.path);
    try {
      if (file.kind === 'text') {
        if (isImagePath(target)) throw new Error('a label file must never take an image extension');
        // An export can be written again; per-file fsync would make 10,000 label files take minutes.
        await writeFileAtomic(target, file.content, { fsync: false, dirExists: true });
      } else {
        await placeImage(file, target, options);
      }
    } catch (e) {
      if (e instanceof GroundLabelError) throw e;
      throw new GroundLabelError('io-failed', `Could not write ${target}: ${messageOf(e)}`, { cause: e });
    }
    written.push(target);
    if (written.length % 100 === 0 || written.length === result.files.length)
      options.onProgress?.(written.length, result.files.length);
  };
  // Each folder is made once, not once per file.
  const dirs = new Set(result.files.map((f) => path.dirname(inside(options.outDir, f.path))));
  for (const dir of dirs) await mkdir(dir, { recursive: true });
  // Files are independent: a few in flight at once hide the file system's latency.
  const CONCURRENCY = 16;
  for (let i = 0; i < result.files.length; i += CONCURRENCY) {
    await Promise.all(result.files.slice(i, i + CONCURRENCY).map(writeOne));
  }
  return written;
}
