import { copyFile, lstat, mkdir, readdir, symlink, unlink } from 'node:fs/promises';
import path from 'node:path';
import { GroundLabelError, messageOf } from '../../shared/errors';
import type { ExportResult, OutputFile } from '../../shared/formats/types';
import { isImagePath } from '../dataset/scan';
import { writeFileAtomic } from '../fs/atomic';

export interface WriteExportOptions {
  /** Folder the export goes to. */
  readonly outDir: string;
  /** Folder image entries are relative to. */
  readonly imageRoot: string;
  /** Copy images into the export instead of linking to them. */
  readonly copyImages?: boolean;
}

/** Resolves a writer's relative path inside the export folder, refusing anything that would leave it. */
function inside(outDir: string, rel: string): string {
  const full = path.resolve(outDir, rel);
  const back = path.relative(path.resolve(outDir), full);
  if (!back || back.startsWith('..') || path.isAbsolute(back)) {
    throw new GroundLabelError('io-failed', `Refusing to write outside the export folder: ${rel}`);
  }
  return full;
}

/** Ultralytics caches label scans in labels/*.cache keyed so that same-size edits are missed: drop them. */
async function removeLabelCaches(outDir: string): Promise<void> {
  const labels = path.join(outDir, 'labels');
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.name.endsWith('.cache')) await unlink(full);
    }
  };
  await walk(labels);
}

async function placeImage(file: Extract<OutputFile, { kind: 'image' }>, options: WriteExportOptions): Promise<void> {
  const target = inside(options.outDir, file.path);
  const source = path.resolve(options.imageRoot, file.source);
  await mkdir(path.dirname(target), { recursive: true });
  const existing = await lstat(target).catch(() => null);
  if (existing) await unlink(target);
  if (!options.copyImages) {
    try {
      // Ultralytics pairs images/… with labels/… by the path it was given, so a link keeps the pairing without a copy.
      await symlink(path.relative(path.dirname(target), source), target);
      return;
    } catch {
      // Symlinks need privileges on Windows: a copy is the portable fallback.
    }
  }
  await copyFile(source, target);
}

/** Puts an export on disk: every text file atomically, image entries linked (or copied). */
export async function writeExport(result: ExportResult, options: WriteExportOptions): Promise<string[]> {
  const written: string[] = [];
  await mkdir(options.outDir, { recursive: true });
  if (result.files.some((f) => f.path.startsWith('labels/'))) await removeLabelCaches(options.outDir);
  for (const file of result.files) {
    const target = inside(options.outDir, file.path);
    try {
      if (file.kind === 'text') {
        if (isImagePath(target)) throw new Error('a label file must never take an image extension');
        await writeFileAtomic(target, file.content);
      } else {
        await placeImage(file, options);
      }
    } catch (e) {
      if (e instanceof GroundLabelError) throw e;
      throw new GroundLabelError('io-failed', `Could not write ${target}: ${messageOf(e)}`, { cause: e });
    }
    written.push(target);
  }
  return written;
}
