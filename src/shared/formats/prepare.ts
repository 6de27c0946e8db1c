import { clampBox } from '../geometry';
import { throwIfAny } from './errors';
import type { ExportBox, ExportImage, ExportInput, ExportProblem } from './types';

/** A box that survived clamping: inside the image, positive area, known class. */
export interface PreparedBox {
  readonly classId: number;
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  readonly difficult: boolean;
  readonly occluded: boolean;
}

export interface PreparedImage {
  readonly relPath: string;
  readonly width: number;
  readonly height: number;
  readonly split: 'train' | 'val';
  readonly boxes: readonly PreparedBox[];
}

export interface PreparedExport {
  /** Trimmed class names, index = class id. */
  readonly classes: readonly string[];
  /** Reviewed images only, sorted by relPath (code-unit order, locale independent). */
  readonly images: readonly PreparedImage[];
  /** Every relPath of the input (reviewed and unlabeled), sorted; output names are derived from it. */
  readonly allRelPaths: readonly string[];
  readonly problems: readonly ExportProblem[];
}

/** Line breaks and control characters break classes.txt, YAML (1.1 folds U+2028/2029) and XML. */
export function hasUnsafeChars(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Why `relPath` cannot be written under an export folder, or undefined when it is fine. */
export function relPathProblem(relPath: string): string | undefined {
  if (relPath === '') return 'is empty';
  if (hasUnsafeChars(relPath)) return 'contains NUL or another control character';
  if (relPath.includes('\\')) return 'contains a backslash (relPaths use forward slashes)';
  if (relPath.startsWith('/')) return 'is absolute';
  if (/^[A-Za-z]:/.test(relPath)) return 'starts with a drive letter';
  const segments = relPath.split('/');
  if (segments.includes('..')) return 'contains ".."';
  if (segments.some((s) => s === '' || s === '.')) return 'contains an empty or "." segment';
  return undefined;
}

export function checkRelPaths(relPaths: readonly string[]): void {
  const details = relPaths.flatMap((p) => {
    const why = relPathProblem(p);
    return why === undefined ? [] : [`${JSON.stringify(p)} ${why}`];
  });
  throwIfAny('bad-path', 'Export refused, unsafe image paths', details);
}

/** Trims the names and refuses empty, duplicate or multi-line ones. */
export function checkClassList(classes: readonly string[]): string[] {
  const trimmed = classes.map((c) => c.trim());
  const seen = new Map<string, number>();
  const details: string[] = [];
  trimmed.forEach((name, id) => {
    if (name === '') details.push(`class id ${id} has an empty name`);
    else if (hasUnsafeChars(name)) details.push(`class id ${id} contains a line break or control character`);
    const first = seen.get(name);
    if (first !== undefined && name !== '')
      details.push(`class id ${id} repeats the name "${name}" of class id ${first}`);
    else seen.set(name, id);
  });
  throwIfAny('bad-class-list', 'Export refused, bad class list', details);
  return trimmed;
}

/** Sizes matter only for exported images (an unlabeled one may not have been decoded yet). */
function checkImages(images: readonly ExportImage[]): void {
  const seen = new Set<string>();
  const details: string[] = [];
  const ok = (v: number) => Number.isInteger(v) && v > 0;
  for (const im of images) {
    const exported = im.state === 'reviewed';
    if (exported && (!ok(im.width) || !ok(im.height)))
      details.push(`${im.relPath} has size ${im.width}×${im.height}`);
    if (seen.has(im.relPath)) details.push(`${im.relPath} is listed twice`);
    seen.add(im.relPath);
  }
  throwIfAny('bad-image', 'Export refused, bad images', details);
}

const plural = (n: number, word: string): string =>
  `${n} ${word}${n === 1 ? '' : word.endsWith('x') ? 'es' : 's'}`;

/** Class ids that are not an index of the class list, with how often they occur, as one error. */
export function checkClassIds(images: readonly ExportImage[], classCount: number): void {
  const usage = new Map<number, { boxes: number; images: Set<string> }>();
  for (const im of images) {
    for (const b of im.boxes) {
      if (Number.isInteger(b.classId) && b.classId >= 0 && b.classId < classCount) continue;
      const u = usage.get(b.classId) ?? { boxes: 0, images: new Set<string>() };
      u.boxes += 1;
      u.images.add(im.relPath);
      usage.set(b.classId, u);
    }
  }
  const entries = [...usage].sort(([a], [b]) => (Number.isNaN(a) ? 1 : Number.isNaN(b) ? -1 : a - b));
  const details = entries.map(
    ([id, u]) =>
      `class id ${id} is not in the class list (${plural(u.boxes, 'box')} in ${plural(u.images.size, 'image')})`,
  );
  throwIfAny('unknown-class', `Export refused, ${plural(entries.length, 'unknown class id')}`, details);
}

const fmt = (v: number): string => String(Math.round(v * 100) / 100);

function describeBox(b: ExportBox, index: number, classes: readonly string[]): string {
  return `box ${index + 1} (class ${b.classId} "${classes[b.classId]}", ${fmt(b.x1)},${fmt(b.y1)} → ${fmt(b.x2)},${fmt(b.y2)})`;
}

/** Clamps every box to the image; boxes with no area left are refused and reported. */
function prepareImage(im: ExportImage, classes: readonly string[], problems: ExportProblem[]): PreparedImage {
  const boxes: PreparedBox[] = [];
  im.boxes.forEach((b, i) => {
    const coords = [b.x1, b.y1, b.x2, b.y2];
    if (!coords.every(Number.isFinite)) {
      problems.push({
        relPath: im.relPath,
        message: `${describeBox(b, i, classes)} has a non-finite coordinate; left out`,
      });
      return;
    }
    const c = clampBox(b, im);
    if (!(c.x2 > c.x1 && c.y2 > c.y1)) {
      const where = `inside the ${im.width}×${im.height} image`;
      problems.push({
        relPath: im.relPath,
        message: `${describeBox(b, i, classes)} has no area ${where}; left out`,
      });
      return;
    }
    boxes.push({ classId: b.classId, ...c, difficult: b.difficult === true, occluded: b.occluded === true });
  });
  return { relPath: im.relPath, width: im.width, height: im.height, split: im.split ?? 'train', boxes };
}

/**
 * The one validation every writer runs first. Throws `ExportError` for input that no format can
 * represent; returns refused boxes as problems so the caller can show them next to the result.
 */
export function prepareExport(input: ExportInput): PreparedExport {
  const allRelPaths = input.images.map((im) => im.relPath).sort(byCodeUnits);
  checkRelPaths(allRelPaths);
  checkImages(input.images);
  const classes = checkClassList(input.classes);
  // Only exported images count: an unlabeled image's stale class id must not block an export.
  const reviewed = input.images.filter((im) => im.state === 'reviewed');
  checkClassIds(reviewed, classes.length);
  const sorted = [...reviewed].sort((a, b) => byCodeUnits(a.relPath, b.relPath));
  const problems: ExportProblem[] = [];
  const images = sorted.map((im) => prepareImage(im, classes, problems));
  return { classes, images, allRelPaths, problems };
}
