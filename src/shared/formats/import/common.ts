import { clampBox, type Box, type ImageSize } from '../../geometry';
import { byCodeUnits, hasUnsafeChars, relPathProblem } from '../prepare';
import type { ExportBox, ExportImage } from '../types';
import type { ImportIssue, ImportReport, ImportResult, SizeInfo, SizeLookup, StagedImport } from './types';

/** `where: text` for file locations; COCO's JSON paths read better as `where text` (pass ' '). */
export const issueAt = (where: string, text: string, sep = ': '): ImportIssue => ({
  where,
  message: `${where}${sep}${text}`,
});

/** Collects what an import found; the importers never throw, they report. */
export class ReportBuilder {
  readonly errors: ImportIssue[] = [];
  readonly warnings: ImportIssue[] = [];
  clipped = 0;

  error(where: string, text: string, sep = ': '): void {
    this.errors.push(issueAt(where, text, sep));
  }

  warn(where: string, text: string, sep = ': '): void {
    this.warnings.push(issueAt(where, text, sep));
  }

  /** An entry whose image is not in the image folder, refused (`error`) or skipped (`warn`). */
  notFound(level: 'error' | 'warn', where: string, text: string, sep = ': '): void {
    (level === 'error' ? this.errors : this.warnings).push({
      ...issueAt(where, text, sep),
      imageNotFound: true,
    });
  }

  /** A copy to add to, so that `finish` can run more than once on the same stage. */
  clone(): ReportBuilder {
    const copy = new ReportBuilder();
    copy.errors.push(...this.errors);
    copy.warnings.push(...this.warnings);
    copy.clipped = this.clipped;
    return copy;
  }

  build(): ImportReport {
    return { errors: this.errors, clipped: this.clipped, warnings: this.warnings };
  }
}

const fmt = (v: number): string => String(Math.round(v * 100) / 100);

export const sizeText = (s: ImageSize): string => `${s.width}×${s.height}`;

/**
 * Clips a pixel box to its image. A box reaching outside by more than rounding noise
 * (1e-6 × the longer side: YOLO's 6 decimals) is counted in `clipped`; a box with no area left is an
 * error for that box and comes back undefined. Coordinates must be finite.
 */
export function fitBox(
  raw: Box,
  size: ImageSize,
  report: ReportBuilder,
  where: string,
  sep = ': ',
): Box | undefined {
  const c = clampBox(raw, size);
  if (!(c.x2 > c.x1 && c.y2 > c.y1)) {
    const corners = `${fmt(raw.x1)},${fmt(raw.y1)} → ${fmt(raw.x2)},${fmt(raw.y2)}`;
    const subject = sep === ' ' ? corners : `box ${corners}`;
    report.error(
      where,
      `${subject} has no area inside the ${sizeText(size)} image; the box is left out`,
      sep,
    );
    return undefined;
  }
  const tol = 1e-6 * Math.max(size.width, size.height);
  if (raw.x1 < -tol || raw.y1 < -tol || raw.x2 > size.width + tol || raw.y2 > size.height + tol)
    report.clipped += 1;
  return c;
}

/**
 * The images of the image folder an import may use: sorted, each once, and only names every writer
 * can put in an export (a name with a backslash or a control character is left out with a warning).
 */
export function usableImages(listing: readonly string[], report: ReportBuilder): string[] {
  const out: string[] = [];
  for (const relPath of [...new Set(listing)].sort(byCodeUnits)) {
    const why = relPathProblem(relPath);
    if (why === undefined) out.push(relPath);
    else report.warn(JSON.stringify(relPath), `the image name ${why}; the image is left out of the import`);
  }
  return out;
}

const positiveInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** A measured size, the reason there is none, or undefined when it was not measured. */
export function measured(info: SizeInfo): ImageSize | { readonly error: string } | undefined {
  if (info === undefined || 'error' in info) return info;
  if (positiveInt(info.width) && positiveInt(info.height)) return { width: info.width, height: info.height };
  return { error: `the measured size ${info.width}×${info.height} is not a size` };
}

export interface ImageLabels {
  readonly boxes: readonly ExportBox[];
  readonly size: ImageSize;
  readonly split?: 'train' | 'val';
}

