import type { Box, ImageSize } from '../../geometry';
import { byCodeUnits } from '../prepare';
import { flagsOf } from '../../project';
import type { ExportBox } from '../types';
import { finishWithSizes, fitBox, sizeText, type ReportBuilder } from './common';
import type { StagedImport } from './types';

/** A box of a per-image label file, with its class name and where it was written. */
export interface NamedBox {
  readonly where: string;
  readonly name: string;
  readonly box: Box;
  readonly difficult: boolean;
  readonly occluded?: boolean;
}

/** One image's label file in a per-image format (Pascal VOC, LabelMe), read and paired with its image. */
export interface PerImageFile {
  readonly path: string;
  readonly relPath: string;
  readonly boxes: readonly NamedBox[];
  /** The size written in the file, when it is a usable one. */
  readonly size?: ImageSize;
  readonly sizeProblem?: string;
}

/**
 * Records that the label file `path` labels `relPath`. A second file for an image is an error and
 * leaves the image out, since which one won would depend on how the files are named. Returns
 * whether the file may be used.
 */
export function claimImage(
  owners: Map<string, string>,
  relPath: string,
  path: string,
  staged: ReportBuilder,
  rejected: Set<string>,
): boolean {
  const first = owners.get(relPath);
  if (first !== undefined) {
    staged.error(path, `${relPath} is labelled by ${first} already; the image is left out of the import`);
    rejected.add(relPath);
    return false;
  }
  owners.set(relPath, path);
  return true;
}

/** How a format's messages name its size fields (`size is missing`, `size says 640×480`). */
export interface SizeWords {
  readonly missing: string;
  readonly says: string;
}

/**
 * The size-dependent half of a per-image format: each file's boxes are clipped to its image's
 * oriented size, or to the size the file states when the image was not measured. Classes are
 * `known`, or the names in order of first appearance over the images in name order, whatever the
 * label files are called.
 */
export function finishPerImage(
  images: readonly string[],
  staged: ReportBuilder,
  files: readonly PerImageFile[],
  rejected: ReadonlySet<string>,
  known: readonly string[] | undefined,
  words: SizeWords,
): StagedImport {
  const accepted = files
    .filter((f) => !rejected.has(f.relPath))
    .sort((a, b) => byCodeUnits(a.relPath, b.relPath));
  const classes = known ?? [...new Set(accepted.flatMap((f) => f.boxes.map((b) => b.name)))];
  const classOf = new Map(classes.map((c, i) => [c, i]));
  return finishWithSizes(images, classes, staged, rejected, accepted, (f, real, report) => {
    if (real !== undefined && 'error' in real) {
      report.error(f.path, `${f.relPath}: ${real.error}; the image is left out of the import`);
      return undefined;
    }
    const size = real ?? f.size;
    if (size === undefined) {
      report.error(
        f.path,
        `${f.sizeProblem ?? words.missing} and the image was not measured; the image is left out of the import`,
      );
      return undefined;
    }
    if (f.sizeProblem !== undefined)
      report.warn(f.path, `${f.sizeProblem}; the image's own ${sizeText(size)} is used`);
    else if (f.size !== undefined && (f.size.width !== size.width || f.size.height !== size.height))
      report.warn(
        f.path,
        `${words.says} ${sizeText(f.size)} but ${f.relPath} is ${sizeText(size)} (EXIF-oriented); its boxes are clipped to ${sizeText(size)}`,
      );
    const boxes: ExportBox[] = [];
    for (const b of f.boxes) {
      const box = fitBox(b.box, size, report, b.where, ' ');
      if (box !== undefined)
        boxes.push({
          classId: classOf.get(b.name)!,
          ...box,
          ...flagsOf(b),
        });
    }
    return { boxes, size };
  });
}