/** Every usable image once: reviewed with its labels, unlabeled otherwise (rejected ones included). */
export function assemble(
  images: readonly string[],
  classes: readonly string[],
  labelled: ReadonlyMap<string, ImageLabels>,
  rejected: ReadonlySet<string>,
  report: ReportBuilder,
  sizeOf?: (relPath: string) => SizeInfo,
): ImportResult {
  const out: ExportImage[] = images.map((relPath) => {
    const l = rejected.has(relPath) ? undefined : labelled.get(relPath);
    if (l === undefined) {
      const s = measured(sizeOf?.(relPath));
      const size = s !== undefined && !('error' in s) ? s : { width: 0, height: 0 };
      return { relPath, width: size.width, height: size.height, state: 'unlabeled', boxes: [] };
    }
    return {
      relPath,
      width: l.size.width,
      height: l.size.height,
      state: 'reviewed',
      boxes: l.boxes,
      ...(l.split !== undefined && { split: l.split }),
    };
  });
  return {
    input: { classes, images: out },
    report: report.build(),
    rejected: images.filter((p) => rejected.has(p)),
  };
}

/**
 * The size-dependent half of every importer: `needs` are the items' images, and `finish` turns each
 * item into its image's labels with the measured size (`labels` returns undefined to leave the
 * image out, having reported why). `staged` is copied, so `finish` can run more than once.
 */
export function finishWithSizes<T extends { readonly relPath: string }>(
  images: readonly string[],
  classes: readonly string[],
  staged: ReportBuilder,
  rejected: ReadonlySet<string>,
  items: readonly T[],
  labels: (item: T, size: ReturnType<typeof measured>, report: ReportBuilder) => ImageLabels | undefined,
): StagedImport {
  return {
    needs: items.map((item) => item.relPath),
    finish(sizes: SizeLookup): ImportResult {
      const report = staged.clone();
      const labelled = new Map<string, ImageLabels>();
      const left = new Set(rejected);
      for (const item of items) {
        const l = labels(item, measured(sizes(item.relPath)), report);
        if (l === undefined) left.add(item.relPath);
        else labelled.set(item.relPath, l);
      }
      return assemble(images, classes, labelled, left, report, sizes);
    },
  };
}

/** Nothing could be imported (no class list, an unparsable file): every image stays unlabeled. */
export function nothingImported(images: readonly string[], report: ReportBuilder): ImportResult {
  return assemble(images, [], new Map(), new Set(), report);
}

/**
 * Checks a class list as the writers will (trimmed, not empty, one line, unique). Trimming is
 * reported as a warning; anything else is an error and the list is unusable (undefined).
 */
export function checkNames(
  names: readonly string[],
  whereOf: (index: number) => string,
  report: ReportBuilder,
  sep = ': ',
): string[] | undefined {
  const seen = new Map<string, number>();
  let ok = true;
  const trimmed = names.map((raw, i) => {
    const name = raw.trim();
    const where = whereOf(i);
    if (name === '') {
      report.error(where, 'the class name is empty', sep);
      ok = false;
    } else if (hasUnsafeChars(name)) {
      report.error(
        where,
        `the class name ${JSON.stringify(name)} contains a line break or control character`,
        sep,
      );
      ok = false;
    } else if (seen.has(name)) {
      report.error(where, `the class name "${name}" repeats ${whereOf(seen.get(name)!)}`, sep);
      ok = false;
    } else {
      seen.set(name, i);
      if (name !== raw) report.warn(where, `the class name ${JSON.stringify(raw)} is read as "${name}"`, sep);
    }
    return name;
  });
  return ok ? trimmed : undefined;
}

/** Splits a text file into lines, dropping a UTF-8 byte order mark and accepting CRLF. */
export const textLines = (text: string): string[] => stripBom(text).split(/\r?\n/);

export const stripBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/**
 * A classes.txt (labelImg, X-AnyLabeling): one name per line, class id = line number − 1. Blank lines
 * at the end are ignored; a blank line before a name would shift every id after it, so it is an error.
 */
export function parseClassesTxt(
  file: { path: string; text: string },
  report: ReportBuilder,
): string[] | undefined {
  const lines = textLines(file.text);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  return checkNames(lines, (i) => `${file.path}:${i + 1}`, report);
}

/** A class id as written (`7`, `-1`), or undefined for anything that is not a whole number. */
export const wholeNumber = (token: string): number | undefined =>
  /^[+-]?\d+$/.test(token) ? Number(token) : undefined;

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A finite decimal number as written in a text format (no `nan`, `inf`, hex or empty strings). */
export function decimal(token: string): number | undefined {
  if (!DECIMAL.test(token)) return undefined;
  const v = Number(token);
  return Number.isFinite(v) ? v : undefined;
}

/** A short, printable rendering of untrusted text for a message. */
export function quote(text: string, max = 40): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}

export { jsonSyntaxError, lineAt } from '../../json-text';
